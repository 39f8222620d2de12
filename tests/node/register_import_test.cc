// Importing a village register from Excel (node/register_import.h): whole or
// nothing, every bad line named, every row through change capture.
#include "node/register_import.h"

#include <doctest/doctest.h>

#include "node/records.h"
#include "schema/messages.h"
#include "tests/support/temp_dir.h"

namespace simpul::node {
namespace {

struct Village {
  testing::TempDir dir;
  std::unique_ptr<NodeStore> store;
  Village() {
    auto s = NodeStore::Init(dir.path(), "35.10.01.2001", sync::SystemClock::Default(), testing::kTestPassphrase);
    REQUIRE(s.ok());
    store = std::move(*s);
  }
  int Count(const char* sql) {
    auto q = store->db().Prepare(sql);
    REQUIRE(q.ok());
    auto row = q->Step();
    REQUIRE(row.ok());
    return static_cast<int>(q->Int(0));
  }
  int Persons() { return Count("SELECT count(*) FROM persons"); }
  int Households() { return Count("SELECT count(*) FROM households"); }
  int Outbox() { return Count("SELECT count(*) FROM outbox"); }
};

RegisterImport Import(Village& v, const std::string& text, RegisterImportOptions options = {}) {
  auto r = ImportRegister(*v.store, text, options, Lang::kEn);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  return *r;
}

// Excel's Indonesian "CSV": semicolons, CRLF, a column Simpul does not read,
// the head of household in words, dates as DD/MM/YYYY, sexes spelt out.
const char* kRegister =
    "No;No. KK;Alamat;RT;RW;Nama;NIK;Tanggal Lahir;Jenis Kelamin;Hubungan;Layanan;Keperluan\r\n"
    "1;'3510010101170001;Dusun Krajan;001;002;Suparman;3510011211870001;12/11/1987;Laki-laki;Kepala Keluarga;SKTM;Berobat\r\n"
    "2;3510010101170001;;;;Sutinah;3510015507890002;15/07/1989;Perempuan;Istri;;\r\n"
    "3;3510010101170001;;;;Rudi;3510010302100003;03/02/2010;L;4;;\r\n"
    "4;3510010101170002;Dusun Sumberagung;003;001;Ngatini;3510014404600004;04/04/1960;P;1;PBI-JKN;\r\n"
    "5;3510010101170002;Dusun Sumberagung;;;Wartono;;;L;anak;;\r\n";

TEST_CASE("a clean register: households by No. KK, residents, heads and draft applications") {
  Village v;
  RegisterImport r = Import(v, kRegister);
  CHECK(r.written);
  CHECK(r.error_count == 0);
  CHECK(r.lines == 5);
  CHECK(r.households == 2);
  CHECK(r.persons == 5);
  CHECK(r.applications == 2);
  CHECK(r.delimiter == ';');
  REQUIRE(r.unused_columns.size() == 1);
  CHECK(r.unused_columns[0] == "No");
  CHECK(v.Households() == 2);
  CHECK(v.Persons() == 5);
  CHECK(v.Count("SELECT count(*) FROM applications WHERE type='poverty_statement' AND purpose='Berobat'") == 1);
  CHECK(v.Count("SELECT count(*) FROM applications WHERE type='pbi_jkn'") == 1);
  // The heads: Suparman and Ngatini, set on their households.
  CHECK(v.Count("SELECT count(*) FROM households h JOIN persons p ON p.id=h.head_person_id"
                " WHERE p.name IN ('Suparman','Ngatini')") == 2);
  CHECK(v.Count("SELECT count(*) FROM persons WHERE birth_date='1989-07-15' AND sex='P' AND relation=3") == 1);
  CHECK(v.Count("SELECT count(*) FROM households WHERE no_kk='3510010101170001' AND rt='001'") == 1);
  // Through change capture: every record waits in the outbox for the hub.
  CHECK(v.Outbox() >= 2 + 5 + 2);

  SUBCASE("the same file again: every resident with a NIK is refused, nothing doubles") {
    RegisterImport again = Import(v, kRegister);
    CHECK_FALSE(again.written);
    CHECK(again.error_count == 4);  // Wartono has no NIK and would be added
    CHECK(again.errors[0].column == "NIK");
    CHECK(again.errors[0].status.msg_id() == MsgId::kImportNikRegistered);
    CHECK(v.Persons() == 5);
  }
}

TEST_CASE("a register writing the head's relation as 01 (SHDK with its zero): that resident heads the household") {
  Village v;
  RegisterImport r = Import(v,
      "No. KK;Alamat;Nama;NIK;Hubungan\r\n"
      "3510010101170001;Dusun Krajan;Suparman;3510011211870001;01\r\n"
      "3510010101170001;Dusun Krajan;Sutinah;3510015507890002;03\r\n"
      "3510010101170002;Dusun Sumberagung;Ngatini;3510014404600004; +1 \r\n");
  CHECK(r.written);
  CHECK(r.error_count == 0);
  CHECK(v.Count("SELECT count(*) FROM households h JOIN persons p ON p.id=h.head_person_id"
                " WHERE p.name IN ('Suparman','Ngatini') AND p.relation=1") == 2);
  // Two heads in one household are still refused, however the 1 is written.
  RegisterImport twice = Import(v,
      "No. KK;Alamat;Nama;NIK;Hubungan\r\n"
      "3510010101170005;Dusun Baru;Kepala Satu;3510011211870005;1\r\n"
      "3510010101170005;Dusun Baru;Kepala Dua;3510011211870006;001\r\n");
  CHECK_FALSE(twice.written);
  REQUIRE(twice.error_count == 1);
  CHECK(twice.errors[0].status.msg_id() == MsgId::kImportSecondHead);
}

const char* kBadRegister =
    "no_kk,alamat,nama,nik,layanan\n"
    "3510010101170001,Dusun Krajan,Suparman,3510011211870001,pbi_jkn\n"
    "3510010101170009,Dusun Baru,Salah Nik,35100112118,\n"          // line 3: NIK too short
    "3510010101170001,Dusun Krajan,Tini,3510015507890002,\n"
    "3510010101170001,Dusun Krajan,Dobel,3510015507890002,\n"        // line 5: NIK twice
    "3510010101170001,Jalan Lain,Beda Alamat,3510010302100003,\n"    // line 6: another address
    "3510010101170003,Dusun Krajan,Layanan Aneh,3510010302100007,bansos_beras\n"  // line 7
    "3510010101170004,Dusun Krajan,,3510010302100008,\n";            // line 8: no name

TEST_CASE("a register with bad lines: every one named, nothing imported") {
  Village v;
  RegisterImport r = Import(v, kBadRegister);
  CHECK_FALSE(r.written);
  CHECK(r.error_count == 5);
  REQUIRE(r.errors.size() == 5);
  CHECK(r.errors[0].line == 3);
  CHECK(r.errors[0].column == "nik");
  CHECK(r.errors[1].line == 5);
  CHECK(r.errors[1].status.msg_id() == MsgId::kSheetDuplicateNik);
  CHECK(Describe(Lang::kEn, r.errors[1].status).find("line 4") != std::string::npos);
  CHECK(r.errors[2].line == 6);
  CHECK(r.errors[2].column == "alamat");
  CHECK(r.errors[2].status.msg_id() == MsgId::kImportHouseholdDiffers);
  CHECK(r.errors[3].line == 7);
  CHECK(r.errors[3].column == "layanan");
  CHECK(r.errors[4].line == 8);
  CHECK(r.errors[4].column == "nama");
  CHECK(v.Persons() == 0);
  CHECK(v.Households() == 0);
  CHECK(v.Outbox() == 0);

  SUBCASE("--skip-bad: the good lines land, the bad ones come back with their reason") {
    RegisterImportOptions skip;
    skip.skip_bad = true;
    RegisterImport s = Import(v, kBadRegister, skip);
    CHECK(s.written);
    CHECK(s.persons == 2);
    CHECK(s.applications == 1);
    // Line 3's and 7's households were made and rolled back with their line.
    CHECK(s.households == 1);
    CHECK(v.Households() == 1);
    CHECK(v.Persons() == 2);
    REQUIRE(s.bad_lines.size() == 6);
    CHECK(s.bad_lines[0] == "no_kk,alamat,nama,nik,layanan,error");
    CHECK(s.bad_lines[1].rfind("3510010101170009,Dusun Baru,Salah Nik,35100112118,,", 0) == 0);
    CHECK(s.bad_lines[1].find("Line 3, column nik") != std::string::npos);
  }
  SUBCASE("--dry-run: counted, not written") {
    RegisterImportOptions dry;
    dry.dry_run = true;
    RegisterImport d = Import(v, "no_kk,alamat,nama\n3510010101170001,Dusun Krajan,Suparman\n", dry);
    CHECK(d.persons == 1);
    CHECK_FALSE(d.written);
    CHECK(v.Persons() == 0);
  }
}

TEST_CASE("a register the reader cannot take: the file is refused as a whole") {
  Village v;
  auto missing = ImportRegister(*v.store, "no_kk,nama\n3510010101170001,Suparman\n", {}, Lang::kEn);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().msg_id() == MsgId::kSheetColumnMissing);
  CHECK(Describe(Lang::kEn, missing.status()).find("alamat") != std::string::npos);
  auto empty = ImportRegister(*v.store, "", {}, Lang::kEn);
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.status().msg_id() == MsgId::kSheetNoHeader);
  auto twice = ImportRegister(*v.store, "no_kk,kk,alamat,nama\n", {}, Lang::kEn);
  REQUIRE_FALSE(twice.ok());
  CHECK(twice.status().msg_id() == MsgId::kSheetColumnTwice);
  // Windows-1252 from Excel's plain "CSV": the name arrives as UTF-8.
  RegisterImport r = Import(v, std::string("no_kk;alamat;nama\r\n3510010101170001;Dusun Krajan;Jos\xE9 Ba'u\r\n"));
  CHECK(r.written);
  CHECK(r.encoding == schema::TextEncoding::kWindows1252);
  CHECK(v.Count("SELECT count(*) FROM persons WHERE name='Jos\xC3\xA9 Ba''u'") == 1);
  // An unterminated quote: the line is named and nothing lands.
  RegisterImport broken = Import(v, "no_kk,alamat,nama\n3510010101170002,\"Dusun,Budi\n");
  CHECK_FALSE(broken.written);
  CHECK(broken.error_count == 1);
  CHECK(v.Persons() == 1);
}

}  // namespace
}  // namespace simpul::node
