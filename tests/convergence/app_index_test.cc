// The application index (hub/app_index.h) equals what the history
// derivation gives, after every kind of write: randomised village work
// (applications, submissions, resubmissions, withdrawals, village stages,
// receipts) synced over a link that is cut at random, interleaved with the
// hub's stages, decisions, letters, edits and moves. The stored index is
// compared right after each write, before any reader could settle it, so a
// write path whose rows the index does not follow fails here.
#include <doctest/doctest.h>

#include <map>
#include <random>

#include "hub/app_index.h"
#include "hub/history.h"
#include "hub/letters/registry.h"
#include "hub/moves.h"
#include "hub/operations.h"
#include "hub/queue.h"
#include "hub/reports/times_source.h"
#include "hub/rules.h"
#include "hub/stages.h"
#include "hub/store.h"
#include "hub/sync_service.h"
#include "node/records.h"
#include "node/stages.h"
#include "node/store.h"
#include "node/sync_client.h"
#include "schema/db.h"
#include "sync/transport/transport.h"
#include "tests/support/temp_dir.h"

namespace simpul {
namespace {

class OffsetClock : public sync::Clock {
 public:
  explicit OffsetClock(int64_t offset_ms) : offset_(offset_ms) {}
  uint64_t NowMs() override { return sync::SystemClock::Default()->NowMs() + static_cast<uint64_t>(offset_); }

 private:
  int64_t offset_;
};

// The hub in-process; a cut loses the request or the reply.
class CutLink : public sync::Transport {
 public:
  CutLink(hub::HubStore& hub, std::mt19937& rng) : hub_(hub), rng_(rng) {}
  Result<std::string> RoundTrip(const std::string& endpoint, const std::string& frame) override {
    std::uniform_int_distribution<int> pct(0, 99);
    if (pct(rng_) < cut_) return Status::Unavailable("cut before the hub");
    std::string reply = endpoint == "/v1/enrol" ? hub::HandleEnrol(hub_, frame) : hub::HandleSync(hub_, frame);
    if (pct(rng_) < cut_) return Status::Unavailable("cut after the hub applied it");
    return reply;
  }
  uint64_t bytes_sent() const override { return 0; }
  uint64_t bytes_received() const override { return 0; }
  uint64_t round_trips() const override { return 0; }
  int cut_ = 0;  // percent, each way

 private:
  hub::HubStore& hub_;
  std::mt19937& rng_;
};

// The stored index equals the derivation (no refresh first).
void CheckIndex(hub::HubStore& hub, const std::string& after) {
  auto problems = hub::CheckAppIndex(hub);
  REQUIRE(problems.ok());
  std::string all;
  for (const auto& p : *problems) all += "\n  " + p;
  CHECK_MESSAGE(problems->empty(), "after " << after << ":" << all);
}

std::string Pick(std::mt19937& rng, const std::vector<std::string>& ids) {
  return ids[std::uniform_int_distribution<size_t>(0, ids.size() - 1)(rng)];
}

// One randomised history; returns the statuses it reached at the hub.
std::map<std::string, int> RunHistory(unsigned seed) {
  INFO("seed " << seed);
  std::mt19937 rng(seed);
  testing::TempDir dir;
  auto hub_r = hub::HubStore::Init(dir.File("hub"), "Dinsos Uji", sync::SystemClock::Default());
  REQUIRE(hub_r.ok());
  hub::HubStore& hub = **hub_r;
  CutLink link(hub, rng);
  const std::string villages[] = {"35.10.01.2001", "35.10.01.2002"};
  std::vector<std::unique_ptr<OffsetClock>> clocks;
  std::vector<std::unique_ptr<node::NodeStore>> nodes;
  for (int i = 0; i < 2; ++i) {
    clocks.push_back(std::make_unique<OffsetClock>(i == 0 ? 0 : 2 * 86'400'000));  // the second laptop days fast
    auto s = node::NodeStore::Init(dir.File("node" + std::to_string(i)), villages[i], clocks.back().get(),
                                   testing::kTestPassphrase);
    REQUIRE(s.ok());
    auto code = hub::CreateEnrolment(hub, villages[i], 7);
    REQUIRE(code.ok());
    REQUIRE(node::Enrol(**s, link, "http://127.0.0.1:1", *code).ok());
    nodes.push_back(std::move(s).value());
  }
  link.cut_ = 15;
  std::uniform_int_distribution<int> pct(0, 99);
  for (int step = 0; step < 90; ++step) {
    const int r = pct(rng);
    const size_t ni = static_cast<size_t>(pct(rng) % 2);
    node::NodeStore& n = *nodes[ni];
    auto apps_r = node::ListRecords(n, node::Entity::kApplication, {});
    REQUIRE(apps_r.ok());
    std::vector<std::string> at_node;
    for (const auto& row : *apps_r) at_node.push_back(schema::ValueToDisplay(row[0].second));
    if (r < 10 || at_node.empty()) {
      auto h = node::CreateRecord(n, node::Entity::kHousehold, {{"address", "Dusun " + std::to_string(step)}});
      REQUIRE(h.ok());
      auto p = node::CreateRecord(n, node::Entity::kPerson, {{"household", h->id}, {"name", "Warga"}});
      REQUIRE(p.ok());
      REQUIRE(node::CreateRecord(n, node::Entity::kApplication, {{"type", step % 2 ? "pbi_apbd" : "poverty_statement"},
                                                                 {"applicant", p->id}}).ok());
    } else if (r < 40) {
      // The village acts on one of its applications as its state allows.
      const std::string app = Pick(rng, at_node);
      auto state = node::ApplicationState(n, app);
      REQUIRE(state.ok());
      auto next = node::NextStageOf(n, app);
      REQUIRE(next.ok());
      if (*next && (*next)->role == "village_operator") {
        CHECK(node::RecordVillageStage(n, app, (*next)->code, "diperiksa").ok());
        continue;
      }
      std::string kind = state->status == "draft" ? "submitted" : state->status == "returned" ? "resubmitted"
                         : pct(rng) < 10 ? "withdrawn" : "";
      if (kind.empty()) continue;
      auto txn = schema::Transaction::Begin(n.db());
      REQUIRE(txn.ok());
      REQUIRE(node::AppendApplicationEvent(n, app, kind, "").ok());
      REQUIRE(txn->Commit().ok());
    } else if (r < 75) {
      // The hub: a stage, a decision or a letter on an application it holds.
      auto list = hub::ListApplications(hub, "", "");
      REQUIRE(list.ok());
      if (list->empty()) continue;
      const std::string app = schema::ValueToDisplay((*list)[static_cast<size_t>(pct(rng)) % list->size()][0].second);
      auto row = hub::ReadRow(hub, "applications", app);
      auto state = hub::ApplicationState(hub, app);
      REQUIRE((row.ok() && state.ok()));
      auto next = hub::NextStageOf(hub, *row, *state);
      REQUIRE(next.ok());
      const int what = pct(rng);
      if (state->status == "approved" && what < 80) {
        CHECK(hub::IssueLetter(hub, app, "pak.kasi").ok());
      } else if (state->status == "approved" && what < 90) {
        // A revocation rewrites the letter's row (an upsert firing the marks).
        if (auto letter = hub::FindLetter(hub, app); letter.ok() && !letter->revoked)
          CHECK(hub::RevokeLetter(hub, *letter, "data keliru").ok());
      } else if (*next && (*next)->role != "village_operator" && what < 70 &&
                 (state->status == "submitted" || state->status == "in_review")) {
        Status st = hub::RecordStage(hub, app, (*next)->code, "diperiksa", "vera", &(*next)->role);
        CHECK_MESSAGE(st.ok(), st.ToString());
      } else {
        const char* kinds[] = {"returned", "approved", "approved", "rejected"};
        (void)hub::RecordDecision(hub, app, kinds[what % 4], "alasan", "hub", "pak.kasi");  // may be refused
      }
      CheckIndex(hub, "a hub action on " + app);
    } else if (r < 80) {
      auto list = hub::ListApplications(hub, "", "");
      REQUIRE(list.ok());
      if (list->empty()) continue;
      const std::string app = schema::ValueToDisplay((*list)[static_cast<size_t>(pct(rng)) % list->size()][0].second);
      if (pct(rng) < 50) {
        CHECK(hub::EditApplication(hub, app, {{"notes", "hub " + std::to_string(step)}}).ok());
      } else {
        auto row = hub::ReadRow(hub, "applications", app);
        REQUIRE(row.ok());
        const std::string to = hub::RowText(*row, "village") == villages[0] ? villages[1] : villages[0];
        (void)hub::MoveRow(hub, "applications", app, to);  // its applicant may be elsewhere: may be refused
      }
      CheckIndex(hub, "an edit or a move of " + app);
    } else {
      auto s = node::SyncOnce(n, link, {});
      CHECK((s.ok() || s.status().code() == Code::kUnavailable));
      CheckIndex(hub, "a sync of node " + std::to_string(ni));
    }
  }
  // Heal: every decision, letter and receipt arrives.
  link.cut_ = 0;
  for (int round = 0; round < 2; ++round)
    for (auto& n : nodes) REQUIRE(node::SyncOnce(*n, link, {}).ok());
  CheckIndex(hub, "the last syncs");
  // What the queue and the dashboard read is the derivation's.
  auto rules = hub::CurrentRules(hub);
  REQUIRE(rules.ok());
  auto derived = hub::reports::LoadTimelines(hub, &*rules);
  auto indexed = hub::IndexedTimelines(hub, &*rules);
  REQUIRE((derived.ok() && indexed.ok()));
  REQUIRE(derived->size() == indexed->size());
  for (size_t i = 0; i < derived->size(); ++i) {
    const auto& a = (*derived)[i];
    const auto& b = (*indexed)[i];
    CHECK((a.application_id == b.application_id && a.village == b.village && a.service == b.service));
    CHECK((a.received_ms == b.received_ms && a.decided_ms == b.decided_ms && a.letter_ms == b.letter_ms &&
           a.delivered_ms == b.delivered_ms && a.stages.size() == b.stages.size()));
  }
  hub::QueueFilter all;
  all.limit = 0;
  auto queue = hub::QueryQueue(hub, all);
  REQUIRE(queue.ok());
  std::map<std::string, int> statuses;
  for (const auto& it : queue->items) {
    auto h = hub::ReadHistory(hub, it.id);
    REQUIRE(h.ok());
    CHECK(it.status == h->state.status);
    CHECK(it.since_ms == h->since_ms);
    ++statuses[it.status];
  }
  return statuses;
}

TEST_CASE("the application index equals the history derivation after random village and hub work") {
  const unsigned base = std::random_device{}();
  std::map<std::string, int> reached;
  for (unsigned i = 0; i < 2; ++i)
    for (const auto& [status, n] : RunHistory(base + i)) reached[status] += n;
  std::string seen;
  for (const auto& [status, n] : reached) seen += status + "=" + std::to_string(n) + " ";
  MESSAGE("statuses reached: " << seen);
  // The histories must reach the statuses the index keeps apart.
  CHECK(reached.size() >= 4);
}

TEST_CASE("a write outside the hub's own leaves its applications marked; readers and the next open settle them") {
  testing::TempDir dir;
  const std::string village = "35.10.01.2001";
  {
    auto hub_r = hub::HubStore::Init(dir.File("hub"), "Dinsos Uji", sync::SystemClock::Default());
    REQUIRE(hub_r.ok());
    hub::HubStore& hub = **hub_r;
    REQUIRE(hub.db().Exec("INSERT INTO applications(id,village,type) VALUES('A1','" + village + "','pbi_apbd');"
                          "INSERT INTO events(id,village,subject_id,subject_kind,kind,actor,actor_role,at,after) VALUES"
                          "('E1','" + village + "','A1','application','submitted','node-1','village',"
                          "'0000018bcfe5a000.node-1','')").ok());
    auto problems = hub::CheckAppIndex(hub);
    REQUIRE(problems.ok());
    CHECK(problems->size() == 2);  // marked, and not indexed yet
    auto queue = hub::QueryQueue(hub, {});
    REQUIRE(queue.ok());
    REQUIRE(queue->items.size() == 1);
    CHECK(queue->items[0].status == "submitted");
    CHECK(hub::CheckAppIndex(hub)->empty());
    // As a store from before the index: no tables, no triggers.
    REQUIRE(hub.db().Exec("INSERT INTO events(id,village,subject_id,subject_kind,kind,actor,actor_role,at,after) VALUES"
                          "('E2','" + village + "','A1','application','returned','" + hub.hub_id() + "','hub',"
                          "'0000018bcfe5b000." + hub.hub_id() + "','E1')").ok());
    auto triggers = hub::QueryRows(hub, "SELECT name FROM sqlite_master WHERE type='trigger' AND name LIKE 'app_index%'", {});
    REQUIRE(triggers.ok());
    CHECK(triggers->size() == 13);
    for (const auto& t : *triggers) REQUIRE(hub.db().Exec("DROP TRIGGER " + hub::RowText(t, "name")).ok());
    REQUIRE(hub.db().Exec("DROP TABLE app_index; DROP TABLE app_index_dirty;"
                          "ALTER TABLE nodes DROP COLUMN outbox_waiting; ALTER TABLE nodes DROP COLUMN outbox_reported_ms")
                .ok());
    REQUIRE(hub.SetMeta("hub_schema", std::to_string(std::atoi(hub.Meta("hub_schema").c_str()) - 1)).ok());
  }
  // The migration creates the index and the open builds it.
  auto hub_r = hub::HubStore::Open(dir.File("hub"), sync::SystemClock::Default());
  REQUIRE_MESSAGE(hub_r.ok(), hub_r.status().ToString());
  hub::HubStore& hub = **hub_r;
  CHECK(hub::CheckAppIndex(hub)->empty());
  auto row = hub::StoredAppIndexRow(hub, "A1");
  REQUIRE((row.ok() && row->has_value()));
  CHECK((*row)->status == "returned");
}

}  // namespace
}  // namespace simpul
