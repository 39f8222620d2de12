// sync/change_log.h at the hub: the one writer of the change log, used by
// the hub's change writer, by pushes and by moves between villages.
#include "sync/change_log.h"

#include <doctest/doctest.h>

#include "schema/tables.h"
#include "tests/support/hub_fixture.h"

namespace simpul::hub {
namespace {

TEST_CASE("entries get consecutive sequence numbers; fields keep value and base; a skew is kept only when ahead") {
  testing::StillHub hub;
  sync::ChangeLogWriter log(hub.store->db());
  auto a = log.Append({"v1", "persons", "P1", "3201", 0, "node-a", 1000, 0});
  REQUIRE(a.ok());
  auto b = log.Append({"v2", "persons", "P1", "3201", 2, "hub", 2000, 7200000});
  REQUIRE(b.ok());
  CHECK(*b == *a + 1);
  REQUIRE(log.AddField(*a, "name", schema::Value(std::string("Siti")), schema::Value()).ok());
  REQUIRE(log.AddField(*a, "relation", schema::Value(int64_t{2}), schema::Value(std::string("v0"))).ok());
  CHECK(hub.Int("SELECT count(*) FROM changelog_fields WHERE seq=?", {std::to_string(*a)}) == 2);
  CHECK(hub.Int("SELECT count(*) FROM changelog_fields WHERE seq=? AND base IS NULL", {std::to_string(*a)}) == 1);
  CHECK(hub.Text("SELECT base FROM changelog_fields WHERE seq=? AND field='relation'", {std::to_string(*a)}) == "v0");
  CHECK(hub.Int("SELECT count(*) FROM changelog WHERE version='v1' AND clock_skew_ms IS NULL") == 1);
  CHECK(hub.Int("SELECT clock_skew_ms FROM changelog WHERE version='v2'") == 7200000);
  CHECK(hub.Text("SELECT origin FROM changelog WHERE version='v2'") == "hub");
  CHECK(hub.Int("SELECT flags FROM changelog WHERE version='v2'") == 2);
}

TEST_CASE("the hub's change writer logs through it: one entry per write with its fields, nothing in an outbox") {
  testing::StillHub hub;
  const int64_t before = hub.Int("SELECT count(*) FROM changelog");
  auto w = hub.store->writer().Write(*schema::FindTable("complaints"), "C1", "35.10.01.2001",
                                     {{"category", std::string("kesehatan")}, {"urgency", std::string("biasa")},
                                      {"description", std::string("butuh rujukan")}});
  REQUIRE_MESSAGE(w.ok(), w.status().ToString());
  CHECK(hub.Int("SELECT count(*) FROM changelog") == before + 1);
  CHECK(hub.Text("SELECT origin FROM changelog WHERE version=?", {w->change_id}) == hub.store->hub_id());
  CHECK(hub.Text("SELECT f.value FROM changelog_fields f JOIN changelog c ON c.seq=f.seq"
                 " WHERE c.version=? AND f.field='description'", {w->change_id}) == "butuh rujukan");
  CHECK(hub.Int("SELECT count(*) FROM changelog_fields f JOIN changelog c ON c.seq=f.seq WHERE c.version=?",
                {w->change_id}) == 3);
}

}  // namespace
}  // namespace simpul::hub
