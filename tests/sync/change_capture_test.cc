// Tests for sync/change_capture.h: a local write and its outbox record commit
// together, per-field base versions, ownership, rollback, and the persisted
// HLC stamp.
#include "sync/change_capture.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "schema/db.h"
#include "schema/migrations.h"
#include "schema/tables.h"
#include "sync/hlc.h"
#include "tests/support/temp_dir.h"
#include "tests/support/memory_db.h"

namespace simpul::sync {
namespace {

using schema::Db;
using schema::Transaction;
using schema::Value;

constexpr uint64_t kT = 1'700'000'000'000ULL;  // Nov 2023, in ms
const std::string kVillage = "35.10.01.2001";

class FakeClock : public Clock {
 public:
  explicit FakeClock(uint64_t now) : now(now) {}
  uint64_t NowMs() override { return now; }
  uint64_t now;
};

Db OpenMigrated(const std::string& path) {
  auto r = Db::Open(path, Db::Mode::kCreate);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  Db db = std::move(r).value();
  Status st = schema::Migrate(db);
  REQUIRE_MESSAGE(st.ok(), st.ToString());
  st = db.UseWal();
  REQUIRE_MESSAGE(st.ok(), st.ToString());
  return db;
}

Stamp LastStamp(Db& db) {
  auto last = LoadLastStamp(db);
  REQUIRE_MESSAGE(last.ok(), last.status().ToString());
  return *last;
}

// A migrated temp-file store with a hand-set clock.
struct Store {
  Store() : db(OpenMigrated(dir.File("node.db"))), clock(kT), hlc(&clock, "node-a") {}
  simpul::testing::TempDir dir;
  Db db;
  FakeClock clock;
  Hlc hlc;
};

using testing::QueryInt;

// The first column of the first row, or "<none>" when there is no row and
// "<null>" for NULL.
std::string QueryText(Db& db, const std::string& sql) {
  auto st = db.Prepare(sql);
  REQUIRE_MESSAGE(st.ok(), (st.status().ToString() + " in: " + sql));
  auto row = st->Step();
  REQUIRE_MESSAGE(row.ok(), row.status().ToString());
  if (!*row) return "<none>";
  if (st->IsNullAt(0)) return "<null>";
  return st->Text(0);
}

int64_t Count(Db& db, const std::string& table) {
  return QueryInt(db, "SELECT count(*) FROM " + table);
}

const schema::TableDef& Table(const char* name) {
  const schema::TableDef* t = schema::FindTable(name);
  REQUIRE_MESSAGE(t, name);
  return *t;
}

// Runs one Write in its own transaction and commits it when it succeeded.
Result<WriteOutcome> WriteCommitted(Store& s, Role role, const char* table, const std::string& id,
                                    const std::vector<FieldWrite>& fields,
                                    const std::string& village = kVillage) {
  ChangeWriter writer(s.db, s.hlc, role);
  auto txn = Transaction::Begin(s.db);
  REQUIRE_MESSAGE(txn.ok(), txn.status().ToString());
  auto out = writer.Write(Table(table), id, village, fields);
  if (out.ok()) {
    Status st = txn->Commit();
    REQUIRE_MESSAGE(st.ok(), st.ToString());
  }
  return out;
}

FieldWrite F(const char* field, const char* text) { return {field, Value(std::string(text))}; }
FieldWrite F(const char* field, int64_t v) { return {field, Value(v)}; }
FieldWrite F(const char* field, double v) { return {field, Value(v)}; }
FieldWrite Null(const char* field) { return {field, Value()}; }

TEST_CASE("a village write of a new row creates the row and one outbox record") {
  Store s;
  auto out = WriteCommitted(s, Role::kVillage, "households", "hh-1",
                            {F("no_kk", "3510011211870001"), F("address", "Dusun Krajan"),
                             F("rt", "001")});
  REQUIRE_MESSAGE(out.ok(), out.status().ToString());
  const std::string v1 = Hlc::FormatVersion(Stamp::Make(kT, 0), "node-a");
  CHECK(out->change_id == v1);
  CHECK(out->fields_changed == 3);

  // The row.
  CHECK(Count(s.db, "households") == 1);
  CHECK(QueryText(s.db, "SELECT village FROM households WHERE id='hh-1'") == kVillage);
  CHECK(QueryText(s.db, "SELECT no_kk FROM households WHERE id='hh-1'") == "3510011211870001");
  CHECK(QueryText(s.db, "SELECT address FROM households WHERE id='hh-1'") == "Dusun Krajan");
  CHECK(QueryText(s.db, "SELECT rt FROM households WHERE id='hh-1'") == "001");
  CHECK(QueryText(s.db, "SELECT rw FROM households WHERE id='hh-1'") == "<null>");

  // One change record.
  REQUIRE(Count(s.db, "outbox") == 1);
  CHECK(QueryText(s.db, "SELECT change_id FROM outbox") == v1);
  CHECK(QueryText(s.db, "SELECT tbl FROM outbox") == "households");
  CHECK(QueryText(s.db, "SELECT row_id FROM outbox") == "hh-1");
  CHECK(QueryText(s.db, "SELECT village FROM outbox") == kVillage);
  CHECK(QueryText(s.db, "SELECT hlc FROM outbox") == v1);
  CHECK(QueryText(s.db, "SELECT node_id FROM outbox") == "node-a");
  CHECK(QueryText(s.db, "SELECT state FROM outbox") == "pending");
  CHECK(QueryText(s.db, "SELECT refusal FROM outbox") == "<null>");

  // Its fields, all based on nothing (a new row).
  const int64_t seq = QueryInt(s.db, "SELECT seq FROM outbox");
  CHECK(Count(s.db, "outbox_fields") == 3);
  CHECK(QueryInt(s.db, "SELECT count(*) FROM outbox_fields WHERE seq=" + std::to_string(seq)) == 3);
  CHECK(QueryInt(s.db, "SELECT count(*) FROM outbox_fields WHERE base IS NOT NULL") == 0);
  CHECK(QueryText(s.db, "SELECT value FROM outbox_fields WHERE field='no_kk'") ==
        "3510011211870001");
  CHECK(QueryText(s.db, "SELECT value FROM outbox_fields WHERE field='address'") ==
        "Dusun Krajan");
  CHECK(QueryText(s.db, "SELECT value FROM outbox_fields WHERE field='rt'") == "001");
  CHECK(QueryText(s.db, "SELECT typeof(value) FROM outbox_fields WHERE field='rt'") == "text");

  // Each written field now holds the change's version.
  CHECK(Count(s.db, "field_versions") == 3);
  CHECK(QueryInt(s.db, "SELECT count(*) FROM field_versions WHERE tbl='households' AND "
                       "row_id='hh-1' AND version='" + v1 + "'") == 3);

  // The HLC stamp is persisted with the write (as the outbox record's stamp).
  CHECK(LastStamp(s.db) == Stamp::Make(kT, 0));
  CHECK(s.hlc.last() == Stamp::Make(kT, 0));
}

TEST_CASE("a second write records the version it was based on") {
  Store s;
  auto first = WriteCommitted(s, Role::kVillage, "households", "hh-1",
                              {F("no_kk", "3510011211870001"), F("address", "Dusun Krajan")});
  REQUIRE(first.ok());
  const std::string v1 = first->change_id;

  s.clock.now = kT + 10;
  auto second = WriteCommitted(s, Role::kVillage, "households", "hh-1",
                               {F("address", "Dusun Sumberagung")});
  REQUIRE_MESSAGE(second.ok(), second.status().ToString());
  const std::string v2 = second->change_id;
  CHECK(v2 == Hlc::FormatVersion(Stamp::Make(kT + 10, 0), "node-a"));
  CHECK(v1 < v2);
  CHECK(second->fields_changed == 1);

  CHECK(Count(s.db, "households") == 1);
  CHECK(QueryText(s.db, "SELECT address FROM households WHERE id='hh-1'") == "Dusun Sumberagung");
  CHECK(QueryText(s.db, "SELECT no_kk FROM households WHERE id='hh-1'") == "3510011211870001");

  REQUIRE(Count(s.db, "outbox") == 2);
  const std::string seq2 = QueryText(s.db, "SELECT seq FROM outbox WHERE change_id='" + v2 + "'");
  CHECK(QueryInt(s.db, "SELECT count(*) FROM outbox_fields WHERE seq=" + seq2) == 1);
  CHECK(QueryText(s.db, "SELECT field FROM outbox_fields WHERE seq=" + seq2) == "address");
  CHECK(QueryText(s.db, "SELECT value FROM outbox_fields WHERE seq=" + seq2) ==
        "Dusun Sumberagung");
  CHECK(QueryText(s.db, "SELECT base FROM outbox_fields WHERE seq=" + seq2) == v1);

  // Per-field versions: only the written field moved.
  CHECK(QueryText(s.db, "SELECT version FROM field_versions WHERE field='address'") == v2);
  CHECK(QueryText(s.db, "SELECT version FROM field_versions WHERE field='no_kk'") == v1);

  SUBCASE("a third write is based on the second") {
    auto third = WriteCommitted(s, Role::kVillage, "households", "hh-1",
                                {F("address", "Dusun Krajan")});
    REQUIRE(third.ok());
    CHECK(v2 < third->change_id);
    const std::string seq3 =
        QueryText(s.db, "SELECT seq FROM outbox WHERE change_id='" + third->change_id + "'");
    CHECK(QueryText(s.db, "SELECT base FROM outbox_fields WHERE seq=" + seq3) == v2);
  }
  SUBCASE("unchanged fields in a mixed write are not recorded") {
    auto mixed = WriteCommitted(s, Role::kVillage, "households", "hh-1",
                                {F("no_kk", "3510011211870001"), F("rt", "002"),
                                 F("address", "Dusun Sumberagung")});
    REQUIRE(mixed.ok());
    CHECK(mixed->fields_changed == 1);
    const std::string seq3 =
        QueryText(s.db, "SELECT seq FROM outbox WHERE change_id='" + mixed->change_id + "'");
    CHECK(QueryInt(s.db, "SELECT count(*) FROM outbox_fields WHERE seq=" + seq3) == 1);
    CHECK(QueryText(s.db, "SELECT field FROM outbox_fields WHERE seq=" + seq3) == "rt");
    // rt was never written before: no base.
    CHECK(QueryText(s.db, "SELECT base FROM outbox_fields WHERE seq=" + seq3) == "<null>");
    CHECK(QueryText(s.db, "SELECT version FROM field_versions WHERE field='no_kk'") == v1);
  }
}

TEST_CASE("writing unchanged values records nothing") {
  Store s;
  auto first = WriteCommitted(
      s, Role::kVillage, "persons", "p-1",
      {F("name", "Siti Aminah"), F("sex", "P"), F("relation", int64_t{3}), Null("phone")});
  REQUIRE_MESSAGE(first.ok(), first.status().ToString());
  auto app = WriteCommitted(s, Role::kVillage, "applications", "a-1",
                            {F("type", "sktm"), F("score", 2.5), F("indicator_version", int64_t{1})});
  REQUIRE_MESSAGE(app.ok(), app.status().ToString());
  // The integer keeps its type in the outbox.
  CHECK(QueryText(s.db, "SELECT typeof(value) FROM outbox_fields WHERE field='relation'") ==
        "integer");
  CHECK(QueryText(s.db, "SELECT typeof(value) FROM outbox_fields WHERE field='score'") == "real");

  const int64_t outbox = Count(s.db, "outbox");
  const int64_t fields = Count(s.db, "outbox_fields");
  const Stamp last = s.hlc.last();
  const Stamp persisted = LastStamp(s.db);
  CHECK(persisted == last);
  s.clock.now = kT + 1000;

  struct Case {
    const char* name;
    const char* table;
    const char* id;
    std::vector<FieldWrite> fields;
  };
  const Case cases[] = {
      {"same text", "persons", "p-1", {F("name", "Siti Aminah")}},
      {"same integer", "persons", "p-1", {F("relation", int64_t{3})}},
      {"same NULL", "persons", "p-1", {Null("phone")}},
      {"several unchanged", "persons", "p-1",
       {F("sex", "P"), F("name", "Siti Aminah"), F("relation", int64_t{3})}},
      {"never written field still NULL", "persons", "p-1", {Null("birth_place")}},
      {"same real", "applications", "a-1", {F("score", 2.5)}},
      {"no fields at all", "applications", "a-1", {}},
  };
  for (const auto& c : cases) {
    CAPTURE(std::string(c.name));
    ChangeWriter writer(s.db, s.hlc, Role::kVillage);
    auto txn = Transaction::Begin(s.db);
    REQUIRE(txn.ok());
    auto out = writer.Write(Table(c.table), c.id, kVillage, c.fields);
    REQUIRE_MESSAGE(out.ok(), out.status().ToString());
    CHECK(out->change_id.empty());
    CHECK(out->fields_changed == 0);
    REQUIRE(txn->Commit().ok());
    CHECK(Count(s.db, "outbox") == outbox);
    CHECK(Count(s.db, "outbox_fields") == fields);
    CHECK(s.hlc.last() == last);  // no stamp was spent
    CHECK(LastStamp(s.db) == persisted);
  }
  // A changed value after all that is recorded again.
  auto changed = WriteCommitted(s, Role::kVillage, "persons", "p-1", {F("relation", int64_t{4})});
  REQUIRE(changed.ok());
  CHECK(changed->fields_changed == 1);
  CHECK(Count(s.db, "outbox") == outbox + 1);
}

TEST_CASE("ownership: a node may not capture a write to a field it does not own") {
  Store s;
  struct Case {
    const char* name;
    Role role;
    const char* table;
    std::vector<FieldWrite> fields;
    const char* denied_field;
  };
  const Case cases[] = {
      {"village writes applications.letter_number", Role::kVillage, "applications",
       {F("letter_number", "470/001/429.501.1/2025")}, "letter_number"},
      {"village field first, then the hub-owned one", Role::kVillage, "applications",
       {F("type", "sktm"), F("purpose", "berobat"), F("letter_number", "470/001")},
       "letter_number"},
      {"village writes persons.nik_status", Role::kVillage, "persons",
       {F("name", "Budi"), F("nik_status", "padan")}, "nik_status"},
      {"village writes complaints.case_number", Role::kVillage, "complaints",
       {F("case_number", "ADU-2025-0001")}, "case_number"},
      {"hub writes households.no_kk", Role::kHub, "households",
       {F("no_kk", "3510011211870001")}, "no_kk"},
      {"hub writes applications.purpose", Role::kHub, "applications",
       {F("notes", "shared is fine"), F("purpose", "berobat")}, "purpose"},
  };
  for (const auto& c : cases) {
    CAPTURE(std::string(c.name));
    ChangeWriter writer(s.db, s.hlc, c.role);
    const Stamp before = s.hlc.last();
    auto txn = Transaction::Begin(s.db);
    REQUIRE(txn.ok());
    auto out = writer.Write(Table(c.table), "row-1", kVillage, c.fields);
    REQUIRE_FALSE(out.ok());
    CHECK(out.status().code() == Code::kPermissionDenied);
    CHECK(out.status().field() == c.denied_field);
    // Even inside a transaction the caller goes on to commit, nothing was
    // written.
    REQUIRE(txn->Commit().ok());
    CHECK(Count(s.db, c.table) == 0);
    CHECK(Count(s.db, "outbox") == 0);
    CHECK(Count(s.db, "outbox_fields") == 0);
    CHECK(Count(s.db, "field_versions") == 0);
    CHECK(LastStamp(s.db) == Stamp{});
    CHECK(s.hlc.last() == before);
  }

  SUBCASE("what each role owns, and shared fields, are writable") {
    auto hub = WriteCommitted(s, Role::kHub, "applications", "a-1",
                              {F("letter_number", "470/001"), F("notes", "hub note")});
    REQUIRE_MESSAGE(hub.ok(), hub.status().ToString());
    auto village = WriteCommitted(s, Role::kVillage, "applications", "a-1",
                                  {F("purpose", "berobat"), F("notes", "village note")});
    REQUIRE_MESSAGE(village.ok(), village.status().ToString());
    CHECK(QueryText(s.db, "SELECT letter_number FROM applications WHERE id='a-1'") == "470/001");
    CHECK(QueryText(s.db, "SELECT notes FROM applications WHERE id='a-1'") == "village note");
    CHECK(QueryText(s.db, "SELECT base FROM outbox_fields WHERE field='notes' AND base IS NOT NULL") ==
          hub->change_id);
  }
  SUBCASE("MayWrite") {
    using schema::Owner;
    CHECK(MayWrite(Role::kVillage, Owner::kVillage));
    CHECK_FALSE(MayWrite(Role::kVillage, Owner::kHub));
    CHECK(MayWrite(Role::kVillage, Owner::kShared));
    CHECK(MayWrite(Role::kHub, Owner::kHub));
    CHECK_FALSE(MayWrite(Role::kHub, Owner::kVillage));
    CHECK(MayWrite(Role::kHub, Owner::kShared));
  }
}

TEST_CASE("unknown fields are refused before anything is written") {
  Store s;
  for (const char* field : {"nope", "id", "village", "no_kk; DROP TABLE outbox", ""}) {
    CAPTURE(std::string(field));
    auto out = WriteCommitted(s, Role::kVillage, "households", "hh-1",
                              {F("address", "x"), F(field, "y")});
    REQUIRE_FALSE(out.ok());
    CHECK(out.status().code() == Code::kInvalidArgument);
    CHECK(out.status().field() == field);
    CHECK(Count(s.db, "households") == 0);
    CHECK(Count(s.db, "outbox") == 0);
  }
}

TEST_CASE("a write naming a field twice is refused and writes nothing") {
  // The header promises "nothing is written if it fails": a caller that goes
  // on (or commits other writes in the same transaction) must not persist a
  // half-made change record.
  Store s;
  REQUIRE(WriteCommitted(s, Role::kVillage, "households", "hh-0", {F("address", "base")}).ok());
  const int64_t outbox = Count(s.db, "outbox");
  const int64_t fields = Count(s.db, "outbox_fields");
  for (const char* id : {"hh-1", "hh-0"}) {  // a new row, then an existing one
    CAPTURE(std::string(id));
    ChangeWriter writer(s.db, s.hlc, Role::kVillage);
    auto txn = Transaction::Begin(s.db);
    REQUIRE(txn.ok());
    auto out = writer.Write(Table("households"), id, kVillage,
                            {F("address", "first"), F("rt", "001"), F("address", "second")});
    CHECK_FALSE(out.ok());
    REQUIRE(txn->Commit().ok());
    CHECK(QueryInt(s.db, "SELECT count(*) FROM households WHERE id='hh-1'") == 0);
    CHECK(QueryText(s.db, "SELECT address FROM households WHERE id='hh-0'") == "base");
    CHECK(Count(s.db, "outbox") == outbox);
    CHECK(Count(s.db, "outbox_fields") == fields);
  }
}

TEST_CASE("rolling back the transaction leaves neither row nor outbox entry") {
  Store s;
  std::string rolled_back_id;
  {
    ChangeWriter writer(s.db, s.hlc, Role::kVillage);
    auto txn = Transaction::Begin(s.db);
    REQUIRE(txn.ok());
    auto out = writer.Write(Table("households"), "hh-1", kVillage,
                            {F("no_kk", "3510011211870001"), F("address", "Dusun Krajan")});
    REQUIRE_MESSAGE(out.ok(), out.status().ToString());
    rolled_back_id = out->change_id;
    // Inside the transaction the write is visible...
    CHECK(Count(s.db, "households") == 1);
    CHECK(Count(s.db, "outbox") == 1);
    // ...and the transaction is dropped without Commit (a crash, an error).
  }
  CHECK(Count(s.db, "households") == 0);
  CHECK(Count(s.db, "outbox") == 0);
  CHECK(Count(s.db, "outbox_fields") == 0);
  CHECK(Count(s.db, "field_versions") == 0);
  CHECK(LastStamp(s.db) == Stamp{});

  // Seen from a second connection too.
  auto other = Db::Open(s.dir.File("node.db"), Db::Mode::kReadOnly);
  REQUIRE(other.ok());
  CHECK(Count(*other, "households") == 0);
  CHECK(Count(*other, "outbox") == 0);

  // The next write starts a fresh record (no base from the rolled-back one).
  auto out = WriteCommitted(s, Role::kVillage, "households", "hh-1", {F("address", "Dusun Baru")});
  REQUIRE(out.ok());
  CHECK(out->change_id != rolled_back_id);
  CHECK(Count(s.db, "outbox") == 1);
  CHECK(QueryText(s.db, "SELECT base FROM outbox_fields") == "<null>");
  CHECK(QueryText(s.db, "SELECT no_kk FROM households WHERE id='hh-1'") == "<null>");
}

TEST_CASE("a write to an existing row keeps the row's village") {
  Store s;
  REQUIRE(WriteCommitted(s, Role::kVillage, "households", "hh-1", {F("address", "a")}).ok());
  auto out = WriteCommitted(s, Role::kVillage, "households", "hh-1", {F("address", "b")},
                            "35.10.01.2002");
  REQUIRE(out.ok());
  CHECK(QueryText(s.db, "SELECT village FROM households WHERE id='hh-1'") == kVillage);
  CHECK(QueryText(s.db, "SELECT village FROM outbox WHERE change_id='" + out->change_id + "'") ==
        kVillage);
}

TEST_CASE("event rows are append-only") {
  Store s;
  auto first = WriteCommitted(s, Role::kVillage, "events", "ev-1",
                              {F("subject_id", "a-1"), F("kind", "submitted"),
                               F("actor_role", "village")});
  REQUIRE_MESSAGE(first.ok(), first.status().ToString());
  auto again = WriteCommitted(s, Role::kVillage, "events", "ev-1", {F("kind", "withdrawn")});
  REQUIRE_FALSE(again.ok());
  CHECK(again.status().code() == Code::kFailedPrecondition);
  CHECK(QueryText(s.db, "SELECT kind FROM events WHERE id='ev-1'") == "submitted");
  CHECK(Count(s.db, "outbox") == 1);
  // Re-sending the same values is a harmless no-op.
  auto same = WriteCommitted(s, Role::kVillage, "events", "ev-1", {F("kind", "submitted")});
  REQUIRE(same.ok());
  CHECK(same->change_id.empty());
}

TEST_CASE("change ids increase with every write, even when the clock goes back") {
  Store s;
  std::string prev;
  const uint64_t times[] = {kT, kT, 0, kT - 5, kT + 1, kT + 1};
  int i = 0;
  for (uint64_t t : times) {
    s.clock.now = t;
    auto out = WriteCommitted(s, Role::kVillage, "persons", "p-" + std::to_string(i),
                              {F("name", "x")});
    REQUIRE(out.ok());
    CHECK(prev < out->change_id);
    prev = out->change_id;
    auto last = LoadLastStamp(s.db);
    REQUIRE(last.ok());
    CHECK(Hlc::FormatVersion(*last, "node-a") == out->change_id);
    ++i;
  }
  CHECK(Count(s.db, "outbox") == 6);
  CHECK(QueryInt(s.db, "SELECT count(DISTINCT change_id) FROM outbox") == 6);
}

TEST_CASE("LoadLastStamp is the newest of meta.hlc_last and the outbox") {
  Store s;
  REQUIRE(WriteCommitted(s, Role::kVillage, "persons", "p-1", {F("name", "a")}).ok());
  s.clock.now = kT + 50;
  auto second = WriteCommitted(s, Role::kVillage, "persons", "p-2", {F("name", "b")});
  REQUIRE(second.ok());
  const Stamp newest = Stamp::Make(kT + 50, 0);
  CHECK(LastStamp(s.db) == newest);

  SUBCASE("an older meta value does not hide the outbox") {
    REQUIRE(SaveLastStamp(s.db, Stamp::Make(kT - 1, 0)).ok());
    CHECK(LastStamp(s.db) == newest);
  }
  SUBCASE("a newer meta value wins") {
    REQUIRE(SaveLastStamp(s.db, Stamp::Make(kT + 99, 3)).ok());
    CHECK(LastStamp(s.db) == Stamp::Make(kT + 99, 3));
  }
  SUBCASE("saved before pruning the outbox, the stamp survives the prune") {
    REQUIRE(SaveLastStamp(s.db, LastStamp(s.db)).ok());
    REQUIRE(s.db.Exec("DELETE FROM outbox").ok());
    CHECK(Count(s.db, "outbox_fields") == 0);  // ON DELETE CASCADE
    CHECK(LastStamp(s.db) == newest);
    // A restarted node with its wall clock reset resumes after it.
    FakeClock reset(0);
    Hlc hlc(&reset, "node-a", LastStamp(s.db));
    ChangeWriter writer(s.db, hlc, Role::kVillage);
    auto txn = Transaction::Begin(s.db);
    REQUIRE(txn.ok());
    auto out = writer.Write(Table("persons"), "p-3", kVillage, {F("name", "c")});
    REQUIRE(out.ok());
    REQUIRE(txn->Commit().ok());
    CHECK(second->change_id < out->change_id);
  }
  SUBCASE("a restart resumes after the newest outbox change") {
    auto reopened = Db::Open(s.dir.File("node.db"), Db::Mode::kReadWrite);
    REQUIRE(reopened.ok());
    FakeClock reset(kT - 1000);
    Hlc hlc(&reset, "node-a", LastStamp(*reopened));
    CHECK(newest < hlc.Now());
  }
}

// The writer skips re-reading the stored stamp while nothing else was
// written: whatever was written meanwhile (by another connection or process,
// or through its own connection) must still be moved past.
TEST_CASE("a writer kept across writes moves past stamps stored meanwhile") {
  Store s;
  ChangeWriter writer(s.db, s.hlc, Role::kVillage);
  auto write = [&](const std::string& id) {
    auto txn = Transaction::Begin(s.db);
    REQUIRE(txn.ok());
    auto out = writer.Write(Table("persons"), id, kVillage, {F("name", "x")});
    REQUIRE_MESSAGE(out.ok(), out.status().ToString());
    REQUIRE(txn->Commit().ok());
    return out->change_id;
  };
  std::string first = write("p-1");
  CHECK(write("p-2") > first);  // nothing between: the cached state holds

  SUBCASE("another connection (another process) wrote with a clock ahead") {
    Db other = OpenMigrated(s.dir.File("node.db"));
    FakeClock ahead(kT + 60'000);
    Hlc hlc(&ahead, "node-a");
    ChangeWriter theirs(other, hlc, Role::kVillage);
    auto txn = Transaction::Begin(other);
    REQUIRE(txn.ok());
    auto out = theirs.Write(Table("persons"), "p-3", kVillage, {F("name", "y")});
    REQUIRE(out.ok());
    REQUIRE(txn->Commit().ok());
    CHECK(write("p-4") > out->change_id);
  }
  SUBCASE("a newer stamp saved through the same connection") {
    REQUIRE(SaveLastStamp(s.db, Stamp::Make(kT + 90'000, 0)).ok());
    CHECK(write("p-4") > Hlc::FormatVersion(Stamp::Make(kT + 90'000, 0), "node-a"));
  }
  SUBCASE("an outbox change written through the same connection by another clock") {
    FakeClock ahead(kT + 30'000);
    Hlc hlc(&ahead, "node-a");
    ChangeWriter mine(s.db, hlc, Role::kVillage);
    auto txn = Transaction::Begin(s.db);
    REQUIRE(txn.ok());
    auto out = mine.Write(Table("persons"), "p-3", kVillage, {F("name", "y")});
    REQUIRE(out.ok());
    REQUIRE(txn->Commit().ok());
    CHECK(write("p-4") > out->change_id);
  }
}

TEST_CASE("LoadLastStamp / SaveLastStamp round trip") {
  Store s;
  SUBCASE("an empty store has stamp zero") {
    auto last = LoadLastStamp(s.db);
    REQUIRE(last.ok());
    CHECK(*last == Stamp{});
  }
  SUBCASE("round trip") {
    // Ascending: a saved stamp never lowers the stored one (below).
    const Stamp cases[] = {Stamp{0},
                           Stamp::Make(1, 0),
                           Stamp{0x00e8d4a5100000abULL},
                           Stamp::Make(kT, 0xffff),
                           Stamp::Make((1ULL << 48) - 1, 0xffff)};
    for (const Stamp& st : cases) {
      CAPTURE(st.packed);
      REQUIRE(SaveLastStamp(s.db, st).ok());
      auto last = LoadLastStamp(s.db);
      REQUIRE(last.ok());
      CHECK(*last == st);
      CHECK(QueryInt(s.db, "SELECT count(*) FROM meta WHERE key='hlc_last'") == 1);
      const std::string stored = QueryText(s.db, "SELECT value FROM meta WHERE key='hlc_last'");
      CHECK(stored.size() == 16);
      CHECK(stored == Hlc::FormatVersion(st, "").substr(0, 16));
    }
  }
  SUBCASE("saving an older stamp never moves the stored one back") {
    // Two processes with their own clocks (the serving hub and an operator's
    // command): the one that lags must not undo the other's progress.
    REQUIRE(SaveLastStamp(s.db, Stamp::Make(kT + 500, 7)).ok());
    REQUIRE(SaveLastStamp(s.db, Stamp::Make(kT, 3)).ok());
    auto last = LoadLastStamp(s.db);
    REQUIRE(last.ok());
    CHECK(*last == Stamp::Make(kT + 500, 7));
    REQUIRE(SaveLastStamp(s.db, Stamp::Make(kT + 500, 8)).ok());
    last = LoadLastStamp(s.db);
    REQUIRE(last.ok());
    CHECK(*last == Stamp::Make(kT + 500, 8));
  }
  SUBCASE("the stamp survives a reopen and the clock resumes after it") {
    REQUIRE(SaveLastStamp(s.db, Stamp::Make(kT + 500, 7)).ok());
    auto reopened = Db::Open(s.dir.File("node.db"), Db::Mode::kReadWrite);
    REQUIRE(reopened.ok());
    auto last = LoadLastStamp(*reopened);
    REQUIRE(last.ok());
    CHECK(*last == Stamp::Make(kT + 500, 7));
    FakeClock behind(0);
    Hlc hlc(&behind, "node-a", *last);
    CHECK(Stamp::Make(kT + 500, 7) < hlc.Now());
  }
  SUBCASE("a malformed persisted stamp is corruption") {
    for (const char* bad : {"garbage", "", "000000000000000G", "0000000000000001junk",
                            "00000000000001"}) {
      CAPTURE(std::string(bad));
      auto st = s.db.Prepare(
          "INSERT INTO meta(key,value) VALUES('hlc_last',?) "
          "ON CONFLICT(key) DO UPDATE SET value=excluded.value");
      REQUIRE(st.ok());
      st->Bind(1, bad);
      REQUIRE(st->Run().ok());
      auto last = LoadLastStamp(s.db);
      REQUIRE_FALSE(last.ok());
      CHECK(last.status().IsCorruption());
    }
  }
}

}  // namespace
}  // namespace simpul::sync
