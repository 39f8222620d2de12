// The village's side of complaint cases (B'DESUT, schema/cases.h): recording
// a case's steps offline. A case is opened like any complaint
// (CreateRecord(Entity::kComplaint)); its number comes from the hub at the
// next sync ("(number pending)" until then). Reading: schema/case_store.h.
#ifndef SIMPUL_NODE_CASES_H_
#define SIMPUL_NODE_CASES_H_

#include <string>

#include "node/store.h"
#include "schema/case_store.h"
#include "schema/cases.h"

namespace simpul::node {

// Records `step` (kind and its texts filled in) on case `id` as the village:
// checked against the case's state as this node folds it now
// (schema::CheckCaseStep), `after` set to that fold's head, the change
// captured for the next sync; one transaction, nothing written on error.
Result<schema::CaseEvent> RecordCaseStep(NodeStore& store, const std::string& id, schema::CaseEvent step);

}  // namespace simpul::node

#endif  // SIMPUL_NODE_CASES_H_
