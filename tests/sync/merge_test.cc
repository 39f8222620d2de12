// Tests for sync/merge.h on migrated in-memory stores: fast-forward,
// idempotence, concurrent writes converging in either order with the same
// deterministic conflict, ownership, snapshots and repair, append-only
// events, field rules, scope, malformed changes, scope-out, writer roles.
#include "sync/merge.h"

#include <doctest/doctest.h>
#include <sodium.h>

#include <string>
#include <vector>

#include "schema/db.h"
#include "schema/ids.h"
#include "schema/migrations.h"
#include "sync/hlc.h"
#include "tests/support/change_fixture.h"

namespace simpul::sync {
namespace {

using schema::Db;
using schema::Value;

using testing::kHubId;
using testing::kOtherVillage;
using testing::kT;
using testing::kVillage;
using testing::NewDb;
using testing::V;


std::string NewRow(uint64_t ms = 0) { return schema::NewRowId(kT + ms); }

Change Make(const std::string& version, const std::string& table, const std::string& row,
            std::vector<FieldChange> fields, const std::string& village = kVillage, uint8_t flags = 0) {
  return Change{version, table, row, village, flags, std::move(fields)};
}

FieldChange F(const std::string& field, Value v, const std::string& base = "") {
  return FieldChange{field, std::move(v), base};
}
Value T(const char* s) { return Value(std::string(s)); }

ApplyResult MustApply(Db& db, const Change& c, Role writer = Role::kVillage, const std::string& scope = "") {
  Merger m(db);
  auto r = m.Apply(c, writer, scope);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  return std::move(r).value();
}

Status TryApply(Db& db, const Change& c, Role writer = Role::kVillage, const std::string& scope = "") {
  Merger m(db);
  return m.Apply(c, writer, scope).status();
}

// The value of `field` in row `id` of `table`, or "<no row>".
Value Cell(Db& db, const std::string& table, const std::string& id, const std::string& field) {
  auto st = db.Prepare("SELECT " + field + " FROM " + table + " WHERE id=?");
  REQUIRE_MESSAGE(st.ok(), st.status().ToString());
  st->Bind(1, id);
  auto row = st->Step();
  REQUIRE(row.ok());
  if (!*row) return T("<no row>");
  return st->Column(0);
}

std::string FieldVersion(Db& db, const std::string& table, const std::string& id, const std::string& field) {
  auto st = db.Prepare("SELECT version FROM field_versions WHERE tbl=? AND row_id=? AND field=?");
  REQUIRE(st.ok());
  st->Bind(1, table).Bind(2, id).Bind(3, field);
  auto row = st->Step();
  REQUIRE(row.ok());
  return *row ? st->Text(0) : std::string("<none>");
}

int64_t Count(Db& db, const std::string& sql, const std::string& bind = "") {
  auto st = db.Prepare(sql);
  REQUIRE_MESSAGE(st.ok(), st.status().ToString());
  if (!bind.empty()) st->Bind(1, bind);
  auto row = st->Step();
  REQUIRE(row.ok());
  REQUIRE(*row);
  return st->Int(0);
}

int64_t RowCount(Db& db, const std::string& table, const std::string& id) {
  return Count(db, "SELECT count(*) FROM " + table + " WHERE id=?", id);
}
int64_t VersionCount(Db& db, const std::string& id) {
  return Count(db, "SELECT count(*) FROM field_versions WHERE row_id=?", id);
}

TEST_CASE("a change based on our version fast-forwards") {
  Db db = NewDb();
  const std::string row = NewRow();
  const std::string v1 = V(1, "node-a"), v2 = V(2, "node-a");
  ApplyResult r1 = MustApply(db, Make(v1, "households", row, {F("address", T("Jl. Merdeka 1")), F("rt", T("001"))}));
  CHECK(r1.row_created);
  CHECK_FALSE(r1.already_applied);
  CHECK(r1.applied.size() == 2);
  CHECK(r1.conflicts.empty());
  CHECK(Cell(db, "households", row, "village") == Value(kVillage));
  CHECK(FieldVersion(db, "households", row, "address") == v1);

  ApplyResult r2 = MustApply(db, Make(v2, "households", row, {F("address", T("Jl. Merdeka 2"), v1)}));
  CHECK_FALSE(r2.row_created);
  REQUIRE(r2.applied.size() == 1);
  CHECK(r2.applied[0].field == "address");
  CHECK(r2.conflicts.empty());
  CHECK(Cell(db, "households", row, "address") == T("Jl. Merdeka 2"));
  CHECK(FieldVersion(db, "households", row, "address") == v2);
  // The other field keeps its own version.
  CHECK(Cell(db, "households", row, "rt") == T("001"));
  CHECK(FieldVersion(db, "households", row, "rt") == v1);
}

TEST_CASE("applying the same version twice is a no-op") {
  Db db = NewDb();
  const std::string row = NewRow();
  Change c = Make(V(1, "node-a"), "households", row, {F("address", T("A")), F("rt", T("002"))});
  MustApply(db, c);
  ApplyResult again = MustApply(db, c);
  CHECK(again.already_applied);
  CHECK(again.applied.empty());
  CHECK(again.conflicts.empty());
  CHECK_FALSE(again.row_created);
  CHECK(Cell(db, "households", row, "address") == T("A"));
  CHECK(VersionCount(db, row) == 2);
  // Even after a newer write, the old change re-sent changes nothing.
  MustApply(db, Make(V(5, "node-a"), "households", row, {F("address", T("B"), V(1, "node-a"))}));
  ApplyResult stale = MustApply(db, Make(V(1, "node-a"), "households", row, {F("address", T("A"))}));
  CHECK(stale.applied.empty());
  CHECK(Cell(db, "households", row, "address") == T("B"));
}

TEST_CASE("concurrent writes converge in both orders with the same conflict") {
  struct Case {
    const char* name;
    std::string va, vb;  // versions of the two concurrent writes
  };
  const Case cases[] = {
      {"b later", V(10, "node-a"), V(20, "node-b")},
      {"a later", V(30, "node-a"), V(20, "node-b")},
      {"same stamp, node id breaks the tie", V(10, "node-a"), V(10, "node-b")},
      {"hub versus node", V(10, kHubId), V(10, "node-b", 1)},
  };
  for (const auto& k : cases) {
    INFO("k.name = " << std::string(k.name));
    const std::string row = NewRow();
    const std::string v0 = V(1, "node-a");
    Change base = Make(v0, "applications", row, {F("type", T("pbi_jkn")), F("notes", T("awal"))});
    Change a = Make(k.va, "applications", row, {F("notes", T("dari desa"), v0)});
    Change b = Make(k.vb, "applications", row, {F("notes", T("dari dinas"), v0)});
    const std::string& winner = k.va > k.vb ? k.va : k.vb;
    const Value winner_value = k.va > k.vb ? T("dari desa") : T("dari dinas");

    Db db1 = NewDb(), db2 = NewDb();
    MustApply(db1, base);
    MustApply(db2, base);
    // Replica 1 sees a then b; replica 2 sees b then a.
    std::vector<Conflict> c1, c2;
    for (const Change* c : {&a, &b}) {
      Role w = WriterRole(c->version, kHubId);
      auto r = MustApply(db1, *c, w);
      c1.insert(c1.end(), r.conflicts.begin(), r.conflicts.end());
    }
    for (const Change* c : {&b, &a}) {
      Role w = WriterRole(c->version, kHubId);
      auto r = MustApply(db2, *c, w);
      c2.insert(c2.end(), r.conflicts.begin(), r.conflicts.end());
    }
    CHECK(Cell(db1, "applications", row, "notes") == winner_value);
    CHECK(Cell(db2, "applications", row, "notes") == winner_value);
    CHECK(FieldVersion(db1, "applications", row, "notes") == winner);
    CHECK(FieldVersion(db2, "applications", row, "notes") == winner);
    REQUIRE(c1.size() == 1);
    REQUIRE(c2.size() == 1);
    CHECK(c1[0].id == c2[0].id);
    CHECK(c1[0].id == ConflictId("applications", row, "notes", k.va, k.vb));
    CHECK(c1[0].id.size() == 36);
    CHECK(c1[0].kind == ConflictKind::kConcurrentWrite);
    CHECK(c2[0].kind == ConflictKind::kConcurrentWrite);
    CHECK(c1[0].winner_version == winner);
    CHECK(c2[0].winner_version == winner);
    CHECK(c1[0].loser_version == c2[0].loser_version);
    CHECK(c1[0].winner_value == winner_value);
    CHECK(c2[0].winner_value == winner_value);
    CHECK(c1[0].loser_value == c2[0].loser_value);
    CHECK(c1[0].table == "applications");
    CHECK(c1[0].field == "notes");
    CHECK(c1[0].village == kVillage);
  }
}

TEST_CASE("ConflictId is symmetric and names table, row and field") {
  const std::string a = V(1, "node-a"), b = V(2, "node-b"), row = NewRow();
  CHECK(ConflictId("households", row, "address", a, b) == ConflictId("households", row, "address", b, a));
  CHECK(ConflictId("households", row, "address", a, b) != ConflictId("households", row, "rt", a, b));
  CHECK(ConflictId("households", row, "address", a, b) != ConflictId("persons", row, "address", a, b));
  CHECK(ConflictId("households", row, "address", a, b) != ConflictId("households", NewRow(9), "address", a, b));
  CHECK(schema::LooksLikeRowId(ConflictId("households", row, "address", a, b)));
}

TEST_CASE("concurrent writes of the same value are no conflict") {
  Db db = NewDb();
  const std::string row = NewRow(), v0 = V(1, "node-a");
  MustApply(db, Make(v0, "households", row, {F("rt", T("001"))}));
  MustApply(db, Make(V(5, "node-a"), "households", row, {F("rt", T("007"), v0)}));
  ApplyResult r = MustApply(db, Make(V(6, "node-b"), "households", row, {F("rt", T("007"), v0)}));
  CHECK(r.conflicts.empty());
  CHECK(Cell(db, "households", row, "rt") == T("007"));
  CHECK(FieldVersion(db, "households", row, "rt") == V(6, "node-b"));
}

TEST_CASE("a village may not write hub-owned fields; nothing is written") {
  struct Case {
    const char* table;
    const char* field;
    Value value;
  };
  const Case cases[] = {
      {"applications", "letter_number", T("460/001/Dinsos/2024")},
      {"persons", "nik_status", T("verified")},
      {"complaints", "case_number", T("C-1")},
      {"conflicts", "winner_value", T("x")},
  };
  for (const auto& k : cases) {
    INFO("k.table = " << std::string(k.table));
    INFO("k.field = " << std::string(k.field));
    Db db = NewDb();
    const std::string row = NewRow();
    std::vector<FieldChange> fields;
    if (std::string(k.table) == "applications") fields.push_back(F("type", T("pbi_jkn")));
    if (std::string(k.table) == "persons") fields.push_back(F("name", T("Budi")));
    fields.push_back(F(k.field, k.value));
    Change c = Make(V(1, "node-a"), k.table, row, fields);
    Status st = TryApply(db, c, Role::kVillage, kVillage);
    CHECK(st.code() == Code::kPermissionDenied);
    CHECK(RowCount(db, k.table, row) == 0);
    CHECK(VersionCount(db, row) == 0);
    // The hub may.
    Status hub = TryApply(db, Make(V(1, kHubId), k.table, row, {F(k.field, k.value)}), Role::kHub);
    CHECK_MESSAGE(hub.ok(), hub.ToString());
    CHECK(Cell(db, k.table, row, k.field) == k.value);
  }
  // And the hub may not write village-owned fields (outside snapshots).
  Db db = NewDb();
  const std::string row = NewRow();
  CHECK(TryApply(db, Make(V(1, kHubId), "households", row, {F("address", T("x"))}), Role::kHub).code() ==
        Code::kPermissionDenied);
  CHECK(RowCount(db, "households", row) == 0);
}

TEST_CASE("a snapshot never moves a field back; a newer one is taken without conflict") {
  Db db = NewDb();
  const std::string row = NewRow();
  const std::string v1 = V(1, "node-a"), v2 = V(2, "node-a"), v3 = V(3, "node-b");
  MustApply(db, Make(v1, "households", row, {F("address", T("one")), F("rt", T("001"))}));
  MustApply(db, Make(v2, "households", row, {F("address", T("two"), v1)}));

  ApplyResult older = MustApply(db, Make(v1, "households", row, {F("address", T("one"))}, kVillage, kFlagSnapshot),
                                Role::kHub);
  CHECK(older.conflicts.empty());
  CHECK(older.applied.empty());
  CHECK(Cell(db, "households", row, "address") == T("two"));
  CHECK(FieldVersion(db, "households", row, "address") == v2);

  // Newer, with a base this replica never had: taken, no conflict.
  ApplyResult newer = MustApply(
      db, Make(v3, "households", row, {F("address", T("three"), V(0, "node-z"))}, kVillage, kFlagSnapshot),
      Role::kHub);
  CHECK(newer.conflicts.empty());
  CHECK(Cell(db, "households", row, "address") == T("three"));
  CHECK(FieldVersion(db, "households", row, "address") == v3);
  CHECK(FieldVersion(db, "households", row, "rt") == v1);
}

TEST_CASE("a repair overwrites even with a lower version") {
  Db db = NewDb();
  const std::string row = NewRow();
  const std::string v1 = V(1, "node-a"), v5 = V(5, "node-a");
  MustApply(db, Make(v5, "households", row, {F("address", T("diverged")), F("rt", T("009"))}));
  ApplyResult r = MustApply(
      db, Make(v1, "households", row, {F("address", T("hub state"))}, kVillage, kFlagRepair), Role::kHub);
  CHECK(r.conflicts.empty());
  CHECK(Cell(db, "households", row, "address") == T("hub state"));
  CHECK(FieldVersion(db, "households", row, "address") == v1);
  CHECK(Cell(db, "households", row, "rt") == T("009"));  // not named: untouched
}

TEST_CASE("only the hub sends snapshots, repairs and scope-outs to a hub") {
  for (uint8_t flags : {uint8_t{kFlagSnapshot}, uint8_t{kFlagRepair}, uint8_t{kFlagScopeOut}}) {
    CAPTURE(static_cast<int>(flags));
    Db db = NewDb();
    const std::string row = NewRow();
    MustApply(db, Make(V(1, "node-a"), "households", row, {F("address", T("kept"))}));
    std::vector<FieldChange> fields;
    if (flags != kFlagScopeOut) fields.push_back(F("address", T("forced")));
    Status st = TryApply(db, Make(V(2, "node-b"), "households", row, fields, kVillage, flags), Role::kVillage, kVillage);
    CHECK(st.code() == Code::kPermissionDenied);
    CHECK(Cell(db, "households", row, "address") == T("kept"));
  }
  Db db = NewDb();
  CHECK(TryApply(db, Make(V(1, "node-a"), "households", NewRow(), {F("address", T("x"))}, kVillage, 0x08)).code() ==
        Code::kInvalidArgument);
}

Change Event(const std::string& version, const std::string& row, const std::string& actor,
             const std::string& role, std::vector<FieldChange> extra = {}) {
  std::vector<FieldChange> f = {F("subject_id", Value(NewRow(100))), F("subject_kind", T("application")),
                                F("kind", T("submitted")),         F("actor", Value(actor)),
                                F("actor_role", Value(role)),       F("at", Value(version))};
  for (auto& e : extra) f.push_back(std::move(e));
  return Make(version, "events", row, std::move(f));
}

TEST_CASE("events are append-only") {
  struct Case {
    const char* name;
    std::vector<FieldChange> second;
  };
  const Case cases[] = {
      {"rewriting a field it has", {F("kind", T("withdrawn"))}},
      {"adding a field it did not have", {F("reason", T("diubah belakangan"))}},
      {"both", {F("kind", T("withdrawn")), F("reason", T("x"))}},
  };
  for (const auto& k : cases) {
    for (Role writer : {Role::kVillage, Role::kHub}) {
      INFO("k.name = " << std::string(k.name));
      CAPTURE(writer == Role::kHub);
      Db db = NewDb();
      const std::string row = NewRow();
      const std::string v1 = V(1, "node-a");
      Change first = Event(v1, row, "node-a", "village");
      MustApply(db, first, Role::kVillage, kVillage);
      // Re-sent: idempotent.
      CHECK(MustApply(db, first, Role::kVillage, kVillage).already_applied);
      const std::string node = writer == Role::kHub ? kHubId : "node-a";
      Status st = TryApply(db, Make(V(2, node), "events", row, k.second), writer);
      CHECK_FALSE(st.ok());
      CHECK(Cell(db, "events", row, "kind") == T("submitted"));
      CHECK(schema::IsNull(Cell(db, "events", row, "reason")));
      CHECK(FieldVersion(db, "events", row, "reason") == "<none>");
    }
  }
}

TEST_CASE("a village node records only its own village events") {
  Db db = NewDb();
  struct Case {
    const char* name;
    std::string actor, role;
  };
  const Case cases[] = {{"as the hub", "node-a", "hub"},
                        {"as a verifier", "node-a", "verifier"},
                        {"naming another actor", "node-b", "village"}};
  for (const auto& k : cases) {
    INFO("k.name = " << std::string(k.name));
    const std::string row = NewRow();
    CHECK(TryApply(db, Event(V(1, "node-a"), row, k.actor, k.role), Role::kVillage, kVillage).code() ==
          Code::kPermissionDenied);
    CHECK(RowCount(db, "events", row) == 0);
  }
}

TEST_CASE("values are checked by the field rules; nothing is written on refusal") {
  struct Case {
    const char* table;
    const char* field;
    Value value;
    bool ok;
  };
  const Case cases[] = {
      {"persons", "nik", T("3510014501900001"), true},
      {"persons", "nik", T("123"), false},
      {"persons", "nik", T("3510-0145-0190-0001"), false},  // separators: not normalised
      {"persons", "nik", T("3510014513900001"), false},     // month 13
      {"persons", "nik", T("0010014501900001"), false},     // unknown province
      {"persons", "nik", Value(int64_t{3510014501900001}), false},
      {"persons", "phone", T("+6281234567890"), true},
      {"persons", "phone", T("081234567890"), false},  // not normalised
      {"persons", "phone", T("telepon"), false},
      {"persons", "sex", T("P"), true},
      {"persons", "sex", T("X"), false},
      {"persons", "relation", Value(int64_t{12}), false},
      {"persons", "birth_date", T("2001-02-29"), false},
      {"persons", "household_id", T("not-a-row-id"), false},
      {"persons", "name", Value(schema::Blob{"bytes"}), false},
      {"persons", "name", Value(std::string(8001, 'a')), false},
      {"persons", "deleted", Value(int64_t{2}), false},
      {"persons", "phone", Value(), true},  // NULL clears
      {"applications", "type", T("pbi_jkn"), true},
      {"applications", "type", T("bantuan_lain"), false},
      {"applications", "dtks_status", T("maybe"), false},
      {"applications", "dtks_desil", Value(int64_t{11}), false},
      {"attachments", "sha256", T("ABC"), false},
      {"households", "no_kk", T("12"), false},
  };
  for (const auto& k : cases) {
    INFO("k.table = " << std::string(k.table));
    INFO("k.field = " << std::string(k.field));
    CAPTURE(schema::ValueToDisplay(k.value));
    Db db = NewDb();
    const std::string row = NewRow();
    std::vector<FieldChange> fields;
    // A valid companion field, so a partial write would show.
    if (std::string(k.field) != "deleted") fields.push_back(F("deleted", Value(int64_t{0})));
    fields.push_back(F(k.field, k.value));
    Status st = TryApply(db, Make(V(1, "node-a"), k.table, row, fields), Role::kVillage, kVillage);
    CHECK_MESSAGE(st.ok() == k.ok, st.ToString());
    if (k.ok) {
      CHECK(RowCount(db, k.table, row) == 1);
      CHECK(Cell(db, k.table, row, k.field) == k.value);
    } else {
      CHECK(st.code() == Code::kInvalidArgument);
      CHECK(RowCount(db, k.table, row) == 0);
      CHECK(VersionCount(db, row) == 0);
    }
  }
}

TEST_CASE("a change outside the hub's scope for the node is refused") {
  Db db = NewDb();
  const std::string row = NewRow();
  SUBCASE("a new row of another village") {
    Status st = TryApply(db, Make(V(1, "node-a"), "households", row, {F("address", T("x"))}, kOtherVillage),
                         Role::kVillage, kVillage);
    CHECK(st.code() == Code::kPermissionDenied);
    CHECK(RowCount(db, "households", row) == 0);
  }
  SUBCASE("an existing row of another village, claimed for ours") {
    MustApply(db, Make(V(1, "node-c"), "households", row, {F("address", T("theirs"))}, kOtherVillage), Role::kVillage,
              kOtherVillage);
    const std::string v1 = V(1, "node-c");
    Status st = TryApply(db, Make(V(2, "node-a"), "households", row, {F("address", T("ours"), v1)}, kVillage),
                         Role::kVillage, kVillage);
    CHECK(st.code() == Code::kPermissionDenied);
    CHECK(Cell(db, "households", row, "address") == T("theirs"));
    CHECK(Cell(db, "households", row, "village") == Value(kOtherVillage));
  }
  SUBCASE("a change without a valid village") {
    for (const char* v : {"", "35.10.01", "35.10.01.20011", "xx.yy.zz.wwww"}) {
      INFO("village = " << v);
      CHECK(TryApply(db, Make(V(1, "node-a"), "households", row, {F("address", T("x"))}, v)).code() ==
            Code::kInvalidArgument);
    }
  }
}

TEST_CASE("malformed changes are refused before anything is written") {
  const std::string row = NewRow();
  const std::string v = V(5, "node-a");
  struct Case {
    const char* name;
    Change change;
  };
  const Case cases[] = {
      {"a field named twice", Make(v, "households", row, {F("address", T("a")), F("address", T("b"))})},
      {"base equal to the version", Make(v, "households", row, {F("address", T("a"), v)})},
      {"base newer than the version", Make(v, "households", row, {F("address", T("a"), V(6, "node-a"))})},
      {"base same stamp, higher node", Make(v, "households", row, {F("address", T("a"), V(5, "node-b"))})},
      {"malformed base", Make(v, "households", row, {F("address", T("a"), "yesterday")})},
      {"unknown table", Make(v, "villagers", row, {F("address", T("a"))})},
      {"unknown field", Make(v, "households", row, {F("password", T("a"))})},
      {"the id column", Make(v, "households", row, {F("id", T("a"))})},
      {"the village column", Make(v, "households", row, {F("village", T("35.10.01.2002"))})},
      {"no fields", Make(v, "households", row, {})},
      {"malformed row id", Make(v, "households", "row-1", {F("address", T("a"))})},
      {"malformed version", Make("5.node-a", "households", row, {F("address", T("a"))})},
      {"version with an upper-case node", Make(V(5, "Node-A"), "households", row, {F("address", T("a"))})},
      {"version without a node", Make(V(5, ""), "households", row, {F("address", T("a"))})},
  };
  for (const auto& k : cases) {
    INFO("k.name = " << std::string(k.name));
    Db db = NewDb();
    Status st = TryApply(db, k.change, Role::kVillage, kVillage);
    CHECK(st.code() == Code::kInvalidArgument);
    CHECK(RowCount(db, "households", row) == 0);
    CHECK(VersionCount(db, row) == 0);
  }
}

TEST_CASE("a scope-out drops the row and its field versions") {
  Db db = NewDb();
  const std::string row = NewRow(), other = NewRow(1);
  MustApply(db, Make(V(1, "node-a"), "persons", row, {F("name", T("Budi")), F("sex", T("L"))}));
  MustApply(db, Make(V(1, "node-a"), "persons", other, {F("name", T("Ani"))}));
  REQUIRE(VersionCount(db, row) == 2);
  // From a village: refused.
  CHECK(TryApply(db, Make(V(2, "node-a"), "persons", row, {}, kVillage, kFlagScopeOut), Role::kVillage).code() ==
        Code::kPermissionDenied);
  CHECK(RowCount(db, "persons", row) == 1);
  // From the hub: dropped with its versions; the other row stays.
  MustApply(db, Make(V(2, kHubId), "persons", row, {}, kVillage, kFlagScopeOut), Role::kHub);
  CHECK(RowCount(db, "persons", row) == 0);
  CHECK(VersionCount(db, row) == 0);
  CHECK(RowCount(db, "persons", other) == 1);
  CHECK(VersionCount(db, other) == 1);
  // The row may come back later (moved back in) as if new.
  ApplyResult back = MustApply(db, Make(V(1, "node-a"), "persons", row, {F("name", T("Budi"))}, kVillage, kFlagSnapshot),
                               Role::kHub);
  CHECK(back.row_created);
  CHECK(Cell(db, "persons", row, "name") == T("Budi"));
}

TEST_CASE("WriterRole reads the writer from the version's node id") {
  struct Case {
    std::string version;
    Role expect;
  };
  const Case cases[] = {
      {V(1, kHubId), Role::kHub},
      {V(1, "node-a"), Role::kVillage},
      {V(1, kHubId + "x"), Role::kVillage},                  // a longer id is another node
      {V(1, kHubId.substr(0, kHubId.size() - 1)), Role::kVillage},  // a prefix too
      {V(1, "x" + kHubId), Role::kVillage},
      {"zzzzzzzzzzzzzzzz." + kHubId, Role::kVillage},         // malformed: never the hub
      {kHubId, Role::kVillage},
      {"", Role::kVillage},
  };
  for (const auto& k : cases) {
    CAPTURE(k.version);
    CHECK(WriterRole(k.version, kHubId) == k.expect);
  }
}

}  // namespace
}  // namespace simpul::sync
