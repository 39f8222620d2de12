// A damaged page of an encrypted node store is damage, never an empty page
// (issue 10, item 6): every page of the database file, flipped in turn, makes
// the store refuse to open with the same typed error naming that page; a
// damaged WAL frame is damage too, except in the last transaction of the
// WAL, which a crash may have cut short and SQLite drops as before.
#include <doctest/doctest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <vector>

#include "node/records.h"
#include "node/store.h"
#include "schema/messages.h"
#include "schema/tables.h"
#include "sync/crypto/at_rest.h"
#include "tests/support/temp_dir.h"

namespace simpul::node {
namespace {

namespace fs = std::filesystem;
namespace crypto = sync::crypto;

// The encrypted layout (sync/crypto/encrypted_vfs.cc): every page is
// nonce(24) | ciphertext(4096) | tag(16); the WAL has a 32-byte header, and
// each frame a clear 24-byte header before its page.
constexpr int64_t kPhysPage = crypto::kEncryptedPageSize + 40;
constexpr int64_t kWalHeader = 32, kFrameHeader = 24, kPhysFrame = kFrameHeader + kPhysPage;

void FlipByte(const std::string& path, int64_t offset) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  REQUIRE(f);
  f.seekg(offset);
  char c = 0;
  f.read(&c, 1);
  REQUIRE(f);
  c = static_cast<char>(c ^ 0x20);
  f.seekp(offset);
  f.write(&c, 1);
  REQUIRE(f);
}

crypto::DataKey CopyKey(const crypto::DataKey& k) { return std::move(crypto::DataKey::FromBytes(k.view())).value(); }

void Copy(const std::string& from, const std::string& to, const std::vector<std::string>& files) {
  fs::create_directories(to);
  for (const auto& f : files) fs::copy_file(from + "/" + f, to + "/" + f, fs::copy_options::overwrite_existing);
}

// Reads every row of every table (what `status` and the commands may touch).
Status ReadEverything(NodeStore& store) {
  SIMPUL_ASSIGN_OR_RETURN(auto tables, store.db().Prepare("SELECT name FROM sqlite_master WHERE type='table'"));
  std::vector<std::string> names;
  for (;;) {
    SIMPUL_ASSIGN_OR_RETURN(bool row, tables.Step());
    if (!row) break;
    names.push_back(tables.Text(0));
  }
  for (const auto& t : names) {
    SIMPUL_ASSIGN_OR_RETURN(auto q, store.db().Prepare("SELECT * FROM \"" + t + "\""));
    for (;;) {
      SIMPUL_ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) break;
    }
  }
  return Status::Ok();
}

int64_t Households(NodeStore& store) {
  auto q = store.db().Prepare("SELECT count(*) FROM households");
  REQUIRE(q.ok());
  REQUIRE(*q->Step());
  return q->Int(0);
}

void CheckDamaged(const Status& st, const std::string& where) {
  INFO(st.ToString());
  REQUIRE_FALSE(st.ok());
  CHECK(st.code() == Code::kCorruption);
  REQUIRE(st.msg_id().has_value());
  CHECK(*st.msg_id() == MsgId::kStoreDamaged);
  CHECK(st.message().find(where) != std::string::npos);
}

TEST_CASE("every page of the database file that fails authentication is reported as damage") {
  testing::TempDir tmp;
  const std::string base = tmp.File("base");
  {
    auto store = NodeStore::Init(base, "35.10.01.2001", sync::SystemClock::Default(), testing::kTestPassphrase);
    REQUIRE_MESSAGE(store.ok(), store.status().ToString());
    for (int i = 0; i < 20; ++i)
      REQUIRE(CreateRecord(**store, Entity::kHousehold, {{"address", "Dusun " + std::to_string(i)}}).ok());
  }  // closed: checkpointed, no WAL left
  REQUIRE_FALSE(fs::exists(base + "/simpul.db-wal"));
  auto key = NodeStore::Unlock(base, testing::kTestPassphrase);
  REQUIRE(key.ok());
  const int64_t size = static_cast<int64_t>(fs::file_size(base + "/simpul.db"));
  REQUIRE(size % kPhysPage == 0);
  const int64_t pages = size / kPhysPage;
  REQUIRE(pages > 20);
  {
    auto whole = NodeStore::Open(base, sync::SystemClock::Default(), CopyKey(*key));
    REQUIRE_MESSAGE(whole.ok(), whole.status().ToString());
    CHECK(ReadEverything(**whole).ok());
  }
  // Each page in turn: its ciphertext, and for a few its nonce and its tag.
  for (int64_t p = 0; p < pages; ++p) {
    for (int64_t at : {int64_t{24 + 100}, int64_t{5}, kPhysPage - 3}) {
      if (at != 24 + 100 && p % 10 != 0) continue;
      CAPTURE(p);
      CAPTURE(at);
      const std::string copy = tmp.File("p" + std::to_string(p) + "-" + std::to_string(at));
      Copy(base, copy, {"keyring", "simpul.db"});
      FlipByte(copy + "/simpul.db", p * kPhysPage + at);
      auto store = NodeStore::Open(copy, sync::SystemClock::Default(), CopyKey(*key));
      Status st = store.ok() ? ReadEverything(**store) : store.status();
      CheckDamaged(store.ok() ? NodeStore::DamageStatus(copy) : st, "page " + std::to_string(p + 1) + " of");
      CHECK_FALSE(NodeStore::DamageStatus(copy).ok());
    }
  }
}

TEST_CASE("a damaged WAL frame is damage, unless a crash may have cut it short (the last transaction)") {
  testing::TempDir tmp;
  const std::string base = tmp.File("base");
  {
    auto store = NodeStore::Init(base, "35.10.01.2001", sync::SystemClock::Default(), testing::kTestPassphrase);
    REQUIRE(store.ok());
  }
  auto key = NodeStore::Unlock(base, testing::kTestPassphrase);
  REQUIRE(key.ok());
  auto live = NodeStore::Open(base, sync::SystemClock::Default(), CopyKey(*key));
  REQUIRE(live.ok());
  // Transactions in the WAL: one household each.
  const int64_t before = Households(**live);
  for (int i = 0; i < 6; ++i)
    REQUIRE(CreateRecord(**live, Entity::kHousehold, {{"address", "Dusun " + std::to_string(i)}}).ok());
  // The files as a crash would leave them (no -shm: the next open recovers the WAL).
  const std::string snap = tmp.File("snap");
  Copy(base, snap, {"keyring", "simpul.db", "simpul.db-wal"});
  live->reset();
  const std::string wal = testing::ReadFile(snap + "/simpul.db-wal");
  REQUIRE(wal.size() > kWalHeader);
  // Frames of the current generation, and where the last transaction starts.
  std::vector<bool> commit;
  for (int64_t at = kWalHeader; at + kPhysFrame <= static_cast<int64_t>(wal.size()); at += kPhysFrame) {
    if (std::memcmp(wal.data() + at + 8, wal.data() + 16, 8) != 0) break;
    const auto* h = reinterpret_cast<const uint8_t*>(wal.data() + at);
    commit.push_back((h[4] | h[5] | h[6] | h[7]) != 0);
  }
  REQUIRE(commit.size() > 6);
  REQUIRE(commit.back());
  size_t last_start = commit.size() - 1;
  while (last_start > 0 && !commit[last_start - 1]) --last_start;
  for (size_t f = 0; f < commit.size(); ++f) {
    CAPTURE(f);
    const std::string copy = tmp.File("f" + std::to_string(f));
    Copy(snap, copy, {"keyring", "simpul.db", "simpul.db-wal"});
    FlipByte(copy + "/simpul.db-wal", kWalHeader + static_cast<int64_t>(f) * kPhysFrame + kFrameHeader + 200);
    auto store = NodeStore::Open(copy, sync::SystemClock::Default(), CopyKey(*key));
    if (f < last_start) {
      Status st = store.ok() ? ReadEverything(**store) : store.status();
      (void)st;
      CheckDamaged(NodeStore::DamageStatus(copy), "WAL frame " + std::to_string(f + 1) + " of");
      if (store.ok()) CHECK_FALSE(ReadEverything(**store).ok());  // and nothing more is read
    } else {
      // A torn last transaction: dropped, as SQLite drops a torn frame.
      REQUIRE_MESSAGE(store.ok(), store.status().ToString());
      CHECK(ReadEverything(**store).ok());
      CHECK(Households(**store) == before + 5);
      CHECK(NodeStore::DamageStatus(copy).ok());
    }
  }
}

}  // namespace
}  // namespace simpul::node
