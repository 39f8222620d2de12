// The figures of the Dinsos dashboard (E-Layanan Mimika's "how many
// recommendations a day, which area needs most, how long a file takes"):
// applications per day, per region (kecamatan, or the villages of one
// kecamatan) and per service; median and p90 time from submission to letter
// per service and SLA compliance per stage, both from hub/reports/times.h
// (the figures `simpul-hub report times` prints, computed once); and the
// complaint cases open and overdue now.
//
// An application counts on the day Dinsos received it, in its office's zone
// (as the times report selects by date). The period is inclusive civil
// dates; by default the last 30 days up to today in the hub's zone.
//
// Thread-safety: as HubStore.
#ifndef SIMPUL_HUB_REPORTS_DASHBOARD_H_
#define SIMPUL_HUB_REPORTS_DASHBOARD_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hub/reports/times.h"
#include "hub/store.h"
#include "schema/messages.h"

namespace simpul::hub::reports {

inline constexpr int kDashboardDefaultDays = 30;
inline constexpr int kDashboardMaxDays = 366;

struct DashboardQuery {
  std::string from, to;   // "YYYY-MM-DD" ("" = default period)
  std::string kecamatan;  // "PP.KK.CC" ("" = the whole district)
};

struct DashboardCount {
  std::string key;    // date, region code or service code
  std::string label;  // what a person reads
  int64_t count = 0;
};

struct ServiceTime {
  std::string service, label;
  int64_t applications = 0;  // received in the period
  Figure to_letter;          // submitted -> letter issued
};

struct StageCompliance {
  std::string stage, label;
  int sla_hours = 0;
  int64_t measured = 0, within = 0;
};

struct Dashboard {
  std::string from, to, kecamatan, kecamatan_name;
  std::string from_text, to_text;            // the dates in words in `lang` ("1 Desember 2026")
  int64_t applications = 0;                  // received in the period
  std::vector<DashboardCount> per_day;       // every date of the period
  std::vector<DashboardCount> by_region;     // kecamatans, or villages of `kecamatan`; most first
  std::vector<DashboardCount> by_service;    // most first
  std::vector<ServiceTime> times;            // per service (service order)
  Figure total_to_letter;                    // every service
  std::vector<StageCompliance> sla;          // per stage, every service together
  int64_t cases_open = 0, cases_overdue = 0; // now (not limited to the period)
  std::vector<DashboardCount> kecamatans;    // every kecamatan with applications (the filter's choices)
};

// InvalidArgument naming the field for a malformed date, `from` after `to`,
// a period over kDashboardMaxDays, or a kecamatan code that is not one.
Result<Dashboard> LoadDashboard(HubStore& store, const DashboardQuery& query, Lang lang, int64_t now_ms);

}  // namespace simpul::hub::reports

#endif  // SIMPUL_HUB_REPORTS_DASHBOARD_H_
