// Tests for hub/register_import.h: a village's register imported at the hub
// lands whole or not at all, each row in that village's scope of the change
// log as a snapshot (so its node takes village-owned fields from the hub),
// checked like the node's import (same report), audited; a code that is not
// a village, or a village with no enrolled laptop, is refused naming --village.
#include "hub/register_import.h"

#include <doctest/doctest.h>

#include <string>

#include "schema/messages.h"
#include "sync/wire/messages.h"
#include "tests/support/hub_fixture.h"

namespace simpul::hub {
namespace {

using testing::HubFixture;
const std::string kSarongan = "35.10.01.2001", kPesanggaran = "35.10.01.2002";

// Excel's Indonesian "CSV" (semicolons, CRLF, Windows-1252: "José").
const std::string kRegister =
    "No;No. KK;Alamat;Nama;NIK;Tanggal Lahir;Jenis Kelamin;Hubungan;Layanan\r\n"
    "1;'3510010101170001;Dusun Krajan;Jos\xE9 Suparman;3510011211870001;12/11/1987;Laki-laki;Kepala Keluarga;SKTM\r\n"
    "2;3510010101170001;;Sutinah;3510015507890002;15/07/1989;P;Istri;PBI-JKN\r\n";
const std::string kBadLine = "3;3510010101170002;Dusun Baru;Salah Ketik;3510011211870;;L;1;\r\n";

struct Hub : HubFixture {
  Hub() { Enrol(kSarongan); }
  void Enrol(const std::string& village) {
    Exec("INSERT INTO nodes(node_id,village,sign_pk,status,enrolled_at_ms) VALUES(?,?,'pk','active',1)",
         {"node-" + village, village});
  }
  int64_t Count(const std::string& sql, const std::vector<std::string>& binds = {}) {
    auto rows = QueryRows(*store, sql, binds);
    REQUIRE_MESSAGE(rows.ok(), rows.status().ToString());
    return std::get<int64_t>(rows->front().front().second);
  }
  Result<sync::RegisterImport> Import(const std::string& village, const std::string& text,
                                      sync::RegisterImportOptions options = {}) {
    return ImportVillageRegister(*store, village, text, options, Lang::kEn, "daftar.csv");
  }
};

TEST_CASE("a clean register lands for the village as snapshot changes in its scope, audited") {
  Hub hub;
  auto r = hub.Import(kSarongan, kRegister);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  CHECK(r->written);
  CHECK(r->encoding == schema::TextEncoding::kWindows1252);
  CHECK(r->households == 1);
  CHECK(r->persons == 2);
  CHECK(r->applications == 2);
  CHECK(hub.Count("SELECT count(*) FROM persons WHERE village=? AND name='Jos\xC3\xA9 Suparman'", {kSarongan}) == 1);
  CHECK(hub.Count("SELECT count(*) FROM households WHERE village=? AND no_kk='3510010101170001' AND "
                  "head_person_id=(SELECT id FROM persons WHERE nik='3510011211870001')",
                  {kSarongan}) == 1);
  CHECK(hub.Count("SELECT count(*) FROM applications WHERE village=? AND type IN ('poverty_statement','pbi_jkn') "
                  "AND household_id IS NOT NULL AND created_at IS NOT NULL",
                  {kSarongan}) == 2);
  // Every change in the village's scope, each a snapshot the node accepts
  // from the hub, none anywhere else.
  const std::string flags = std::to_string(sync::wire::kFlagSnapshot);
  CHECK(hub.Count("SELECT count(*) FROM changelog WHERE tbl IN ('households','persons','applications')") ==
        hub.Count("SELECT count(*) FROM changelog WHERE village=? AND flags=" + flags +
                  " AND tbl IN ('households','persons','applications')",
                  {kSarongan}));
  CHECK(hub.Count("SELECT count(*) FROM changelog WHERE tbl='persons'") == 2);
  CHECK(hub.Audits("register_import") == 1);
  // The applications are drafts: no workflow event.
  CHECK(hub.Count("SELECT count(*) FROM events") == 0);

  SUBCASE("the same file again adds nobody twice: its NIKs are registered in the village") {
    auto again = hub.Import(kSarongan, kRegister);
    REQUIRE(again.ok());
    CHECK_FALSE(again->written);
    CHECK(again->error_count == 2);
    CHECK(again->errors[0].column == "NIK");
    CHECK(hub.Count("SELECT count(*) FROM persons") == 2);
  }
  SUBCASE("another village may hold the same NIK (flagged as a duplicate elsewhere, never refused here)") {
    hub.Enrol(kPesanggaran);
    auto there = hub.Import(kPesanggaran, kRegister);
    REQUIRE(there.ok());
    CHECK(there->written);
    CHECK(hub.Count("SELECT count(*) FROM households WHERE village=?", {kPesanggaran}) == 1);
  }
}

TEST_CASE("a bad line: nothing imported, the line and column named; --skip-bad and --dry-run") {
  Hub hub;
  const int64_t log_before = hub.Count("SELECT count(*) FROM changelog");
  auto refused = hub.Import(kSarongan, kRegister + kBadLine);
  REQUIRE(refused.ok());
  CHECK_FALSE(refused->written);
  REQUIRE(refused->errors.size() == 1);
  CHECK(refused->errors[0].line == 4);
  CHECK(refused->errors[0].column == "NIK");
  CHECK(Msg(Lang::kEn, MsgId::kSheetLineError, {"4", "NIK", Describe(Lang::kEn, refused->errors[0].status)})
            .find("Line 4, column NIK") != std::string::npos);
  CHECK(hub.Count("SELECT count(*) FROM persons") == 0);
  CHECK(hub.Count("SELECT count(*) FROM changelog") == log_before);
  CHECK(hub.Audits("register_import") == 0);

  sync::RegisterImportOptions dry;
  dry.dry_run = true;
  auto checked = hub.Import(kSarongan, kRegister, dry);
  REQUIRE(checked.ok());
  CHECK(checked->persons == 2);
  CHECK_FALSE(checked->written);
  CHECK(hub.Count("SELECT count(*) FROM persons") == 0);
  CHECK(hub.Count("SELECT count(*) FROM changelog") == log_before);

  sync::RegisterImportOptions skip;
  skip.skip_bad = true;
  auto skipped = hub.Import(kSarongan, kRegister + kBadLine, skip);
  REQUIRE(skipped.ok());
  CHECK(skipped->written);
  CHECK(skipped->persons == 2);
  REQUIRE(skipped->bad_lines.size() == 2);
  CHECK(skipped->bad_lines[1].find("Salah Ketik") != std::string::npos);
  CHECK(hub.Count("SELECT count(*) FROM persons") == 2);
  CHECK(hub.Audits("register_import") == 1);
}

TEST_CASE("--village must be an enrolled village: typed errors naming --village, nothing written") {
  Hub hub;
  for (const std::string bad : {"35.10.01", "not-a-code", ""}) {
    auto r = hub.Import(bad, kRegister);
    CHECK(r.status().IsInvalidArgument());
    CHECK(r.status().field() == "--village");
  }
  auto r = hub.Import(kPesanggaran, kRegister);  // a real village with no laptop enrolled
  CHECK(r.status().code() == Code::kFailedPrecondition);
  CHECK(r.status().field() == "--village");
  CHECK(r.status().msg_id() == MsgId::kImportVillageNotEnrolled);
  hub.Exec("UPDATE nodes SET status='revoked' WHERE village=?", {kSarongan});
  CHECK(hub.Import(kSarongan, kRegister).status().msg_id() == MsgId::kImportVillageNotEnrolled);
  CHECK(hub.Count("SELECT count(*) FROM persons") == 0);
  // A file that is not a register at all: the file's own error, nothing written.
  hub.Enrol(kPesanggaran);
  CHECK(hub.Import(kPesanggaran, "").status().IsInvalidArgument());
  CHECK(hub.Import(kPesanggaran, "nama;nik\r\nSiti;1\r\n").status().IsInvalidArgument());
  CHECK(hub.Count("SELECT count(*) FROM persons") == 0);
}

}  // namespace
}  // namespace simpul::hub
