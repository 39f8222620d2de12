// The dashboard of the Dinsos web API (hub/api/dashboard_api.cc,
// hub/reports/dashboard.h, hub/reports/svg_chart.h) against the real
// handler: the counts per day, region and service, the median time from
// submission to letter as `report times` computes it, changed by an
// approval and its letter; the kecamatan drill-down; charts as SVG with
// every label escaped; each figure's table as CSV; bad filters refused.
#include <doctest/doctest.h>

#include <map>

#include "hub/history.h"
#include "hub/queue.h"
#include "hub/reports/svg_chart.h"
#include "schema/local_time.h"
#include "tests/hub/web_app_fixture.h"
#include "tests/support/hub_fixture.h"

namespace simpul::hub {
namespace {

using namespace testing_web;

constexpr int64_t kHour = 3'600'000;

struct DashboardFixture : Fixture {
  DashboardFixture() {
    Accounts();
    now = static_cast<int64_t>(store->NowMs());
  }
  std::string Decide(const std::string& id, const std::string& action, const Signed& who, const std::string& head) {
    auto r = Call("POST", "/api/v1/applications/" + id + "/actions/" + action, "{\"expected_head\":\"" + head + "\"}",
                  who.cookie, who.csrf);
    REQUIRE_MESSAGE(r.status == 200, r.body);
    auto at = r.body.find("\"head\":\"");
    return r.body.substr(at + 8, r.body.find('"', at + 8) - at - 8);
  }
};

TEST_CASE("web dashboard: counts and the median time to letter change with an approval and its letter") {
  DashboardFixture f;
  f.Received("A1", "35.10.01.2001", 5);
  auto vera = f.SignIn("vera");
  auto before = f.Call("GET", "/api/v1/dashboard", "", vera.cookie);
  REQUIRE_MESSAGE(before.status == 200, before.body);
  CHECK(Has(before, "\"applications\":1,"));
  CHECK(Has(before, "\"letters_measured\":0,\"median_to_letter_ms\":null"));

  f.Received("A2", "35.10.02.2003", 4);
  auto oki = f.SignIn("oki");
  simpul::hub::testing::PassStagesOn(*f.store, "A2");
  std::string head = f.Decide("A2", "approve", oki, f.Head("A2"));
  f.Decide("A2", "letter", oki, head);
  auto after = f.Call("GET", "/api/v1/dashboard", "", vera.cookie);
  REQUIRE(after.status == 200);
  CHECK(Has(after, "\"applications\":2,"));
  // Submitted 4 h ago, the letter now: the median of one value, within the
  // test's own running time.
  CHECK(Has(after, "\"letters_measured\":1,\"median_to_letter_ms\":"));
  auto at = after.body.find("\"median_to_letter_ms\":") + 22;
  int64_t median = std::atoll(after.body.c_str() + at);
  CHECK(median >= 4 * kHour);
  CHECK(median < 4 * kHour + 60'000);
  // Per day, per kecamatan, per service: the two applications.
  CHECK(Has(after, "\"by_region\":[{\"code\":\"35.10.01\",\"label\":\"Pesanggaran (35.10.01)\",\"count\":1},"
                   "{\"code\":\"35.10.02\",\"label\":\"Bangorejo (35.10.02)\",\"count\":1}]"));
  CHECK(Has(after, "\"by_service\":[{\"code\":\"spm\",\"label\":\"Surat Pernyataan Miskin (SPM)\",\"count\":2}]"));
  // The same figure as `simpul-hub report times`: per service, with the SLA stages.
  CHECK(Has(after, "\"letters_measured\":1,\"flagged\":0,\"median_ms\":"));
  CHECK(Has(after, "\"stage\":\"decision\""));
  // The chart and the table of the time to letter carry it.
  auto svg = f.Call("GET", "/api/v1/dashboard/chart/time_to_letter.svg", "", vera.cookie);
  REQUIRE(svg.status == 200);
  CHECK(svg.content_type == "image/svg+xml; charset=utf-8");
  CHECK(Has(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\""));
  CHECK(Has(svg, "<rect"));
  auto csv = f.Call("GET", "/api/v1/dashboard/table/time_to_letter.csv", "", vera.cookie);
  REQUIRE(csv.status == 200);
  CHECK(csv.content_type == "text/csv; charset=utf-8");
  CHECK(std::string(csv.HeaderValue("content-disposition")).find("attachment") == 0);
  // 2 applications, 1 letter, median and p90 4.0 hours, none flagged.
  CHECK(Has(csv, "spm,Surat Pernyataan Miskin (SPM),2,1,4.0,4.0,0\r\n"));
  auto day = f.Call("GET", "/api/v1/dashboard/table/per_day.csv", "", vera.cookie);
  // Counted on the day each was received (4 h and 3 h ago): before 04:00
  // WIB the first falls on yesterday's row.
  const auto zone = schema::ZoneOfRegion("");
  std::map<std::string, int> per_day;
  for (int64_t hours_ago : {4, 3}) ++per_day[schema::FormatDate(f.now - hours_ago * kHour, zone)];
  for (const auto& [date, n] : per_day) CHECK(Has(day, date + "," + std::to_string(n) + "\r\n"));
  // Today's column is the last of the period.
  const std::string today = schema::FormatDate(f.now, zone);
  CHECK(Has(after, "{\"code\":\"" + today + "\",\"label\":\"" + today + "\",\"count\":" +
                       std::to_string(per_day[today]) + "}],\"by_region\""));
}

TEST_CASE("web dashboard: a kecamatan shows its villages; the period and the kecamatan filter") {
  DashboardFixture f;
  f.Received("A1", "35.10.01.2001", 2);
  f.Received("A2", "35.10.01.2002", 3);
  f.Received("A3", "35.10.02.2001", 3);
  f.Received("A4", "35.10.01.2001", 24 * 40);  // received 40 days ago: outside the default 30 days
  auto vera = f.SignIn("vera");
  auto district = f.Call("GET", "/api/v1/dashboard", "", vera.cookie);
  CHECK(Has(district, "\"applications\":3,"));
  auto kec = f.Call("GET", "/api/v1/dashboard?kecamatan=35.10.01", "", vera.cookie);
  REQUIRE_MESSAGE(kec.status == 200, kec.body);
  CHECK(Has(kec, "\"applications\":2,"));
  CHECK(Has(kec, "\"by_region\":[{\"code\":\"35.10.01.2001\""));
  CHECK(Has(kec, "{\"code\":\"35.10.01.2002\",\"label\":\"Pesanggaran (35.10.01.2002)\",\"count\":1}"));
  CHECK_FALSE(Has(kec, "\"code\":\"35.10.02.2001\""));
  // The chart links keep the filter.
  CHECK(Has(kec, "/api/v1/dashboard/chart/by_region.svg?from="));
  CHECK(Has(kec, "&kecamatan=35.10.01\""));
  // A period reaching back 60 days takes the older one in.
  std::string from = schema::FormatDate(f.now - 60 * 24 * kHour, schema::ZoneOfRegion(""));
  CHECK(Has(f.Call("GET", "/api/v1/dashboard?from=" + from, "", vera.cookie), "\"applications\":4,"));
  // The dates as the page shows them: in its language, not the browser's
  // locale, in the chart titles too.
  CHECK(Has(f.Call("GET", "/api/v1/dashboard?from=2026-08-01&to=2026-08-17", "", vera.cookie),
            "\"from_text\":\"1 Agustus 2026\",\"to_text\":\"17 Agustus 2026\""));
  // The signed-in page's language is the session's (the page switches it).
  REQUIRE(f.Call("PUT", "/api/v1/session/lang", "{\"lang\":\"en\"}", vera.cookie, vera.csrf).status == 200);
  CHECK(Has(f.Call("GET", "/api/v1/dashboard?from=2026-08-01&to=2026-08-17", "", vera.cookie),
            "\"from_text\":\"1 August 2026\",\"to_text\":\"17 August 2026\""));
  CHECK(Has(f.Call("GET", "/api/v1/dashboard/chart/per_day.svg?from=2026-08-01&to=2026-08-17", "", vera.cookie),
            "1 August 2026 \xE2\x80\x93 17 August 2026"));

  for (const std::string bad : {"from=2026-13-01", "to=yesterday", "from=2026-12-10&to=2026-12-01",
                                "from=2020-01-01&to=2026-01-01", "kecamatan=35.10", "kecamatan=%3Cscript%3E"}) {
    auto r = f.Call("GET", "/api/v1/dashboard?" + bad, "", vera.cookie);
    CHECK_MESSAGE(r.status == 400, bad);
    CHECK_MESSAGE(Has(r, "\"field\":\""), bad);
    CHECK(f.Call("GET", "/api/v1/dashboard/chart/per_day.svg?" + bad, "", vera.cookie).status == 400);
  }
  CHECK(f.Call("GET", "/api/v1/dashboard/chart/secret.svg", "", vera.cookie).status == 404);
  CHECK(f.Call("GET", "/api/v1/dashboard/table/per_day.svg", "", vera.cookie).status == 404);
  CHECK(f.Call("GET", "/api/v1/dashboard").status == 401);
  CHECK(f.Call("GET", "/api/v1/dashboard/chart/per_day.svg").status == 401);
}

TEST_CASE("svg chart: every label is escaped; an empty chart says so; values are never negative bars") {
  reports::Chart c;
  c.title = "<script>alert(1)</script> & Ba'u";
  c.x_label = "\"x\"";
  c.bars = {{"<b>D</b>", 3, "3 <x>"}, {"Ba'u\x01", -2, ""}};
  for (const std::string& svg : {reports::ColumnChartSvg(c), reports::HorizontalBarsSvg(c)}) {
    CHECK(svg.find("<script") == std::string::npos);
    CHECK(svg.find("<b>") == std::string::npos);
    CHECK(svg.find("&lt;script&gt;alert(1)&lt;/script&gt; &amp; Ba&#39;u") != std::string::npos);
    CHECK(svg.find("&lt;b&gt;D&lt;/b&gt;") != std::string::npos);
    CHECK(svg.find("Ba&#39;u?") != std::string::npos);  // a control character is not XML
    CHECK(svg.find("style") == std::string::npos);       // presentation attributes only (CSP)
    CHECK(svg.find("height=\"-") == std::string::npos);
    CHECK(svg.find("width=\"-") == std::string::npos);
  }
  reports::Chart empty;
  empty.title = "t";
  empty.empty_text = "Belum ada data";
  CHECK(reports::HorizontalBarsSvg(empty).find("Belum ada data") != std::string::npos);
  CHECK(reports::NiceStep(3, 5) == 1);
  CHECK(reports::NiceStep(100, 4) == 50);
  CHECK(reports::NiceStep(47, 5) == 10);
}

}  // namespace
}  // namespace simpul::hub

namespace simpul::hub {
namespace {

TEST_CASE("queue: many applications take their statuses from one read of the events, as one by one") {
  testing_web::Fixture f;
  for (int i = 0; i < 60; ++i) f.Application("Q" + std::to_string(i), "Warga " + std::to_string(i));
  std::string at = f.store->hlc().Version(f.store->hlc().Now());
  REQUIRE(f.store->db()
              .Exec("INSERT INTO events(id,village,subject_id,subject_kind,kind,actor,actor_role,at,after) VALUES"
                    "('EQ7-ok','" + std::string(testing_web::kVillage) + "','Q7','application','approved','hub-1','hub','" +
                    at + "','EQ7')")
              .ok());
  QueueFilter all;
  all.limit = 0;
  auto q = QueryQueue(*f.store, all);
  REQUIRE(q.ok());
  REQUIRE(q->items.size() == 60);
  CHECK(q->counts["approved"] == 1);
  CHECK(q->counts["submitted"] == 59);
  for (const auto& it : q->items) {
    auto h = ReadHistory(*f.store, it.id);
    REQUIRE(h.ok());
    CHECK(it.status == h->state.status);
    CHECK(it.since_ms == h->since_ms);
  }
}

}  // namespace
}  // namespace simpul::hub

namespace simpul::hub {
namespace {

using namespace testing_web;

TEST_CASE("web dashboard: the figures follow a write from another connection (simpul-hub beside serve) at once") {
  DashboardFixture f;
  f.Received("A1", "35.10.01.2001", 2);
  auto vera = f.SignIn("vera");
  CHECK(Has(f.Call("GET", "/api/v1/dashboard", "", vera.cookie), "\"applications\":1,"));
  CHECK(Has(f.Call("GET", "/api/v1/dashboard/chart/by_service.svg", "", vera.cookie), "<svg"));
  {
    // As `simpul-hub` run beside `serve` writes: its own connection.
    auto other = schema::Db::Open(f.store->db().path());
    REQUIRE(other.ok());
    const std::string at = sync::Hlc::FormatVersion(sync::Stamp::Make(static_cast<uint64_t>(f.now - 3'600'000), 0),
                                                    "node-1");
    for (const std::string& sql :
         {std::string("INSERT INTO applications(id,village,type) VALUES('A2','35.10.01.2001','poverty_statement')"),
          "INSERT INTO events(id,village,subject_id,subject_kind,kind,actor,actor_role,at,after) VALUES('EA2',"
          "'35.10.01.2001','A2','application','submitted','node-1','village','" + at + "','')",
          "INSERT INTO changelog(version,tbl,row_id,village,origin,received_at_ms) VALUES('vA2','events','EA2',"
          "'35.10.01.2001','node-1'," + std::to_string(f.now - 1000) + ")"})
      REQUIRE_MESSAGE(other->Exec(sql).ok(), sql);
  }
  CHECK(Has(f.Call("GET", "/api/v1/dashboard", "", vera.cookie), "\"applications\":2,"));
}

}  // namespace
}  // namespace simpul::hub
