// schema::Transaction: a transaction begun inside another is a savepoint of
// it, so operations that each write in one transaction compose into one
// all-or-nothing write.
#include <doctest/doctest.h>

#include "schema/db.h"

namespace simpul::schema {
namespace {

int64_t CountRows(Db& db) {
  auto st = db.Prepare("SELECT count(*) FROM t");
  REQUIRE(st.ok());
  REQUIRE(*st->Step());
  return st->Int(0);
}

Db MemoryDb() {
  auto db = Db::Open(":memory:", Db::Mode::kCreate);
  REQUIRE(db.ok());
  REQUIRE(db->Exec("CREATE TABLE t(x INTEGER)").ok());
  return std::move(db).value();
}

TEST_CASE("a nested transaction commits into its outer one, and only with it") {
  Db db = MemoryDb();
  SUBCASE("outer commits: both writes land") {
    auto outer = Transaction::Begin(db);
    REQUIRE(outer.ok());
    REQUIRE(db.Exec("INSERT INTO t VALUES(1)").ok());
    {
      auto inner = Transaction::Begin(db);
      REQUIRE(inner.ok());
      REQUIRE(db.Exec("INSERT INTO t VALUES(2)").ok());
      REQUIRE(inner->Commit().ok());
    }
    REQUIRE(outer->Commit().ok());
    CHECK(CountRows(db) == 2);
  }
  SUBCASE("outer rolls back: the committed inner write goes too") {
    {
      auto outer = Transaction::Begin(db);
      REQUIRE(outer.ok());
      REQUIRE(db.Exec("INSERT INTO t VALUES(1)").ok());
      auto inner = Transaction::Begin(db);
      REQUIRE(inner.ok());
      REQUIRE(db.Exec("INSERT INTO t VALUES(2)").ok());
      REQUIRE(inner->Commit().ok());
    }  // outer destroyed without Commit
    CHECK(CountRows(db) == 0);
  }
  SUBCASE("inner rolls back: only its own write goes, the outer goes on") {
    auto outer = Transaction::Begin(db);
    REQUIRE(outer.ok());
    REQUIRE(db.Exec("INSERT INTO t VALUES(1)").ok());
    {
      auto inner = Transaction::Begin(db);
      REQUIRE(inner.ok());
      REQUIRE(db.Exec("INSERT INTO t VALUES(2)").ok());
    }  // inner destroyed without Commit
    REQUIRE(db.Exec("INSERT INTO t VALUES(3)").ok());
    REQUIRE(outer->Commit().ok());
    CHECK(CountRows(db) == 2);
  }
  SUBCASE("three levels") {
    auto a = Transaction::Begin(db);
    REQUIRE(a.ok());
    auto b = Transaction::Begin(db);
    REQUIRE(b.ok());
    REQUIRE(db.Exec("INSERT INTO t VALUES(1)").ok());
    {
      auto c = Transaction::Begin(db);
      REQUIRE(c.ok());
      REQUIRE(db.Exec("INSERT INTO t VALUES(2)").ok());
    }
    REQUIRE(b->Commit().ok());
    REQUIRE(a->Commit().ok());
    CHECK(CountRows(db) == 1);
  }
}

TEST_CASE("a top-level transaction still commits and rolls back on its own") {
  Db db = MemoryDb();
  {
    auto t = Transaction::Begin(db);
    REQUIRE(t.ok());
    REQUIRE(db.Exec("INSERT INTO t VALUES(1)").ok());
  }
  CHECK(CountRows(db) == 0);
  auto t = Transaction::Begin(db);
  REQUIRE(t.ok());
  REQUIRE(db.Exec("INSERT INTO t VALUES(1)").ok());
  REQUIRE(t->Commit().ok());
  CHECK(CountRows(db) == 1);
}

}  // namespace
}  // namespace simpul::schema
