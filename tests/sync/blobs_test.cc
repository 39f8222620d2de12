// Document files: resumable appends, verification, deduplication, limits.
#include <doctest/doctest.h>
#include <sodium.h>

#include <filesystem>

#include "sync/blobs.h"
#include "tests/support/temp_dir.h"
#include "tests/support/memory_db.h"

namespace simpul::sync {
namespace {

std::string Sha(const std::string& data) { return testing::Sha256Hex(data); }

std::string Bytes(size_t n, unsigned seed) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 131 + seed * 7) & 0xff);
  return s;
}

TEST_CASE("a document arrives in chunks, resumes at the held offset, and is verified") {
  REQUIRE(sodium_init() >= 0);
  testing::TempDir dir;
  BlobDir blobs(dir.File("blobs"));
  std::string doc = Bytes(100000, 1), sha = Sha(doc);
  auto a = blobs.Append(sha, doc.size(), 0, doc.substr(0, 30000));
  REQUIRE(a.ok());
  CHECK(*a == 30000);
  CHECK(blobs.PartialSize(sha) == 30000);
  CHECK_FALSE(blobs.Has(sha));
  // A cut, then the sender resends from an older offset: told where to resume.
  auto stale = blobs.Append(sha, doc.size(), 10000, doc.substr(10000, 30000));
  CHECK(stale.status().code() == Code::kFailedPrecondition);
  CHECK(blobs.PartialSize(sha) == 30000);  // nothing written twice
  auto b = blobs.Append(sha, doc.size(), 30000, doc.substr(30000));
  REQUIRE(b.ok());
  CHECK(*b == doc.size());
  CHECK(blobs.Has(sha));
  CHECK(blobs.PartialSize(sha) == 0);
  auto read = blobs.Read(sha, 0, doc.size());
  REQUIRE(read.ok());
  CHECK(*read == doc);
  // The same document again is deduplicated: nothing written.
  auto again = blobs.Append(sha, doc.size(), 0, doc.substr(0, 10));
  REQUIRE(again.ok());
  CHECK(*again == doc.size());
}

TEST_CASE("a document whose bytes do not match its hash is refused and dropped") {
  REQUIRE(sodium_init() >= 0);
  testing::TempDir dir;
  BlobDir blobs(dir.File("blobs"));
  std::string doc = Bytes(5000, 2), sha = Sha(doc);
  std::string tampered = doc;
  tampered[4000] ^= 0x01;
  auto r = blobs.Append(sha, doc.size(), 0, tampered);
  CHECK(r.status().IsCorruption());
  CHECK_FALSE(blobs.Has(sha));
  CHECK(blobs.PartialSize(sha) == 0);  // the next attempt starts clean
  REQUIRE(blobs.Append(sha, doc.size(), 0, doc).ok());
  CHECK(blobs.Has(sha));
}

TEST_CASE("chunks beyond the stated size and malformed ids are refused") {
  testing::TempDir dir;
  BlobDir blobs(dir.File("blobs"));
  std::string sha(64, 'a');
  CHECK(blobs.Append(sha, 10, 0, std::string(11, 'x')).status().IsInvalidArgument());
  CHECK(blobs.PartialSize(sha) == 0);
  CHECK(blobs.Append("../../etc/passwd", 10, 0, "x").status().IsInvalidArgument());
  CHECK(blobs.Append(std::string(64, 'G'), 10, 0, "x").status().IsInvalidArgument());
  CHECK_FALSE(IsSha256Hex(std::string(63, 'a')));
  CHECK(IsSha256Hex(sha));
  CHECK(blobs.Read(sha, 0, 10).status().IsNotFound());
}

}  // namespace
}  // namespace simpul::sync
