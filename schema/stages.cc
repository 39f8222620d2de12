#include "schema/stages.h"

#include <algorithm>

#include "schema/messages.h"

namespace simpul::schema {

bool StageFitsRole(const StageRule& stage, std::string_view actor_role) {
  if (stage.role == "village_operator") return actor_role == "village";
  return actor_role == "hub" || actor_role == "verifier";
}

std::vector<std::string> StagesDone(const ServiceRule& rule, const WorkflowState& state) {
  std::vector<std::string> done;
  for (const auto& s : rule.stages)
    for (const auto& d : state.stages_done)
      if (d.stage == s.code && StageFitsRole(s, d.actor_role)) {
        done.push_back(s.code);
        break;
      }
  return done;
}

const StageRule* MissingStage(const ServiceRule& rule, const WorkflowState& state) {
  return NextStage(rule, StagesDone(rule, state));
}

Status CheckStage(const ServiceRule& rule, const WorkflowState& state, std::string_view stage_code,
                  std::string_view actor_role) {
  const StageRule* stage = nullptr;
  std::string known;
  for (const auto& s : rule.stages) {
    if (s.code == stage_code) stage = &s;
    known += (known.empty() ? "" : ", ") + s.code;
  }
  if (!stage)
    return Status::InvalidArgument("service " + rule.code + " has no stage " + std::string(stage_code) + " (its stages: " +
                                   (known.empty() ? "none" : known) + ")")
        .WithField("stage")
        .WithMsg(MsgId::kStageUnknown, {rule.code, std::string(stage_code), known.empty() ? "-" : known});
  if (state.status != "submitted" && state.status != "in_review")
    return Status::FailedPrecondition("a stage is recorded only while the application is under review (it is " +
                                      state.status + ")")
        .WithField("stage")
        .WithMsg(MsgId::kStageNotUnderReview, {state.status});
  if (!StageFitsRole(*stage, actor_role))
    return Status::PermissionDenied("stage " + stage->code + " is recorded by " + stage->role)
        .WithField("stage")
        .WithMsg(MsgId::kStageOtherSide, {stage->code, stage->role});
  std::vector<std::string> done = StagesDone(rule, state);
  if (std::find(done.begin(), done.end(), stage->code) != done.end())
    return Status::FailedPrecondition("stage " + stage->code + " is already recorded")
        .WithField("stage")
        .WithMsg(MsgId::kStageAlreadyDone, {stage->code});
  const StageRule* next = NextStage(rule, done);
  if (next && next->code != stage->code)
    return Status::FailedPrecondition("stage " + next->code + " (" + next->title_en + ") comes before " + stage->code)
        .WithField("stage")
        .WithMsg(MsgId::kStageOutOfOrder, {next->code, next->title_id, stage->code});
  return Status::Ok();
}

}  // namespace simpul::schema
