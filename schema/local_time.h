// Wall-clock times as the people of an office read them.
//
// Indonesia has three zones without daylight saving: WIB (UTC+7), WITA
// (UTC+8) and WIT (UTC+9). An office's zone follows from its region code's
// province (Permendagri; Keppres 41/1987), so no tz database is needed and
// the result is the same on every laptop whatever its TZ setting. HLC stamps
// order changes; these functions are for what people see and measure.
//
// Thread-safety: pure functions.
#ifndef SIMPUL_SCHEMA_LOCAL_TIME_H_
#define SIMPUL_SCHEMA_LOCAL_TIME_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace simpul::schema {

struct OfficeZone {
  const char* name;  // "WIB", "WITA", "WIT"
  int utc_offset_minutes;
};

// The zone of a region code ("35.10.01.2001", "3510", "61"...): by its
// province. Unknown or empty codes fall back to WIB, the zone of most offices.
OfficeZone ZoneOfRegion(std::string_view region_code);

// Civil date and time in `zone` of `ms` since the Unix epoch.
struct LocalTime {
  int year, month, day, hour, minute, second;
  int weekday;  // 0 = Sunday
};
LocalTime ToLocal(int64_t ms, OfficeZone zone);

// "2026-12-06T14:05:09+07:00" (ISO 8601 with the zone's offset).
std::string FormatIso(int64_t ms, OfficeZone zone);
// UTC as ISO 8601 ("2026-12-07T09:54:30Z") and its date ("2026-12-07"):
// for records and logs, never for people (they read their office's zone).
std::string FormatUtcIso(int64_t ms);
std::string FormatUtcDate(int64_t ms);
// The wall clock now, in milliseconds since the epoch.
int64_t WallNowMs();
// "6 Desember 2026" (lang "id") or "6 December 2026" (lang "en").
std::string FormatLongDate(int64_t ms, OfficeZone zone, std::string_view lang);
// "6 Des 2026 14.05 WIB" / "6 Dec 2026 14:05 WIB": for lists and histories.
std::string FormatShortDateTime(int64_t ms, OfficeZone zone, std::string_view lang);
// "2026-12-06" in the zone: the date a letter or a report counts under.
std::string FormatDate(int64_t ms, OfficeZone zone);
// "3 hari lalu" / "3 days ago" style: how long before `now_ms`.
std::string FormatAgo(int64_t ms, int64_t now_ms, std::string_view lang);
// A duration in words ("2 jam 5 menit" / "2 h 5 min"), for waiting times.
std::string FormatDuration(int64_t duration_ms, std::string_view lang);

// The milliseconds of the first instant of a civil date in `zone`;
// false when `date` is not a real "YYYY-MM-DD".
bool ParseDate(std::string_view date, OfficeZone zone, int64_t* ms);

}  // namespace simpul::schema

#endif  // SIMPUL_SCHEMA_LOCAL_TIME_H_
