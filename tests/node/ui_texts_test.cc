// The node's screen texts: its own table first, then the shared one; the
// shared lookup does not know the node's texts (so a file that forgets
// node/ui_texts.h shows English, which tools/check_catalogue.py prevents).
#include "node/ui_texts.h"

#include <doctest/doctest.h>

#include <string>

namespace simpul::node {

TEST_CASE("node texts: own table, then the shared one, English when asked") {
  // Only the node shows this one (its CLI's account commands).
  CHECK(std::string(Tr(Lang::kId, "List operator accounts")) == "Daftar akun petugas");
  CHECK(std::string(simpul::Tr(Lang::kId, "List operator accounts")) == "List operator accounts");
  // Both apps show this one: it is in the shared table, reached from here.
  CHECK(std::string(Tr(Lang::kId, "Error: ")) == "Gagal: ");
  CHECK(std::string(simpul::Tr(Lang::kId, "Error: ")) == "Gagal: ");
  CHECK(std::string(Tr(Lang::kEn, "List operator accounts")) == "List operator accounts");
  CHECK(std::string(Tr(Lang::kId, "a text nobody catalogued")) == "a text nobody catalogued");
}

}  // namespace simpul::node
