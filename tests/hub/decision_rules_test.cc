// The actions the Dinsos page offers (hub/decision_rules.h AvailableActions):
// no approval while a stage of the service rule is missing, and "stage" only
// for the role the missing stage names.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "hub/decision_rules.h"

namespace simpul::hub {
namespace {

bool Offers(const std::vector<std::string>& actions, const std::string& a) {
  return std::find(actions.begin(), actions.end(), a) != actions.end();
}

TEST_CASE("available actions: no approval while a stage is missing; the stage to its role") {
  schema::WorkflowEvent submitted;
  submitted.id = "E1";
  submitted.kind = "submitted";
  submitted.actor = "node-a";
  submitted.actor_role = "village";
  submitted.at = "0192f3a4b5c6d7e8.node-a";
  const std::vector<schema::WorkflowEvent> events = {submitted};
  schema::StageRule missing;
  missing.code = "dinsos_verification";
  missing.role = "hub_verifier";

  auto official = AvailableActions("approving_official", events, &missing);
  CHECK_FALSE(Offers(official, "approve"));
  CHECK(Offers(official, "reject"));  // allowed at any stage
  CHECK_FALSE(Offers(official, "stage"));
  auto verifier = AvailableActions("hub_verifier", events, &missing);
  CHECK(Offers(verifier, "stage"));
  CHECK(Offers(verifier, "return"));
  CHECK_FALSE(Offers(AvailableActions("kecamatan_verifier", events, &missing), "stage"));
  // Every stage passed (or no rule): the approval is offered again.
  auto passed = AvailableActions("approving_official", events, nullptr);
  CHECK(Offers(passed, "approve"));
  CHECK_FALSE(Offers(passed, "stage"));
}

}  // namespace
}  // namespace simpul::hub
