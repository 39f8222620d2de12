#include "hub/reports/times.h"

#include <algorithm>
#include <map>

#include "schema/json_writer.h"
#include "schema/local_time.h"

namespace simpul::hub::reports {
namespace {

constexpr int64_t kHourMs = 3600 * 1000;

// A duration from `from` to `to`, or flagged when the clocks that read
// them disagree beyond noise.
Measure Between(int64_t from, int64_t to) {
  Measure m;
  if (from <= 0 || to <= 0) return m;
  int64_t d = to - from;
  if (d < -kClockToleranceMs || d > kMaxPlausibleMs) {
    m.flagged = true;
    return m;
  }
  m.ms = std::max<int64_t>(d, 0);
  return m;
}

// A duration whose start the village's clock read: its end is on the hub
// clock. A start the hub's receipt bounds (Dinsos cannot receive what was
// not yet submitted) moves up to the receipt when within noise.
Measure FromSubmission(const Timeline& t, int64_t to) {
  Measure m;
  if (t.submitted_ms <= 0 || to <= 0) return m;
  Measure head = Between(t.submitted_ms - t.village_offset_ms.value_or(0), t.received_ms);
  if (head.flagged) {
    m.flagged = true;  // the submission's time is not usable
    return m;
  }
  if (!head.ms) return m;
  return Between(t.received_ms - *head.ms, to);
}

bool InRange(const Timeline& t, const TimesQuery& q) {
  schema::OfficeZone zone = schema::ZoneOfRegion(t.village);
  int64_t start = 0;
  if (!q.from.empty() && schema::ParseDate(q.from, zone, &start) && t.received_ms < start) return false;
  if (!q.to.empty() && schema::ParseDate(q.to, zone, &start) && t.received_ms >= start + 24 * kHourMs) return false;
  return true;
}

std::string KeyOf(const Timeline& t, GroupBy by) {
  switch (by) {
    case GroupBy::kService:
      return t.service;
    case GroupBy::kKecamatan:
      return t.village.substr(0, 8);
    case GroupBy::kMonth:
      return schema::FormatDate(t.received_ms, schema::ZoneOfRegion(t.village)).substr(0, 7);
  }
  return {};
}

void AddSla(std::vector<StageSla>* sla, const std::string& code, int hours, int64_t took_ms) {
  auto it = std::find_if(sla->begin(), sla->end(),
                         [&](const StageSla& s) { return s.code == code && s.sla_hours == hours; });
  if (it == sla->end()) it = sla->insert(sla->end(), StageSla{code, hours});
  ++it->measured;
  if (took_ms <= hours * kHourMs) ++it->within;
}

// SLA per stage of the application's rule, each from the end of the last
// recorded stage before it (Dinsos's receipt for the first).
void AddStageSla(const Timeline& t, const schema::ServiceRule& rule, std::vector<StageSla>* sla) {
  int64_t prev = t.received_ms;
  for (const auto& stage : rule.stages) {
    auto mark = std::find_if(t.stages.begin(), t.stages.end(), [&](const StageMark& m) { return m.code == stage.code; });
    if (mark == t.stages.end()) continue;  // not recorded (yet)
    Measure took = Between(prev, mark->at_ms);
    if (took.ms) AddSla(sla, stage.code, stage.sla_hours, *took.ms);
    prev = std::max(prev, mark->at_ms);
  }
  if (Measure took = Between(prev, t.decided_ms); took.ms) AddSla(sla, "decision", rule.approval_sla_hours, *took.ms);
}

struct Collect {
  Group group;
  std::array<std::vector<int64_t>, kIntervalCount> values;

  void Add(const Timeline& t, const ApplicationTimes& times, const schema::ServiceRule* rule) {
    ++group.applications;
    for (size_t i = 0; i < kIntervalCount; ++i) {
      if (times.m[i].flagged) ++group.figures[i].flagged;
      if (times.m[i].ms) values[i].push_back(*times.m[i].ms);
    }
    if (rule) AddStageSla(t, *rule, &group.sla);
  }
  Group Finish() {
    for (size_t i = 0; i < kIntervalCount; ++i) {
      group.figures[i].count = static_cast<int64_t>(values[i].size());
      group.figures[i].median_ms = Median(values[i]);
      group.figures[i].p90_ms = P90(values[i]);
    }
    return std::move(group);
  }
};

void FigureJson(schema::JsonWriter& j, const Figure& f) {
  j.BeginObject().Field("count", f.count).Field("flagged", f.flagged).Key("median_ms");
  f.median_ms ? j.Int(*f.median_ms) : j.Null();
  j.Key("p90_ms");
  f.p90_ms ? j.Int(*f.p90_ms) : j.Null();
  j.EndObject();
}

void GroupJson(schema::JsonWriter& j, const Group& g) {
  j.BeginObject().Field("key", g.key).Field("applications", g.applications).Key("intervals").BeginObject();
  for (size_t i = 0; i < kIntervalCount; ++i) {
    j.Key(IntervalName(static_cast<Interval>(i)));
    FigureJson(j, g.figures[i]);
  }
  j.EndObject().Key("sla").BeginArray();
  for (const auto& s : g.sla) {
    j.BeginObject().Field("stage", s.code).Field("sla_hours", s.sla_hours).Field("measured", s.measured)
        .Field("within", s.within).Key("compliance");
    s.measured ? j.Number(static_cast<double>(s.within) / static_cast<double>(s.measured)) : j.Null();
    j.EndObject();
  }
  j.EndArray().EndObject();
}

}  // namespace

const char* IntervalName(Interval i) {
  switch (i) {
    case Interval::kSubmittedToReceived: return "submitted_to_received";
    case Interval::kReceivedToDecided: return "received_to_decided";
    case Interval::kDecidedToLetter: return "decided_to_letter";
    case Interval::kLetterToDelivered: return "letter_to_delivered";
    case Interval::kSubmittedToLetter: return "submitted_to_letter";
    case Interval::kSubmittedToDelivered: return "submitted_to_delivered";
  }
  return "?";
}

const char* IntervalClock(Interval i) {
  switch (i) {
    case Interval::kReceivedToDecided:
    case Interval::kDecidedToLetter:
    case Interval::kLetterToDelivered:
      return "hub";
    default:
      return "village+hub";
  }
}

const char* GroupByName(GroupBy by) {
  switch (by) {
    case GroupBy::kService: return "service";
    case GroupBy::kKecamatan: return "kecamatan";
    case GroupBy::kMonth: return "month";
  }
  return "?";
}

bool ParseGroupBy(const std::string& text, GroupBy* by) {
  for (GroupBy b : {GroupBy::kService, GroupBy::kKecamatan, GroupBy::kMonth})
    if (text == GroupByName(b)) {
      *by = b;
      return true;
    }
  return false;
}

ApplicationTimes MeasureApplication(const Timeline& t) {
  ApplicationTimes r;
  auto set = [&](Interval i, Measure m) { r.m[static_cast<size_t>(i)] = m; };
  set(Interval::kSubmittedToReceived, FromSubmission(t, t.received_ms));
  set(Interval::kReceivedToDecided, Between(t.received_ms, t.decided_ms));
  set(Interval::kDecidedToLetter, Between(t.decided_ms, t.letter_ms));
  set(Interval::kLetterToDelivered, Between(t.letter_ms, t.delivered_ms));
  set(Interval::kSubmittedToLetter, FromSubmission(t, t.letter_ms));
  set(Interval::kSubmittedToDelivered, FromSubmission(t, t.delivered_ms));
  return r;
}

std::optional<int64_t> Median(std::vector<int64_t> v) {
  if (v.empty()) return std::nullopt;
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  if (n % 2) return v[n / 2];
  return v[n / 2 - 1] + (v[n / 2] - v[n / 2 - 1]) / 2;
}

std::optional<int64_t> P90(std::vector<int64_t> v) {
  if (v.empty()) return std::nullopt;
  std::sort(v.begin(), v.end());
  size_t rank = (v.size() * 9 + 9) / 10;  // ceil(0.9 n), at least 1
  return v[rank - 1];
}

const schema::ServiceRule* RulesBook::RuleOf(const Timeline& t) const {
  if (t.rules_version) {
    auto it = versions.find(*t.rules_version);
    if (it != versions.end()) return it->second.FindCode(t.service);
  }
  return unversioned.FindCode(t.service);
}

TimesReport ComputeTimes(const std::vector<Timeline>& timelines, const TimesQuery& query, const RulesBook* rules) {
  TimesReport report;
  report.by = query.by;
  std::map<std::string, Collect> groups;
  Collect total;
  total.group.key = "total";
  for (const auto& t : timelines) {
    if (t.received_ms <= 0 || !InRange(t, query)) continue;
    ApplicationTimes times = MeasureApplication(t);
    const schema::ServiceRule* rule = rules ? rules->RuleOf(t) : nullptr;
    std::string key = KeyOf(t, query.by);
    Collect& c = groups[key];
    c.group.key = key;
    c.Add(t, times, rule);
    total.Add(t, times, rule);
  }
  for (auto& [key, c] : groups) report.groups.push_back(c.Finish());
  report.total = total.Finish();
  return report;
}

std::string TimesReportJson(const TimesReport& report) {
  schema::JsonWriter j;
  j.BeginObject().Field("by", GroupByName(report.by)).Key("clocks").BeginObject();
  for (size_t i = 0; i < kIntervalCount; ++i)
    j.Field(IntervalName(static_cast<Interval>(i)), IntervalClock(static_cast<Interval>(i)));
  j.EndObject().Key("groups").BeginArray();
  for (const auto& g : report.groups) GroupJson(j, g);
  j.EndArray().Key("total");
  GroupJson(j, report.total);
  return j.EndObject().str();
}

}  // namespace simpul::hub::reports
