// The villages page and the audit log viewer of the Dinsos web API
// (hub/api/fleet_api.cc, hub/api/audit_api.cc) against the real handler:
// villages not heard from longest first with "N hari lalu", refusals and
// open conflicts; revoking a node (administrator only, a reason required,
// an unknown node 404); the audit log for the auditor with the chain
// verification, and an altered entry reported.
#include <doctest/doctest.h>

#include "sync/crypto/envelope.h"
#include "tests/hub/web_app_fixture.h"

namespace simpul::hub {
namespace {

using namespace testing_web;

struct FleetFixture : Fixture {
  FleetFixture() {
    Accounts();
    REQUIRE(sync::AddOperator(store->db(), "audra", "auditor", "passw0rd-audra").ok());
    const int64_t day = 86'400'000;
    // Three villages: one heard from 3 days ago, one 40 days ago, one never.
    Node("node-recent", "35.10.01.2001", now - 3 * day);
    Node("node-silent", "35.10.01.2002", now - 40 * day);
    Node("node-never", "35.10.01.2003", 0);
    REQUIRE(store->db()
                .Exec("INSERT INTO conflicts(id,village,tbl,row_id,field,kind,status) VALUES"
                      "('K1','35.10.01.2002','persons','P1','name','concurrent_write','open'),"
                      "('K2','35.10.01.2002','persons','P1','phone','concurrent_write','resolved')")
                .ok());
    auto txn = store->BeginWrite();
    REQUIRE(txn.ok());
    REQUIRE(store->Audit("refused_request", "35.10.01.2002", "node-silent", "node revoked").ok());
    REQUIRE(txn->Commit().ok());
  }
  void Node(const std::string& id, const std::string& village, int64_t seen) {
    std::string sql = "INSERT INTO nodes(node_id,village,sign_pk,status,enrolled_at_ms,last_seen_ms,last_protocol,"
                      "last_schema) VALUES('" + id + "','" + village + "','00','active'," + std::to_string(now - 90 * 86'400'000LL) +
                      "," + (seen ? std::to_string(seen) : "NULL") + ",3,14)";
    REQUIRE_MESSAGE(store->db().Exec(sql).ok(), sql);
  }
};

TEST_CASE("web villages: the longest silent first, with refusals and open conflicts") {
  FleetFixture f;
  auto vera = f.SignIn("vera");
  auto r = f.Call("GET", "/api/v1/fleet", "", vera.cookie);
  REQUIRE(r.status == 200);
  auto never = r.body.find("node-never"), silent = r.body.find("node-silent"), recent = r.body.find("node-recent");
  REQUIRE((never != std::string::npos && silent != std::string::npos && recent != std::string::npos));
  CHECK(never < silent);
  CHECK(silent < recent);
  CHECK(Has(r, "\"last_contact_text\":\"3 hari lalu\""));
  CHECK(Has(r, "\"last_contact_text\":\"belum pernah\""));
  CHECK(Has(r, "\"refusals\":1,\"open_conflicts\":1"));
  CHECK(Has(r, "\"protocol\":3"));
  CHECK(Has(r, "\"may_revoke\":false"));
  // What waits at the village, as its laptop reported at a sync (protocol 5).
  CHECK(Has(r, "\"outbox_waiting\":null,\"outbox_reported_text\":\"\""));
  REQUIRE(f.store->db().Exec("UPDATE nodes SET outbox_waiting=12, outbox_reported_ms=" +
                             std::to_string(f.now - 3 * 86'400'000LL) + " WHERE node_id='node-recent'").ok());
  r = f.Call("GET", "/api/v1/fleet", "", vera.cookie);
  CHECK(Has(r, "\"outbox_waiting\":12,\"outbox_reported_text\":\"3 hari lalu\""));
}

TEST_CASE("web villages: only an administrator revokes a node, with a reason") {
  FleetFixture f;
  auto vera = f.SignIn("vera");
  auto admin = f.SignIn("admin");
  const std::string path = "/api/v1/nodes/node-silent/revoke";
  CHECK(f.Call("POST", path, R"({"reason":"laptop hilang"})", vera.cookie, vera.csrf).status == 403);
  CHECK(f.Call("POST", path, R"({"reason":"laptop hilang"})", admin.cookie, std::string(64, '1')).status == 403);
  auto no_reason = f.Call("POST", path, R"({"reason":"  "})", admin.cookie, admin.csrf);
  CHECK(no_reason.status == 400);
  CHECK(Has(no_reason, "\"field\":\"reason\""));
  CHECK(f.Call("POST", path, "{\"reason\":\"" + std::string(501, 'x') + "\"}", admin.cookie, admin.csrf).status == 400);
  CHECK(f.Call("POST", "/api/v1/nodes/no-such-node/revoke", R"({"reason":"x"})", admin.cookie, admin.csrf).status == 404);
  CHECK(f.Count("SELECT count(*) AS n FROM nodes WHERE status='revoked'") == 0);
  auto done = f.Call("POST", path, R"({"reason":"laptop hilang"})", admin.cookie, admin.csrf);
  REQUIRE_MESSAGE(done.status == 200, done.body);
  CHECK(f.Count("SELECT count(*) AS n FROM nodes WHERE status='revoked' AND node_id='node-silent'") == 1);
  CHECK(f.Count("SELECT count(*) AS n FROM hub_audit WHERE action='revoke' AND subject='node-silent' AND actor LIKE "
                "'admin%'") == 1);
  CHECK(Has(f.Call("GET", "/api/v1/fleet", "", admin.cookie), "\"may_revoke\":true"));
}

TEST_CASE("web villages: an administrator issues a village's enrolment code with the key and the command; others 403") {
  FleetFixture f;
  auto vera = f.SignIn("vera");
  auto admin = f.SignIn("admin");
  const std::string path = "/api/v1/villages/35.10.01.2004/enrolment";
  auto refused = f.Call("POST", path, R"({"days":"7"})", vera.cookie, vera.csrf);
  CHECK(refused.status == 403);
  CHECK(Has(refused, "Hanya administrator yang boleh membuat kode pendaftaran desa (peran Anda: 'hub_verifier')"));
  CHECK(f.Call("POST", path, R"({"days":"7"})", admin.cookie, std::string(64, '1')).status == 403);  // CSRF
  for (const std::string days : {"0", "91", "x", "7.5", ""}) {
    auto bad = f.Call("POST", path, "{\"days\":\"" + days + "\"}", admin.cookie, admin.csrf);
    CHECK_MESSAGE(bad.status == 400, days);
    CHECK(Has(bad, "\"field\":\"days\""));
  }
  CHECK(f.Call("POST", "/api/v1/villages/35.10.01/enrolment", "{}", admin.cookie, admin.csrf).status == 400);
  CHECK(f.Call("POST", "/api/v1/villages/35.10.01.2099/enrolment", "{}", admin.cookie, admin.csrf).status == 404);
  CHECK(f.Count("SELECT count(*) AS n FROM enrolments") == 0);
  CHECK(f.Count("SELECT count(*) AS n FROM hub_audit WHERE action='refused' AND detail LIKE '%enrolment code%'") == 1);

  web::HttpRequest req;
  req.method = "POST";
  req.target = path;
  req.body = R"({"days":"3"})";
  req.peer = "10.1.2.3:5555";
  req.headers = {{"content-type", "application/json"}, {"cookie", "simpul_session=" + admin.cookie},
                 {"x-csrf-token", admin.csrf}, {"host", "dinsos-hub:8470"}};
  auto done = f.app->Handle(req);
  REQUIRE_MESSAGE(done.status == 200, done.body);
  CHECK(Has(done, "\"village\":\"35.10.01.2004\""));
  auto code_at = done.body.find("\"code\":\"") + 8;
  std::string code = done.body.substr(code_at, done.body.find('"', code_at) - code_at);
  CHECK(code.size() > 10);
  CHECK(Has(done, "\"command\":\"simpul-node enrol --hub http://dinsos-hub:8470 --code " + code + "\""));
  CHECK(Has(done, "\"hub_key\":\"" + sync::crypto::Fingerprint(f.store->identity().sign_pk) + "\""));
  CHECK(Has(done, "\"expires_text\":\""));
  CHECK(f.Count("SELECT count(*) AS n FROM enrolments WHERE village='35.10.01.2004' AND expires_at_ms - created_at_ms = "
                "3 * 86400000") == 1);
  CHECK(f.Count("SELECT count(*) AS n FROM hub_audit WHERE action='enrolment_code' AND village='35.10.01.2004' AND "
                "actor LIKE 'admin%'") == 1);
  // A Host header that is not a plain host name: the placeholder, never the header's text.
  req.headers.back() = {"host", "evil\"><script>"};
  auto odd = f.app->Handle(req);
  REQUIRE(odd.status == 200);
  CHECK(Has(odd, "--hub http://ALAMAT-HUB:8470 --code "));
  CHECK(Has(f.Call("GET", "/api/v1/fleet", "", admin.cookie), "\"may_enrol\":true"));
  CHECK(Has(f.Call("GET", "/api/v1/fleet", "", vera.cookie), "\"may_enrol\":false"));
}

TEST_CASE("web audit: the auditor reads the log and its verification; an altered entry is reported") {
  FleetFixture f;
  auto vera = f.SignIn("vera");
  CHECK(f.Call("GET", "/api/v1/audit", "", vera.cookie).status == 403);
  auto audra = f.SignIn("audra");
  auto r = f.Call("GET", "/api/v1/audit", "", audra.cookie);
  REQUIRE(r.status == 200);
  CHECK(Has(r, "\"intact\":true"));
  CHECK(Has(r, "\"action\":\"refused_request\""));
  CHECK(Has(f.Call("GET", "/api/v1/audit?action=refused", "", audra.cookie), "refused_request"));
  CHECK(f.Call("GET", "/api/v1/audit?action=zzz", "", audra.cookie).body.find("refused_request") == std::string::npos);
  CHECK(f.Call("GET", "/api/v1/audit?limit=abc", "", audra.cookie).status == 400);
  // Read whole and within 1-1000, or refused naming the field (not clamped: 0 and 5000 were taken as 1 and 1000).
  for (const char* bad : {"0", "5000", "10x", "-1", "99999999999"}) {
    auto r = f.Call("GET", std::string("/api/v1/audit?limit=") + bad, "", audra.cookie);
    CHECK_MESSAGE(r.status == 400, bad);
    CHECK_MESSAGE(Has(r, "\"field\":\"limit\""), bad);
  }
  CHECK(f.Call("GET", "/api/v1/audit?limit=1000", "", audra.cookie).status == 200);
  CHECK(f.Call("GET", "/api/v1/audit?action=" + std::string(61, 'a'), "", audra.cookie).status == 400);
  // Someone edits an entry by hand: the page says the log was altered.
  REQUIRE(f.store->db().Exec("UPDATE hub_audit SET detail='nothing happened' WHERE action='refused_request'").ok());
  auto altered = f.Call("GET", "/api/v1/audit", "", audra.cookie);
  REQUIRE(altered.status == 200);
  CHECK(Has(altered, "\"intact\":false"));
  CHECK(Has(altered, "\"kind\":\"altered\""));
}

}  // namespace
}  // namespace simpul::hub
