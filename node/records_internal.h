// Helpers of the record operations shared by records.cc and applications.cc;
// not an API.
#ifndef SIMPUL_NODE_RECORDS_INTERNAL_H_
#define SIMPUL_NODE_RECORDS_INTERNAL_H_

#include <string>
#include <vector>

#include "node/records.h"

namespace simpul::node::records_internal {

Status RequireExists(NodeStore& store, Entity e, const std::string& id);
Result<schema::Value> ColumnOf(NodeStore& store, Entity e, const std::string& id, const std::string& col);
// One transaction writing `fields` of row `id`.
Result<Written> WriteFields(NodeStore& store, Entity e, const std::string& id, std::vector<sync::FieldWrite> fields,
                            std::vector<schema::Warning> warnings);
// An event of `subject`, ordered after the events the operator saw.
Status AppendEvent(NodeStore& store, const std::string& subject, const char* subject_kind, const std::string& kind,
                   const std::string& reason, const std::string& stage = "");

}  // namespace simpul::node::records_internal

#endif  // SIMPUL_NODE_RECORDS_INTERNAL_H_
