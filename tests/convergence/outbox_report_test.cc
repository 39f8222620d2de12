// The node reports its outbox at each sync (protocol 5, PROTOCOL.md §27):
// the hub keeps the count of changes still waiting at the village with the
// time it heard it, and a node that speaks only protocol 4 is served as
// before, reporting nothing.
#include <doctest/doctest.h>

#include "hub/fleet.h"
#include "hub/operations.h"
#include "hub/store.h"
#include "hub/sync_service.h"
#include "node/records.h"
#include "node/store.h"
#include "node/sync_client.h"
#include "sync/transport/transport.h"
#include "tests/support/temp_dir.h"

namespace simpul {
namespace {

class InProcess : public sync::Transport {
 public:
  explicit InProcess(hub::HubStore& hub) : hub_(hub) {}
  Result<std::string> RoundTrip(const std::string& endpoint, const std::string& frame) override {
    return endpoint == "/v1/enrol" ? hub::HandleEnrol(hub_, frame) : hub::HandleSync(hub_, frame);
  }
  uint64_t bytes_sent() const override { return 0; }
  uint64_t bytes_received() const override { return 0; }
  uint64_t round_trips() const override { return 0; }

 private:
  hub::HubStore& hub_;
};

hub::FleetNode NodeAtHub(hub::HubStore& hub) {
  auto fleet = hub::LoadFleet(hub);
  REQUIRE(fleet.ok());
  REQUIRE(fleet->size() == 1);
  REQUIRE(fleet->front().nodes.size() == 1);
  return fleet->front().nodes.front();
}

void AddHouseholds(node::NodeStore& n, int count) {
  for (int i = 0; i < count; ++i)
    REQUIRE(node::CreateRecord(n, node::Entity::kHousehold, {{"address", "Dusun " + std::to_string(i)}}).ok());
}

TEST_CASE("a node reports the changes left in its outbox at each sync; an older one reports nothing") {
  testing::TempDir dir;
  auto hub_r = hub::HubStore::Init(dir.File("hub"), "Dinsos Uji", sync::SystemClock::Default());
  REQUIRE(hub_r.ok());
  hub::HubStore& hub = **hub_r;
  InProcess link(hub);
  const std::string village = "35.10.01.2001";
  auto node_r = node::NodeStore::Init(dir.File("node"), village, sync::SystemClock::Default(), testing::kTestPassphrase);
  REQUIRE(node_r.ok());
  node::NodeStore& n = **node_r;
  auto code = hub::CreateEnrolment(hub, village, 7);
  REQUIRE(code.ok());
  REQUIRE(node::Enrol(n, link, "http://127.0.0.1:1", *code).ok());
  CHECK(NodeAtHub(hub).outbox_waiting == -1);  // enrolled, never reported

  // A whole sync: nothing is left waiting.
  AddHouseholds(n, 3);
  REQUIRE(node::SyncOnce(n, link, {}).ok());
  hub::FleetNode seen = NodeAtHub(hub);
  CHECK(seen.outbox_waiting == 0);
  CHECK(seen.outbox_reported_ms > 0);

  // One round of two changes out of seven: five stay at the village.
  AddHouseholds(n, 7);
  node::SyncOptions one_round;
  one_round.batch = 2;
  one_round.max_round_trips = 1;
  auto cut_short = node::SyncOnce(n, link, one_round);
  CHECK((cut_short.ok() || cut_short.status().code() == Code::kUnavailable));
  CHECK(NodeAtHub(hub).outbox_waiting == 5);
  REQUIRE(node::SyncOnce(n, link, {}).ok());
  CHECK(NodeAtHub(hub).outbox_waiting == 0);

  // A node that speaks protocol 4 (the hub said so): served, not reporting;
  // the hub keeps the last report it had.
  AddHouseholds(n, 4);
  REQUIRE(n.SetMeta("hub_protocol", "4").ok());
  one_round.batch = 1;
  (void)node::SyncOnce(n, link, one_round);
  CHECK(NodeAtHub(hub).outbox_waiting == 0);
  auto count = hub::QueryRows(hub, "SELECT count(*) AS n FROM households", {});
  REQUIRE(count.ok());
  CHECK(hub::RowText(count->front(), "n") == "11");  // its change arrived
}

}  // namespace
}  // namespace simpul
