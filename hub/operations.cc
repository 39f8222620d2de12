#include "hub/operations.h"

#include "hub/sequences.h"
#include "hub/duplicates.h"

#include <ctime>

#include "hub/enrolment.h"
#include "hub/letters/issue.h"
#include "hub/rules.h"
#include "hub/score_check.h"
#include "hub/stages.h"
#include "schema/command_line.h"
#include "schema/field_rules.h"
#include "schema/local_time.h"
#include "schema/messages.h"
#include "schema/ids.h"
#include "schema/tables.h"
#include "schema/validate.h"
#include "sync/blobs.h"
#include "sync/crypto/envelope.h"
#include "sync/purge.h"
#include "sync/wire/messages.h"

namespace simpul::hub {

using schema::Stmt;
using schema::Value;
using sync::FieldWrite;

Result<std::vector<Row>> QueryRows(HubStore& store, const std::string& sql, const std::vector<std::string>& binds) {
  SIMPUL_ASSIGN_OR_RETURN(auto st, store.db().Prepare(sql));
  for (size_t i = 0; i < binds.size(); ++i) st.Bind(static_cast<int>(i) + 1, binds[i]);
  std::vector<Row> rows;
  for (;;) {
    SIMPUL_ASSIGN_OR_RETURN(bool r, st.Step());
    if (!r) break;
    Row row;
    for (int i = 0; i < st.ColumnCount(); ++i) row.emplace_back(st.ColumnName(i), st.Column(i));
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string RowText(const Row& row, const std::string& col) {
  for (const auto& [k, v] : row)
    if (k == col) return schema::IsNull(v) ? "" : schema::ValueToDisplay(v);
  return {};
}

// `after`: the head of the fold the decision was made on (schema/workflow.h):
// the decision applies to that state, whatever the clocks say.
Status AppendEvent(HubStore& store, const std::string& app_id, const std::string& village,
                   const std::string& kind, const std::string& reason, const std::string& role,
                   const std::string& operator_name, const std::string& after, const std::string& stage) {
  const schema::TableDef* t = schema::FindTable("events");
  std::vector<FieldWrite> f = {{"subject_id", app_id},  {"subject_kind", std::string("application")},
                               {"kind", kind},          {"actor", store.hub_id()},
                               {"actor_role", role},
                               {"at", store.hlc().Version(store.hlc().Now())},
                               {"after", after}};
  if (!stage.empty()) f.push_back({"stage", stage});
  std::string why = reason;
  if (!operator_name.empty()) why += (why.empty() ? "" : " ") + std::string("[") + operator_name + "]";
  if (!why.empty()) f.push_back({"reason", why});
  SIMPUL_ASSIGN_OR_RETURN(auto w, store.writer().Write(*t, schema::NewRowId(store.NowMs()), village, f));
  (void)w;
  return Status::Ok();
}

// Someone recorded an event after the state the operator decided on.
static Status StaleDecision(const schema::WorkflowState& now) {
  return Status::Aborted("the application changed since it was opened (it is now " + now.status +
                         "): nothing was recorded")
      .WithMsg(MsgId::kDecisionStale, {now.status});
}

Result<std::string> CreateEnrolment(HubStore& store, const std::string& village, int days) {
  SIMPUL_ASSIGN_OR_RETURN(EnrolmentSlip slip, IssueEnrolment(store, village, days));
  return slip.code;
}

Status RevokeNode(HubStore& store, const std::string& node_id, const std::string& reason) {
  SIMPUL_ASSIGN_OR_RETURN(auto txn, store.BeginWrite());
  SIMPUL_ASSIGN_OR_RETURN(Stmt * up, store.db().Cached(
      "UPDATE nodes SET status='revoked', revoked_at_ms=?, revoke_reason=? WHERE node_id=?"));
  up->Bind(1, static_cast<int64_t>(store.NowMs())).Bind(2, reason).Bind(3, node_id);
  SIMPUL_RETURN_IF_ERROR(up->Run());
  if (store.db().Changes() == 0)
    return Status::NotFound("no node " + node_id).WithMsg(MsgId::kNotFoundId, {"@nodes", node_id});
  SIMPUL_RETURN_IF_ERROR(store.Audit("revoke", "", node_id, reason));
  return txn.Commit();
}

Result<std::vector<Row>> ListNodes(HubStore& store) {
  return QueryRows(store, "SELECT node_id,village,status,enrolled_at_ms,last_seen_ms,last_protocol,epoch,revoke_reason,"
                          "outbox_waiting,outbox_reported_ms"
                      " FROM nodes ORDER BY village,node_id", {});
}

Result<std::vector<Row>> ListApplications(HubStore& store, const std::string& village, const std::string& status) {
  std::string sql = "SELECT a.id,a.village,a.type,a.letter_number,p.name AS applicant_name FROM applications a"
                    " LEFT JOIN persons p ON p.id=a.applicant_id WHERE a.deleted=0";
  std::vector<std::string> binds;
  if (!village.empty()) {
    sql += " AND a.village=?";
    binds.push_back(village);
  }
  sql += " ORDER BY a.village,a.id";
  SIMPUL_ASSIGN_OR_RETURN(auto rows, QueryRows(store, sql, binds));
  std::vector<Row> out;
  for (auto& r : rows) {
    SIMPUL_ASSIGN_OR_RETURN(auto state, ApplicationState(store, RowText(r, "id")));
    if (!status.empty() && state.status != status) continue;
    r.emplace_back("status", state.status);
    out.push_back(std::move(r));
  }
  return out;
}

Result<Row> ReadRow(HubStore& store, const std::string& table, const std::string& id) {
  if (!schema::FindTable(table)) return Status::InvalidArgument("unknown table " + table);
  SIMPUL_ASSIGN_OR_RETURN(auto rows, QueryRows(store, "SELECT * FROM " + table + " WHERE id=?", {id}));
  if (rows.empty()) return Status::NotFound("no " + table + " row " + id).WithMsg(MsgId::kNotFoundId, {"@" + table, id});
  return rows[0];
}

Result<std::vector<schema::WorkflowEvent>> ReadEvents(HubStore& store, const std::string& subject) {
  SIMPUL_ASSIGN_OR_RETURN(auto rows, QueryRows(store, "SELECT id,kind,actor,actor_role,reason,at,stage,after FROM events"
                                                  " WHERE subject_id=?", {subject}));
  std::vector<schema::WorkflowEvent> out;
  for (const auto& r : rows) {
    schema::WorkflowEvent e{RowText(r, "id"), RowText(r, "kind"), RowText(r, "actor"), RowText(r, "actor_role"),
                            RowText(r, "reason"), RowText(r, "at")};
    e.stage = RowText(r, "stage");
    if (!schema::IsNull(r.back().second)) e.after = RowText(r, "after");  // `after` is the last column
    out.push_back(std::move(e));
  }
  return schema::CausalOrder(std::move(out));
}

Result<schema::WorkflowState> ApplicationState(HubStore& store, const std::string& app_id) {
  SIMPUL_ASSIGN_OR_RETURN(auto events, ReadEvents(store, app_id));
  return schema::FoldWorkflow(std::move(events));
}

Status RecordDecision(HubStore& store, const std::string& app_id, const std::string& kind,
                      const std::string& reason, const std::string& actor_role,
                      const std::string& operator_name, const std::string* expected_head,
                      const std::string& override_reason) {
  if (!schema::RoleMayRecord(actor_role, kind))
    return Status::PermissionDenied("role " + actor_role + " may not record " + kind);
  if ((kind == "returned" || kind == "rejected") && reason.empty())
    return Status::InvalidArgument("--reason is required: the village must know why")
        .WithMsg(MsgId::kReasonRequired, {"--reason"});
  SIMPUL_ASSIGN_OR_RETURN(auto txn, store.BeginWrite());
  SIMPUL_ASSIGN_OR_RETURN(Row app, ReadRow(store, "applications", app_id));
  SIMPUL_ASSIGN_OR_RETURN(auto events, ReadEvents(store, app_id));
  auto before = schema::FoldWorkflow(events);
  if (expected_head && *expected_head != before.head) return StaleDecision(before);
  // Check the transition on a trial fold, so a decision that would be
  // ignored is refused here instead of being recorded as an anomaly.
  events.push_back({"~", kind, store.hub_id(), actor_role, reason, "~", before.head});
  auto after = schema::FoldWorkflow(events);
  if (after.anomalies.size() > before.anomalies.size())
    return Status::FailedPrecondition("cannot record " + kind + ": the application is " + before.status)
        .WithMsg(MsgId::kDecisionNotAllowed, {kind, before.status});
  if (kind == "approved") {
    // Every stage of the service rule first, by the side it names
    // (hub/stages.h): the backstop for villages that skip one.
    SIMPUL_RETURN_IF_ERROR(CheckStagesPassed(store, app, before));
    SIMPUL_RETURN_IF_ERROR(CheckBenefitApproval(store, app, override_reason));
    SIMPUL_RETURN_IF_ERROR(CheckScoreApproval(store, app, override_reason));
  }
  SIMPUL_RETURN_IF_ERROR(AppendEvent(store, app_id, RowText(app, "village"), kind, reason, actor_role, operator_name,
                                     before.head));
  SIMPUL_RETURN_IF_ERROR(store.Audit("decision:" + kind, RowText(app, "village"), app_id, reason));
  return txn.Commit();
}

Result<std::string> IssueLetter(HubStore& store, const std::string& app_id, const std::string& operator_name,
                                const std::string* expected_head) {
  SIMPUL_ASSIGN_OR_RETURN(auto txn, store.BeginWrite());
  SIMPUL_ASSIGN_OR_RETURN(Row app, ReadRow(store, "applications", app_id));
  SIMPUL_ASSIGN_OR_RETURN(auto state, ApplicationState(store, app_id));
  if (expected_head && *expected_head != state.head) return StaleDecision(state);
  if (state.status != "approved")
    return Status::FailedPrecondition("a letter is issued only for an approved application (it is " + state.status + ")")
        .WithMsg(MsgId::kLetterNeedsApproval, {state.status});
  // The letter of the rules the application was submitted under.
  SIMPUL_ASSIGN_OR_RETURN(schema::ServiceRules rules, RulesOf(store, app));
  const schema::ServiceRule* rule = rules.Find(RowText(app, "type"), RowText(app, "service_type"));
  if (!rule)
    return Status::FailedPrecondition("the service rules " + rules.id + " v" + std::to_string(rules.version) +
                                      " have no letter for applications of type " + RowText(app, "type"));
  // The year a letter counts under is the office's, not UTC's.
  const std::string village = RowText(app, "village");
  int year = schema::ToLocal(static_cast<int64_t>(store.NowMs()), schema::ZoneOfRegion(village)).year;
  // Never a number twice (hub/sequences.h): one sequence per service and
  // year, above the highest the data directory reserved and any letter on
  // record (villages hand back after a restore).
  const std::string& tmpl = rule->letter.number_format;
  int64_t learned = 0;
  SIMPUL_ASSIGN_OR_RETURN(Stmt * issued, store.db().Cached(
      "SELECT reason FROM events WHERE kind='letter_issued' UNION ALL SELECT number FROM letters"));
  for (;;) {
    auto r = issued->Step();
    if (!r.ok()) {
      issued->Reset();
      return r.status();
    }
    if (!*r) break;
    learned = std::max(learned, NumberFromText(tmpl, issued->Text(0), year));
  }
  issued->Reset();
  SIMPUL_ASSIGN_OR_RETURN(int64_t seq, ReserveNumber(store, rule->code, year, learned));
  std::string number = tmpl;
  auto replace = [&](const std::string& key, const std::string& v) {
    for (size_t p; (p = number.find(key)) != std::string::npos;) number.replace(p, key.size(), v);
  };
  char seqbuf[24];
  std::snprintf(seqbuf, sizeof seqbuf, "%04lld", static_cast<long long>(seq));
  replace("{seq}", seqbuf);
  replace("{year}", std::to_string(year));
  SIMPUL_ASSIGN_OR_RETURN(LetterRecord letter, ProduceLetter(store, rules, *rule, app, number, operator_name));
  const schema::TableDef* apps = schema::FindTable("applications");
  SIMPUL_ASSIGN_OR_RETURN(auto w, store.writer().Write(*apps, app_id, village, {{"letter_number", number}}));
  (void)w;
  SIMPUL_RETURN_IF_ERROR(
      AppendEvent(store, app_id, village, "letter_issued", number, "hub", operator_name, state.head));
  SIMPUL_RETURN_IF_ERROR(store.Audit("decision:letter_issued", village, app_id, number + " pdf " + letter.sha256));
  SIMPUL_RETURN_IF_ERROR(txn.Commit());
  return number;
}

Status EditApplication(HubStore& store, const std::string& app_id, const std::map<std::string, std::string>& in) {
  std::vector<FieldWrite> fields;
  for (const auto& [k, v] : in) {
    Value value;
    if (k == "notes") value = v;
    else if (k == "dtks_status") value = v;
    else if (k == "dtks_desil") {
      // Read whole: atoi took "3x" as desil 3.
      const std::optional<int64_t> n = schema::WholeInt(v);
      if (!n)
        return Status::InvalidArgument("dtks_desil must be a number 1..10, not '" + v + "'").WithField("dtks_desil")
            .WithMsg(MsgId::kNumberRange, {"desil", "1", "10"});
      value = *n;
    }
    else return Status::InvalidArgument("the hub may edit notes, dtks_status and dtks_desil, not " + k);
    SIMPUL_RETURN_IF_ERROR(schema::ValidateStoredValue("applications", k, value));
    fields.push_back({k, value});
  }
  if (fields.empty()) return Status::InvalidArgument("nothing to change");
  SIMPUL_ASSIGN_OR_RETURN(auto txn, store.BeginWrite());
  SIMPUL_ASSIGN_OR_RETURN(Row app, ReadRow(store, "applications", app_id));
  SIMPUL_ASSIGN_OR_RETURN(auto w, store.writer().Write(*schema::FindTable("applications"), app_id,
                                                       RowText(app, "village"), fields));
  (void)w;
  std::string changed;
  for (const auto& f : fields) changed += (changed.empty() ? "" : ",") + f.field;
  SIMPUL_RETURN_IF_ERROR(store.Audit("edit", RowText(app, "village"), app_id, changed));
  return txn.Commit();
}

Result<std::vector<Row>> ListConflicts(HubStore& store, const std::string& village, bool all) {
  std::string sql = "SELECT id,village,tbl,row_id,field,kind,winner_value,loser_value,winner_version,"
                    "loser_version,status,resolution,resolved_by FROM conflicts WHERE 1=1";
  std::vector<std::string> binds;
  if (!all) sql += " AND status='open'";
  if (!village.empty()) {
    sql += " AND village=?";
    binds.push_back(village);
  }
  return QueryRows(store, sql + " ORDER BY village,id", binds);
}

Status ResolveConflict(HubStore& store, const std::string& id, const std::string& keep,
                       const std::string& value, const std::string& operator_name,
                       const std::optional<std::string>& expected_current) {
  SIMPUL_ASSIGN_OR_RETURN(auto txn, store.BeginWrite());
  SIMPUL_ASSIGN_OR_RETURN(auto rows, QueryRows(store, "SELECT * FROM conflicts WHERE id=?", {id}));
  if (rows.empty()) return Status::NotFound("no conflict " + id).WithMsg(MsgId::kNotFoundId, {"@conflicts", id});
  const Row& c = rows[0];
  // Decided already: a second decision would overwrite the first unseen.
  if (RowText(c, "status") != "open")
    return Status::Aborted("conflict " + id + " is " + RowText(c, "status") + " already; nothing was written")
        .WithField("id").WithMsg(MsgId::kConflictAlreadyResolved, {RowText(c, "resolution")});
  Value chosen;
  for (const auto& [k, v] : c) {
    if (keep == "winner" && k == "winner_value") chosen = v;
    if (keep == "loser" && k == "loser_value") chosen = v;
  }
  std::string table = RowText(c, "tbl"), field = RowText(c, "field"), row_id = RowText(c, "row_id");
  const schema::TableDef* t = schema::FindTable(table);
  if (!t || !schema::FindField(*t, field)) return Status::Corruption("conflict names an unknown field");
  if (keep == "value") {
    chosen = value;
    if (field == "relation" || field == "dtks_desil" || field == "size" || field == "indicator_version")
      chosen = static_cast<int64_t>(std::atoll(value.c_str()));
  } else if (keep != "winner" && keep != "loser") {
    return Status::InvalidArgument("--keep must be winner or loser, or give --value");
  }
  SIMPUL_RETURN_IF_ERROR(schema::ValidateStoredValue(table, field, chosen));
  SIMPUL_ASSIGN_OR_RETURN(Row target, ReadRow(store, table, row_id));
  if (expected_current && RowText(target, field) != *expected_current)
    return Status::Aborted(table + "." + field + " changed meanwhile; nothing was written")
        .WithField("expected_current").WithMsg(MsgId::kConflictChangedMeanwhile, {RowText(target, field)});
  if (keep != "winner") {  // the winner is already the field's value everywhere
    if (!sync::MayWrite(sync::Role::kHub, schema::FindField(*t, field)->owner))
      return Status::PermissionDenied(table + "." + field + " is the village's: resolve it on the node");
    SIMPUL_ASSIGN_OR_RETURN(auto w, store.writer().Write(*t, row_id, RowText(target, "village"), {{field, chosen}}));
    (void)w;
  }
  std::string how = keep == "value" ? "set to a new value" : "kept the " + keep;
  SIMPUL_ASSIGN_OR_RETURN(auto w2, store.writer().Write(*schema::FindTable("conflicts"), id, RowText(c, "village"),
      {{"status", std::string("resolved")}, {"resolution", how}, {"resolved_by", "hub:" + operator_name}}));
  (void)w2;
  SIMPUL_RETURN_IF_ERROR(store.Audit("resolve_conflict", RowText(c, "village"), id, how));
  return txn.Commit();
}

Result<int> PurgeSubject(HubStore& store, const std::string& kind, const std::string& id,
                         const std::string& reason, const std::string& operator_name) {
  if (kind != sync::kPurgePerson && kind != sync::kPurgeHousehold)
    return Status::InvalidArgument("purge a person or a household");
  if (reason.empty()) return Status::InvalidArgument("--reason is required (the resident's request, or the rule)");
  int scrubbed = 0;
  {
    SIMPUL_ASSIGN_OR_RETURN(auto txn, store.BeginWrite());
    SIMPUL_ASSIGN_OR_RETURN(Row row, ReadRow(store, kind == sync::kPurgePerson ? "persons" : "households", id));
    SIMPUL_ASSIGN_OR_RETURN(auto done, QueryRows(store, "SELECT 1 FROM purges WHERE subject_id=?", {id}));
    if (!done.empty()) return Status::AlreadyExists(kind + " " + id + " was already purged");
    const schema::TableDef* t = schema::FindTable("purges");
    std::string village = RowText(row, "village");
    std::vector<FieldWrite> f = {{"subject_kind", kind}, {"subject_id", id}, {"reason", reason},
                                 {"actor", operator_name.empty() ? store.actor() : operator_name},
                                 {"at", store.hlc().Version(store.hlc().Now())}};
    SIMPUL_ASSIGN_OR_RETURN(auto w, store.writer().Write(*t, schema::NewRowId(store.NowMs()), village, f));
    (void)w;
    SIMPUL_ASSIGN_OR_RETURN(scrubbed, sync::ScrubSubject(store.db(), kind, id));
    SIMPUL_RETURN_IF_ERROR(store.Audit("purged:" + kind, village, id, reason));
    SIMPUL_RETURN_IF_ERROR(txn.Commit());
  }
  // After the commit: the files, and the old page images in the WAL.
  SIMPUL_RETURN_IF_ERROR(sync::DeletePurgedDocuments(store.db(), store.blobs()).status());
  (void)store.db().Exec("PRAGMA wal_checkpoint(TRUNCATE)");  // best effort: readers may hold it
  return scrubbed;
}

Result<std::vector<ExpiredPerson>> FindExpired(HubStore& store, int days) {
  if (days < 1) return Status::InvalidArgument("--older-than-days must be at least 1");
  SIMPUL_ASSIGN_OR_RETURN(auto rows, QueryRows(store,
      "WITH act(pid, version) AS ("
      " SELECT row_id, version FROM field_versions WHERE tbl='persons'"
      " UNION ALL SELECT a.applicant_id, fv.version FROM applications a"
      "  JOIN field_versions fv ON fv.tbl='applications' AND fv.row_id=a.id"
      " UNION ALL SELECT c.person_id, fv.version FROM complaints c"
      "  JOIN field_versions fv ON fv.tbl='complaints' AND fv.row_id=c.id"
      " UNION ALL SELECT a.applicant_id, fv.version FROM applications a JOIN events e ON e.subject_id=a.id"
      "  JOIN field_versions fv ON fv.tbl='events' AND fv.row_id=e.id)"
      " SELECT p.id AS id, p.village AS village, max(act.version) AS last FROM persons p"
      " JOIN act ON act.pid=p.id"
      " WHERE p.id NOT IN (SELECT subject_id FROM purges) GROUP BY p.id ORDER BY p.village, p.id", {}));
  // A period longer than the clock has run (36500 for 3650) names nobody;
  // unchecked, the subtraction wrapped and named everyone.
  const uint64_t period_ms = static_cast<uint64_t>(days) * 86400000ull;
  std::vector<ExpiredPerson> out;
  if (period_ms >= store.NowMs()) return out;
  const uint64_t cutoff = store.NowMs() - period_ms;
  for (const auto& r : rows) {
    sync::Stamp stamp;
    if (!sync::Hlc::ParseVersion(RowText(r, "last"), &stamp, nullptr)) continue;
    if (stamp.physical_ms() < cutoff) out.push_back({RowText(r, "id"), RowText(r, "village"), stamp.physical_ms()});
  }
  return out;
}

}  // namespace simpul::hub
