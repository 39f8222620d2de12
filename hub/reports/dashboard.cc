#include "hub/reports/dashboard.h"

#include <algorithm>
#include <map>

#include "hub/app_index.h"
#include "hub/audit_log.h"
#include "hub/cases.h"
#include "hub/reports/times_source.h"
#include "hub/rules.h"
#include "hub/ui_texts.h"
#include "schema/local_time.h"
#include "schema/model.h"
#include "schema/regions.h"
#include "schema/validate.h"

namespace simpul::hub::reports {
namespace {

constexpr int64_t kDayMs = 86'400'000;

Status CheckDate(const char* field, const std::string& value, int64_t* ms) {
  if (schema::ParseDate(value, schema::ZoneOfRegion(""), ms)) return Status::Ok();
  return Status::InvalidArgument(std::string(field) + " must be a date YYYY-MM-DD")
      .WithField(field)
      .WithMsg(MsgId::kDateFormat, {field, value});
}

std::string ServiceLabel(Lang lang, const schema::ServiceRules& rules, const std::string& code) {
  if (const auto* rule = rules.FindCode(code)) return lang == Lang::kId ? rule->title_id : rule->title_en;
  if (const auto* t = schema::FindCode(schema::kApplicationTypes, code)) return lang == Lang::kId ? t->label_id : t->label_en;
  return code;
}

std::string StageLabel(Lang lang, const schema::ServiceRules& rules, const std::string& code) {
  if (code == "decision") return Tr(lang, "decision (approval)");
  for (const auto& s : rules.services)
    for (const auto& st : s.stages)
      if (st.code == code) return lang == Lang::kId ? st.title_id : st.title_en;
  return code;
}

std::string RegionLabel(const schema::DbRegionLookup& regions, const std::string& code) {
  std::string name = regions.Name(code);
  return name.empty() ? code : name + " (" + code + ")";
}

// Counts as a list, the largest first (ties by key).
std::vector<DashboardCount> Ranked(const std::map<std::string, int64_t>& counts,
                                   const std::function<std::string(const std::string&)>& label) {
  std::vector<DashboardCount> out;
  for (const auto& [key, n] : counts) out.push_back({key, label(key), n});
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.count > b.count; });
  return out;
}

}  // namespace

Result<Dashboard> LoadDashboard(HubStore& store, const DashboardQuery& q, Lang lang, int64_t now_ms) {
  Dashboard d;
  d.kecamatan = q.kecamatan;
  if (!q.kecamatan.empty()) {
    auto level = schema::ValidateRegionCode(q.kecamatan, nullptr);
    if (!level.ok() || *level != schema::RegionLevel::kDistrict)
      return Status::InvalidArgument("kecamatan must be a code PP.KK.CC").WithField("kecamatan")
          .WithMsg(MsgId::kBadOptionValue, {"kecamatan", q.kecamatan});
  }
  // The period: dates in the hub's zone.
  const schema::OfficeZone zone = schema::ZoneOfRegion(HubRegion(store));
  int64_t from_ms = 0, to_ms = 0;
  d.to = q.to.empty() ? schema::FormatDate(now_ms, zone) : q.to;
  SIMPUL_RETURN_IF_ERROR(CheckDate("to", d.to, &to_ms));
  if (q.from.empty()) {
    d.from = schema::FormatDate(to_ms - (kDashboardDefaultDays - 1) * kDayMs + kDayMs / 2, schema::ZoneOfRegion(""));
  } else {
    d.from = q.from;
  }
  SIMPUL_RETURN_IF_ERROR(CheckDate("from", d.from, &from_ms));
  // The dates as people read them, in the page's language (midday: the
  // civil date in the hub's zone whatever the zone's offset).
  const char* lang_code = lang == Lang::kId ? "id" : "en";
  d.from_text = schema::FormatLongDate(from_ms + kDayMs / 2, schema::ZoneOfRegion(""), lang_code);
  d.to_text = schema::FormatLongDate(to_ms + kDayMs / 2, schema::ZoneOfRegion(""), lang_code);
  const int64_t days = (to_ms - from_ms) / kDayMs + 1;
  if (days < 1 || days > kDashboardMaxDays)
    return Status::InvalidArgument("the period must run forward and span at most " +
                                   std::to_string(kDashboardMaxDays) + " days")
        .WithField("from")
        .WithMsg(MsgId::kDashboardPeriod, {std::to_string(kDashboardMaxDays)});

  SIMPUL_ASSIGN_OR_RETURN(schema::ServiceRules rules, CurrentRules(store));
  // Every timeline from the application index (hub/app_index.h), as
  // LoadTimelines derives it.
  SIMPUL_ASSIGN_OR_RETURN(auto all, IndexedTimelines(store, &rules));
  schema::DbRegionLookup regions(store.db());
  if (!q.kecamatan.empty()) d.kecamatan_name = regions.Name(q.kecamatan);

  // The kecamatans that have applications (the filter's choices).
  std::map<std::string, int64_t> kecamatans;
  std::vector<Timeline> mine;
  for (auto& t : all) {
    if (t.received_ms <= 0) continue;
    ++kecamatans[t.village.substr(0, 8)];
    if (q.kecamatan.empty() || t.village.compare(0, 9, q.kecamatan + ".") == 0) mine.push_back(std::move(t));
  }
  for (const auto& [code, n] : kecamatans) d.kecamatans.push_back({code, RegionLabel(regions, code), n});

  // The times report's own selection and figures (hub/reports/times.h).
  TimesQuery tq;
  tq.by = GroupBy::kService;
  tq.from = d.from;
  tq.to = d.to;
  // Each application against the rules version it was submitted under.
  SIMPUL_ASSIGN_OR_RETURN(RulesBook book, LoadRulesBook(store));
  TimesReport report = ComputeTimes(mine, tq, &book);
  d.applications = report.total.applications;
  d.total_to_letter = report.total[Interval::kSubmittedToLetter];
  for (const auto& g : report.groups)
    d.times.push_back({g.key, ServiceLabel(lang, rules, g.key), g.applications, g[Interval::kSubmittedToLetter]});
  for (const auto& s : report.total.sla)
    d.sla.push_back({s.code, StageLabel(lang, rules, s.code), s.sla_hours, s.measured, s.within});

  // Counts of the same applications (those the times report selected).
  std::map<std::string, int64_t> per_day, by_region, by_service;
  int64_t first = 0, last = 0;
  schema::ParseDate(d.from, zone, &first);
  schema::ParseDate(d.to, zone, &last);
  for (int64_t day = first; day <= last; day += kDayMs) per_day[schema::FormatDate(day + kDayMs / 2, zone)] = 0;
  for (const auto& t : mine) {
    std::string date = schema::FormatDate(t.received_ms, schema::ZoneOfRegion(t.village));
    if (date < d.from || date > d.to) continue;
    ++per_day[date];
    ++by_region[q.kecamatan.empty() ? t.village.substr(0, 8) : t.village];
    ++by_service[t.service];
  }
  for (const auto& [date, n] : per_day) d.per_day.push_back({date, date, n});
  d.by_region = Ranked(by_region, [&](const std::string& code) { return RegionLabel(regions, code); });
  d.by_service = Ranked(by_service, [&](const std::string& code) { return ServiceLabel(lang, rules, code); });

  // Cases open and overdue now.
  SIMPUL_ASSIGN_OR_RETURN(auto cases, LoadCaseInbox(store, schema::CaseQuery{}));
  for (const auto& c : cases) {
    if (!q.kecamatan.empty() && c.village.compare(0, 9, q.kecamatan + ".") != 0) continue;
    ++d.cases_open;
    if (c.overdue) ++d.cases_overdue;
  }
  return d;
}

}  // namespace simpul::hub::reports
