#include "node/store.h"

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>

#include "schema/ids.h"
#include "schema/indicators.h"
#include "schema/messages.h"
#include "schema/migrations.h"
#include "schema/regions.h"
#include "schema/store_files.h"
#include "sync/audit.h"

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

Status MapOpenError(const Status& st, const std::string& dir) {
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

std::string NodeStore::BlobPath(const std::string& sha) const {
  return dir_ + "/blobs/" + sha.substr(0, 2) + "/" + sha.substr(2);
}

Status NodeStore::Audit(const std::string& action, const std::string& subject, const std::string& detail) {
  std::string who = actor_;
  if (who.empty()) {  // setup mode (no accounts yet): the name the environment gives
    const char* env = std::getenv("SIMPUL_OPERATOR");
    if (!env || !*env) env = std::getenv("USER");
    who = std::string(env && *env ? env : "operator") + " (no account)";
  }
  return sync::AppendVillageAudit(db_, *writer_, *hlc_, village_, who, action, subject, detail);
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
                                                   sync::Clock* clock) {
  SIMPUL_ASSIGN_OR_RETURN(auto level, schema::ValidateRegionCode(village, nullptr));
  if (level != schema::RegionLevel::kVillage)
    return Status::InvalidArgument("not a village code")
        .WithField("village")
        .WithMsg(MsgId::kRegionNotVillage, {village});
  // Check the village exists before creating anything on disk.
  {
    auto probe = Db::Open(":memory:", Db::Mode::kCreate);
    if (!probe.ok()) return probe.status();
    SIMPUL_RETURN_IF_ERROR(schema::Migrate(*probe));
    SIMPUL_RETURN_IF_ERROR(schema::LoadRegionsForVillage(*probe, village));
  }
  std::error_code ec;
  bool had_db = fs::exists(DbPath(dir));
  fs::create_directories(dir + "/blobs", ec);
  if (ec) return Status::IoError("cannot create " + dir + ": " + ec.message());
  ::chmod(dir.c_str(), 0700);  // personal data: owner only
  if (fs::exists(DbPath(dir))) {
    auto existing = Open(dir, clock);
    if (existing.ok())
      return Status::AlreadyExists("store exists")
          .WithMsg(MsgId::kStoreExists, {dir, (*existing)->village()});
    if (!existing.status().msg_id() ||
        *existing.status().msg_id() != MsgId::kStoreNotSimpul)
      return std::move(existing).TakeStatus();
    // Reuse only an empty file or one of our own interrupted inits (it has
    // our meta table but no store_kind); never write into a foreign database.
    auto probe = Db::Open(DbPath(dir), Db::Mode::kReadOnly);
    if (!probe.ok()) return MapOpenError(probe.status(), dir);
    auto q = probe->Prepare("SELECT count(*), sum(name='meta') FROM sqlite_master WHERE type='table'");
    if (!q.ok()) return MapOpenError(q.status(), dir);
    auto row = q->Step();
    if (!row.ok()) return MapOpenError(row.status(), dir);
    if (q->Int(0) > 0 && q->Int(1) == 0) return std::move(existing).TakeStatus();
  }
  auto created = [&]() -> Result<std::unique_ptr<NodeStore>> {
    auto db = Db::Open(DbPath(dir), Db::Mode::kCreate);
    if (!db.ok()) return MapOpenError(db.status(), dir);
    ::chmod(DbPath(dir).c_str(), 0600);
    auto store = std::unique_ptr<NodeStore>(new NodeStore(std::move(db).value(), dir, clock));
    Db& d = store->db_;
    SIMPUL_RETURN_IF_ERROR(MapOpenError(d.UseWal(), dir));
    SIMPUL_RETURN_IF_ERROR(MapOpenError(schema::Migrate(d), dir));
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
  }
  return created;
}

Result<std::unique_ptr<NodeStore>> NodeStore::Open(const std::string& dir, sync::Clock* clock) {
  if (!fs::is_directory(dir) || !fs::exists(DbPath(dir)))
    return Status::FailedPrecondition("no store in " + dir).WithMsg(MsgId::kStoreMissing, {dir});
  auto db = Db::Open(DbPath(dir), Db::Mode::kReadWrite);
  if (!db.ok()) return MapOpenError(db.status(), dir);
  auto store = std::unique_ptr<NodeStore>(new NodeStore(std::move(db).value(), dir, clock));
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
  SIMPUL_RETURN_IF_ERROR(MapOpenError(store->db_.UseWal(), dir));
  SIMPUL_RETURN_IF_ERROR(MapOpenError(schema::Migrate(store->db_), dir));
  SIMPUL_RETURN_IF_ERROR(MapOpenError(store->LoadIdentity(), dir));
  return store;
}

}  // namespace simpul::node
