// Verification stages the village records (SPM's field check by the village
// and the poverty team, PPKS's home visit): in the service rule's order, only
// those the rule gives the village operator (schema/stages.h). Dinsos's own
// stages are recorded at the hub.
#ifndef SIMPUL_NODE_STAGES_H_
#define SIMPUL_NODE_STAGES_H_

#include <optional>
#include <string>
#include <vector>

#include "node/store.h"
#include "schema/service_rules.h"
#include "schema/status.h"

namespace simpul::node {

// Records stage `stage_code` of application `app_id` with a note, in one
// transaction (the event goes to the outbox like any change).
Status RecordVillageStage(NodeStore& store, const std::string& app_id, const std::string& stage_code,
                          const std::string& note);

// The next stage the application waits for under its service rule, while
// it is under review (nullopt otherwise, or when every stage is done).
Result<std::optional<schema::StageRule>> NextStageOf(NodeStore& store, const std::string& app_id);

// The kinds of the documents the application's service rule requires that
// are not attached (optional kinds never count), in the rule's order; empty
// when none is missing or no rule governs the application. Submit refuses
// while any is (MsgId::kSubmitMissingDocuments).
Result<std::vector<std::string>> MissingDocumentsOf(NodeStore& store, const std::string& app_id);

// The documents the application's service rule names (required and
// optional), in the rule's order: the page's checklist. Empty when no rule
// governs it.
Result<std::vector<schema::DocumentRequirement>> DocumentsNamedBy(NodeStore& store, const std::string& app_id);

// The service rule governing the application (a copy; nullopt when none
// does): the version it was submitted under, or the newest while a draft.
Result<std::optional<schema::ServiceRule>> ServiceRuleOf(NodeStore& store, const std::string& app_id);

}  // namespace simpul::node

#endif  // SIMPUL_NODE_STAGES_H_
