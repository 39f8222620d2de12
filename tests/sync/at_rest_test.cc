// Encryption at rest: the keyring, the encrypting SQLite VFS (clear text
// never reaches the files, crash recovery still works, tampering is caught)
// and sealed document files.
#include <doctest/doctest.h>
#include <sodium.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "schema/db.h"
#include "sync/blobs.h"
#include "sync/crypto/at_rest.h"
#include "tests/support/temp_dir.h"
#include "tests/support/memory_db.h"

namespace simpul::sync::crypto {
namespace {
namespace fs = std::filesystem;
using schema::Db;
using testing::ReadFile;
using testing::TempDir;
using testing::WriteFile;

// Cheap KDF for tests (the real cost is DefaultKdfCost()).
constexpr KdfCost kFast{crypto_pwhash_OPSLIMIT_MIN, 8u << 20};
constexpr const char* kNik = "3510015211870002";
constexpr const char* kName = "Siti Aminah Rahayu";

// True if any file under `dir` contains `needle`.
bool AnyFileContains(const std::string& dir, const std::string& needle) {
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file() && ReadFile(e.path().string()).find(needle) != std::string::npos) return true;
  return false;
}

Result<Db> OpenWith(const std::string& path, Db::Mode mode = Db::Mode::kReadWrite) {
  return Db::Open(path, mode, kEncryptedVfsName);
}

Status Fill(Db& db, int rows, int from = 0) {
  for (int i = from; i < from + rows; ++i) {
    SIMPUL_ASSIGN_OR_RETURN(auto txn, schema::Transaction::Begin(db));
    SIMPUL_ASSIGN_OR_RETURN(auto st, db.Prepare("INSERT INTO persons(id,nik,name,note) VALUES(?,?,?,?)"));
    st.Bind(1, static_cast<int64_t>(i)).Bind(2, kNik).Bind(3, std::string(kName) + " " + std::to_string(i));
    st.Bind(4, std::string(3000, static_cast<char>('a' + i % 26)));  // overflow pages too
    SIMPUL_RETURN_IF_ERROR(st.Run());
    SIMPUL_RETURN_IF_ERROR(txn.Commit());
  }
  return Status::Ok();
}

Status Create(Db& db) {
  SIMPUL_RETURN_IF_ERROR(db.Exec("PRAGMA page_size=4096"));
  SIMPUL_RETURN_IF_ERROR(db.UseWal());
  return db.Exec("CREATE TABLE persons(id INTEGER PRIMARY KEY, nik TEXT, name TEXT, note TEXT);"
                 "CREATE INDEX persons_nik ON persons(nik)");
}

int64_t Count(Db& db) {
  auto st = db.Prepare("SELECT count(*) FROM persons");
  REQUIRE(st.ok());
  auto row = st->Step();
  REQUIRE(row.ok());
  return st->Int(0);
}

std::string IntegrityCheck(Db& db) {
  auto st = db.Prepare("PRAGMA integrity_check");
  REQUIRE(st.ok());
  auto row = st->Step();
  REQUIRE(row.ok());
  return st->Text(0);
}

TEST_CASE("keyring: the right passphrase unlocks, a wrong one or a damaged file is refused") {
  REQUIRE(sodium_init() >= 0);
  TempDir dir;
  std::string path = dir.File("keyring");
  DataKey key = DataKey::Generate();
  CHECK(CreateKeyring(path, "short", key, kFast).IsInvalidArgument());
  CHECK(!fs::exists(path));
  REQUIRE(CreateKeyring(path, "kata sandi kantor desa", key, kFast).ok());
  CHECK(ReadFile(path).find(std::string(key.view())) == std::string::npos);

  auto unlocked = UnlockKeyring(path, "kata sandi kantor desa");
  REQUIRE(unlocked.ok());
  CHECK(unlocked->view() == key.view());
  CHECK(ReadKeyringInfo(path)->key_id == key.Id());
  CHECK(ReadKeyringInfo(path)->page_cipher == PreferredPageCipher());

  CHECK(UnlockKeyring(path, "kata sandi kantor desA").status().code() == Code::kUnauthenticated);
  CHECK(UnlockKeyring(dir.File("none"), "kata sandi kantor desa").status().code() == Code::kNotFound);

  std::string ring = ReadFile(path);
  SUBCASE("a flipped byte anywhere is refused") {
    for (size_t i : {0ul, 20ul, 40ul, 60ul, 70ul, ring.size() - 1}) {
      std::string bad = ring;
      bad[i] ^= 0x01;
      WriteFile(path, bad);
      auto r = UnlockKeyring(path, "kata sandi kantor desa");
      INFO("byte " << i);
      CHECK(!r.ok());
      CHECK((r.status().code() == Code::kUnauthenticated || r.status().IsCorruption()));
    }
  }
  SUBCASE("truncated, or a cost that would exhaust the machine") {
    WriteFile(path, ring.substr(0, ring.size() - 1));
    CHECK(UnlockKeyring(path, "kata sandi kantor desa").status().IsCorruption());
    std::string greedy = ring;
    greedy[24] = '\x7f';  // memory limit in the terabytes
    WriteFile(path, greedy);
    CHECK(UnlockKeyring(path, "kata sandi kantor desa").status().IsCorruption());
  }
  SUBCASE("changing the passphrase keeps the key and retires the old passphrase") {
    CHECK(ChangeKeyringPassphrase(path, "wrong passphrase!", "new passphrase 2026", kFast).code() ==
          Code::kUnauthenticated);
    REQUIRE(ChangeKeyringPassphrase(path, "kata sandi kantor desa", "new passphrase 2026", kFast).ok());
    CHECK(UnlockKeyring(path, "kata sandi kantor desa").status().code() == Code::kUnauthenticated);
    auto again = UnlockKeyring(path, "new passphrase 2026");
    REQUIRE(again.ok());
    CHECK(again->view() == key.view());
  }
}

TEST_CASE("sealed small secrets open only with their key and context") {
  REQUIRE(sodium_init() >= 0);
  DataKey a = DataKey::Generate(), b = DataKey::Generate();
  std::string sealed = SealSmall(a, "node secret", "ctx");
  CHECK(sealed.find("node secret") == std::string::npos);
  CHECK(*OpenSmall(a, sealed, "ctx") == "node secret");
  CHECK(OpenSmall(b, sealed, "ctx").status().IsCorruption());
  CHECK(OpenSmall(a, sealed, "other").status().IsCorruption());
  CHECK(OpenSmall(a, sealed.substr(0, 10), "ctx").status().IsCorruption());
  CHECK(a.Derive(kPurposeDatabase).view() != a.Derive(kPurposeDocuments).view());
}

// Each database test runs with every page cipher this processor has.
std::vector<PageCipher> Ciphers() {
  std::vector<PageCipher> out = {PageCipher::kXChaCha20Poly1305};
  if (PageCipherAvailable(PageCipher::kAes256Gcm)) out.push_back(PageCipher::kAes256Gcm);
  return out;
}

TEST_CASE("encrypted database: no clear text in any file, and only its key opens it") {
  REQUIRE(sodium_init() >= 0);
  for (PageCipher cipher : Ciphers()) {
  CAPTURE(static_cast<int>(cipher));
  TempDir dir;
  std::string path = dir.File("simpul.db");
  DataKey key = DataKey::Generate();
  {
    auto reg = EncryptedDbKey::Register(path, key, cipher);
    REQUIRE(reg.ok());
    auto db = OpenWith(path, Db::Mode::kCreate);
    REQUIRE(db.ok());
    REQUIRE(Create(*db).ok());
    REQUIRE(db->Exec("PRAGMA wal_autocheckpoint=50").ok());  // checkpoints happen during the test
    REQUIRE(Fill(*db, 300).ok());
    // While open, the WAL holds recent pages: they must be sealed too.
    CHECK(fs::exists(path + "-wal"));
    CHECK_FALSE(AnyFileContains(dir.path(), kNik));
    CHECK_FALSE(AnyFileContains(dir.path(), kName));
    CHECK_FALSE(AnyFileContains(dir.path(), "SQLite format 3"));
    CHECK(Count(*db) == 300);
  }
  CHECK_FALSE(AnyFileContains(dir.path(), kNik));
  CHECK_FALSE(AnyFileContains(dir.path(), kName));

  {  // the same key reopens it, intact
    auto reg = EncryptedDbKey::Register(path, key, cipher);
    REQUIRE(reg.ok());
    auto db = OpenWith(path);
    REQUIRE(db.ok());
    CHECK(Count(*db) == 300);
    CHECK(IntegrityCheck(*db) == "ok");
    auto st = db->Prepare("SELECT name FROM persons WHERE nik=? AND id=7");
    REQUIRE(st.ok());
    st->Bind(1, kNik);
    REQUIRE(*st->Step());
    CHECK(st->Text(0) == std::string(kName) + " 7");
  }
  {  // no key registered: refused, never read in the clear
    auto db = OpenWith(path);
    CHECK(!db.ok());
  }
  {  // another key: every page fails authentication
    DataKey other = DataKey::Generate();
    auto reg = EncryptedDbKey::Register(path, other, cipher);
    REQUIRE(reg.ok());
    auto db = OpenWith(path);
    CHECK(db.status().IsCorruption());
  }
  {  // the plain SQLite VFS sees no database
    auto db = Db::Open(path, Db::Mode::kReadOnly);
    CHECK(db.status().IsCorruption());
  }
  {  // the same path under two keys at once is refused
    auto first = EncryptedDbKey::Register(path, key, cipher);
    REQUIRE(first.ok());
    DataKey other = DataKey::Generate();
    CHECK(EncryptedDbKey::Register(path, other, cipher).status().code() == Code::kFailedPrecondition);
  }
  }
}

TEST_CASE("encrypted database: the on-disk page format is the documented one, for both ciphers") {
  // nonce 24 | ciphertext 4096 | tag 16; AES-GCM uses the first 12 nonce
  // bytes; associated data 'D' + the page index (u64, big-endian). Opened
  // here with libsodium alone, independently of the VFS's own code path.
  REQUIRE(sodium_init() >= 0);
  for (PageCipher cipher : Ciphers()) {
    if (cipher == PageCipher::kAes256Gcm && crypto_aead_aes256gcm_is_available() != 1) continue;
    CAPTURE(static_cast<int>(cipher));
    TempDir dir;
    std::string path = dir.File("simpul.db");
    DataKey key = DataKey::Generate();
    {
      auto reg = EncryptedDbKey::Register(path, key, cipher);
      REQUIRE(reg.ok());
      auto db = OpenWith(path, Db::Mode::kCreate);
      REQUIRE(db.ok());
      REQUIRE(Create(*db).ok());
    }
    std::string bytes = ReadFile(path);
    REQUIRE(bytes.size() >= 4136);
    DataKey page_key = key.Derive(kPurposeDatabase);
    uint8_t ad[9] = {'D', 0, 0, 0, 0, 0, 0, 0, 0};
    std::string plain(4096, '\0');
    unsigned long long n = 0;
    const auto* phys = reinterpret_cast<const uint8_t*>(bytes.data());
    int rc = cipher == PageCipher::kAes256Gcm
                 ? crypto_aead_aes256gcm_decrypt(reinterpret_cast<uint8_t*>(plain.data()), &n, nullptr, phys + 24,
                                                 4096 + 16, ad, sizeof ad, phys, page_key.data())
                 : crypto_aead_xchacha20poly1305_ietf_decrypt(reinterpret_cast<uint8_t*>(plain.data()), &n, nullptr,
                                                              phys + 24, 4096 + 16, ad, sizeof ad, phys,
                                                              page_key.data());
    REQUIRE(rc == 0);
    CHECK(plain.compare(0, 16, std::string("SQLite format 3\0", 16)) == 0);
  }
}

TEST_CASE("encrypted database: a tampered page is reported as corruption") {
  REQUIRE(sodium_init() >= 0);
  TempDir dir;
  std::string path = dir.File("simpul.db");
  DataKey key = DataKey::Generate();
  auto reg = EncryptedDbKey::Register(path, key);
  REQUIRE(reg.ok());
  {
    auto db = OpenWith(path, Db::Mode::kCreate);
    REQUIRE(db.ok());
    REQUIRE(Create(*db).ok());
    REQUIRE(Fill(*db, 50).ok());
  }
  REQUIRE(!fs::exists(path + "-wal"));  // checkpointed and removed on close
  std::string bytes = ReadFile(path);
  REQUIRE(bytes.size() > 3 * 4136);
  bytes[2 * 4136 + 500] ^= 0x20;  // one bit of page 3
  WriteFile(path, bytes);
  // Opening authenticates every page first: page 1 is fine, page 3 is not.
  auto db = OpenWith(path);
  REQUIRE_FALSE(db.ok());
  CHECK(db.status().IsCorruption());
  auto damage = EncryptedDbDamage(path);
  REQUIRE(damage.has_value());
  CHECK_FALSE(damage->wal);
  CHECK(damage->page == 3);
}

TEST_CASE("encrypted database: a crash leaves a WAL that recovers to the last commit") {
  REQUIRE(sodium_init() >= 0);
  TempDir dir;
  std::string path = dir.File("simpul.db");
  DataKey key = DataKey::Generate();
  auto reg = EncryptedDbKey::Register(path, key, PreferredPageCipher());
  REQUIRE(reg.ok());
  {
    auto db = OpenWith(path, Db::Mode::kCreate);
    REQUIRE(db.ok());
    REQUIRE(Create(*db).ok());
  }
  int progress[2];
  REQUIRE(pipe(progress) == 0);
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    close(progress[0]);
    auto db = OpenWith(path);
    if (!db.ok()) _exit(3);
    for (int i = 0;; ++i) {
      if (!Fill(*db, 1, i).ok()) _exit(4);
      int32_t done = i + 1;
      if (write(progress[1], &done, sizeof done) != sizeof done) _exit(5);
    }
  }
  close(progress[1]);
  int32_t committed = 0, n = 0;
  while (committed < 400 && read(progress[0], &n, sizeof n) == sizeof n) committed = n;
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  while (read(progress[0], &n, sizeof n) == sizeof n) committed = n;  // commits reported before death
  close(progress[0]);
  REQUIRE(WIFSIGNALED(status));
  REQUIRE(fs::exists(path + "-wal"));

  SUBCASE("as the crash left it") {
    auto db = OpenWith(path);
    REQUIRE(db.ok());
    CHECK(IntegrityCheck(*db) == "ok");
    int64_t rows = Count(*db);
    CHECK(rows >= committed);      // every reported commit survived
    CHECK(rows <= committed + 1);  // at most the one in flight
  }
  SUBCASE("with the WAL's last frame torn") {
    // A torn write at the end: the last frame's page is half old, half new.
    auto wal_size = fs::file_size(path + "-wal");
    REQUIRE(wal_size > 32 + 2 * (24 + 4136));
    {
      std::fstream f(path + "-wal", std::ios::in | std::ios::out | std::ios::binary);
      f.seekp(static_cast<std::streamoff>(wal_size - 2000));
      std::string junk(1000, '\x5a');
      f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
    }
    auto db = OpenWith(path);
    REQUIRE(db.ok());
    CHECK(IntegrityCheck(*db) == "ok");
    CHECK(Count(*db) >= committed - 1);  // only the last transaction may be lost
  }
}

// The VFS writes a WAL frame's header together with its page (one write);
// SQLite's checksum rewrite at commit writes headers alone. A process killed
// right after such a commit must leave every header on disk.
TEST_CASE("encrypted database: a commit that rewrote WAL checksums survives a crash right after it") {
  REQUIRE(sodium_init() >= 0);
  TempDir dir;
  std::string path = dir.File("simpul.db");
  DataKey key = DataKey::Generate();
  auto reg = EncryptedDbKey::Register(path, key, PreferredPageCipher());
  REQUIRE(reg.ok());
  {
    auto db = OpenWith(path, Db::Mode::kCreate);
    REQUIRE(db.ok());
    REQUIRE(Create(*db).ok());
    REQUIRE(Fill(*db, 5).ok());
  }
  int done[2];
  REQUIRE(pipe(done) == 0);
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    close(done[0]);
    auto db = OpenWith(path);
    if (!db.ok()) _exit(3);
    // A cache of a few pages spills them into the WAL mid-transaction; the
    // update writes them again, in place, so the commit rewrites checksums.
    if (!db->Exec("PRAGMA cache_size=4; PRAGMA wal_autocheckpoint=0").ok()) _exit(4);
    auto txn = schema::Transaction::Begin(*db);
    if (!txn.ok() || !Fill(*db, 60, 100).ok()) _exit(5);
    if (!db->Exec("UPDATE persons SET name=name||' (updated)' WHERE id>=100").ok()) _exit(6);
    if (!txn->Commit().ok()) _exit(7);
    char c = 1;
    if (write(done[1], &c, 1) != 1) _exit(8);
    pause();  // killed here: nothing else touches the WAL after the commit
    _exit(9);
  }
  close(done[1]);
  char c = 0;
  REQUIRE(read(done[0], &c, 1) == 1);
  close(done[0]);
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  REQUIRE(WIFSIGNALED(status));
  auto db = OpenWith(path);
  REQUIRE(db.ok());
  CHECK(IntegrityCheck(*db) == "ok");
  CHECK(Count(*db) == 65);
  auto st = db->Prepare("SELECT count(*) FROM persons WHERE name LIKE '% (updated)'");
  REQUIRE(st.ok());
  REQUIRE(*st->Step());
  CHECK(st->Int(0) == 60);
}

std::string Sha(const std::string& data) { return testing::Sha256Hex(data); }

TEST_CASE("sealed documents: resumable, verified, readable at any offset, and opaque on disk") {
  REQUIRE(sodium_init() >= 0);
  TempDir dir;
  DataKey key = DataKey::Generate();
  BlobDir blobs(dir.File("blobs"), key);
  REQUIRE(blobs.sealed());
  std::string doc;
  for (int i = 0; doc.size() < 200000; ++i) doc += std::string("KTP ") + kName + " NIK " + kNik + " #" + std::to_string(i) + "\n";
  std::string sha = Sha(doc);
  CHECK(blobs.PathOf(sha).find(sha) == std::string::npos);  // the name does not give the hash away

  auto a = blobs.Append(sha, doc.size(), 0, doc.substr(0, 70000));  // more than one record
  REQUIRE(a.ok());
  CHECK(blobs.PartialSize(sha) == 70000);
  CHECK(blobs.Append(sha, doc.size(), 1000, doc.substr(1000, 10)).status().code() == Code::kFailedPrecondition);
  // A crash mid-write leaves a torn record: ignored, and cut before the next append.
  {
    std::ofstream torn(blobs.PartialOf(sha), std::ios::binary | std::ios::app);
    torn << std::string("\x00\x00\x10\x00", 4) << "half a record";
  }
  CHECK(blobs.PartialSize(sha) == 70000);
  auto b = blobs.Append(sha, doc.size(), 70000, doc.substr(70000));
  REQUIRE(b.ok());
  CHECK(*b == doc.size());
  REQUIRE(blobs.Has(sha));
  CHECK(*blobs.SizeOf(sha) == doc.size());
  CHECK(*blobs.Read(sha, 0, doc.size()) == doc);
  CHECK(*blobs.Read(sha, 65530, 20) == doc.substr(65530, 20));  // across a record boundary
  CHECK(*blobs.Read(sha, 199990, 100) == doc.substr(199990));
  CHECK_FALSE(AnyFileContains(dir.path(), kNik));

  // Another key sees nothing (different names, and no way to read).
  BlobDir stranger(dir.File("blobs"), DataKey::Generate());
  CHECK_FALSE(stranger.Has(sha));

  SUBCASE("a tampered record is refused when read") {
    std::string bytes = ReadFile(blobs.PathOf(sha));
    bytes[bytes.size() / 2] ^= 0x01;
    WriteFile(blobs.PathOf(sha), bytes);
    CHECK(blobs.Read(sha, 0, doc.size()).status().IsCorruption());
  }
  SUBCASE("a writer stores a new document; an unfinished one leaves nothing") {
    std::string other = doc + "lagi";
    {
      auto w = blobs.NewWriter();
      REQUIRE(w.ok());
      REQUIRE(w->Add(other.substr(0, 5)).ok());
    }
    size_t files = 0;
    for (const auto& e : fs::recursive_directory_iterator(dir.File("blobs")))
      if (e.is_regular_file()) ++files;
    CHECK(files == 1);
    auto w = blobs.NewWriter();
    REQUIRE(w.ok());
    for (size_t i = 0; i < other.size(); i += 7777) REQUIRE(w->Add(std::string_view(other).substr(i, 7777)).ok());
    REQUIRE(w->Finish(Sha(other)).ok());
    CHECK(*blobs.Read(Sha(other), 0, other.size()) == other);
    CHECK_FALSE(AnyFileContains(dir.path(), kNik));
  }
}

}  // namespace
}  // namespace simpul::sync::crypto
