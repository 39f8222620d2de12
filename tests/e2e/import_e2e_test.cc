// The village register from Excel with the real binaries: a file with a bad
// line is refused whole, naming the line and column; with --skip-bad the
// good lines land and the bad one is written back with its reason; what was
// imported syncs to the hub like records typed one by one.
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

}  // namespace
}  // namespace simpul::testing
