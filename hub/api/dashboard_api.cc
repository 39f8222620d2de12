// The dashboard (docs/API.md "Dashboard"): the figures of
// hub/reports/dashboard.h as JSON, each figure as a chart drawn on the
// server (hub/reports/svg_chart.h, image/svg+xml) and as its table (CSV,
// hub/exports.h's ToCsv). Filters: ?from=&to= (dates, inclusive) and
// ?kecamatan=PP.KK.CC (the villages of one kecamatan). The figures are
// counts and durations, no person's data: reading them is not audited.
#include <functional>
#include <mutex>
#include <optional>

#include "hub/api/api_call.h"
#include "hub/exports.h"
#include "hub/reports/dashboard.h"
#include "hub/reports/svg_chart.h"
#include "hub/ui_texts.h"
#include "schema/local_time.h"
#include "web/escape.h"

namespace simpul::hub::api {
namespace {

using reports::Chart;
using reports::Dashboard;

constexpr const char* kFigures[] = {"per_day", "by_region", "by_service", "time_to_letter", "sla"};
constexpr size_t kMaxBars = 30;  // a chart's bars; the table has every row

// The figures of one query, kept while nothing was written: the page asks
// for them once and then once per chart (six requests), and at 50,000
// applications each computation takes ~100 ms. Kept a minute at most (the
// default period ends today).
struct CachedDashboard {
  std::string key;
  int64_t at_ms = 0;
  Dashboard dashboard;
};
std::mutex cache_mu;
std::optional<CachedDashboard> cache;
constexpr int64_t kCacheMs = 60'000;

// What the figures of `q` depend on: the store's state and the query.
Result<std::string> CacheKey(ApiCall& call, const reports::DashboardQuery& q) {
  SIMPUL_ASSIGN_OR_RETURN(int64_t version, call.store.db().DataVersion());
  return call.store.db().path() + "|" + std::to_string(version) + "|" + std::to_string(call.store.db().TotalChanges()) +
         "|" + LangCode(call.lang) + "|" + q.from + "|" + q.to + "|" + q.kecamatan;
}

Result<Dashboard> Load(ApiCall& call) {
  reports::DashboardQuery q{call.req.Query("from"), call.req.Query("to"), call.req.Query("kecamatan")};
  SIMPUL_ASSIGN_OR_RETURN(std::string key, CacheKey(call, q));
  {
    std::lock_guard<std::mutex> lock(cache_mu);
    if (cache && cache->key == key && call.now_ms >= cache->at_ms && call.now_ms - cache->at_ms < kCacheMs)
      return cache->dashboard;
  }
  SIMPUL_ASSIGN_OR_RETURN(Dashboard d, reports::LoadDashboard(call.store, q, call.lang, call.now_ms));
  // Loading may have settled the application index (a write): the state
  // the figures stand for is the one after it.
  SIMPUL_ASSIGN_OR_RETURN(key, CacheKey(call, q));
  std::lock_guard<std::mutex> lock(cache_mu);
  cache = CachedDashboard{key, call.now_ms, d};
  return d;
}

std::string Hours(const std::optional<int64_t>& ms) {
  if (!ms) return "";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", static_cast<double>(*ms) / 3'600'000.0);
  return buf;
}

std::string Duration(Lang lang, const std::optional<int64_t>& ms) {
  return ms ? schema::FormatDuration(*ms, LangCode(lang)) : std::string("-");
}

int64_t Percent(int64_t within, int64_t measured) { return measured ? within * 100 / measured : 0; }

std::string RegionTitle(Lang lang, const Dashboard& d) {
  if (d.kecamatan.empty()) return Tr(lang, "Applications by kecamatan");
  return std::string(Tr(lang, "Applications by village in kecamatan")) + " " +
         (d.kecamatan_name.empty() ? d.kecamatan : d.kecamatan_name);
}

// The period in the page's language ("1 November 2026 – 30 November 2026").
std::string Period(const Dashboard& d) { return d.from_text + " \xE2\x80\x93 " + d.to_text; }

ExportCell Cell(std::string s) { return {std::move(s), 0, ""}; }
ExportCell Cell(int64_t n) { return {std::to_string(n), 0, ""}; }

// Each figure's table (the CSV) and chart, from the same numbers.
bool FigureTable(Lang lang, const Dashboard& d, const std::string& name, ExportTable* t) {
  using K = CellKind;
  t->name = "dashboard-" + name + "-" + d.from + "-" + d.to;
  if (name == "per_day") {
    t->columns = {{Tr(lang, "Date"), K::kText, 12}, {Tr(lang, "Applications"), K::kNumber, 12}};
    for (const auto& c : d.per_day) t->rows.push_back({Cell(c.key), Cell(c.count)});
  } else if (name == "by_region" || name == "by_service") {
    t->columns = {{Tr(lang, "Code"), K::kText, 16}, {name == "by_region" ? Tr(lang, "Region") : Tr(lang, "Service"), K::kText, 36},
                  {Tr(lang, "Applications"), K::kNumber, 12}};
    for (const auto& c : name == "by_region" ? d.by_region : d.by_service)
      t->rows.push_back({Cell(c.key), Cell(c.label), Cell(c.count)});
  } else if (name == "time_to_letter") {
    t->columns = {{Tr(lang, "Code"), K::kText, 16}, {Tr(lang, "Service"), K::kText, 36},
                  {Tr(lang, "Applications"), K::kNumber, 12}, {Tr(lang, "Letters measured"), K::kNumber, 12},
                  {Tr(lang, "Median (hours)"), K::kNumber, 12}, {Tr(lang, "p90 (hours)"), K::kNumber, 12},
                  {Tr(lang, "Left out: a clock was wrong"), K::kNumber, 12}};
    for (const auto& s : d.times)
      t->rows.push_back({Cell(s.service), Cell(s.label), Cell(s.applications), Cell(s.to_letter.count),
                         Cell(Hours(s.to_letter.median_ms)), Cell(Hours(s.to_letter.p90_ms)), Cell(s.to_letter.flagged)});
  } else if (name == "sla") {
    t->columns = {{Tr(lang, "Stage"), K::kText, 16}, {Tr(lang, "Name"), K::kText, 30}, {Tr(lang, "SLA (hours)"), K::kNumber, 10},
                  {Tr(lang, "Measured"), K::kNumber, 10}, {Tr(lang, "Within the SLA"), K::kNumber, 10},
                  {Tr(lang, "Compliance (%)"), K::kNumber, 10}};
    for (const auto& s : d.sla)
      t->rows.push_back({Cell(s.stage), Cell(s.label), Cell(int64_t{s.sla_hours}), Cell(s.measured), Cell(s.within),
                         Cell(Percent(s.within, s.measured))});
  } else {
    return false;
  }
  return true;
}

Chart FigureChart(Lang lang, const Dashboard& d, const std::string& name) {
  Chart c;
  c.empty_text = Tr(lang, "No application was received at Dinsos in this period.");
  auto counts = [&](const std::vector<reports::DashboardCount>& list) {
    for (const auto& x : list) {
      if (c.bars.size() == kMaxBars) break;
      c.bars.push_back({x.label, static_cast<double>(x.count), std::to_string(x.count)});
    }
  };
  if (name == "per_day") {
    c.title = std::string(Tr(lang, "Applications per day (received at Dinsos)")) + ", " + Period(d);
    c.x_label = Tr(lang, "Date");
    c.y_label = Tr(lang, "Applications");
    for (const auto& x : d.per_day)
      c.bars.push_back({x.key.substr(5), static_cast<double>(x.count), x.count ? std::to_string(x.count) : ""});
    if (d.applications == 0) c.bars.clear();
  } else if (name == "by_region") {
    c.title = RegionTitle(lang, d) + ", " + Period(d);
    c.x_label = Tr(lang, "Applications");
    counts(d.by_region);
  } else if (name == "by_service") {
    c.title = std::string(Tr(lang, "Applications by service")) + ", " + Period(d);
    c.x_label = Tr(lang, "Applications");
    counts(d.by_service);
  } else if (name == "time_to_letter") {
    c.title = std::string(Tr(lang, "Time from submission to letter (median; p90)")) + ", " + Period(d);
    c.x_label = Tr(lang, "Hours (median)");
    c.empty_text = Tr(lang, "No letter was issued for the applications of this period.");
    for (const auto& s : d.times)
      if (s.to_letter.median_ms)
        c.bars.push_back({s.label, static_cast<double>(*s.to_letter.median_ms) / 3'600'000.0,
                          Duration(lang, s.to_letter.median_ms) + "; " + Duration(lang, s.to_letter.p90_ms)});
  } else if (name == "sla") {
    c.title = std::string(Tr(lang, "Stages finished within their SLA (%)")) + ", " + Period(d);
    c.x_label = "%";
    c.max_value = 100;
    c.empty_text = Tr(lang, "No stage was measured in this period.");
    for (const auto& s : d.sla)
      c.bars.push_back({s.label + " (" + std::to_string(s.sla_hours) + " h)",
                        static_cast<double>(Percent(s.within, s.measured)),
                        std::to_string(Percent(s.within, s.measured)) + "% (" + std::to_string(s.within) + "/" +
                            std::to_string(s.measured) + ")"});
  }
  return c;
}

// The figure's name from "NAME.EXT" (else "").
std::string FigureName(const std::string& file, const std::string& ext) {
  if (file.size() <= ext.size() || file.compare(file.size() - ext.size(), ext.size(), ext) != 0) return "";
  std::string name = file.substr(0, file.size() - ext.size());
  for (const char* f : kFigures)
    if (name == f) return name;
  return "";
}

std::string FilterQuery(const Dashboard& d) {
  std::string q = "?from=" + web::PercentEncode(d.from) + "&to=" + web::PercentEncode(d.to);
  if (!d.kecamatan.empty()) q += "&kecamatan=" + web::PercentEncode(d.kecamatan);
  return q;
}

void Counts(web::JsonWriter& j, const char* key, const std::vector<reports::DashboardCount>& list) {
  j.Key(key).BeginArray();
  for (const auto& c : list) j.BeginObject().Field("code", c.key).Field("label", c.label).Field("count", c.count).EndObject();
  j.EndArray();
}

void OptionalMs(web::JsonWriter& j, const char* key, const std::optional<int64_t>& ms) {
  j.Key(key);
  ms ? j.Int(*ms) : j.Null();
}

}  // namespace

web::HttpResponse ShowDashboard(ApiCall& call) {
  auto d = Load(call);
  if (!d.ok()) return StatusReply(call, d.status());
  const Lang lang = call.lang;
  web::JsonWriter j;
  j.BeginObject().Field("from", d->from).Field("to", d->to)
      .Field("from_text", d->from_text).Field("to_text", d->to_text)
      .Field("kecamatan", d->kecamatan)
      .Field("kecamatan_name", d->kecamatan_name).Field("applications", d->applications)
      .Field("cases_open", d->cases_open).Field("cases_overdue", d->cases_overdue)
      .Field("letters_measured", d->total_to_letter.count);
  OptionalMs(j, "median_to_letter_ms", d->total_to_letter.median_ms);
  OptionalMs(j, "p90_to_letter_ms", d->total_to_letter.p90_ms);
  j.Field("median_to_letter_text", Duration(lang, d->total_to_letter.median_ms))
      .Field("p90_to_letter_text", Duration(lang, d->total_to_letter.p90_ms));
  Counts(j, "kecamatans", d->kecamatans);
  Counts(j, "per_day", d->per_day);
  Counts(j, "by_region", d->by_region);
  Counts(j, "by_service", d->by_service);
  j.Key("times").BeginArray();
  for (const auto& s : d->times) {
    j.BeginObject().Field("service", s.service).Field("label", s.label).Field("applications", s.applications)
        .Field("letters_measured", s.to_letter.count).Field("flagged", s.to_letter.flagged);
    OptionalMs(j, "median_ms", s.to_letter.median_ms);
    OptionalMs(j, "p90_ms", s.to_letter.p90_ms);
    j.Field("median_text", Duration(lang, s.to_letter.median_ms)).Field("p90_text", Duration(lang, s.to_letter.p90_ms))
        .EndObject();
  }
  j.EndArray().Key("sla").BeginArray();
  for (const auto& s : d->sla)
    j.BeginObject().Field("stage", s.stage).Field("label", s.label).Field("sla_hours", s.sla_hours)
        .Field("measured", s.measured).Field("within", s.within).Field("percent", Percent(s.within, s.measured))
        .EndObject();
  j.EndArray().Key("figures").BeginArray();
  const std::string query = FilterQuery(*d);
  for (const char* f : kFigures) {
    Chart c = FigureChart(lang, *d, f);
    j.BeginObject().Field("name", f).Field("title", c.title)
        .Field("chart", std::string("/api/v1/dashboard/chart/") + f + ".svg" + query)
        .Field("table", std::string("/api/v1/dashboard/table/") + f + ".csv" + query).EndObject();
  }
  return JsonReply(200, j.EndArray().EndObject().str());
}

web::HttpResponse DashboardChart(ApiCall& call) {
  const std::string name = FigureName(call.Param("file"), ".svg");
  if (name.empty()) return ErrorReply(404, "not_found", Msg(call.lang, MsgId::kWebNotFound));
  auto d = Load(call);
  if (!d.ok()) return StatusReply(call, d.status());
  Chart c = FigureChart(call.lang, *d, name);
  web::HttpResponse r;
  r.status = 200;
  r.content_type = "image/svg+xml; charset=utf-8";
  r.body = name == "per_day" ? reports::ColumnChartSvg(c) : reports::HorizontalBarsSvg(c);
  return r;
}

web::HttpResponse DashboardTable(ApiCall& call) {
  const std::string name = FigureName(call.Param("file"), ".csv");
  if (name.empty()) return ErrorReply(404, "not_found", Msg(call.lang, MsgId::kWebNotFound));
  auto d = Load(call);
  if (!d.ok()) return StatusReply(call, d.status());
  ExportTable t;
  FigureTable(call.lang, *d, name, &t);
  web::HttpResponse r;
  r.status = 200;
  r.content_type = "text/csv; charset=utf-8";
  r.body = ToCsv(t);
  r.Set("content-disposition", web::ContentDisposition("attachment", t.name + ".csv"));
  return r;
}

}  // namespace simpul::hub::api
