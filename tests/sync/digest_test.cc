// Tests for sync/digest.h: the scope digest depends on the set of field
// versions of a village, not on insertion order; one changed version changes
// exactly its row's bucket; other villages' rows do not count.
#include "sync/digest.h"

#include <doctest/doctest.h>
#include <sodium.h>

#include <algorithm>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "schema/db.h"
#include "schema/ids.h"
#include "schema/migrations.h"
#include "sync/hlc.h"
#include "sync/merge.h"
#include "sync/wire/messages.h"
#include "tests/support/change_fixture.h"

namespace simpul::sync {
namespace {

using schema::Db;
using schema::Value;
using wire::Change;

using testing::kHubId;
using testing::kOtherVillage;
using testing::kT;
using testing::kVillage;
using testing::NewDb;
using testing::V;


void Apply(Db& db, const Change& c) {
  Merger m(db);
  auto r = m.Apply(c, WriterRole(c.version, kHubId), "");
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
}

BucketDigests Digest(Db& db, const std::string& village) {
  auto d = ScopeDigest(db, village);
  REQUIRE_MESSAGE(d.ok(), d.status().ToString());
  return *d;
}

// A village's worth of changes over several tables, in causal order per row.
std::vector<Change> Workload(const std::string& village, int rows, uint64_t seed) {
  std::vector<Change> out;
  std::mt19937_64 rng(seed);
  for (int i = 0; i < rows; ++i) {
    std::string hh = schema::NewRowId(kT + rng() % 100000);
    std::string person = schema::NewRowId(kT + rng() % 100000);
    std::string v1 = V(10 * i + 1, "node-a"), v2 = V(10 * i + 2, "node-b");
    out.push_back({v1, "households", hh, village, 0,
                   {{"address", Value(std::string("Jl. ") + std::to_string(i)), ""}, {"rt", Value(std::string("001")), ""}}});
    out.push_back({v2, "households", hh, village, 0, {{"rt", Value(std::string("002")), v1}}});
    out.push_back({v1, "persons", person, village, 0,
                   {{"name", Value(std::string("Warga ") + std::to_string(i)), ""},
                    {"household_id", Value(hh), ""},
                    {"relation", Value(int64_t{1}), ""}}});
  }
  return out;
}

TEST_CASE("equal state gives equal digests whatever the insertion order") {
  std::vector<Change> changes = Workload(kVillage, 20, 1);
  Db a = NewDb(), b = NewDb();
  for (const auto& c : changes) Apply(a, c);
  // The other replica: persons before households, rows in reverse order,
  // each row's first write before its later ones.
  std::vector<Change> firsts, seconds;
  for (auto it = changes.rbegin(); it != changes.rend(); ++it)
    (it->fields[0].base.empty() ? firsts : seconds).push_back(*it);
  std::stable_partition(firsts.begin(), firsts.end(), [](const Change& c) { return c.table == "persons"; });
  std::vector<Change> reversed = firsts;
  reversed.insert(reversed.end(), seconds.begin(), seconds.end());
  REQUIRE(reversed.size() == changes.size());
  REQUIRE(reversed.front().row_id != changes.front().row_id);
  for (const auto& c : reversed) Apply(b, c);

  BucketDigests da = Digest(a, kVillage), db = Digest(b, kVillage);
  CHECK(da == db);
  CHECK(Combine(da) == Combine(db));
  // Non-trivial: 40 rows spread over more than one bucket.
  int nonzero = static_cast<int>(std::count_if(da.begin(), da.end(), [](uint64_t x) { return x != 0; }));
  CHECK(nonzero > 1);
  // An empty village digests to zeros.
  BucketDigests empty = Digest(a, "35.10.01.2009");
  CHECK(std::all_of(empty.begin(), empty.end(), [](uint64_t x) { return x == 0; }));
}

TEST_CASE("changing one field's version changes exactly its row's bucket") {
  std::vector<Change> changes = Workload(kVillage, 20, 2);
  Db db = NewDb();
  for (const auto& c : changes) Apply(db, c);
  const BucketDigests before = Digest(db, kVillage);

  struct Case {
    const char* name;
    size_t change;  // index into `changes`: the row and field to bump
  };
  const Case cases[] = {{"household address", 0}, {"household rt", 1}, {"person name", 2}, {"last person", 59}};
  for (const auto& k : cases) {
    INFO("k.name = " << std::string(k.name));
    const Change& c = changes[k.change];
    const std::string field = c.fields[0].field;
    Db copy = NewDb();
    for (const auto& x : changes) Apply(copy, x);
    REQUIRE(Digest(copy, kVillage) == before);
    // A newer write of the same field.
    Change bump{V(100000, "node-c"), c.table, c.row_id, kVillage, 0, {{field, Value(std::string("baru")), ""}}};
    bump.fields[0].base = [&] {
      auto st = copy.Prepare("SELECT version FROM field_versions WHERE tbl=? AND row_id=? AND field=?");
      REQUIRE(st.ok());
      st->Bind(1, c.table).Bind(2, c.row_id).Bind(3, field);
      auto row = st->Step();
      REQUIRE(row.ok());
      REQUIRE(*row);
      return st->Text(0);
    }();
    if (field == "household_id") bump.fields[0].value = Value(schema::NewRowId(kT));
    Apply(copy, bump);
    const BucketDigests after = Digest(copy, kVillage);
    std::vector<uint32_t> changed;
    for (uint32_t i = 0; i < kDigestBuckets; ++i)
      if (after[i] != before[i]) changed.push_back(i);
    REQUIRE(changed.size() == 1);
    CHECK(changed[0] == BucketOf(c.row_id));
    CHECK(Combine(after) != Combine(before));
  }

  SUBCASE("the value alone does not count, only the version") {
    Db copy = NewDb();
    for (const auto& x : changes) Apply(copy, x);
    REQUIRE(copy.Exec("UPDATE households SET address='tanpa versi'").ok());
    CHECK(Digest(copy, kVillage) == before);
  }
}

TEST_CASE("rows of other villages do not count") {
  std::vector<Change> mine = Workload(kVillage, 10, 3);
  std::vector<Change> theirs = Workload(kOtherVillage, 10, 4);
  Db only_mine = NewDb(), both = NewDb();
  for (const auto& c : mine) Apply(only_mine, c);
  for (size_t i = 0; i < std::max(mine.size(), theirs.size()); ++i) {
    if (i < theirs.size()) Apply(both, theirs[i]);
    if (i < mine.size()) Apply(both, mine[i]);
  }
  CHECK(Digest(both, kVillage) == Digest(only_mine, kVillage));
  // The other village's digest is its own and not empty.
  BucketDigests other = Digest(both, kOtherVillage);
  CHECK(other != Digest(only_mine, kVillage));
  CHECK(std::any_of(other.begin(), other.end(), [](uint64_t x) { return x != 0; }));
  CHECK(Digest(only_mine, kOtherVillage) == BucketDigests{});
}

TEST_CASE("BucketOf spreads row ids over all buckets and is stable") {
  std::set<uint32_t> seen;
  for (int i = 0; i < 2000; ++i) {
    std::string id = schema::NewRowId(kT + i);
    uint32_t b = BucketOf(id);
    CHECK(b < kDigestBuckets);
    CHECK(BucketOf(id) == b);
    seen.insert(b);
  }
  CHECK(seen.size() == kDigestBuckets);
}

}  // namespace
}  // namespace simpul::sync
