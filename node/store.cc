#include "node/store.h"

#include "node/node_migrations.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <vector>

#include "schema/ids.h"
#include "schema/indicators.h"
#include "schema/messages.h"
#include "schema/migrations.h"
#include "schema/regions.h"
#include "schema/store_files.h"
#include "sync/audit.h"
#include "sync/audit_heads.h"

namespace simpul::node {
namespace fs = std::filesystem;
using schema::Db;

std::string DefaultDataDir() {
  if (const char* d = std::getenv("SIMPUL_DATA"); d && *d) return d;
  if (const char* x = std::getenv("XDG_DATA_HOME"); x && *x) return std::string(x) + "/simpul-node";
  if (const char* h = std::getenv("HOME"); h && *h) return std::string(h) + "/.local/share/simpul-node";
  return "./simpul-data";
}

namespace {

std::string DbPath(const std::string& dir) { return dir + "/simpul.db"; }
std::string KeyringPath(const std::string& dir) { return dir + "/keyring"; }
// Wrong passphrases cannot be written into a store they failed to open:
// they wait here (time only) until the next unlock moves them into the
// audit chain, which replicates to the hub.
std::string FailedUnlocksPath(const std::string& dir) { return dir + "/unlock-failures.log"; }

void NoteFailedUnlock(const std::string& dir, uint64_t now_ms) {
  int fd = ::open(FailedUnlocksPath(dir).c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return;
  std::string line = std::to_string(now_ms) + "\n";
  if (::write(fd, line.data(), line.size()) < 0) {}
  ::close(fd);
}
namespace crypto = sync::crypto;

crypto::DataKey CopyKey(const crypto::DataKey& k) { return std::move(crypto::DataKey::FromBytes(k.view())).value(); }

// Opens the encrypted database with `key` registered for it.
Result<std::pair<crypto::EncryptedDbKey, Db>> OpenEncrypted(const std::string& dir, const crypto::DataKey& key,
                                                            crypto::PageCipher cipher, Db::Mode mode) {
  SIMPUL_ASSIGN_OR_RETURN(auto reg, crypto::EncryptedDbKey::Register(DbPath(dir), key, cipher));
  auto db = Db::Open(DbPath(dir), mode, crypto::kEncryptedVfsName);
  if (!db.ok()) return db.status();
  return std::make_pair(std::move(reg), std::move(db).value());
}

// WAL mode; synchronous=FULL so that a transaction is on disk before the
// next one begins, which lets the encrypting VFS tell a WAL frame torn by a
// crash (only in the last transaction) from a damaged one.
Status UseWalFull(Db& db) {
  SIMPUL_RETURN_IF_ERROR(db.UseWal());
  return db.Exec("PRAGMA synchronous=FULL");
}

Status MapOpenError(const Status& st, const std::string& dir) {
  if (st.ok()) return st;
  if (Status damage = NodeStore::DamageStatus(dir); !damage.ok()) return damage;
  if (st.IsCorruption())
    return Status(st.code(), st.message()).WithMsg(MsgId::kStoreCorrupt, {DbPath(dir)});
  if (st.IsUnavailable()) return Status(st.code(), st.message()).WithMsg(MsgId::kStoreBusy);
  return st;
}

Status LoadIndicatorSets(Db& db) {
  SIMPUL_ASSIGN_OR_RETURN(
      auto* ins, db.Cached("INSERT INTO indicator_sets(set_id,version,title,definition)"
                           " VALUES(?,?,?,?) ON CONFLICT DO NOTHING"));
  for (auto text : schema::BuiltinIndicatorSets()) {
    SIMPUL_ASSIGN_OR_RETURN(auto set, schema::ParseIndicatorSet(text));
    ins->Bind(1, set.id).Bind(2, set.version).Bind(3, set.title).Bind(4, std::string(text));
    SIMPUL_RETURN_IF_ERROR(ins->Run());
  }
  return Status::Ok();
}

}  // namespace

Status NodeStore::DamageStatus(const std::string& dir) {
  auto damage = crypto::EncryptedDbDamage(DbPath(dir));
  if (!damage) return Status::Ok();
  const std::string file = DbPath(dir) + (damage->wal ? "-wal" : "");
  return Status::Corruption("the store is damaged: " + std::string(damage->wal ? "WAL frame " : "page ") +
                            std::to_string(damage->page) + " of " + file + " failed authentication")
      .WithMsg(MsgId::kStoreDamaged, {dir, std::to_string(damage->page), file});
}

Result<crypto::DataKey> NodeStore::Unlock(const std::string& dir, std::string_view passphrase) {
  if (!fs::exists(KeyringPath(dir))) {
    if (!fs::exists(DbPath(dir)))
      return Status::FailedPrecondition("no store in " + dir).WithMsg(MsgId::kStoreMissing, {dir});
    return Status::FailedPrecondition(dir + " has no keyring").WithMsg(MsgId::kStoreNotSimpul, {dir});
  }
  auto key = crypto::UnlockKeyring(KeyringPath(dir), passphrase);
  if (key.ok()) return key;
  const Status& st = key.status();
  if (st.code() == Code::kUnauthenticated) {
    NoteFailedUnlock(dir, sync::SystemClock::Default()->NowMs());
    return Status::Unauthenticated("wrong passphrase").WithMsg(MsgId::kWrongPassphrase, {dir});
  }
  if (st.IsCorruption()) return Status(st.code(), st.message()).WithMsg(MsgId::kStoreCorrupt, {KeyringPath(dir)});
  return st;
}

Status NodeStore::SetPassphrase(std::string_view new_passphrase) {
  if (!crypto::CheckPassphrase(new_passphrase).ok())
    return Status::InvalidArgument("passphrase too short").WithMsg(MsgId::kPassphraseWeak);
  SIMPUL_ASSIGN_OR_RETURN(auto info, crypto::ReadKeyringInfo(KeyringPath(dir_)));
  return crypto::CreateKeyring(KeyringPath(dir_), new_passphrase, key_, crypto::DefaultKdfCost(), info.page_cipher);
}

Result<std::unique_ptr<NodeStore>> NodeStore::Open(const std::string& dir, sync::Clock* clock,
                                                   std::string_view passphrase) {
  SIMPUL_ASSIGN_OR_RETURN(auto key, Unlock(dir, passphrase));
  return Open(dir, clock, std::move(key));
}

std::string NodeStore::Actor() const {
  if (!actor_.empty()) return actor_;
  // Setup mode (no accounts yet): the name the environment gives.
  const char* env = std::getenv("SIMPUL_OPERATOR");
  if (!env || !*env) env = std::getenv("USER");
  return std::string(env && *env ? env : "operator") + " (no account)";
}

Status NodeStore::Audit(const std::string& action, const std::string& subject, const std::string& detail) {
  return sync::AppendVillageAudit(db_, *writer_, *hlc_, village_, Actor(), action, subject, detail).status();
}

Status NodeStore::SignAuditHead(const crypto::Identity& identity) {
  SIMPUL_ASSIGN_OR_RETURN(auto txn, schema::Transaction::Begin(db_));
  SIMPUL_RETURN_IF_ERROR(sync::WriteVillageAuditHead(db_, *writer_, *hlc_, village_, identity));
  return txn.Commit();
}

std::string NodeStore::Meta(const std::string& key) { return schema::ReadMeta(db_, key); }

Status NodeStore::SetMeta(const std::string& key, const std::string& value) {
  return schema::WriteMeta(db_, key, value);
}

Status NodeStore::LoadIdentity() {
  village_ = Meta("village");
  node_id_ = Meta("node_id");
  if (Meta("store_kind") != kStoreKind || village_.empty() || node_id_.empty())
    return Status::FailedPrecondition(dir_ + " is not a Simpul node store")
        .WithMsg(MsgId::kStoreNotSimpul, {dir_});
  SIMPUL_ASSIGN_OR_RETURN(sync::Stamp last, sync::LoadLastStamp(db_));
  hlc_ = std::make_unique<sync::Hlc>(clock_, node_id_, last);
  writer_ = std::make_unique<sync::ChangeWriter>(db_, *hlc_, sync::Role::kVillage);
  return Status::Ok();
}

Result<std::unique_ptr<NodeStore>> NodeStore::Init(const std::string& dir,
                                                   const std::string& village,
                                                   sync::Clock* clock, std::string_view passphrase,
                                                   AtRest at_rest) {
  const bool encrypted = at_rest == AtRest::kEncrypted;
  SIMPUL_ASSIGN_OR_RETURN(auto level, schema::ValidateRegionCode(village, nullptr));
  if (level != schema::RegionLevel::kVillage)
    return Status::InvalidArgument("not a village code")
        .WithField("village")
        .WithMsg(MsgId::kRegionNotVillage, {village});
  if (!crypto::CheckPassphrase(passphrase).ok())
    return Status::InvalidArgument("passphrase too short").WithMsg(MsgId::kPassphraseWeak);
  // Check the village exists before creating anything on disk.
  {
    auto probe = Db::Open(":memory:", Db::Mode::kCreate);
    if (!probe.ok()) return probe.status();
    SIMPUL_RETURN_IF_ERROR(schema::Migrate(*probe));
    SIMPUL_RETURN_IF_ERROR(schema::LoadRegionsForVillage(*probe, village));
  }
  std::error_code ec;
  bool had_db = fs::exists(DbPath(dir)), had_keyring = fs::exists(KeyringPath(dir));
  fs::create_directories(dir + "/blobs", ec);
  if (ec) return Status::IoError("cannot create " + dir + ": " + ec.message());
  ::chmod(dir.c_str(), 0700);  // personal data: owner only
  crypto::DataKey key;
  if (!encrypted) {
    if (had_db || had_keyring) return Status::AlreadyExists("benchmark stores start empty");
    key = crypto::DataKey::Generate();
  } else if (had_db && !had_keyring) {
    // A database we hold no key for: a foreign file, never written into.
    return Status::FailedPrecondition(dir + " is not a Simpul node store").WithMsg(MsgId::kStoreNotSimpul, {dir});
  } else if (had_keyring) {
    // Ours (or an interrupted init of ours): only its passphrase may go on.
    SIMPUL_ASSIGN_OR_RETURN(key, Unlock(dir, passphrase));
    if (had_db) {
      auto existing = Open(dir, clock, CopyKey(key));
      if (existing.ok())
        return Status::AlreadyExists("store exists")
            .WithMsg(MsgId::kStoreExists, {dir, (*existing)->village()});
      if (!existing.status().msg_id() || *existing.status().msg_id() != MsgId::kStoreNotSimpul)
        return std::move(existing).TakeStatus();
      // An interrupted init under this key: finish it.
    }
  } else {
    key = crypto::DataKey::Generate();
    SIMPUL_RETURN_IF_ERROR(crypto::CreateKeyring(KeyringPath(dir), passphrase, key));
  }
  auto created = [&]() -> Result<std::unique_ptr<NodeStore>> {
    std::unique_ptr<NodeStore> store;
    if (encrypted) {
      auto info = crypto::ReadKeyringInfo(KeyringPath(dir));
      if (!info.ok()) return MapOpenError(info.status(), dir);
      auto opened = OpenEncrypted(dir, key, info->page_cipher, Db::Mode::kCreate);
      if (!opened.ok()) return MapOpenError(opened.status(), dir);
      store.reset(new NodeStore(std::move(opened->first), CopyKey(key), std::move(opened->second), dir, clock));
    } else {
      auto db = Db::Open(DbPath(dir), Db::Mode::kCreate);
      if (!db.ok()) return MapOpenError(db.status(), dir);
      store.reset(new NodeStore(std::nullopt, CopyKey(key), std::move(db).value(), dir, clock));
    }
    ::chmod(DbPath(dir).c_str(), 0600);
    Db& d = store->db_;
    // The encrypting VFS works in 4096-byte pages; set before the first write.
    SIMPUL_RETURN_IF_ERROR(MapOpenError(d.Exec("PRAGMA page_size=4096"), dir));
    SIMPUL_RETURN_IF_ERROR(MapOpenError(encrypted ? UseWalFull(d) : d.UseWal(), dir));
    SIMPUL_RETURN_IF_ERROR(MapOpenError(schema::Migrate(d), dir));
    SIMPUL_RETURN_IF_ERROR(MapOpenError(MigrateNodeOnly(d), dir));
    {
      SIMPUL_ASSIGN_OR_RETURN(auto txn, schema::Transaction::Begin(d));
      if (!store->Meta("store_kind").empty())
        return Status::FailedPrecondition("store half-initialised by another process")
            .WithMsg(MsgId::kStoreBusy);
      SIMPUL_RETURN_IF_ERROR(schema::LoadRegionsForVillage(d, village));
      SIMPUL_RETURN_IF_ERROR(LoadIndicatorSets(d));
      SIMPUL_RETURN_IF_ERROR(store->SetMeta("village", village));
      SIMPUL_RETURN_IF_ERROR(store->SetMeta("node_id", schema::NewNodeId()));
      SIMPUL_RETURN_IF_ERROR(store->SetMeta("indicator_set_default", schema::kDefaultIndicatorSet));
      SIMPUL_RETURN_IF_ERROR(store->SetMeta("created_at_ms", std::to_string(clock->NowMs())));
      // store_kind last: a store without it was never finished.
      SIMPUL_RETURN_IF_ERROR(store->SetMeta("store_kind", kStoreKind));
      SIMPUL_RETURN_IF_ERROR(txn.Commit());
    }
    SIMPUL_RETURN_IF_ERROR(store->LoadIdentity());
    return store;
  }();
  if (!created.ok() && !had_db) {
    // Leave no half-made store behind: the next init starts clean.
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(DbPath(dir) + suffix, ec);
    if (!had_keyring) fs::remove(KeyringPath(dir), ec);
  }
  return created;
}

Result<std::unique_ptr<NodeStore>> NodeStore::Open(const std::string& dir, sync::Clock* clock,
                                                   crypto::DataKey key) {
  if (!fs::is_directory(dir) || !fs::exists(DbPath(dir)))
    return Status::FailedPrecondition("no store in " + dir).WithMsg(MsgId::kStoreMissing, {dir});
  if (!fs::exists(KeyringPath(dir)))
    return Status::FailedPrecondition(dir + " has no keyring").WithMsg(MsgId::kStoreNotSimpul, {dir});
  auto info = crypto::ReadKeyringInfo(KeyringPath(dir));
  if (!info.ok()) return Status(info.status().code(), info.status().message())
                             .WithMsg(MsgId::kStoreCorrupt, {KeyringPath(dir)});
  if (info->key_id != key.Id())  // e.g. a session key left from a store that was re-created
    return Status::Unauthenticated("key does not belong to this store").WithMsg(MsgId::kWrongPassphrase, {dir});
  auto opened = OpenEncrypted(dir, key, info->page_cipher, Db::Mode::kReadWrite);
  if (!opened.ok()) return MapOpenError(opened.status(), dir);
  auto store = std::unique_ptr<NodeStore>(new NodeStore(std::move(opened->first), std::move(key),
                                                        std::move(opened->second), dir, clock));
  // Refuse a foreign database before migrating anything into it.
  auto has_meta = store->db_.Prepare(
      "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='meta'");
  if (!has_meta.ok()) return MapOpenError(has_meta.status(), dir);
  auto row = has_meta->Step();
  if (!row.ok()) return MapOpenError(row.status(), dir);
  if (has_meta->Int(0) == 0)
    return Status::FailedPrecondition(dir + " is not a Simpul node store")
        .WithMsg(MsgId::kStoreNotSimpul, {dir});
  SIMPUL_ASSIGN_OR_RETURN(int version, schema::ReadSchemaVersion(store->db_));
  if (version > schema::LatestSchemaVersion())
    return schema::Migrate(store->db_);  // refuses, names both versions, changes nothing
  SIMPUL_RETURN_IF_ERROR(MapOpenError(UseWalFull(store->db_), dir));
  SIMPUL_RETURN_IF_ERROR(MapOpenError(schema::Migrate(store->db_), dir));
  SIMPUL_RETURN_IF_ERROR(MapOpenError(MigrateNodeOnly(store->db_), dir));
  SIMPUL_RETURN_IF_ERROR(MapOpenError(store->LoadIdentity(), dir));
  SIMPUL_RETURN_IF_ERROR(store->AuditFailedUnlocks());
  return store;
}

Status NodeStore::AuditFailedUnlocks() {
  std::ifstream in(FailedUnlocksPath(dir_));
  if (!in) return Status::Ok();
  std::vector<std::string> times;
  for (std::string line; std::getline(in, line) && times.size() < 1000;)
    if (!line.empty()) times.push_back(line);
  in.close();
  if (!times.empty()) {
    SIMPUL_ASSIGN_OR_RETURN(auto txn, schema::Transaction::Begin(db_));
    SIMPUL_RETURN_IF_ERROR(Audit("unlock_failed", village_, std::to_string(times.size()) +
                                 " wrong passphrase(s), first at " + times.front() + " ms, last at " + times.back() + " ms"));
    SIMPUL_RETURN_IF_ERROR(txn.Commit());
  }
  std::error_code ec;
  fs::remove(FailedUnlocksPath(dir_), ec);
  return Status::Ok();
}

}  // namespace simpul::node
