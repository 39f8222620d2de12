// A damaged page of a node's encrypted store, through the real binary
// (issue 10, item 6): `status` and a write command both exit 3 with the
// same "damaged: page N" message, never 0, never raw SQLite text, and
// nothing is written. tests/node/store_damage_test.cc flips every page and
// WAL frame in process; this samples pages end to end.
#include <fstream>

#include "sync/crypto/at_rest.h"
#include "tests/support/cluster.h"

namespace simpul::testing {
namespace {

constexpr int kStoreUnusable = 3;
constexpr int64_t kPhysPage = sync::crypto::kEncryptedPageSize + 40;  // nonce | ciphertext | tag

void FlipByte(const std::string& path, int64_t offset) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  REQUIRE(f);
  f.seekg(offset);
  char c = 0;
  f.read(&c, 1);
  c = static_cast<char>(c ^ 0x01);
  f.seekp(offset);
  f.write(&c, 1);
  REQUIRE(f);
}

TEST_CASE("a damaged page of the node store: status and writes exit 3 with the damaged message") {
  Node n(kSarongan);
  for (int i = 0; i < 3; ++i) n.Do({"household", "add", "--address", "Dusun Krajan " + std::to_string(i)});
  const int64_t pages = static_cast<int64_t>(fs::file_size(n.db())) / kPhysPage;
  REQUIRE(pages > 10);
  // The header page, the first pages (schema, meta, regions), some in the
  // middle (found empty or in raw SQLite text before) and the last.
  for (int64_t p : {int64_t{0}, int64_t{1}, int64_t{2}, int64_t{5}, pages / 2, pages * 2 / 3, pages - 1}) {
    CAPTURE(p);
    Node copy(n, "damaged");
    FlipByte(copy.db(), p * kPhysPage + 24 + 1000);
    const std::string damaged = ReadFile(copy.db());
    const std::string expect = "is damaged: page " + std::to_string(p + 1) + " of file";
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"status"}, std::vector<std::string>{"household", "add", "--address", "Dusun Baru"}}) {
      ProcessResult r = copy.Cli(args);
      INFO(copy.last());
      CHECK(r.exit_code == kStoreUnusable);
      LH_CHECK_HAS(r.err, expect);
      CHECK(r.err.find("disk I/O") == std::string::npos);
      CHECK(r.err.find("not a Simpul store") == std::string::npos);
    }
    CHECK(ReadFile(copy.db()) == damaged);  // nothing written
  }
}

}  // namespace
}  // namespace simpul::testing
