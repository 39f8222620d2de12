// Tests for hub/backup.h and hub/sequences.h: the encrypted backup format
// (verified, refused when tampered with, truncated, extended or opened with
// the wrong passphrase), restore (refused while the hub serves, a new epoch,
// the replaced store kept), and number sequences that never hand out a
// number twice across a restore.
#include "hub/backup.h"

#include <doctest/doctest.h>
#include <sodium.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "hub/epoch.h"
#include "hub/operations.h"
#include "hub/sequences.h"
#include "hub/store.h"
#include "schema/store_files.h"
#include "sync/blobs.h"
#include "sync/crypto/envelope.h"
#include "tests/support/temp_dir.h"

namespace simpul::hub {
namespace {

namespace fs = std::filesystem;
namespace crypto = sync::crypto;

constexpr const char* kPass = "backup-passphrase-1";
// The cheapest Argon2id libsodium allows: the format, not the cost, is tested.
const crypto::KdfCost kFast{crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN};

class FakeClock : public sync::Clock {
 public:
  uint64_t NowMs() override { return now; }
  uint64_t now = 1'750'000'000'000ULL;
};

struct Fixture {
  Fixture() {
    REQUIRE(crypto::InitSodium().ok());
    auto r = HubStore::Init(data, "Dinsos Uji", &clock);
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    store = std::move(r).value();
  }
  std::string Backup(const std::string& name) {
    std::string dir = tmp.File(name);
    auto r = WriteBackup(data, dir, kPass, &clock, kFast);
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    return dir;
  }
  simpul::testing::TempDir tmp;
  std::string data = tmp.File("hub");
  FakeClock clock;
  std::unique_ptr<HubStore> store;
};

std::string Part(const std::string& dir, int i) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "/%06d", i);
  return dir + buf;
}

void FlipByte(const std::string& path, size_t at) {
  std::string b = simpul::testing::ReadFile(path);
  REQUIRE(at < b.size());
  b[at] = static_cast<char>(b[at] ^ 0x01);
  simpul::testing::WriteFile(path, b);
}

TEST_CASE("backup: written while the store is open, verified, and every kind of damage refused") {
  Fixture f;
  // A document, so blobs/ is part of the backup.
  sync::BlobDir blobs(f.data + "/blobs");
  std::string doc = "scan of a KK";
  std::string sha = sync::crypto::ToHex(std::array<uint8_t, 32>{});  // placeholder, replaced below
  {
    uint8_t h[32];
    crypto_hash_sha256(h, reinterpret_cast<const uint8_t*>(doc.data()), doc.size());
    sha = crypto::ToHex(h, 32);
  }
  REQUIRE(blobs.Append(sha, doc.size(), 0, doc).ok());
  std::string dir = f.Backup("b1");
  auto ok = VerifyBackup(dir, kPass);
  REQUIRE_MESSAGE(ok.ok(), ok.status().ToString());
  CHECK(ok->files >= 3);  // hub.db, hub.key, the document
  CHECK(ok->hub_id == f.store->hub_id());
  // Nothing of the database is readable in the backup.
  for (const auto& e : fs::directory_iterator(dir))
    CHECK(simpul::testing::ReadFile(e.path()).find("SQLite format 3") == std::string::npos);

  SUBCASE("a wrong passphrase") {
    auto r = VerifyBackup(dir, "not-the-passphrase");
    CHECK(r.status().code() == Code::kUnauthenticated);
  }
  SUBCASE("a changed byte in the database") {
    FlipByte(Part(dir, 0), 100);
    CHECK(VerifyBackup(dir, kPass).status().code() == Code::kCorruption);
  }
  SUBCASE("a changed byte in the manifest") {
    FlipByte(dir + "/MANIFEST", 80);
    CHECK(VerifyBackup(dir, kPass).status().code() == Code::kUnauthenticated);
  }
  SUBCASE("a file cut short") {
    std::string b = simpul::testing::ReadFile(Part(dir, 0));
    simpul::testing::WriteFile(Part(dir, 0), b.substr(0, b.size() - 20));
    CHECK(VerifyBackup(dir, kPass).status().code() == Code::kCorruption);
  }
  SUBCASE("two files swapped") {
    std::string a = simpul::testing::ReadFile(Part(dir, 0)), b = simpul::testing::ReadFile(Part(dir, 1));
    simpul::testing::WriteFile(Part(dir, 0), b);
    simpul::testing::WriteFile(Part(dir, 1), a);
    CHECK(VerifyBackup(dir, kPass).status().code() == Code::kCorruption);
  }
  SUBCASE("a file missing, or one added") {
    SUBCASE("missing") { fs::remove(Part(dir, 1)); }
    SUBCASE("added") { simpul::testing::WriteFile(dir + "/extra", "x"); }
    CHECK(VerifyBackup(dir, kPass).status().code() == Code::kCorruption);
  }
  SUBCASE("a backup of another passphrase cannot be restored either") {
    auto r = RestoreBackup(dir, f.tmp.File("other"), "wrong-passphrase-2", &f.clock);
    CHECK(r.status().code() == Code::kUnauthenticated);
    CHECK(!fs::exists(f.tmp.File("other") + "/hub.db"));
  }
  SUBCASE("a backup directory is never overwritten") {
    CHECK(WriteBackup(f.data, dir, kPass, &f.clock, kFast).status().code() == Code::kAlreadyExists);
  }
}

TEST_CASE("restore: refused while the hub serves; a new epoch; the replaced store kept aside") {
  Fixture f;
  std::string dir = f.Backup("b1");
  auto before = LoadLineage(*f.store);
  REQUIRE(before.ok());
  REQUIRE(before->size() == 1);
  {
    auto lock = DataDirLock::Acquire(f.data);  // as `serve` holds it
    REQUIRE(lock.ok());
    auto r = RestoreBackup(dir, f.data, kPass, &f.clock);
    CHECK(r.status().code() == Code::kFailedPrecondition);
  }
  f.store.reset();
  f.clock.now += 60'000;
  auto r = RestoreBackup(dir, f.data, kPass, &f.clock);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  CHECK(fs::exists(r->moved_aside + "/hub.db"));
  CHECK(r->numbers_proven);
  auto store = HubStore::Open(f.data, &f.clock);
  REQUIRE(store.ok());
  auto after = LoadLineage(**store);
  REQUIRE(after.ok());
  REQUIRE(after->size() == 2);
  CHECK((*after)[0].epoch == (*before)[0].epoch);
  CHECK(after->back().epoch == r->epoch);
  // The change log of the new epoch starts past anything an earlier one
  // issued: at the restore time x 2^20.
  auto seq = (*store)->db().Prepare("SELECT seq FROM sqlite_sequence WHERE name='changelog'");
  REQUIRE(seq.ok());
  REQUIRE(*seq->Step());
  CHECK(static_cast<uint64_t>(seq->Int(0)) >= f.clock.now << 20);
}

TEST_CASE("sequences: a restore on the same machine never reissues a number") {
  Fixture f;
  auto take = [&](HubStore& s) {
    auto txn = schema::Transaction::Begin(s.db());
    REQUIRE(txn.ok());
    auto n = ReserveNumber(s, "dinsos", 2025, 0);
    REQUIRE_MESSAGE(n.ok(), n.status().ToString());
    REQUIRE(txn->Commit().ok());
    return *n;
  };
  CHECK(take(*f.store) == 1);
  std::string dir = f.Backup("b1");
  CHECK(take(*f.store) == 2);
  CHECK(take(*f.store) == 3);
  f.store.reset();
  auto r = RestoreBackup(dir, f.data, kPass, &f.clock);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  auto store = HubStore::Open(f.data, &f.clock);
  REQUIRE(store.ok());
  // hub.db says 1; the reservation file outside it says 3.
  CHECK(take(**store) == 4);
  CHECK(take(**store) == 5);
}

TEST_CASE("sequences: restored onto a new machine, numbers wait for the villages, then follow what they gave back") {
  Fixture f;
  {
    auto txn = schema::Transaction::Begin(f.store->db());
    REQUIRE(ReserveNumber(*f.store, "dinsos", 2025, 0).ok());
    REQUIRE(txn->Commit().ok());
  }
  std::string dir = f.Backup("b1");
  std::string fresh = f.tmp.File("new-machine");
  auto r = RestoreBackup(dir, fresh, kPass, &f.clock);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  CHECK(!r->numbers_proven);
  auto carried = ReadSequences(SequencesPath(fresh));  // the backup's reservations come along
  REQUIRE(carried.ok());
  CHECK((*carried)[{"dinsos", 2025}] == 1);
  auto store = HubStore::Open(fresh, &f.clock);
  REQUIRE(store.ok());
  HubStore& s = **store;
  auto code = CreateEnrolment(s, "35.10.01.2001", 7);
  REQUIRE(code.ok());
  REQUIRE(s.db().Exec("INSERT INTO nodes(node_id,village,sign_pk,status,enrolled_at_ms) VALUES"
                      "('00000000000000aa','35.10.01.2001','00','active',0)").ok());
  {
    auto txn = schema::Transaction::Begin(s.db());
    auto n = ReserveNumber(s, "dinsos", 2025, 0);
    CHECK(n.status().code() == Code::kFailedPrecondition);
    CHECK(n.status().message().find("35.10.01.2001") != std::string::npos);
  }
  // The village caught up with the new epoch, and gave back letter 12.
  auto lineage = LoadLineage(s);
  REQUIRE(lineage.ok());
  REQUIRE(s.db().Exec("UPDATE nodes SET epoch='" + lineage->back().epoch + "'").ok());
  auto txn = schema::Transaction::Begin(s.db());
  REQUIRE(txn.ok());
  auto n = ReserveNumber(s, "dinsos", 2025, 12);
  REQUIRE_MESSAGE(n.ok(), n.status().ToString());
  CHECK(*n == 13);
  REQUIRE(txn->Commit().ok());
  CHECK(s.Meta("numbers_unproven").empty());
}

TEST_CASE("sequences: the reservation file is written before use and read back; letter numbers parse") {
  simpul::testing::TempDir tmp;
  std::string path = SequencesPath(tmp.path());
  auto empty = ReadSequences(path);
  REQUIRE(empty.ok());
  CHECK(empty->empty());
  SequenceFile a{{{"dinsos", 2025}, 7}}, b{{{"dinsos", 2025}, 5}, {{"dinsos", 2026}, 1}};
  MergeSequences(&a, b);
  REQUIRE(WriteSequences(path, a).ok());
  auto back = ReadSequences(path);
  REQUIRE(back.ok());
  CHECK((*back)[{"dinsos", 2025}] == 7);
  CHECK((*back)[{"dinsos", 2026}] == 1);
  simpul::testing::WriteFile(path, "something else\n");
  CHECK(ReadSequences(path).status().code() == Code::kCorruption);

  const std::string t = "460/{seq}/Dinsos/{year}";
  CHECK(NumberFromText(t, "460/007/Dinsos/2025", 2025) == 7);
  CHECK(NumberFromText(t, "460/1234/Dinsos/2025", 2025) == 1234);
  CHECK(NumberFromText(t, "460/012/Dinsos/2025 [operator-dinsos]", 2025) == 12);
  CHECK(NumberFromText(t, "460/007/Dinsos/2024", 2025) == 0);
  CHECK(NumberFromText(t, "460/x7/Dinsos/2025", 2025) == 0);
  CHECK(NumberFromText(t, "", 2025) == 0);
}

}  // namespace
}  // namespace simpul::hub
