// The villages as Dinsos watches them (the web app's villages page): per
// village its nodes (status, last contact, protocol and schema at their
// last sync, the changes waiting in their outbox as they last reported), the requests the hub refused from it (audited
// refused_request: revoked, unknown or replaying nodes) and its open
// conflicts; villages not heard from longest first (never first).
//
// Thread-safety: as HubStore.
#ifndef SIMPUL_HUB_FLEET_H_
#define SIMPUL_HUB_FLEET_H_

#include <cstdint>
#include <string>
#include <vector>

#include "hub/store.h"

namespace simpul::hub {

struct FleetNode {
  std::string node_id, status, revoke_reason;
  int64_t enrolled_at_ms = 0, last_seen_ms = 0;  // 0: never synced
  int64_t protocol = 0, schema = 0;              // at its last sync; 0 unknown
  // The changes waiting in its outbox as it reported them at its last sync
  // that did (protocol 5), and when (hub clock); -1 and 0: never reported.
  int64_t outbox_waiting = -1, outbox_reported_ms = 0;
};

struct FleetVillage {
  std::string village, name;
  std::vector<FleetNode> nodes;
  int64_t last_contact_ms = 0;  // the latest contact of any of its nodes; 0 never
  int64_t refusals = 0, open_conflicts = 0;
};

Result<std::vector<FleetVillage>> LoadFleet(HubStore& store);

}  // namespace simpul::hub

#endif  // SIMPUL_HUB_FLEET_H_
