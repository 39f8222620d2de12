// The fixture of the web API tests (web_app_test.cc, web_cases_test.cc): a
// real hub store, the real WebApp handler with a test clock, accounts,
// applications as a village's rows arrive, and requests as a browser sends
// them.
#ifndef SIMPUL_TESTS_HUB_WEB_APP_FIXTURE_H_
#define SIMPUL_TESTS_HUB_WEB_APP_FIXTURE_H_

#include <doctest/doctest.h>

#include <memory>
#include <string>

#include "hub/api/web_app.h"
#include "hub/operations.h"
#include "hub/store.h"
#include "sync/accounts.h"
#include "sync/hlc.h"
#include "tests/support/temp_dir.h"

namespace simpul::hub::testing_web {


inline constexpr const char* kVillage = "35.10.01.2001";

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
  std::string Application(const std::string& id, const std::string& name,
                          const std::string& type = "poverty_statement", const std::string& village = kVillage,
                          std::string at = "") {
    if (at.empty()) at = store->hlc().Version(store->hlc().Now());
    for (const std::string& sql :
         {"INSERT INTO households(id,village,no_kk) VALUES('H" + id + "','" + village + "','3510011211870001')",
          "INSERT INTO persons(id,village,household_id,nik,name) VALUES('P" + id + "','" + village + "','H" + id +
              "','3510015211870002','" + name + "')",
          // Answers meeting the threshold of the rules that ask for them
          // (two criteria of kepmensos-262: score 2), so approvals pass.
          "INSERT INTO applications(id,village,type,applicant_id,household_id,indicator_set,indicator_version,"
          "indicator_answers) VALUES('" + id + "','" + village + "','" + type + "','P" + id + "','H" + id +
              "','kepmensos-262','1','food_insecure=ya;head_not_working=ya')",
          "INSERT INTO events(id,village,subject_id,subject_kind,kind,actor,actor_role,at,after) VALUES('E" + id +
              "','" + village + "','" + id + "','application','submitted','node-1','village','" + at + "','')"})
      REQUIRE_MESSAGE(store->db().Exec(sql).ok(), sql);
    return id;
  }

  // An application submitted `hours_ago` by the village's laptop and
  // received at Dinsos an hour later (the hub logged the village's event).
  void Received(const std::string& id, const std::string& village, int64_t hours_ago,
                const std::string& type = "poverty_statement", const std::string& name = "Warga") {
    const int64_t hour = 3'600'000, submitted = now - hours_ago * hour;
    Application(id, name, type, village,
                sync::Hlc::FormatVersion(sync::Stamp::Make(static_cast<uint64_t>(submitted), 0), "node-1"));
    REQUIRE(store->db()
                .Exec("INSERT INTO changelog(version,tbl,row_id,village,origin,received_at_ms) VALUES('v" + id +
                      "','events','E" + id + "','" + village + "','node-1'," + std::to_string(submitted + hour) + ")")
                .ok());
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

  // The application's fold head (what a page shows as expected_head).
  std::string Head(const std::string& id) {
    auto state = ApplicationState(*store, id);
    REQUIRE(state.ok());
    return state->head;
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

inline bool Has(const web::HttpResponse& r, const std::string& text) { return r.body.find(text) != std::string::npos; }

}  // namespace simpul::hub::testing_web

#endif  // SIMPUL_TESTS_HUB_WEB_APP_FIXTURE_H_
