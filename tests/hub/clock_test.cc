// The hub's clock across processes: the serving hub and an operator's
// command each hold a HubStore (and an HLC) over one database. Their stamps
// must never repeat or go back (issue 10, item 1): the hub's versions and
// audit stamps are unique and follow the order of the commits.
#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

#include "hub/operations.h"
#include "hub/store.h"
#include "hub/audit.h"
#include "tests/support/temp_dir.h"
#include "tests/support/memory_db.h"

namespace simpul::hub {
namespace {

constexpr uint64_t kT = 1'700'000'000'000ULL;
constexpr uint64_t kHour = 3'600'000ULL;

class FakeClock : public sync::Clock {
 public:
  explicit FakeClock(uint64_t now) : now(now) {}
  uint64_t NowMs() override { return now; }
  uint64_t now;
};

std::vector<std::string> Column(HubStore& s, const std::string& sql) { return simpul::testing::QueryColumn(s.db(), sql); }

TEST_CASE("hub clock: the serving hub and an operator's command never repeat or reorder a stamp") {
  testing::TempDir dir;
  FakeClock wall(kT);
  auto init = HubStore::Init(dir.File("hub"), "clock hub", &wall);
  REQUIRE(init.ok());
  init->reset();
  // Both open now: the server for the day, the operator's command for one
  // action. The server then adopts a node's stamp 20 hours ahead (within the
  // 24-hour bound), so its clock runs ahead of the wall clock.
  auto server = HubStore::Open(dir.File("hub"), &wall);
  auto command = HubStore::Open(dir.File("hub"), &wall);
  REQUIRE(server.ok());
  REQUIRE(command.ok());
  REQUIRE((*server)->hlc().Observe(sync::Stamp::Make(kT + 20 * kHour, 0), 24 * kHour));

  // Writes alternate between the two, each in its own transaction, as the
  // server and the operator take turns on the write lock.
  std::vector<std::string> order;
  for (int round = 0; round < 3; ++round) {
    wall.now += 1000;
    REQUIRE(CreateEnrolment(**server, "35.10.01.2001", 7).ok());
    order.push_back("server");
    wall.now += 1000;
    REQUIRE(CreateEnrolment(**command, "35.10.01.2002", 7).ok());
    order.push_back("command");
  }
  // A command started later (a fresh process) goes on after both.
  auto later = HubStore::Open(dir.File("hub"), &wall);
  REQUIRE(later.ok());
  REQUIRE(CreateEnrolment(**later, "35.10.01.2004", 7).ok());
  order.push_back("later");

  // Stamps: all distinct, and in stamp order they are the commit order.
  auto at = Column(**later, "SELECT at FROM hub_audit WHERE action='enrolment_code' ORDER BY at");
  REQUIRE(at.size() == order.size());
  CHECK(std::set<std::string>(at.begin(), at.end()).size() == at.size());
  auto villages = Column(**later, "SELECT village FROM hub_audit WHERE action='enrolment_code' ORDER BY at");
  const std::vector<std::string> expected = {"35.10.01.2001", "35.10.01.2002", "35.10.01.2001", "35.10.01.2002",
                                             "35.10.01.2001", "35.10.01.2002", "35.10.01.2004"};
  CHECK(villages == expected);
  // The audit chain of an untouched hub verifies.
  auto report = VerifyHubAudit(**later, "hub_audit");
  REQUIRE(report.ok());
  CHECK(report->intact());

  // The stored clock never goes back, whoever saves last (it may be past the
  // last audit entry: the signed audit head is stamped after it).
  auto stored = Column(**later, "SELECT value FROM meta WHERE key='hlc_last'");
  REQUIRE(stored.size() == 1);
  CHECK(stored[0] >= at.back().substr(0, 16));
}

TEST_CASE("hub clock: a restart resumes after the last stamp any process committed, whatever the wall clock") {
  testing::TempDir dir;
  FakeClock fast(kT + 72 * kHour);  // the hub's clock was 3 days fast, then set right
  auto init = HubStore::Init(dir.File("hub"), "clock hub", &fast);
  REQUIRE(init.ok());
  REQUIRE(CreateEnrolment(**init, "35.10.01.2001", 7).ok());
  init->reset();
  FakeClock right(kT);
  auto reopened = HubStore::Open(dir.File("hub"), &right);
  REQUIRE(reopened.ok());
  REQUIRE(CreateEnrolment(**reopened, "35.10.01.2002", 7).ok());
  auto villages = Column(**reopened, "SELECT village FROM hub_audit WHERE action='enrolment_code' ORDER BY at");
  CHECK(villages == std::vector<std::string>{"35.10.01.2001", "35.10.01.2002"});
  auto report = VerifyHubAudit(**reopened, "hub_audit");
  REQUIRE(report.ok());
  CHECK(report->intact());
}

}  // namespace
}  // namespace simpul::hub
