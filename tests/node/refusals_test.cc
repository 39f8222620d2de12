// What an operator reads for a refusal kept in the outbox (node/refusals.h):
// in their language, the hub's own words (English by protocol) kept beside.
#include "node/refusals.h"

#include <doctest/doctest.h>

namespace simpul::node {
namespace {

TEST_CASE("refusal reasons: moves and the hub's codes in the operator's language") {
  struct Case {
    std::string stored;
    Lang lang;
    std::string shown;
  };
  const Case cases[] = {
      {"moved to village 35.10.01.2002", Lang::kEn, "moved to village 35.10.01.2002"},
      {"moved to village 35.10.01.2002", Lang::kId, "dipindahkan ke desa 35.10.01.2002"},
      {"moved to another village", Lang::kId, "dipindahkan ke desa lain oleh Dinsos"},
      {"PermissionDenied: row belongs to village 35.10.01.2002", Lang::kId,
       "di luar data atau wewenang desa ini (hub: row belongs to village 35.10.01.2002)"},
      {"PermissionDenied: row belongs to village 35.10.01.2002", Lang::kEn,
       "outside this village's records or rights (hub: row belongs to village 35.10.01.2002)"},
      {"InvalidArgument: nik: NIK must be 16 digits", Lang::kId, "perubahan tidak sah (hub: nik: NIK must be 16 digits)"},
      // A code without a phrase: the stored text, unchanged.
      {"Internal: hub bug", Lang::kId, "Internal: hub bug"},
      {"", Lang::kId, ""},
  };
  for (const auto& c : cases) {
    INFO(c.stored);
    CHECK(RefusalText(c.lang, c.stored) == c.shown);
  }
}

}  // namespace
}  // namespace simpul::node
