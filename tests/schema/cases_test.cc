// Tests for schema/cases.h: the transitions of a case, the fold in causal
// order whatever the clocks say, due times across WIB/WITA/WIT (working days
// counted in the office's zone), overdue.
#include "schema/cases.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "schema/messages.h"

namespace simpul::schema {
namespace {

constexpr int64_t kHour = 3600000;
constexpr int64_t kDay = 24 * kHour;

// A step with a stamp (hex so that string order is time order) and its link.
CaseEvent E(const std::string& id, const std::string& kind, int t, const std::string& after,
            const std::string& role = "hub") {
  CaseEvent e;
  e.id = id;
  e.kind = kind;
  e.actor = role == "hub" ? "hub-1" : "0000000000000a01";
  e.actor_role = role;
  char at[32];
  std::snprintf(at, sizeof at, "%016x.%s", t, e.actor.c_str());
  e.at = at;
  e.at_ms = t;
  e.after = after;
  if (kind == "assigned") e.facilitator = "Bu Rina";
  if (kind == "referred") e.partner = "hospital";
  if (kind == "resolved") e.note = "Dirawat di RSUD, biaya ditanggung Baznas";
  if (kind == "referral_outcome") e.outcome = "diterima di UGD";
  if (kind == "noted") e.note = "keluarga dikunjungi";
  if (kind == "reopened") e.note = "pasien kembali dirawat";
  return e;
}

Status Try(const std::vector<CaseEvent>& log, CaseEvent step) {
  return CheckCaseStep(FoldCase(log), step, "KASUS/2026/00001");
}

TEST_CASE("a case goes received -> assigned -> referred -> in progress -> resolved -> closed") {
  std::vector<CaseEvent> log;
  CHECK(FoldCase(log).status == "received");
  for (const char* k : {"assigned", "referred", "noted", "referral_outcome", "resolved", "closed"}) {
    CaseEvent step = E(std::string("e") + k, k, static_cast<int>(log.size()) + 1, log.empty() ? "" : log.back().id);
    INFO(std::string(k));
    REQUIRE(Try(log, step).ok());
    log.push_back(step);
  }
  CaseState s = FoldCase(log);
  CHECK(s.status == "closed");
  CHECK(s.facilitator == "Bu Rina");
  REQUIRE(s.referrals.size() == 1);
  CHECK(s.referrals[0].outcome == "diterima di UGD");
  CHECK(s.resolution == "Dirawat di RSUD, biaya ditanggung Baznas");
  CHECK(s.closed_at_ms == 6);
  CHECK(s.anomalies.empty());
  CHECK(s.history.size() == 6);
}

TEST_CASE("closing twice, an unknown step and steps out of order are typed errors naming the field") {
  std::vector<CaseEvent> log = {E("a", "assigned", 1, ""), E("r", "resolved", 2, "a"), E("c", "closed", 3, "r")};
  Status twice = Try(log, E("c2", "closed", 4, "c"));
  CHECK(twice.code() == Code::kFailedPrecondition);
  CHECK(twice.field() == "status");
  REQUIRE(twice.msg_id());
  CHECK(*twice.msg_id() == MsgId::kCaseClosed);
  CHECK(Describe(Lang::kEn, twice).find("already closed") != std::string::npos);
  CHECK(Describe(Lang::kId, twice).find("sudah ditutup") != std::string::npos);

  Status unknown = Try({}, E("x", "escalated", 1, ""));
  CHECK(unknown.code() == Code::kInvalidArgument);
  CHECK(unknown.field() == "step");

  // Resolving or referring a case no facilitator took; closing an open case.
  for (const char* k : {"resolved", "referred", "closed", "started", "reopened", "referral_outcome"}) {
    INFO(std::string(k));
    Status st = Try({}, E("x", k, 1, ""));
    CHECK(st.code() == Code::kFailedPrecondition);
    CHECK(st.field() == "status");
    REQUIRE(st.msg_id());
    CHECK(*st.msg_id() == MsgId::kCaseStepNotAllowed);
    CHECK(Describe(Lang::kEn, st).find("'received'") != std::string::npos);
  }
  Status open_close = Try({E("a", "assigned", 1, "")}, E("c", "closed", 2, "a"));
  CHECK(*open_close.msg_id() == MsgId::kCaseStepNotAllowed);
  CHECK(Describe(Lang::kEn, open_close).find("Allowed now: assigned, referred, started, noted, resolved") !=
        std::string::npos);
  // Missing or unknown input names the option.
  CaseEvent bad_partner = E("p", "referred", 2, "a");
  bad_partner.partner = "dukun";
  CHECK(Try({E("a", "assigned", 1, "")}, bad_partner).field() == "--partner");
  CaseEvent other = E("p", "referred", 2, "a");
  other.partner = "other";
  CHECK(Try({E("a", "assigned", 1, "")}, other).field() == "--partner-name");
  other.partner_name = "Yayasan Mujahidin";
  CHECK(Try({E("a", "assigned", 1, "")}, other).ok());
  CaseEvent no_resolution = E("r", "resolved", 2, "a");
  no_resolution.note.clear();
  CHECK(Try({E("a", "assigned", 1, "")}, no_resolution).field() == "--resolution");
  CaseEvent no_one = E("a", "assigned", 1, "");
  no_one.facilitator.clear();
  CHECK(Try({}, no_one).field() == "--facilitator");
}

TEST_CASE("a resolved case is reopened, and a note never changes the status") {
  std::vector<CaseEvent> log = {E("a", "assigned", 1, ""), E("r", "resolved", 2, "a")};
  REQUIRE(Try(log, E("n", "noted", 3, "r")).ok());
  log.push_back(E("n", "noted", 3, "r"));
  CHECK(FoldCase(log).status == "resolved");
  log.push_back(E("o", "reopened", 4, "n"));
  CaseState s = FoldCase(log);
  CHECK(s.status == "in_progress");
  CHECK(s.resolution.empty());
}

TEST_CASE("a step applies to the state its author saw, whatever the clocks say") {
  // The village assigned with a laptop days fast; the hub, its clock right,
  // resolved after seeing that assignment: its stamp is older, its link
  // puts it after.
  std::vector<CaseEvent> log = {E("b-hub-resolve", "resolved", 100, "a-village-assign", "hub"),
                                E("a-village-assign", "assigned", 900000, "", "village")};
  CaseState s = FoldCase(log);
  CHECK(s.status == "resolved");
  CHECK(s.anomalies.empty());
  CHECK(s.head == "b-hub-resolve");
  // By stamps alone the resolution would come first and be ignored.
  std::vector<CaseEvent> unlinked = log;
  unlinked[0].after.reset();
  CHECK(FoldCase(unlinked).status == "assigned");
}

TEST_CASE("two offices closing the same case offline: one close counts, the other is an anomaly") {
  std::vector<CaseEvent> log = {E("a", "assigned", 1, ""), E("r", "resolved", 2, "a"),
                                E("c-hub", "closed", 3, "r", "hub"), E("c-vil", "closed", 4, "r", "village")};
  CaseState s = FoldCase(log);
  CHECK(s.status == "closed");
  REQUIRE(s.anomalies.size() == 1);
  CHECK(s.anomalies[0].find("closed by village") != std::string::npos);
  // The same in any arrival order.
  std::vector<CaseEvent> reversed(log.rbegin(), log.rend());
  CHECK(FoldCase(reversed).status == "closed");
  CHECK(FoldCase(reversed).closed_at_ms == 3);
}

TEST_CASE("due times: emergency 1x24 h; other urgencies in working days of the office's zone") {
  // Friday 2026-03-06 16:30 UTC = Friday 23:30 WIB = Saturday 00:30 WITA
  // = Saturday 01:30 WIT.
  auto opened = ParseUtcIso("2026-03-06T16:30:00Z");
  REQUIRE(opened);
  const OfficeZone wib = ZoneOfRegion("61.71.01.1001");  // Pontianak
  const OfficeZone wita = ZoneOfRegion("73.71.01.1001");  // Makassar
  const OfficeZone wit = ZoneOfRegion("94.71.01.1001");   // Jayapura
  REQUIRE(std::string(wib.name) == "WIB");
  REQUIRE(std::string(wita.name) == "WITA");
  REQUIRE(std::string(wit.name) == "WIT");
  for (OfficeZone z : {wib, wita, wit}) CHECK(CaseDueMs(*opened, "emergency", z) == *opened + kDay);
  // high: 3 working days. In WIB the case came on Friday: Mon, Tue, Wed ->
  // Wednesday 23:30 WIB. In WITA and WIT it came on Saturday: Mon, Tue,
  // Wed as well -> Wednesday 00:30 WITA / 01:30 WIT, a day earlier in UTC.
  CHECK(FormatIso(CaseDueMs(*opened, "high", wib), wib) == "2026-03-11T23:30:00+07:00");
  CHECK(FormatIso(CaseDueMs(*opened, "high", wita), wita) == "2026-03-11T00:30:00+08:00");
  CHECK(FormatIso(CaseDueMs(*opened, "high", wit), wit) == "2026-03-11T01:30:00+09:00");
  CHECK(CaseDueMs(*opened, "high", wib) - CaseDueMs(*opened, "high", wit) == kDay);
  // normal: 7 working days (Mon..Fri, Mon, Tue); low: 14.
  CHECK(FormatIso(CaseDueMs(*opened, "normal", wib), wib) == "2026-03-17T23:30:00+07:00");
  CHECK(FormatIso(CaseDueMs(*opened, "low", wita), wita) == "2026-03-26T00:30:00+08:00");
  // A case opened on a Tuesday morning WIB, high: Friday, same hour.
  auto tuesday = ParseUtcIso("2026-03-10T02:00:00Z");
  CHECK(FormatIso(CaseDueMs(*tuesday, "high", wib), wib) == "2026-03-13T09:00:00+07:00");
  // Unknown urgency is handled as normal.
  CHECK(CaseDueMs(*opened, "", wib) == CaseDueMs(*opened, "normal", wib));
}

TEST_CASE("overdue: an open case past its due time; a resolved or closed one never") {
  CaseState open;
  open.status = "referred";
  CHECK(!CaseOverdue(open, 1000, 1000));
  CHECK(CaseOverdue(open, 1000, 1001));
  CaseState done = open;
  done.status = "resolved";
  CHECK(!CaseOverdue(done, 1000, 5000));
  done.status = "closed";
  CHECK(!CaseOverdue(done, 1000, 5000));
}

TEST_CASE("created_at parses as UTC; anything else is refused") {
  CHECK(ParseUtcIso("1970-01-01T00:00:00Z") == 0);
  CHECK(ParseUtcIso("2026-03-06T16:30:00Z") == 1772814600000);
  for (const char* bad : {"", "2026-03-06", "2026-02-30T00:00:00Z", "2026-03-06T24:00:00Z", "2026-03-06 16:30:00Z",
                          "2026-03-06T16:30:00+07"})
    CHECK_MESSAGE(!ParseUtcIso(bad), bad);
}

TEST_CASE("statuses, steps and partners are closed vocabularies") {
  for (const char* s : {"received", "assigned", "referred", "in_progress", "resolved", "closed"}) CHECK(IsKnownCaseStatus(s));
  CHECK(!IsKnownCaseStatus("open"));
  CHECK(!IsKnownCaseStatus("received, closed"));
  CHECK(IsKnownCaseStep("referral_outcome"));
  CHECK(!IsKnownCaseStep("received"));
  CHECK(FindCode(kCasePartners, "ppa_unit") != nullptr);
  CHECK(FindCode(kCasePartners, "baznas") != nullptr);
}

}  // namespace
}  // namespace simpul::schema
