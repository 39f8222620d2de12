// The service rules and indicator sets Dinsos owns (schema/rules_store.h).
//
// `simpul-hub rules load FILE` and `simpul-hub indicators add FILE` keep
// each new version at the hub (rules_versions, indicator_sets) and write a
// copy into the scope of every village the hub knows (enrolled, or issued an
// enrolment code), so each receives it at its next sync; a village issued
// its first code later receives every version then (IssueEnrolment). The
// hub applies the newest rules to what is new, and to an application the
// rules version it was submitted under (applications.rules_version).
//
// Thread-safety: as HubStore.
#ifndef SIMPUL_HUB_RULES_H_
#define SIMPUL_HUB_RULES_H_

#include <string>
#include <string_view>

#include "hub/operations.h"
#include "hub/store.h"
#include "schema/indicators.h"
#include "schema/rules_store.h"
#include "schema/service_rules.h"

namespace simpul::hub {

// The newest rules (the built-in ones while Dinsos has loaded none).
Result<schema::ServiceRules> CurrentRules(HubStore& store);

// The rules `app` was submitted under (applications.rules_version); the
// built-in rules for an application from before schema 17.
Result<schema::ServiceRules> RulesOf(HubStore& store, const Row& app);

struct Loaded {
  std::string name;  // rules id or indicator set id
  int version = 0;
  size_t villages = 0;  // the village scopes it was written to
};

// Loads a rules file: refused (nothing written) when it does not parse
// (the line named) or its version is not higher than the newest known
// (schema::CheckNewServiceRules). One transaction: the version, its copies
// and the audit entry "rules_load".
Result<Loaded> LoadRules(HubStore& store, std::string_view text, const std::string& file_name);

// The same for an indicator set (audit "indicators_add").
Result<Loaded> AddIndicatorSet(HubStore& store, std::string_view text, const std::string& file_name);

// Writes into `village`'s scope a copy of every rules version and indicator
// set it does not hold yet. Inside the caller's write transaction.
Status CopyRulesToVillage(HubStore& store, const std::string& village);

}  // namespace simpul::hub

#endif  // SIMPUL_HUB_RULES_H_
