// hub/documents.h: the hub data key (made once, mode 0600, its id kept in
// meta; a missing, foreign or malformed key refused), the sealing of
// documents a hub kept in clear, and reading a document back verified
// against its hash.
#include "hub/documents.h"

#include <doctest/doctest.h>
#include <sodium.h>
#include <sys/stat.h>

#include <filesystem>
#include <string>

#include "hub/store.h"
#include "schema/store_files.h"
#include "sync/crypto/envelope.h"
#include "tests/support/hub_fixture.h"

namespace simpul::hub {
namespace {

namespace fs = std::filesystem;
using simpul::testing::ReadFile;
using simpul::testing::WriteFile;
using testing::StillHub;

std::string Sha(const std::string& bytes) {
  uint8_t d[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(d, reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  return sync::crypto::ToHex(d, sizeof d);
}

// A document stored as a hub of an earlier version kept it: in clear, named
// by its SHA-256 (blobs/ab/cdef...).
std::string ClearFile(const std::string& dir, const std::string& name, const std::string& bytes) {
  const std::string path = dir + "/blobs/" + name.substr(0, 2) + "/" + name.substr(2);
  fs::create_directories(fs::path(path).parent_path());
  WriteFile(path, bytes);
  return path;
}

// Every regular file under `root` holding `needle`.
int FilesHolding(const std::string& root, const std::string& needle) {
  int n = 0;
  for (const auto& e : fs::recursive_directory_iterator(root))
    if (e.is_regular_file() && ReadFile(e.path().string()).find(needle) != std::string::npos) ++n;
  return n;
}

TEST_CASE("hub documents: the data key is made once, mode 0600, its id recorded; reopening reads the same") {
  StillHub hub;
  const std::string path = hub.store->dir() + "/data.key";
  REQUIRE(fs::exists(path));
  CHECK(fs::file_size(path) == 32);
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  auto key = LoadHubDataKey(hub.store->db(), hub.store->dir());
  REQUIRE_MESSAGE(key.ok(), key.status().ToString());
  CHECK(schema::ReadMeta(hub.store->db(), "data_key_id") == key->Id());
  CHECK(key->Id().size() > 0);
  const std::string bytes = ReadFile(path);
  auto again = LoadHubDataKey(hub.store->db(), hub.store->dir());
  REQUIRE(again.ok());
  CHECK(again->Id() == key->Id());
  CHECK(ReadFile(path) == bytes);  // never replaced
  CHECK(std::string(again->view()) == bytes);

  // A store whose meta has no id yet (a hub made before documents were
  // sealed): a key made in a new place, recorded.
  simpul::testing::TempDir other;
  REQUIRE(hub.store->db().Exec("DELETE FROM meta WHERE key='data_key_id'").ok());
  auto fresh = LoadHubDataKey(hub.store->db(), other.path());
  REQUIRE_MESSAGE(fresh.ok(), fresh.status().ToString());
  CHECK(fresh->Id() != key->Id());
  CHECK(schema::ReadMeta(hub.store->db(), "data_key_id") == fresh->Id());
  CHECK(fs::file_size(other.File("data.key")) == 32);
  // ...and now the first directory's key is a foreign one.
  auto foreign = LoadHubDataKey(hub.store->db(), hub.store->dir());
  CHECK(foreign.status().code() == Code::kFailedPrecondition);
}

TEST_CASE("hub documents: a missing, foreign or malformed data key is refused, never replaced") {
  StillHub hub;
  const std::string dir = hub.store->dir(), path = dir + "/data.key";
  const std::string good = ReadFile(path);
  const std::string id = schema::ReadMeta(hub.store->db(), "data_key_id");

  fs::remove(path);
  auto missing = LoadHubDataKey(hub.store->db(), dir);
  CHECK(missing.status().code() == Code::kFailedPrecondition);
  CHECK_MESSAGE(missing.status().message().find("is missing") != std::string::npos, missing.status().message());
  CHECK_FALSE(fs::exists(path));  // not silently made anew: the documents would be lost
  CHECK(schema::ReadMeta(hub.store->db(), "data_key_id") == id);
  CHECK(HubStore::Open(dir, &hub.clock).status().code() == Code::kFailedPrecondition);

  WriteFile(path, std::string(sync::crypto::DataKey::Generate().view()));
  auto foreign = LoadHubDataKey(hub.store->db(), dir);
  CHECK(foreign.status().code() == Code::kFailedPrecondition);
  CHECK(foreign.status().message().find("not this hub's data key") != std::string::npos);
  CHECK(schema::ReadMeta(hub.store->db(), "data_key_id") == id);

  for (const std::string& bad : {std::string(), std::string(31, 'k'), good + "x", std::string(64, '0')}) {
    CAPTURE(bad.size());
    WriteFile(path, bad);
    auto r = LoadHubDataKey(hub.store->db(), dir);
    CHECK(r.status().code() == Code::kCorruption);
    CHECK(r.status().message().find("is not a hub data key") != std::string::npos);
  }

  WriteFile(path, good);
  auto back = LoadHubDataKey(hub.store->db(), dir);
  REQUIRE(back.ok());
  CHECK(back->Id() == id);
}

TEST_CASE("hub documents: clear documents are sealed once, the clear files and partial downloads removed") {
  StillHub hub;
  HubStore& s = *hub.store;
  const std::string dir = s.dir();
  const std::string a = "KTP Siti Aminah 3510015211870002 -- clear text", b(70'000, 'b');  // b spans two records
  const std::string damaged = "bytes that are not what the name says";
  const std::string named = Sha("what the village sent");
  const std::string pa = ClearFile(dir, Sha(a), a), pb = ClearFile(dir, Sha(b), b);
  const std::string pd = ClearFile(dir, named, damaged);
  // A resident's upload that begins as a sealed file does: still clear.
  const std::string mimic = "SMPLDOC1 KTP Budi 3510015211870003";
  const std::string pm = ClearFile(dir, Sha(mimic), mimic);
  // ... and one that does so and is damaged besides (its name is not its hash).
  const std::string mimic_damaged = "SMPLDOC1 KTP Wati 3510015211870004";
  const std::string pmd = ClearFile(dir, Sha("what else the village sent"), mimic_damaged);
  fs::create_directories(dir + "/blobs/partial");
  WriteFile(dir + "/blobs/partial/" + Sha("half"), "half of a clear download");
  fs::create_directories(dir + "/blobs/notes");
  WriteFile(dir + "/blobs/notes/README", "not a document directory");
  REQUIRE(schema::WriteMeta(s.db(), "documents_sealed", "0").ok());

  Status st = SealClearDocuments(s.db(), dir, s.blobs());
  REQUIRE_MESSAGE(st.ok(), st.ToString());
  CHECK(schema::ReadMeta(s.db(), "documents_sealed") == "1");
  CHECK_FALSE(fs::exists(pa));
  CHECK_FALSE(fs::exists(pb));
  CHECK_FALSE(fs::exists(pd));
  CHECK_FALSE(fs::exists(pm));
  CHECK_FALSE(fs::exists(pmd));
  CHECK_FALSE(fs::exists(dir + "/blobs/partial"));
  CHECK(fs::exists(dir + "/blobs/notes/README"));  // not a two-letter directory: left alone
  CHECK(FilesHolding(dir + "/blobs", "3510015211870002") == 0);  // nothing stays in clear
  CHECK(FilesHolding(dir + "/blobs", "3510015211870003") == 0);
  CHECK(FilesHolding(dir + "/blobs", "3510015211870004") == 0);

  auto ra = ReadHubDocument(s, Sha(a));
  REQUIRE_MESSAGE(ra.ok(), ra.status().ToString());
  CHECK(*ra == a);
  auto rb = ReadHubDocument(s, Sha(b));
  REQUIRE(rb.ok());
  CHECK(*rb == b);
  auto rm = ReadHubDocument(s, Sha(mimic));
  REQUIRE_MESSAGE(rm.ok(), rm.status().ToString());
  CHECK(*rm == mimic);
  auto rmd = ReadHubDocument(s, Sha(mimic_damaged));
  REQUIRE_MESSAGE(rmd.ok(), rmd.status().ToString());
  CHECK(*rmd == mimic_damaged);
  // The damaged one: sealed under the hash of what it holds, not its name.
  CHECK(ReadHubDocument(s, named).status().code() == Code::kNotFound);
  auto rd = ReadHubDocument(s, Sha(damaged));
  REQUIRE(rd.ok());
  CHECK(*rd == damaged);

  // Once: a clear file appearing later is not touched (the meta says sealed).
  const std::string late = "arrived later";
  const std::string pl = ClearFile(dir, Sha(late), late);
  REQUIRE(SealClearDocuments(s.db(), dir, s.blobs()).ok());
  CHECK(fs::exists(pl));
  // Asked again, the sealed files are recognised and kept as they are.
  REQUIRE(schema::WriteMeta(s.db(), "documents_sealed", "0").ok());
  REQUIRE(SealClearDocuments(s.db(), dir, s.blobs()).ok());
  CHECK_FALSE(fs::exists(pl));
  auto ra2 = ReadHubDocument(s, Sha(a));
  REQUIRE(ra2.ok());
  CHECK(*ra2 == a);
  CHECK(*ReadHubDocument(s, Sha(late)) == late);
}

TEST_CASE("hub documents: reading refuses a bad name, a document not here, and one whose bytes do not match") {
  StillHub hub;
  HubStore& s = *hub.store;
  const std::string sha = Sha("x");
  for (const std::string& bad :
       {std::string(), std::string(63, 'a'), std::string(65, 'a'), std::string(64, 'A'), std::string(64, 'g'),
        "../../data.key" + std::string(50, 'a'), sha.substr(0, 63) + "/", sha + "\n"}) {
    CAPTURE(bad);
    auto r = ReadHubDocument(s, bad);
    CHECK(r.status().IsInvalidArgument());
  }
  auto absent = ReadHubDocument(s, sha);
  CHECK(absent.status().code() == Code::kNotFound);
  CHECK(absent.status().message().find(sha.substr(0, 12)) != std::string::npos);
  CHECK(absent.status().message().find(sha) == std::string::npos);  // the short form only

  // Stored under a hash that is not its own.
  const std::string liar = Sha("the real scan");
  {
    auto w = s.blobs().NewWriter();
    REQUIRE(w.ok());
    REQUIRE(w->Add("something else entirely").ok());
    REQUIRE(w->Finish(liar).ok());
  }
  auto damaged = ReadHubDocument(s, liar);
  CHECK(damaged.status().code() == Code::kCorruption);
  CHECK(damaged.status().message().find("damaged") != std::string::npos);

  // A binary document with NULs, read back whole.
  std::string scan("\x89PNG\0\0\0\rIHDR", 12);
  scan += std::string(100'000, '\0') + "end";
  {
    auto w = s.blobs().NewWriter();
    REQUIRE(w.ok());
    REQUIRE(w->Add(scan).ok());
    REQUIRE(w->Finish(Sha(scan)).ok());
  }
  auto got = ReadHubDocument(s, Sha(scan));
  REQUIRE(got.ok());
  CHECK(got->size() == scan.size());
  CHECK(*got == scan);

  // Its sealed file altered on disk: refused, never returned.
  std::string file = s.blobs().PathOf(Sha(scan));
  std::string sealed = ReadFile(file);
  REQUIRE(sealed.size() > 100);
  sealed[sealed.size() - 40] ^= 0x01;
  WriteFile(file, sealed);
  auto altered = ReadHubDocument(s, Sha(scan));
  CHECK_FALSE(altered.ok());
}

TEST_CASE("hub documents: an empty document reads back empty") {
  StillHub hub;
  const std::string empty_sha = Sha("");
  {
    auto w = hub.store->blobs().NewWriter();
    REQUIRE(w.ok());
    REQUIRE(w->Finish(empty_sha).ok());
  }
  auto r = ReadHubDocument(*hub.store, empty_sha);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  CHECK(r->empty());
}

}  // namespace
}  // namespace simpul::hub
