// DTKS and duplicate beneficiaries with the real binaries: the hub imports a
// DTKS snapshot (Excel's semicolon dialect, Windows-1252); a bad file is
// refused naming its lines and imports nothing; two villages sync and each
// holds only its own rows, proven equal to the hub's; a person registered at
// a village afterwards, offline, shows their DTKS status and desil; a newer
// snapshot reaches the villages (a NIK placed in another village leaves the
// first); the same NIK registered in two villages is flagged at the hub,
// shown with the application, and the second PBI-JKN approval needs an
// override reason, which is audited.
#include "tests/support/cluster.h"

namespace simpul::testing {
namespace {

constexpr int kBadInput = 2;
const std::string kHeader = "NIK;Nama;Kode Desa;Desil;Status PBI;Tanggal Snapshot\r\n";
// Sarongan: Siti (desil 2, PBI active), Karto (a Windows-1252 name);
// Pesanggaran: Wati.
const std::string kSiti = "3510015211870001", kKarto = "3510011203800103", kWati = "3510015509910104";
const std::string kUnlisted = "3510015211870009";

// Writes a snapshot file (header + rows) into `dir`.
std::string Snapshot(TempDir& dir, const std::string& rows) {
  static int n = 0;
  std::string path = dir.File("dtks-" + std::to_string(++n) + ".csv");
  WriteFile(path, kHeader + rows);
  return path;
}

// A household and a person at `node`, offline; the person's JSON.
Json Register(Node& node, const std::string& nik, const std::string& kk, const std::string& name) {
  std::string hh = node.Id({"household", "add", "--kk", kk, "--address", "Dusun Krajan", "--rt", "1", "--rw", "1"});
  return node.Ok({"person", "add", "--household", hh, "--name", name, "--nik", nik, "--birth-date", "1987-11-12",
                  "--sex", "P", "--relation", "1"});
}

TEST_CASE("dtks: imported at the hub, each village offline with its own rows; duplicate NIKs need an override") {
  TempDir files;
  Hub hub;
  hub.Start();
  Node sarongan(kSarongan), pesanggaran(kPesanggaran);
  sarongan.Enrol(hub, hub.url());
  pesanggaran.Enrol(hub, hub.url());

  // A bad file: every problem named by line and column, nothing imported.
  ProcessResult bad = hub.Cli({"dtks", "import", Snapshot(files,
      kSiti + ";Siti Aminah;3510012001;2;aktif;31/03/2025\r\n"
      "351001121187000;Budi;3510012001;12;aktif;31/03/2025\r\n" +
      kSiti + ";Siti lagi;3510012001;2;aktif;31/03/2025\r\n")});
  INFO(hub.last());
  CHECK(bad.exit_code == kBadInput);
  LH_CHECK_HAS(bad.err, "Line 3, column NIK");
  LH_CHECK_HAS(bad.err, "Line 3, column Desil");
  LH_CHECK_HAS(bad.err, "Line 4, column NIK");
  LH_CHECK_HAS(bad.err, "nothing was imported");
  CHECK(hub.Count("SELECT count(*) FROM dtks") == 0);

  // The real one, as Excel writes "CSV" on an Indonesian Windows.
  Json imported = hub.Ok({"dtks", "import", Snapshot(files,
      kSiti + ";Siti Aminah;3510012001;2;aktif;31/03/2025\r\n" +
      kKarto + ";Mbah Kart\xF3;3510012001;;nonaktif;31/03/2025\r\n" +
      kWati + ";Wati;3510012002;7;tidak terdaftar;31/03/2025\r\n")});
  CHECK(imported["rows"].num() == 3);
  CHECK(imported["encoding"].str() == "Windows-1252");
  CHECK(imported["delimiter"].str() == "semicolon");
  CHECK(hub.Count("SELECT count(*) FROM hub_audit WHERE action='dtks_import' AND detail LIKE '%2025-03-31%'") == 1);

  for (Node* n : {&sarongan, &pesanggaran}) CHECK(n->Ok({"sync"})["verified"].truthy());
  CHECK(sarongan.Count("SELECT count(*) FROM dtks") == 2);
  CHECK(sarongan.Count("SELECT count(*) FROM dtks WHERE village!=?", {kSarongan}) == 0);
  CHECK(pesanggaran.Count("SELECT count(*) FROM dtks") == 1);
  CHECK(SqlText(sarongan.db(), "SELECT name FROM dtks WHERE nik=?", {kKarto}) == "Mbah Kart\xC3\xB3");

  // Offline now: the hub is down. Registering shows the DTKS status.
  const int port = hub.port();
  CHECK(hub.Stop() == 0);
  Json siti = Register(sarongan, kSiti, "3510011211870001", "Siti Aminah");
  CHECK(siti["dtks"]["listed"].truthy());
  CHECK(siti["dtks"]["desil"].num() == 2);
  CHECK(siti["dtks"]["pbi_status"].str() == "active");
  CHECK(siti["dtks"]["snapshot_date"].str() == "2025-03-31");
  std::string hh = sarongan.Id({"household", "add", "--kk", "3510011211870002", "--address", "Dusun Sumberejo"});
  ProcessResult text = sarongan.Cli({"person", "add", "--household", hh, "--name", "Rina", "--nik", kUnlisted,
                                     "--birth-date", "1987-11-12", "--sex", "P"});
  CHECK(text.exit_code == kOk);
  LH_CHECK_HAS(text.out, "DTKS: not in DTKS (snapshot of 2025-03-31)");
  // Wati is Pesanggaran's: Sarongan's laptop does not hold her.
  CHECK_FALSE(sarongan.Ok({"dtks", "show", "--nik", kWati})["dtks"]["listed"].truthy());
  CHECK(pesanggaran.Ok({"dtks", "show", "--nik", kWati})["dtks"]["desil"].num() == 7);
  std::string app1 = sarongan.Id({"application", "new", "--type", "pbi_jkn", "--applicant", siti["id"].str(),
                                  "--purpose", "Berobat"});
  Json shown = sarongan.Ok({"application", "show", app1});
  CHECK(shown["dtks"]["pbi_status"].str() == "active");
  ProcessResult shown_text = sarongan.Cli({"application", "show", app1});
  LH_CHECK_HAS(shown_text.out, "DTKS: desil 2, PBI active (snapshot of 2025-03-31)");

  // The same NIK twice in one village: flagged there, at once.
  Json again = Register(sarongan, kSiti, "3510011211870003", "Siti A.");
  REQUIRE(again["duplicates"].size() == 1);
  CHECK(again["duplicates"][0]["person_id"].str() == siti["id"].str());

  // ...and in another village: Pesanggaran registers Siti too.
  Json siti_p = Register(pesanggaran, kSiti, "3510011211870009", "Siti Aminah");
  std::string app2 = pesanggaran.Id({"application", "new", "--type", "pbi_jkn", "--applicant", siti_p["id"].str(),
                                     "--purpose", "Berobat"});
  sarongan.Submit(app1);  // with the KK and KTP the rule requires
  pesanggaran.Submit(app2);

  hub.Start(port);  // the villages' hub URL is fixed at enrolment
  for (Node* n : {&sarongan, &pesanggaran}) n->Do({"sync"});
  Json dups = hub.Ok({"duplicates"});
  REQUIRE(dups.size() == 1);
  CHECK(dups[0]["nik"].str() == kSiti);
  CHECK(dups[0]["persons"].size() == 3);
  Json hub_show = hub.Ok({"application", "show", app2});
  CHECK(hub_show["dtks"]["desil"].num() == 2);
  CHECK(hub_show["duplicates"].size() == 2);
  ProcessResult hub_text = hub.Cli({"application", "show", app2});
  LH_CHECK_HAS(hub_text.out, "also recorded for Siti Aminah");

  // DTKS already lists Siti as an active PBI participant: approving PBI
  // again needs a reason, and the refusal names the snapshot.
  hub.PassStages(app1);
  ProcessResult listed = hub.Cli({"application", "approve", app1});
  CHECK(listed.exit_code == kBadInput);
  LH_CHECK_HAS(listed.err, "2025-03-31");
  LH_CHECK_HAS(listed.err, "--override-reason");
  hub.Approve(app1, {"--override-reason", "Kartu PBI lama hilang; diganti"});
  hub.PassStages(app2);  // Dinsos verification: the duplicate is what holds it
  ProcessResult refused = hub.Cli({"application", "approve", app2});
  CHECK(refused.exit_code == kBadInput);
  LH_CHECK_HAS(refused.err, app1);
  LH_CHECK_HAS(refused.err, "--override-reason");
  CHECK(hub.Ok({"application", "show", app2})["benefits_held"].size() == 1);
  hub.Do({"application", "approve", app2, "--override-reason", "Pindah domisili; kartu di Sarongan ditutup"});
  CHECK(hub.Count("SELECT count(*) FROM hub_audit WHERE action='benefit_override' AND subject=?"
                  " AND detail LIKE '%Pindah domisili%'", {app2}) == 1);
  CHECK(hub.Ok({"application", "show", app2})["status"].str() == "approved");

  // A newer snapshot: Siti's desil changes, Karto now lives in Pesanggaran.
  hub.Do({"dtks", "import", Snapshot(files, kSiti + ";Siti Aminah;3510012001;4;aktif;30/06/2025\r\n" + kKarto +
                                     ";Mbah Kart\xF3;3510012002;1;aktif;30/06/2025\r\n")});
  for (Node* n : {&sarongan, &pesanggaran}) CHECK(n->Ok({"sync"})["verified"].truthy());
  CHECK(sarongan.Ok({"person", "show", siti["id"].str()})["dtks"]["desil"].num() == 4);
  CHECK(sarongan.Count("SELECT count(*) FROM dtks WHERE nik=?", {kKarto}) == 0);
  CHECK(pesanggaran.Ok({"dtks", "show", "--nik", kKarto})["dtks"]["pbi_status"].str() == "active");
}

}  // namespace
}  // namespace simpul::testing
