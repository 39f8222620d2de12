#include "hub/fleet.h"

#include <algorithm>
#include <map>

#include "hub/operations.h"

namespace simpul::hub {
namespace {

int64_t Int(const Row& r, const char* col) { return std::atoll(RowText(r, col).c_str()); }

}  // namespace

Result<std::vector<FleetVillage>> LoadFleet(HubStore& store) {
  SIMPUL_ASSIGN_OR_RETURN(auto nodes, QueryRows(store,
      "SELECT n.node_id, n.village, coalesce(r.name,'') AS name, n.status, coalesce(n.revoke_reason,'') AS reason,"
      " n.enrolled_at_ms, coalesce(n.last_seen_ms,0) AS seen, coalesce(n.last_protocol,0) AS protocol,"
      " coalesce(n.last_schema,0) AS schema, coalesce(n.outbox_waiting,-1) AS waiting,"
      " coalesce(n.outbox_reported_ms,0) AS reported FROM nodes n LEFT JOIN regions r ON r.code=n.village"
      " ORDER BY n.village, n.enrolled_at_ms, n.node_id", {}));
  std::map<std::string, FleetVillage> by_village;
  for (const auto& r : nodes) {
    FleetVillage& v = by_village[RowText(r, "village")];
    v.village = RowText(r, "village");
    v.name = RowText(r, "name");
    FleetNode n{RowText(r, "node_id"), RowText(r, "status"), RowText(r, "reason"), Int(r, "enrolled_at_ms"),
                Int(r, "seen"), Int(r, "protocol"), Int(r, "schema"), Int(r, "waiting"), Int(r, "reported")};
    v.last_contact_ms = std::max(v.last_contact_ms, n.last_seen_ms);
    v.nodes.push_back(std::move(n));
  }
  SIMPUL_ASSIGN_OR_RETURN(auto refused, QueryRows(store,
      "SELECT village, count(*) AS n FROM hub_audit WHERE action='refused_request' GROUP BY village", {}));
  for (const auto& r : refused)
    if (auto it = by_village.find(RowText(r, "village")); it != by_village.end()) it->second.refusals = Int(r, "n");
  SIMPUL_ASSIGN_OR_RETURN(auto conflicts, QueryRows(store,
      "SELECT village, count(*) AS n FROM conflicts WHERE status='open' AND deleted=0 GROUP BY village", {}));
  for (const auto& r : conflicts)
    if (auto it = by_village.find(RowText(r, "village")); it != by_village.end())
      it->second.open_conflicts = Int(r, "n");
  std::vector<FleetVillage> out;
  for (auto& [code, v] : by_village) out.push_back(std::move(v));
  std::stable_sort(out.begin(), out.end(), [](const FleetVillage& a, const FleetVillage& b) {
    return a.last_contact_ms < b.last_contact_ms;  // never heard from (0) first, then the longest silent
  });
  return out;
}

}  // namespace simpul::hub
