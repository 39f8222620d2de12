// The village node importing its own register from Excel
// (sync/register_import.h reads the file; docs/OPERATIONS.md "Importing a
// register"): every line through the operator's own code path
// (node/records.h: the same validation and change capture as a typed
// record), inside one transaction for the whole file and a savepoint per
// line. The hub imports one for a village the same way
// (hub/register_import.h).
#ifndef SIMPUL_NODE_REGISTER_IMPORT_H_
#define SIMPUL_NODE_REGISTER_IMPORT_H_

#include <string>

#include "node/store.h"
#include "sync/register_import.h"

namespace simpul::node {

using sync::RegisterImport;
using sync::RegisterImportOptions;
using sync::RegisterLineError;

// Imports `bytes` into the village's store; `written` is true once the good
// lines are committed. Errors of the file as a whole are returned as a
// Status; line errors are in the result.
Result<RegisterImport> ImportRegister(NodeStore& store, std::string bytes, const RegisterImportOptions& options,
                                      Lang lang);

}  // namespace simpul::node

#endif  // SIMPUL_NODE_REGISTER_IMPORT_H_
