// The exports of the Dinsos web API (hub/api/exports_api.cc, hub/exports.h,
// hub/xlsx.h) against the real handler: a stated purpose, audited; the
// queue's filters; NIK whole or masked by role; XLSX and CSV; the PBI-JKN
// and PBI-APBD proposal lists; and bad input refused with nothing audited. The browser
// test (tests/browser/cases_test.py) reads an XLSX back with openpyxl.
#include <doctest/doctest.h>

#include "hub/exports.h"
#include "hub/xlsx.h"
#include "schema/local_time.h"
#include "tests/hub/web_app_fixture.h"
#include "tests/support/hub_fixture.h"

namespace simpul::hub {
namespace {

using namespace testing_web;

struct ExportsFixture : Fixture {
  ExportsFixture() {
    Accounts();
    REQUIRE(sync::AddOperator(store->db(), "audra", "auditor", "passw0rd-audra").ok());
    Application("A1", "Siti Aminah");
    Application("A2", "=HYPERLINK(\"http://x\")", "pbi_jkn");
    // A2 approved at Dinsos (as a decision's event row arrives).
    std::string at = store->hlc().Version(store->hlc().Now());
    REQUIRE(store->db()
                .Exec("INSERT INTO events(id,village,subject_id,subject_kind,kind,actor,actor_role,at,after) VALUES("
                      "'EA2-ok','" + std::string(kVillage) + "','A2','application','approved','hub-1','hub','" + at +
                      "','EA2')")
                .ok());
  }
  int64_t Exports() { return Count("SELECT count(*) AS n FROM hub_audit WHERE action='export'"); }
};

TEST_CASE("web exports: a purpose is required and every export is audited with it") {
  ExportsFixture f;
  auto vera = f.SignIn("vera");
  for (const std::string& bad : {std::string("/api/v1/exports/queue"), std::string("/api/v1/exports/queue?purpose=%20%20"),
                                "/api/v1/exports/queue?purpose=" + std::string(301, 'x'),
                                std::string("/api/v1/exports/pbi-proposal?format=csv")}) {
    auto r = f.Call("GET", bad, "", vera.cookie);
    CHECK_MESSAGE(r.status == 400, bad);
    CHECK(Has(r, "\"field\":\"purpose\""));
  }
  auto pdf = f.Call("GET", "/api/v1/exports/queue?purpose=rekap&format=pdf", "", vera.cookie);
  CHECK(pdf.status == 400);
  CHECK(Has(pdf, "\"field\":\"format\""));
  CHECK(f.Call("GET", "/api/v1/exports/queue?purpose=rekap&status=lost", "", vera.cookie).status == 400);
  CHECK(f.Call("GET", "/api/v1/exports/queue?purpose=rekap").status == 401);
  CHECK(f.Exports() == 0);

  auto xlsx = f.Call("GET", "/api/v1/exports/queue?purpose=rekap%20bulanan%20Kadis", "", vera.cookie);
  REQUIRE(xlsx.status == 200);
  CHECK(xlsx.content_type == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  CHECK(xlsx.body.substr(0, 4) == std::string("PK\x03\x04", 4));
  CHECK(std::string(xlsx.HeaderValue("content-disposition")).find("attachment") == 0);
  CHECK(std::string(xlsx.HeaderValue("content-disposition")).find(".xlsx") != std::string::npos);
  CHECK(f.Count("SELECT count(*) AS n FROM hub_audit WHERE action='export' AND subject LIKE 'queue%xlsx' AND detail="
                "'2 row(s); purpose: rekap bulanan Kadis' AND actor LIKE 'vera%'") == 1);
}

TEST_CASE("web exports: the queue's filters apply; NIK whole for verifiers, masked for the auditor; no formulas") {
  ExportsFixture f;
  auto vera = f.SignIn("vera");
  auto csv = f.Call("GET", "/api/v1/exports/queue?purpose=cek&format=csv&type=poverty_statement", "", vera.cookie);
  REQUIRE(csv.status == 200);
  CHECK(csv.content_type == "text/csv; charset=utf-8");
  CHECK(Has(csv, "Siti Aminah"));
  CHECK(Has(csv, "3510015211870002"));  // whole: a verifier works on the record
  CHECK(Has(csv, "3510011211870001"));  // No. KK
  CHECK_FALSE(Has(csv, "HYPERLINK"));   // the type filter
  CHECK(f.Count("SELECT count(*) AS n FROM hub_audit WHERE action='export' AND detail LIKE '1 row(s)%'") == 1);

  auto audra = f.SignIn("audra");
  auto masked = f.Call("GET", "/api/v1/exports/queue?purpose=audit%20sampel&format=csv", "", audra.cookie);
  REQUIRE(masked.status == 200);
  CHECK(Has(masked, "3510********0002"));
  CHECK_FALSE(Has(masked, "3510015211870002"));
  // A name that is a formula stays text in the CSV (guarded), and reads as a string in XLSX.
  CHECK(Has(masked, "\"'=HYPERLINK(\"\"http://x\"\")\""));
  CHECK(RoleSeesFullNik("hub_verifier"));
  CHECK(RoleSeesFullNik("approving_official"));
  CHECK_FALSE(RoleSeesFullNik("auditor"));
  CHECK_FALSE(RoleSeesFullNik("village_operator"));
}

TEST_CASE("web exports: the PBI-JKN proposal list holds the approved PBI-JKN applications") {
  ExportsFixture f;
  auto oki = f.SignIn("oki");
  auto csv = f.Call("GET", "/api/v1/exports/pbi-proposal?purpose=usulan%20ke%20BPJS&format=csv", "", oki.cookie);
  REQUIRE_MESSAGE(csv.status == 200, csv.body);
  CHECK(Has(csv, "HYPERLINK"));
  CHECK_FALSE(Has(csv, "Siti Aminah"));  // not PBI-JKN
  CHECK(Has(csv, "3510015211870002"));
  CHECK(Has(csv, "35.10.01.2001"));
  auto xlsx = f.Call("GET", "/api/v1/exports/pbi-proposal?purpose=usulan%20ke%20BPJS", "", oki.cookie);
  CHECK(xlsx.status == 200);
  CHECK(f.Count("SELECT count(*) AS n FROM hub_audit WHERE action='export' AND subject LIKE 'pbi_jkn%'") == 2);
}

TEST_CASE("web exports: the PBI-APBD proposal list (TemanKos) holds the approved PBI-APBD applications") {
  ExportsFixture f;
  f.Application("A3", "Sri Wahyuni", "pbi_apbd");
  std::string at = f.store->hlc().Version(f.store->hlc().Now());
  REQUIRE(f.store->db()
              .Exec("INSERT INTO events(id,village,subject_id,subject_kind,kind,actor,actor_role,at,after) VALUES("
                    "'EA3-ok','" + std::string(kVillage) + "','A3','application','approved','hub-1','hub','" + at +
                    "','EA3')")
              .ok());
  auto oki = f.SignIn("oki");
  auto apbd = f.Call("GET", "/api/v1/exports/pbi-proposal?type=pbi_apbd&purpose=usulan%20KIS-PBI%20APBD&format=csv", "",
                     oki.cookie);
  REQUIRE_MESSAGE(apbd.status == 200, apbd.body);
  CHECK(Has(apbd, "Sri Wahyuni"));
  CHECK_FALSE(Has(apbd, "HYPERLINK"));  // PBI-JKN: the other list
  CHECK(std::string(apbd.HeaderValue("content-disposition")).find("usulan-pbi-apbd-") != std::string::npos);
  auto jkn = f.Call("GET", "/api/v1/exports/pbi-proposal?purpose=usulan%20ke%20BPJS&format=csv", "", oki.cookie);
  REQUIRE(jkn.status == 200);
  CHECK_FALSE(Has(jkn, "Sri Wahyuni"));
  CHECK(f.Count("SELECT count(*) AS n FROM hub_audit WHERE action='export' AND subject LIKE 'pbi_apbd proposal%'") == 1);
  // Another type: refused naming the field, nothing audited.
  const int64_t before = f.Exports();
  auto bad = f.Call("GET", "/api/v1/exports/pbi-proposal?type=poverty_statement&purpose=x&format=csv", "", oki.cookie);
  CHECK(bad.status == 400);
  CHECK(Has(bad, "\"field\":\"type\""));
  CHECK(f.Exports() == before);
}

TEST_CASE("web exports: the SIPERJAKE recap counts per kecamatan, village and type by status, for a period") {
  Fixture f;
  f.Accounts();
  f.now = static_cast<int64_t>(f.store->NowMs());
  f.Received("R1", "35.10.01.2001", 2);
  f.Received("R2", "35.10.01.2001", 3);
  f.Received("R3", "35.10.01.2002", 3, "pbi_jkn");
  f.Received("R4", "35.10.02.2001", 3);
  f.Received("R5", "35.10.01.2001", 24 * 40);  // 40 days ago
  f.Application("R6", "Belum diterima");          // not received at Dinsos: not counted
  // R2 approved at Dinsos.
  auto oki = f.SignIn("oki");
  simpul::hub::testing::PassStagesOn(*f.store, "R2");
  REQUIRE(f.Call("POST", "/api/v1/applications/R2/actions/approve", R"({"expected_head":")" + f.Head("R2") + "\"}",
                 oki.cookie, oki.csrf).status == 200);
  CHECK(f.Call("GET", "/api/v1/exports/siperjake-recap?format=csv", "", oki.cookie).status == 400);  // no purpose
  CHECK(f.Call("GET", "/api/v1/exports/siperjake-recap?purpose=x&from=2026-02-30", "", oki.cookie).status == 400);
  CHECK(f.Call("GET", "/api/v1/exports/siperjake-recap?purpose=x&from=2026-12-02&to=2026-12-01", "", oki.cookie)
            .status == 400);
  CHECK(f.Count("SELECT count(*) AS n FROM hub_audit WHERE action='export'") == 0);

  const std::string from = schema::FormatDate(f.now - 10 * 86'400'000LL, schema::ZoneOfRegion(""));
  auto csv = f.Call("GET", "/api/v1/exports/siperjake-recap?purpose=rekap%20SIPERJAKE&format=csv&from=" + from, "",
                    oki.cookie);
  REQUIRE_MESSAGE(csv.status == 200, csv.body);
  // Columns: kecamatan, village, type, then submitted, in_review, returned,
  // approved, letter_issued, rejected, withdrawn, draft, total.
  CHECK(Has(csv, "Kode kecamatan,Kecamatan,Kode desa,Desa/kelurahan,Jenis,diajukan,"));
  CHECK(Has(csv, "35.10.01,Pesanggaran,35.10.01.2001,Sarongan,Surat Pernyataan Miskin / SKTM,1,0,0,1,0,0,0,0,2\r\n"));
  CHECK(Has(csv, "35.10.01,Pesanggaran,35.10.01.2002,Pesanggaran,Usulan PBI-JKN (APBN),1,0,0,0,0,0,0,0,1\r\n"));
  CHECK(Has(csv, "35.10.01,Pesanggaran,,Jumlah kecamatan,,2,0,0,1,0,0,0,0,3\r\n"));
  CHECK(Has(csv, "35.10.02,Bangorejo,,Jumlah kecamatan,,1,0,0,0,0,0,0,0,1\r\n"));
  CHECK(Has(csv, ",Jumlah kabupaten,,,,3,0,0,1,0,0,0,0,4\r\n"));
  // Without a period: the older one too.
  auto all = f.Call("GET", "/api/v1/exports/siperjake-recap?purpose=rekap&format=csv", "", oki.cookie);
  CHECK(Has(all, ",Jumlah kabupaten,,,,4,0,0,1,0,0,0,0,5\r\n"));
  auto xlsx = f.Call("GET", "/api/v1/exports/siperjake-recap?purpose=rekap", "", oki.cookie);
  CHECK(xlsx.status == 200);
  CHECK(xlsx.body.substr(0, 2) == "PK");
  CHECK(std::string(xlsx.HeaderValue("content-disposition")).find("rekap-siperjake") != std::string::npos);
  CHECK(f.Count("SELECT count(*) AS n FROM hub_audit WHERE action='export' AND subject LIKE 'siperjake recap%' AND "
                "actor LIKE 'oki%'") == 3);
  CHECK(f.Count("SELECT count(*) AS n FROM hub_audit WHERE action='export' AND detail='6 row(s); purpose: rekap "
                "SIPERJAKE'") == 1);
}

TEST_CASE("xlsx: a table becomes a workbook; a bad sheet name is made safe") {
  ExportTable t{"a/b:c*?[x]" + std::string(40, 'y'), {{"NIK", CellKind::kText}, {"n", CellKind::kNumber},
                                                     {"t", CellKind::kDateTime}}};
  t.rows.push_back({{"0012345678901234"}, {"1.5"}, {"", 1'800'000'000'000, "35.10.01.2001"}});
  t.rows.push_back({{""}, {""}, {}});
  auto bytes = ToXlsx(t);
  REQUIRE_MESSAGE(bytes.ok(), bytes.status().ToString());
  CHECK(bytes->substr(0, 2) == "PK");
  CHECK(bytes->size() > 1000);
}

}  // namespace
}  // namespace simpul::hub
