// Hub key rotation through the real binaries: `simpul-hub key rotate` while
// the hub serves; villages follow the signed key history at their next sync
// (even across two rotations while offline), no re-enrolment; refusals
// reach a node that has not yet learnt the new key, signed with the key it
// trusts.
#include "tests/support/cluster.h"

namespace simpul::testing {
namespace {

std::string HubKey(Node& n) { return n.Ok({"status"})["hub_key"].str(); }

TEST_CASE("key rotation: villages follow the hub's new key without re-enrolment") {
  Hub hub;
  hub.Start();
  Node a("35.10.01.2001"), b("35.10.01.2002");
  a.Enrol(hub, hub.url());
  b.Enrol(hub, hub.url());
  std::string k1 = HubKey(a);
  REQUIRE(!k1.empty());
  CHECK(HubKey(b) == k1);
  a.Id({"household", "add", "--address", "Dusun Krajan", "--kk", "3510011211870001"});
  a.Do({"sync"});

  // Rotate while the hub is serving.
  Json r1 = hub.Ok({"key", "rotate"});
  std::string k2 = r1["hub_key"].str();
  CHECK(r1["old_key"].str() == k1);
  CHECK(k2 != k1);

  // Village A syncs: its request is sealed to k1, answered, and it adopts k2.
  a.Id({"household", "add", "--address", "Dusun Kidul", "--kk", "3510011211870001"});
  Json s = a.Ok({"sync"});
  CHECK(s["acked"].num() >= 1);
  CHECK(HubKey(a) == k2);
  CHECK(a.Ok({"sync"})["verified"].truthy());  // now sealed to k2

  // A second rotation while village B stays offline: B follows both links.
  Json r2 = hub.Ok({"key", "rotate"});
  std::string k3 = r2["hub_key"].str();
  Json keys = hub.Ok({"key", "list"});
  REQUIRE(keys.size() == 3);
  CHECK(keys[0]["key"].str() == k3);
  CHECK(keys[0]["state"].str() == "current");
  b.Id({"household", "add", "--address", "Dusun Wetan", "--kk", "3510011211870001"});
  Json sb = b.Ok({"sync"});
  CHECK(sb["acked"].num() >= 1);
  CHECK(HubKey(b) == k3);
  CHECK(b.Ok({"sync"})["verified"].truthy());
  // Every household reached the hub; A, on k2, moves to k3 on its next sync.
  CHECK(hub.Count("SELECT count(*) FROM households") == 3);
  a.Do({"sync"});
  CHECK(HubKey(a) == k3);

  // The hub restarts: it still answers with the rotated keys.
  int port = hub.port();
  hub.Stop();
  hub.Start(port);
  CHECK(a.Ok({"sync"})["verified"].truthy());
  // The rotations are in the hub's audit log.
  CHECK(hub.Count("SELECT count(*) FROM hub_audit WHERE action='hub_key_rotated'") == 2);
}

TEST_CASE("key rotation: a revoked node that never saw the new key still gets a refusal it can trust") {
  Hub hub;
  hub.Start();
  Node n("35.10.01.2001");
  n.Enrol(hub, hub.url());
  std::string k1 = HubKey(n);
  hub.Do({"key", "rotate"});
  hub.Do({"node", "revoke", n.id(), "--reason", "laptop stolen"});
  ProcessResult r = n.Cli({"sync"});
  INFO(n.last());
  CHECK(r.exit_code == 6);  // refused by the hub, verified, not "corrupt reply"
  LH_CHECK_HAS(r.err, "revoked");
  CHECK(HubKey(n) == k1);  // nothing adopted from a refusal
}

}  // namespace
}  // namespace simpul::testing
