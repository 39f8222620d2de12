#include "schema/cases.h"

#include <chrono>

#include "schema/messages.h"
#include "schema/validate.h"
#include "schema/workflow.h"

namespace simpul::schema {
namespace {

constexpr int64_t kHourMs = 3600000;
constexpr int64_t kDayMs = 24 * kHourMs;

bool InList(std::string_view list, std::string_view v) {
  if (v.empty() || v.find_first_of(", ") != std::string_view::npos) return false;
  std::string l = ", " + std::string(list) + ",";
  return l.find(", " + std::string(v) + ",") != std::string::npos;
}

bool IsOpen(const std::string& st) { return st == "assigned" || st == "referred" || st == "in_progress"; }

bool HasOpenReferral(const CaseState& s) {
  for (const auto& r : s.referrals)
    if (r.outcome.empty()) return true;
  return false;
}

// The status `kind` moves a case in `s` to; nullopt when the status does
// not allow it.
std::optional<std::string> Next(const CaseState& s, std::string_view kind) {
  const std::string& st = s.status;
  if (kind == "assigned") {
    if (st == "received") return std::string("assigned");
    if (IsOpen(st)) return st;  // reassignment
  } else if (kind == "referred") {
    if (IsOpen(st)) return std::string("referred");
  } else if (kind == "started") {
    if (st == "assigned" || st == "referred") return std::string("in_progress");
  } else if (kind == "noted") {
    if (st != "closed") return st;
  } else if (kind == "referral_outcome") {
    if ((st == "referred" || st == "in_progress") && HasOpenReferral(s)) return std::string("in_progress");
  } else if (kind == "resolved") {
    if (IsOpen(st)) return std::string("resolved");
  } else if (kind == "reopened") {
    if (st == "resolved") return std::string("in_progress");
  } else if (kind == "closed") {
    if (st == "resolved") return std::string("closed");
  }
  return std::nullopt;
}

std::string AllowedNow(const CaseState& s) {
  std::string out;
  for (const std::string& k : AllowedCaseSteps(s)) out += (out.empty() ? "" : ", ") + k;
  return out.empty() ? "-" : out;
}

Status NeedText(const char* option, const std::string& v, size_t max) {
  if (v.empty())
    return Status::InvalidArgument(std::string(option) + " is required")
        .WithField(option)
        .WithMsg(MsgId::kMissingOption, {option});
  return CheckLength(option, v, max);
}

// The civil weekday (0 = Sunday) of `ms` in `zone`.
int WeekdayIn(int64_t ms, OfficeZone zone) { return ToLocal(ms, zone).weekday; }

}  // namespace

std::vector<std::string> AllowedCaseSteps(const CaseState& state) {
  std::vector<std::string> out;
  for (const char* k : {"assigned", "referred", "started", "noted", "referral_outcome", "resolved", "reopened", "closed"})
    if (Next(state, k)) out.push_back(k);
  return out;
}

bool IsKnownCaseStatus(std::string_view status) { return InList(kCaseStatusList, status); }
bool IsKnownCaseStep(std::string_view kind) { return InList(kCaseStepList, kind); }
bool IsCaseSettled(std::string_view status) { return status == "resolved" || status == "closed"; }

std::vector<CaseEvent> OrderCaseEvents(std::vector<CaseEvent> events, std::vector<std::string>* anomalies) {
  // schema::CausalOrder on the steps' (id, at, after); the position travels
  // in `reason` to map the order back.
  std::vector<WorkflowEvent> links;
  links.reserve(events.size());
  for (size_t i = 0; i < events.size(); ++i)
    links.push_back({events[i].id, events[i].kind, events[i].actor, events[i].actor_role, std::to_string(i),
                     events[i].at, events[i].after});
  std::vector<CaseEvent> out;
  out.reserve(events.size());
  for (const auto& l : CausalOrder(std::move(links), anomalies)) out.push_back(std::move(events[std::stoul(l.reason)]));
  return out;
}

CaseState FoldCase(std::vector<CaseEvent> unordered) {
  CaseState s;
  std::vector<CaseEvent> events = OrderCaseEvents(std::move(unordered), &s.anomalies);
  if (!events.empty()) s.head = events.back().id;
  for (auto& e : events) {
    std::optional<std::string> next;
    if (e.actor_role == "village" || e.actor_role == "hub") next = Next(s, e.kind);
    if (!next) {
      s.anomalies.push_back(e.kind + " by " + e.actor_role + " " + e.actor + " ignored: the case was " + s.status);
      continue;
    }
    if (e.kind == "assigned") s.facilitator = e.facilitator;
    if (e.kind == "referred") s.referrals.push_back({e.id, e.partner, e.partner_name, e.note, "", e.at_ms});
    if (e.kind == "referral_outcome")
      for (auto it = s.referrals.rbegin(); it != s.referrals.rend(); ++it)
        if (it->outcome.empty()) {
          it->outcome = e.outcome;
          break;
        }
    if (e.kind == "resolved") {
      s.resolution = e.note;
      s.resolved_at_ms = e.at_ms;
    }
    if (e.kind == "reopened") {
      s.resolution.clear();
      s.resolved_at_ms = 0;
    }
    if (e.kind == "closed") s.closed_at_ms = e.at_ms;
    s.status = *next;
    s.history.push_back(std::move(e));
  }
  return s;
}

Status CheckCaseStep(const CaseState& state, const CaseEvent& step, const std::string& case_label) {
  SIMPUL_RETURN_IF_ERROR(CheckEnum("step", step.kind, kCaseStepList, IsKnownCaseStep(step.kind)));
  if (step.kind == "assigned") SIMPUL_RETURN_IF_ERROR(NeedText("--facilitator", step.facilitator, 120));
  if (step.kind == "referred") {
    SIMPUL_RETURN_IF_ERROR(CheckEnum("--partner", step.partner, ListCodes(kCasePartners),
                                     FindCode(kCasePartners, step.partner) != nullptr));
    if (step.partner == "other") SIMPUL_RETURN_IF_ERROR(NeedText("--partner-name", step.partner_name, 200));
    SIMPUL_RETURN_IF_ERROR(CheckLength("--partner-name", step.partner_name, 200));
  }
  if (step.kind == "noted") SIMPUL_RETURN_IF_ERROR(NeedText("--text", step.note, 2000));
  if (step.kind == "referral_outcome") SIMPUL_RETURN_IF_ERROR(NeedText("--outcome", step.outcome, 2000));
  if (step.kind == "resolved") SIMPUL_RETURN_IF_ERROR(NeedText("--resolution", step.note, 2000));
  if (step.kind == "reopened") SIMPUL_RETURN_IF_ERROR(NeedText("--reason", step.note, 2000));
  SIMPUL_RETURN_IF_ERROR(CheckLength("--note", step.note, 2000));
  if (state.status == "closed")
    return Status::FailedPrecondition("case " + case_label + " is already closed; nothing was written")
        .WithField("status")
        .WithMsg(MsgId::kCaseClosed, {case_label, step.kind});
  if (!Next(state, step.kind))
    return Status::FailedPrecondition("cannot record " + step.kind + " on case " + case_label + ": its status is " +
                                      state.status + " (allowed now: " + AllowedNow(state) + ")")
        .WithField("status")
        .WithMsg(MsgId::kCaseStepNotAllowed, {step.kind, case_label, state.status, AllowedNow(state)});
  return Status::Ok();
}

int64_t CaseDueMs(int64_t opened_ms, std::string_view urgency, OfficeZone zone) {
  if (urgency == "emergency") return opened_ms + kDayMs;
  int working_days = urgency == "high" ? 3 : urgency == "low" ? 14 : 7;  // normal, and anything unknown
  // Offices keep no daylight saving: a day later is 24 h later at the same
  // local time. Count the days that fall Monday to Friday in the office.
  int64_t t = opened_ms;
  for (int counted = 0; counted < working_days;) {
    t += kDayMs;
    int wd = WeekdayIn(t, zone);
    if (wd >= 1 && wd <= 5) ++counted;
  }
  return t;
}

bool CaseOverdue(const CaseState& state, int64_t due_ms, int64_t now_ms) {
  return !IsCaseSettled(state.status) && now_ms > due_ms;
}

std::optional<int64_t> ParseUtcIso(std::string_view s) {
  // YYYY-MM-DDTHH:MM:SSZ
  if (s.size() != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z')
    return std::nullopt;
  auto num = [&](size_t at, size_t n) -> int {
    int v = 0;
    for (size_t i = at; i < at + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return -1;
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  int y = num(0, 4), mo = num(5, 2), d = num(8, 2), h = num(11, 2), mi = num(14, 2), se = num(17, 2);
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 || se > 60)
    return std::nullopt;
  using namespace std::chrono;
  year_month_day ymd{year(y), month(static_cast<unsigned>(mo)), day(static_cast<unsigned>(d))};
  if (!ymd.ok()) return std::nullopt;
  auto t = sys_days(ymd) + hours(h) + minutes(mi) + seconds(se);
  return duration_cast<milliseconds>(t.time_since_epoch()).count();
}

}  // namespace simpul::schema
