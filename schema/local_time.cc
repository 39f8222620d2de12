#include "schema/local_time.h"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace simpul::schema {
namespace {

constexpr const char* kMonthsId[] = {"Januari", "Februari", "Maret",     "April",   "Mei",      "Juni",
                                     "Juli",    "Agustus",  "September", "Oktober", "November", "Desember"};
constexpr const char* kMonthsEn[] = {"January", "February", "March",     "April",   "May",      "June",
                                     "July",    "August",   "September", "October", "November", "December"};
constexpr const char* kShortId[] = {"Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"};
constexpr const char* kShortEn[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

int Digits2(std::string_view s, size_t at) {
  if (s.size() < at + 2 || s[at] < '0' || s[at] > '9' || s[at + 1] < '0' || s[at + 1] > '9') return -1;
  return (s[at] - '0') * 10 + (s[at + 1] - '0');
}

bool IsEnglish(std::string_view lang) { return lang == "en"; }

}  // namespace

OfficeZone ZoneOfRegion(std::string_view code) {
  int province = Digits2(code, 0);
  // WITA: Bali, NTB, NTT (51-53), South, East and North Kalimantan (63-65),
  // all of Sulawesi (71-76). WIT: Maluku (81-82) and Papua (91-96).
  if ((province >= 51 && province <= 53) || (province >= 63 && province <= 65) ||
      (province >= 71 && province <= 76))
    return {"WITA", 8 * 60};
  if ((province >= 81 && province <= 82) || (province >= 91 && province <= 96)) return {"WIT", 9 * 60};
  return {"WIB", 7 * 60};
}

LocalTime ToLocal(int64_t ms, OfficeZone zone) {
  using namespace std::chrono;
  auto t = sys_time<milliseconds>(milliseconds(ms)) + minutes(zone.utc_offset_minutes);
  auto day = floor<days>(t);
  year_month_day ymd(day);
  hh_mm_ss hms(floor<seconds>(t - day));
  LocalTime lt;
  lt.year = static_cast<int>(ymd.year());
  lt.month = static_cast<int>(static_cast<unsigned>(ymd.month()));
  lt.day = static_cast<int>(static_cast<unsigned>(ymd.day()));
  lt.hour = static_cast<int>(hms.hours().count());
  lt.minute = static_cast<int>(hms.minutes().count());
  lt.second = static_cast<int>(hms.seconds().count());
  lt.weekday = static_cast<int>(weekday(day).c_encoding());
  return lt;
}

std::string FormatIso(int64_t ms, OfficeZone zone) {
  LocalTime t = ToLocal(ms, zone);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d+%02d:%02d", t.year, t.month, t.day, t.hour, t.minute,
                t.second, zone.utc_offset_minutes / 60, zone.utc_offset_minutes % 60);
  return buf;
}

std::string FormatLongDate(int64_t ms, OfficeZone zone, std::string_view lang) {
  LocalTime t = ToLocal(ms, zone);
  const char* month = (IsEnglish(lang) ? kMonthsEn : kMonthsId)[t.month - 1];
  return std::to_string(t.day) + " " + month + " " + std::to_string(t.year);
}

std::string FormatShortDateTime(int64_t ms, OfficeZone zone, std::string_view lang) {
  LocalTime t = ToLocal(ms, zone);
  bool en = IsEnglish(lang);
  char buf[64];
  // Indonesian writes times with a dot (14.05), English with a colon.
  std::snprintf(buf, sizeof buf, "%d %s %d %02d%c%02d %s", t.day, (en ? kShortEn : kShortId)[t.month - 1], t.year,
                t.hour, en ? ':' : '.', t.minute, zone.name);
  return buf;
}

namespace {

std::string FormatUtc(int64_t ms, const char* format) {
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);  // not std::gmtime: its static buffer is shared by every thread
  char buf[32];
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}

}  // namespace

std::string FormatUtcIso(int64_t ms) { return FormatUtc(ms, "%Y-%m-%dT%H:%M:%SZ"); }
std::string FormatUtcDate(int64_t ms) { return FormatUtc(ms, "%Y-%m-%d"); }

int64_t WallNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string FormatDate(int64_t ms, OfficeZone zone) {
  LocalTime t = ToLocal(ms, zone);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", t.year, t.month, t.day);
  return buf;
}

std::string FormatAgo(int64_t ms, int64_t now_ms, std::string_view lang) {
  bool en = IsEnglish(lang);
  int64_t d = now_ms - ms;
  if (d < 0) return en ? "in the future" : "di masa depan";
  int64_t minutes = d / 60000, hours = minutes / 60, days = hours / 24;
  if (minutes < 1) return en ? "just now" : "baru saja";
  if (hours < 1) return std::to_string(minutes) + (en ? " min ago" : " menit lalu");
  if (days < 1) return std::to_string(hours) + (en ? (hours == 1 ? " hour ago" : " hours ago") : " jam lalu");
  return std::to_string(days) + (en ? (days == 1 ? " day ago" : " days ago") : " hari lalu");
}

std::string FormatDuration(int64_t duration_ms, std::string_view lang) {
  bool en = IsEnglish(lang);
  if (duration_ms < 0) duration_ms = 0;
  int64_t minutes = duration_ms / 60000, hours = minutes / 60, days = hours / 24;
  auto part = [&](int64_t n, const char* id, const char* en_unit) {
    return std::to_string(n) + " " + (en ? en_unit : id);
  };
  if (days > 0) return part(days, "hari", "d") + (hours % 24 ? " " + part(hours % 24, "jam", "h") : "");
  if (hours > 0) return part(hours, "jam", "h") + (minutes % 60 ? " " + part(minutes % 60, "menit", "min") : "");
  return part(minutes, "menit", "min");
}

bool ParseDate(std::string_view date, OfficeZone zone, int64_t* ms) {
  using namespace std::chrono;
  if (date.size() != 10 || date[4] != '-' || date[7] != '-') return false;
  int hi = Digits2(date, 0), lo = Digits2(date, 2), m = Digits2(date, 5), d = Digits2(date, 8);
  if (hi < 0 || lo < 0 || m < 0 || d < 0) return false;
  year_month_day ymd{year(hi * 100 + lo), month(static_cast<unsigned>(m)), day(static_cast<unsigned>(d))};
  if (!ymd.ok()) return false;
  auto start = sys_days(ymd) - minutes(zone.utc_offset_minutes);
  *ms = duration_cast<milliseconds>(start.time_since_epoch()).count();
  return true;
}

}  // namespace simpul::schema
