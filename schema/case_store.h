// Reading cases (B'DESUT) out of a store, node or hub alike: the complaints
// row, its steps folded (schema/cases.h), its number, opening, due time and
// whether it is overdue now. Writing is the node's and the hub's own
// (node/cases.h, hub/cases.h): each through its change writer.
//
// Thread-safety: one Db per thread, as everywhere.
#ifndef SIMPUL_SCHEMA_CASE_STORE_H_
#define SIMPUL_SCHEMA_CASE_STORE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "schema/cases.h"
#include "schema/db.h"
#include "schema/json_writer.h"

namespace simpul::schema {

struct CaseView {
  std::string id, village, number;  // number "" until the hub assigned one
  std::string category, urgency, description, person_id, household_id, created_at;
  int64_t opened_ms = 0;  // complaints.created_at (the writer's clock), or earlier (SetCaseOpened)
  int64_t due_ms = 0;     // CaseDueMs in the village's zone
  bool overdue = false;   // at the `now_ms` it was read with
  CaseState state;
};

// The case's steps, unordered.
Result<std::vector<CaseEvent>> ReadCaseEvents(Db& db, const std::string& case_id);
// NotFound (kNotFoundId "@complaints") when there is no such case.
Result<CaseView> LoadCase(Db& db, const std::string& id, int64_t now_ms);

struct CaseQuery {
  std::string village, status, category;  // "" = any (status and category checked by the caller)
  bool overdue_only = false;
  bool open_only = false;  // neither resolved nor closed
};
// Matching cases, ordered by id (creation order).
Result<std::vector<CaseView>> LoadCases(Db& db, const CaseQuery& q, int64_t now_ms);

// Moves the case's opening earlier to `opened_ms` (the hub knows when it
// received a case; a laptop's clock may be fast) and recomputes due/overdue.
void SetCaseOpened(CaseView* c, int64_t opened_ms, int64_t now_ms);

// The case as one JSON object (both CLIs' --json): codes, the number ("" and
// number_pending while the hub has not assigned one), times as ISO 8601 in
// the office's zone beside each step's HLC stamp, referrals, history and
// anomalies. With `brief`, only what a list shows.
void WriteCaseJson(JsonWriter& j, const CaseView& c, bool brief);

}  // namespace simpul::schema

#endif  // SIMPUL_SCHEMA_CASE_STORE_H_
