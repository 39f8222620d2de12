// The village web app's cases, conflicts and bundle endpoints, through its
// real handler: a case recorded with the CLI's validation and into the
// outbox, listed by due time with overdue ones flagged in words, its
// follow-up notes; a conflict decided once (a second tab is told, nothing
// written); a reply bundle refused when too large or damaged, nothing
// applied.
#include <doctest/doctest.h>

#include <filesystem>

#include "schema/ids.h"
#include "tests/node/village_app_fixture.h"

namespace simpul::node::testing {
namespace {

using F = VillageAppFixture;

struct SignedIn : F {
  explicit SignedIn(VillageAppOptions o = {}) : F(o) {
    Unlock();
    SignIn();
  }
  void Exec(const std::string& sql) {
    auto store = OpenStore();
    REQUIRE(store->db().Exec(sql).ok());
  }
  std::string Household() {
    auto r = Call("POST", "/api/v1/households",
                  "{\"address\":\"Dusun Krajan\",\"m0.name\":\"Siti Aminah\",\"m0.relation\":\"1\"}");
    REQUIRE(r.status == 201);
    return StringField(r.body, "id");
  }
  std::string PersonOf(const std::string& household) {
    auto store = OpenStore();
    auto st = store->db().Prepare("SELECT id FROM persons WHERE household_id=?");
    REQUIRE(st.ok());
    st->Bind(1, household);
    REQUIRE(*st->Step());
    return st->Text(0);
  }
  // An open conflict on `table`.`field` of `row`: `kept` is the value the
  // row holds, `other` the one that lost (as the merge records them).
  std::string Conflict(const std::string& table, const std::string& row, const std::string& field,
                       const std::string& kept, const std::string& other) {
    std::string id = schema::NewRowId(1'800'000'000'000);
    Exec("INSERT INTO conflicts(id,village,tbl,row_id,field,kind,winner_version,winner_value,loser_version,"
         "loser_value,status) VALUES('" + id + "','" + kVillage + "','" + table + "','" + row + "','" + field +
         "','concurrent_write','','" + kept + "','','" + other + "','open')");
    return id;
  }
};

TEST_CASE_FIXTURE(SignedIn, "cases: recorded with the CLI's checks, named fields, into the outbox; notes follow") {
  const int64_t outbox = Count("SELECT count(*) FROM outbox WHERE tbl!='audit'");
  auto bad = Call("POST", "/api/v1/cases", "{\"category\":\"weather\",\"description\":\"Atap roboh\"}");
  CHECK(bad.status == 400);
  CHECK(StringField(bad.body, "field") == "category");
  auto missing = Call("POST", "/api/v1/cases", "{\"category\":\"housing\"}");
  CHECK(missing.status == 400);
  CHECK(StringField(missing.body, "field") == "description");
  // In the page's words, not the CLI's ("Option --description is required. See --help.").
  CHECK(StringField(missing.body, "message") == "What is reported is required.");
  CHECK(Count("SELECT count(*) FROM complaints") == 0);
  CHECK(Count("SELECT count(*) FROM outbox WHERE tbl!='audit'") == outbox);

  std::string hh = Household(), person = PersonOf(hh);
  auto made = Call("POST", "/api/v1/cases",
                   "{\"category\":\"health\",\"urgency\":\"emergency\",\"description\":\"Demam tinggi <b>3 hari</b>\","
                   "\"person_id\":\"" + person + "\",\"household_id\":\"" + hh + "\"}");
  REQUIRE(made.status == 201);
  const std::string id = StringField(made.body, "id");
  CHECK(StringField(made.body, "person_name") == "Siti Aminah");
  CHECK(StringField(made.body, "urgency_label") == "Emergency (24 h)");
  CHECK(StringField(made.body, "status_label") == "received");
  CHECK(StringField(made.body, "due_text").find("WIB") != std::string::npos);
  CHECK(made.body.find("\"overdue\":false") != std::string::npos);
  CHECK(StringField(made.body, "description") == "Demam tinggi <b>3 hari</b>");  // the page writes it as text
  CHECK(Count("SELECT count(*) FROM outbox WHERE tbl='complaints' AND row_id='" + id + "' AND state='pending'") == 1);

  SUBCASE("a case past its due time is listed first, flagged, with how late in words") {
    auto late = Call("POST", "/api/v1/cases", "{\"category\":\"housing\",\"urgency\":\"low\",\"description\":\"Atap\"}");
    REQUIRE(late.status == 201);
    const std::string late_id = StringField(late.body, "id");
    Exec("UPDATE complaints SET created_at='2020-01-06T01:00:00Z' WHERE id='" + late_id + "'");
    auto list = Call("GET", "/api/v1/cases");
    REQUIRE(list.status == 200);
    CHECK(list.body.find("\"overdue\":1") != std::string::npos);
    CHECK(list.body.find(late_id) < list.body.find(id));  // soonest due first
    CHECK(!StringField(list.body, "overdue_text").empty());
    CHECK(StringField(list.body, "due_text") == "24 Jan 2020 08:00 WIB");  // 14 working days, in the office's zone
  }
  SUBCASE("a follow-up note, then an empty one refused naming the note") {
    auto noted = Call("POST", "/api/v1/cases/" + id + "/notes", "{\"note\":\"Sudah dibawa ke puskesmas\"}");
    REQUIRE(noted.status == 201);
    CHECK(StringField(noted.body, "label") == "follow-up note");
    CHECK(StringField(noted.body, "note") == "Sudah dibawa ke puskesmas");
    CHECK(StringField(noted.body, "who") == "village office (ops (village_operator))");
    const int64_t steps = Count("SELECT count(*) FROM case_events");
    auto empty = Call("POST", "/api/v1/cases/" + id + "/notes", "{\"note\":\"\"}");
    CHECK(empty.status == 400);
    CHECK(StringField(empty.body, "field") == "note");
    CHECK(StringField(empty.body, "message") == "Note is required.");
    CHECK(Count("SELECT count(*) FROM case_events") == steps);
    CHECK(Count("SELECT count(*) FROM outbox WHERE tbl='case_events' AND state='pending'") == 1);
  }
  SUBCASE("an auditor reads but records nothing") {
    ForgetSession();
    SignIn("audi", "passw0rd-audi");
    CHECK(Call("GET", "/api/v1/cases/" + id).status == 200);
    CHECK(Call("POST", "/api/v1/cases/" + id + "/notes", "{\"note\":\"x\"}").status == 403);
    CHECK(Call("POST", "/api/v1/cases", "{\"category\":\"health\",\"description\":\"x\"}").status == 403);
  }
  CHECK(Call("GET", "/api/v1/cases/nope").status == 404);
}

TEST_CASE_FIXTURE(SignedIn, "conflicts: both values in words; decided once; a second tab is told, nothing written") {
  std::string hh = Household(), person = PersonOf(hh);
  Exec("UPDATE persons SET sex='P' WHERE id='" + person + "'");
  const std::string cid = Conflict("persons", person, "sex", "P", "L");
  auto list = Call("GET", "/api/v1/conflicts");
  REQUIRE(list.status == 200);
  CHECK(StringField(list.body, "id") == cid);
  CHECK(StringField(list.body, "what") == "Person: Siti Aminah");
  CHECK(StringField(list.body, "field_label") == "Sex");
  CHECK(list.body.find("\"text\":\"Female\"") != std::string::npos);
  CHECK(list.body.find("\"text\":\"Male\"") != std::string::npos);
  CHECK(StringField(list.body, "current") == "P");

  const int64_t outbox = Count("SELECT count(*) FROM outbox WHERE tbl!='audit'");
  const std::string keep_other = "{\"keep\":\"loser\",\"expected_current\":\"P\"}";
  auto done = Call("POST", "/api/v1/conflicts/" + cid + "/resolve", keep_other);
  REQUIRE(done.status == 200);
  CHECK(Count("SELECT count(*) FROM persons WHERE sex='L'") == 1);
  CHECK(Count("SELECT count(*) FROM conflicts WHERE status='resolved'") == 1);
  const int64_t after = Count("SELECT count(*) FROM outbox WHERE tbl!='audit'");
  CHECK(after == outbox + 2);  // the person's field and the decision travel
  CHECK(Call("GET", "/api/v1/conflicts").body.find(cid) == std::string::npos);

  SUBCASE("the same decision from a second tab: already resolved, nothing written") {
    auto again = Call("POST", "/api/v1/conflicts/" + cid + "/resolve", "{\"keep\":\"winner\",\"expected_current\":\"P\"}");
    CHECK(again.status == 409);
    CHECK(StringField(again.body, "message").find("already resolved meanwhile") != std::string::npos);
    CHECK(Count("SELECT count(*) FROM outbox WHERE tbl!='audit'") == after);
    CHECK(Count("SELECT count(*) FROM persons WHERE sex='L'") == 1);
  }
  SUBCASE("a field changed since the page showed it: refused, nothing written") {
    const std::string c2 = Conflict("households", hh, "address", "Dusun Krajan", "Dusun Timur");
    auto stale = Call("POST", "/api/v1/conflicts/" + c2 + "/resolve",
                      "{\"keep\":\"value\",\"value\":\"Dusun Barat\",\"expected_current\":\"Dusun Lama\"}");
    CHECK(stale.status == 409);
    CHECK(StringField(stale.body, "message").find("changed meanwhile (it is now 'Dusun Krajan')") != std::string::npos);
    CHECK(Count("SELECT count(*) FROM outbox WHERE tbl!='audit'") == after);
    CHECK(Count("SELECT count(*) FROM conflicts WHERE status='open'") == 1);
    auto typo = Call("POST", "/api/v1/conflicts/" + c2 + "/resolve", "{\"keep\":\"both\",\"expected_current\":\"\"}");
    CHECK(typo.status == 400);
    CHECK(StringField(typo.body, "field") == "keep");
    auto written = Call("POST", "/api/v1/conflicts/" + c2 + "/resolve",
                        "{\"keep\":\"value\",\"value\":\"Dusun Barat\",\"expected_current\":\"Dusun Krajan\"}");
    CHECK(written.status == 200);
    CHECK(Count("SELECT count(*) FROM households WHERE address='Dusun Barat'") == 1);
  }
}

TEST_CASE("bundle: a reply too large or damaged is refused with a message, nothing applied") {
  VillageAppOptions o;
  o.max_bundle_bytes = 1000;
  SignedIn t(o);
  {
    // Enrolled as far as the bundle is concerned: a hub key is known.
    auto store = t.OpenStore();
    REQUIRE(store->SetMeta("hub_pk", std::string(64, 'a')).ok());
  }
  auto post = [&](const std::string& bytes, bool csrf = true) {
    return t.Call("POST", "/api/v1/sync/bundle/import?name=balasan.bundle", bytes, csrf);
  };
  const int64_t outbox = t.Count("SELECT count(*) FROM outbox WHERE tbl!='audit'"), meta = t.Count("SELECT count(*) FROM meta");
  auto big = post(std::string(1001, 'x'));
  CHECK(big.status == 413);
  CHECK(F::StringField(big.body, "message").find("at most 1 MB") != std::string::npos);
  CHECK(F::StringField(big.body, "field") == "file");
  auto damaged = post(std::string(600, 'x'));
  CHECK(damaged.status == 400);
  CHECK(F::StringField(damaged.body, "message") ==
        "'balasan.bundle' is damaged or not a whole reply bundle; nothing was applied. Ask Dinsos for the reply file again.");
  CHECK(post(std::string(600, 'x'), /*csrf=*/false).status == 403);
  CHECK(t.Count("SELECT count(*) FROM outbox WHERE tbl!='audit'") == outbox);
  CHECK(t.Count("SELECT count(*) FROM meta") == meta);
  // No file left behind in the data directory.
  for (const auto& e : std::filesystem::directory_iterator(t.dir())) CHECK(e.path().extension() != ".bundle");
  auto status = t.Call("GET", "/api/v1/sync");
  CHECK(status.body.find("\"bundle_max_bytes\":1000") != std::string::npos);
}

TEST_CASE_FIXTURE(SignedIn, "bundle: making one on a node never enrolled says so") {
  auto r = Call("POST", "/api/v1/sync/bundle/export", "");
  CHECK(r.status >= 400);
  CHECK(!StringField(r.body, "message").empty());
  CHECK(r.HeaderValue("content-disposition").empty());
}

}  // namespace
}  // namespace simpul::node::testing
