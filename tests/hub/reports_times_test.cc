// hub/reports/times.h: the intervals of one application with the clock
// rules (a wrong village clock is flagged, never a negative or absurd
// duration), median and p90, grouping by service, kecamatan and month in
// each office's zone, the date range, and SLA compliance per stage.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "hub/reports/times.h"
#include "hub/reports/times_source.h"
#include "schema/local_time.h"
#include "schema/service_rules.h"

namespace simpul::hub::reports {
namespace {

constexpr int64_t kMin = 60'000, kHour = 60 * kMin, kDay = 24 * kHour;
// 2026-12-06 07:00:00 UTC (14:00 WIB).
constexpr int64_t kT0 = 1'796'540'400'000;

const char* kWib = "35.10.01.2001";   // Banyuwangi, UTC+7
const char* kWita = "64.71.01.1001";  // Balikpapan, UTC+8
const char* kWit = "94.12.01.2001";   // Mimika, UTC+9

Timeline Path(const std::string& service, const char* village = kWib) {
  Timeline t;
  t.application_id = "app";
  t.village = village;
  t.service = service;
  t.submitted_ms = kT0;
  t.village_offset_ms = 0;
  t.received_ms = kT0 + 2 * kHour;
  t.decided_ms = t.received_ms + 3 * kHour;
  t.letter_ms = t.decided_ms + 30 * kMin;
  t.delivered_ms = t.letter_ms + 1 * kHour;
  return t;
}

int64_t Ms(const ApplicationTimes& a, Interval i) {
  REQUIRE(a[i].ms.has_value());
  return *a[i].ms;
}

TEST_CASE("times: median and p90 with odd, even, single and no values") {
  CHECK_FALSE(Median({}).has_value());
  CHECK_FALSE(P90({}).has_value());
  CHECK(*Median({7}) == 7);
  CHECK(*P90({7}) == 7);
  CHECK(*Median({30, 10, 20}) == 20);      // odd: the middle one
  CHECK(*Median({40, 10, 30, 20}) == 25);  // even: the mean of the middle two
  CHECK(*Median({1, 2}) == 1);             // ...rounded down to the millisecond
  std::vector<int64_t> ten = {10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
  CHECK(*P90(ten) == 9);  // nearest rank: ceil(0.9 * 10) = 9th
  ten.push_back(11);
  CHECK(*P90(ten) == 10);  // ceil(9.9) = 10th of 11
  CHECK(*P90({1, 100}) == 100);
}

TEST_CASE("times: each interval of an application, every end on the hub clock but the submission") {
  ApplicationTimes a = MeasureApplication(Path("spm"));
  CHECK(Ms(a, Interval::kSubmittedToReceived) == 2 * kHour);
  CHECK(Ms(a, Interval::kReceivedToDecided) == 3 * kHour);
  CHECK(Ms(a, Interval::kDecidedToLetter) == 30 * kMin);
  CHECK(Ms(a, Interval::kLetterToDelivered) == kHour);
  CHECK(Ms(a, Interval::kSubmittedToLetter) == 5 * kHour + 30 * kMin);
  CHECK(Ms(a, Interval::kSubmittedToDelivered) == 6 * kHour + 30 * kMin);
  for (const auto& m : a.m) CHECK_FALSE(m.flagged);

  SUBCASE("not decided yet: later intervals are empty, not zero") {
    Timeline t = Path("spm");
    t.decided_ms = t.letter_ms = t.delivered_ms = 0;
    ApplicationTimes b = MeasureApplication(t);
    CHECK(b[Interval::kSubmittedToReceived].ms.has_value());
    CHECK_FALSE(b[Interval::kReceivedToDecided].ms.has_value());
    CHECK_FALSE(b[Interval::kSubmittedToLetter].ms.has_value());
    CHECK_FALSE(b[Interval::kSubmittedToLetter].flagged);
  }
}

TEST_CASE("times: a village laptop with a wrong clock never gives a negative or absurd duration") {
  SUBCASE("three days fast, offset measured at the hub's ack: corrected") {
    Timeline t = Path("spm");
    t.submitted_ms += 3 * kDay;
    t.village_offset_ms = 3 * kDay;
    ApplicationTimes a = MeasureApplication(t);
    CHECK(Ms(a, Interval::kSubmittedToReceived) == 2 * kHour);
    CHECK(Ms(a, Interval::kSubmittedToLetter) == 5 * kHour + 30 * kMin);
  }
  SUBCASE("three days fast, offset unknown: flagged, left out") {
    Timeline t = Path("spm");
    t.submitted_ms += 3 * kDay;
    t.village_offset_ms.reset();
    ApplicationTimes a = MeasureApplication(t);
    CHECK(a[Interval::kSubmittedToReceived].flagged);
    CHECK_FALSE(a[Interval::kSubmittedToReceived].ms.has_value());
    CHECK(a[Interval::kSubmittedToLetter].flagged);
    CHECK(a[Interval::kSubmittedToDelivered].flagged);
    CHECK(Ms(a, Interval::kReceivedToDecided) == 3 * kHour);  // hub-clock figures stand
  }
  SUBCASE("a minute fast: clock noise, counted as received at once") {
    Timeline t = Path("spm");
    t.submitted_ms = t.received_ms + kMin;
    t.village_offset_ms.reset();
    ApplicationTimes a = MeasureApplication(t);
    CHECK(Ms(a, Interval::kSubmittedToReceived) == 0);
    CHECK(Ms(a, Interval::kSubmittedToLetter) == 3 * kHour + 30 * kMin);  // from the receipt
  }
  SUBCASE("reset to 1970, offset unknown: absurd, flagged") {
    Timeline t = Path("spm");
    t.submitted_ms = 86'400'000;
    t.village_offset_ms.reset();
    ApplicationTimes a = MeasureApplication(t);
    CHECK(a[Interval::kSubmittedToReceived].flagged);
    CHECK(a[Interval::kSubmittedToLetter].flagged);
  }
  SUBCASE("a letter delivered by bundle, read on a slow laptop before it was made: flagged") {
    Timeline t = Path("spm");
    t.delivered_ms = t.letter_ms - 2 * kDay;
    CHECK(MeasureApplication(t)[Interval::kLetterToDelivered].flagged);
  }
}

TEST_CASE("times: where a delivery's time comes from") {
  bool village_clock = true;
  CHECK(DeliveredEstimate(kT0 + kDay, kT0, 5 * kHour, "sync", &village_clock) == kT0);
  CHECK_FALSE(village_clock);
  // A reply bundle: read on the village's clock, corrected by its offset...
  CHECK(DeliveredEstimate(kT0 + 2 * kDay + 5 * kHour, kT0, 5 * kHour, "bundle", &village_clock) == kT0 + 2 * kDay);
  CHECK(village_clock);
  // ...and never before the hub made the reply.
  CHECK(DeliveredEstimate(kT0 - 30 * kDay, kT0, std::nullopt, "bundle", &village_clock) == kT0);
}

TEST_CASE("times: figures per service, empty groups, and applications not yet at Dinsos") {
  TimesQuery q;
  SUBCASE("no application: no group, an empty total") {
    TimesReport r = ComputeTimes({}, q, nullptr);
    CHECK(r.groups.empty());
    CHECK(r.total.applications == 0);
    CHECK(r.total[Interval::kSubmittedToLetter].count == 0);
    CHECK_FALSE(r.total[Interval::kSubmittedToLetter].median_ms.has_value());
    CHECK(TimesReportJson(r).find("\"median_ms\":null") != std::string::npos);
  }
  SUBCASE("two services") {
    std::vector<Timeline> ts;
    for (int i = 0; i < 3; ++i) {
      Timeline t = Path("spm");
      t.letter_ms += i * kHour;
      ts.push_back(t);
    }
    Timeline pending = Path("pbi_jkn");
    pending.decided_ms = pending.letter_ms = pending.delivered_ms = 0;
    ts.push_back(pending);
    Timeline offline = Path("pbi_jkn");  // still on the laptop: not counted
    offline.received_ms = offline.decided_ms = offline.letter_ms = offline.delivered_ms = 0;
    ts.push_back(offline);
    TimesReport r = ComputeTimes(ts, q, nullptr);
    REQUIRE(r.groups.size() == 2);
    CHECK(r.groups[0].key == "pbi_jkn");
    CHECK(r.groups[0].applications == 1);
    CHECK(r.groups[0][Interval::kSubmittedToReceived].count == 1);
    CHECK(r.groups[0][Interval::kSubmittedToLetter].count == 0);
    CHECK(r.groups[1].key == "spm");
    CHECK(r.groups[1][Interval::kDecidedToLetter].count == 3);
    CHECK(*r.groups[1][Interval::kDecidedToLetter].median_ms == 90 * kMin);
    CHECK(*r.groups[1][Interval::kDecidedToLetter].p90_ms == 150 * kMin);
    CHECK(r.total.applications == 4);
    std::string json = TimesReportJson(r);
    CHECK(json.find("\"by\":\"service\"") != std::string::npos);
    CHECK(json.find("\"submitted_to_letter\":{\"count\":3,\"flagged\":0,\"median_ms\":23400000") != std::string::npos);
    CHECK(json.find("\"received_to_decided\":\"hub\"") != std::string::npos);
  }
}

TEST_CASE("times: months and dates in each office's zone, across midnight and month ends") {
  // 2026-01-31 16:30 UTC: 23:30 WIB on 31 January, but 00:30 WITA and
  // 01:30 WIT on 1 February.
  const int64_t at = 1'769'877'000'000;
  REQUIRE(schema::FormatIso(at, schema::ZoneOfRegion(kWib)) == "2026-01-31T23:30:00+07:00");
  std::vector<Timeline> ts;
  for (const char* v : {kWib, kWita, kWit}) {
    Timeline t = Path("spm", v);
    t.received_ms = at;
    t.submitted_ms = at - kHour;
    ts.push_back(t);
  }
  TimesQuery q;
  q.by = GroupBy::kMonth;
  TimesReport r = ComputeTimes(ts, q, nullptr);
  REQUIRE(r.groups.size() == 2);
  CHECK(r.groups[0].key == "2026-01");
  CHECK(r.groups[0].applications == 1);
  CHECK(r.groups[1].key == "2026-02");
  CHECK(r.groups[1].applications == 2);

  SUBCASE("--from and --to are whole days in the office's zone") {
    q.from = q.to = "2026-01-31";
    CHECK(ComputeTimes(ts, q, nullptr).total.applications == 1);  // the WIB office only
    q.from = q.to = "2026-02-01";
    CHECK(ComputeTimes(ts, q, nullptr).total.applications == 2);
    q.from = "2026-02-02";
    q.to = "";
    CHECK(ComputeTimes(ts, q, nullptr).total.applications == 0);
  }
  SUBCASE("by kecamatan") {
    q.by = GroupBy::kKecamatan;
    TimesReport k = ComputeTimes(ts, q, nullptr);
    REQUIRE(k.groups.size() == 3);
    CHECK(k.groups[0].key == "35.10.01");
    CHECK(k.groups[2].key == "94.12.01");
  }
}

TEST_CASE("times: SLA compliance per stage of the service rules") {
  auto rules = schema::ParseServiceRules(schema::BuiltinServiceRules());
  REQUIRE(rules.ok());
  const schema::ServiceRule* spm = rules->FindCode("spm");
  REQUIRE(spm != nullptr);
  REQUIRE(spm->stages.size() >= 2);
  REQUIRE(spm->stages[0].code == "field_check");
  REQUIRE(spm->stages[1].code == "kecamatan");
  const int64_t field_sla = spm->stages[0].sla_hours * kHour, kec_sla = spm->stages[1].sla_hours * kHour;
  Timeline in_time = Path("spm");
  in_time.stages = {{"field_check", in_time.received_ms + field_sla}, {"kecamatan", in_time.received_ms + field_sla + kHour}};
  in_time.decided_ms = in_time.received_ms + field_sla + 2 * kHour;
  Timeline late = in_time;
  late.stages[1].at_ms = late.stages[0].at_ms + kec_sla + kMin;
  late.decided_ms = late.stages[1].at_ms + spm->approval_sla_hours * kHour + kMin;
  Timeline unknown_service = Path("no_such_rule");
  RulesBook book;
  book.unversioned = *rules;
  TimesReport r = ComputeTimes({in_time, late, unknown_service}, TimesQuery{}, &book);
  const Group& g = r.total;
  auto sla = [&](const std::string& code) {
    for (const auto& s : g.sla)
      if (s.code == code) return s;
    FAIL("no SLA row for " << code);
    return StageSla{};
  };
  CHECK(sla("field_check").measured == 2);
  CHECK(sla("field_check").within == 2);  // exactly on the deadline is within it
  CHECK(sla("kecamatan").measured == 2);
  CHECK(sla("kecamatan").within == 1);
  CHECK(sla("decision").measured == 2);
  CHECK(sla("decision").within == 1);
  CHECK(sla("decision").sla_hours == spm->approval_sla_hours);
  // Stages without a mark (not recorded) are not measured at all.
  for (const auto& s : g.sla) CHECK(s.code != "health_recheck");
  CHECK(TimesReportJson(r).find("\"stage\":\"kecamatan\",\"sla_hours\":48,\"measured\":2,\"within\":1,\"compliance\":0.5") !=
        std::string::npos);
}

TEST_CASE("times: each application is measured against the rules version it was submitted under") {
  auto v1 = schema::ParseServiceRules(schema::BuiltinServiceRules());
  REQUIRE(v1.ok());
  schema::ServiceRules v2 = *v1;  // Dinsos shortens SPM's field check from 72 h to 24 h
  v2.version = v1->version + 1;
  for (auto& svc : v2.services)
    if (svc.code == "spm") svc.stages[0].sla_hours = 24;
  RulesBook book;
  book.unversioned = *v1;
  book.versions[v1->version] = *v1;
  book.versions[v2.version] = v2;
  Timeline old = Path("spm");
  old.rules_version = v1->version;
  old.stages = {{"field_check", old.received_ms + 48 * kHour}};  // within 72 h, not within 24 h
  Timeline fresh = old;
  fresh.rules_version = v2.version;
  Timeline before_17 = old;  // no version recorded: the built-in rules
  before_17.rules_version.reset();
  TimesReport r = ComputeTimes({old, fresh, before_17}, TimesQuery{}, &book);
  int rows = 0;
  for (const auto& s : r.total.sla) {
    if (s.code != "field_check") continue;
    ++rows;
    if (s.sla_hours == 72) {
      CHECK(s.measured == 2);
      CHECK(s.within == 2);
    } else {
      CHECK(s.sla_hours == 24);
      CHECK(s.measured == 1);
      CHECK(s.within == 0);
    }
  }
  CHECK(rows == 2);
}

}  // namespace
}  // namespace simpul::hub::reports
