// simpul-hub report times: how long applications take, from the village's
// submission to the letter in the village, per service, kecamatan or month
// (hub/reports/times.h computes; this file reads options and prints).
#include <iostream>

#include "hub/cli/internal.h"
#include "hub/reports/times.h"
#include "hub/reports/times_source.h"
#include "hub/rules.h"
#include "schema/local_time.h"
#include "schema/regions.h"
#include "schema/validate.h"

namespace simpul::hub::cli {
namespace {

using reports::Interval;

struct Label {
  const char* code;
  const char* en;
};
// Interval names (the JSON keys) and what an operator reads.
constexpr Label kLabels[] = {
    {"submitted_to_received", "submitted -> received at Dinsos"},
    {"received_to_decided", "received -> decided"},
    {"decided_to_letter", "decided -> letter issued"},
    {"letter_to_delivered", "letter issued -> in the village"},
    {"submitted_to_letter", "submitted -> letter issued"},
    {"submitted_to_delivered", "submitted -> letter in the village"},
};

const char* LabelOf(const Args& a, const char* code) {
  for (const auto& l : kLabels)
    if (std::string(code) == l.code) return a.T(l.en);
  return code;
}

Status CheckDate(const char* option, const std::string& value) {
  int64_t ms = 0;
  if (value.empty() || schema::ParseDate(value, schema::ZoneOfRegion(""), &ms)) return Status::Ok();
  return Status::InvalidArgument(std::string(option) + " must be a date YYYY-MM-DD")
      .WithField(option + 2)
      .WithMsg(MsgId::kBadOptionValue, {option, value});
}

std::string Duration(const Args& a, const std::optional<int64_t>& ms) {
  return ms ? schema::FormatDuration(*ms, a.lang == Lang::kId ? "id" : "en") : std::string("-");
}

void PrintGroup(const Args& a, const reports::Group& g, const std::string& title) {
  std::cout << title << "  (" << g.applications << a.T(" application(s)") << ")\n";
  for (size_t i = 0; i < reports::kIntervalCount; ++i) {
    const auto& f = g.figures[i];
    auto interval = static_cast<Interval>(i);
    std::cout << "  " << LabelOf(a, reports::IntervalName(interval)) << ": ";
    if (f.count == 0) std::cout << a.T("not measured yet");
    else std::cout << a.T("median ") << Duration(a, f.median_ms) << ", p90 " << Duration(a, f.p90_ms) << "  (n="
                   << f.count << ")";
    if (f.flagged) std::cout << "  " << f.flagged << a.T(" left out: a clock was wrong");
    std::cout << "  [" << (std::string(reports::IntervalClock(interval)) == "hub" ? a.T("hub clock")
                                                                                  : a.T("village and hub clocks"))
              << "]\n";
  }
  for (const auto& s : g.sla)
    std::cout << "  SLA " << s.code << " (" << s.sla_hours << a.T(" h): ") << s.within << "/" << s.measured
              << a.T(" within") << " (" << (s.measured ? s.within * 100 / s.measured : 0) << "%)\n";
}

}  // namespace

Status CmdReportTimes(Args& a) {
  reports::TimesQuery q;
  q.from = Opt(a, "from");
  q.to = Opt(a, "to");
  SIMPUL_RETURN_IF_ERROR(CheckDate("--from", q.from));
  SIMPUL_RETURN_IF_ERROR(CheckDate("--to", q.to));
  if (std::string by = Opt(a, "by", "service"); !reports::ParseGroupBy(by, &q.by))
    return schema::CheckEnum("--by", by, "service, kecamatan, month", false);
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenHub(a));
  SIMPUL_ASSIGN_OR_RETURN(schema::ServiceRules rules, CurrentRules(*store));
  SIMPUL_ASSIGN_OR_RETURN(auto timelines, reports::LoadTimelines(*store, &rules));
  // Each application against the rules version it was submitted under.
  SIMPUL_ASSIGN_OR_RETURN(reports::RulesBook book, reports::LoadRulesBook(*store));
  reports::TimesReport report = reports::ComputeTimes(timelines, q, &book);
  if (a.json) {
    std::cout << reports::TimesReportJson(report) << "\n";
    return Status::Ok();
  }
  schema::DbRegionLookup regions(store->db());
  for (const auto& g : report.groups) {
    std::string title = g.key;
    if (q.by == reports::GroupBy::kKecamatan && !regions.Name(g.key).empty()) title += " " + regions.Name(g.key);
    if (q.by == reports::GroupBy::kService)
      if (const auto* rule = rules.FindCode(g.key))
        title += " " + (a.lang == Lang::kId ? rule->title_id : rule->title_en);
    PrintGroup(a, g, title);
  }
  if (report.groups.empty()) std::cout << a.T("No application has reached Dinsos in this period.\n");
  else PrintGroup(a, report.total, a.T("All"));
  return Status::Ok();
}

}  // namespace simpul::hub::cli
