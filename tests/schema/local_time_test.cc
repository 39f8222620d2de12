// Tests for schema/local_time.h: an office's zone comes from its region code,
// and times read the same on every laptop whatever its TZ.
#include "schema/local_time.h"

#include <doctest/doctest.h>

namespace simpul::schema {
namespace {

// 2026-12-06 16:30:00 UTC.
constexpr int64_t kT = 1796574600000;

TEST_CASE("the office zone follows the province of the region code") {
  CHECK(std::string(ZoneOfRegion("35.10.01.2001").name) == "WIB");  // Banyuwangi
  CHECK(std::string(ZoneOfRegion("14.03.01.2001").name) == "WIB");  // Indragiri Hilir (Riau)
  CHECK(std::string(ZoneOfRegion("61.71.01.1001").name) == "WIB");  // Pontianak
  CHECK(std::string(ZoneOfRegion("51.71").name) == "WITA");         // Denpasar
  CHECK(std::string(ZoneOfRegion("64").name) == "WITA");            // Kalimantan Timur
  CHECK(std::string(ZoneOfRegion("73.71.01.1001").name) == "WITA");  // Makassar
  CHECK(std::string(ZoneOfRegion("94.12.01.2001").name) == "WIT");   // Mimika (Papua Tengah 94 since 2022)
  CHECK(std::string(ZoneOfRegion("81").name) == "WIT");
  CHECK(std::string(ZoneOfRegion("").name) == "WIB");
  CHECK(ZoneOfRegion("91").utc_offset_minutes == 540);
}

TEST_CASE("ISO times carry the zone's offset, and the civil date moves across midnight") {
  CHECK(FormatIso(kT, ZoneOfRegion("35")) == "2026-12-06T23:30:00+07:00");
  CHECK(FormatIso(kT, ZoneOfRegion("73")) == "2026-12-07T00:30:00+08:00");
  CHECK(FormatIso(kT, ZoneOfRegion("94")) == "2026-12-07T01:30:00+09:00");
  CHECK(FormatDate(kT, ZoneOfRegion("35")) == "2026-12-06");
  CHECK(FormatDate(kT, ZoneOfRegion("94")) == "2026-12-07");
  CHECK(FormatIso(0, ZoneOfRegion("35")) == "1970-01-01T07:00:00+07:00");
}

TEST_CASE("dates and times in words, Indonesian first") {
  OfficeZone wib = ZoneOfRegion("35");
  CHECK(FormatLongDate(kT, wib, "id") == "6 Desember 2026");
  CHECK(FormatLongDate(kT, wib, "en") == "6 December 2026");
  CHECK(FormatShortDateTime(kT, wib, "id") == "6 Des 2026 23.30 WIB");
  CHECK(FormatShortDateTime(kT, wib, "en") == "6 Dec 2026 23:30 WIB");
  CHECK(ToLocal(kT, wib).weekday == 0);  // a Sunday
}

TEST_CASE("how long ago and how long, in words") {
  const int64_t min = 60000, hour = 60 * min, day = 24 * hour;
  CHECK(FormatAgo(kT - 3 * day - hour, kT, "id") == "3 hari lalu");
  CHECK(FormatAgo(kT - 3 * day, kT, "en") == "3 days ago");
  CHECK(FormatAgo(kT - day, kT, "en") == "1 day ago");
  CHECK(FormatAgo(kT - 5 * min, kT, "id") == "5 menit lalu");
  CHECK(FormatAgo(kT - 10, kT, "id") == "baru saja");
  CHECK(FormatAgo(kT + hour, kT, "en") == "in the future");
  CHECK(FormatDuration(2 * hour + 5 * min, "id") == "2 jam 5 menit");
  CHECK(FormatDuration(day + 3 * hour, "en") == "1 d 3 h");
  CHECK(FormatDuration(40 * min, "en") == "40 min");
}

TEST_CASE("a civil date parses to its first instant in the zone") {
  int64_t ms = 0;
  REQUIRE(ParseDate("2026-12-07", ZoneOfRegion("35"), &ms));
  CHECK(FormatIso(ms, ZoneOfRegion("35")) == "2026-12-07T00:00:00+07:00");
  CHECK_FALSE(ParseDate("2026-02-30", ZoneOfRegion("35"), &ms));
  CHECK_FALSE(ParseDate("2026-1-07", ZoneOfRegion("35"), &ms));
  CHECK_FALSE(ParseDate("abcd-ef-gh", ZoneOfRegion("35"), &ms));
  REQUIRE(ParseDate("2024-02-29", ZoneOfRegion("94"), &ms));
}

TEST_CASE("UTC for records and logs: ISO 8601 with Z, and the UTC date (not the office's)") {
  const int64_t ms = 1'765'065'599'999;  // 2025-12-06 23:59:59.999 UTC: already the 7th in WIB
  CHECK(FormatUtcIso(ms) == "2025-12-06T23:59:59Z");
  CHECK(FormatUtcDate(ms) == "2025-12-06");
  CHECK(FormatDate(ms, ZoneOfRegion("35")) == "2025-12-07");
  CHECK(FormatUtcIso(0) == "1970-01-01T00:00:00Z");
  CHECK(WallNowMs() > ms);
}

}  // namespace
}  // namespace simpul::schema
