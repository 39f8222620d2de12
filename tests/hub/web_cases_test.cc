// The cases endpoints of the Dinsos web API (hub/api/cases_api.cc) against
// the real handler: the inbox by due time with overdue cases flagged in the
// office's zone, a walk-in case, steps with the role's permission, a stale
// step, and bad input (forged CSRF, wrong role, unknown id or step, fields
// over their limits), each changing nothing.
#include <doctest/doctest.h>

#include "hub/cases.h"
#include "tests/hub/web_app_fixture.h"

namespace simpul::hub {
namespace {

using namespace testing_web;

struct CasesFixture : Fixture {
  CasesFixture() {
    Accounts();
    REQUIRE(sync::AddOperator(store->db(), "audra", "auditor", "passw0rd-audra").ok());
  }
  // A case as a village recorded it, opened at `created_at` (UTC).
  std::string VillageCase(const std::string& id, const std::string& created_at, const std::string& urgency) {
    std::string sql = "INSERT INTO complaints(id,village,category,urgency,description,created_at) VALUES('" + id +
                      "','" + kVillage + "','health','" + urgency + "','<b>Ba'' u</b> sakit','" + created_at + "')";
    REQUIRE_MESSAGE(store->db().Exec(sql).ok(), sql);
    return id;
  }
  int64_t Steps(const std::string& id) { return Count("SELECT count(*) AS n FROM case_events WHERE case_id='" + id + "'"); }
};

std::string Step(const std::string& head, const std::string& more = "") {
  return "{\"expected_head\":\"" + head + "\"" + (more.empty() ? "" : "," + more) + "}";
}

// The value of "head" in a case reply.
std::string Head(const web::HttpResponse& r) {
  auto at = r.body.find("\"head\":\"");
  REQUIRE(at != std::string::npos);
  at += 8;
  return r.body.substr(at, r.body.find('"', at) - at);
}

TEST_CASE("web cases: the inbox is by due time, overdue cases flagged, times in the office's zone") {
  CasesFixture f;
  auto vera = f.SignIn("vera");
  f.VillageCase("C-late", "2020-01-06T01:00:00Z", "normal");
  f.VillageCase("C-old-low", "2020-01-01T01:00:00Z", "low");  // opened earlier, due later (14 working days)
  auto walk_in = f.Call("POST", "/api/v1/cases",
                        R"({"village":"35.10.01.2001","category":"housing","urgency":"emergency","description":"Rumah roboh"})",
                        vera.cookie, vera.csrf);
  REQUIRE_MESSAGE(walk_in.status == 201, walk_in.body);
  CHECK(Has(walk_in, "\"number\":\"KASUS/"));
  CHECK(f.Count("SELECT count(*) AS n FROM hub_audit WHERE action='case_opened'") == 1);

  auto inbox = f.Call("GET", "/api/v1/cases", "", vera.cookie);
  REQUIRE(inbox.status == 200);
  auto late = inbox.body.find("C-late"), low = inbox.body.find("C-old-low"), fresh = inbox.body.find("KASUS/");
  REQUIRE((late != std::string::npos && low != std::string::npos && fresh != std::string::npos));
  CHECK(late < low);   // due 15 Jan before due 21 Jan
  CHECK(low < fresh);  // the walk-in is due tomorrow
  CHECK(Has(inbox, "\"overdue\":2"));
  CHECK(Has(inbox, "WIB"));  // 35.x: East Java's office zone
  CHECK(Has(inbox, "\"may_open\":true"));
  // Only overdue ones; a typo in a filter is an error, not an empty list.
  auto overdue = f.Call("GET", "/api/v1/cases?overdue=1", "", vera.cookie);
  CHECK(overdue.body.find("KASUS/") == std::string::npos);
  auto typo = f.Call("GET", "/api/v1/cases?status=opened", "", vera.cookie);
  CHECK(typo.status == 400);
  CHECK(Has(typo, "\"field\":\"status\""));
  // The auditor reads but may not open a case.
  auto audra = f.SignIn("audra");
  CHECK(f.Call("GET", "/api/v1/cases", "", audra.cookie).status == 200);
  CHECK(Has(f.Call("GET", "/api/v1/cases", "", audra.cookie), "\"may_open\":false"));
  auto refused = f.Call("POST", "/api/v1/cases", R"({"village":"35.10.01.2001","category":"health","description":"x"})",
                        audra.cookie, audra.csrf);
  CHECK(refused.status == 403);
  CHECK(f.Count("SELECT count(*) AS n FROM complaints") == 3);
}

TEST_CASE("web cases: steps by the role's permission, stale steps refused, bad input changes nothing") {
  CasesFixture f;
  auto vera = f.SignIn("vera");
  const std::string id = f.VillageCase("C1", "2020-01-06T01:00:00Z", "high");
  const std::string path = "/api/v1/cases/" + id;

  auto shown = f.Call("GET", path, "", vera.cookie);
  REQUIRE(shown.status == 200);
  CHECK(Has(shown, "\"steps\":[\"assigned\",\"referred\",\"noted\",\"resolved\"]") == false);  // received: no referral yet
  CHECK(Has(shown, "\"steps\":[\"assigned\",\"noted\"]"));
  CHECK(Has(shown, "<b>Ba' u</b>"));  // JSON text; the page writes it with textContent

  // Bad input first: each refused, nothing written.
  const std::string assign = path + "/steps/assigned";
  CHECK(f.Call("POST", assign, Step("", R"("facilitator":"Rina")"), vera.cookie).status == 403);  // no token
  CHECK(f.Call("POST", assign, Step("", R"("facilitator":"Rina")"), vera.cookie, std::string(64, 'f')).status == 403);
  auto audra = f.SignIn("audra");
  CHECK(f.Call("POST", assign, Step("", R"("facilitator":"Rina")"), audra.cookie, audra.csrf).status == 403);
  CHECK(Has(f.Call("GET", path, "", audra.cookie), "\"steps\":[]"));
  auto missing = f.Call("POST", assign, Step(""), vera.cookie, vera.csrf);
  CHECK(missing.status == 400);
  CHECK(Has(missing, "\"field\":\"facilitator\""));
  CHECK(missing.body.find("--facilitator") == std::string::npos);  // the page's name, not the CLI's option
  auto long_note = f.Call("POST", assign, Step("", R"("facilitator":"Rina","note":")" + std::string(2001, 'x') + "\""),
                          vera.cookie, vera.csrf);
  CHECK(long_note.status == 400);
  CHECK(Has(long_note, "\"field\":\"note\""));
  CHECK(f.Call("POST", assign, R"({"facilitator":"Rina"})", vera.cookie, vera.csrf).status == 400);  // no head
  CHECK(f.Call("POST", "/api/v1/cases/no-such-case/steps/assigned", Step("", R"("facilitator":"Rina")"), vera.cookie,
               vera.csrf).status == 404);
  CHECK(f.Call("POST", path + "/steps/teleported", Step(""), vera.cookie, vera.csrf).status == 404);
  CHECK(f.Call("GET", "/api/v1/cases/no-such-case", "", vera.cookie).status == 404);
  auto long_desc = f.Call("POST", "/api/v1/cases", R"({"village":"35.10.01.2001","category":"health","description":")" +
                                                       std::string(4001, 'x') + "\"}",
                          vera.cookie, vera.csrf);
  CHECK(long_desc.status == 400);
  CHECK(Has(long_desc, "\"field\":\"description\""));
  CHECK(f.Call("POST", "/api/v1/cases", R"({"village":"35.10","category":"health","description":"x"})", vera.cookie,
               vera.csrf).status == 400);
  CHECK(f.Steps(id) == 0);
  CHECK(f.Count("SELECT count(*) AS n FROM complaints") == 1);

  // Assign, then a second page still showing the old state is refused.
  auto assigned = f.Call("POST", assign, Step("", R"("facilitator":"Rina")"), vera.cookie, vera.csrf);
  REQUIRE_MESSAGE(assigned.status == 200, assigned.body);
  CHECK(Has(assigned, "\"status\":\"assigned\""));
  CHECK(Has(assigned, "vera (hub_verifier)"));
  CHECK(f.Steps(id) == 1);
  auto stale = f.Call("POST", path + "/steps/noted", Step("", R"("note":"sudah ditelepon")"), vera.cookie, vera.csrf);
  CHECK(stale.status == 409);
  CHECK(Has(stale, "\"code\":\"aborted\""));
  CHECK(f.Steps(id) == 1);

  // Refer, resolve, close; a closed case takes no more steps.
  std::string head = Head(assigned);
  auto referred = f.Call("POST", path + "/steps/referred", Step(head, R"("partner":"puskesmas","note":"cek gizi")"),
                         vera.cookie, vera.csrf);
  REQUIRE_MESSAGE(referred.status == 200, referred.body);
  CHECK(Has(referred, "\"partner_label\":\"Puskesmas\""));
  auto resolved = f.Call("POST", path + "/steps/resolved", Step(Head(referred), R"("note":"PBI diusulkan")"),
                         vera.cookie, vera.csrf);
  REQUIRE_MESSAGE(resolved.status == 200, resolved.body);
  CHECK(Has(resolved, "\"resolution\":\"PBI diusulkan\""));
  CHECK(Has(resolved, "\"steps\":[\"noted\",\"reopened\",\"closed\"]"));
  auto closed = f.Call("POST", path + "/steps/closed", Step(Head(resolved)), vera.cookie, vera.csrf);
  REQUIRE_MESSAGE(closed.status == 200, closed.body);
  auto again = f.Call("POST", path + "/steps/reopened", Step(Head(closed), R"("note":"x")"), vera.cookie, vera.csrf);
  CHECK(again.status == 409);
  CHECK(Has(again, "failed_precondition"));
  CHECK(f.Steps(id) == 4);
  CHECK(f.Count("SELECT count(*) AS n FROM hub_audit WHERE action LIKE 'case:%'") == 4);
  // Closed cases leave the inbox but stay in the list of all cases.
  CHECK(f.Call("GET", "/api/v1/cases", "", vera.cookie).body.find("C1") == std::string::npos);
  CHECK(Has(f.Call("GET", "/api/v1/cases?view=all", "", vera.cookie), "C1"));
}

TEST_CASE("web cases: the pages are served") {
  CasesFixture f;
  CHECK(f.Call("GET", "/cases").status == 200);
  CHECK(f.Call("GET", "/case").status == 200);
  CHECK(f.Call("GET", "/assets/cases.js").status == 200);
  CHECK(f.Call("GET", "/assets/case.js").status == 200);
  CHECK(f.Call("GET", "/cases.html").status == 404);
}

}  // namespace
}  // namespace simpul::hub
