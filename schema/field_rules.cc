#include "schema/field_rules.h"

#include <string>

#include "schema/cases.h"
#include "schema/dtks.h"
#include "schema/ids.h"
#include "schema/model.h"
#include "schema/rules_store.h"
#include "schema/validate.h"
#include "schema/workflow.h"

namespace simpul::schema {
namespace {

Status Bad(std::string_view table, std::string_view field, const std::string& why) {
  return Status::InvalidArgument(std::string(table) + "." + std::string(field) + ": " + why)
      .WithField(std::string(field));
}

bool IsText(const Value& v) { return std::holds_alternative<std::string>(v); }
bool IsInt(const Value& v) { return std::holds_alternative<int64_t>(v); }
const std::string& Text(const Value& v) { return std::get<std::string>(v); }

template <size_t N>
bool InTable(const CodeLabel (&table)[N], const Value& v) {
  return IsText(v) && FindCode(table, Text(v)) != nullptr;
}

bool IsHex(const std::string& s, size_t n) {
  if (s.size() != n) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

}  // namespace

Status ValidateStoredValue(std::string_view t, std::string_view f, const Value& v) {
  if (IsNull(v)) return Status::Ok();
  if (std::holds_alternative<Blob>(v)) return Bad(t, f, "binary values are not allowed");
  // A rules file or an indicator set is kept whole (schema/rules_store.h).
  const bool definition = (t == "service_rules" && f == "text") || (t == "indicator_releases" && f == "definition");
  if (definition && IsText(v) && Text(v).size() > kMaxDefinitionBytes)
    return Bad(t, f, "text longer than " + std::to_string(kMaxDefinitionBytes) + " bytes");
  if (!definition && IsText(v) && Text(v).size() > 8000) return Bad(t, f, "text longer than 8000 bytes");
  if ((t == "service_rules" || t == "indicator_releases" || t == "applications") &&
      (f == "version" || f == "rules_version"))
    return IsInt(v) && std::get<int64_t>(v) >= 1 ? Status::Ok() : Bad(t, f, "must be a whole number from 1");
  if (f == "deleted") return IsInt(v) && (std::get<int64_t>(v) == 0 || std::get<int64_t>(v) == 1)
                                 ? Status::Ok() : Bad(t, f, "must be 0 or 1");
  if (f.size() > 3 && f.substr(f.size() - 3) == "_id" && f != "row_id") {
    if (!IsText(v) || !LooksLikeRowId(Text(v))) return Bad(t, f, "must be a row id");
    return Status::Ok();
  }
  if (f == "nik") {
    if (!IsText(v)) return Bad(t, f, "must be text");
    auto r = ValidateNik(Text(v), nullptr, nullptr);
    if (!r.ok()) return r.status();
    return r->nik == Text(v) ? Status::Ok() : Bad(t, f, "must be 16 digits without separators");
  }
  if (f == "no_kk") {
    if (!IsText(v)) return Bad(t, f, "must be text");
    auto r = ValidateKk(Text(v));
    if (!r.ok()) return r.status();
    return *r == Text(v) ? Status::Ok() : Bad(t, f, "must be 16 digits without separators");
  }
  if (f == "phone") {
    if (!IsText(v)) return Bad(t, f, "must be text");
    auto r = NormalizePhone(Text(v));
    if (!r.ok()) return r.status();
    return *r == Text(v) ? Status::Ok() : Bad(t, f, "must be normalised to +62...");
  }
  if (f == "birth_date" || f == "kk_as_of") {
    if (!IsText(v)) return Bad(t, f, "must be text");
    auto r = ParseDate(f, Text(v));
    return r.ok() ? Status::Ok() : r.status();
  }
  if (f == "phone_consent") {  // the date consent was given; "" once withdrawn
    if (!IsText(v)) return Bad(t, f, "must be text");
    if (Text(v).empty()) return Status::Ok();
    auto r = ParseDate(f, Text(v));
    return r.ok() ? Status::Ok() : r.status();
  }
  if (t == "message_sends" && f == "channel")
    return IsText(v) && (Text(v) == "click_to_chat" || Text(v) == "gateway") ? Status::Ok()
                                                                            : Bad(t, f, "click_to_chat or gateway");
  if (t == "message_sends" && f == "outcome")
    return IsText(v) && (Text(v) == "sent" || Text(v) == "failed") ? Status::Ok() : Bad(t, f, "sent or failed");
  if (f == "sex") return InTable(kSexes, v) ? Status::Ok() : Bad(t, f, "must be L or P");
  if (f == "relation")
    return IsInt(v) && std::get<int64_t>(v) >= 1 && std::get<int64_t>(v) <= 11
               ? Status::Ok() : Bad(t, f, "must be 1..11");
  if (f == "dtks_desil")
    return IsInt(v) && std::get<int64_t>(v) >= 1 && std::get<int64_t>(v) <= 10
               ? Status::Ok() : Bad(t, f, "must be 1..10");
  if (f == "dtks_status")
    return IsText(v) && (Text(v) == "registered" || Text(v) == "not_registered" || Text(v) == "unknown")
               ? Status::Ok() : Bad(t, f, "unknown DTKS status");
  if (t == "dtks" && f == "desil")
    return IsInt(v) && std::get<int64_t>(v) >= 1 && std::get<int64_t>(v) <= 10
               ? Status::Ok() : Bad(t, f, "must be 1..10");
  if (t == "dtks" && f == "pbi_status")
    return IsText(v) && IsPbiStatus(Text(v)) ? Status::Ok() : Bad(t, f, "unknown PBI status");
  if (t == "dtks" && f == "source")
    return IsText(v) && IsDtksSource(Text(v)) ? Status::Ok() : Bad(t, f, "must be dtks or p3ke");
  if (t == "dtks" && f == "snapshot_date") {
    if (!IsText(v)) return Bad(t, f, "must be text");
    auto r = ParseDate(f, Text(v));
    return r.ok() ? Status::Ok() : r.status();
  }
  if (t == "applications" && f == "type")
    return InTable(kApplicationTypes, v) ? Status::Ok() : Bad(t, f, "unknown application type");
  if (f == "service_type") return InTable(kServiceTypes, v) ? Status::Ok() : Bad(t, f, "unknown service type");
  if (f == "category") return InTable(kComplaintCategories, v) ? Status::Ok() : Bad(t, f, "unknown category");
  if (f == "urgency") return InTable(kUrgencies, v) ? Status::Ok() : Bad(t, f, "unknown urgency");
  if (t == "attachments" && f == "kind")
    return InTable(kAttachmentKinds, v) ? Status::Ok() : Bad(t, f, "unknown attachment kind");
  if (f == "sha256") return IsText(v) && IsHex(Text(v), 64) ? Status::Ok() : Bad(t, f, "must be 64 hex digits");
  if (f == "size") return IsInt(v) && std::get<int64_t>(v) >= 0 ? Status::Ok() : Bad(t, f, "must be >= 0");
  if (f == "score") return IsInt(v) || std::holds_alternative<double>(v) ? Status::Ok() : Bad(t, f, "must be a number");
  if (f == "indicator_version")
    return IsInt(v) && std::get<int64_t>(v) >= 1 ? Status::Ok() : Bad(t, f, "must be >= 1");
  if (t == "events" && f == "kind")
    return IsText(v) && IsKnownEventKind(Text(v)) ? Status::Ok() : Bad(t, f, "unknown event kind");
  if (t == "case_events" && f == "kind")
    return IsText(v) && IsKnownCaseStep(Text(v)) ? Status::Ok() : Bad(t, f, "unknown case step");
  if (t == "case_events" && f == "partner")
    return InTable(kCasePartners, v) ? Status::Ok() : Bad(t, f, "unknown partner");
  if (t == "case_events" && f == "at_ms")
    return IsInt(v) && std::get<int64_t>(v) >= 0 ? Status::Ok() : Bad(t, f, "must be >= 0");
  if ((t == "events" || t == "case_events") && f == "after")
    return IsText(v) && (Text(v).empty() || LooksLikeRowId(Text(v))) ? Status::Ok()
                                                                     : Bad(t, f, "must be empty or an event id");
  if (t == "receipts") {
    if (f == "kind")
      return IsText(v) && (Text(v) == "acked" || Text(v) == "decision" || Text(v) == "letter")
                 ? Status::Ok() : Bad(t, f, "acked, decision or letter");
    if (f == "via")
      return IsText(v) && (Text(v) == "sync" || Text(v) == "bundle") ? Status::Ok() : Bad(t, f, "sync or bundle");
    if (f == "received_at_ms" || f == "hub_time_ms") return IsInt(v) && std::get<int64_t>(v) >= 0 ? Status::Ok() : Bad(t, f, "must be >= 0");
    if (f == "clock_offset_ms") return IsInt(v) ? Status::Ok() : Bad(t, f, "must be a whole number");
  }
  if (f == "actor_role")
    return IsText(v) && (Text(v) == "village" || Text(v) == "verifier" || Text(v) == "hub")
               ? Status::Ok() : Bad(t, f, "unknown role");
  if (t == "conflicts" && f == "status")
    return IsText(v) && (Text(v) == "open" || Text(v) == "resolved") ? Status::Ok() : Bad(t, f, "open or resolved");
  // Free text and codes: any text (length bounded above) or number.
  return Status::Ok();
}

}  // namespace simpul::schema
