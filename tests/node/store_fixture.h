// The fixture the node's unit tests build on: a fresh encrypted village
// store in a temporary folder, and SQL readers over it.
#ifndef SIMPUL_TESTS_NODE_STORE_FIXTURE_H_
#define SIMPUL_TESTS_NODE_STORE_FIXTURE_H_

#include <doctest/doctest.h>

#include <cstdint>
#include <memory>
#include <string>

#include "node/store.h"
#include "sync/hlc.h"
#include "tests/support/temp_dir.h"

namespace simpul::node::testing {

struct VillageStore {
  static constexpr const char* kVillage = "35.10.01.2001";

  // A store on the system clock; a fixture with a clock of its own passes
  // none and calls Open from its constructor, once the clock exists.
  VillageStore() { Open(sync::SystemClock::Default()); }
  explicit VillageStore(std::nullptr_t) {}

  void Open(sync::Clock* clock) {
    auto s = NodeStore::Init(tmp.path() + "/v", kVillage, clock, simpul::testing::kTestPassphrase);
    REQUIRE_MESSAGE(s.ok(), s.status().ToString());
    store = std::move(s).value();
  }
  // The first column of the first row of `sql`.
  int64_t Count(const std::string& sql) {
    auto st = store->db().Prepare(sql);
    REQUIRE(st.ok());
    REQUIRE(*st->Step());
    return st->Int(0);
  }
  // The same as text; "NULL" for a NULL.
  std::string Text(const std::string& sql) {
    auto st = store->db().Prepare(sql);
    REQUIRE(st.ok());
    REQUIRE(*st->Step());
    return st->IsNullAt(0) ? "NULL" : st->Text(0);
  }

  simpul::testing::TempDir tmp;  // outlives the store (declared first)
  std::unique_ptr<NodeStore> store;
};

}  // namespace simpul::node::testing

#endif  // SIMPUL_TESTS_NODE_STORE_FIXTURE_H_
