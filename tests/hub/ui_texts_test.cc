// The hub's screen texts: its own table first, then the shared one.
#include "hub/ui_texts.h"

#include <doctest/doctest.h>

#include <string>

namespace simpul::hub {

TEST_CASE("hub texts: own table, then the shared one, English when asked") {
  // Only the hub shows this one (its CLI's account commands).
  CHECK(std::string(Tr(Lang::kId, "list operator accounts")) == "daftar akun petugas");
  CHECK(std::string(simpul::Tr(Lang::kId, "list operator accounts")) == "list operator accounts");
  // Both apps show this one.
  CHECK(std::string(Tr(Lang::kId, "Account saved: ")) == "Akun disimpan: ");
  CHECK(std::string(Tr(Lang::kEn, "list operator accounts")) == "list operator accounts");
}

}  // namespace simpul::hub
