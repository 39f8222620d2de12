// The application workflow: an append-only event log per application, and
// its current status as a deterministic fold of that log (DESIGN §3).
//
// Events never conflict: every replica holding the same events computes the
// same status, whatever order they arrived in, because the fold sorts them by
// (HLC stamp, id). Authority rules are applied during the fold: an event from
// a role that may not make it is ignored and reported as an anomaly, a
// village cannot resurrect a rejected application, and a withdrawal
// concurrent with an approval is surfaced, not hidden.
//
// Event kind and status codes are persisted: never rename them.
#ifndef SIMPUL_SCHEMA_WORKFLOW_H_
#define SIMPUL_SCHEMA_WORKFLOW_H_

#include <string>
#include <vector>

namespace simpul::schema {

struct WorkflowEvent {
  std::string id;
  std::string kind;        // submitted, returned, resubmitted, field_visited,
                           // recommended, approved, rejected, letter_issued, withdrawn
  std::string actor;       // node id (or hub operator) that made it
  std::string actor_role;  // "village", "verifier" or "hub"
  std::string reason;
  std::string at;          // HLC stamp
};

struct WorkflowState {
  std::string status = "draft";  // draft, submitted, returned, in_review, approved,
                                 // rejected, letter_issued, withdrawn
  std::string last_reason;       // reason of the event that set the status
  std::vector<std::string> anomalies;  // events ignored or contested, in words
  bool contested = false;              // withdrawal and approval both present
};

bool IsKnownEventKind(const std::string& kind);
// Which role may record `kind` ("village" may submit/resubmit/withdraw; "hub"
// decides; "verifier" and "hub" record field visits and recommendations).
bool RoleMayRecord(const std::string& role, const std::string& kind);

WorkflowState FoldWorkflow(std::vector<WorkflowEvent> events);

// True when the village may still change the application's own fields.
bool VillageMayEdit(const std::string& status);

// The statuses FoldWorkflow gives, for filters that name one: a known one,
// and the list (comma-separated) for the message refusing an unknown one.
bool IsKnownStatus(const std::string& status);
const char* KnownStatuses();

}  // namespace simpul::schema

#endif  // SIMPUL_SCHEMA_WORKFLOW_H_
