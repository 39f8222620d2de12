#include "schema/tables.h"

namespace simpul::schema {
namespace {

constexpr Owner V = Owner::kVillage;
constexpr Owner H = Owner::kHub;
constexpr Owner S = Owner::kShared;

constexpr FieldDef kHouseholds[] = {
    {"no_kk", V}, {"address", V}, {"rt", V}, {"rw", V}, {"head_person_id", V},
    {"kk_as_of", V}, {"deleted", S},
};
constexpr FieldDef kPersons[] = {
    {"household_id", V}, {"nik", V}, {"name", V}, {"birth_place", V}, {"birth_date", V},
    {"sex", V}, {"relation", V}, {"disability", V}, {"phone", V}, {"nik_status", H},
    {"deleted", S}, {"phone_consent", V, 16},
};
constexpr FieldDef kApplications[] = {
    {"type", V}, {"applicant_id", V}, {"household_id", V}, {"service_type", V},
    {"purpose", V}, {"device_kind", V}, {"indicator_set", V}, {"indicator_version", V},
    {"indicator_answers", V}, {"score", V}, {"score_band", V}, {"dtks_status", S},
    {"dtks_desil", S}, {"notes", S}, {"created_at", V}, {"letter_number", H},
    {"deleted", S}, {"rules_version", V, 17},
};
// What a case is about. Shared from schema 13 on: the hub's front office
// opens cases for a village (walk-ins); a node of schema 12 or older still takes these
// fields from the village only, and gets a walk-in through the digest repair
// (PROTOCOL.md, cases). The case's steps are in case_events.
constexpr FieldDef kComplaints[] = {
    {"person_id", S}, {"household_id", S}, {"category", S}, {"urgency", S},
    {"description", S}, {"referral", S}, {"case_number", H}, {"created_at", S},
    {"deleted", S},
};
// The steps of a case (schema/cases.h): written once by whoever acted, like
// events; a village writes only its own steps (sync/merge.cc).
constexpr FieldDef kCaseEvents[] = {
    {"case_id", S},  {"kind", S},        {"actor", S},        {"actor_role", S}, {"operator", S},
    {"at", S},       {"at_ms", S},       {"after", S},        {"facilitator", S}, {"partner", S},
    {"partner_name", S}, {"note", S},    {"outcome", S},
};
constexpr FieldDef kAttachments[] = {
    {"application_id", V}, {"kind", V}, {"sha256", V}, {"size", V}, {"media_type", V},
    {"filename", V}, {"deleted", S},
};
// Workflow events: written once by whoever acted; authority is checked by the
// fold (schema/workflow.h), not by field ownership. `after` (schema 11) names
// the event the writer had last folded: the fold's causal order.
constexpr FieldDef kEvents[] = {
    {"subject_id", S}, {"subject_kind", S}, {"kind", S}, {"actor", S},
    {"actor_role", S}, {"reason", S}, {"at", S}, {"after", S, 11}, {"stage", S, 12},
};

// Conflicts are recorded by the hub (and mirrored by a node that sees the
// same pair of versions); either side may resolve them.
constexpr FieldDef kConflicts[] = {
    {"tbl", H}, {"row_id", H}, {"field", H}, {"kind", H}, {"winner_version", H},
    {"winner_value", H}, {"loser_version", H}, {"loser_value", H}, {"status", S},
    {"resolution", S}, {"resolved_by", S}, {"deleted", S},
};

// The audit log: written once by the node it names (`writer`), chained by
// hash to that writer's previous entry, the one numbered seq - 1 (sync/audit.h).
constexpr FieldDef kAudit[] = {
    {"writer", S}, {"actor", S}, {"action", S}, {"subject", S}, {"detail", S},
    {"at", S}, {"prev_hash", S}, {"hash", S}, {"seq", S, 9},
};

// Signed heads of village audit chains: written once by the node they name,
// signed with its Ed25519 identity (sync/audit_heads.h).
constexpr FieldDef kAuditHeads[] = {
    {"writer", V}, {"seq", V}, {"hash", V}, {"signed_at", V}, {"signer", V}, {"signature", V},
};

// A purge: written once by the hub; applying it scrubs the subject's
// personal data (sync/purge.h).
constexpr FieldDef kPurges[] = {
    {"subject_kind", H}, {"subject_id", H}, {"reason", H}, {"actor", H}, {"at", H},
};

// A letter the hub issued: its number, the signed statement of its QR code
// and the PDF (a document the village downloads and prints). Written by the
// hub only; revocation is a later write of `revoked`.
constexpr FieldDef kLetters[] = {
    {"application_id", H}, {"service", H},      {"number", H},       {"statement", H},
    {"sha256", H},         {"size", H},         {"issued_at_ms", H}, {"issued_by", H},
    {"signer", H},         {"revoked", H},      {"revoke_reason", H}, {"revoked_at_ms", H},
    {"deleted", H},
};

// Receipts (schema 15): written once by the village node that received
// something (a hub decision, a letter's PDF) or was told the hub received
// its event; each carries the node's clock and the hub's clock of the reply
// that brought it, so figures can be measured with the clock that saw both
// ends (hub/reports/times.h, PROTOCOL.md §25).
constexpr FieldDef kReceipts[] = {
    {"subject_id", V, 15},     {"kind", V, 15},        {"ref_id", V, 15},
    {"received_at_ms", V, 15}, {"hub_time_ms", V, 15}, {"clock_offset_ms", V, 15},
    {"via", V, 15},
};

// A DTKS / P3KE register row (schema/dtks.h): imported by the hub only, in
// the scope of the village the snapshot places the NIK in (schema 14).
constexpr FieldDef kDtks[] = {
    {"nik", H}, {"name", H}, {"desil", H}, {"pbi_status", H}, {"snapshot_date", H}, {"source", H}, {"deleted", H},
};

// A message to a resident that was sent (schema/resident_messages.h, schema
// 16): written once by whoever sent it, the village (click-to-chat) or the
// hub (its gateway), so both know not to send it again.
constexpr FieldDef kMessageSends[] = {
    {"event_id", S, 16}, {"person_id", S, 16},  {"channel", S, 16},  {"outcome", S, 16},
    {"detail", S, 16},   {"sent_at_ms", S, 16}, {"sent_by", S, 16},
};

// Service rules and indicator sets Dinsos loads (schema 17, hub/rules.h):
// written once by the hub, a copy in the scope of every village, so each
// receives them at its next sync; a village never writes them. The store's
// triggers file each copy under rules_versions / indicator_sets.
constexpr FieldDef kServiceRules[] = {
    {"name", H, 17}, {"version", H, 17}, {"text", H, 17}, {"loaded_at_ms", H, 17}, {"loaded_by", H, 17},
};
constexpr FieldDef kIndicatorReleases[] = {
    {"set_code", H, 17},     {"version", H, 17},   {"title", H, 17},
    {"definition", H, 17},   {"loaded_at_ms", H, 17}, {"loaded_by", H, 17},
};

constexpr TableDef kTables[] = {
    {"households", kHouseholds, false, 1},   {"persons", kPersons, false, 1},
    {"applications", kApplications, false, 1}, {"complaints", kComplaints, false, 0},
    {"events", kEvents, true, 1},             {"conflicts", kConflicts, false, 1},
    {"attachments", kAttachments, false, 2}, {"audit", kAudit, true, 1},
    {"purges", kPurges, true, 0},             {"audit_heads", kAuditHeads, true, 1, 9},
    {"letters", kLetters, false, 1, 10},
    {"case_events", kCaseEvents, true, 0, 13},
    {"dtks", kDtks, false, 1, 14},
    {"receipts", kReceipts, true, 1, 15},
    {"message_sends", kMessageSends, true, 1, 16},
    {"service_rules", kServiceRules, true, 0, 17},
    {"indicator_releases", kIndicatorReleases, true, 0, 17},
};

}  // namespace

std::span<const TableDef> ReplicatedTables() { return kTables; }

int ChangePriority(std::string_view table, std::string_view field, std::string_view v) {
  if (table == "complaints" && field == "urgency" && (v == "emergency" || v == "high")) return 0;
  if (table == "applications" && field == "service_type" && v == "hospital_bill") return 0;
  if (table == "attachments") return 2;
  if (table == "purges") return 0;
  if (table == "service_rules" || table == "indicator_releases") return 0;  // before what they govern  // a purge goes before anything it would scrub
  if (table == "case_events") return 0;  // a case's steps count against its 1x24 h target
  return 1;
}

const TableDef* FindTable(std::string_view name) {
  for (const auto& t : kTables)
    if (name == t.name) return &t;
  return nullptr;
}

const FieldDef* FindField(const TableDef& table, std::string_view field) {
  for (const auto& f : table.fields)
    if (field == f.name) return &f;
  return nullptr;
}

}  // namespace simpul::schema
