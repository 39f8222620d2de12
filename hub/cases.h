// The hub's side of complaint cases (B'DESUT, schema/cases.h): case numbers,
// the front office's walk-in cases, the hub's steps, and what Dinsos watches
// (the inbox by due time, overdue cases, yearly counts by category).
//
// Case numbers ("KASUS/2026/00007") come only from the hub, from one number
// sequence per office year (hub/sequences.h: never reused, not after a crash,
// not after a restore; the numbers on record, handed back by villages after a
// restore, are learned). The sync service numbers a village's new cases in
// the transaction that receives them; the number is a hub-owned field of the
// complaints row, so it reaches the village in the same sync's pull.
#ifndef SIMPUL_HUB_CASES_H_
#define SIMPUL_HUB_CASES_H_

#include <string>
#include <vector>

#include "hub/store.h"
#include "schema/case_store.h"
#include "schema/cases.h"
#include "schema/messages.h"

namespace simpul::hub {

inline constexpr const char* kCaseNumberFormat = "KASUS/{year}/{seq}";  // {seq}: 5 digits
inline constexpr const char* kCaseSequenceUnit = "case";

// Numbers the cases of `village` ("" = all) that have no number yet, oldest
// first, each in the sequence of the year it was opened in its office's
// zone. Runs in the caller's write transaction (HubStore::BeginWrite). While
// a restore's numbers are unproven (hub/sequences.h) the cases stay pending
// and this returns 0: they are numbered at a later sync or command.
Result<int> NumberPendingCases(HubStore& store, const std::string& village);
// The sync service's call once a village's pushed changes are applied:
// NumberPendingCases for that village. A failure of the numbering's own file
// (DIR/sequences) leaves the cases pending instead of failing the sync; a
// failure of the store is returned (the request is aborted whole).
Status NumberCasesOnReceipt(HubStore& store, const std::string& village);

// A case the front office opens for a village (a walk-in).
struct NewCase {
  std::string village, category, urgency = "normal", description;
  std::string person_id = {}, household_id = {};  // optional
};
// Validates (naming the option), writes the complaints row as the hub with
// its number, in one transaction; the case reaches the village at its next
// sync. Returns the case's id.
Result<std::string> OpenCase(HubStore& store, const NewCase& c);

// Records `step` on case `id` as the hub (schema::CheckCaseStep against the
// hub's fold, `after` its head), audited, in one transaction. With
// `expected_head` (the head the operator was shown; "" none), a case whose
// steps changed since is refused with Aborted (kCaseStale), nothing written.
Result<schema::CaseEvent> RecordHubCaseStep(HubStore& store, const std::string& id, schema::CaseEvent step,
                                            const std::string* expected_head = nullptr);

// Cases as the hub sees them: a case's opening is never later than the
// moment the hub first received it (a laptop's clock may be fast).
Result<schema::CaseView> LoadHubCase(HubStore& store, const std::string& id);
Result<std::vector<schema::CaseView>> LoadHubCases(HubStore& store, const schema::CaseQuery& q);

// The inbox: open cases matching `q` (open_only is forced), the soonest due
// first (what Dinsos handles next; the overdue ones lead).
Result<std::vector<schema::CaseView>> LoadCaseInbox(HubStore& store, schema::CaseQuery q);

// The labels of a case status ("in progress") and of a step kind
// ("facilitator assigned") in `lang`; the code itself when unknown.
std::string CaseStatusLabel(Lang lang, const std::string& status);
std::string CaseStepLabel(Lang lang, const std::string& kind);

// Per category, the cases opened in `year` (office zone of each village).
struct CaseCount {
  std::string category;
  int opened = 0, open = 0, overdue = 0, resolved = 0, closed = 0;
  int within_target = 0;  // resolved (or closed) no later than the due time
};
// Every category, in the order of schema::kComplaintCategories.
Result<std::vector<CaseCount>> CountCases(HubStore& store, int year);

}  // namespace simpul::hub

#endif  // SIMPUL_HUB_CASES_H_
