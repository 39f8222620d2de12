// The Dinsos web API (hub/api/web_app.h) against the real handler over a
// real hub store: setup mode, sign-in (throttled, audited), sessions, CSRF,
// roles, a stale decision, documents and pages. The browser test
// (tests/browser/) drives the same through Chromium with a real node.
#include "hub/api/web_app.h"

#include <doctest/doctest.h>

#include "hub/operations.h"
#include "hub/store.h"
#include "sync/accounts.h"
#include "tests/support/temp_dir.h"

namespace simpul::hub {
namespace {

constexpr const char* kVillage = "35.10.01.2001";

struct Fixture {
  testing::TempDir tmp;
  std::unique_ptr<HubStore> store;
  int64_t now = 1'800'000'000'000;
  std::unique_ptr<WebApp> app;

  Fixture() {
    auto s = HubStore::Init(tmp.File("hub"), "Dinsos Uji", sync::SystemClock::Default());
    REQUIRE_MESSAGE(s.ok(), s.status().ToString());
    store = std::move(*s);
    app = std::make_unique<WebApp>(*store, WebAppOptions{}, [this] { return now; });
  }

  void Accounts() {
    REQUIRE(sync::AddOperator(store->db(), "admin", "administrator", "passw0rd-admin").ok());
    REQUIRE(sync::AddOperator(store->db(), "vera", "hub_verifier", "passw0rd-vera").ok());
    REQUIRE(sync::AddOperator(store->db(), "oki", "approving_official", "passw0rd-oki").ok());
  }

  // An application submitted by the village, as its rows arrive at the hub.
  std::string Application(const std::string& id, const std::string& name) {
    std::string at = store->hlc().Version(store->hlc().Now());
    for (const std::string& sql :
         {"INSERT INTO households(id,village,no_kk) VALUES('H" + id + "','" + kVillage + "','3510011211870001')",
          "INSERT INTO persons(id,village,household_id,nik,name) VALUES('P" + id + "','" + kVillage + "','H" + id +
              "','3510015211870002','" + name + "')",
          "INSERT INTO applications(id,village,type,applicant_id,household_id) VALUES('" + id + "','" + kVillage +
              "','poverty_statement','P" + id + "','H" + id + "')",
          "INSERT INTO events(id,village,subject_id,subject_kind,kind,actor,actor_role,at,after) VALUES('E" + id +
              "','" + kVillage + "','" + id + "','application','submitted','node-1','village','" + at + "','')"})
      REQUIRE_MESSAGE(store->db().Exec(sql).ok(), sql);
    return id;
  }

  web::HttpResponse Call(const std::string& method, const std::string& target, const std::string& body = "",
                         const std::string& cookie = "", const std::string& csrf = "",
                         const std::string& type = "application/json") {
    web::HttpRequest r;
    r.method = method;
    r.target = target;
    r.body = body;
    r.peer = "10.1.2.3:5555";
    if (!body.empty()) r.headers.push_back({"content-type", type});
    if (!cookie.empty()) r.headers.push_back({"cookie", "simpul_session=" + cookie});
    if (!csrf.empty()) r.headers.push_back({"x-csrf-token", csrf});
    return app->Handle(r);
  }

  struct Signed {
    std::string cookie, csrf;
  };
  Signed SignIn(const std::string& name) {
    auto r = Call("POST", "/api/v1/session", "{\"name\":\"" + name + "\",\"password\":\"passw0rd-" + name + "\"}");
    REQUIRE_MESSAGE(r.status == 200, r.body);
    std::string cookie(r.HeaderValue("set-cookie"));
    auto eq = cookie.find('='), semi = cookie.find(';');
    std::string csrf = r.body.substr(r.body.find("\"csrf_token\":\"") + 14, 64);
    return {cookie.substr(eq + 1, semi - eq - 1), csrf};
  }

  int64_t Count(const std::string& sql) {
    auto rows = QueryRows(*store, sql, {});
    REQUIRE(rows.ok());
    return std::atoll(RowText(rows->front(), "n").c_str());
  }
  int64_t Events(const std::string& app_id) {
    return Count("SELECT count(*) AS n FROM events WHERE subject_id='" + app_id + "'");
  }
};

bool Has(const web::HttpResponse& r, const std::string& text) { return r.body.find(text) != std::string::npos; }

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
  CHECK(Has(shown, "\"approve\""));
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
}

}  // namespace
}  // namespace simpul::hub
