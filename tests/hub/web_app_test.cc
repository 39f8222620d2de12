// The Dinsos web API (hub/api/web_app.h) against the real handler over a
// real hub store: setup mode, sign-in (throttled, audited), sessions, CSRF,
// roles, a stale decision, documents and pages. The browser test
// (tests/browser/) drives the same through Chromium with a real node.
#include "hub/api/web_app.h"

#include <doctest/doctest.h>

#include "tests/hub/web_app_fixture.h"
#include "tests/support/hub_fixture.h"

namespace simpul::hub {
namespace {

using namespace testing_web;

TEST_CASE("web app: nothing is served in setup mode") {
  Fixture f;
  auto page = f.Call("GET", "/");
  CHECK(page.status == 503);
  CHECK(Has(page, "administrator"));
  auto api = f.Call("POST", "/api/v1/session", R"({"name":"x","password":"y"})");
  CHECK(api.status == 503);
  CHECK(Has(api, "\"setup_mode\""));
  f.Accounts();
  CHECK(f.Call("GET", "/").status == 200);
  CHECK(f.Call("GET", "/signin").content_type == "text/html; charset=utf-8");
  CHECK(f.Call("GET", "/assets/common.js").content_type == "text/javascript; charset=utf-8");
  // Only the pages and /assets/: no other name, no traversal.
  for (const char* other : {"/index.html", "/assets/../index.html", "/assets/%2e%2e/signin.html", "/etc/passwd",
                            "/assets/", "/hub.db", "/blobs/x"})
    CHECK(f.Call("GET", other).status == 404);
}

TEST_CASE("web app: sign-in sets a strict session cookie; failures are refused, slowed and audited") {
  Fixture f;
  f.Accounts();
  auto ok = f.Call("POST", "/api/v1/session", R"({"name":"vera","password":"passw0rd-vera","lang":"en"})");
  REQUIRE(ok.status == 200);
  std::string cookie(ok.HeaderValue("set-cookie"));
  CHECK(cookie.find("HttpOnly") != std::string::npos);
  CHECK(cookie.find("SameSite=Strict") != std::string::npos);
  CHECK(Has(ok, "\"role\":\"hub_verifier\""));
  CHECK(Has(ok, "\"decide\":false"));
  // Wrong password: 401, audited; after three, a wait (429 with Retry-After).
  int64_t refused_before = f.Count("SELECT count(*) AS n FROM hub_audit WHERE action='refused'");
  for (int i = 0; i < 4; ++i) {
    auto bad = f.Call("POST", "/api/v1/session", R"({"name":"vera","password":"wrong-password"})");
    CHECK(bad.status == 401);
    CHECK(bad.HeaderValue("set-cookie").empty());
  }
  CHECK(f.Count("SELECT count(*) AS n FROM hub_audit WHERE action='refused' AND detail LIKE 'sign-in failed (web%'") -
            refused_before == 4);
  auto slowed = f.Call("POST", "/api/v1/session", R"({"name":"vera","password":"passw0rd-vera"})");
  CHECK(slowed.status == 429);
  CHECK(slowed.HeaderValue("retry-after") == "2");
  f.now += 2000;  // after the wait, the right password works again
  CHECK(f.Call("POST", "/api/v1/session", R"({"name":"vera","password":"passw0rd-vera"})").status == 200);
  // A form post (not JSON) is refused.
  CHECK(f.Call("POST", "/api/v1/session", "name=vera&password=passw0rd-vera", "", "",
               "application/x-www-form-urlencoded").status == 400);
}

TEST_CASE("web app: the API needs a live session; an idle session ends; a disabled account's sessions end") {
  Fixture f;
  f.Accounts();
  CHECK(f.Call("GET", "/api/v1/applications").status == 401);
  auto s = f.SignIn("vera");
  CHECK(f.Call("GET", "/api/v1/applications", "", s.cookie).status == 200);
  CHECK(f.Call("GET", "/api/v1/applications", "", std::string(64, 'a')).status == 401);
  f.now += 31 * 60 * 1000;  // 31 minutes idle
  CHECK(f.Call("GET", "/api/v1/applications", "", s.cookie).status == 401);
  auto t = f.SignIn("vera");
  REQUIRE(sync::DisableOperator(f.store->db(), "vera").ok());
  CHECK(f.Call("GET", "/api/v1/applications", "", t.cookie).status == 401);
}

TEST_CASE("web app: a session hammering the API is slowed with 429 and Retry-After; others are not") {
  Fixture f;
  f.Accounts();
  WebAppOptions options;
  options.api_limit.per_address_burst = 3;
  options.api_limit.per_address_refill_ms = 60'000;
  f.app = std::make_unique<WebApp>(*f.store, options, [&f] { return f.now; });
  auto vera = f.SignIn("vera");  // the sign-in takes the address's first token
  CHECK(f.Call("GET", "/api/v1/applications", "", vera.cookie).status == 200);
  CHECK(f.Call("GET", "/api/v1/applications", "", vera.cookie).status == 200);
  CHECK(f.Call("GET", "/api/v1/applications", "", vera.cookie).status == 200);
  auto slowed = f.Call("GET", "/api/v1/applications", "", vera.cookie);
  CHECK(slowed.status == 429);
  CHECK(slowed.HeaderValue("retry-after") == "61");  // a token every 60 s, rounded up
  CHECK(Has(slowed, "\"code\":\"resource_exhausted\""));
  auto oki = f.SignIn("oki");  // another session: its own bucket
  CHECK(f.Call("GET", "/api/v1/applications", "", oki.cookie).status == 200);
  f.now += 60'000;  // a minute: one token back
  CHECK(f.Call("GET", "/api/v1/applications", "", vera.cookie).status == 200);
  CHECK(f.Call("GET", "/api/v1/applications", "", vera.cookie).status == 429);
}

TEST_CASE("web app: a missing or forged CSRF token and a role beyond its permission change nothing") {
  Fixture f;
  f.Accounts();
  std::string id = f.Application("A1", "Siti");
  auto vera = f.SignIn("vera");
  std::string path = "/api/v1/applications/" + id + "/actions/return";
  std::string body = R"({"reason":"Foto KK buram","expected_head":"EA1"})";
  CHECK(f.Call("POST", path, body, vera.cookie).status == 403);                       // no token
  CHECK(f.Call("POST", path, body, vera.cookie, std::string(64, '0')).status == 403);  // forged
  CHECK(f.Call("POST", path, body, vera.cookie, vera.cookie).status == 403);           // the cookie is no token
  CHECK(f.Events(id) == 1);
  // A verifier may not approve: 403, audited, nothing recorded.
  auto approve = f.Call("POST", "/api/v1/applications/" + id + "/actions/approve", R"({"expected_head":"EA1"})",
                        vera.cookie, vera.csrf);
  CHECK(approve.status == 403);
  CHECK(f.Events(id) == 1);
  CHECK(f.Count("SELECT count(*) AS n FROM hub_audit WHERE action='refused' AND detail LIKE 'role hub_verifier may "
                "not approve%'") == 1);
  // With the token, the return is recorded, under the operator's name.
  auto done = f.Call("POST", path, body, vera.cookie, vera.csrf);
  REQUIRE_MESSAGE(done.status == 200, done.body);
  CHECK(Has(done, "\"status\":\"returned\""));
  CHECK(f.Events(id) == 2);
  CHECK(f.Count("SELECT count(*) AS n FROM events WHERE kind='returned' AND reason='Foto KK buram [vera]'") == 1);
  // Unknown action and application.
  CHECK(f.Call("POST", "/api/v1/applications/" + id + "/actions/explode", body, vera.cookie, vera.csrf).status == 404);
  CHECK(f.Call("GET", "/api/v1/applications/nope", "", vera.cookie).status == 404);
}

TEST_CASE("web app: a decision on an application another operator just decided is refused, saying what happened") {
  Fixture f;
  f.Accounts();
  std::string id = f.Application("A2", "Dewi");
  auto vera = f.SignIn("vera");
  auto oki = f.SignIn("oki");
  auto shown = f.Call("GET", "/api/v1/applications/" + id, "", oki.cookie);
  REQUIRE(shown.status == 200);
  CHECK(Has(shown, "\"head\":\"EA2\""));
  CHECK(Has(shown, "\"return\""));
  // Its rule's first stage is missing: no approval offered (AvailableActions), and the stage is named.
  CHECK_FALSE(Has(shown, "\"approve\""));
  CHECK(Has(shown, "\"next_stage\":{\"code\":\"field_check\""));
  CHECK(Has(shown, "\"stages\":[{\"code\":\"field_check\""));
  // Viewing the record is audited as the CLI does.
  CHECK(f.Count("SELECT count(*) AS n FROM hub_audit WHERE action='read_person' AND subject='PA2' AND actor LIKE "
                "'oki%'") == 1);
  REQUIRE(f.Call("POST", "/api/v1/applications/" + id + "/actions/return",
                 R"({"reason":"KTP belum ada","expected_head":"EA2"})", vera.cookie, vera.csrf).status == 200);
  auto stale = f.Call("POST", "/api/v1/applications/" + id + "/actions/approve", R"({"expected_head":"EA2"})",
                      oki.cookie, oki.csrf);
  CHECK(stale.status == 409);
  CHECK(Has(stale, "\"code\":\"aborted\""));
  CHECK(Has(stale, "KTP belum ada"));
  CHECK(Has(stale, "\"who\":\"vera\""));
  CHECK(f.Events(id) == 2);
  // The letter is refused the same way; without expected_head, the request is refused outright.
  CHECK(f.Call("POST", "/api/v1/applications/" + id + "/actions/letter", R"({"expected_head":"EA2"})", oki.cookie,
               oki.csrf).status == 409);
  CHECK(f.Call("POST", "/api/v1/applications/" + id + "/actions/approve", R"({})", oki.cookie, oki.csrf).status == 400);
  CHECK(f.Events(id) == 2);
}

TEST_CASE("web app: an approval with a stage of the service rule missing is refused with the catalogue's message") {
  Fixture f;
  f.Accounts();
  std::string id = f.Application("A9", "Rina");
  auto oki = f.SignIn("oki");
  auto refused = f.Call("POST", "/api/v1/applications/" + id + "/actions/approve", R"({"expected_head":"EA9"})",
                        oki.cookie, oki.csrf);
  CHECK(refused.status == 409);
  CHECK(Has(refused, "\"code\":\"failed_precondition\""));
  CHECK(Has(refused, "field_check"));
  CHECK(Has(refused, "application stage " + id + " field_check"));
  CHECK(f.Events(id) == 1);
  CHECK(f.Count("SELECT count(*) AS n FROM hub_audit WHERE action='decision:approved'") == 0);
}

TEST_CASE("web app: approving PBI-APBD for a NIK holding PBI-JKN is refused naming it, and passes with an override") {
  Fixture f;
  f.Accounts();
  std::string jkn = f.Application("J1", "Siti", "pbi_jkn");  // the fixture's applicants share one NIK
  testing::PassStagesOn(*f.store, jkn);
  REQUIRE(RecordDecision(*f.store, jkn, "approved", "", "hub", "tester").ok());
  std::string apbd = f.Application("D1", "Siti", "pbi_apbd", "35.10.01.2002");
  testing::PassStagesOn(*f.store, apbd);
  const std::string head = ApplicationState(*f.store, apbd)->head;
  auto oki = f.SignIn("oki");
  // The page shows it before anyone clicks: the held benefit, the other
  // record of the NIK, and the override field asked for up front.
  auto shown = f.Call("GET", "/api/v1/applications/" + apbd, "", oki.cookie);
  REQUIRE_MESSAGE(shown.status == 200, shown.body);
  CHECK(Has(shown, "\"benefits_held\":[{\"application_id\":\"" + jkn + "\""));
  CHECK(Has(shown, "\"override_needed\":true"));
  CHECK(Has(shown, "\"duplicates\":[{\"person_id\":"));
  auto other = f.Call("GET", "/api/v1/applications/" + jkn, "", oki.cookie);
  CHECK(Has(other, "\"benefits_held\":[]"));  // the first approval held nothing before it
  const std::string url = "/api/v1/applications/" + apbd + "/actions/approve";
  auto refused = f.Call("POST", url, R"({"expected_head":")" + head + "\"}", oki.cookie, oki.csrf);
  CHECK(refused.status == 409);
  CHECK(Has(refused, "\"code\":\"failed_precondition\""));
  CHECK(Has(refused, "pbi_jkn"));
  CHECK(Has(refused, jkn));
  CHECK(Has(refused, "\"field\":\"override_reason\""));
  CHECK_FALSE(Has(refused, "--override-reason"));  // the page has no command-line option
  CHECK(ApplicationState(*f.store, apbd)->status == "in_review");
  auto done = f.Call("POST", url, R"({"expected_head":")" + head + R"(","override_reason":"Dialihkan ke APBD"})",
                     oki.cookie, oki.csrf);
  CHECK(done.status == 200);
  CHECK(ApplicationState(*f.store, apbd)->status == "approved");
  CHECK(f.Count("SELECT count(*) AS n FROM hub_audit WHERE action='benefit_override' AND subject='D1' AND detail LIKE "
                "'%Dialihkan ke APBD%'") == 1);
}

TEST_CASE("web app: a search with SQL or HTML metacharacters is text; names come back as JSON strings") {
  Fixture f;
  f.Accounts();
  f.Application("A3", "<script>alert(1)</script>");
  f.Application("A4", "Ba''u");  // SQL quoting: the name is Ba'u
  auto vera = f.SignIn("vera");
  auto all = f.Call("GET", "/api/v1/applications", "", vera.cookie);
  CHECK(all.content_type == "application/json; charset=utf-8");
  CHECK(Has(all, "\"applicant_name\":\"<script>alert(1)</script>\""));  // escaped by the page, not mangled here
  CHECK(Has(all, "\"applicant_name\":\"Ba'u\""));
  CHECK(Has(f.Call("GET", "/api/v1/applications?q=Ba%27u", "", vera.cookie), "\"matched\":1"));
  CHECK(Has(f.Call("GET", "/api/v1/applications?q=%27%20OR%201%3D1%20--", "", vera.cookie), "\"matched\":0"));
  CHECK(Has(f.Call("GET", "/api/v1/applications?q=%25", "", vera.cookie), "\"matched\":0"));
  CHECK(Has(f.Call("GET", "/api/v1/applications?q=%3Cscript", "", vera.cookie), "\"matched\":1"));
  CHECK(f.Call("GET", "/api/v1/applications?status=bogus", "", vera.cookie).status == 400);
  // The page size read whole (atoi made "abc" 1 and "2x" 2).
  for (const char* bad : {"abc", "2x", "0", "1001", ""}) {
    auto r = f.Call("GET", std::string("/api/v1/applications?limit=") + bad, "", vera.cookie);
    CHECK_MESSAGE(r.status == (*bad ? 400 : 200), bad);
  }
  CHECK(Has(f.Call("GET", "/api/v1/applications?limit=1", "", vera.cookie), "\"matched\":"));
}

}  // namespace
}  // namespace simpul::hub
