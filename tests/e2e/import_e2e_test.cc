// The village register from Excel with the real binaries: a file with a bad
// line is refused whole, naming the line and column; with --skip-bad the
// good lines land and the bad one is written back with its reason; what was
// imported syncs to the hub like records typed one by one. The same register
// imported at the hub for a village reaches that village's node at its next
// sync, where the operator works with it as with its own records.
#include "tests/support/cluster.h"

namespace simpul::testing {
namespace {

constexpr int kBadInput = 2;

TEST_CASE("import: a register from Excel, refused whole, then with --skip-bad, and synced to the hub") {
  TempDir files;
  Hub hub;
  hub.Start();
  Node sarongan(kSarongan);
  sarongan.Enrol(hub, hub.url());

  std::string path = files.File("register.csv");
  WriteFile(path,
            "No;No. KK;Alamat;Nama;NIK;Tanggal Lahir;Jenis Kelamin;Hubungan;Layanan\r\n"
            "1;3510010101170001;Dusun Krajan;Suparman;3510011211870001;12/11/1987;L;Kepala Keluarga;SKTM\r\n"
            "2;3510010101170001;;Sutinah;3510015507890002;15/07/1989;P;Istri;PBI-JKN\r\n"
            "3;3510010101170002;Dusun Baru;Salah Ketik;3510011211870;;L;1;\r\n");
  const int64_t outbox_before = sarongan.Count("SELECT count(*) FROM outbox");
  ProcessResult refused = sarongan.Cli({"import", path});
  INFO(sarongan.last());
  CHECK(refused.exit_code == kBadInput);
  LH_CHECK_HAS(refused.err, "Line 4, column NIK");
  LH_CHECK_HAS(refused.err, "nothing was imported");
  CHECK(sarongan.Count("SELECT count(*) FROM persons") == 0);
  CHECK(sarongan.Count("SELECT count(*) FROM outbox") == outbox_before);

  std::string bad = files.File("bad-lines.csv");
  Json imported = sarongan.Ok({"import", path, "--skip-bad", bad});
  CHECK(imported["imported"].truthy());
  CHECK(imported["persons"].num() == 2);
  CHECK(imported["households"].num() == 1);
  CHECK(imported["applications"].num() == 2);
  CHECK(imported["problems"].num() == 1);
  std::string back = ReadFile(bad);
  LH_CHECK_HAS(back, "No;No. KK;Alamat;Nama;NIK;Tanggal Lahir;Jenis Kelamin;Hubungan;Layanan;error\r\n");
  LH_CHECK_HAS(back, "3;3510010101170002;Dusun Baru;Salah Ketik;3510011211870;;L;1;;Line 4, column NIK");

  CHECK(sarongan.Ok({"sync"})["verified"].truthy());
  CHECK(hub.Count("SELECT count(*) FROM persons WHERE village=?", {kSarongan}) == 2);
  CHECK(hub.Count("SELECT count(*) FROM applications WHERE type IN ('poverty_statement','pbi_jkn')") == 2);
  CHECK(hub.Count("SELECT count(*) FROM households WHERE no_kk='3510010101170001' AND head_person_id IS NOT NULL") == 1);
}

TEST_CASE("import at the hub: a village's register reaches its node at the next sync, and is submitted there") {
  TempDir files;
  Hub hub;
  hub.Start();
  Node pesanggaran(kPesanggaran);
  std::string path = files.File("register-1252.csv");
  // Excel's plain "CSV": Windows-1252 ("José"), semicolons, CRLF.
  WriteFile(path,
            "No;No. KK;Alamat;Nama;NIK;Tanggal Lahir;Jenis Kelamin;Hubungan;Layanan;Keperluan\r\n"
            "1;3510010101170009;Dusun Kutorejo;Jos\xE9 Pranoto;3510011211870001;12/11/1987;L;Kepala Keluarga;SKTM;"
            "Berobat\r\n"
            "2;3510010101170009;;Siti Aminah;3510015507890002;15/07/1989;P;Istri;;\r\n");

  // Not enrolled yet: refused, naming --village; nothing written.
  ProcessResult early = hub.Cli({"import", path, "--village", kPesanggaran});
  INFO(hub.last());
  CHECK(early.exit_code != 0);
  LH_CHECK_HAS(early.err, "--village " + kPesanggaran);
  CHECK(hub.Count("SELECT count(*) FROM persons") == 0);

  pesanggaran.Enrol(hub, hub.url());
  Json checked = hub.Ok({"import", path, "--village", kPesanggaran, "--dry-run"});
  CHECK_FALSE(checked["imported"].truthy());
  CHECK(checked["persons"].num() == 2);
  CHECK(hub.Count("SELECT count(*) FROM persons") == 0);
  Json imported = hub.Ok({"import", path, "--village", kPesanggaran});
  CHECK(imported["imported"].truthy());
  CHECK(imported["encoding"].str() == "Windows-1252");
  CHECK(imported["households"].num() == 1);
  CHECK(imported["persons"].num() == 2);
  CHECK(imported["applications"].num() == 1);
  CHECK(hub.Count("SELECT count(*) FROM hub_audit WHERE action='register_import' AND village=?", {kPesanggaran}) == 1);
  hub.Do({"index", "check"});  // the queue's index holds the imported drafts like any other

  CHECK(pesanggaran.SyncUntilVerified()["verified"].truthy());
  CHECK(pesanggaran.Count("SELECT count(*) FROM persons WHERE name='Jos\xC3\xA9 Pranoto'") == 1);
  Json households = pesanggaran.Ok({"household", "list"});
  REQUIRE(households.size() == 1);
  CHECK(households[0]["no_kk"].str() == "3510010101170009");
  const std::string app = SqlText(pesanggaran.db(), "SELECT id FROM applications WHERE type='poverty_statement'");
  REQUIRE_FALSE(app.empty());
  CHECK(pesanggaran.Ok({"application", "show", app})["status"].str() == "draft");

  // The village completes and submits the imported draft; it reaches Dinsos.
  pesanggaran.Do({"application", "answer", app, "no_shelter=tidak", "head_not_working=ya", "food_insecure=ya"});
  pesanggaran.Submit(app);
  pesanggaran.Do({"household", "edit", households[0]["id"].str(), "--rt", "4"});
  CHECK(pesanggaran.SyncUntilVerified()["verified"].truthy());
  CHECK(hub.Count("SELECT count(*) FROM events WHERE subject_id=? AND kind='submitted'", {app}) == 1);
  CHECK(hub.Count("SELECT count(*) FROM households WHERE rt='004' AND village=?", {kPesanggaran}) == 1);
  CHECK(pesanggaran.Count("SELECT count(*) FROM outbox WHERE state='refused'") == 0);
}

}  // namespace
}  // namespace simpul::testing
