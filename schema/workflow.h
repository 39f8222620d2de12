// The application workflow: an append-only event log per application, and
// its current status as a deterministic fold of that log (DESIGN §3).
//
// Events never conflict: every replica holding the same events computes the
// same status, whatever order they arrived in. The fold orders events
// causally, not by clock: each event names in `after` the event its writer
// had last folded for the subject (the state it acted on), and the fold
// places every event after the one it names (CausalOrder). Only events that
// are concurrent (neither saw the other) are ordered by (HLC stamp, id), so a
// laptop whose clock is days fast or reset to 1970 cannot put a decision
// before the submission it decided on. Events without `after` (written by
// nodes of schema 10 or earlier) have no link and keep the (stamp, id) order.
//
// Authority rules are applied during the fold: an event from a role that may
// not make it is ignored and reported as an anomaly, a village cannot
// resurrect a rejected application, and a withdrawal concurrent with an
// approval is surfaced, not hidden.
//
// Event kind and status codes are persisted: never rename them.
#ifndef SIMPUL_SCHEMA_WORKFLOW_H_
#define SIMPUL_SCHEMA_WORKFLOW_H_

#include <optional>
#include <string>
#include <vector>

namespace simpul::schema {

struct WorkflowEvent {
  std::string id;
  std::string kind;        // submitted, returned, resubmitted, field_visited,
                           // recommended, stage_done, approved, rejected,
                           // letter_issued, withdrawn
  std::string actor;       // node id (or hub operator) that made it
  std::string actor_role;  // "village", "verifier" or "hub"
  std::string reason;
  std::string at;          // HLC stamp
  // The id of the event the writer had last folded for this subject ("" when
  // it had none); nullopt for events written before schema 11 (no link).
  std::optional<std::string> after;
  // For stage_done: the service rule's stage code (schema 12).
  std::string stage;
};

// A verification stage recorded on an application, and the role that
// recorded it ("village", "verifier" or "hub").
struct StageDone {
  std::string stage, actor_role;
};

struct WorkflowState {
  std::string status = "draft";  // draft, submitted, returned, in_review, approved,
                                 // rejected, letter_issued, withdrawn
  std::string last_reason;       // reason of the event that set the status
  std::vector<std::string> anomalies;  // events ignored or contested, in words
  bool contested = false;              // withdrawal and approval both present
  // The last event of the fold ("" when there is none): what a new event
  // records in `after`.
  std::string head;
  // Stages recorded while the application was under review, in fold order.
  // A return and resubmission keeps them (the village fixes what was asked;
  // a field check done stays done). The older kinds count as the stages
  // they are: field_visited as field_check, recommended as kecamatan.
  std::vector<StageDone> stages_done;
};

bool IsKnownEventKind(const std::string& kind);
// The stage an event passes: its `stage` for stage_done; field_check for a
// field_visited and kecamatan for a recommended (older events); "" else.
std::string StageOfEvent(const WorkflowEvent& e);
// Which role may record `kind` ("village" may submit/resubmit/withdraw; "hub"
// decides; "verifier" and "hub" record field visits and recommendations; any
// of the three records a stage: which stage fits which role is the service
// rule's, checked by schema/service_rules.h CheckStage and MissingStage).
bool RoleMayRecord(const std::string& role, const std::string& kind);

// The events in fold order: every event after the one its `after` names (a
// link to an event not in `events` counts as none), concurrent events by
// (at, id). Kahn's algorithm with (at, id) choosing among the ready events,
// so the order of a writer's events is a subsequence of the order of any
// superset that holds everything they name. A cycle (only a forged link can
// make one) is broken at its smallest (at, id) and reported in `anomalies`.
std::vector<WorkflowEvent> CausalOrder(std::vector<WorkflowEvent> events,
                                       std::vector<std::string>* anomalies = nullptr);

WorkflowState FoldWorkflow(std::vector<WorkflowEvent> events);

// True when the village may still change the application's own fields.
bool VillageMayEdit(const std::string& status);

// The statuses FoldWorkflow gives, for filters that name one: a known one,
// and the list (comma-separated) for the message refusing an unknown one.
bool IsKnownStatus(const std::string& status);
const char* KnownStatuses();

}  // namespace simpul::schema

#endif  // SIMPUL_SCHEMA_WORKFLOW_H_
