// The order in which the outbox leaves (node/sync_state.cc ReadPending):
// rows by their lowest pending priority, each row's changes in the order
// they were made, cut at the round's limit. SQLite does the ordering; this
// checks it against the rule computed here by hand, for every limit, with
// one priority and with mixed ones.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <random>

#include "node/records.h"
#include "node/store.h"
#include "node/sync_internal.h"
#include "tests/support/temp_dir.h"

namespace simpul::node {
namespace {

struct Head {
  int64_t seq;
  std::string row_id;
  int priority;
};

std::vector<Head> PendingHeads(NodeStore& store) {
  auto st = store.db().Prepare("SELECT seq,row_id,priority FROM outbox WHERE state='pending' ORDER BY seq");
  REQUIRE(st.ok());
  std::vector<Head> heads;
  while (*st->Step()) heads.push_back({st->Int(0), st->Text(1), static_cast<int>(st->Int(2))});
  return heads;
}

// The rule, the slow way.
std::vector<int64_t> Expected(const std::vector<Head>& heads, size_t limit) {
  std::map<std::string, int> row_priority;
  for (const auto& h : heads) {
    auto [it, fresh] = row_priority.emplace(h.row_id, h.priority);
    if (!fresh) it->second = std::min(it->second, h.priority);
  }
  std::vector<Head> sorted = heads;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [&](const Head& a, const Head& b) { return row_priority[a.row_id] < row_priority[b.row_id]; });
  std::vector<int64_t> seqs;
  for (size_t i = 0; i < sorted.size() && i < limit; ++i) seqs.push_back(sorted[i].seq);
  return seqs;
}

void CheckEveryLimit(NodeStore& store) {
  const auto heads = PendingHeads(store);
  REQUIRE(!heads.empty());
  for (size_t limit : {size_t{1}, size_t{2}, size_t{3}, heads.size() / 2, heads.size() - 1, heads.size(),
                       heads.size() + 5}) {
    INFO("limit " << limit);
    auto got = internal::ReadPending(store, limit);
    REQUIRE(got.ok());
    std::vector<int64_t> seqs;
    for (const auto& p : *got) {
      seqs.push_back(p.seq);
      CHECK(!p.change.fields.empty());
    }
    CHECK(seqs == Expected(heads, limit));
  }
}

TEST_CASE("outbox order: one priority is seq order; a row's lowest pending priority moves all its changes") {
  testing::TempDir dir;
  auto store = NodeStore::Init(dir.path(), "35.10.01.2001", sync::SystemClock::Default(), testing::kTestPassphrase);
  REQUIRE(store.ok());
  NodeStore& s = **store;
  std::vector<std::string> households;
  for (int i = 0; i < 12; ++i) {
    auto hh = CreateRecord(s, Entity::kHousehold, {{"address", "Dusun " + std::to_string(i)},
                                                   {"kk", "3510011211870001"}, {"rt", "1"}, {"rw", "2"}});
    REQUIRE(hh.ok());
    households.push_back(hh->id);
  }
  // Later changes to some rows: a row with several pending changes.
  for (int i : {3, 7, 3, 10})
    REQUIRE(EditRecord(s, Entity::kHousehold, households[i], {{"rt", std::to_string(i + 5)}}).ok());
  // As written, every change has the same priority.
  {
    auto heads = PendingHeads(s);
    for (const auto& h : heads) REQUIRE(h.priority == heads.front().priority);
  }
  CheckEveryLimit(s);

  // Mixed: a row's later change urgent (all its changes go first, in their
  // order), another change deferred, some already acknowledged.
  std::mt19937 rng(14);
  for (int round = 0; round < 20; ++round) {
    INFO("round " << round);
    REQUIRE(s.db().Exec("UPDATE outbox SET state='pending', priority=1").ok());
    auto heads = PendingHeads(s);
    for (const auto& h : heads) {
      const int pick = static_cast<int>(rng() % 6);
      if (pick > 2) continue;
      auto up = s.db().Prepare(pick == 0   ? "UPDATE outbox SET priority=0 WHERE seq=?"
                               : pick == 1 ? "UPDATE outbox SET priority=2 WHERE seq=?"
                                           : "UPDATE outbox SET state='acked' WHERE seq=?");
      REQUIRE(up.ok());
      up->Bind(1, h.seq);
      REQUIRE(up->Run().ok());
    }
    if (PendingHeads(s).empty()) continue;
    CheckEveryLimit(s);
  }
  // The urgent later change of a row with an earlier routine one: the row
  // goes first, its earlier change before its later one.
  REQUIRE(s.db().Exec("UPDATE outbox SET state='pending', priority=1").ok());
  auto heads = PendingHeads(s);
  int64_t first_of_3 = 0, last_of_3 = 0;
  for (const auto& h : heads) {
    if (h.row_id != households[3]) continue;
    if (first_of_3 == 0) first_of_3 = h.seq;
    last_of_3 = h.seq;
  }
  REQUIRE(first_of_3 != last_of_3);
  auto up = s.db().Prepare("UPDATE outbox SET priority=0 WHERE seq=?");
  REQUIRE(up.ok());
  up->Bind(1, last_of_3);
  REQUIRE(up->Run().ok());
  auto got = internal::ReadPending(s, 2);
  REQUIRE(got.ok());
  REQUIRE(got->size() == 2);
  CHECK((*got)[0].seq == first_of_3);
  CHECK((*got)[0].change.row_id == households[3]);
  CHECK((*got)[1].change.row_id == households[3]);
}

}  // namespace
}  // namespace simpul::node
