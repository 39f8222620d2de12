#include "hub/rules.h"

namespace simpul::hub {

Result<schema::ServiceRules> CurrentRules(HubStore& store) {
  (void)store;
  return schema::ParseServiceRules(schema::BuiltinServiceRules());
}

}  // namespace simpul::hub
