// The decisions a hub operator can make on an application, and the
// permission each needs: the same as simpul-hub's commands (`application
// return` needs kReview; `approve`, `reject` and `letter` kDecide; `visit`
// and `recommend` kVerify), checked with the same sync::RoleAllows. The web
// API offers and accepts exactly these.
//
// Action names are part of the API (docs/API.md): never rename them.
//
// Thread-safety: constant data and pure functions.
#ifndef SIMPUL_HUB_DECISION_RULES_H_
#define SIMPUL_HUB_DECISION_RULES_H_

#include <string>
#include <string_view>
#include <vector>

#include "schema/service_rules.h"
#include "schema/workflow.h"
#include "sync/accounts.h"

namespace simpul::hub {

struct DecisionRule {
  const char* action;      // "return": the API's name
  const char* kind;        // "returned": the workflow event it records
  const char* actor_role;  // the event's actor_role: "hub" or "verifier"
  sync::Permission permission;
  bool needs_reason;       // the village must know why
};

inline constexpr DecisionRule kDecisionRules[] = {
    {"return", "returned", "hub", sync::Permission::kReview, true},
    {"approve", "approved", "hub", sync::Permission::kDecide, false},
    {"reject", "rejected", "hub", sync::Permission::kDecide, true},
    {"visit", "field_visited", "verifier", sync::Permission::kVerify, true},
    {"recommend", "recommended", "verifier", sync::Permission::kVerify, true},
    {"letter", "letter_issued", "hub", sync::Permission::kDecide, false},
};

const DecisionRule* FindDecisionRule(std::string_view action);

// The actions `role` may take now on an application whose events (fold
// order) are `events`: its role allows it and the workflow accepts it (a
// trial fold, as RecordDecision checks; a letter needs "approved").
// `next_stage` is the first stage of the service rule not passed yet (null
// when none is missing): while there is one, "approve" is not offered
// (RecordDecision refuses it), and "stage" (record it) is offered to the
// role the stage names.
std::vector<std::string> AvailableActions(const std::string& role, const std::vector<schema::WorkflowEvent>& events,
                                          const schema::StageRule* next_stage = nullptr);

}  // namespace simpul::hub

#endif  // SIMPUL_HUB_DECISION_RULES_H_
