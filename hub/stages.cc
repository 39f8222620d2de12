#include "hub/stages.h"

#include "hub/rules.h"
#include "schema/messages.h"
#include "schema/stages.h"

namespace simpul::hub {

Result<std::optional<schema::StageRule>> NextStageOf(HubStore& store, const Row& app,
                                                     const schema::WorkflowState& state) {
  SIMPUL_ASSIGN_OR_RETURN(schema::ServiceRules rules, RulesOf(store, app));
  const schema::ServiceRule* rule = rules.Find(RowText(app, "type"), RowText(app, "service_type"));
  if (!rule) return std::optional<schema::StageRule>();
  const schema::StageRule* missing = schema::MissingStage(*rule, state);
  if (!missing) return std::optional<schema::StageRule>();
  return std::optional<schema::StageRule>(*missing);
}

Status CheckStagesPassed(HubStore& store, const Row& app, const schema::WorkflowState& state) {
  SIMPUL_ASSIGN_OR_RETURN(std::optional<schema::StageRule> missing, NextStageOf(store, app, state));
  if (!missing) return Status::Ok();
  const std::string app_id = RowText(app, "id");
  return Status::FailedPrecondition("stage " + missing->code + " (" + missing->title_en +
                                    ") has not been passed: record it first (application stage " + app_id + " " +
                                    missing->code + ")")
      .WithField("stage")
      .WithMsg(MsgId::kDecisionSkipsStage, {missing->code, missing->title_id, app_id});
}

Result<bool> RuleHasStage(HubStore& store, const Row& app, const std::string& stage_code) {
  SIMPUL_ASSIGN_OR_RETURN(schema::ServiceRules rules, RulesOf(store, app));
  const schema::ServiceRule* rule = rules.Find(RowText(app, "type"), RowText(app, "service_type"));
  if (!rule) return false;
  for (const auto& s : rule->stages)
    if (s.code == stage_code) return true;
  return false;
}

Status RecordStage(HubStore& store, const std::string& app_id, const std::string& stage_code, const std::string& note,
                   const std::string& operator_name, const std::string* role) {
  const std::string& acting = role ? *role : store.operator_role();
  SIMPUL_ASSIGN_OR_RETURN(auto txn, store.BeginWrite());
  SIMPUL_ASSIGN_OR_RETURN(Row app, ReadRow(store, "applications", app_id));
  SIMPUL_ASSIGN_OR_RETURN(auto state, ApplicationState(store, app_id));
  // The rules the application was submitted under (hub/rules.h).
  SIMPUL_ASSIGN_OR_RETURN(schema::ServiceRules rules, RulesOf(store, app));
  const schema::ServiceRule* rule = rules.Find(RowText(app, "type"), RowText(app, "service_type"));
  if (!rule)
    return Status::FailedPrecondition("the service rules " + rules.id + " have no rule for applications of type " +
                                      RowText(app, "type"))
        .WithField("stage");
  SIMPUL_RETURN_IF_ERROR(schema::CheckStage(*rule, state, stage_code, "hub"));
  for (const auto& s : rule->stages)
    if (s.code == stage_code && !acting.empty() && acting != s.role)
      return Status::PermissionDenied("stage " + s.code + " is recorded by " + s.role + ", not " + acting)
          .WithField("stage")
          .WithMsg(MsgId::kStageOtherSide, {s.code, s.role});
  const std::string village = RowText(app, "village");
  SIMPUL_RETURN_IF_ERROR(
      AppendEvent(store, app_id, village, "stage_done", note, "hub", operator_name, state.head, stage_code));
  SIMPUL_RETURN_IF_ERROR(store.Audit("decision:stage_done", village, app_id, stage_code + ": " + note));
  return txn.Commit();
}

}  // namespace simpul::hub
