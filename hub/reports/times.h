// Service times: how long each application took from submission to the
// letter in the village, and the figures the seeds measure (SUPERMISKOL's
// "6 days became 6 hours", Mimika's "10-15 minutes", B'DESUT's 1x24 h):
// median and p90 per service, kecamatan or month, and SLA compliance per
// stage of the service rules.
//
// Clocks (docs/OPERATIONS.md "Reading the times report"): every instant of a
// Timeline is on the hub's clock except the submission, which only the
// village's laptop saw. Each interval is measured with the clock that saw
// both ends where one did:
//   received -> decided -> letter        hub clock at both ends
//   letter -> delivered                  hub clock (the reply that carried the
//                                        PDF says the hub's time); the
//                                        village's clock, corrected by its
//                                        measured offset, for reply bundles
//   submitted -> received                village clock (corrected by the offset
//                                        the village measured when the hub
//                                        acknowledged it) -> hub clock
// An interval that comes out negative by more than kClockToleranceMs, or
// longer than kMaxPlausibleMs, says a clock was wrong: it is not a duration.
// It is left out of the figures and counted as `flagged`; smaller negative
// readings are clock noise and count as 0.
//
// Thread-safety: pure functions over values.
#ifndef SIMPUL_HUB_REPORTS_TIMES_H_
#define SIMPUL_HUB_REPORTS_TIMES_H_

#include <array>
#include <map>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "schema/service_rules.h"

namespace simpul::hub::reports {

inline constexpr int64_t kClockToleranceMs = 5 * 60 * 1000;
inline constexpr int64_t kMaxPlausibleMs = 366LL * 24 * 3600 * 1000;

// A stage of the service rules recorded for an application, on the hub clock.
struct StageMark {
  std::string code;
  int64_t at_ms = 0;
};

// What is known of one application's path; 0 = has not happened (yet).
struct Timeline {
  std::string application_id;
  std::string village;  // its region code: the office's zone, its kecamatan
  std::string service;  // the service rule's code, else the application type
  std::optional<int64_t> rules_version;      // applications.rules_version (nullopt: before schema 17)
  int64_t submitted_ms = 0;                  // village clock
  std::optional<int64_t> village_offset_ms;  // village clock minus hub clock, measured at the hub's ack
  int64_t received_ms = 0;                   // hub clock: Dinsos received the submission
  std::vector<StageMark> stages;             // hub clock
  int64_t decided_ms = 0;                    // hub clock: approved or rejected
  int64_t letter_ms = 0;                     // hub clock: letter issued
  int64_t delivered_ms = 0;                  // the letter's PDF at the village (hub-clock estimate)
  bool delivered_by_village_clock = false;   // ...estimated from the village's clock (bundle)
};

enum class Interval {
  kSubmittedToReceived,
  kReceivedToDecided,
  kDecidedToLetter,
  kLetterToDelivered,
  kSubmittedToLetter,     // time-to-letter: the seeds' headline figure
  kSubmittedToDelivered,  // until the village can print it
};
inline constexpr size_t kIntervalCount = 6;
// "submitted_to_received", ... (the JSON keys; persisted for the dashboard).
const char* IntervalName(Interval i);
// Which clocks measure it: "hub", "village+hub".
const char* IntervalClock(Interval i);

struct Measure {
  std::optional<int64_t> ms;  // nullopt: not happened yet, or flagged
  bool flagged = false;       // a clock was wrong: not a duration
};

struct ApplicationTimes {
  std::array<Measure, kIntervalCount> m;
  const Measure& operator[](Interval i) const { return m[static_cast<size_t>(i)]; }
};

// The intervals of one application, with the clock rules above.
ApplicationTimes MeasureApplication(const Timeline& t);

// Median (even counts: the mean of the middle two) and p90 (nearest rank:
// the smallest value with at least 90% of the values at or below it).
// nullopt for no values.
std::optional<int64_t> Median(std::vector<int64_t> values);
std::optional<int64_t> P90(std::vector<int64_t> values);

struct Figure {
  int64_t count = 0;    // measured (not flagged)
  int64_t flagged = 0;  // left out: a clock was wrong
  std::optional<int64_t> median_ms, p90_ms;
};

// SLA compliance of one stage (code "decision": the approval after the last
// stage, approval_sla_hours): measured from the end of the stage before it
// (the first from Dinsos's receipt) to its own mark.
struct StageSla {
  std::string code;
  int sla_hours = 0;
  int64_t measured = 0, within = 0;
};

struct Group {
  std::string key;  // service code, kecamatan code "PP.KK.CC" or month "YYYY-MM"
  int64_t applications = 0;
  std::array<Figure, kIntervalCount> figures;
  std::vector<StageSla> sla;  // in the rules' stage order
  const Figure& operator[](Interval i) const { return figures[static_cast<size_t>(i)]; }
};

enum class GroupBy { kService, kKecamatan, kMonth };
const char* GroupByName(GroupBy by);
bool ParseGroupBy(const std::string& text, GroupBy* by);

struct TimesQuery {
  GroupBy by = GroupBy::kService;
  // Inclusive civil dates "YYYY-MM-DD" of Dinsos's receipt, in each
  // application's office zone ("" = open). The caller validates them.
  std::string from, to;
};

struct TimesReport {
  GroupBy by = GroupBy::kService;
  std::vector<Group> groups;  // ordered by key
  Group total;                // every selected application
};

// Every service rules version the hub holds, so an application is measured
// against the stages and SLAs of the version it was submitted under: a
// stage Dinsos adds or an SLA it shortens later does not make earlier
// applications late.
struct RulesBook {
  std::map<int64_t, schema::ServiceRules> versions;
  schema::ServiceRules unversioned;  // applications from before schema 17: the built-in rules
  // The rule of t.service in t's version (nullptr: none).
  const schema::ServiceRule* RuleOf(const Timeline& t) const;
};

// Applications not yet received at Dinsos are not counted. Months and the
// from/to dates are those of Dinsos's receipt in the application's office
// zone (WIB/WITA/WIT from its village code). `rules` (may be null) gives the
// stages and SLAs of each application's service.
TimesReport ComputeTimes(const std::vector<Timeline>& timelines, const TimesQuery& query, const RulesBook* rules);

// The report as the dashboard reads it (docs/OPERATIONS.md).
std::string TimesReportJson(const TimesReport& report);

}  // namespace simpul::hub::reports

#endif  // SIMPUL_HUB_REPORTS_TIMES_H_
