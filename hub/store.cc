#include "hub/store.h"

#include "hub/sequences.h"
#include "hub/app_index.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "schema/ids.h"
#include "schema/messages.h"
#include "schema/migrations.h"
#include "schema/regions.h"
#include "schema/store_files.h"
#include "hub/audit.h"
#include "hub/documents.h"
#include "sync/audit.h"
#include "sync/audit_heads.h"

namespace simpul::hub {
namespace fs = std::filesystem;
using schema::Db;

namespace {

std::string DbPath(const std::string& dir) { return dir + "/hub.db"; }
std::string KeyPath(const std::string& dir) { return dir + "/hub.key"; }
std::string NextKeyPath(const std::string& dir) { return dir + "/hub.key.next"; }
std::string RetiredDir(const std::string& dir) { return dir + "/retired-keys"; }
namespace crypto = sync::crypto;

Result<crypto::Identity> ReadIdentityFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IoError("cannot read the hub key " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return crypto::ImportIdentity(ss.str());
}

// What identifies the file behind hub.key right now (a rotation replaces it).
std::string KeyFileStamp(const std::string& dir) {
  struct stat st {};
  if (::stat(KeyPath(dir).c_str(), &st) != 0) return {};
  return std::to_string(st.st_ino) + ":" + std::to_string(st.st_mtim.tv_sec) + "." +
         std::to_string(st.st_mtim.tv_nsec) + ":" + std::to_string(st.st_size);
}

// Hub-only tables, numbered under meta.hub_schema. Released history: append.
constexpr const char* kHubMigrations[] = {
    R"sql(
-- The change log: the hub-assigned sequence every node pulls from.
CREATE TABLE changelog(
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  version TEXT NOT NULL, tbl TEXT NOT NULL, row_id TEXT NOT NULL,
  village TEXT NOT NULL,           -- scope this entry is delivered to
  flags INTEGER NOT NULL DEFAULT 0,
  origin TEXT NOT NULL,            -- node id that wrote it (the hub's own id for hub writes)
  received_at_ms INTEGER NOT NULL, -- hub clock at receipt, beside the writer's stamp
  clock_skew_ms INTEGER);          -- writer stamp minus hub clock, when far ahead
CREATE INDEX changelog_village ON changelog(village, seq);
CREATE TABLE changelog_fields(
  seq INTEGER NOT NULL, field TEXT NOT NULL, value, base TEXT,
  PRIMARY KEY(seq, field)) WITHOUT ROWID;
-- Idempotency: the result given for every change version ever pushed.
CREATE TABLE applied(
  version TEXT PRIMARY KEY, node_id TEXT NOT NULL, code INTEGER NOT NULL, message TEXT,
  at_ms INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE nodes(
  node_id TEXT PRIMARY KEY, village TEXT NOT NULL, sign_pk TEXT NOT NULL,
  status TEXT NOT NULL,            -- active | revoked
  enrolled_at_ms INTEGER NOT NULL, revoked_at_ms INTEGER, revoke_reason TEXT,
  last_counter INTEGER NOT NULL DEFAULT 0, last_seen_ms INTEGER,
  last_protocol INTEGER, last_schema INTEGER) WITHOUT ROWID;
CREATE TABLE enrolments(
  code_id TEXT PRIMARY KEY, mac_key TEXT NOT NULL, village TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL, expires_at_ms INTEGER NOT NULL,
  used_by TEXT, used_at_ms INTEGER) WITHOUT ROWID;
CREATE TABLE letter_counters(unit TEXT NOT NULL, year INTEGER NOT NULL, last INTEGER NOT NULL,
  PRIMARY KEY(unit, year)) WITHOUT ROWID;
CREATE INDEX households_village ON households(village);
CREATE INDEX persons_village ON persons(village);
CREATE INDEX applications_village ON applications(village);
CREATE INDEX complaints_village ON complaints(village);
CREATE INDEX events_village ON events(village);
CREATE INDEX attachments_village ON attachments(village);
CREATE INDEX conflicts_village ON conflicts(village);
)sql",
    R"sql(
-- The hub's own audit chain (sync/audit.h); village chains arrive in `audit`.
CREATE TABLE hub_audit(
  id TEXT PRIMARY KEY, village TEXT, writer TEXT NOT NULL, actor TEXT, action TEXT NOT NULL,
  subject TEXT, detail TEXT, at TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL) WITHOUT ROWID;
CREATE INDEX hub_audit_writer ON hub_audit(writer, at);
CREATE INDEX audit_village ON audit(village);
)sql",
    R"sql(
-- Hub key rotation: each old key's signature on its successor, and the hub
-- key each node last sealed a request to (NULL: the key at its enrolment).
CREATE TABLE key_succession(
  seq INTEGER PRIMARY KEY AUTOINCREMENT, old_pk TEXT NOT NULL, new_pk TEXT NOT NULL,
  signature TEXT NOT NULL, at_ms INTEGER NOT NULL);
ALTER TABLE nodes ADD COLUMN hub_pk TEXT;
)sql",
    R"sql(
-- Protocol 3: what the hub did with each recent request that pushed changes
-- or carried documents (wire::EncodeRecovered), so a node whose reply was
-- lost in a cut can ask instead of sending it all again. The newest 1,024
-- counters per node are kept.
CREATE TABLE request_outcomes(
  node_id TEXT NOT NULL, counter INTEGER NOT NULL, outcome BLOB NOT NULL,
  PRIMARY KEY(node_id, counter)) WITHOUT ROWID;
)sql",
    R"sql(
-- Restores from a backup (hub/epoch.h, PROTOCOL.md §22): the hub's epoch
-- history ("epoch:through,...", the current epoch last); per node, the
-- highest counter the restored store had handled, and the epoch the node
-- says it has caught up with.
ALTER TABLE nodes ADD COLUMN restored_counter INTEGER NOT NULL DEFAULT 0;
ALTER TABLE nodes ADD COLUMN epoch TEXT;
INSERT INTO meta(key,value) VALUES('epoch_lineage', lower(hex(randomblob(8))) || ':0')
  ON CONFLICT(key) DO NOTHING;
)sql",
    R"sql(
-- Audit chains ordered by a per-writer sequence number (sync/audit.h;
-- older entries have none), the signed heads of the hub's own chain
-- (sync/audit_heads.h), and every key each node ever enrolled with, vouched
-- for by the hub key (a node's older heads stay verifiable after it
-- re-enrols; a key written into the database by hand is not trusted).
ALTER TABLE hub_audit ADD COLUMN seq INTEGER;
CREATE INDEX hub_audit_seq ON hub_audit(writer, seq);
CREATE TABLE hub_audit_heads(
  writer TEXT NOT NULL, seq INTEGER NOT NULL, hash TEXT NOT NULL, signed_at TEXT NOT NULL,
  signer TEXT NOT NULL, signature TEXT NOT NULL, PRIMARY KEY(writer, seq)) WITHOUT ROWID;
CREATE TABLE node_keys(
  node_id TEXT NOT NULL, sign_pk TEXT NOT NULL, hub_pk TEXT NOT NULL, signature TEXT NOT NULL,
  at_ms INTEGER NOT NULL, PRIMARY KEY(node_id, sign_pk)) WITHOUT ROWID;
)sql",
    R"sql(
-- When the hub received each workflow event (hub/reports/times_source.h):
-- the first log entry of the event's row, found without scanning the log.
CREATE INDEX changelog_events ON changelog(row_id, received_at_ms) WHERE tbl='events';
)sql",
    // The application index and its triggers, and the nodes' outbox report
    // (the SQL is in hub/app_index.h).
    kAppIndexMigration,
};

Status MigrateHub(Db& db, HubStore& store) {
  SIMPUL_RETURN_IF_ERROR(schema::Migrate(db));
  int have = std::atoi(store.Meta("hub_schema").c_str());
  int latest = static_cast<int>(std::size(kHubMigrations));
  if (have > latest)
    return Status::VersionTooNew("hub store schema " + std::to_string(have) + " is newer than this binary's " +
                                 std::to_string(latest) + "; upgrade simpul-hub")
        .WithMsg(MsgId::kStoreTooNew, {db.path(), "hub " + std::to_string(have), "hub " + std::to_string(latest)});
  for (int v = have + 1; v <= latest; ++v) {
    SIMPUL_ASSIGN_OR_RETURN(auto txn, schema::Transaction::Begin(db));
    SIMPUL_RETURN_IF_ERROR(db.Exec(kHubMigrations[v - 1]));
    SIMPUL_RETURN_IF_ERROR(store.SetMeta("hub_schema", std::to_string(v)));
    SIMPUL_RETURN_IF_ERROR(txn.Commit());
  }
  return Status::Ok();
}

}  // namespace

std::string HubStore::Meta(const std::string& key) { return schema::ReadMeta(db_, key); }

Status HubStore::SetMeta(const std::string& key, const std::string& value) {
  return schema::WriteMeta(db_, key, value);
}

Status HubStore::SaveClock() { return sync::SaveLastStamp(db_, hlc_->last()); }

Result<HubWrite> HubStore::BeginWrite() {
  SIMPUL_ASSIGN_OR_RETURN(auto txn, schema::Transaction::Begin(db_));
  // Under the write lock: what another process (the server, or an operator's
  // command) committed since this one last looked.
  SIMPUL_ASSIGN_OR_RETURN(sync::Stamp stored, sync::LoadLastStamp(db_));
  hlc_->Witness(stored);
  return HubWrite(*this, std::move(txn));
}

Status HubWrite::Commit() {
  // The applications this write touched, derived again (hub/app_index.h).
  SIMPUL_RETURN_IF_ERROR(RefreshAppIndex(*store_));
  SIMPUL_RETURN_IF_ERROR(store_->SaveClock());
  return txn_.Commit();
}

Status HubStore::Audit(const std::string& action, const std::string& village, const std::string& subject,
                       const std::string& detail) {
  SIMPUL_RETURN_IF_ERROR(sync::AppendHubAudit(db_, *hlc_, actor_, action, village, subject, detail).status());
  return sync::WriteHubAuditHead(db_, *hlc_, identity_);
}

Status HubStore::Load() {
  if (Meta("store_kind") != kHubStoreKind)
    return Status::FailedPrecondition(dir_ + " is not a Simpul hub store");
  hub_id_ = Meta("hub_id");
  SIMPUL_RETURN_IF_ERROR(LoadKeys());
  // The hub's clock resumes after its own last stamp: meta (every HubWrite
  // saves it), or, in a store written before that was so, the newest
  // version it logged itself or its newest audit entry.
  SIMPUL_ASSIGN_OR_RETURN(sync::Stamp last, sync::LoadLastStamp(db_));
  for (const char* sql : {"SELECT version FROM changelog WHERE origin=? ORDER BY seq DESC LIMIT 1",
                          "SELECT max(at) FROM hub_audit WHERE writer=?"}) {
    SIMPUL_ASSIGN_OR_RETURN(auto* st, db_.Cached(sql));
    st->Bind(1, hub_id_);
    SIMPUL_ASSIGN_OR_RETURN(bool row, st->Step());
    sync::Stamp s;
    if (row && !st->IsNullAt(0) && sync::Hlc::ParseVersion(st->Text(0), &s, nullptr) && s > last) last = s;
    st->Reset();
  }
  hlc_ = std::make_unique<sync::Hlc>(clock_, hub_id_, last);
  writer_ = std::make_unique<sync::ChangeWriter>(db_, *hlc_, sync::Role::kHub, sync::ChangeSink::kChangelog);
  SIMPUL_ASSIGN_OR_RETURN(auto data_key, LoadHubDataKey(db_, dir_));
  blobs_ = std::make_unique<sync::BlobDir>(dir_ + "/blobs", data_key);
  SIMPUL_RETURN_IF_ERROR(SealClearDocuments(db_, dir_, *blobs_));
  return VouchForNodeKeys(*this);
}

Status HubStore::LoadKeys() {
  // Finish or forget a rotation a crash interrupted: it happened only if its
  // succession was committed.
  if (fs::exists(NextKeyPath(dir_))) {
    SIMPUL_ASSIGN_OR_RETURN(auto current, ReadIdentityFile(KeyPath(dir_)));
    SIMPUL_ASSIGN_OR_RETURN(auto next, ReadIdentityFile(NextKeyPath(dir_)));
    SIMPUL_ASSIGN_OR_RETURN(auto* st, db_.Cached("SELECT count(*) FROM key_succession WHERE old_pk=? AND new_pk=?"));
    st->Bind(1, crypto::ToHex(current.sign_pk)).Bind(2, crypto::ToHex(next.sign_pk));
    SIMPUL_ASSIGN_OR_RETURN(bool row, st->Step());
    bool committed = row && st->Int(0) > 0;
    st->Reset();
    std::error_code ec;
    if (committed) {
      if (::rename(NextKeyPath(dir_).c_str(), KeyPath(dir_).c_str()) != 0)
        return Status::IoError("cannot finish the hub key rotation");
    } else {
      fs::remove(NextKeyPath(dir_), ec);
    }
  }
  key_stamp_ = KeyFileStamp(dir_);
  SIMPUL_ASSIGN_OR_RETURN(identity_, ReadIdentityFile(KeyPath(dir_)));
  retired_.clear();
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(RetiredDir(dir_), ec)) {
    if (e.path().extension() != ".key") continue;
    SIMPUL_ASSIGN_OR_RETURN(auto id, ReadIdentityFile(e.path().string()));
    if (id.sign_pk != identity_.sign_pk) retired_.push_back(std::move(id));
  }
  return Status::Ok();
}

Status HubStore::RefreshKeys() {
  if (KeyFileStamp(dir_) == key_stamp_) return Status::Ok();
  return LoadKeys();
}

const crypto::Identity* HubStore::IdentityFor(const crypto::PublicKey& pk) const {
  if (pk == identity_.sign_pk) return &identity_;
  for (const auto& id : retired_)
    if (id.sign_pk == pk) return &id;
  return nullptr;
}

Result<std::vector<sync::wire::KeySuccession>> HubStore::SuccessionFrom(const crypto::PublicKey& pinned) {
  std::vector<sync::wire::KeySuccession> chain;
  crypto::PublicKey at = pinned;
  SIMPUL_ASSIGN_OR_RETURN(auto* st, db_.Cached(
      "SELECT new_pk,signature FROM key_succession WHERE old_pk=? ORDER BY seq DESC LIMIT 1"));
  while (at != identity_.sign_pk && chain.size() < 64) {
    st->Bind(1, crypto::ToHex(at));
    SIMPUL_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) {
      st->Reset();
      return Status::NotFound("no key history from " + crypto::Fingerprint(at));
    }
    sync::wire::KeySuccession link;
    link.old_pk = at;
    std::string next_hex = st->Text(0), sig_hex = st->Text(1);
    st->Reset();
    SIMPUL_ASSIGN_OR_RETURN(link.new_pk, crypto::PublicKeyFromHex(next_hex));
    if (!crypto::FromHex(sig_hex, link.signature.data(), link.signature.size()))
      return Status::Corruption("damaged key succession");
    chain.push_back(link);
    at = link.new_pk;
  }
  return chain;
}

Result<crypto::PublicKey> HubStore::RotateKey() {
  crypto::Identity next = crypto::GenerateIdentity();
  sync::wire::KeySuccession link = crypto::SignKeySuccession(identity_, next.sign_pk);
  // 1. the new key beside the current one; 2. the current one kept for
  // nodes that still seal to it; 3. the succession, committed; 4. the swap.
  // LoadKeys() finishes or forgets a rotation a crash cut short.
  SIMPUL_RETURN_IF_ERROR(schema::WriteFileAtomically(NextKeyPath(dir_), crypto::ExportIdentity(next), 0600));
  std::error_code ec;
  fs::create_directories(RetiredDir(dir_), ec);
  ::chmod(RetiredDir(dir_).c_str(), 0700);
  SIMPUL_RETURN_IF_ERROR(schema::WriteFileAtomically(
      RetiredDir(dir_) + "/" + crypto::ToHex(identity_.sign_pk) + ".key", crypto::ExportIdentity(identity_), 0600));
  {
    SIMPUL_ASSIGN_OR_RETURN(auto txn, BeginWrite());
    SIMPUL_ASSIGN_OR_RETURN(auto* ins, db_.Cached(
        "INSERT INTO key_succession(old_pk,new_pk,signature,at_ms) VALUES(?,?,?,?)"));
    ins->Bind(1, crypto::ToHex(link.old_pk)).Bind(2, crypto::ToHex(link.new_pk))
        .Bind(3, crypto::ToHex(link.signature)).Bind(4, static_cast<int64_t>(NowMs()));
    SIMPUL_RETURN_IF_ERROR(ins->Run());
    SIMPUL_RETURN_IF_ERROR(Audit("hub_key_rotated", "", crypto::Fingerprint(next.sign_pk),
                                 "from " + crypto::Fingerprint(identity_.sign_pk)));
    SIMPUL_RETURN_IF_ERROR(txn.Commit());
  }
  if (::rename(NextKeyPath(dir_).c_str(), KeyPath(dir_).c_str()) != 0)
    return Status::IoError("cannot install the new hub key (it is in hub.key.next; the next start finishes)");
  SIMPUL_RETURN_IF_ERROR(LoadKeys());
  return identity_.sign_pk;
}

Result<std::unique_ptr<HubStore>> HubStore::Init(const std::string& dir, const std::string& name,
                                                 sync::Clock* clock) {
  SIMPUL_RETURN_IF_ERROR(sync::crypto::InitSodium());
  std::error_code ec;
  if (fs::exists(DbPath(dir))) return Status::AlreadyExists("a hub store already exists in " + dir);
  fs::create_directories(dir, ec);
  if (ec) return Status::IoError("cannot create " + dir + ": " + ec.message());
  ::chmod(dir.c_str(), 0700);
  auto made = [&]() -> Result<std::unique_ptr<HubStore>> {
    SIMPUL_ASSIGN_OR_RETURN(Db db, Db::Open(DbPath(dir), Db::Mode::kCreate));
    ::chmod(DbPath(dir).c_str(), 0600);
    auto store = std::unique_ptr<HubStore>(new HubStore(std::move(db), dir, clock));
    SIMPUL_RETURN_IF_ERROR(store->db_.UseWal());
    SIMPUL_RETURN_IF_ERROR(schema::Migrate(store->db_));
    SIMPUL_RETURN_IF_ERROR(MigrateHub(store->db_, *store));
    sync::crypto::Identity id = sync::crypto::GenerateIdentity();
    SIMPUL_RETURN_IF_ERROR(schema::WriteFileAtomically(KeyPath(dir), sync::crypto::ExportIdentity(id), 0600));
    SIMPUL_ASSIGN_OR_RETURN(auto txn, schema::Transaction::Begin(store->db_));
    SIMPUL_RETURN_IF_ERROR(schema::LoadAllRegions(store->db_));
    SIMPUL_RETURN_IF_ERROR(store->SetMeta("hub_id", "hub-" + schema::NewNodeId()));
    SIMPUL_RETURN_IF_ERROR(store->SetMeta("name", name));
    SIMPUL_RETURN_IF_ERROR(store->SetMeta("store_kind", kHubStoreKind));
    SIMPUL_RETURN_IF_ERROR(txn.Commit());
    SIMPUL_RETURN_IF_ERROR(store->Load());
    SIMPUL_RETURN_IF_ERROR(EnsureSequencesFile(*store));
    return store;
  }();
  if (!made.ok())
    for (const char* f : {"/hub.db", "/hub.db-wal", "/hub.db-shm", "/hub.key", "/sequences", "/data.key"})
      fs::remove(dir + f, ec);
  return made;
}

Result<std::unique_ptr<HubStore>> HubStore::Open(const std::string& dir, sync::Clock* clock) {
  SIMPUL_RETURN_IF_ERROR(sync::crypto::InitSodium());
  if (!fs::exists(DbPath(dir)))
    return Status::FailedPrecondition("no hub store in " + dir + "; create one with: simpul-hub init --data " + dir);
  SIMPUL_ASSIGN_OR_RETURN(Db db, Db::Open(DbPath(dir), Db::Mode::kReadWrite));
  auto store = std::unique_ptr<HubStore>(new HubStore(std::move(db), dir, clock));
  SIMPUL_ASSIGN_OR_RETURN(int version, schema::ReadSchemaVersion(store->db_));
  if (version > schema::LatestSchemaVersion())
    return Status::VersionTooNew("hub store schema " + std::to_string(version) +
                                 " is newer than this binary's " + std::to_string(schema::LatestSchemaVersion()) +
                                 "; upgrade simpul-hub (nothing was changed)")
        .WithMsg(MsgId::kStoreTooNew, {DbPath(dir), std::to_string(version),
                                       std::to_string(schema::LatestSchemaVersion())});
  if (version == 0) return Status::FailedPrecondition(dir + " is not a Simpul hub store");
  SIMPUL_RETURN_IF_ERROR(store->db_.UseWal());
  SIMPUL_RETURN_IF_ERROR(MigrateHub(store->db_, *store));
  SIMPUL_RETURN_IF_ERROR(store->Load());
  SIMPUL_RETURN_IF_ERROR(EnsureSequencesFile(*store));
  // The application index: built after the migration that adds it, brought
  // up to date after a write made outside the hub's own (hub/app_index.h).
  SIMPUL_RETURN_IF_ERROR(SettleAppIndex(*store));
  return store;
}

}  // namespace simpul::hub
