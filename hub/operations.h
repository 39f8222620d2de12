// Hub operator operations: enrolment and revocation of village nodes, the
// Dinsos workflow decisions, hub-side edits, conflicts and moves between
// villages. Each runs in one transaction through the hub's ChangeWriter, so
// every decision flows down to its village at the next sync.
#ifndef SIMPUL_HUB_OPERATIONS_H_
#define SIMPUL_HUB_OPERATIONS_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "hub/store.h"
#include "schema/workflow.h"

namespace simpul::hub {

using Row = std::vector<std::pair<std::string, schema::Value>>;

// Runs `sql` with text binds; every row as (column, value) pairs.
Result<std::vector<Row>> QueryRows(HubStore& store, const std::string& sql, const std::vector<std::string>& binds);
// The text of `col` in `row` ("" when absent or NULL).
std::string RowText(const Row& row, const std::string& col);

// Enrolment: a one-time code for one village, valid `days` days (the code
// of hub/enrolment.h's IssueEnrolment).
Result<std::string> CreateEnrolment(HubStore& store, const std::string& village, int days);
Status RevokeNode(HubStore& store, const std::string& node_id, const std::string& reason);
Result<std::vector<Row>> ListNodes(HubStore& store);

Result<std::vector<Row>> ListApplications(HubStore& store, const std::string& village,
                                          const std::string& status);
Result<Row> ReadRow(HubStore& store, const std::string& table, const std::string& id);
// A subject's events in fold order (schema::CausalOrder).
Result<std::vector<schema::WorkflowEvent>> ReadEvents(HubStore& store, const std::string& subject);
Result<schema::WorkflowState> ApplicationState(HubStore& store, const std::string& app_id);
// Appends a workflow event written by the hub, in the caller's write
// transaction. `after`: the head of the fold it was decided on; `stage`: the
// rule's stage code of a stage_done event ("" otherwise).
Status AppendEvent(HubStore& store, const std::string& app_id, const std::string& village,
                   const std::string& kind, const std::string& reason, const std::string& role,
                   const std::string& operator_name, const std::string& after, const std::string& stage = "");

// Records a workflow decision by the hub ("returned", "approved", "rejected")
// or by a verifier ("field_visited", "recommended"). Refused when the
// current status does not allow it. With `expected_head` (the head event of
// the state the operator saw, "" for none), refused with Aborted
// (MsgId::kDecisionStale) when anyone recorded anything since: the decision
// was made on a state that is gone, and nothing is written. An approval of a
// service the applicant's NIK already holds needs `override_reason`
// (hub/duplicates.h). An approval is refused with FailedPrecondition
// (MsgId::kDecisionSkipsStage) while a stage of the application's service
// rule is not passed (hub/stages.h); returning and rejecting are allowed at
// any stage. Nothing is written when refused.
Status RecordDecision(HubStore& store, const std::string& app_id, const std::string& kind,
                      const std::string& reason, const std::string& actor_role,
                      const std::string& operator_name, const std::string* expected_head = nullptr,
                      const std::string& override_reason = "");
// Issues the letter of an approved application under the service rules
// (hub/rules.h): the next number of the service's own sequence for the
// office's year (hub/sequences.h), the signed PDF (hub/letters/issue.h), the
// replicated letters row and the letter_issued event, in one transaction.
// Returns the number.
// `expected_head` as for RecordDecision.
Result<std::string> IssueLetter(HubStore& store, const std::string& app_id,
                                const std::string& operator_name, const std::string* expected_head = nullptr);
// Hub-side edits of shared/hub fields: notes, dtks_status, dtks_desil.
Status EditApplication(HubStore& store, const std::string& app_id,
                       const std::map<std::string, std::string>& fields);

Result<std::vector<Row>> ListConflicts(HubStore& store, const std::string& village, bool all);
// keep = "winner" | "loser" | "value" (then `value` is the text to store).
// Aborted, nothing written, when the conflict is no longer open (decided in
// another tab, by another operator or at the village) or, given
// `expected_current` (the field's value as a page showed it), when the
// field changed meanwhile.
Status ResolveConflict(HubStore& store, const std::string& conflict_id, const std::string& keep,
                       const std::string& value, const std::string& operator_name,
                       const std::optional<std::string>& expected_current = std::nullopt);

// Purges a person's (or a household's, with its members) personal data
// (sync/purge.h): a replicated `purges` row, the scrub here, the documents
// no one else needs deleted. The purge reaches the village's laptops at
// their next sync. Returns the rows scrubbed. AlreadyExists if purged.
Result<int> PurgeSubject(HubStore& store, const std::string& kind, const std::string& id,
                         const std::string& reason, const std::string& operator_name);
// The retention rule: persons with no activity (their row, applications,
// complaints, decisions) for `days` days. With dry_run, only lists them.
struct ExpiredPerson {
  std::string id, village;
  uint64_t last_activity_ms;
};
Result<std::vector<ExpiredPerson>> FindExpired(HubStore& store, int days);

}  // namespace simpul::hub

#endif  // SIMPUL_HUB_OPERATIONS_H_
