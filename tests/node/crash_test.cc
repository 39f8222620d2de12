// Change-capture atomicity under SIGKILL: a child process writes records in
// a loop and is killed at a random point; after reopening, every row has its
// change records and every change record its row, with matching values.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <random>
#include <set>

#include "node/records.h"
#include "node/store.h"
#include "schema/tables.h"
#include "tests/support/temp_dir.h"

namespace simpul::node {
namespace {

[[noreturn]] void WriterLoop(const std::string& dir, int progress_fd) {
  auto store = NodeStore::Open(dir, sync::SystemClock::Default(), testing::kTestPassphrase);
  if (!store.ok()) _exit(3);
  for (int i = 0;; ++i) {
    auto hh = CreateRecord(**store, Entity::kHousehold,
                           {{"address", "Dusun " + std::to_string(i)}, {"rt", "1"}});
    if (!hh.ok()) _exit(4);
    auto p = CreateRecord(**store, Entity::kPerson,
                          {{"household", hh->id}, {"name", "Warga " + std::to_string(i)}});
    if (!p.ok()) _exit(5);
    auto a = CreateRecord(**store, Entity::kApplication,
                          {{"type", "pbi_apbd"}, {"applicant", p->id}, {"notes", "n"}});
    if (!a.ok()) _exit(6);
    auto e = EditRecord(**store, Entity::kApplication, a->id, {{"notes", "edited " + std::to_string(i)}});
    if (!e.ok()) _exit(7);
    char b = 1;
    if (write(progress_fd, &b, 1) != 1) _exit(8);
  }
}

// Every (row, field) version names a change in the outbox that holds that
// field with the row's current value; every outbox change names a live row.
void CheckConsistent(NodeStore& store) {
  schema::Db& db = store.db();
  int64_t rows_checked = 0;
  for (const auto& table : schema::ReplicatedTables()) {
    auto rows = db.Prepare(std::string("SELECT * FROM ") + table.name);
    REQUIRE(rows.ok());
    for (;;) {
      auto has = rows->Step();
      REQUIRE(has.ok());
      if (!*has) break;
      ++rows_checked;
      std::string id = rows->Text(0);
      for (int c = 2; c < rows->ColumnCount(); ++c) {
        std::string field = rows->ColumnName(c);
        schema::Value v = rows->Column(c);
        if (field == "deleted" && v == schema::Value(int64_t{0})) continue;  // default
        if (schema::IsNull(v)) continue;
        auto q = db.Prepare(
            "SELECT of.value FROM field_versions fv JOIN outbox o ON o.change_id=fv.version"
            " JOIN outbox_fields of ON of.seq=o.seq AND of.field=fv.field"
            " WHERE fv.tbl=? AND fv.row_id=? AND fv.field=?");
        REQUIRE(q.ok());
        q->Bind(1, table.name).Bind(2, id).Bind(3, field);
        auto found = q->Step();
        REQUIRE(found.ok());
        INFO(table.name << "." << field << " of " << id);
        REQUIRE(*found);
        CHECK(q->Column(0) == v);
      }
    }
  }
  auto orphans = db.Prepare(
      "SELECT count(*) FROM outbox o WHERE NOT EXISTS (SELECT 1 FROM households WHERE id=o.row_id)"
      " AND NOT EXISTS (SELECT 1 FROM persons WHERE id=o.row_id)"
      " AND NOT EXISTS (SELECT 1 FROM applications WHERE id=o.row_id)"
      " AND NOT EXISTS (SELECT 1 FROM events WHERE id=o.row_id)");
  REQUIRE(orphans.ok());
  REQUIRE(*orphans->Step());
  CHECK(orphans->Int(0) == 0);
  auto empty = db.Prepare(
      "SELECT count(*) FROM outbox o WHERE NOT EXISTS (SELECT 1 FROM outbox_fields f WHERE f.seq=o.seq)");
  REQUIRE(empty.ok());
  REQUIRE(*empty->Step());
  CHECK(empty->Int(0) == 0);
  CHECK(rows_checked > 0);
}

TEST_CASE("SIGKILL during a write loop leaves rows and change records consistent") {
  testing::TempDir dir;
  {
    auto store = NodeStore::Init(dir.path(), "35.10.01.2001", sync::SystemClock::Default(), testing::kTestPassphrase);
    REQUIRE(store.ok());
  }
  std::mt19937 rng(std::random_device{}());
  unsigned seed = rng();
  INFO("seed " << seed);
  std::mt19937 pick(seed);
  int64_t previous_households = 0;
  for (int round = 0; round < 5; ++round) {
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      close(fds[0]);
      WriterLoop(dir.path(), fds[1]);
    }
    close(fds[1]);
    // Let it commit a random number of iterations, then kill it mid-write.
    int target = 5 + static_cast<int>(pick() % 60);
    int seen = 0;
    char b;
    while (seen < target && read(fds[0], &b, 1) == 1) ++seen;
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    close(fds[0]);
    REQUIRE(seen == target);  // the child did not die on its own
    CHECK(WIFSIGNALED(status));

    auto store = NodeStore::Open(dir.path(), sync::SystemClock::Default(), testing::kTestPassphrase);
    REQUIRE(store.ok());
    CheckConsistent(**store);
    auto count = (*store)->db().Prepare("SELECT count(*) FROM households");
    REQUIRE(count.ok());
    REQUIRE(*count->Step());
    // Every iteration the child reported is durable.
    CHECK(count->Int(0) >= previous_households + target);
    previous_households = count->Int(0);
  }
}

}  // namespace
}  // namespace simpul::node
