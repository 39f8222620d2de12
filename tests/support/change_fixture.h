// What the merge and digest tests share: a fixed time, villages, a hub id,
// a migrated database, versions stamped at a given offset.
#ifndef SIMPUL_TESTS_SUPPORT_CHANGE_FIXTURE_H_
#define SIMPUL_TESTS_SUPPORT_CHANGE_FIXTURE_H_

#include <doctest/doctest.h>
#include <sodium.h>

#include <cstdint>
#include <string>

#include "schema/db.h"
#include "sync/hlc.h"
#include "tests/support/memory_db.h"

namespace simpul::testing {

inline constexpr uint64_t kT = 1'700'000'000'000ULL;  // Nov 2023, in ms
inline const std::string kVillage = "35.10.01.2001";
inline const std::string kOtherVillage = "35.10.01.2002";
inline const std::string kHubId = "hub-0011223344556677";

inline schema::Db NewDb() {
  REQUIRE(sodium_init() >= 0);
  return MigratedMemoryDb();
}

// A version stamped `ms` after kT by `node`.
inline std::string V(uint64_t ms, const std::string& node, uint32_t counter = 0) {
  return sync::Hlc::FormatVersion(sync::Stamp::Make(kT + ms, counter), node);
}

}  // namespace simpul::testing

#endif  // SIMPUL_TESTS_SUPPORT_CHANGE_FIXTURE_H_
