// Conflicts on the Dinsos application page (hub/api/conflicts_api.cc)
// against the real handler: both values in words with who wrote each, a
// decision that writes the chosen value and closes the conflict, and the
// refusals that write nothing (decided meanwhile, changed meanwhile, a
// village-owned field, a role that may not decide, no CSRF token).
#include <doctest/doctest.h>

#include "tests/hub/web_app_fixture.h"

namespace simpul::hub {
namespace {

using namespace testing_web;

struct ConflictFixture : Fixture {
  std::string app;
  ConflictFixture() {
    Accounts();
    REQUIRE(sync::AddOperator(store->db(), "audra", "auditor", "passw0rd-audra").ok());
    app = Application("A1", "Siti Aminah");
    const std::string hub_version = store->hlc().Version(store->hlc().Now());
    const std::string village_version = sync::Hlc::FormatVersion(store->hlc().Now(), "node-1");
    // The notes (either side may write) and the applicant's name (the
    // village's): each changed on both sides before they synced.
    REQUIRE(store->db().Exec("UPDATE applications SET notes='Cek ulang Dinkes' WHERE id='A1'").ok());
    REQUIRE(store->db()
                .Exec("INSERT INTO conflicts(id,village,tbl,row_id,field,kind,winner_version,winner_value,"
                      "loser_version,loser_value,status) VALUES"
                      "('K1','" + std::string(kVillage) + "','applications','A1','notes','concurrent_write','" +
                      hub_version + "','Cek ulang Dinkes','" + village_version + "','Sudah survei lapangan','open'),"
                      "('K2','" + std::string(kVillage) + "','persons','PA1','name','concurrent_write','" +
                      village_version + "','Siti Aminah','" + hub_version + "','Siti Aminah <b>','open')")
                .ok());
  }
};

TEST_CASE_FIXTURE(ConflictFixture, "web conflicts: both values shown; keeping the other writes it and closes the conflict") {
  auto vera = SignIn("vera");
  auto shown = Call("GET", "/api/v1/applications/A1", "", vera.cookie);
  REQUIRE_MESSAGE(shown.status == 200, shown.body);
  CHECK(Has(shown, "\"conflicts\":[{\"id\":\"K1\",\"table\":\"applications\",\"field\":\"notes\""));
  CHECK(Has(shown, "\"current\":\"Cek ulang Dinkes\",\"hub_may_write\":true"));
  CHECK(Has(shown, "\"loser\":{\"value\":\"Sudah survei lapangan\""));
  CHECK(Has(shown, "\"by\":\"Dinsos\""));
  CHECK(Has(shown, "\"id\":\"K2\",\"table\":\"persons\",\"field\":\"name\",\"field_label\":\"Nama\""));
  CHECK(Has(shown, "\"hub_may_write\":false"));
  CHECK(Has(shown, "\"value\":\"Siti Aminah <b>\""));  // a JSON string: the page sets it as text

  // The village's field: the hub may only keep the value kept now.
  auto village_only = Call("POST", "/api/v1/conflicts/K2/resolve",
                           R"({"keep":"loser","expected_current":"Siti Aminah"})", vera.cookie, vera.csrf);
  CHECK(village_only.status == 403);
  CHECK(Count("SELECT count(*) AS n FROM conflicts WHERE id='K2' AND status='open'") == 1);
  // A page showing an older value: changed meanwhile, nothing written.
  auto stale = Call("POST", "/api/v1/conflicts/K1/resolve", R"({"keep":"loser","expected_current":"lama"})",
                    vera.cookie, vera.csrf);
  CHECK(stale.status == 409);
  CHECK(Has(stale, "\"field\":\"expected_current\""));
  CHECK(Count("SELECT count(*) AS n FROM conflicts WHERE id='K1' AND status='open'") == 1);
  // No CSRF token, or a role that may not decide: refused.
  CHECK(Call("POST", "/api/v1/conflicts/K1/resolve", R"({"keep":"loser","expected_current":"Cek ulang Dinkes"})",
             vera.cookie).status == 403);
  auto audra = SignIn("audra");
  CHECK(Call("POST", "/api/v1/conflicts/K1/resolve", R"({"keep":"loser","expected_current":"Cek ulang Dinkes"})",
             audra.cookie, audra.csrf).status == 403);
  CHECK(Call("POST", "/api/v1/conflicts/K1/resolve", R"({"keep":"value","value":"","expected_current":"Cek ulang Dinkes"})",
             vera.cookie, vera.csrf).status == 400);

  auto done = Call("POST", "/api/v1/conflicts/K1/resolve", R"({"keep":"loser","expected_current":"Cek ulang Dinkes"})",
                   vera.cookie, vera.csrf);
  REQUIRE_MESSAGE(done.status == 200, done.body);
  CHECK(Count("SELECT count(*) AS n FROM applications WHERE id='A1' AND notes='Sudah survei lapangan'") == 1);
  CHECK(Count("SELECT count(*) AS n FROM conflicts WHERE id='K1' AND status='resolved' AND resolved_by='hub:vera'") == 1);
  CHECK(Count("SELECT count(*) AS n FROM hub_audit WHERE action='resolve_conflict' AND subject='K1'") == 1);
  // Decided already (another tab): refused, nothing written.
  auto again = Call("POST", "/api/v1/conflicts/K1/resolve",
                    R"({"keep":"winner","expected_current":"Sudah survei lapangan"})", vera.cookie, vera.csrf);
  CHECK(again.status == 409);
  CHECK(Count("SELECT count(*) AS n FROM hub_audit WHERE action='resolve_conflict' AND subject='K1'") == 1);
  // The page no longer lists it.
  CHECK_FALSE(Has(Call("GET", "/api/v1/applications/A1", "", vera.cookie), "\"id\":\"K1\""));
}

}  // namespace
}  // namespace simpul::hub
