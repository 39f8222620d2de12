// End-to-end: each seed programme's path through the real binaries (issue
// 11, "Proof"), one cluster per case, in the seed district's own villages.
// - TemanKos (Karanganyar): a KIS-PBI APBD proposal for residents checked
//   against DTKS offline at the village; a DTKS-active or PBI-JKN-holding
//   applicant needs an override reason; the approved one gets a letter and
//   is on the PBI-APBD proposal list for BPJS (the hub's web API).
// - E-Layanan Dinsos (Mimika, Papua: WIT): a hospital-bill recommendation
//   with KK, KTP and referral, returned for a missing document, completed
//   and resubmitted, approved by an approving_official account, numbered in
//   its own REK-RS sequence, printed at the kelurahan (pdftotext) and its QR
//   verified there.
// - SIPERJAKE (Indragiri Hilir): registrations from villages of two
//   kecamatan with mixed outcomes, and the district recap read back with its
//   counts per kecamatan, village and type.
// (SUPERMISKOL: letters_e2e_test; B'DESUT: cases_e2e_test.)
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "schema/local_time.h"
#include "tests/support/cluster.h"

namespace simpul::testing {
namespace {

constexpr int kBadInput = 2;        // README: bad input or not allowed now
constexpr int kNotAuthorized = 7;   // the account's role may not

// Letters are numbered by the year on the office's own clock: in Papua
// (WIT) the new year starts nine hours before it does in UTC.
std::string YearAt(const std::string& village) {
  return schema::FormatDate(static_cast<int64_t>(time(nullptr)) * 1000, schema::ZoneOfRegion(village)).substr(0, 4);
}

// CSV lines of an export as the API returns them (BOM dropped).
std::vector<std::string> CsvLines(const std::string& body) {
  std::vector<std::string> out;
  std::string text = body.rfind("\xEF\xBB\xBF", 0) == 0 ? body.substr(3) : body;
  for (size_t at = 0; at < text.size();) {
    size_t eol = text.find("\r\n", at);
    if (eol == std::string::npos) eol = text.size();
    out.push_back(text.substr(at, eol - at));
    at = eol + 2;
  }
  return out;
}

TEST_CASE("programmes: TemanKos PBI-APBD with the DTKS check, letter and proposal list") {
  const std::string jatipuro = "33.13.01.2003";  // Kab. Karanganyar, Kec. Jatipuro
  Hub hub({}, "Dinsos Karanganyar");
  hub.Start();
  Node village(jatipuro);
  village.Enrol(hub);

  // DTKS at the hub (synthetic rows): Sri is listed but not a PBI
  // participant; Tono is already an active PBI participant.
  const std::string sri = Node::ApplicantNik(1), tono = Node::ApplicantNik(2), warsini = Node::ApplicantNik(3);
  std::string csv = hub.File("dtks.csv");
  WriteFile(csv, "NIK;Nama;Kode Desa;Desil;Status PBI;Tanggal Snapshot\r\n" + sri +
                     ";Sri Lestari;3313012003;1;tidak terdaftar;30/09/2026\r\n" + tono +
                     ";Tono Sugiarto;3313012003;2;aktif;30/09/2026\r\n");
  CHECK(hub.Ok({"dtks", "import", csv})["rows"].num() == 2);
  CheckClean(village.Sync(), village.last());

  // Offline (the hub is down): the village registers and proposes; the DTKS
  // status and desil are shown from its own copy.
  const int port = hub.port();
  CHECK(hub.Stop() == 0);
  const ApplicationKind apbd{"pbi_apbd", "", "Usulan KIS-PBI APBD"};
  Applicant a_sri = village.DraftApplicant(1, "Sri Lestari", apbd);
  Applicant a_tono = village.DraftApplicant(2, "Tono Sugiarto", apbd);
  Json shown = village.Ok({"application", "show", a_sri.application});
  CHECK(shown["dtks"]["listed"].truthy());
  CHECK(shown["dtks"]["desil"].num() == 1);
  CHECK(shown["dtks"]["pbi_status"].str() == "not_registered");
  LH_CHECK_HAS(village.Cli({"application", "show", a_tono.application}).out,
               "DTKS: desil 2, PBI active (snapshot of 2026-09-30)");
  // Warsini is not in DTKS; she holds a PBI-JKN application too.
  Applicant a_warsini = village.DraftApplicant(3, "Warsini", apbd);
  LH_CHECK_HAS(village.Cli({"dtks", "show", "--nik", warsini}).out, "not in DTKS (snapshot of 2026-09-30)");
  std::string warsini_jkn = village.Id({"application", "new", "--type", "pbi_jkn", "--applicant", a_warsini.person});
  for (const std::string& app : {a_sri.application, a_tono.application, a_warsini.application, warsini_jkn})
    village.Submit(app);
  hub.Start(port);
  CheckClean(village.Sync(), village.last());

  // Dinsos: the verification stage, then the decisions.
  for (const std::string& app : {a_sri.application, a_tono.application, a_warsini.application, warsini_jkn})
    hub.PassStages(app);
  ProcessResult listed = hub.Cli({"application", "approve", a_tono.application});
  CHECK(listed.exit_code == kBadInput);
  LH_CHECK_HAS(listed.err, "active PBI participant");
  LH_CHECK_HAS(listed.err, "2026-09-30");
  LH_CHECK_HAS(listed.err, "--override-reason");
  CHECK(hub.Ok({"application", "show", a_tono.application})["status"].str() != "approved");
  hub.Do({"application", "approve", warsini_jkn, "--reason", "Memenuhi kriteria"});
  ProcessResult held = hub.Cli({"application", "approve", a_warsini.application});
  CHECK(held.exit_code == kBadInput);
  LH_CHECK_HAS(held.err, warsini_jkn);
  LH_CHECK_HAS(held.err, "--override-reason");
  hub.Do({"application", "approve", a_sri.application, "--reason", "Desil 1, belum PBI"});
  const std::string number = hub.Ok({"application", "letter", a_sri.application})["letter_number"].str();
  CHECK(number == "400.9/0001/PBI-APBD/" + YearAt(jatipuro));

  // The village receives the decision and prints the letter.
  CheckClean(village.Sync(), village.last());
  CHECK(village.Ok({"application", "show", a_sri.application})["status"].str() == "letter_issued");
  CHECK(village.Ok({"application", "show", a_tono.application})["status"].str() == "in_review");
  std::string pdf = village.File("sri.pdf");
  CHECK(village.Ok({"letter", "get", a_sri.application, "--out", pdf})["number"].str() == number);
  std::string text = PdfText(pdf);
  CHECK_HAS(text, "Sri Lestari");
  CHECK_HAS(text, "SURAT REKOMENDASI KIS-PBI APBD");

  // The PBI-APBD proposal list for BPJS, as the approving official exports
  // it from the web app: Sri (NIK whole for this role), nobody else; the
  // PBI-JKN list has Warsini and not Sri.
  hub.AddAccount("root", "administrator", "passw0rd-root");  // setup mode ends
  hub.SignIn("root", "passw0rd-root");
  hub.AddAccount("oki", "approving_official", "passw0rd-oki");
  WebSession oki(hub, "oki", "passw0rd-oki");
  HttpReply list = oki.Get("/api/v1/exports/pbi-proposal?type=pbi_apbd&format=csv&purpose=" +
                           UrlEncode("Usulan KIS-PBI APBD ke BPJS"));
  REQUIRE_MESSAGE(list.status == 200, list.body);
  std::vector<std::string> rows = CsvLines(list.body);
  REQUIRE(rows.size() == 2);  // the header and Sri
  CHECK_HAS(rows[1], "Sri Lestari," + sri);
  CHECK_HAS(rows[1], jatipuro);
  CHECK_HAS(rows[1], number);
  CHECK_HAS(rows[0], ",Desil,DTKS");  // checked against the DTKS snapshot: Sri is desil 1, not yet PBI
  CHECK_HAS(rows[1], ",1,\"DTKS: desil 1,");
  HttpReply jkn = oki.Get("/api/v1/exports/pbi-proposal?format=csv&purpose=" + UrlEncode("Usulan PBI-JKN"));
  REQUIRE(jkn.status == 200);
  CHECK_HAS(jkn.body, "Warsini");
  CHECK(jkn.body.find("Sri Lestari") == std::string::npos);
  CHECK(hub.Count("SELECT count(*) FROM hub_audit WHERE action='export' AND subject LIKE 'pbi_apbd proposal%'"
                  " AND detail LIKE '%Usulan KIS-PBI APBD ke BPJS%'") == 1);
}

TEST_CASE("programmes: Mimika recommendation returned, completed, approved by the official, printed in WIT") {
  const std::string koperapoka = "94.04.01.1001";  // Kab. Mimika, Distrik Mimika Baru (Papua Tengah: WIT)
  Hub hub({}, "Dinsos Mimika");
  hub.Start();
  // Accounts: the administrator (setup mode), a verifier, the official.
  hub.AddAccount("root", "administrator", "passw0rd-root");
  hub.SignIn("root", "passw0rd-root");
  hub.AddAccount("vera", "hub_verifier", "passw0rd-vera");
  hub.AddAccount("ofi", "approving_official", "passw0rd-ofi");
  Node kelurahan(koperapoka);
  kelurahan.Enrol(hub);

  // The kelurahan officer enters a hospital-bill recommendation with KK,
  // KTP and the hospital's referral; a PBI-JKN proposal goes the same day.
  const ApplicationKind rs{"recommendation", "hospital_bill", "Keringanan biaya rawat inap RSUD Mimika"};
  Applicant maria = kelurahan.SubmittedApplicant(7, "Maria Yikwa", rs, {"kk", "ktp", "referral"});
  Applicant yosep = kelurahan.SubmittedApplicant(8, "Yosep Magal", {"pbi_jkn", "", ""});
  CheckClean(kelurahan.Sync(), kelurahan.last());

  // The verifier finds the doctor's note missing and returns it.
  hub.SignIn("vera", "passw0rd-vera");
  hub.Do({"application", "return", maria.application, "--reason", "Lampirkan surat keterangan dokter"});
  CheckClean(kelurahan.Sync(), kelurahan.last());
  Json returned = kelurahan.Ok({"application", "show", maria.application});
  REQUIRE(returned["status"].str() == "returned");
  ProcessResult shown = kelurahan.Cli({"application", "show", maria.application});
  LH_CHECK_HAS(shown.out, "Lampirkan surat keterangan dokter");
  LH_CHECK_HAS(shown.out, " WIT");  // the history in the office's zone
  kelurahan.Submit(maria.application, {"medical_note"});
  CheckClean(kelurahan.Sync(), kelurahan.last());
  CHECK(hub.Count("SELECT count(*) FROM attachments WHERE application_id=? AND kind='medical_note'",
                  {maria.application}) == 1);

  // Verified by the verifier, who may not decide; approved by the official.
  hub.PassStages(maria.application);
  hub.PassStages(yosep.application);
  ProcessResult not_hers = hub.Cli({"application", "approve", maria.application, "--reason", "Lengkap"});
  CHECK(not_hers.exit_code == kNotAuthorized);
  hub.SignIn("ofi", "passw0rd-ofi");
  hub.Do({"application", "approve", yosep.application, "--reason", "Memenuhi kriteria"});
  const std::string pbi_number = hub.Ok({"application", "letter", yosep.application})["letter_number"].str();
  hub.Do({"application", "approve", maria.application, "--reason", "Berkas lengkap"});
  const std::string number = hub.Ok({"application", "letter", maria.application})["letter_number"].str();
  CHECK(pbi_number == "400.9/0001/PBI-JK/" + YearAt(koperapoka));
  CHECK(number == "400.9/0001/REK-RS/" + YearAt(koperapoka));  // its own sequence, not the PBI letter's
  // The approval, the letter and the audit name the signed-in accounts (not
  // the shell's login name: SIMPUL_OPERATOR is "operator-dinsos" here).
  CHECK(SqlText(hub.db(), "SELECT reason FROM events WHERE subject_id=? AND kind='approved'", {maria.application}) ==
        "Berkas lengkap [ofi]");
  CHECK(SqlText(hub.db(), "SELECT reason FROM events WHERE subject_id=? AND kind='returned'", {maria.application}) ==
        "Lampirkan surat keterangan dokter [vera]");
  CHECK(SqlText(hub.db(), "SELECT issued_by FROM letters WHERE number=?", {number}) == "ofi");
  CHECK(hub.Count("SELECT count(*) FROM hub_audit WHERE action='decision:approved' AND subject=?"
                  " AND actor='ofi (approving_official)'", {maria.application}) == 1);

  // The kelurahan prints it after its sync: the resident, the number, the
  // letterhead; issued in WIT; its QR verifies offline.
  CheckClean(kelurahan.Sync(), kelurahan.last());
  std::string pdf = kelurahan.File("rekomendasi.pdf");
  Json got = kelurahan.Ok({"letter", "get", maria.application, "--out", pdf});
  CHECK(got["number"].str() == number);
  CHECK_HAS(got["issued"].str(), "+09:00");
  LH_CHECK_HAS(kelurahan.Cli({"letter", "get", maria.application, "--out", pdf}).out, " WIT)");
  std::string text = PdfText(pdf);
  CHECK_HAS(text, "Maria Yikwa");
  CHECK_HAS(text, number);
  CHECK_HAS(text, "DINAS SOSIAL");
  CHECK_HAS(text, "SURAT REKOMENDASI");
  Json verdict = kelurahan.Ok({"letter", "verify", PdfQrText(pdf, kelurahan.Home())});
  CHECK(verdict["verdict"].str() == "valid");
  CHECK(verdict["number"].str() == number);
  CHECK(verdict["name"].str() == "Maria Yikwa");
}

TEST_CASE("programmes: SIPERJAKE registrations from two kecamatan and the district recap") {
  // Kab. Indragiri Hilir: Kec. Tembilahan (two kelurahan) and Kec. Reteh.
  const std::string tembilahan_kota = "14.04.04.1001", tembilahan_hilir = "14.04.04.1002", sanglar = "14.04.01.2002";
  Hub hub({}, "Dinsos Indragiri Hilir");
  hub.Start();
  Node kota(tembilahan_kota), hilir(tembilahan_hilir), reteh(sanglar);
  for (Node* n : {&kota, &hilir, &reteh}) n->Enrol(hub);
  const ApplicationKind pbi{"pbi_jkn", "", ""};
  const std::vector<std::string> docs = {"kk", "ktp", "sktm"};
  Applicant k1 = kota.SubmittedApplicant(11, "Siti Rahmah", pbi, docs);
  Applicant k2 = kota.SubmittedApplicant(12, "Nurhayati", pbi, docs);
  Applicant h1 = hilir.SubmittedApplicant(13, "Rosnani", pbi, docs);
  Applicant h2 = hilir.SubmittedApplicant(14, "Zainab", pbi, docs);
  Applicant h3 = hilir.SubmittedApplicant(15, "Halimah", {"pbi_apbd", "", "Usulan PBI daerah"}, docs);
  Applicant r1 = reteh.SubmittedApplicant(16, "Aminah", pbi, docs);
  for (Node* n : {&kota, &hilir, &reteh}) CheckClean(n->Sync(), n->last());

  // Dinsos: mixed outcomes.
  hub.Approve(k1.application);
  hub.Ok({"application", "letter", k1.application});
  hub.Do({"application", "return", k2.application, "--reason", "SKTM sudah kedaluwarsa"});
  hub.Do({"application", "reject", h2.application, "--reason", "Sudah terdaftar sebagai peserta mandiri"});
  hub.PassStages(h3.application);  // in review
  hub.Approve(r1.application);
  // h1: received, untouched.

  hub.AddAccount("root", "administrator", "passw0rd-root");
  hub.SignIn("root", "passw0rd-root");
  hub.AddAccount("aud", "auditor", "passw0rd-aud");
  WebSession aud(hub, "aud", "passw0rd-aud");
  HttpReply recap = aud.Get("/api/v1/exports/siperjake-recap?format=csv&purpose=" + UrlEncode("Rekap bulanan"));
  REQUIRE_MESSAGE(recap.status == 200, recap.body);
  CHECK_HAS(recap.Header("content-disposition"), "rekap-siperjake");
  // Columns: kecamatan code, kecamatan, village code, village, type, then
  // submitted, in review, returned, approved, letter issued, rejected,
  // withdrawn, draft, total.
  std::vector<std::string> lines = CsvLines(recap.body);
  const std::vector<std::string> expected = {
      "14.04.01,Reteh,14.04.01.2002,Sanglar,Usulan PBI-JKN (APBN),0,0,0,1,0,0,0,0,1",
      "14.04.01,Reteh,,Jumlah kecamatan,,0,0,0,1,0,0,0,0,1",
      "14.04.04,Tembilahan,14.04.04.1001,Tembilahan Kota,Usulan PBI-JKN (APBN),0,0,1,0,1,0,0,0,2",
      "14.04.04,Tembilahan,14.04.04.1002,Tembilahan Hilir,Usulan PBI-APBD / PBPU-BP Pemda,0,1,0,0,0,0,0,0,1",
      "14.04.04,Tembilahan,14.04.04.1002,Tembilahan Hilir,Usulan PBI-JKN (APBN),1,0,0,0,0,1,0,0,2",
      "14.04.04,Tembilahan,,Jumlah kecamatan,,1,1,1,0,1,1,0,0,5",
      ",Jumlah kabupaten,,,,1,1,1,1,1,1,0,0,6",
  };
  REQUIRE_MESSAGE(lines.size() == expected.size() + 1, recap.body);
  for (size_t i = 0; i < expected.size(); ++i) CHECK(lines[i + 1] == expected[i]);
  // No personal data in a recap; the export is audited under the auditor.
  CHECK(recap.body.find("Siti Rahmah") == std::string::npos);
  CHECK(recap.body.find(k1.nik) == std::string::npos);
  CHECK(hub.Count("SELECT count(*) FROM hub_audit WHERE action='export' AND subject LIKE 'siperjake recap%'"
                  " AND detail LIKE '%Rekap bulanan%'") == 1);

  // The villages learn their outcomes at their next sync.
  CheckClean(kota.Sync(), kota.last());
  CHECK(kota.Ok({"application", "show", k2.application})["status"].str() == "returned");
  CHECK(kota.Ok({"application", "show", k1.application})["status"].str() == "letter_issued");
}

}  // namespace
}  // namespace simpul::testing
