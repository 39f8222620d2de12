#include "hub/decision_rules.h"

namespace simpul::hub {

const DecisionRule* FindDecisionRule(std::string_view action) {
  for (const auto& r : kDecisionRules)
    if (action == r.action) return &r;
  return nullptr;
}

std::vector<std::string> AvailableActions(const std::string& role, const std::vector<schema::WorkflowEvent>& events,
                                          const schema::StageRule* next_stage) {
  std::vector<std::string> out;
  auto before = schema::FoldWorkflow(events);
  const bool reviewing = before.status == "submitted" || before.status == "in_review";
  if (next_stage && reviewing && next_stage->role == role) out.push_back("stage");
  for (const auto& r : kDecisionRules) {
    if (!sync::RoleAllows(role, r.permission)) continue;
    if (std::string_view(r.kind) == "letter_issued") {
      if (before.status == "approved") out.push_back(r.action);
      continue;
    }
    if (std::string_view(r.kind) == "approved" && next_stage && reviewing) continue;  // a stage first
    auto trial = events;
    trial.push_back({"~", r.kind, "~", r.actor_role, "", "~", before.head});
    if (schema::FoldWorkflow(std::move(trial)).anomalies.size() == before.anomalies.size()) out.push_back(r.action);
  }
  return out;
}

}  // namespace simpul::hub
