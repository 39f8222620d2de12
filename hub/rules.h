// The service rules the hub applies (schema/service_rules.h): the rules
// shipped with Simpul (schema/data/rules/dinsos-default-v1.txt).
#ifndef SIMPUL_HUB_RULES_H_
#define SIMPUL_HUB_RULES_H_

#include "hub/store.h"
#include "schema/service_rules.h"

namespace simpul::hub {

Result<schema::ServiceRules> CurrentRules(HubStore& store);

}  // namespace simpul::hub

#endif  // SIMPUL_HUB_RULES_H_
