#include "hub/cases.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <map>

#include "hub/operations.h"
#include "hub/sequences.h"
#include "hub/ui_texts.h"
#include "schema/ids.h"
#include "schema/messages.h"
#include "schema/model.h"
#include "schema/regions.h"
#include "schema/tables.h"
#include "schema/validate.h"
#include "schema/local_time.h"

namespace simpul::hub {
namespace {

using schema::Stmt;
using sync::FieldWrite;

std::string UtcIso(uint64_t ms) { return schema::FormatUtcIso(static_cast<int64_t>(ms)); }

std::string FormatNumber(int year, int64_t seq) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "KASUS/%04d/%05lld", year, static_cast<long long>(seq));
  return buf;
}

// The highest number of `year` on record (cases handed back after a restore).
Result<int64_t> LearnedNumber(HubStore& store, int year) {
  SIMPUL_ASSIGN_OR_RETURN(Stmt * q, store.db().Cached(
      "SELECT case_number FROM complaints WHERE case_number LIKE 'KASUS/' || ? || '/%'"));
  q->Bind(1, std::to_string(year));
  int64_t best = 0;
  for (;;) {
    auto r = q->Step();
    if (!r.ok()) {
      q->Reset();
      return r.status();
    }
    if (!*r) break;
    best = std::max(best, NumberFromText(kCaseNumberFormat, q->Text(0), year));
  }
  q->Reset();
  return best;
}

// Reserves and formats the next number for a case opened at `opened_ms` in
// `village`; FailedPrecondition while numbers are unproven after a restore.
Result<std::string> NextNumber(HubStore& store, const std::string& village, int64_t opened_ms) {
  int year = schema::ToLocal(opened_ms, schema::ZoneOfRegion(village)).year;
  SIMPUL_ASSIGN_OR_RETURN(int64_t learned, LearnedNumber(store, year));
  SIMPUL_ASSIGN_OR_RETURN(int64_t seq, ReserveNumber(store, kCaseSequenceUnit, year, learned));
  return FormatNumber(year, seq);
}

// When the hub first received each case of `village` ("" all): its change log.
Result<std::map<std::string, int64_t>> ReceivedAt(HubStore& store, const std::string& village) {
  std::string sql = "SELECT row_id, min(received_at_ms) FROM changelog WHERE tbl='complaints'";
  if (!village.empty()) sql += " AND village=?";
  SIMPUL_ASSIGN_OR_RETURN(auto st, store.db().Prepare(sql + " GROUP BY row_id"));
  if (!village.empty()) st.Bind(1, village);
  std::map<std::string, int64_t> out;
  for (;;) {
    SIMPUL_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out[st.Text(0)] = st.Int(1);
  }
  return out;
}

void NotAfterReceipt(schema::CaseView* c, const std::map<std::string, int64_t>& received, int64_t now) {
  auto it = received.find(c->id);
  if (it != received.end() && (c->opened_ms == 0 || it->second < c->opened_ms)) schema::SetCaseOpened(c, it->second, now);
}

Status Bad(const char* option, const std::string& why) {
  return Status::InvalidArgument(std::string(option) + ": " + why).WithField(option);
}

}  // namespace

Result<int> NumberPendingCases(HubStore& store, const std::string& village) {
  std::string sql = "SELECT id,village,created_at FROM complaints WHERE case_number IS NULL AND deleted=0";
  if (!village.empty()) sql += " AND village=?";
  SIMPUL_ASSIGN_OR_RETURN(auto rows, QueryRows(store, sql + " ORDER BY id", village.empty() ? std::vector<std::string>{}
                                                                                           : std::vector<std::string>{village}));
  if (rows.empty()) return 0;
  SIMPUL_ASSIGN_OR_RETURN(auto received, ReceivedAt(store, village));
  const schema::TableDef* t = schema::FindTable("complaints");
  int n = 0;
  for (const auto& r : rows) {
    const std::string id = RowText(r, "id"), v = RowText(r, "village");
    int64_t opened = schema::ParseUtcIso(RowText(r, "created_at")).value_or(static_cast<int64_t>(store.NowMs()));
    if (auto it = received.find(id); it != received.end()) opened = std::min(opened, it->second);
    auto number = NextNumber(store, v, opened);
    if (!number.ok()) {
      if (number.status().code() == Code::kFailedPrecondition) return n;  // unproven after a restore: later
      return number.status();
    }
    SIMPUL_ASSIGN_OR_RETURN(auto w, store.writer().Write(*t, id, v, {{"case_number", *number}}));
    (void)w;
    SIMPUL_RETURN_IF_ERROR(store.Audit("case_numbered", v, id, *number));
    ++n;
  }
  return n;
}

Status NumberCasesOnReceipt(HubStore& store, const std::string& village) {
  auto n = NumberPendingCases(store, village);
  if (n.ok()) return Status::Ok();
  Code code = n.status().code();
  if (code == Code::kInternal || code == Code::kUnavailable) return n.status();
  return Status::Ok();  // e.g. DIR/sequences unwritable or damaged: numbered at a later sync
}

Result<std::string> OpenCase(HubStore& store, const NewCase& c) {
  auto level = schema::ValidateRegionCode(c.village, nullptr);
  if (!level.ok() || *level != schema::RegionLevel::kVillage)
    return Status::InvalidArgument(c.village + " is not a village code")
        .WithField("--village")
        .WithMsg(MsgId::kRegionNotVillage, {c.village});
  SIMPUL_RETURN_IF_ERROR(schema::CheckEnum("--category", c.category, schema::ListCodes(schema::kComplaintCategories),
                                           schema::FindCode(schema::kComplaintCategories, c.category) != nullptr));
  SIMPUL_RETURN_IF_ERROR(schema::CheckEnum("--urgency", c.urgency, schema::ListCodes(schema::kUrgencies),
                                           schema::FindCode(schema::kUrgencies, c.urgency) != nullptr));
  if (c.description.empty())
    return Status::InvalidArgument("--description is required").WithField("--description")
        .WithMsg(MsgId::kMissingOption, {"--description"});
  SIMPUL_RETURN_IF_ERROR(schema::CheckLength("--description", c.description, 4000));
  SIMPUL_ASSIGN_OR_RETURN(auto txn, store.BeginWrite());
  SIMPUL_ASSIGN_OR_RETURN(auto known, QueryRows(store, "SELECT 1 FROM regions WHERE code=?", {c.village}));
  if (known.empty()) return Bad("--village", c.village + " is not in the Kemendagri lists");
  std::vector<FieldWrite> f = {{"category", c.category}, {"urgency", c.urgency}, {"description", c.description}};
  for (const auto& [option, table, field, value] :
       {std::tuple<const char*, const char*, const char*, const std::string*>{"--person", "persons", "person_id", &c.person_id},
        {"--household", "households", "household_id", &c.household_id}}) {
    if (value->empty()) continue;
    SIMPUL_ASSIGN_OR_RETURN(auto rows, QueryRows(store, std::string("SELECT village FROM ") + table +
                                                          " WHERE id=? AND deleted=0", {*value}));
    if (rows.empty()) return Bad(option, "no such record: " + *value);
    if (RowText(rows[0], "village") != c.village) return Bad(option, *value + " belongs to village " + RowText(rows[0], "village"));
    f.push_back({field, *value});
  }
  const uint64_t now = store.NowMs();
  f.push_back({"created_at", UtcIso(now)});
  // A walk-in is numbered at once (the front office gives the number to the
  // resident); while numbers are unproven after a restore it waits.
  auto number = NextNumber(store, c.village, static_cast<int64_t>(now));
  if (number.ok()) f.push_back({"case_number", *number});
  else if (number.status().code() != Code::kFailedPrecondition) return number.status();
  const std::string id = schema::NewRowId(now);
  SIMPUL_ASSIGN_OR_RETURN(auto w, store.writer().Write(*schema::FindTable("complaints"), id, c.village, f));
  (void)w;
  SIMPUL_RETURN_IF_ERROR(store.Audit("case_opened", c.village, id, number.ok() ? *number : "number pending"));
  SIMPUL_RETURN_IF_ERROR(txn.Commit());
  return id;
}

Result<schema::CaseEvent> RecordHubCaseStep(HubStore& store, const std::string& id, schema::CaseEvent step,
                                            const std::string* expected_head) {
  SIMPUL_ASSIGN_OR_RETURN(auto txn, store.BeginWrite());
  SIMPUL_ASSIGN_OR_RETURN(schema::CaseView c, LoadHubCase(store, id));
  if (expected_head && *expected_head != c.state.head)
    return Status::Aborted("case " + id + " changed since it was shown; nothing was written")
        .WithField("expected_head")
        .WithMsg(MsgId::kCaseStale, {c.number.empty() ? id : c.number, c.state.status});
  SIMPUL_RETURN_IF_ERROR(schema::CheckCaseStep(c.state, step, c.number.empty() ? id : c.number));
  const uint64_t now = store.NowMs();
  step.id = schema::NewRowId(now);
  step.actor = store.hub_id();
  step.actor_role = "hub";
  step.operator_name = store.actor();
  step.at = store.hlc().Version(store.hlc().Now());
  step.at_ms = static_cast<int64_t>(now);
  step.after = c.state.head;
  std::vector<FieldWrite> f = {{"case_id", id}, {"kind", step.kind}, {"actor", step.actor},
                               {"actor_role", step.actor_role}, {"operator", step.operator_name},
                               {"at", step.at}, {"at_ms", step.at_ms}, {"after", *step.after}};
  for (const auto& [name, v] : {std::pair<const char*, const std::string*>{"facilitator", &step.facilitator},
                                {"partner", &step.partner}, {"partner_name", &step.partner_name},
                                {"note", &step.note}, {"outcome", &step.outcome}})
    if (!v->empty()) f.push_back({name, *v});
  SIMPUL_ASSIGN_OR_RETURN(auto w, store.writer().Write(*schema::FindTable("case_events"), step.id, c.village, f));
  (void)w;
  SIMPUL_RETURN_IF_ERROR(store.Audit("case:" + step.kind, c.village, id, c.number));
  SIMPUL_RETURN_IF_ERROR(txn.Commit());
  return step;
}

Result<schema::CaseView> LoadHubCase(HubStore& store, const std::string& id) {
  const int64_t now = static_cast<int64_t>(store.NowMs());
  SIMPUL_ASSIGN_OR_RETURN(schema::CaseView c, schema::LoadCase(store.db(), id, now));
  SIMPUL_ASSIGN_OR_RETURN(auto received, ReceivedAt(store, c.village));
  NotAfterReceipt(&c, received, now);
  return c;
}

Result<std::vector<schema::CaseView>> LoadHubCases(HubStore& store, const schema::CaseQuery& q) {
  const int64_t now = static_cast<int64_t>(store.NowMs());
  schema::CaseQuery all = q;
  all.overdue_only = false;  // judged after the opening is checked against receipt
  SIMPUL_ASSIGN_OR_RETURN(auto cases, schema::LoadCases(store.db(), all, now));
  SIMPUL_ASSIGN_OR_RETURN(auto received, ReceivedAt(store, q.village));
  std::vector<schema::CaseView> out;
  for (auto& c : cases) {
    NotAfterReceipt(&c, received, now);
    if (q.overdue_only && !c.overdue) continue;
    out.push_back(std::move(c));
  }
  return out;
}

Result<std::vector<schema::CaseView>> LoadCaseInbox(HubStore& store, schema::CaseQuery q) {
  q.open_only = true;
  SIMPUL_ASSIGN_OR_RETURN(auto cases, LoadHubCases(store, q));
  std::stable_sort(cases.begin(), cases.end(), [](const schema::CaseView& x, const schema::CaseView& y) {
    return x.due_ms != y.due_ms ? x.due_ms < y.due_ms : x.id < y.id;
  });
  return cases;
}

namespace {

struct CaseLabel {
  const char *code, *en;
};
constexpr CaseLabel kCaseStatusLabels[] = {{"received", "received"},   {"assigned", "assigned"},
                                           {"referred", "referred"},   {"in_progress", "in progress"},
                                           {"resolved", "resolved"},   {"closed", "closed"}};
constexpr CaseLabel kCaseStepLabels[] = {{"assigned", "facilitator assigned"}, {"referred", "referred to"},
                                         {"started", "handling started"},      {"noted", "follow-up note"},
                                         {"referral_outcome", "referral outcome"}, {"resolved", "resolved"},
                                         {"reopened", "reopened"},             {"closed", "case closed"}};

template <size_t N>
std::string FindLabel(Lang lang, const CaseLabel (&table)[N], const std::string& code) {
  for (const auto& l : table)
    if (code == l.code) return Tr(lang, l.en);
  return code;
}

}  // namespace

std::string CaseStatusLabel(Lang lang, const std::string& status) { return FindLabel(lang, kCaseStatusLabels, status); }
std::string CaseStepLabel(Lang lang, const std::string& kind) { return FindLabel(lang, kCaseStepLabels, kind); }

Result<std::vector<CaseCount>> CountCases(HubStore& store, int year) {
  if (year < 2000 || year > 9999)
    return Status::InvalidArgument("--year must be a year like 2026").WithField("--year")
        .WithMsg(MsgId::kBadOptionValue, {"--year", std::to_string(year)});
  SIMPUL_ASSIGN_OR_RETURN(auto cases, LoadHubCases(store, {}));
  std::vector<CaseCount> out;
  for (const auto& cat : schema::kComplaintCategories) out.push_back({cat.code});
  for (const auto& c : cases) {
    if (schema::ToLocal(c.opened_ms, schema::ZoneOfRegion(c.village)).year != year) continue;
    auto it = std::find_if(out.begin(), out.end(), [&](const CaseCount& k) { return k.category == c.category; });
    if (it == out.end()) it = out.end() - 1;  // "other": a code this binary does not know
    ++it->opened;
    const std::string& st = c.state.status;
    if (!schema::IsCaseSettled(st)) ++it->open;
    if (c.overdue) ++it->overdue;
    if (st == "resolved") ++it->resolved;
    if (st == "closed") ++it->closed;
    if (schema::IsCaseSettled(st) && c.state.resolved_at_ms > 0 && c.state.resolved_at_ms <= c.due_ms) ++it->within_target;
  }
  return out;
}

}  // namespace simpul::hub
