// The village web app's gate, through its real handler: the Host check, the
// locked store, unlocking with the office passphrase (throttled), sign-in
// with the store's accounts, CSRF and roles on every change, the idle lock.
#include <doctest/doctest.h>

#include "tests/node/village_app_fixture.h"

namespace simpul::node::testing {
namespace {

TEST_CASE("village app: only requests naming this machine's loopback are served") {
  VillageAppFixture f;
  for (const char* host : {"127.0.0.1:8471", "localhost:8471", "[::1]:8471"}) {
    f.host = host;
    CHECK(f.Call("GET", "/api/v1/state").status == 200);
  }
  // A site that rebinds its own name to 127.0.0.1 sends its name.
  for (const char* host : {"evil.example:8471", "127.0.0.1.evil.example", "", "localhost.evil:80"}) {
    INFO(host);
    f.host = host;
    auto r = f.Call("GET", "/api/v1/state");
    CHECK(r.status == 421);
    CHECK(f.Call("GET", "/").status == 421);
    CHECK(f.Call("POST", "/api/v1/unlock", "{\"passphrase\":\"test-office-passphrase\"}").status == 421);
  }
  CHECK_FALSE(f.app().unlocked());
}

TEST_CASE("village app: a locked store answers 423 until the office passphrase opens it") {
  VillageAppFixture f;
  CHECK(f.Call("GET", "/api/v1/state").body == "{\"locked\":true}");
  CHECK(f.Call("GET", "/api/v1/session").status == 423);
  CHECK(f.Call("POST", "/api/v1/session", "{\"name\":\"ops\",\"password\":\"passw0rd-ops\"}").status == 423);
  CHECK(f.Call("GET", "/api/v1/search?q=siti").status == 423);
  // The pages themselves are served: the unlock page must load.
  CHECK(f.Call("GET", "/unlock").status == 200);

  SUBCASE("a wrong passphrase is refused, noted, and slowed after four") {
    for (int i = 0; i < 4; ++i) {
      auto r = f.Call("POST", "/api/v1/unlock", "{\"passphrase\":\"not the passphrase\"}");
      CHECK(r.status == 401);
      CHECK(VillageAppFixture::StringField(r.body, "field") == "passphrase");
    }
    auto r = f.Call("POST", "/api/v1/unlock", "{\"passphrase\":\"test-office-passphrase\"}");
    CHECK(r.status == 429);  // even the right one waits its turn
    CHECK_FALSE(r.HeaderValue("retry-after").empty());
    CHECK_FALSE(f.app().unlocked());
    f.now_ms += 60'000;
    f.Unlock();
    CHECK(f.app().unlocked());
    // The wrong attempts reached the audit chain when the store opened.
    CHECK(f.Count("SELECT count(*) FROM audit WHERE action='unlock_failed'") == 1);
  }
  SUBCASE("the passphrase never comes from the environment") {
    // doctest_main sets SIMPUL_PASSPHRASE for the CLI tests; the app ignores it.
    CHECK(f.Call("GET", "/api/v1/state").body == "{\"locked\":true}");
    CHECK(f.Call("POST", "/api/v1/unlock", "{\"passphrase\":\"\"}").status == 400);
    CHECK_FALSE(f.app().unlocked());
  }
}

TEST_CASE("village app: operators sign in with the store's accounts; sessions need the cookie") {
  VillageAppFixture f;
  f.Unlock();
  CHECK(f.Call("GET", "/api/v1/session").status == 401);
  auto bad = f.Call("POST", "/api/v1/session", "{\"name\":\"ops\",\"password\":\"wrong\"}");
  CHECK(bad.status == 401);
  CHECK(f.Count("SELECT count(*) FROM audit WHERE action='refused' AND detail LIKE 'sign-in failed%'") == 1);
  f.SignIn();
  auto me = f.Call("GET", "/api/v1/session");
  CHECK(me.status == 200);
  CHECK(VillageAppFixture::StringField(me.body, "role") == "village_operator");
  CHECK(VillageAppFixture::StringField(me.body, "village_name") == "Sarongan");
  CHECK(f.Count("SELECT count(*) FROM audit WHERE action='sign_in'") == 1);
  CHECK(f.Call("DELETE", "/api/v1/session").status == 200);
  CHECK(f.Call("GET", "/api/v1/session").status == 401);
}

TEST_CASE("village app: every change needs the session's CSRF token; nothing is written without it") {
  VillageAppFixture f;
  f.Unlock();
  f.SignIn();
  const std::string household =
      "{\"address\":\"Dusun Krajan\",\"m0.name\":\"Siti Aminah\",\"m0.relation\":\"1\"}";
  auto none = f.Call("POST", "/api/v1/households", household, /*csrf=*/false);
  CHECK(none.status == 403);
  CHECK(VillageAppFixture::StringField(none.body, "code") == "csrf");
  std::string token = f.csrf();
  f.csrf() = std::string(64, 'a');
  CHECK(f.Call("POST", "/api/v1/households", household).status == 403);
  CHECK(f.Call("POST", "/api/v1/sync", "").status == 403);
  CHECK(f.Count("SELECT count(*) FROM households") == 0);
  CHECK(f.Count("SELECT count(*) FROM outbox WHERE tbl IN ('households','persons')") == 0);
  CHECK(f.Count("SELECT count(*) FROM audit WHERE action='refused' AND detail LIKE 'CSRF%'") == 3);
  f.csrf() = token;
  CHECK(f.Call("POST", "/api/v1/households", household).status == 201);
  CHECK(f.Count("SELECT count(*) FROM households") == 1);
}

TEST_CASE("village app: a role that may only read cannot write, as on the command line") {
  VillageAppFixture f;
  f.Unlock();
  f.SignIn("audi", "passw0rd-audi");
  CHECK(f.Call("GET", "/api/v1/search?q=siti").status == 200);
  auto r = f.Call("POST", "/api/v1/households", "{\"address\":\"Dusun Krajan\",\"m0.name\":\"Siti\"}");
  CHECK(r.status == 403);
  CHECK(VillageAppFixture::StringField(r.body, "code") == "permission_denied");
  CHECK(f.Call("POST", "/api/v1/sync", "").status == 403);
  CHECK(f.Count("SELECT count(*) FROM households") == 0);
}

TEST_CASE("village app: the store locks itself when idle, and on request; locking ends every session") {
  VillageAppOptions options;
  options.lock_after_idle_ms = 10 * 60 * 1000;
  options.sessions.idle_timeout_ms = 60 * 60 * 1000;  // longer: the store's lock must act first
  VillageAppFixture f(options);
  f.Unlock();
  f.SignIn();
  f.now_ms += 9 * 60 * 1000;
  CHECK(f.Call("GET", "/api/v1/session").status == 200);  // activity restarts the idle time
  f.now_ms += 9 * 60 * 1000;
  CHECK(f.Call("GET", "/api/v1/session").status == 200);
  f.now_ms += 11 * 60 * 1000;
  CHECK(f.Call("GET", "/api/v1/session").status == 423);
  CHECK_FALSE(f.app().unlocked());
  // Unlocked again, the old session is gone: sign in anew.
  f.Unlock();
  CHECK(f.Call("GET", "/api/v1/session").status == 401);
  f.SignIn();
  CHECK(f.Call("POST", "/api/v1/lock", "{}").status == 200);
  CHECK_FALSE(f.app().unlocked());
  f.Unlock();
  CHECK(f.Call("GET", "/api/v1/session").status == 401);
  CHECK(f.Count("SELECT count(*) FROM audit WHERE action='locked'") == 2);
}

TEST_CASE("village app: a store without accounts says how to make the first one") {
  VillageAppFixture f;
  {
    auto store = f.OpenStore();
    REQUIRE(store->db().Exec("DELETE FROM operators").ok());
  }
  f.Unlock();
  auto r = f.Call("POST", "/api/v1/session", "{\"name\":\"ops\",\"password\":\"passw0rd-ops\",\"lang\":\"en\"}");
  CHECK(r.status == 409);
  CHECK(VillageAppFixture::StringField(r.body, "message").find("simpul-node user add") != std::string::npos);
}

}  // namespace
}  // namespace simpul::node::testing
