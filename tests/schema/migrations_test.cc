// Tests for schema/migrations.h and the store-opening checks of schema/db.h:
// fresh stores, upgrades from every released version, refusal of newer
// stores without touching them, and files that are not databases.
#include "schema/migrations.h"

#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

#include "schema/db.h"
#include "schema/messages.h"
#include "tests/support/temp_dir.h"
#include "tests/support/memory_db.h"

namespace simpul::schema {
namespace {

using simpul::testing::TempDir;

Db OpenOrDie(const std::string& path, Db::Mode mode = Db::Mode::kCreate) {
  auto r = Db::Open(path, mode);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  return std::move(r).value();
}

void ExecOrDie(Db& db, const std::string& sql) {
  Status st = db.Exec(sql);
  REQUIRE_MESSAGE(st.ok(), (st.ToString() + " in: " + sql));
}

using testing::QueryInt;

using testing::QueryText;

int UserVersion(Db& db) {
  auto v = ReadSchemaVersion(db);
  REQUIRE_MESSAGE(v.ok(), v.status().ToString());
  return *v;
}

// Every object in sqlite_master, rendered so two schemas compare as strings.
std::vector<std::string> SchemaSnapshot(Db& db) {
  auto st = db.Prepare(
      "SELECT type, name, tbl_name, coalesce(sql,'') FROM sqlite_master ORDER BY type, name");
  REQUIRE(st.ok());
  std::vector<std::string> out;
  for (;;) {
    auto row = st->Step();
    REQUIRE(row.ok());
    if (!*row) break;
    out.push_back(st->Text(0) + "|" + st->Text(1) + "|" + st->Text(2) + "|" + st->Text(3));
  }
  return out;
}

std::set<std::string> TableNames(Db& db) {
  auto names = testing::QueryColumn(db, "SELECT name FROM sqlite_master WHERE type='table'");
  return {names.begin(), names.end()};
}

const std::set<std::string> kV1Tables = {"meta", "regions", "indicator_sets"};
const std::set<std::string> kV2Tables = {"households", "persons",        "applications",
                                         "complaints", "attachments",    "events",
                                         "field_versions", "outbox",     "outbox_fields"};

// Inserts rows that are valid at schema version `v` (each version adds its
// own tables' rows, so seeding at v also seeds what v-1 had).
void SeedAt(Db& db, int v) {
  if (v >= 1) {
    ExecOrDie(db, "INSERT INTO meta(key,value) VALUES('store_id','node-35100120010001')");
    ExecOrDie(db, "INSERT INTO regions(code,name,level,edition) "
                  "VALUES('35.10.01.2001','Sarongan',4,'2025')");
    ExecOrDie(db, "INSERT INTO indicator_sets(set_id,version,title,definition) "
                  "VALUES('kepmensos-262',1,'Kriteria Fakir Miskin','set = kepmensos-262')");
  }
  if (v >= 2) {
    ExecOrDie(db, "INSERT INTO households(id,village,no_kk,address,rt,rw) VALUES"
                  "('hh-1','35.10.01.2001','3510011211870001','Dusun Krajan','001','002')");
    ExecOrDie(db, "INSERT INTO persons(id,village,household_id,nik,name,sex,relation) VALUES"
                  "('p-1','35.10.01.2001','hh-1','3510011211870001','Budi','L',1)");
    ExecOrDie(db, "INSERT INTO outbox(change_id,tbl,row_id,village,hlc,node_id) VALUES"
                  "('0000000000010000.n1','households','hh-1','35.10.01.2001',"
                  "'0000000000010000.n1','n1')");
    ExecOrDie(db, "INSERT INTO outbox_fields(seq,field,value,base) VALUES(1,'no_kk',"
                  "'3510011211870001',NULL)");
    ExecOrDie(db, "INSERT INTO field_versions(tbl,row_id,field,version) VALUES"
                  "('households','hh-1','no_kk','0000000000010000.n1')");
  }
}

void CheckSeeded(Db& db, int v) {
  if (v >= 1) {
    CHECK(QueryText(db, "SELECT value FROM meta WHERE key='store_id'") == "node-35100120010001");
    CHECK(QueryText(db, "SELECT name FROM regions WHERE code='35.10.01.2001'") == "Sarongan");
    CHECK(QueryInt(db, "SELECT count(*) FROM indicator_sets") == 1);
  }
  if (v >= 2) {
    CHECK(QueryText(db, "SELECT no_kk FROM households WHERE id='hh-1'") == "3510011211870001");
    CHECK(QueryText(db, "SELECT name FROM persons WHERE id='p-1'") == "Budi");
    CHECK(QueryInt(db, "SELECT count(*) FROM outbox") == 1);
    CHECK(QueryInt(db, "SELECT count(*) FROM outbox_fields") == 1);
    CHECK(QueryInt(db, "SELECT count(*) FROM field_versions") == 1);
  }
}

std::vector<std::string> FreshLatestSchema() {
  Db db = OpenOrDie(":memory:");
  Status st = Migrate(db);
  REQUIRE_MESSAGE(st.ok(), st.ToString());
  return SchemaSnapshot(db);
}

TEST_CASE("LatestSchemaVersion is positive") {
  CHECK(LatestSchemaVersion() >= 2);
}

TEST_CASE("Migrate brings a fresh in-memory store to the latest version") {
  Db db = OpenOrDie(":memory:");
  CHECK(UserVersion(db) == 0);
  CHECK(TableNames(db).empty());
  Status st = Migrate(db);
  REQUIRE_MESSAGE(st.ok(), st.ToString());
  CHECK(UserVersion(db) == LatestSchemaVersion());
  std::set<std::string> tables = TableNames(db);
  for (const auto& t : kV1Tables) CHECK_MESSAGE(tables.count(t), t);
  for (const auto& t : kV2Tables) CHECK_MESSAGE(tables.count(t), t);

  // Idempotent: a second run changes nothing.
  auto before = SchemaSnapshot(db);
  st = Migrate(db);
  REQUIRE_MESSAGE(st.ok(), st.ToString());
  CHECK(SchemaSnapshot(db) == before);
  CHECK(UserVersion(db) == LatestSchemaVersion());

  // The store is usable at the latest version.
  SeedAt(db, LatestSchemaVersion());
  CheckSeeded(db, LatestSchemaVersion());
}

TEST_CASE("Migrate a fresh temp-file store; the version survives a reopen") {
  TempDir dir;
  const std::string path = dir.File("simpul.db");
  {
    Db db = OpenOrDie(path, Db::Mode::kCreate);
    // Open alone does not change the journal mode (a foreign file must not
    // be modified); the store switches to WAL once the file is known good.
    CHECK(QueryText(db, "PRAGMA journal_mode") == "delete");
    Status st = Migrate(db);
    REQUIRE_MESSAGE(st.ok(), st.ToString());
    st = db.UseWal();
    REQUIRE_MESSAGE(st.ok(), st.ToString());
    CHECK(QueryText(db, "PRAGMA journal_mode") == "wal");
    CHECK(QueryInt(db, "PRAGMA synchronous") == 1);  // NORMAL
    SeedAt(db, LatestSchemaVersion());
  }
  Db db = OpenOrDie(path, Db::Mode::kReadWrite);
  CHECK(UserVersion(db) == LatestSchemaVersion());
  CheckSeeded(db, LatestSchemaVersion());
  CHECK(SchemaSnapshot(db) == FreshLatestSchema());
  CHECK(QueryText(db, "PRAGMA journal_mode") == "wal");  // WAL is persistent
  CHECK(QueryInt(db, "PRAGMA foreign_keys") == 1);
  // Migrating an up-to-date store is a no-op.
  CHECK(Migrate(db).ok());
  CHECK(UserVersion(db) == LatestSchemaVersion());
}

TEST_CASE("UseWal on an in-memory store is harmless") {
  Db db = OpenOrDie(":memory:");
  Status st = db.UseWal();
  CHECK_MESSAGE(st.ok(), st.ToString());
  CHECK(QueryText(db, "PRAGMA journal_mode") == "memory");
  REQUIRE(Migrate(db).ok());
}

TEST_CASE("Migrate stops at an explicit target and never downgrades") {
  Db db = OpenOrDie(":memory:");
  for (int v = 0; v <= LatestSchemaVersion(); ++v) {
    CAPTURE(v);
    Status st = Migrate(db, v);
    REQUIRE_MESSAGE(st.ok(), st.ToString());
    CHECK(UserVersion(db) == v);
  }
  std::set<std::string> tables = TableNames(db);
  for (const auto& t : kV2Tables) CHECK(tables.count(t));
  // Asking for an older version is not a downgrade.
  Status st = Migrate(db, 1);
  CHECK(st.ok());
  CHECK(UserVersion(db) == LatestSchemaVersion());
  CHECK(TableNames(db) == tables);
}

TEST_CASE("Migrate upgrades from every older version, keeping the data") {
  const int latest = LatestSchemaVersion();
  const auto fresh = FreshLatestSchema();
  for (int v = 0; v < latest; ++v) {
    CAPTURE(v);
    TempDir dir;
    const std::string path = dir.File("old.db");
    {
      Db db = OpenOrDie(path, Db::Mode::kCreate);
      Status st = Migrate(db, v);
      REQUIRE_MESSAGE(st.ok(), st.ToString());
      REQUIRE(UserVersion(db) == v);
      // Only the tables of version v exist.
      std::set<std::string> tables = TableNames(db);
      for (const auto& t : kV1Tables) CHECK(tables.count(t) == (v >= 1 ? 1u : 0u));
      for (const auto& t : kV2Tables) CHECK(tables.count(t) == (v >= 2 ? 1u : 0u));
      SeedAt(db, v);
    }
    // The old store is reopened by a newer binary and upgraded.
    Db db = OpenOrDie(path, Db::Mode::kReadWrite);
    Status st = Migrate(db);
    REQUIRE_MESSAGE(st.ok(), st.ToString());
    CHECK(UserVersion(db) == latest);
    CheckSeeded(db, v);
    // An upgraded store has exactly the schema of a fresh one.
    CHECK(SchemaSnapshot(db) == fresh);
    // And accepts the data of the newer versions.
    if (v < 2) {
      ExecOrDie(db, "INSERT INTO households(id,village) VALUES('hh-new','35.10.01.2001')");
      CHECK(QueryInt(db, "SELECT count(*) FROM households WHERE id='hh-new'") == 1);
    }
  }
}

TEST_CASE("A failing migration leaves the store at the old version") {
  Db db = OpenOrDie(":memory:");
  REQUIRE(Migrate(db, 1).ok());
  SeedAt(db, 1);
  // A stray table named like the last table of migration 2 makes it fail
  // after it has already created the earlier ones.
  ExecOrDie(db, "CREATE TABLE outbox_fields(x)");
  auto before = SchemaSnapshot(db);
  Status st = Migrate(db);
  CHECK_FALSE(st.ok());
  CHECK(UserVersion(db) == 1);
  CHECK(SchemaSnapshot(db) == before);
  CHECK(TableNames(db).count("households") == 0);
  CheckSeeded(db, 1);
  // The connection is not left inside a transaction.
  auto txn = Transaction::Begin(db);
  CHECK_MESSAGE(txn.ok(), txn.status().ToString());
}

TEST_CASE("Migrate refuses a store newer than this binary and leaves it untouched") {
  const int latest = LatestSchemaVersion();
  for (int too_new : {latest + 1, latest + 100}) {
    CAPTURE(too_new);
    TempDir dir;
    const std::string path = dir.File("future.db");
    std::vector<std::string> before;
    {
      Db db = OpenOrDie(path, Db::Mode::kCreate);
      // A store written by a future Simpul: today's schema plus a table we
      // do not know.
      REQUIRE(Migrate(db).ok());
      SeedAt(db, latest);
      ExecOrDie(db, "CREATE TABLE future_things(id TEXT PRIMARY KEY, v TEXT)");
      ExecOrDie(db, "INSERT INTO future_things VALUES('a','keep me')");
      ExecOrDie(db, "PRAGMA user_version=" + std::to_string(too_new));
      before = SchemaSnapshot(db);
    }
    const std::string bytes_before = simpul::testing::ReadFile(path);
    REQUIRE_FALSE(bytes_before.empty());
    {
      Db db = OpenOrDie(path, Db::Mode::kReadWrite);
      REQUIRE(UserVersion(db) == too_new);

      for (int target : {-1, 1, latest}) {
        CAPTURE(target);
        Status st = Migrate(db, target);
        REQUIRE_FALSE(st.ok());
        CHECK(st.code() == Code::kVersionTooNew);
        CHECK(st.IsVersionMismatch());
        REQUIRE(st.msg_id().has_value());
        CHECK(*st.msg_id() == MsgId::kStoreTooNew);
        CHECK(st.args() ==
              std::vector<std::string>{path, std::to_string(too_new), std::to_string(latest)});
        std::string id_text = Describe(Lang::kId, st);
        CHECK(id_text.find(std::to_string(too_new)) != std::string::npos);
        CHECK(id_text.find("tidak diubah") != std::string::npos);
        CHECK(Describe(Lang::kEn, st).find("nothing was changed") != std::string::npos);

        CHECK(UserVersion(db) == too_new);
        CHECK(SchemaSnapshot(db) == before);
        CHECK(QueryText(db, "SELECT v FROM future_things WHERE id='a'") == "keep me");
        CheckSeeded(db, latest);
      }
      // Seen by a second connection, too: nothing was committed.
      Db other = OpenOrDie(path, Db::Mode::kReadOnly);
      CHECK(UserVersion(other) == too_new);
      CHECK(SchemaSnapshot(other) == before);
    }
    // Byte for byte: opening and refusing did not write to the file, and left
    // no journal behind.
    CHECK((simpul::testing::ReadFile(path) == bytes_before));  // no decomposition: binary
    CHECK(simpul::testing::ReadFile(path + "-wal").empty());
    CHECK(simpul::testing::ReadFile(path + "-journal").empty());
  }
}

TEST_CASE("Migrate refuses a bare too-new store without creating any table") {
  Db db = OpenOrDie(":memory:");
  ExecOrDie(db, "PRAGMA user_version=" + std::to_string(LatestSchemaVersion() + 1));
  Status st = Migrate(db);
  CHECK(st.code() == Code::kVersionTooNew);
  CHECK(TableNames(db).empty());
  CHECK(UserVersion(db) == LatestSchemaVersion() + 1);
}

TEST_CASE("Db::Open refuses a file that is not a database") {
  std::string random_bytes(8192, '\0');
  uint32_t x = 2463534242u;  // xorshift: deterministic garbage
  for (auto& c : random_bytes) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    c = static_cast<char>(x & 0xff);
  }
  std::string text;
  for (int i = 0; i < 200; ++i) text += "NIK,nama\n3510011211870001,Budi\n";
  // Starts like an SQLite file but the header is garbage.
  std::string fake_header = std::string("SQLite format 3", 16) + random_bytes.substr(16, 4096);

  struct Case {
    const char* name;
    std::string bytes;
  };
  const Case cases[] = {
      {"random bytes", random_bytes},
      {"a CSV file", text},
      {"SQLite magic with a garbage header", fake_header},
      {"all 0xff", std::string(4096, '\xff')},
  };
  for (const auto& c : cases) {
    CAPTURE(std::string(c.name));
    TempDir dir;
    const std::string path = dir.File("garbage.db");
    simpul::testing::WriteFile(path, c.bytes);
    for (auto mode : {Db::Mode::kReadWrite, Db::Mode::kCreate, Db::Mode::kReadOnly}) {
      CAPTURE(static_cast<int>(mode));
      auto r = Db::Open(path, mode);
      REQUIRE_FALSE(r.ok());
      CHECK_MESSAGE(r.status().IsCorruption(), r.status().ToString());
    }
    // The file was not modified by the attempts.
    CHECK((simpul::testing::ReadFile(path) == c.bytes));  // no decomposition: binary
  }
}

TEST_CASE("Db::Open without kCreate refuses a missing file") {
  TempDir dir;
  auto r = Db::Open(dir.File("missing.db"), Db::Mode::kReadWrite);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Code::kIoError);
  CHECK(simpul::testing::ReadFile(dir.File("missing.db")).empty());
}

TEST_CASE("Transaction rolls back unless committed") {
  Db db = OpenOrDie(":memory:");
  REQUIRE(Migrate(db).ok());
  {
    auto txn = Transaction::Begin(db);
    REQUIRE(txn.ok());
    ExecOrDie(db, "INSERT INTO meta(key,value) VALUES('a','1')");
  }
  CHECK(QueryInt(db, "SELECT count(*) FROM meta WHERE key='a'") == 0);
  {
    auto txn = Transaction::Begin(db);
    REQUIRE(txn.ok());
    ExecOrDie(db, "INSERT INTO meta(key,value) VALUES('a','2')");
    REQUIRE(txn->Commit().ok());
  }
  CHECK(QueryText(db, "SELECT value FROM meta WHERE key='a'") == "2");
}

}  // namespace
}  // namespace simpul::schema
