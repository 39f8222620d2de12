// Applications past their fields: their events and state, what the service
// rule needs before submission, submitting and withdrawing, and the
// poverty-indicator sets and answers.
#include <algorithm>
#include <cctype>

#include "node/records.h"
#include "node/records_internal.h"
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
using sync::FindValue;
using sync::TextOf;
using namespace records_internal;

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
