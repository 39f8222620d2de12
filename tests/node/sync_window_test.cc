// Tests for the daemon's sync window (node/sync_run.h): read on the office's
// wall clock, whatever the laptop's TZ says.
#include <doctest/doctest.h>

#include <cstdlib>
#include <ctime>

#include "node/sync_run.h"
#include "schema/local_time.h"

namespace simpul::node {
namespace {

int64_t Ms(const char* date, int hour, int minute, schema::OfficeZone zone) {
  int64_t ms = 0;
  REQUIRE(schema::ParseDate(date, zone, &ms));
  return ms + (hour * 60 + minute) * 60'000LL;
}

constexpr schema::OfficeZone kWib{"WIB", 7 * 60}, kWit{"WIT", 9 * 60}, kUtc{"UTC", 0};

TEST_CASE("sync window: exactly HH:MM-HH:MM, refused otherwise naming --window") {
  auto w = ParseSyncWindow("22:00-06:00");
  REQUIRE(w.ok());
  CHECK(w->start_min == 22 * 60);
  CHECK(w->end_min == 6 * 60);
  auto day = ParseSyncWindow("08:30-24:00");
  REQUIRE(day.ok());
  CHECK(day->end_min == 24 * 60);
  for (const char* bad : {"", "22:00", "22-06", "2200-0600", "22:00-06:00x", " 2:00-06:00", "+2:00-06:00",
                          "24:00-06:00", "22:60-06:00", "22:00-24:30", "22:00-25:00", "22.00-06.00", "ab:cd-ef:gh"}) {
    auto r = ParseSyncWindow(bad);
    CHECK_MESSAGE(!r.ok(), bad);
    if (!r.ok()) {
      CHECK(r.status().code() == Code::kInvalidArgument);
      CHECK(r.status().field() == "window");
    }
  }
}

TEST_CASE("sync window: the office's clock, across midnight, whatever the laptop's TZ") {
  // A laptop set to UTC, as technicians often leave them: 22:00-06:00 must
  // still mean the office's night, not 05:00-13:00 WIB.
  const char* old_tz = std::getenv("TZ");
  setenv("TZ", "UTC", 1);
  tzset();
  const SyncWindow night = *ParseSyncWindow("22:00-06:00");
  CHECK(InSyncWindow(night, Ms("2026-12-07", 22, 30, kWib), kWib));
  CHECK(InSyncWindow(night, Ms("2026-12-08", 5, 59, kWib), kWib));
  CHECK_FALSE(InSyncWindow(night, Ms("2026-12-08", 6, 0, kWib), kWib));
  CHECK_FALSE(InSyncWindow(night, Ms("2026-12-07", 10, 0, kWib), kWib));  // office hours
  CHECK_FALSE(InSyncWindow(night, Ms("2026-12-07", 21, 59, kWib), kWib));
  // The same instant is 00:30 in a Papua office and 15:30 on the UTC clock.
  const int64_t instant = Ms("2026-12-07", 22, 30, kWib);
  CHECK(InSyncWindow(night, instant, kWit));
  CHECK_FALSE(InSyncWindow(night, instant, kUtc));
  // Within a day, and always.
  const SyncWindow office = *ParseSyncWindow("08:00-16:00");
  CHECK(InSyncWindow(office, Ms("2026-12-07", 8, 0, kWib), kWib));
  CHECK_FALSE(InSyncWindow(office, Ms("2026-12-07", 16, 0, kWib), kWib));
  CHECK(InSyncWindow(SyncWindow{}, Ms("2026-12-07", 3, 0, kWib), kWib));
  if (old_tz) setenv("TZ", old_tz, 1);
  else unsetenv("TZ");
  tzset();
}

}  // namespace
}  // namespace simpul::node
