// Tests for hub/dtks_import.h: a snapshot lands whole or not at all, each
// row in its village's scope of the change log, audited; a newer snapshot
// replaces the rows of the NIKs it holds (moving a NIK placed in another
// village), an older one never overwrites newer data; a village can never
// write a DTKS row; a node of an older schema is sent none.
#include "hub/dtks_import.h"

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "hub/operations.h"
#include "hub/schema_compat.h"
#include "hub/store.h"
#include "schema/ids.h"
#include "sync/crypto/envelope.h"
#include "sync/hlc.h"
#include "sync/merge.h"
#include "sync/wire/messages.h"
#include "tests/support/hub_fixture.h"

namespace simpul::hub {
namespace {

constexpr uint64_t kT = 1'700'000'000'000ULL;  // 2023-11-14
const std::string kSarongan = "35.10.01.2001", kPesanggaran = "35.10.01.2002";
const std::string kHeader = "nik;nama;kode_desa;desil;status_pbi;tanggal_snapshot\r\n";

// tests/support/hub_fixture.h: a new hub store on a clock that stands still.
struct Hub : testing::StillHub {
  DtksImportReport Import(const std::string& body, const std::string& source = "dtks") {
    DtksImportOptions options;
    options.source = source;
    options.file_name = "dtks.csv";
    auto r = ImportDtks(*store, kHeader + body, options);
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    return std::move(r).value();
  }
};

const std::string kJune =
    "3510015211870001;Siti;3510012001;2;aktif;2023-06-30\r\n"
    "3510015211870002;Ani;3510012001;4;nonaktif;2023-06-30\r\n"
    "3510015211870004;Wati;3510012002;;tidak_terdaftar;30/06/2023\r\n";

TEST_CASE("dtks import: each row in its village's scope, audited, in one transaction") {
  Hub hub;
  DtksImportReport r = hub.Import(kJune);
  CHECK(r.error_count == 0);
  CHECK(r.rows == 3);
  CHECK(r.created == 3);
  CHECK(r.villages == 2);
  CHECK(r.newest_snapshot == "2023-06-30");
  CHECK(hub.Int("SELECT count(*) FROM dtks") == 3);
  CHECK(hub.Int("SELECT count(*) FROM changelog WHERE tbl='dtks' AND village=?", {kSarongan}) == 2);
  CHECK(hub.Int("SELECT count(*) FROM changelog WHERE tbl='dtks' AND village=?", {kPesanggaran}) == 1);
  CHECK(hub.Int("SELECT count(*) FROM dtks WHERE nik='3510015211870004' AND desil IS NULL") == 1);
  std::string audit = hub.Text("SELECT detail FROM hub_audit WHERE action='dtks_import'");
  CHECK(audit.find("dtks snapshot 2023-06-30, 3 rows in 2 villages") != std::string::npos);
  CHECK(audit.find("sha256 ") != std::string::npos);
  CHECK(hub.Text("SELECT subject FROM hub_audit WHERE action='dtks_import'") == "dtks.csv");

  SUBCASE("the same file again changes nothing") {
    int64_t log = hub.Int("SELECT count(*) FROM changelog");
    DtksImportReport again = hub.Import(kJune);
    CHECK(again.unchanged == 3);
    CHECK(hub.Int("SELECT count(*) FROM changelog") == log);
  }
}

TEST_CASE("dtks import: a file with one bad line writes nothing at all") {
  Hub hub;
  int64_t log = hub.Int("SELECT count(*) FROM changelog");
  int64_t audit = hub.Int("SELECT count(*) FROM hub_audit");
  DtksImportReport r = hub.Import(kJune + "3510015211870005;Rudi;3510019001;2;aktif;2023-06-30\r\n");
  REQUIRE(r.error_count == 1);
  CHECK(r.errors[0].line == 5);
  CHECK(r.errors[0].column == "kode_desa");
  CHECK(hub.Int("SELECT count(*) FROM dtks") == 0);
  CHECK(hub.Int("SELECT count(*) FROM changelog") == log);
  CHECK(hub.Int("SELECT count(*) FROM hub_audit") == audit);
  DtksImportOptions bad_source;
  bad_source.source = "bpjs";
  CHECK_FALSE(ImportDtks(*hub.store, kHeader + kJune, bad_source).ok());
}

TEST_CASE("dtks import: a newer snapshot replaces, an older one never overwrites") {
  Hub hub;
  hub.Import(kJune);
  std::string siti_id = hub.Text("SELECT id FROM dtks WHERE nik='3510015211870001'");
  // September: Siti's desil changed, Ani moved to Pesanggaran, Wati absent.
  DtksImportReport sept = hub.Import(
      "3510015211870001;Siti;3510012001;5;nonaktif;2023-09-30\r\n"
      "3510015211870002;Ani;3510012002;4;nonaktif;2023-09-30\r\n");
  CHECK(sept.updated == 2);
  CHECK(sept.moved == 1);
  CHECK(hub.Int("SELECT count(*) FROM dtks") == 3);  // one row per NIK, Wati's kept
  CHECK(hub.Text("SELECT id FROM dtks WHERE nik='3510015211870001'") == siti_id);
  CHECK(hub.Int("SELECT desil FROM dtks WHERE nik='3510015211870001'") == 5);
  CHECK(hub.Text("SELECT pbi_status FROM dtks WHERE nik='3510015211870001'") == "inactive");
  CHECK(hub.Text("SELECT snapshot_date FROM dtks WHERE nik='3510015211870004'") == "2023-06-30");
  // Ani's row left Sarongan's scope (it drops it) and Pesanggaran holds it whole.
  std::string ani = hub.Text("SELECT id FROM dtks WHERE nik='3510015211870002'");
  CHECK(hub.Text("SELECT village FROM dtks WHERE id=?", {ani}) == kPesanggaran);
  CHECK(hub.Int("SELECT count(*) FROM changelog WHERE row_id=? AND village=? AND flags=?",
                {ani, kSarongan, std::to_string(sync::wire::kFlagScopeOut)}) == 1);
  CHECK(hub.Int("SELECT count(*) FROM changelog c JOIN changelog_fields f ON f.seq=c.seq"
                " WHERE c.row_id=? AND c.village=? AND c.flags=? AND f.field='name'",
                {ani, kPesanggaran, std::to_string(sync::wire::kFlagSnapshot)}) == 1);

  SUBCASE("an older snapshot is skipped, not written over the newer") {
    DtksImportReport old = hub.Import("3510015211870001;Siti;3510012001;1;aktif;2023-03-31\r\n"
                                      "3510015211870009;Baru;3510012001;1;aktif;2023-03-31\r\n");
    CHECK(old.skipped_older == 1);
    CHECK(old.created == 1);
    CHECK(hub.Int("SELECT desil FROM dtks WHERE nik='3510015211870001'") == 5);
    CHECK(hub.Text("SELECT snapshot_date FROM dtks WHERE nik='3510015211870001'") == "2023-09-30");
  }
}

TEST_CASE("dtks rows: a village can never write one, an older node is sent none") {
  Hub hub;
  hub.Import(kJune);
  std::string siti = hub.Text("SELECT id FROM dtks WHERE nik='3510015211870001'");
  const std::string node = "node-sarongan-1";
  std::string v = sync::Hlc::FormatVersion(sync::Stamp::Make(kT + 1000, 0), node);
  sync::Merger merger(hub.store->db());
  // Changing a row the hub imported, or creating one.
  for (const std::string& row : {siti, schema::NewRowId(kT + 5)}) {
    auto r = merger.Apply(sync::wire::Change{v, "dtks", row, kSarongan, 0, {{"desil", schema::Value(int64_t{1}), ""}}},
                          sync::Role::kVillage, kSarongan);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Code::kPermissionDenied);
  }
  CHECK(hub.Int("SELECT desil FROM dtks WHERE id=?", {siti}) == 2);
  // A node's own change capture refuses it before it is ever queued.
  sync::Hlc hlc(&hub.clock, node);
  sync::ChangeWriter village_writer(hub.store->db(), hlc, sync::Role::kVillage);
  auto w = village_writer.Write(*schema::FindTable("dtks"), siti, kSarongan, {{"desil", int64_t{1}}});
  CHECK(w.status().code() == Code::kPermissionDenied);
  // Schema 11 nodes know no dtks table: nothing of it is sent to them.
  std::vector<sync::wire::Change> changes = {
      {v, "dtks", siti, kSarongan, 0, {{"desil", schema::Value(int64_t{2}), ""}}},
      {v, "persons", siti, kSarongan, 0, {{"name", schema::Value(std::string("Siti")), ""}}}};
  KeepFieldsKnownAt(13, &changes);
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].table == "persons");
}

}  // namespace
}  // namespace simpul::hub
