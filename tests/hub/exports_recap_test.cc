// hub/exports_recap.cc (declared in hub/exports.h): the SIPERJAKE district
// recap. Applications received at Dinsos, per kecamatan, village and type,
// counted by status, a subtotal per kecamatan and the district's total last;
// the date of receipt is the office's own (WIB / WITA / WIT); bad periods are
// refused naming the field.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "hub/exports.h"
#include "schema/local_time.h"
#include "tests/support/hub_fixture.h"

namespace simpul::hub {
namespace {

using testing::HubFixture;

// The UTC instant of `date` + `minutes` (no zone).
int64_t UtcMs(const std::string& date, int minutes) {
  int64_t ms = 0;
  REQUIRE(schema::ParseDate(date, schema::OfficeZone{"UTC", 0}, &ms));
  return ms + minutes * 60'000LL;
}

// An application of `village` whose submission the hub logged at `received_ms`.
std::string Received(HubFixture& f, const std::string& village, int64_t received_ms,
                     const std::string& type = "poverty_statement") {
  std::string app = f.Submitted(village, "", type);
  auto ev = QueryRows(*f.store, "SELECT id FROM events WHERE subject_id=? AND kind='submitted'", {app});
  REQUIRE(ev.ok());
  REQUIRE(ev->size() == 1);
  f.Exec("INSERT INTO changelog(version,tbl,row_id,village,origin,received_at_ms) VALUES(?,'events',?,?,'node-x',?)",
         {"v-" + app, RowText(ev->front(), "id"), village, std::to_string(received_ms)});
  return app;
}

std::string Line(const std::vector<ExportCell>& row) {
  std::string out;
  for (size_t i = 0; i < row.size(); ++i) out += (i ? "," : "") + row[i].text;
  return out;
}

std::vector<std::string> Lines(const ExportTable& t) {
  std::vector<std::string> out;
  for (const auto& r : t.rows) out.push_back(Line(r));
  return out;
}

ExportTable Recap(HubFixture& f, const std::string& from, const std::string& to, Lang lang = Lang::kId) {
  auto t = SiperjakeRecapExport(*f.store, {from, to}, lang);
  REQUIRE_MESSAGE(t.ok(), t.status().ToString());
  for (const auto& r : t->rows) REQUIRE(r.size() == t->columns.size());
  return *t;
}

TEST_CASE("siperjake recap: no applications, only the district's total of zeros, and the columns") {
  HubFixture f;
  f.Submitted("35.10.01.2001", "", "poverty_statement");  // never received at Dinsos: not counted
  ExportTable t = Recap(f, "", "", Lang::kEn);
  CHECK(t.name == "siperjake-recap");
  REQUIRE(t.columns.size() == 14);  // 5 + 8 statuses + total
  CHECK(t.columns[0].title == "Kecamatan code");
  CHECK(t.columns[2].title == "Village code");
  CHECK(t.columns[13].title == "Total");
  for (size_t i = 0; i < 5; ++i) CHECK(t.columns[i].kind == CellKind::kText);
  for (size_t i = 5; i < 14; ++i) CHECK(t.columns[i].kind == CellKind::kNumber);
  CHECK(Lines(t) == std::vector<std::string>{",District total,,,,0,0,0,0,0,0,0,0,0"});

  ExportTable id = Recap(f, "2026-01-01", "2026-01-31");
  CHECK(id.name == "rekap-siperjake-2026-01-01-2026-01-31");
  CHECK(id.columns[13].title == "Jumlah");
  CHECK(Lines(id) == std::vector<std::string>{",Jumlah kabupaten,,,,0,0,0,0,0,0,0,0,0"});
  CHECK(Recap(f, "2026-01-01", "").name == "rekap-siperjake-2026-01-01");
  CHECK(Recap(f, "", "2026-01-31").name == "rekap-siperjake-2026-01-31");
}

TEST_CASE("siperjake recap: per village and type, by status, a subtotal per kecamatan, the district last") {
  HubFixture f;
  const int64_t day = UtcMs("2026-03-10", 3 * 60);  // 10.00 WIB
  Received(f, "35.10.01.2001", day);
  const std::string approved = Received(f, "35.10.01.2001", day);
  Received(f, "35.10.01.2001", day, "pbi_jkn");
  Received(f, "35.10.01.2002", day);
  Received(f, "35.10.02.2001", day, "pbi_jkn");
  Status st = f.Approve(approved);
  REQUIRE_MESSAGE(st.ok(), st.ToString());

  ExportTable t = Recap(f, "", "");
  CHECK(Lines(t) == std::vector<std::string>{
                        "35.10.01,Pesanggaran,35.10.01.2001,Sarongan,Usulan PBI-JKN (APBN),1,0,0,0,0,0,0,0,1",
                        "35.10.01,Pesanggaran,35.10.01.2001,Sarongan,Surat Pernyataan Miskin / SKTM,1,0,0,1,0,0,0,0,2",
                        "35.10.01,Pesanggaran,35.10.01.2002,Pesanggaran,Surat Pernyataan Miskin / SKTM,1,0,0,0,0,0,0,0,1",
                        "35.10.01,Pesanggaran,,Jumlah kecamatan,,3,0,0,1,0,0,0,0,4",
                        "35.10.02,Bangorejo,35.10.02.2001,Sukorejo,Usulan PBI-JKN (APBN),1,0,0,0,0,0,0,0,1",
                        "35.10.02,Bangorejo,,Jumlah kecamatan,,1,0,0,0,0,0,0,0,1",
                        ",Jumlah kabupaten,,,,4,0,0,1,0,0,0,0,5",
                    });
  ExportTable en = Recap(f, "", "", Lang::kEn);
  REQUIRE(en.rows.size() == 7);
  CHECK(Line(en.rows[0]) == "35.10.01,Pesanggaran,35.10.01.2001,Sarongan,PBI-JKN proposal (national budget),1,0,0,0,0,0,0,0,1");
  CHECK(Line(en.rows[3]) == "35.10.01,Pesanggaran,,Kecamatan total,,3,0,0,1,0,0,0,0,4");
  CHECK(Line(en.rows[6]) == ",District total,,,,4,0,0,1,0,0,0,0,5");
}

TEST_CASE("siperjake recap: the date of receipt is the office's own, WIB, WITA or WIT") {
  HubFixture f;
  // 2026-03-01 16:30 UTC: 23.30 on the 1st in WIB, 00.30 and 01.30 on the 2nd in WITA and WIT.
  const int64_t at = UtcMs("2026-03-01", 16 * 60 + 30);
  Received(f, "35.10.01.2001", at);  // WIB (Banyuwangi)
  Received(f, "73.71.01.1001", at);  // WITA (Makassar)
  Received(f, "91.71.01.1001", at);  // WIT (Jayapura)
  auto villages = [](const ExportTable& t) {
    std::vector<std::string> v;
    for (const auto& r : t.rows)
      if (!r[2].text.empty()) v.push_back(r[2].text);
    return v;
  };
  CHECK(villages(Recap(f, "2026-03-01", "2026-03-01")) == std::vector<std::string>{"35.10.01.2001"});
  CHECK(villages(Recap(f, "2026-03-02", "2026-03-02")) == std::vector<std::string>{"73.71.01.1001", "91.71.01.1001"});
  CHECK(villages(Recap(f, "", "2026-03-01")) == std::vector<std::string>{"35.10.01.2001"});
  CHECK(villages(Recap(f, "2026-03-02", "")) == std::vector<std::string>{"73.71.01.1001", "91.71.01.1001"});
  CHECK(villages(Recap(f, "2026-02-28", "2026-03-02")).size() == 3);
  CHECK(villages(Recap(f, "2026-03-03", "")).empty());
  CHECK(Line(Recap(f, "2026-03-02", "2026-03-02").rows.back()) == ",Jumlah kabupaten,,,,2,0,0,0,0,0,0,0,2");
  // One kecamatan subtotal each, codes of their own provinces.
  ExportTable all = Recap(f, "", "");
  int subtotals = 0;
  for (const auto& r : all.rows)
    if (r[3].text == "Jumlah kecamatan") ++subtotals;
  CHECK(subtotals == 3);
  CHECK(all.rows.size() == 7);
  CHECK(all.rows[2][2].text == "73.71.01.1001");
  CHECK(all.rows[2][0].text == "73.71.01");
  CHECK(all.rows[4][0].text == "91.71.01");
}

TEST_CASE("siperjake recap: a date that is not YYYY-MM-DD, or a period that runs backwards, is refused by field") {
  HubFixture f;
  for (const std::string& bad : std::vector<std::string>{
           "2026-02-30", "2026-13-01", "2026-00-10", "2025-02-29", "2026-1-01", "2026/01/01", "20260101", "26-01-01",
           " 2026-01-01", "2026-01-01 ", "2026-01-01T00:00", "abcd-ef-gh", "-026-01-01", std::string(1000, '9'),
           std::string("2026-01-0\0", 10), "2026-01-01'; DROP TABLE applications; --"}) {
    CAPTURE(bad);
    auto from = SiperjakeRecapExport(*f.store, {bad, ""}, Lang::kEn);
    CHECK(from.status().IsInvalidArgument());
    CHECK(from.status().field() == "from");
    CHECK(from.status().msg_id() == MsgId::kDateFormat);
    auto to = SiperjakeRecapExport(*f.store, {"2026-01-01", bad}, Lang::kEn);
    CHECK(to.status().IsInvalidArgument());
    CHECK(to.status().field() == "to");
  }
  auto backwards = SiperjakeRecapExport(*f.store, {"2026-12-02", "2026-12-01"}, Lang::kEn);
  CHECK(backwards.status().IsInvalidArgument());
  CHECK(backwards.status().field() == "from");
  CHECK(SiperjakeRecapExport(*f.store, {"2024-02-29", "2024-02-29"}, Lang::kEn).ok());  // a leap day, one day
  CHECK(SiperjakeRecapExport(*f.store, {"2025-12-31", "2026-01-01"}, Lang::kEn).ok());
}

}  // namespace
}  // namespace simpul::hub
