// Verification stages at the hub: recording one (`application stage`) in the
// order the service rule gives, by the role it names, and the first stage an
// application still lacks (schema/stages.h). An approval is refused while a
// stage is missing (RecordDecision, hub/operations.h).
#ifndef SIMPUL_HUB_STAGES_H_
#define SIMPUL_HUB_STAGES_H_

#include <optional>
#include <string>

#include "hub/operations.h"
#include "hub/store.h"
#include "schema/service_rules.h"
#include "schema/status.h"
#include "schema/workflow.h"

namespace simpul::hub {

// The first stage of the application's rule not yet recorded on `state`
// (nullopt when every stage is, or no rule governs the application).
Result<std::optional<schema::StageRule>> NextStageOf(HubStore& store, const Row& app,
                                                     const schema::WorkflowState& state);

// Ok when every stage of the application's rule is done on `state` (or no
// rule governs it); else FailedPrecondition (MsgId::kDecisionSkipsStage)
// naming the first stage not passed. The approval's check, inside its
// write transaction.
Status CheckStagesPassed(HubStore& store, const Row& app, const schema::WorkflowState& state);

// Records stage `stage_code` of application `app_id` with a note, as the
// hub, in one write with its audit entry. The signed-in operator's role
// (`role` when given, as the web app's session has it; else
// store.operator_role(), "" in setup mode) must be the stage's.
Status RecordStage(HubStore& store, const std::string& app_id, const std::string& stage_code,
                   const std::string& note, const std::string& operator_name, const std::string* role = nullptr);

// Whether the rule of `app` has a stage `stage_code`.
Result<bool> RuleHasStage(HubStore& store, const Row& app, const std::string& stage_code);

}  // namespace simpul::hub

#endif  // SIMPUL_HUB_STAGES_H_
