// Verification stages of an application under its service rule: which of the
// rule's stages are done, which comes next, and whether a stage may be
// recorded now by a given role. Pure functions over a workflow fold.
//
// A stage the rule gives to the village operator counts only when a village
// recorded it; any other stage only when the hub (or a verifier at the hub)
// did. So a village cannot pass Dinsos's stages by writing events, and the
// hub's approval checks the same thing the recording did.
#ifndef SIMPUL_SCHEMA_STAGES_H_
#define SIMPUL_SCHEMA_STAGES_H_

#include <string>
#include <string_view>
#include <vector>

#include "schema/service_rules.h"
#include "schema/status.h"
#include "schema/workflow.h"

namespace simpul::schema {

// True when an event by `actor_role` ("village", "verifier", "hub") may
// count for `stage`.
bool StageFitsRole(const StageRule& stage, std::string_view actor_role);

// Codes of the rule's stages done on `state` by a fitting role.
std::vector<std::string> StagesDone(const ServiceRule& rule, const WorkflowState& state);

// The first stage of the rule not yet done, or nullptr: the decision is next.
const StageRule* MissingStage(const ServiceRule& rule, const WorkflowState& state);

// May `actor_role` record `stage_code` now? InvalidArgument (field "stage",
// listing the rule's stages) for a stage the rule does not have;
// FailedPrecondition when the application is not under review, the stage is
// already done, or an earlier stage is missing (naming it); PermissionDenied
// when the stage belongs to the other side.
Status CheckStage(const ServiceRule& rule, const WorkflowState& state, std::string_view stage_code,
                  std::string_view actor_role);

}  // namespace simpul::schema

#endif  // SIMPUL_SCHEMA_STAGES_H_
