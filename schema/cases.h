// Complaints and cases (B'DESUT): the pure rules of a case's life.
//
// A case is a `complaints` row (what was reported, by whom, how urgent) and
// an append-only log of steps in `case_events` (schema 13). Its status is a
// deterministic fold of the steps, in causal order like the application
// workflow (schema/workflow.h): each step names in `after` the step its
// writer had last folded for the case, so a step applies to the state its
// author saw whatever the clocks say; only concurrent steps are ordered by
// (HLC stamp, id). A step the state does not allow when folded (two offices
// closing the same case offline) is ignored and reported as an anomaly; a
// command refuses it up front with a typed error naming the field.
//
// Statuses: received -> assigned -> (referred <-> in_progress) -> resolved
// -> closed; resolved may be reopened (in_progress). Steps (case_events.kind,
// persisted: never rename):
//   assigned          a facilitator takes the case (again: reassignment)
//   referred          referred to a partner (hospital, police, PPA unit...)
//   started           the facilitator works on it (in_progress)
//   noted             a follow-up note; the status does not change
//   referral_outcome  what the partner did with the open referral
//   resolved          the resolution, in words
//   reopened          a resolved case is taken up again
//   closed            the case is closed (only a resolved one; once)
//
// Handling targets (due time from the case's opening): emergency 1x24 h
// (B'DESUT's target, calendar hours); high 3, normal 7, low 14 working
// days, i.e. that many Monday-to-Friday days later at the same time of day
// in the office's zone (WIB/WITA/WIT from the region code). Public holidays
// are not known to Simpul: a due date may fall on one.
//
// Thread-safety: pure functions.
#ifndef SIMPUL_SCHEMA_CASES_H_
#define SIMPUL_SCHEMA_CASES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "schema/local_time.h"
#include "schema/model.h"
#include "schema/status.h"

namespace simpul::schema {

// Partners a case is referred to (B'DESUT's SK Walikota partners and the
// usual others). "other" needs the partner's name. Codes are persisted.
inline constexpr CodeLabel kCasePartners[] = {
    {"hospital", "Rumah sakit", "Hospital"},
    {"puskesmas", "Puskesmas", "Community health centre (puskesmas)"},
    {"health_office", "Dinas Kesehatan", "Health office"},
    {"bpjs", "BPJS Kesehatan", "BPJS Kesehatan"},
    {"police", "Kepolisian", "Police"},
    {"ppa_unit", "Unit PPA (perlindungan perempuan dan anak)", "PPA unit (women and children protection)"},
    {"baznas", "BAZNAS", "BAZNAS (national zakat agency)"},
    {"zakat_body", "Lembaga amil zakat lain (LAZ, Rumah Zakat, LAZISMU)", "Other zakat body (LAZ, Rumah Zakat, LAZISMU)"},
    {"education_office", "Dinas Pendidikan", "Education office"},
    {"housing_office", "Dinas Perumahan (RTLH)", "Housing office (RTLH)"},
    {"dukcapil", "Disdukcapil", "Civil registry (Disdukcapil)"},
    {"other", "Lainnya (sebutkan nama)", "Other (give the name)"},
};

inline constexpr const char* kCaseStatusList = "received, assigned, referred, in_progress, resolved, closed";
inline constexpr const char* kCaseStepList =
    "assigned, referred, started, noted, referral_outcome, resolved, reopened, closed";

bool IsKnownCaseStatus(std::string_view status);
bool IsKnownCaseStep(std::string_view kind);
// True for resolved and closed (no handling target runs any more).
bool IsCaseSettled(std::string_view status);

// One step (a case_events row).
struct CaseEvent {
  std::string id;
  std::string kind;
  std::string actor;       // node id, or the hub's id
  std::string actor_role;  // "village" or "hub"
  std::string operator_name;
  std::string at;          // HLC stamp
  int64_t at_ms = 0;       // the writer's wall clock, for people to read
  std::optional<std::string> after;  // the step its writer had last folded ("" none)
  std::string facilitator, partner, partner_name, note, outcome;
};

struct CaseReferral {
  std::string event_id, partner, partner_name, note, outcome;
  int64_t at_ms = 0;
};

struct CaseState {
  std::string status = "received";
  std::string facilitator;
  std::vector<CaseReferral> referrals;
  std::string resolution;
  int64_t resolved_at_ms = 0, closed_at_ms = 0;
  std::vector<CaseEvent> history;       // the steps applied, in fold order
  std::vector<std::string> anomalies;   // steps ignored, in words
  std::string head;                     // last step of the fold ("" none)
};

// The steps in causal order (schema::CausalOrder).
std::vector<CaseEvent> OrderCaseEvents(std::vector<CaseEvent> events, std::vector<std::string>* anomalies = nullptr);
CaseState FoldCase(std::vector<CaseEvent> events);

// What a command checks before recording `step` on a case in `state`:
// InvalidArgument naming the option for missing or unknown input,
// FailedPrecondition naming "status" for a step the status does not allow
// (kCaseClosed when the case is closed already).
Status CheckCaseStep(const CaseState& state, const CaseEvent& step, const std::string& case_label);

// The steps `state` allows now, in the order of kCaseStepList (what a page
// offers; CheckCaseStep still checks each one's input).
std::vector<std::string> AllowedCaseSteps(const CaseState& state);

// The due time of a case opened at `opened_ms` with `urgency` in `zone`.
int64_t CaseDueMs(int64_t opened_ms, std::string_view urgency, OfficeZone zone);
// Open (not resolved or closed) and past its due time at `now_ms`.
bool CaseOverdue(const CaseState& state, int64_t due_ms, int64_t now_ms);

// "2026-03-01T10:00:00Z" (complaints.created_at) as ms since the epoch.
std::optional<int64_t> ParseUtcIso(std::string_view text);

}  // namespace simpul::schema

#endif  // SIMPUL_SCHEMA_CASES_H_
