// The village web app's records, through its real handler: a household and
// its members land together or not at all, through the CLI's record
// functions and so into the outbox; the NIK is decoded as the operator
// types; applications with answers, submission, the board; the Sync page's
// outcome in words with the hub unreachable (nothing lost).
#include <doctest/doctest.h>

#include "node/sync_run.h"
#include "tests/node/village_app_fixture.h"

namespace simpul::node::testing {
namespace {

using F = VillageAppFixture;

struct SignedIn : F {
  SignedIn() {
    Unlock();
    SignIn();
  }
};

TEST_CASE_FIXTURE(SignedIn, "register: the household and its members go through change capture into the outbox") {
  auto [hh, head] = Household();
  CHECK(Count("SELECT count(*) FROM persons WHERE household_id='" + hh + "'") == 2);
  CHECK(Count("SELECT count(*) FROM households WHERE head_person_id='" + head + "'") == 1);
  CHECK(Count("SELECT count(*) FROM outbox WHERE tbl='households' AND state='pending'") >= 1);
  CHECK(Count("SELECT count(*) FROM outbox WHERE tbl='persons' AND state='pending'") == 2);
  auto found = Call("GET", "/api/v1/search?q=3510015211");  // a NIK's first digits
  CHECK(found.body.find(hh) != std::string::npos);
  CHECK(Call("GET", "/api/v1/search?q=amin").body.find("Siti Aminah") != std::string::npos);
  CHECK(Call("GET", "/api/v1/search?q=3510011211870001").body.find(hh) != std::string::npos);  // No. KK
  CHECK(Call("GET", "/api/v1/search?q=nobody").body.find(hh) == std::string::npos);
}

TEST_CASE_FIXTURE(SignedIn, "register: one bad member refuses the whole household, naming the member's field") {
  const int64_t outbox = Count("SELECT count(*) FROM outbox");
  auto r = Call("POST", "/api/v1/households",
                "{\"address\":\"Dusun Krajan\",\"m0.name\":\"Siti Aminah\",\"m0.relation\":\"1\","
                "\"m1.name\":\"Budi\",\"m1.nik\":\"35100112118\"}");
  CHECK(r.status == 400);
  CHECK(StringField(r.body, "field") == "m1.nik");
  CHECK(StringField(r.body, "message") == "Member 2: NIK must be 16 digits (got 11).");
  // Neither the household nor the good first member was written.
  CHECK(Count("SELECT count(*) FROM households") == 0);
  CHECK(Count("SELECT count(*) FROM persons") == 0);
  CHECK(Count("SELECT count(*) FROM outbox") == outbox);

  SUBCASE("the household's own fields are named as the form names them") {
    auto kk = Call("POST", "/api/v1/households", "{\"address\":\"Krajan\",\"no_kk\":\"12\",\"m0.name\":\"Siti\"}");
    CHECK(kk.status == 400);
    CHECK(StringField(kk.body, "field") == "no_kk");
    auto date = Call("POST", "/api/v1/households",
                     "{\"address\":\"Krajan\",\"m0.name\":\"Siti\",\"m0.birth_date\":\"12-11-1987\"}");
    CHECK(StringField(date.body, "field") == "m0.birth_date");
    auto address = Call("POST", "/api/v1/households", "{\"m0.name\":\"Siti\"}");
    CHECK(StringField(address.body, "field") == "address");
    auto nobody = Call("POST", "/api/v1/households", "{\"address\":\"Krajan\"}");
    CHECK(StringField(nobody.body, "field") == "m0.name");
    CHECK(Count("SELECT count(*) FROM households") == 0);
  }
}

TEST_CASE_FIXTURE(SignedIn, "NIK check: region, birth date and sex decoded; a typo named") {
  auto ok = Call("POST", "/api/v1/check/nik", "{\"nik\":\"3510 0152 1187 0002\"}");
  CHECK(ok.status == 200);
  CHECK(ok.body.find("\"valid\":true") != std::string::npos);
  CHECK(StringField(ok.body, "sex") == "P");
  CHECK(StringField(ok.body, "birth_date") == "1987-11-12");
  CHECK(StringField(ok.body, "birth_date_text") == "12 November 1987");
  CHECK(StringField(ok.body, "region") == "Pesanggaran, Kabupaten Banyuwangi, Jawa Timur");
  // What the operator typed so far disagrees: a warning, not a refusal.
  auto sex = Call("POST", "/api/v1/check/nik", "{\"nik\":\"3510015211870002\",\"sex\":\"L\"}");
  CHECK(sex.body.find("indicates sex P") != std::string::npos);
  auto typo = Call("POST", "/api/v1/check/nik", "{\"nik\":\"3510013211870002\"}");
  CHECK(typo.body.find("\"valid\":false") != std::string::npos);
  CHECK(StringField(typo.body, "field") == "nik");
  CHECK(StringField(typo.body, "message").rfind("NIK", 0) == 0);
  // The village's DTKS snapshot, looked up offline as the NIK is typed.
  CHECK(StringField(ok.body, "dtks_text").empty());  // no snapshot held: nothing said
  {
    auto store = OpenStore();
    REQUIRE(store->db()
                .Exec("INSERT INTO dtks(id,village,nik,name,desil,pbi_status,snapshot_date,source) VALUES"
                      "('D1','35.10.01.2001','3510015211870002','Siti',2,'active','2025-03-31','dtks')")
                .ok());
  }
  auto listed = Call("POST", "/api/v1/check/nik", "{\"nik\":\"3510015211870002\"}");
  CHECK(StringField(listed.body, "dtks_text").find("2025-03-31") != std::string::npos);
  CHECK(listed.body.find("\"dtks_listed\":true") != std::string::npos);
  // Registered already: the operator is told who holds it.
  Household();
  auto twice = Call("POST", "/api/v1/check/nik", "{\"nik\":\"3510015211870002\"}");
  CHECK(twice.body.find("\"registered\":[{") != std::string::npos);
}

TEST_CASE_FIXTURE(SignedIn, "applications: new with answers, checklist, submit, board, all through the outbox") {
  auto [hh, head] = Household("<script>alert(1)</script>");
  auto created = Call("POST", "/api/v1/applications",
                      "{\"applicant_id\":\"" + head + "\",\"household_id\":\"" + hh +
                          "\",\"type\":\"poverty_statement\",\"ans.no_shelter\":\"tidak\",\"ans.head_not_working\":\"ya\"}");
  REQUIRE(created.status == 201);
  const std::string app = StringField(created.body, "id");
  auto shown = Call("GET", "/api/v1/applications/" + app);
  CHECK(StringField(shown.body, "status") == "draft");
  CHECK(StringField(shown.body, "indicator_answers") == "head_not_working=ya;no_shelter=tidak");
  CHECK(shown.body.find("purpose is required") != std::string::npos);  // the checklist
  // The name is data: JSON, never markup.
  CHECK(shown.content_type.rfind("application/json", 0) == 0);
  CHECK(StringField(shown.body, "name") == "<script>alert(1)</script>");
  auto refused = Call("POST", "/api/v1/applications/" + app + "/submit", "{}");
  CHECK(refused.status == 409);
  auto edited = Call("PUT", "/api/v1/applications/" + app, "{\"purpose\":\"Berobat ke RSUD\",\"service_type\":\"\"}");
  CHECK(edited.status == 200);
  // A second tab that still shows the first purpose: refused, named.
  auto stale = Call("PUT", "/api/v1/applications/" + app,
                    "{\"purpose\":\"Sekolah\",\"expected.purpose\":\"\"}");
  CHECK(stale.status == 409);
  CHECK(StringField(stale.body, "field") == "purpose");
  CHECK(StringField(stale.body, "message").find("Berobat ke RSUD") != std::string::npos);
  CHECK(Call("PUT", "/api/v1/applications/" + app,
             "{\"purpose\":\"Sekolah\",\"expected.purpose\":\"Berobat ke RSUD\"}").status == 200);
  auto bad_answer = Call("PUT", "/api/v1/applications/" + app, "{\"ans.no_shelter\":\"mungkin\"}");
  CHECK(bad_answer.status == 400);
  CHECK(StringField(bad_answer.body, "field") == "indicators");
  // The service rule's documents first (tests/node/village_documents_api_test.cc).
  auto no_scans = Call("POST", "/api/v1/applications/" + app + "/submit", "{}");
  CHECK(no_scans.status == 409);
  CHECK(StringField(no_scans.body, "field") == "documents");
  CHECK(UploadScan(app, "kk", "\xff\xd8\xff\xe0 KK scan").status == 201);
  CHECK(UploadScan(app, "ktp", "%PDF-1.4 KTP scan", "application/pdf", "ktp.pdf").status == 201);
  CHECK(Call("POST", "/api/v1/applications/" + app + "/submit", "{}").status == 200);
  CHECK(Count("SELECT count(*) FROM outbox o JOIN events e ON o.row_id=e.id WHERE e.subject_id='" + app +
              "' AND e.kind='submitted' AND o.state='pending'") == 1);
  auto board = Call("GET", "/api/v1/applications");
  CHECK(StringField(board.body, "group") == "to_send");
  CHECK(StringField(board.body, "since").find("WIB") != std::string::npos);  // the office's zone, not a stamp
  CHECK(Call("PUT", "/api/v1/applications/" + app, "{\"purpose\":\"x\"}").status == 409);  // frozen once sent
  CHECK(Call("GET", "/api/v1/applications/" + app + "/letter").status == 404);
}

TEST_CASE_FIXTURE(SignedIn, "sync page: a run that could not reach the hub, in words; nothing lost") {
  // The run itself against a stopped hub is tests/browser/village_test.py's
  // (real binaries); here its recorded outcome as the page shows it.
  Household();
  const int64_t pending = Count("SELECT count(*) FROM outbox WHERE state='pending'");
  REQUIRE(pending > 0);
  {
    auto store = OpenStore();
    RecordSyncOutcome(*store, Result<SyncSummary>(Status::Unavailable("connect to 127.0.0.1:9: Connection refused")));
  }
  auto s = Call("GET", "/api/v1/sync");
  CHECK(s.body.find("\"ok\":false") != std::string::npos);
  CHECK(StringField(s.body, "text") ==
        "The Dinsos hub could not be reached (no connection, or the hub is stopped). Nothing is lost: " +
            std::to_string(pending) + " change(s) wait in the outbox and go at the next sync.");
  CHECK(s.body.find("\"outbox_pending\":" + std::to_string(pending)) != std::string::npos);
  CHECK(StringField(s.body, "when").find("WIB") != std::string::npos);
  CHECK(Count("SELECT count(*) FROM outbox WHERE state='pending'") == pending);
  // In Bahasa Indonesia once the operator switches.
  CHECK(Call("PUT", "/api/v1/session/lang", "{\"lang\":\"id\"}").status == 200);
  CHECK(StringField(Call("GET", "/api/v1/sync").body, "text").rfind("Hub Dinsos tidak dapat dihubungi", 0) == 0);
  auto store = OpenStore();
  LastSync last = ReadLastSync(*store);
  CHECK(last.at_ms > 0);
  CHECK_FALSE(last.ok);
  CHECK(last.code == "Unavailable");
}

TEST_CASE_FIXTURE(SignedIn, "sync now on a node never enrolled says so") {
  CHECK(Call("POST", "/api/v1/sync", "{}").status == 202);
  app().WaitForSync();
  auto s = Call("GET", "/api/v1/sync");
  CHECK(StringField(s.body, "text").find("not enrolled") != std::string::npos);
  CHECK(s.body.find("\"enrolled\":false") != std::string::npos);
}

TEST_CASE_FIXTURE(SignedIn, "edits: a person and a household changed with the values shown; changed meanwhile is refused") {
  auto [hh, head] = Household();
  const int64_t outbox = Count("SELECT count(*) FROM outbox");
  const std::string person = "/api/v1/persons/" + head, house = "/api/v1/households/" + hh;
  // The page sends what it showed; the phone and the address change.
  auto saved = Call("PUT", person,
                    "{\"name\":\"Siti Aminah\",\"phone\":\"0812-3456-7890\",\"expected.name\":\"Siti Aminah\","
                    "\"expected.phone\":\"\"}");
  REQUIRE_MESSAGE(saved.status == 200, saved.body);
  CHECK(saved.body.find("\"changed\":1") != std::string::npos);
  CHECK(Count("SELECT count(*) FROM persons WHERE id='" + head + "' AND phone='+6281234567890'") == 1);
  CHECK(Count("SELECT count(*) FROM outbox") > outbox);
  auto moved = Call("PUT", house, "{\"address\":\"Dusun Sumberejo\",\"expected.address\":\"Dusun Krajan\"}");
  REQUIRE_MESSAGE(moved.status == 200, moved.body);
  CHECK(Count("SELECT count(*) FROM households WHERE id='" + hh + "' AND address='Dusun Sumberejo'") == 1);

  const int64_t before = Count("SELECT count(*) FROM outbox");
  // A second tab still showing the old phone: refused naming it, nothing written.
  auto stale = Call("PUT", person, "{\"phone\":\"0813-0000-1111\",\"expected.phone\":\"\"}");
  CHECK(stale.status == 409);
  CHECK(StringField(stale.body, "field") == "phone");
  CHECK(StringField(stale.body, "message").find("+6281234567890") != std::string::npos);
  // Without the value shown: refused too.
  CHECK(Call("PUT", person, "{\"phone\":\"0813-0000-1111\"}").status == 400);
  // The record's own checks: a NIK typo named, the typed value kept by the page.
  auto typo = Call("PUT", person, "{\"nik\":\"3510013211870002\",\"expected.nik\":\"3510015211870002\"}");
  CHECK(typo.status == 400);
  CHECK(StringField(typo.body, "field") == "nik");
  CHECK(Call("PUT", "/api/v1/persons/nope", "{\"name\":\"X\",\"expected.name\":\"\"}").status == 404);
  CHECK(Count("SELECT count(*) FROM outbox") == before);
  CHECK(Count("SELECT count(*) FROM persons WHERE id='" + head + "' AND phone='+6281234567890' AND "
              "nik='3510015211870002'") == 1);
}

}  // namespace
}  // namespace simpul::node::testing
