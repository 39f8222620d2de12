// Tests for schema/regions.h: the embedded Kemendagri region lists, the CSV
// parser, loading a node's regions and looking codes up.
#include "schema/regions.h"

#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

#include "schema/db.h"
#include "schema/messages.h"
#include "schema/migrations.h"
#include "schema/validate.h"
#include "tests/support/memory_db.h"

namespace simpul::schema {
namespace {

using testing::MigratedMemoryDb;
using testing::QueryInt;

const RegionRow* FindRow(const std::vector<RegionRow>& rows, const std::string& code) {
  for (const auto& r : rows)
    if (r.code == code) return &r;
  return nullptr;
}

TEST_CASE("ParseRegionCsv parses the 2025 edition") {
  auto r = ParseRegionCsv(EmbeddedRegionCsv(RegionEdition::k2025));
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  const auto& rows = *r;
  CHECK(rows.size() == 91599);
  // Kepmendagri 300.2.2-2138/2025: 38 provinces, 416 + 98 regencies/cities,
  // 7,285 districts, 8,496 + 75,266 villages.
  std::map<int, int> per_level;
  for (const auto& row : rows) ++per_level[row.level];
  CHECK(per_level[1] == 38);
  CHECK(per_level[2] == 514);
  CHECK(per_level[3] == 7285);
  CHECK(per_level[4] == 83762);
  CHECK(per_level.size() == 4);

  REQUIRE_FALSE(rows.empty());
  CHECK(rows.front().code == "11");
  CHECK(rows.front().name == "Aceh");
  CHECK(rows.front().level == 1);

  // Names with commas are quoted in the CSV.
  const RegionRow* lubuk = FindRow(rows, "12.07.28.1007");
  REQUIRE(lubuk);
  CHECK(lubuk->name == "Lubuk Pakam I,II");
  CHECK(lubuk->level == 4);
  const RegionRow* lambang = FindRow(rows, "14.02.09.2010");
  REQUIRE(lambang);
  CHECK(lambang->name == "Lambang Sari I, II, III");

  const RegionRow* village = FindRow(rows, "35.10.01.2001");
  REQUIRE(village);
  CHECK(village->name == "Sarongan");
  const RegionRow* regency = FindRow(rows, "35.10");
  REQUIRE(regency);
  CHECK(regency->name == "Kabupaten Banyuwangi");
  CHECK(FindRow(rows, "96") != nullptr);      // Papua Barat Daya (2022/2025)
  CHECK(FindRow(rows, "92.01") == nullptr);   // Sorong moved to 96.01
  CHECK(FindRow(rows, "96.01") != nullptr);

  // The file has CRLF line endings: no name may keep the '\r', and no name
  // keeps its quotes.
  for (const auto& row : rows) {
    if (!row.name.empty() && (row.name.back() == '\r' || row.name.front() == '"')) {
      FAIL("bad name for " << row.code << ": [" << row.name << "]");
    }
  }
}

TEST_CASE("ParseRegionCsv parses the 2022 edition") {
  auto r = ParseRegionCsv(EmbeddedRegionCsv(RegionEdition::k2022));
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  CHECK(r->size() == 91591);
  const RegionRow* renamed = FindRow(*r, "11.02.03.2002");
  REQUIRE(renamed);
  CHECK(renamed->name == "Kisam");  // "Kuta Buluh" in 2025
  CHECK(FindRow(*r, "92.01") != nullptr);
}

TEST_CASE("ParseRegionCsv: small inputs") {
  struct Case {
    const char* name;
    std::string csv;
    std::vector<RegionRow> rows;
  };
  const Case cases[] = {
      {"empty", "", {}},
      {"header only", "kode,nama\n", {}},
      {"no header", "35,Jawa Timur\n", {{"35", "Jawa Timur", 1}}},
      {"no final newline", "kode,nama\n35,Jawa Timur", {{"35", "Jawa Timur", 1}}},
      {"CRLF", "kode,nama\r\n35,Jawa Timur\r\n35.10,Kab. Banyuwangi\r\n",
       {{"35", "Jawa Timur", 1}, {"35.10", "Kab. Banyuwangi", 2}}},
      {"blank lines skipped", "kode,nama\n\n35,Jawa Timur\n\n", {{"35", "Jawa Timur", 1}}},
      {"quoted comma", "12.07.28.1007,\"Lubuk Pakam I,II\"\n",
       {{"12.07.28.1007", "Lubuk Pakam I,II", 4}}},
      {"escaped quotes", "35.10,\"Kab \"\"Blambangan\"\"\"\n",
       {{"35.10", "Kab \"Blambangan\"", 2}}},
      {"unquoted name keeps later commas", "35.10.01,Pesanggaran, Selatan\n",
       {{"35.10.01", "Pesanggaran, Selatan", 3}}},
      {"all levels", "35,A\n35.10,B\n35.10.01,C\n35.10.01.2001,D\n",
       {{"35", "A", 1}, {"35.10", "B", 2}, {"35.10.01", "C", 3}, {"35.10.01.2001", "D", 4}}},
  };
  for (const auto& c : cases) {
    CAPTURE(std::string(c.name));
    auto r = ParseRegionCsv(c.csv);
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    REQUIRE(r->size() == c.rows.size());
    for (size_t i = 0; i < c.rows.size(); ++i) {
      CHECK((*r)[i].code == c.rows[i].code);
      CHECK((*r)[i].name == c.rows[i].name);
      CHECK((*r)[i].level == c.rows[i].level);
    }
  }
}

TEST_CASE("ParseRegionCsv refuses malformed lines with the line number") {
  struct Case {
    const char* name;
    std::string csv;
    int line;
  };
  const Case cases[] = {
      {"no comma", "kode,nama\n35,Jawa Timur\n3510 Banyuwangi\n", 3},
      {"unterminated quote", "kode,nama\n35.10,\"Kab. Banyuwangi\n", 2},
      {"lone quote", "35,\"\n", 1},
      {"bad code shape", "kode,nama\n35,Jawa Timur\n35.1,Banyuwangi\n", 3},
      {"undotted code", "3510012001,Sarongan\n", 1},
      {"village kind 4", "kode,nama\n35.10.01.4001,Pulau\n", 2},
      {"unknown province", "20,Nowhere\n", 1},
      {"empty name", "kode,nama\n35,Jawa Timur\n35.10,\n", 3},
      {"empty quoted name", "35.10,\"\"\n", 1},
      {"code with spaces", "35 ,Jawa Timur\n", 1},
      {"header not first", "35,Jawa Timur\nkode,nama\n", 2},
      {"line after blank lines", "kode,nama\n\n\n35.1O,Banyuwangi\n", 4},
      {"CRLF line count", "kode,nama\r\n35,Jawa Timur\r\n35.70,Kota X\r\n", 3},
  };
  for (const auto& c : cases) {
    CAPTURE(std::string(c.name));
    auto r = ParseRegionCsv(c.csv);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Code::kCorruption);
    const std::string needle = "line " + std::to_string(c.line) + ":";
    CHECK_MESSAGE(r.status().message().find(needle) != std::string::npos, r.status().message());
  }
}

TEST_CASE("LoadRegionsForVillage loads what a Banyuwangi node needs") {
  Db db = MigratedMemoryDb();
  {
    auto txn = Transaction::Begin(db);
    REQUIRE(txn.ok());
    Status st = LoadRegionsForVillage(db, "35.10.01.2001");
    REQUIRE_MESSAGE(st.ok(), st.ToString());
    REQUIRE(txn->Commit().ok());
  }
  DbRegionLookup lookup(db);

  SUBCASE("knows its village, regency, province and other villages of the regency") {
    for (const char* code : {"35.10.01.2001", "35.10.01", "35.10", "35", "35.10.24.2001",
                             "35.10.15.1002"}) {
      CAPTURE(std::string(code));
      CHECK(lookup.Known(code));
    }
    CHECK(lookup.Name("35.10.01.2001") == "Sarongan");
    // The current edition's name wins over the 2022 spelling.
    CHECK(lookup.Name("35.10") == "Kabupaten Banyuwangi");
    CHECK(lookup.Name("35") == "Jawa Timur");
  }
  SUBCASE("knows every province, regency and district, of both editions") {
    for (const char* code : {"11", "11.01", "11.01.01", "61.71", "61.71.01", "96.01",
                             "91.03.01"}) {
      CAPTURE(std::string(code));
      CHECK(lookup.Known(code));
    }
    // Codes only in the 2022 edition stay known for NIK prefix checks.
    CHECK(lookup.Known("92.01"));
    CHECK(lookup.Known("92.01.01"));
    CHECK(QueryInt(db, "SELECT count(*) FROM regions WHERE level <= 3") == 7975);
    CHECK(QueryInt(db, "SELECT count(*) FROM regions WHERE level = 1") >= 38);
  }
  SUBCASE("does not know villages of other regencies") {
    for (const char* code : {"35.09.01.2001", "11.01.01.2001", "12.07.28.1007", "61.71.01.1001",
                             "35.11.01.2001"}) {
      CAPTURE(std::string(code));
      CHECK_FALSE(lookup.Known(code));
      CHECK(lookup.Name(code).empty());
    }
    CHECK(QueryInt(db, "SELECT count(*) FROM regions WHERE level = 4") == 217);
    CHECK(QueryInt(db, "SELECT count(*) FROM regions WHERE level = 4 AND code NOT LIKE '35.10.%'") ==
          0);
  }
  SUBCASE("does not know what is in no list") {
    for (const char* code : {"35.10.01.2999", "35.10.99", "35.98", "20", "", "garbage"}) {
      CAPTURE(std::string(code));
      CHECK_FALSE(lookup.Known(code));
    }
  }
  SUBCASE("works as the RegionLookup of the validators") {
    CHECK(ValidateRegionCode("35.10.01.2001", &lookup).ok());
    auto other = ValidateRegionCode("35.09.01.2001", &lookup);
    REQUIRE_FALSE(other.ok());
    CHECK(other.status().IsNotFound());

    std::vector<Warning> warnings;
    auto nik = ValidateNik("3510011211870001", &lookup, &warnings);
    REQUIRE(nik.ok());
    CHECK(warnings.empty());
    // A NIK first registered in a district since split: warning only.
    auto old = ValidateNik("3510991211870001", &lookup, &warnings);
    REQUIRE(old.ok());
    REQUIRE(warnings.size() == 1);
    CHECK(warnings[0].id == MsgId::kNikRegionWarning);
    // A NIK from Sorong before Papua Barat Daya: 92.01.01 is historical.
    warnings.clear();
    auto sorong = ValidateNik("9201011211870001", &lookup, &warnings);
    REQUIRE(sorong.ok());
    CHECK(warnings.empty());
  }
  SUBCASE("loading again is harmless") {
    const int64_t before = QueryInt(db, "SELECT count(*) FROM regions");
    auto txn = Transaction::Begin(db);
    REQUIRE(txn.ok());
    Status st = LoadRegionsForVillage(db, "35.10.01.2001");
    REQUIRE_MESSAGE(st.ok(), st.ToString());
    REQUIRE(txn->Commit().ok());
    CHECK(QueryInt(db, "SELECT count(*) FROM regions") == before);
  }
}

TEST_CASE("LoadRegionsForVillage refuses codes that are not current villages") {
  struct Case {
    const char* code;
    Code status;
    MsgId id;
  };
  const Case cases[] = {
      {"35.10.01.2999", Code::kNotFound, MsgId::kRegionUnknown},
      {"35.09.99.2001", Code::kNotFound, MsgId::kRegionUnknown},
      {"35.10", Code::kInvalidArgument, MsgId::kRegionNotVillage},
      {"35.10.01", Code::kInvalidArgument, MsgId::kRegionNotVillage},
      {"3510012001", Code::kInvalidArgument, MsgId::kRegionFormat},
      {"35.10.01.4001", Code::kInvalidArgument, MsgId::kRegionDesaKind},
  };
  for (const auto& c : cases) {
    CAPTURE(std::string(c.code));
    Db db = MigratedMemoryDb();
    Status st = LoadRegionsForVillage(db, c.code);
    REQUIRE_FALSE(st.ok());
    CHECK(st.code() == c.status);
    REQUIRE(st.msg_id().has_value());
    CHECK(*st.msg_id() == c.id);
    REQUIRE_FALSE(st.args().empty());
    CHECK(st.args()[0] == c.code);
    CHECK(Msg(Lang::kId, c.id, st.args()).find(c.code) != std::string::npos);
    // Nothing was loaded.
    CHECK(QueryInt(db, "SELECT count(*) FROM regions") == 0);
  }
}

TEST_CASE("LoadAllRegions: every code of both editions once, with the current edition's name where it has one") {
  Db db = MigratedMemoryDb();
  {
    auto txn = Transaction::Begin(db);
    REQUIRE(txn.ok());
    Status st = LoadAllRegions(db);
    REQUIRE_MESSAGE(st.ok(), st.ToString());
    REQUIRE(txn->Commit().ok());
  }
  // What loading row by row (current first, older codes filling in) gives.
  auto current = ParseRegionCsv(EmbeddedRegionCsv(RegionEdition::k2025));
  auto previous = ParseRegionCsv(EmbeddedRegionCsv(RegionEdition::k2022));
  REQUIRE(current.ok());
  REQUIRE(previous.ok());
  std::map<std::string, std::pair<std::string, std::string>> expected;  // code -> name, edition
  for (const auto& r : *current) expected.emplace(r.code, std::make_pair(r.name, "2025"));
  for (const auto& r : *previous) expected.emplace(r.code, std::make_pair(r.name, "2022"));
  std::map<std::string, std::pair<std::string, std::string>> loaded;
  auto q = db.Prepare("SELECT code, name, edition FROM regions");
  REQUIRE(q.ok());
  for (;;) {
    auto row = q->Step();
    REQUIRE(row.ok());
    if (!*row) break;
    loaded.emplace(q->Text(0), std::make_pair(q->Text(1), q->Text(2)));
  }
  CHECK(loaded.size() == expected.size());
  CHECK(loaded == expected);
  CHECK(QueryInt(db, "SELECT count(*) FROM regions WHERE edition='2022'") > 0);  // the history is there
}

}  // namespace
}  // namespace simpul::schema
