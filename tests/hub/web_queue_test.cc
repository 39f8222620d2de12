// The queue endpoint's stage deadlines and kecamatan filter
// (hub/queue.h, hub/api/applications_api.cc): each application waiting at
// Dinsos names the stage of its service rule it waits for and when that is
// due, overdue ones flagged; a kecamatan keeps its villages only.
#include <doctest/doctest.h>

#include "tests/hub/web_app_fixture.h"
#include "tests/support/hub_fixture.h"

namespace simpul::hub {
namespace {

using namespace testing_web;

TEST_CASE("web queue: the stage each application waits for, its due time, overdue flagged; the kecamatan filter") {
  Fixture f;
  f.Accounts();
  // Received 99 hours ago: the village's field check (72 h) is overdue.
  f.Received("A1", "35.10.01.2001", 100, "poverty_statement", "Lama Menunggu");
  // Received an hour ago, in another kecamatan: due in 71 hours.
  f.Received("A2", "35.10.02.2001", 2, "poverty_statement", "Baru Masuk");
  auto vera = f.SignIn("vera");
  auto all = f.Call("GET", "/api/v1/applications", "", vera.cookie);
  REQUIRE_MESSAGE(all.status == 200, all.body);
  auto item = [&](const std::string& id) {
    size_t at = all.body.find("{\"id\":\"" + id + "\"");
    REQUIRE(at != std::string::npos);
    return all.body.substr(at, all.body.find('}', at) - at + 1);
  };
  const std::string a1 = item("A1"), a2 = item("A2");
  CHECK(a1.find("\"next_stage\":\"field_check\"") != std::string::npos);
  CHECK(a1.find("\"overdue\":true") != std::string::npos);
  CHECK(a1.find("\"due_text\":\"") != std::string::npos);
  CHECK(a2.find("\"next_stage\":\"field_check\"") != std::string::npos);
  CHECK(a2.find("\"overdue\":false") != std::string::npos);
  // Longest waiting first.
  CHECK(all.body.find("\"id\":\"A1\"") < all.body.find("\"id\":\"A2\""));

  auto kec = f.Call("GET", "/api/v1/applications?kecamatan=35.10.02", "", vera.cookie);
  REQUIRE_MESSAGE(kec.status == 200, kec.body);
  CHECK(Has(kec, "\"id\":\"A2\""));
  CHECK_FALSE(Has(kec, "\"id\":\"A1\""));
  CHECK(Has(kec, "\"matched\":1"));
  for (const std::string bad : {"35.10", "35.10.0x", "35.10.01.2001", "%25"}) {
    auto refused = f.Call("GET", "/api/v1/applications?kecamatan=" + bad, "", vera.cookie);
    CHECK_MESSAGE(refused.status == 400, bad);
    CHECK(Has(refused, "\"field\":\"kecamatan\""));
  }
  auto meta = f.Call("GET", "/api/v1/villages", "", vera.cookie);
  CHECK(Has(meta, "\"kecamatan\":[{\"code\":\"35.10.01\",\"name\":\"Pesanggaran\"},{\"code\":\"35.10.02\""));
  CHECK(Has(meta, "{\"code\":\"field_check\",\"title\":\"Cek lapangan"));

  // The stage filter: A1's stages all pass, it waits for the decision; A2
  // still waits for the field check.
  testing::PassStagesOn(*f.store, "A1");
  // The village's stage event as it arrives by sync: logged with its receipt.
  REQUIRE(f.store->db()
              .Exec("INSERT INTO changelog(version,tbl,row_id,village,origin,received_at_ms) SELECT 'v'||e.id,"
                    "'events',e.id,e.village,'node-x'," + std::to_string(f.now) + " FROM events e WHERE "
                    "e.subject_id='A1' AND NOT EXISTS(SELECT 1 FROM changelog c WHERE c.row_id=e.id)")
              .ok());
  auto field = f.Call("GET", "/api/v1/applications?stage=field_check", "", vera.cookie);
  REQUIRE_MESSAGE(field.status == 200, field.body);
  CHECK(Has(field, "\"id\":\"A2\""));
  CHECK_FALSE(Has(field, "\"id\":\"A1\""));
  auto health = f.Call("GET", "/api/v1/applications?stage=health_recheck", "", vera.cookie);
  CHECK(Has(health, "\"matched\":0"));
  auto decided = f.Call("GET", "/api/v1/applications", "", vera.cookie);
  CHECK(Has(decided, "\"next_stage\":\"\",\"next_stage_title\":\"Keputusan\""));
  auto unknown = f.Call("GET", "/api/v1/applications?stage=nope", "", vera.cookie);
  CHECK(unknown.status == 400);
  CHECK(Has(unknown, "\"field\":\"stage\""));
}

}  // namespace
}  // namespace simpul::hub
