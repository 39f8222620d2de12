// Tests for schema/dtks.h and schema/duplicates.h: reading a DTKS snapshot
// file (header spellings, Excel's dates and NIKs, every bad line named with
// its column, nothing returned from a file with a bad line), the lookup a
// node and the hub share, and persons holding the same NIK.
#include "schema/dtks.h"

#include <doctest/doctest.h>

#include <set>
#include <string>

#include "schema/db.h"
#include "schema/duplicates.h"
#include "schema/migrations.h"
#include "tests/support/memory_db.h"

namespace simpul::schema {
namespace {

const Date kToday{2026, 4, 30};

// Knows the villages of Kecamatan Pesanggaran the tests use.
class FakeVillages : public RegionLookup {
 public:
  bool Known(std::string_view code) const override {
    static const std::set<std::string> kKnown = {"35.10.01.2001", "35.10.01.2002", "35.10.01.2004"};
    return kKnown.count(std::string(code)) > 0;
  }
};

DtksFile ReadOk(const std::string& text) {
  FakeVillages villages;
  auto f = ReadDtksFile(text, &villages, kToday);
  REQUIRE_MESSAGE(f.ok(), f.status().ToString());
  return std::move(f).value();
}

TEST_CASE("dtks file: a clean export in Excel's Indonesian dialect") {
  // Semicolons, CRLF, a BOM, the headers as SIKS-NG exports write them,
  // an extra column, a quoted name, DD/MM/YYYY, an empty desil.
  DtksFile f = ReadOk(
      "\xEF\xBB\xBFNIK;Nama Lengkap;Kode Wilayah;Desil;Status PBI;Tgl Snapshot;Alamat\r\n"
      "3510015211870001;Siti Aminah;3510012001;2;Aktif;31/03/2026;Dusun Krajan\r\n"
      "'3510011211870003;\"Ma'ruf; S.Pd.\";35.10.01.2002;;Tidak Terdaftar;2026-03-31;\r\n"
      "3510 0152 1187 0004;Sumiati;3510012004;10;nonaktif;31-03-2026;-\r\n");
  CHECK(f.error_count == 0);
  CHECK(f.delimiter == ';');
  REQUIRE(f.records.size() == 3);
  CHECK(f.records[0].nik == "3510015211870001");
  CHECK(f.records[0].village == "35.10.01.2001");
  CHECK(f.records[0].desil == 2);
  CHECK(f.records[0].pbi_status == kPbiActive);
  CHECK(f.records[0].snapshot_date == "2026-03-31");
  CHECK(f.records[0].line == 2);
  CHECK(f.records[1].nik == "3510011211870003");  // Excel's text mark dropped
  CHECK(f.records[1].name == "Ma'ruf; S.Pd.");
  CHECK(f.records[1].desil == 0);
  CHECK(f.records[1].pbi_status == kPbiNotRegistered);
  CHECK(f.records[2].nik == "3510015211870004");  // spaces typed inside the NIK
  CHECK(f.records[2].pbi_status == kPbiInactive);
}

TEST_CASE("dtks file: Windows-1252 names arrive as UTF-8") {
  DtksFile f = ReadOk("nik,nama,kode_desa,desil,status_pbi,tanggal_snapshot\r\n"
                      "3510015211870001,Jos\xE9 Ib\xE1\xF1\x65z,3510012001,1,aktif,2026-03-31\r\n");
  CHECK(f.encoding == TextEncoding::kWindows1252);
  REQUIRE(f.records.size() == 1);
  CHECK(f.records[0].name == "Jos\xC3\xA9 Ib\xC3\xA1\xC3\xB1" "ez");
}

TEST_CASE("dtks file: every bad line and field is named, and no record is returned") {
  DtksFile f = ReadOk(
      "nik,nama,kode_desa,desil,status_pbi,tanggal_snapshot\n"
      "3510015211870001,Siti,3510012001,3,aktif,2026-03-31\n"        // 2: good
      "351001521187000,Budi,3510012001,11,maybe,2026-13-01\n"        // 3: four bad fields
      "3510015211870001,Siti lagi,3510012001,3,aktif,2026-03-31\n"   // 4: NIK again
      "3.51002E+15,,3510012999,1,aktif,2026-05-01\n"                 // 5: Excel, name, village, future
      "3510015211870002,Ani,3510012004,1,aktif,2026-03-31\n");       // 6: good
  CHECK(f.records.empty());  // never half a file
  struct Want {
    int line;
    std::string column;
    MsgId msg;
  };
  const Want want[] = {
      {3, "nik", MsgId::kNikLength},         {3, "desil", MsgId::kDtksDesil},
      {3, "status_pbi", MsgId::kDtksPbiStatus}, {3, "tanggal_snapshot", MsgId::kDateImpossible},
      {4, "nik", MsgId::kSheetDuplicateNik},  {5, "nik", MsgId::kDtksNikExcel},
      {5, "nama", MsgId::kFieldRequired},    {5, "kode_desa", MsgId::kRegionUnknown},
      {5, "tanggal_snapshot", MsgId::kDateFuture},
  };
  REQUIRE(f.error_count == std::size(want));
  REQUIRE(f.errors.size() == std::size(want));
  for (size_t i = 0; i < std::size(want); ++i) {
    CAPTURE(i);
    CHECK(f.errors[i].line == want[i].line);
    CHECK(f.errors[i].column == want[i].column);
    CHECK(f.errors[i].status.msg_id() == want[i].msg);
  }
  CHECK(f.errors[4].status.args()[1] == "2");  // the line the NIK was first on
}

TEST_CASE("dtks file: problems beyond the limit are counted, not listed") {
  std::string text = "nik,nama,kode_desa,desil,status_pbi,tanggal_snapshot\n";
  for (int i = 0; i < 250; ++i) text += "1,x,3510012001,1,aktif,2026-03-31\n";
  FakeVillages villages;
  auto f = ReadDtksFile(text, &villages, kToday, 100);
  REQUIRE(f.ok());
  CHECK(f->errors.size() == 100);
  CHECK(f->error_count == 250);  // a bad NIK on every line
}

TEST_CASE("dtks file: file-level problems are the error") {
  FakeVillages villages;
  auto missing = ReadDtksFile("nik,nama,kode_desa,desil,tanggal_snapshot\n", &villages, kToday);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().msg_id() == MsgId::kDtksColumnMissing);
  CHECK(missing.status().args()[0] == "status_pbi");
  auto twice = ReadDtksFile("nik,nama,nama_lengkap,kode_desa,desil,status_pbi,tanggal_snapshot\n", &villages, kToday);
  REQUIRE_FALSE(twice.ok());
  CHECK(twice.status().msg_id() == MsgId::kSheetColumnTwice);
  auto empty = ReadDtksFile("\xEF\xBB\xBF\r\n", &villages, kToday);
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.status().msg_id() == MsgId::kSheetNoHeader);
  auto not_text = ReadDtksFile("nik\n\x81\x8D\n", &villages, kToday);
  REQUIRE_FALSE(not_text.ok());
  CHECK(not_text.status().msg_id() == MsgId::kCsvEncoding);
}

TEST_CASE("dtks file: an unterminated quote stops the file at its line") {
  DtksFile f = ReadOk("nik,nama,kode_desa,desil,status_pbi,tanggal_snapshot\n"
                      "3510015211870001,\"Siti,3510012001,1,aktif,2026-03-31\n");
  CHECK(f.records.empty());
  REQUIRE(f.error_count == 1);
  CHECK(f.errors[0].status.msg_id() == MsgId::kCsvUnterminatedQuote);
}

TEST_CASE("dtks: PBI status and date spellings") {
  for (const char* s : {"aktif", "AKTIF", "Active", "ya"}) CHECK(*ParsePbiStatus(s) == kPbiActive);
  for (const char* s : {"nonaktif", "Non Aktif", "non-aktif", "tidak aktif", "inactive"})
    CHECK(*ParsePbiStatus(s) == kPbiInactive);
  for (const char* s : {"tidak_terdaftar", "Tidak Terdaftar", "bukan PBI", "not_registered"})
    CHECK(*ParsePbiStatus(s) == kPbiNotRegistered);
  for (const char* s : {"", "maybe", "aktiff"}) CHECK_FALSE(ParsePbiStatus(s).ok());
  CHECK(ParseSheetDate("d", "31/12/2025")->ToIso() == "2025-12-31");
  CHECK(ParseSheetDate("d", "2025-12-31")->ToIso() == "2025-12-31");
  CHECK(ParseSheetDate("d", "29-02-2024")->ToIso() == "2024-02-29");
  CHECK(ParseSheetDate("d", "29/02/2025").status().msg_id() == MsgId::kDateImpossible);
  CHECK(ParseSheetDate("d", "12/31/2025").status().msg_id() == MsgId::kDateImpossible);  // US order
  CHECK(ParseSheetDate("d", "31.12.2025").status().msg_id() == MsgId::kDtksDateFormat);
}

Db Store() { return testing::MigratedMemoryDb(); }

TEST_CASE("dtks lookup and the words an operator reads") {
  Db db = Store();
  auto none = LookupDtks(db, "3510015211870001");
  REQUIRE(none.ok());
  CHECK_FALSE(none->listed);
  CHECK(DescribeDtks(Lang::kEn, *none) == "DTKS: no DTKS snapshot received yet.");
  REQUIRE(db.Exec("INSERT INTO dtks(id,village,nik,name,desil,pbi_status,snapshot_date,source) VALUES"
                  "('a','35.10.01.2001','3510015211870001','Siti',3,'active','2026-03-31','dtks'),"
                  "('b','35.10.01.2001','3510015211870002','Ani',NULL,'inactive','2025-12-31','p3ke')").ok());
  auto siti = LookupDtks(db, "3510015211870001");
  REQUIRE(siti.ok());
  CHECK(siti->listed);
  CHECK(DescribeDtks(Lang::kEn, *siti) == "DTKS: desil 3, PBI active (snapshot of 2026-03-31).");
  CHECK(DescribeDtks(Lang::kId, *siti) == "DTKS: desil 3, PBI aktif (data per 2026-03-31).");
  auto ani = LookupDtks(db, "3510015211870002");
  CHECK(DescribeDtks(Lang::kEn, *ani) == "P3KE: desil -, PBI inactive (snapshot of 2025-12-31).");
  auto other = LookupDtks(db, "3510015211870009");
  CHECK(DescribeDtks(Lang::kEn, *other) == "DTKS: not in DTKS (snapshot of 2026-03-31).");
  JsonWriter j;
  DtksJson(j, *siti);
  CHECK(j.str() == R"({"listed":true,"source":"dtks","desil":3,"pbi_status":"active","snapshot_date":"2026-03-31","village":"35.10.01.2001"})");
  JsonWriter k;
  DtksJson(k, *other);
  CHECK(k.str() == R"({"listed":false,"snapshot_date":"2026-03-31"})");
}

TEST_CASE("duplicates: persons holding the same NIK, never those without one") {
  Db db = Store();
  REQUIRE(db.Exec("INSERT INTO persons(id,village,household_id,nik,name) VALUES"
                  "('p1','35.10.01.2001','h1','3510015211870001','Siti'),"
                  "('p2','35.10.01.2002','h9','3510015211870001','Siti A.'),"
                  "('p3','35.10.01.2001','h2','3510015211870002','Ani'),"
                  "('p4','35.10.01.2001','h2',NULL,'Bayi'),"
                  "('p5','35.10.01.2001','h3',NULL,'Bayi lain'),"
                  "('p6','35.10.01.2004','h4','3510015211870003','Rudi'),"
                  "('p7','35.10.01.2004','h5','3510015211870003','Rudi (hapus)')").ok());
  REQUIRE(db.Exec("UPDATE persons SET deleted=1 WHERE id='p7'").ok());
  auto all = ListDuplicateNiks(db);
  REQUIRE(all.ok());
  REQUIRE(all->size() == 1);
  CHECK((*all)[0].nik == "3510015211870001");
  REQUIRE((*all)[0].persons.size() == 2);
  CHECK((*all)[0].persons[1].village == "35.10.01.2002");
  CHECK(ListDuplicateNiks(db, "35.10.01.2002")->size() == 1);
  CHECK(ListDuplicateNiks(db, "35.10.01.2004")->empty());
  auto others = PersonsWithNik(db, "3510015211870001", "p1");
  REQUIRE(others.ok());
  REQUIRE(others->size() == 1);
  CHECK((*others)[0].id == "p2");
  CHECK(PersonsWithNik(db, "", "p4")->empty());
  CHECK(DescribeDuplicate(Lang::kEn, "3510015211870001", (*others)[0]).find("Siti A. (p2) in village 35.10.01.2002") !=
        std::string::npos);
}

}  // namespace
}  // namespace simpul::schema
