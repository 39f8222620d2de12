// End-to-end: wrong clocks never void a Dinsos decision (issue 10, item 1).
//
// The real simpul-hub and simpul-node run with SIMPUL_CLOCK_OFFSET_MS (the
// test-only clock override, docs/OPERATIONS.md): a village laptop 3 days
// fast, 3 days slow or reset to 1970, or the hub 3 days fast or slow. In each
// case the village submits, the hub approves and issues the letter while it
// serves, and then:
//   - the application is letter_issued on the hub and on the village;
//   - `simpul-hub audit --verify` exits 0;
//   - the hub's own stamps never repeat or go back (its change log and its
//     audit chain, in the order it wrote them);
//   - a laptop days ahead of the hub is told so; a second village with a
//     correct clock is never told it is "ahead" (unless the hub is behind).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/support/cluster.h"

namespace simpul::testing {
namespace {

constexpr int64_t kDayMs = 86400000;

std::string Offset(int64_t ms) { return "SIMPUL_CLOCK_OFFSET_MS=" + std::to_string(ms); }

int64_t WallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch()).count();
}

// A household, a person and a submitted application; returns its id. The
// applicant was born before 1970: a laptop reset to 1970 takes later dates
// for the future.
std::string SubmitApplication(Node& n, const std::string& kk, const std::string& nik, const std::string& born) {
  std::string hh = n.Id({"household", "add", "--address", "Dusun Krajan", "--kk", kk});
  std::string person = n.Id({"person", "add", "--household", hh, "--name", "Siti Aminah", "--nik", nik,
                             "--birth-date", born, "--sex", "P"});
  std::string app = n.Id({"application", "new", "--type", "poverty_statement", "--applicant", person,
                          "--purpose", "Berobat"});
  n.Do({"application", "answer", app, "no_shelter=tidak", "head_not_working=ya", "food_insecure=ya"});
  n.Submit(app);  // with the documents the service rule requires
  return app;
}

Json Sync(Node& n) {
  Json s = n.Ok({"sync"});
  CHECK_MESSAGE(s["refused"].num() == 0, n.last());
  return s;
}

std::string NodeStatus(Node& n, const std::string& app) { return n.Ok({"application", "show", app})["status"].str(); }
std::string HubStatus(Hub& h, const std::string& app) { return h.Ok({"application", "show", app})["status"].str(); }

// The hub's own stamps never repeat or go back: its versions in the order it
// logged them (serving process and operator commands alike) strictly
// increase, and no two audit entries share a stamp.
void CheckHubStampsIncrease(Hub& hub) {
  std::string hub_id = SqlText(hub.db(), "SELECT value FROM meta WHERE key='hub_id'");
  REQUIRE(!hub_id.empty());
  auto log = SqlRows(hub.db(), "SELECT version FROM changelog WHERE origin=? AND flags=0 ORDER BY seq", {hub_id});
  REQUIRE(log.size() > 2);
  for (size_t i = 1; i < log.size(); ++i) CHECK_MESSAGE(log[i - 1] < log[i], "change log " << i);
  CHECK(hub.Count("SELECT count(DISTINCT at) FROM hub_audit") == hub.Count("SELECT count(*) FROM hub_audit"));
  CHECK(hub.Count("SELECT count(*) FROM hub_audit") > 4);
}

// The correct village's sync: never told it is ahead, unless the hub's
// own clock is behind (then it is, and the notice says the hub may be wrong).
void CheckNoticeFair(const Json& sync, int64_t hub_offset_ms) {
  std::string notice = sync["notice"].str();
  if (hub_offset_ms < 0 && !notice.empty())
    LH_CHECK_HAS(notice, "if they are right, the hub's clock is wrong");
  else
    CHECK_MESSAGE(notice.empty(), notice);
}

void RunScenario(int64_t node_offset_ms, int64_t hub_offset_ms) {
  Hub hub({Offset(hub_offset_ms)});
  hub.Start();
  Node village(kSarongan, {Offset(node_offset_ms)});
  village.Enrol(hub, hub.url());
  Node other(kPesanggaran);  // a correct clock
  other.Enrol(hub, hub.url());
  std::string other_app = SubmitApplication(other, "3510011211870002", "3510014211650004", "1965-11-02");
  CheckNoticeFair(Sync(other), hub_offset_ms);

  std::string app = SubmitApplication(village, "3510011211870001", "3510015211650002", "1965-11-12");
  Json first = Sync(village);
  if (node_offset_ms - hub_offset_ms > kDayMs) LH_CHECK_HAS(first["notice"].str(), "hours ahead of the hub's");
  REQUIRE(HubStatus(hub, app) == "submitted");

  // The village records its field check (the service rule's first stage);
  // the hub passes its own stages and decides (a CLI process beside the
  // serving hub), while both villages keep syncing.
  village.VillageStages(app);
  Sync(village);
  other.VillageStages(other_app);
  CheckNoticeFair(Sync(other), hub_offset_ms);
  hub.Approve(app);
  CHECK(HubStatus(hub, app) == "approved");
  Sync(village);
  CHECK(NodeStatus(village, app) == "approved");
  hub.Do({"application", "letter", app});
  CHECK(HubStatus(hub, app) == "letter_issued");
  hub.Approve(other_app);
  Sync(village);
  CHECK(NodeStatus(village, app) == "letter_issued");

  // The correct village hears the hub's decision and keeps working: it is
  // never told its clock is ahead.
  CheckNoticeFair(Sync(other), hub_offset_ms);
  CHECK(NodeStatus(other, other_app) == "approved");
  other.Do({"household", "add", "--address", "Dusun Baru", "--kk", "3510021211870009"});
  CheckNoticeFair(Sync(other), hub_offset_ms);
  hub.Do({"application", "letter", other_app});
  CheckNoticeFair(Sync(other), hub_offset_ms);
  CHECK(NodeStatus(other, other_app) == "letter_issued");

  CheckHubStampsIncrease(hub);
  ProcessResult verify = hub.Cli({"audit", "--verify"});
  CHECK_MESSAGE(verify.exit_code == kOk, hub.last());
  hub.Stop();
}

const int64_t kThreeDays = 3 * kDayMs;

TEST_CASE("clock skew: the village laptop 3 days fast") { RunScenario(kThreeDays, 0); }
TEST_CASE("clock skew: the village laptop 3 days slow") { RunScenario(-kThreeDays, 0); }
TEST_CASE("clock skew: the village laptop reset to 1970") { RunScenario(-WallMs(), 0); }
TEST_CASE("clock skew: the hub 3 days fast") { RunScenario(0, kThreeDays); }
TEST_CASE("clock skew: the hub 3 days slow") { RunScenario(0, -kThreeDays); }

}  // namespace
}  // namespace simpul::testing
