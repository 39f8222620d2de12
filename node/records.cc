#include "node/records.h"

#include <algorithm>
#include <cctype>
#include <ctime>

#include "node/stages.h"
#include "schema/ids.h"
#include "schema/model.h"
#include "schema/regions.h"
#include "schema/rules_store.h"
#include "schema/tables.h"
#include "schema/local_time.h"

namespace simpul::node {

using schema::Value;
using sync::FieldWrite;

const char* EntityNoun(Entity e, Lang lang) {
  switch (e) {
    case Entity::kHousehold: return Tr(lang, "Household");
    case Entity::kPerson: return Tr(lang, "Person");
    case Entity::kApplication: return Tr(lang, "Application");
    case Entity::kComplaint: return Tr(lang, "Complaint");
  }
  return "";
}

namespace {

using sync::FindValue;
using sync::RecordColumn;
using sync::TextOf;

std::string UtcNow(NodeStore& store) { return schema::FormatUtcIso(static_cast<int64_t>(store.NowMs())); }

// The node checks records as the village's own: every row in its store is.
sync::RecordContext Context(NodeStore& store) { return {store.db(), UtcNow(store).substr(0, 10), ""}; }

Status NotFound(Entity e, const std::string& id) { return sync::RecordNotFound(e, id); }

Result<bool> Exists(NodeStore& store, Entity e, const std::string& id) {
  return sync::RecordExists(Context(store), e, id);
}

Status RequireExists(NodeStore& store, Entity e, const std::string& id) {
  SIMPUL_ASSIGN_OR_RETURN(bool ok, Exists(store, e, id));
  return ok ? Status::Ok() : NotFound(e, id);
}

Result<Value> ColumnOf(NodeStore& store, Entity e, const std::string& id, const std::string& col) {
  return RecordColumn(store.db(), e, id, col);
}

Result<std::vector<FieldWrite>> BuildFields(NodeStore& store, Entity e, const Options& opts, bool creating,
                                            std::vector<schema::Warning>* warnings) {
  return sync::BuildRecordFields(Context(store), e, opts, creating, warnings);
}

void PersonWarnings(NodeStore& store, const std::string& id, std::vector<FieldWrite>& fields,
                    std::vector<schema::Warning>* warnings) {
  sync::AddPersonWarnings(Context(store), id, fields, warnings);
}

// Inside the caller's transaction.
Result<Written> WriteFieldsIn(NodeStore& store, Entity e, const std::string& id,
                              const std::vector<FieldWrite>& fields, std::vector<schema::Warning> warnings) {
  const schema::TableDef* table = schema::FindTable(EntityTable(e));
  SIMPUL_ASSIGN_OR_RETURN(auto out, store.writer().Write(*table, id, store.village(), fields));
  return Written{id, std::move(warnings), out.fields_changed};
}

Result<Written> WriteFields(NodeStore& store, Entity e, const std::string& id,
                            std::vector<FieldWrite> fields, std::vector<schema::Warning> warnings) {
  SIMPUL_ASSIGN_OR_RETURN(auto txn, schema::Transaction::Begin(store.db()));
  SIMPUL_ASSIGN_OR_RETURN(auto out, WriteFieldsIn(store, e, id, fields, std::move(warnings)));
  SIMPUL_RETURN_IF_ERROR(txn.Commit());
  return out;
}

Status AppendEvent(NodeStore& store, const std::string& subject, const char* subject_kind,
                   const std::string& kind, const std::string& reason, const std::string& stage = "") {
  const schema::TableDef* events = schema::FindTable("events");
  std::string id = schema::NewRowId(store.NowMs());
  // `after` names the state the operator acted on (schema/workflow.h): the
  // fold orders this event after it, whatever any clock says. `at` only
  // orders it among events it did not see.
  SIMPUL_ASSIGN_OR_RETURN(auto seen, ReadEvents(store, subject));
  std::string after = seen.empty() ? std::string() : seen.back().id;
  // Past what another process of this node stamped (read under the write
  // lock), as the change's own version will be.
  SIMPUL_ASSIGN_OR_RETURN(sync::Stamp stored, sync::LoadLastStamp(store.db()));
  store.hlc().Witness(stored);
  std::string at = store.hlc().Version(store.hlc().Now());
  std::vector<FieldWrite> f = {{"subject_id", subject}, {"subject_kind", std::string(subject_kind)},
                               {"kind", kind},          {"actor", store.node_id()},
                               {"actor_role", std::string("village")},
                               {"at", at},              {"after", after}};
  if (!reason.empty()) f.push_back({"reason", reason});
  if (!stage.empty()) f.push_back({"stage", stage});
  SIMPUL_ASSIGN_OR_RETURN(auto out, store.writer().Write(*events, id, store.village(), f));
  (void)out;
  return Status::Ok();
}

}  // namespace

Status AppendApplicationEvent(NodeStore& store, const std::string& app_id, const std::string& kind,
                              const std::string& reason, const std::string& stage) {
  return AppendEvent(store, app_id, "application", kind, reason, stage);
}

Result<Written> CreateRecord(NodeStore& store, Entity e, const Options& opts) {
  // One transaction from the first check to the commit: the checks' reads
  // see what the write builds on, and cost no read transactions of their own.
  SIMPUL_ASSIGN_OR_RETURN(auto txn, schema::Transaction::Begin(store.db()));
  std::vector<schema::Warning> warnings;
  SIMPUL_ASSIGN_OR_RETURN(auto fields, BuildFields(store, e, opts, true, &warnings));
  if (e == Entity::kPerson) PersonWarnings(store, "", fields, &warnings);
  if (e == Entity::kApplication) {
    if (!FindValue(fields, "household_id")) {
      SIMPUL_ASSIGN_OR_RETURN(Value hh, ColumnOf(store, Entity::kPerson,
                                                 TextOf(*FindValue(fields, "applicant_id")),
                                                 "household_id"));
      fields.push_back({"household_id", hh});
    }
    fields.push_back({"created_at", UtcNow(store)});
  }
  if (e == Entity::kComplaint) {
    if (!FindValue(fields, "urgency")) fields.push_back({"urgency", std::string("normal")});
    fields.push_back({"created_at", UtcNow(store)});
  }
  SIMPUL_ASSIGN_OR_RETURN(auto out, WriteFieldsIn(store, e, schema::NewRowId(store.NowMs()), fields,
                                                  std::move(warnings)));
  SIMPUL_RETURN_IF_ERROR(txn.Commit());
  return out;
}

Result<Written> EditRecord(NodeStore& store, Entity e, const std::string& id, const Options& opts) {
  SIMPUL_ASSIGN_OR_RETURN(auto txn, schema::Transaction::Begin(store.db()));  // as in CreateRecord
  SIMPUL_RETURN_IF_ERROR(RequireExists(store, e, id));
  std::vector<schema::Warning> warnings;
  SIMPUL_ASSIGN_OR_RETURN(auto fields, BuildFields(store, e, opts, false, &warnings));
  if (e == Entity::kApplication) {
    SIMPUL_ASSIGN_OR_RETURN(auto state, ApplicationState(store, id));
    // The applicant's data is frozen once submitted; the fields the village
    // shares with Dinsos (notes, DTKS status) stay open until a decision.
    const schema::TableDef* t = schema::FindTable("applications");
    bool only_shared = std::all_of(fields.begin(), fields.end(), [&](const FieldWrite& f) {
      return schema::FindField(*t, f.field)->owner == schema::Owner::kShared;
    });
    bool open = state.status == "submitted" || state.status == "in_review";
    if (!schema::VillageMayEdit(state.status) && !(only_shared && open))
      return Status::FailedPrecondition("application is " + state.status)
          .WithMsg(MsgId::kNotEditable, {id, state.status});
  }
  if (e == Entity::kPerson) PersonWarnings(store, id, fields, &warnings);
  SIMPUL_ASSIGN_OR_RETURN(auto out, WriteFieldsIn(store, e, id, fields, std::move(warnings)));
  SIMPUL_RETURN_IF_ERROR(txn.Commit());
  return out;
}

Result<Row> ReadRecord(NodeStore& store, Entity e, const std::string& id) {
  SIMPUL_ASSIGN_OR_RETURN(auto st, store.db().Prepare(std::string("SELECT * FROM ") +
                                                      EntityTable(e) + " WHERE id=?"));
  st.Bind(1, id);
  SIMPUL_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return NotFound(e, id);
  Row out;
  for (int i = 0; i < st.ColumnCount(); ++i)
    out.emplace_back(st.ColumnName(i), st.Column(i));
  return out;
}

}  // namespace simpul::node

namespace simpul::node {

Result<std::vector<Row>> ListRecords(NodeStore& store, Entity e, const ListFilter& filter) {
  std::string sql = std::string("SELECT * FROM ") + EntityTable(e) + " WHERE deleted=0";
  std::vector<std::string> binds;
  if (!filter.type.empty() && e == Entity::kApplication) {
    sql += " AND type=?";
    binds.push_back(filter.type);
  }
  if (!filter.household.empty() && e != Entity::kHousehold) {
    sql += " AND household_id=?";
    binds.push_back(filter.household);
  }
  if (!filter.category.empty() && e == Entity::kComplaint) {
    sql += " AND category=?";
    binds.push_back(filter.category);
  }
  sql += " ORDER BY id";
  SIMPUL_ASSIGN_OR_RETURN(auto st, store.db().Prepare(sql));
  for (size_t i = 0; i < binds.size(); ++i) st.Bind(static_cast<int>(i) + 1, binds[i]);
  std::vector<Row> rows;
  for (;;) {
    SIMPUL_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    Row r;
    for (int i = 0; i < st.ColumnCount(); ++i) r.emplace_back(st.ColumnName(i), st.Column(i));
    if (e == Entity::kApplication && !filter.status.empty()) {
      SIMPUL_ASSIGN_OR_RETURN(auto state, ApplicationState(store, TextOf(r[0].second)));
      if (state.status != filter.status) continue;
    }
    rows.push_back(std::move(r));
    if (static_cast<int>(rows.size()) >= filter.limit) break;
  }
  return rows;
}

Result<std::vector<schema::WorkflowEvent>> ReadEvents(NodeStore& store, const std::string& subject) {
  SIMPUL_ASSIGN_OR_RETURN(
      auto* st, store.db().Cached("SELECT id,kind,actor,actor_role,reason,at,after,stage FROM events"
                                  " WHERE subject_id=?"));
  st->Bind(1, subject);
  std::vector<schema::WorkflowEvent> out;
  for (;;) {
    auto row = st->Step();
    if (!row.ok()) {
      st->Reset();
      return row.status();
    }
    if (!*row) break;
    schema::WorkflowEvent e{st->Text(0), st->Text(1), st->Text(2), st->Text(3), st->Text(4), st->Text(5)};
    if (!st->IsNullAt(6)) e.after = st->Text(6);
    e.stage = st->Text(7);
    out.push_back(std::move(e));
  }
  st->Reset();
  return schema::CausalOrder(std::move(out));
}

Result<schema::WorkflowState> ApplicationState(NodeStore& store, const std::string& app_id) {
  SIMPUL_ASSIGN_OR_RETURN(auto events, ReadEvents(store, app_id));
  return schema::FoldWorkflow(std::move(events));
}

TypeNeeds NeedsOf(const std::string& type, const schema::ServiceRule* rule) {
  TypeNeeds n;
  n.applicant_nik = type == "pbi_jkn" || type == "pbi_apbd" || type == "poverty_statement" || type == "recommendation";
  n.household_kk = type == "pbi_jkn" || type == "pbi_apbd";
  n.applicant_disability = type == "disability_registration" || type == "assistive_device";
  n.purpose = type == "poverty_statement" || type == "recommendation";
  n.service = type == "recommendation";
  n.device = type == "assistive_device";
  n.indicators = rule ? !rule->indicator_set.empty() : type == "poverty_statement" || type == "pbi_apbd";
  return n;
}

Result<std::vector<std::string>> SubmissionProblems(NodeStore& store, const std::string& app_id,
                                                    Lang lang) {
  SIMPUL_ASSIGN_OR_RETURN(Row app, ReadRecord(store, Entity::kApplication, app_id));
  auto get = [&](const char* col) {
    for (auto& [k, v] : app)
      if (k == col) return TextOf(v);
    return std::string();
  };
  std::vector<std::string> problems;
  auto need = [&](const char* col, const char* label) {
    if (get(col).empty()) problems.push_back(Msg(lang, MsgId::kFieldRequired, {label}));
  };
  std::string type = get("type");
  std::string applicant = get("applicant_id");
  std::string household = get("household_id");
  SIMPUL_ASSIGN_OR_RETURN(std::optional<schema::ServiceRule> rule, ServiceRuleOf(store, app_id));
  const TypeNeeds needs = NeedsOf(type, rule ? &*rule : nullptr);
  if (!applicant.empty()) {
    SIMPUL_ASSIGN_OR_RETURN(Value nik, ColumnOf(store, Entity::kPerson, applicant, "nik"));
    if (needs.applicant_nik && TextOf(nik).empty()) problems.push_back(Msg(lang, MsgId::kApplicantNeedsNik));
    if (needs.applicant_disability) {
      SIMPUL_ASSIGN_OR_RETURN(Value dis, ColumnOf(store, Entity::kPerson, applicant, "disability"));
      if (TextOf(dis).empty())
        problems.push_back(Msg(lang, MsgId::kFieldRequired, {"disability (person)"}));
    }
  }
  if (!household.empty() && needs.household_kk) {
    SIMPUL_ASSIGN_OR_RETURN(Value kk, ColumnOf(store, Entity::kHousehold, household, "no_kk"));
    if (TextOf(kk).empty()) problems.push_back(Msg(lang, MsgId::kHouseholdNeedsKk));
  }
  if (needs.purpose) need("purpose", "purpose");
  if (needs.service) need("service_type", "service");
  if (needs.device) need("device_kind", "device");
  // The rule's own indicator set: answers under another set are not
  // scored against its threshold (hub/score_check.h).
  if (needs.indicators && rule && get("indicator_set") != rule->indicator_set)
    problems.push_back(Msg(lang, MsgId::kIndicatorsOfSetRequired, {rule->indicator_set}));
  else if (needs.indicators) need("score_band", "indicators (answer)");
  return problems;
}

Status Submit(NodeStore& store, const std::string& app_id, Lang lang) {
  SIMPUL_ASSIGN_OR_RETURN(auto txn, schema::Transaction::Begin(store.db()));
  SIMPUL_RETURN_IF_ERROR(RequireExists(store, Entity::kApplication, app_id));
  SIMPUL_ASSIGN_OR_RETURN(auto state, ApplicationState(store, app_id));
  if (!schema::VillageMayEdit(state.status))
    return Status::FailedPrecondition("already " + state.status)
        .WithMsg(MsgId::kAlreadySubmitted, {app_id, state.status});
  SIMPUL_ASSIGN_OR_RETURN(auto problems, SubmissionProblems(store, app_id, lang));
  // The documents the service rule requires (node/stages.h): a resubmission
  // after a return follows the same rule.
  SIMPUL_ASSIGN_OR_RETURN(std::vector<std::string> missing_docs, MissingDocumentsOf(store, app_id));
  std::string docs;
  for (const auto& k : missing_docs) docs += (docs.empty() ? "" : ", ") + k;
  if (!docs.empty() && problems.empty())
    return Status::FailedPrecondition("required documents not attached: " + docs)
        .WithField("documents")
        .WithMsg(MsgId::kSubmitMissingDocuments, {docs});
  if (!docs.empty()) problems.push_back(Msg(lang, MsgId::kSubmitMissingDocuments, {docs}));
  if (!problems.empty()) {
    std::string joined;
    for (const auto& p : problems) joined += "\n  - " + p;
    return Status::FailedPrecondition("application incomplete")
        .WithMsg(MsgId::kApplicationIncomplete, {joined});
  }
  SIMPUL_RETURN_IF_ERROR(AppendEvent(store, app_id, "application",
                                     state.status == "returned" ? "resubmitted" : "submitted", ""));
  if (state.status == "draft") {
    // The rules it is submitted under, kept for good (node/stages.h); a
    // resubmission after a return keeps them. Written after the event, so
    // the event keeps the clock's plain wall reading (counter 0), which the
    // hub's times report corrects by the laptop's measured clock offset
    // (PROTOCOL.md §25).
    SIMPUL_ASSIGN_OR_RETURN(schema::ServiceRules rules, schema::NewestServiceRules(store.db()));
    SIMPUL_RETURN_IF_ERROR(store.writer().Write(*schema::FindTable("applications"), app_id, store.village(),
                                                {{"rules_version", static_cast<int64_t>(rules.version)}}).status());
  }
  return txn.Commit();
}

Status Withdraw(NodeStore& store, const std::string& app_id, const std::string& reason) {
  SIMPUL_ASSIGN_OR_RETURN(auto txn, schema::Transaction::Begin(store.db()));
  SIMPUL_RETURN_IF_ERROR(RequireExists(store, Entity::kApplication, app_id));
  SIMPUL_ASSIGN_OR_RETURN(auto state, ApplicationState(store, app_id));
  const std::string& s = state.status;
  if (!(s == "draft" || s == "submitted" || s == "returned" || s == "in_review"))
    return Status::FailedPrecondition("cannot withdraw " + s)
        .WithMsg(MsgId::kCannotWithdraw, {app_id, s});
  SIMPUL_RETURN_IF_ERROR(schema::CheckLength("reason", reason, 1000));
  SIMPUL_RETURN_IF_ERROR(AppendEvent(store, app_id, "application", "withdrawn", reason));
  return txn.Commit();
}

Result<schema::IndicatorSet> LoadIndicatorSet(NodeStore& store, const std::string& set_id,
                                              int version) {
  SIMPUL_ASSIGN_OR_RETURN(
      auto* st, store.db().Cached("SELECT definition FROM indicator_sets WHERE set_id=?"
                                  " AND (?=0 OR version=?) ORDER BY version DESC LIMIT 1"));
  st->Bind(1, set_id).Bind(2, version).Bind(3, version);
  SIMPUL_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) {
    st->Reset();
    return Status::NotFound("no indicator set " + set_id)
        .WithMsg(MsgId::kNotFoundId, {"@indicator_sets", set_id});
  }
  std::string text = st->Text(0);
  st->Reset();
  return schema::ParseIndicatorSet(text);
}

Result<std::vector<schema::IndicatorSet>> ListIndicatorSets(NodeStore& store) {
  SIMPUL_ASSIGN_OR_RETURN(auto st, store.db().Prepare(
                                       "SELECT definition FROM indicator_sets ORDER BY set_id, version"));
  std::vector<schema::IndicatorSet> out;
  for (;;) {
    SIMPUL_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    SIMPUL_ASSIGN_OR_RETURN(auto set, schema::ParseIndicatorSet(st.Text(0)));
    out.push_back(std::move(set));
  }
  return out;
}

Status AddIndicatorSet(NodeStore& store, const std::string& text) {
  // Once enrolled, the indicator sets are Dinsos's: they arrive from the hub
  // (schema/rules_store.h). Before, a standalone laptop may load its own.
  if (!store.Meta("hub_pk").empty())
    return Status::PermissionDenied("indicator sets are loaded at the hub (simpul-hub indicators add) once a node is"
                                    " enrolled; they arrive with the next sync")
        .WithField("indicators")
        .WithMsg(MsgId::kIndicatorsOwnedByHub);
  SIMPUL_ASSIGN_OR_RETURN(auto set, schema::ParseIndicatorSet(text));
  SIMPUL_ASSIGN_OR_RETURN(auto txn, schema::Transaction::Begin(store.db()));
  SIMPUL_ASSIGN_OR_RETURN(auto* st, store.db().Cached(
                                        "SELECT definition FROM indicator_sets WHERE set_id=? AND version=?"));
  st->Bind(1, set.id).Bind(2, set.version);
  SIMPUL_ASSIGN_OR_RETURN(bool exists, st->Step());
  std::string existing = exists ? st->Text(0) : std::string();
  st->Reset();
  if (exists) {
    if (existing == text) return Status::Ok();  // the same file loaded twice
    return Status::AlreadyExists("indicator set " + set.id + " version " +
                                 std::to_string(set.version) +
                                 " exists with a different text; released versions never change:"
                                 " give the new text a higher version");
  }
  SIMPUL_ASSIGN_OR_RETURN(auto* ins, store.db().Cached(
                                         "INSERT INTO indicator_sets(set_id,version,title,definition)"
                                         " VALUES(?,?,?,?)"));
  ins->Bind(1, set.id).Bind(2, set.version).Bind(3, set.title).Bind(4, text);
  SIMPUL_RETURN_IF_ERROR(ins->Run());
  return txn.Commit();
}

Result<schema::ScoreResult> AnswerIndicators(NodeStore& store, const std::string& app_id,
                                             const std::string& set_id,
                                             const schema::Answers& answers) {
  SIMPUL_ASSIGN_OR_RETURN(Row app, ReadRecord(store, Entity::kApplication, app_id));
  SIMPUL_ASSIGN_OR_RETURN(auto state, ApplicationState(store, app_id));
  if (!schema::VillageMayEdit(state.status))
    return Status::FailedPrecondition("application is " + state.status)
        .WithMsg(MsgId::kNotEditable, {app_id, state.status});
  std::string cur_set, cur_answers;
  int64_t cur_version = 0;
  for (auto& [k, v] : app) {
    if (k == "indicator_set") cur_set = TextOf(v);
    if (k == "indicator_answers") cur_answers = TextOf(v);
    if (k == "indicator_version" && std::holds_alternative<int64_t>(v)) cur_version = std::get<int64_t>(v);
  }
  // An application keeps the set version it was first scored with, unless
  // the operator names a different set explicitly (a fresh scoring).
  std::string use_set = !set_id.empty() ? set_id : !cur_set.empty() ? cur_set
                                                  : store.Meta("indicator_set_default");
  bool keep = use_set == cur_set && cur_version > 0;
  SIMPUL_ASSIGN_OR_RETURN(auto set, LoadIndicatorSet(store, use_set, keep ? static_cast<int>(cur_version) : 0));
  schema::Answers merged;
  if (keep) {
    SIMPUL_ASSIGN_OR_RETURN(merged, schema::DecodeAnswers(cur_answers));
  }
  for (const auto& [k, v] : answers) merged[k] = v;
  SIMPUL_RETURN_IF_ERROR(schema::ValidateAnswers(set, merged));
  schema::ScoreResult score = schema::ComputeScore(set, merged);
  std::vector<FieldWrite> fields = {
      {"indicator_set", set.id},
      {"indicator_version", static_cast<int64_t>(set.version)},
      {"indicator_answers", schema::EncodeAnswers(merged)},
      {"score", score.score},
      {"score_band", score.band.empty() ? Value() : Value(score.band)},
  };
  SIMPUL_ASSIGN_OR_RETURN(auto written, WriteFields(store, Entity::kApplication, app_id,
                                                    std::move(fields), {}));
  (void)written;
  return score;
}

}  // namespace simpul::node
