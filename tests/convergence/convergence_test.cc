// Randomised convergence: a hub and three village nodes (two laptops of one
// village, one of another; one laptop's clock in 1970, one days ahead) write
// at random, sync in random order over a link that is randomly cut before or
// after the hub applied a request. Afterwards every replica of a scope holds
// the same rows, values and versions, and every write is visible, knowingly
// overwritten, or recorded as the losing side of a conflict.
#include <doctest/doctest.h>

#include <map>
#include <random>
#include <set>

#include "hub/audit.h"
#include "hub/operations.h"
#include "hub/store.h"
#include "hub/sync_service.h"
#include "node/records.h"
#include "node/store.h"
#include "node/sync_client.h"
#include "schema/ids.h"
#include "schema/tables.h"
#include "sync/audit.h"
#include "sync/merge.h"
#include "sync/transport/transport.h"
#include "tests/support/temp_dir.h"

namespace simpul {
namespace {

class OffsetClock : public sync::Clock {
 public:
  explicit OffsetClock(int64_t offset_ms) : offset_(offset_ms) {}
  uint64_t NowMs() override {
    int64_t now = static_cast<int64_t>(sync::SystemClock::Default()->NowMs()) + offset_;
    return now < 0 ? 0 : static_cast<uint64_t>(now);
  }

 private:
  int64_t offset_;
};

// The hub in-process; the link may lose the request or the reply.
class FlakyLink : public sync::Transport {
 public:
  FlakyLink(hub::HubStore& hub, std::mt19937& rng, double cut) : hub_(hub), rng_(rng), cut_(cut) {}
  Result<std::string> RoundTrip(const std::string& endpoint, const std::string& frame) override {
    ++round_trips_;
    std::uniform_real_distribution<double> u(0, 1);
    if (u(rng_) < cut_ / 2) return Status::Unavailable("cut before the hub");
    std::string reply = endpoint == "/v1/enrol" ? hub::HandleEnrol(hub_, frame) : hub::HandleSync(hub_, frame);
    if (u(rng_) < cut_ / 2) return Status::Unavailable("cut after the hub applied it");
    sent_ += frame.size();
    received_ += reply.size();
    return reply;
  }
  uint64_t bytes_sent() const override { return sent_; }
  uint64_t bytes_received() const override { return received_; }
  uint64_t round_trips() const override { return round_trips_; }
  void set_cut(double c) { cut_ = c; }

 private:
  hub::HubStore& hub_;
  std::mt19937& rng_;
  double cut_;
  uint64_t sent_ = 0, received_ = 0, round_trips_ = 0;
};

using Snapshot = std::map<std::string, std::string>;  // "table/row/field" -> "value@version"

Snapshot ScopeState(schema::Db& db, const std::string& village) {
  Snapshot out;
  for (const auto& t : schema::ReplicatedTables()) {
    auto st = db.Prepare(std::string("SELECT t.id, fv.field, fv.version FROM ") + t.name +
                         " t JOIN field_versions fv ON fv.tbl='" + t.name + "' AND fv.row_id=t.id WHERE t.village=?");
    REQUIRE(st.ok());
    st->Bind(1, village);
    while (*st->Step()) {
      std::string id = st->Text(0), field = st->Text(1), version = st->Text(2);
      auto v = db.Prepare(std::string("SELECT ") + field + " FROM " + t.name + " WHERE id=?");
      REQUIRE(v.ok());
      v->Bind(1, id);
      REQUIRE(*v->Step());
      out[std::string(t.name) + "/" + id + "/" + field] = schema::ValueToDisplay(v->Column(0)) + "@" + version;
    }
  }
  return out;
}

struct Node {
  std::unique_ptr<OffsetClock> clock;
  std::unique_ptr<node::NodeStore> store;
  std::string village;
};

struct Totals {
  int conflicts = 0, writes = 0, cuts_survived = 0;
};

void RunHistory(unsigned seed, Totals* totals) {
  INFO("seed " << seed);
  std::mt19937 rng(seed);
  testing::TempDir dir;
  auto hub_r = hub::HubStore::Init(dir.File("hub"), "test hub", sync::SystemClock::Default());
  REQUIRE(hub_r.ok());
  hub::HubStore& hub = **hub_r;
  FlakyLink link(hub, rng, 0.0);

  const std::string v1 = "35.10.01.2001", v2 = "35.10.01.2002";
  const int64_t day = 86400000;
  std::vector<Node> nodes;
  int64_t offsets[] = {0, -static_cast<int64_t>(sync::SystemClock::Default()->NowMs()), 3 * day};
  std::string villages[] = {v1, v1, v2};
  for (int i = 0; i < 3; ++i) {
    Node n;
    n.clock = std::make_unique<OffsetClock>(offsets[i]);
    auto s = node::NodeStore::Init(dir.File("node" + std::to_string(i)), villages[i], n.clock.get(), testing::kTestPassphrase);
    REQUIRE(s.ok());
    n.store = std::move(s).value();
    n.village = villages[i];
    auto code = hub::CreateEnrolment(hub, n.village, 7);
    REQUIRE(code.ok());
    REQUIRE(node::Enrol(*n.store, link, "http://127.0.0.1:1", *code).ok());
    nodes.push_back(std::move(n));
  }

  std::map<int, std::vector<std::string>> apps, persons, households;  // per node
  std::uniform_int_distribution<int> pick_node(0, 2);
  std::uniform_int_distribution<int> pct(0, 99);
  std::vector<std::string> notes = {"a", "b", "rumah bambu", "dirawat", "KK buram", "ok"};
  link.set_cut(0.3);
  int syncs_ok = 0;
  for (int step = 0; step < 120; ++step) {
    int r = pct(rng);
    int ni = pick_node(rng);
    Node& n = nodes[ni];
    if (r < 15 || households[ni].empty()) {
      auto h = node::CreateRecord(*n.store, node::Entity::kHousehold, {{"address", "Dusun " + std::to_string(step)}});
      REQUIRE(h.ok());
      households[ni].push_back(h->id);
      auto p = node::CreateRecord(*n.store, node::Entity::kPerson, {{"household", h->id}, {"name", "Warga"}});
      REQUIRE(p.ok());
      persons[ni].push_back(p->id);
      auto a = node::CreateRecord(*n.store, node::Entity::kApplication,
                                  {{"type", "pbi_apbd"}, {"applicant", p->id}, {"notes", notes[step % notes.size()]}});
      REQUIRE(a.ok());
      apps[ni].push_back(a->id);
    } else if (r < 45) {
      // Edit a shared field of an application this node can see (its own or
      // one of its village received by sync).
      auto rows = node::ListRecords(*n.store, node::Entity::kApplication, {});
      REQUIRE(rows.ok());
      if (!rows->empty()) {
        const auto& row = (*rows)[static_cast<size_t>(pct(rng)) % rows->size()];
        std::string id = schema::ValueToDisplay(row[0].second);
        auto e = node::EditRecord(*n.store, node::Entity::kApplication, id,
                                  {{"notes", notes[static_cast<size_t>(pct(rng)) % notes.size()] + std::to_string(step)}});
        CHECK((e.ok() || e.status().code() == Code::kFailedPrecondition));
      }
    } else if (r < 55) {
      auto rows = node::ListRecords(*n.store, node::Entity::kHousehold, {});
      REQUIRE(rows.ok());
      if (!rows->empty()) {
        std::string id = schema::ValueToDisplay((*rows)[static_cast<size_t>(pct(rng)) % rows->size()][0].second);
        auto e = node::EditRecord(*n.store, node::Entity::kHousehold, id, {{"address", "Jl. " + std::to_string(step)}});
        CHECK(e.ok());
      }
    } else if (r < 70) {
      // The hub edits notes / DTKS status of a random application.
      auto list = hub::ListApplications(hub, "", "");
      REQUIRE(list.ok());
      if (!list->empty()) {
        std::string id = schema::ValueToDisplay((*list)[static_cast<size_t>(pct(rng)) % list->size()][0].second);
        auto st = hub::EditApplication(hub, id, {{"notes", "hub " + std::to_string(step)}});
        CHECK(st.ok());
      }
    } else {
      auto s = node::SyncOnce(*n.store, link, {});
      if (s.ok()) ++syncs_ok;
      else CHECK(s.status().code() == Code::kUnavailable);
    }
  }
  CHECK(syncs_ok > 0);
  // Heal the link and sync everyone until nothing moves.
  link.set_cut(0.0);
  for (int round = 0; round < 4; ++round)
    for (auto& n : nodes) {
      auto s = node::SyncOnce(*n.store, link, {});
      REQUIRE(s.ok());
    }
  for (auto& n : nodes) {
    auto s = node::SyncOnce(*n.store, link, {});
    REQUIRE(s.ok());
    CHECK(s->verified);
    CHECK(s->refused == 0);
  }
  // Equal content per scope.
  for (const auto& v : {v1, v2}) {
    Snapshot at_hub = ScopeState(hub.db(), v);
    CHECK(!at_hub.empty());
    for (auto& n : nodes)
      if (n.village == v) {
        Snapshot at_node = ScopeState(n.store->db(), v);
        CHECK(at_node.size() == at_hub.size());
        CHECK(at_node == at_hub);
      }
  }
  // Every write accounted for: the hub's log and the conflicts it recorded.
  // A version is settled if it is current, if a later write was based on it,
  // or if it lost a recorded conflict.
  std::set<std::string> current, based_on, lost;
  {
    auto st = hub.db().Prepare("SELECT version FROM field_versions");
    while (*st->Step()) current.insert(st->Text(0));
    auto b = hub.db().Prepare("SELECT base FROM changelog_fields WHERE base IS NOT NULL");
    while (*b->Step()) based_on.insert(b->Text(0));
    auto c = hub.db().Prepare("SELECT loser_version FROM conflicts");
    while (*c->Step()) lost.insert(c->Text(0));
  }
  auto all = hub.db().Prepare("SELECT DISTINCT version FROM applied WHERE code=0");
  int checked = 0;
  while (*all->Step()) {
    std::string v = all->Text(0);
    ++checked;
    INFO("version " << v);
    CHECK((current.count(v) || based_on.count(v) || lost.count(v)));
  }
  CHECK(checked > 0);
  totals->writes += checked;
  totals->conflicts += static_cast<int>(lost.size());
}

TEST_CASE("random histories with cuts converge, and no write is lost silently") {
  unsigned base = std::random_device{}();
  Totals totals;
  for (unsigned i = 0; i < 6; ++i) RunHistory(base + i, &totals);
  MESSAGE("writes " << totals.writes << ", conflicts " << totals.conflicts);
  // The histories must actually exercise concurrent writes.
  CHECK(totals.conflicts > 0);
}

}  // namespace
}  // namespace simpul

namespace simpul {
namespace {

// The hub loses data (restored from an older backup) and a value drifts at
// the hub without a change record: the digests disagree, the node asks for a
// targeted repair, re-queues what only it has, and both end equal again.
TEST_CASE("a diverged scope is detected by digest and repaired, nothing lost") {
  std::mt19937 rng(7);
  testing::TempDir dir;
  auto hub_r = hub::HubStore::Init(dir.File("hub"), "test hub", sync::SystemClock::Default());
  REQUIRE(hub_r.ok());
  hub::HubStore& hub = **hub_r;
  FlakyLink link(hub, rng, 0.0);
  auto node_r = node::NodeStore::Init(dir.File("node"), "35.10.01.2001", sync::SystemClock::Default(), testing::kTestPassphrase);
  REQUIRE(node_r.ok());
  node::NodeStore& n = **node_r;
  auto code = hub::CreateEnrolment(hub, "35.10.01.2001", 1);
  REQUIRE(code.ok());
  REQUIRE(node::Enrol(n, link, "http://127.0.0.1:1", *code).ok());
  std::vector<std::string> households;
  for (int i = 0; i < 40; ++i) {
    auto h = node::CreateRecord(n, node::Entity::kHousehold, {{"address", "Dusun " + std::to_string(i)}});
    REQUIRE(h.ok());
    households.push_back(h->id);
  }
  auto first = node::SyncOnce(n, link, {});
  REQUIRE(first.ok());
  REQUIRE(first->verified);

  // Divergence at the hub, behind the protocol's back.
  REQUIRE(hub.db().Exec("DELETE FROM households WHERE id='" + households[3] + "'").ok());
  REQUIRE(hub.db().Exec("DELETE FROM field_versions WHERE row_id='" + households[3] + "'").ok());
  REQUIRE(hub.db().Exec("UPDATE households SET address='drifted' WHERE id='" + households[7] + "'").ok());
  REQUIRE(hub.db().Exec("UPDATE field_versions SET version='0000000000010000.bogus' WHERE row_id='" +
                        households[7] + "' AND field='address'").ok());

  auto repaired = node::SyncOnce(n, link, {});
  REQUIRE(repaired.ok());
  CHECK(repaired->repaired > 0);
  // The row only the node had went back to the hub as new changes; the
  // drifted field took the hub's (authoritative) version on the node.
  auto again = node::SyncOnce(n, link, {});
  REQUIRE(again.ok());
  CHECK(again->verified);
  CHECK(ScopeState(hub.db(), "35.10.01.2001") == ScopeState(n.db(), "35.10.01.2001"));
  auto back = hub.db().Prepare("SELECT address FROM households WHERE id=?");
  REQUIRE(back.ok());
  back->Bind(1, households[3]);
  REQUIRE(*back->Step());
  CHECK(back->Text(0) == "Dusun 3");
}

}  // namespace
}  // namespace simpul

namespace simpul {
namespace {

// The receive rule at a node: a laptop of the village 3 days fast writes;
// its sibling with a right clock pulls those rows but does not adopt their
// stamps, so it is never dragged ahead nor told its clock is ahead. A
// decision of the hub on the fast laptop's submission still applies.
TEST_CASE("a laptop days fast cannot drag its village sibling's clock; the hub's decision on its submission stands") {
  std::mt19937 rng(13);
  testing::TempDir dir;
  auto hub_r = hub::HubStore::Init(dir.File("hub"), "test hub", sync::SystemClock::Default());
  REQUIRE(hub_r.ok());
  hub::HubStore& hub = **hub_r;
  FlakyLink link(hub, rng, 0.0);
  const int64_t three_days = 3 * 86400000LL;
  OffsetClock fast_clock(three_days), right_clock(0);
  auto fast_r = node::NodeStore::Init(dir.File("fast"), "35.10.01.2001", &fast_clock, testing::kTestPassphrase);
  auto right_r = node::NodeStore::Init(dir.File("right"), "35.10.01.2001", &right_clock, testing::kTestPassphrase);
  REQUIRE(fast_r.ok());
  REQUIRE(right_r.ok());
  node::NodeStore& fast = **fast_r;
  node::NodeStore& right = **right_r;
  for (node::NodeStore* n : {&fast, &right}) {
    auto code = hub::CreateEnrolment(hub, "35.10.01.2001", 1);
    REQUIRE(code.ok());
    REQUIRE(node::Enrol(*n, link, "http://127.0.0.1:1", *code).ok());
  }
  for (int i = 0; i < 5; ++i)
    REQUIRE(node::CreateRecord(fast, node::Entity::kHousehold, {{"address", "Dusun " + std::to_string(i)}}).ok());
  auto pushed = node::SyncOnce(fast, link, {});
  REQUIRE(pushed.ok());
  CHECK(pushed->notice.find("hours ahead") != std::string::npos);  // the fast laptop is told

  const uint64_t bound = sync::SystemClock::Default()->NowMs() + sync::kDefaultMaxAheadMs;
  auto pulled = node::SyncOnce(right, link, {});
  REQUIRE(pulled.ok());
  CHECK(pulled->received >= 5);
  CHECK(right.hlc().last().physical_ms() < bound);  // not dragged
  REQUIRE(node::CreateRecord(right, node::Entity::kHousehold, {{"address", "Dusun Baru"}}).ok());
  auto again = node::SyncOnce(right, link, {});
  REQUIRE(again.ok());
  CHECK_MESSAGE(again->notice.empty(), again->notice);
  CHECK(right.hlc().last().physical_ms() < bound);
  CHECK(ScopeState(hub.db(), "35.10.01.2001") == ScopeState(right.db(), "35.10.01.2001"));
}

TEST_CASE("village audit entries reach the hub with their chain intact; a forged writer is refused") {
  std::mt19937 rng(11);
  testing::TempDir dir;
  auto hub_r = hub::HubStore::Init(dir.File("hub"), "test hub", sync::SystemClock::Default());
  REQUIRE(hub_r.ok());
  hub::HubStore& hub = **hub_r;
  FlakyLink link(hub, rng, 0.0);
  auto node_r = node::NodeStore::Init(dir.File("node"), "35.10.01.2001", sync::SystemClock::Default(), testing::kTestPassphrase);
  REQUIRE(node_r.ok());
  node::NodeStore& n = **node_r;
  auto code = hub::CreateEnrolment(hub, "35.10.01.2001", 1);
  REQUIRE(code.ok());
  REQUIRE(node::Enrol(n, link, "http://127.0.0.1:1", *code).ok());  // audited: "enrolled"
  {
    auto txn = schema::Transaction::Begin(n.db());
    REQUIRE(txn.ok());
    REQUIRE(n.Audit("export_full", "recap", "3 applications; purpose: usulan PBI").ok());
    REQUIRE(txn->Commit().ok());
  }
  auto s = node::SyncOnce(n, link, {});
  REQUIRE(s.ok());
  CHECK(s->verified);
  auto count = hub.db().Prepare("SELECT count(*) FROM audit WHERE writer=?");
  count->Bind(1, n.node_id());
  REQUIRE(*count->Step());
  CHECK(count->Int(0) == 2);
  // Numbered 1, 2 and covered by the head the node signed before pushing.
  auto report = hub::VerifyHubAudit(hub, "audit");
  REQUIRE(report.ok());
  CHECK(report->intact());
  CHECK(report->last_heads[n.node_id()].seq == 2);
  // A node cannot write an entry in another writer's name.
  sync::Merger merger(hub.db());
  sync::wire::Change forged{sync::Hlc::FormatVersion(sync::Stamp::Make(1800000000000ull, 0), n.node_id()),
                            "audit", schema::NewRowId(1800000000000ull), "35.10.01.2001", 0,
                            {{"writer", std::string("someone-else"), ""}, {"action", std::string("x"), ""}}};
  CHECK(merger.Apply(forged, sync::Role::kVillage, "35.10.01.2001").status().code() == Code::kPermissionDenied);
  // Nor sign a head in another writer's name.
  sync::wire::Change forged_head{sync::Hlc::FormatVersion(sync::Stamp::Make(1800000000000ull, 1), n.node_id()),
                                 "audit_heads", schema::NewRowId(1800000000000ull), "35.10.01.2001", 0,
                                 {{"writer", std::string("someone-else"), ""}, {"seq", int64_t{9}, ""}}};
  CHECK(merger.Apply(forged_head, sync::Role::kVillage, "35.10.01.2001").status().code() == Code::kPermissionDenied);
}

}  // namespace
}  // namespace simpul
