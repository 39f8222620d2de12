// A village's register from Excel, imported at Dinsos for that village
// (`simpul-hub import FILE.csv --village CODE`): the same file, columns,
// checks and per-line report as `simpul-node import` (sync/register_import.h),
// for a village whose office sends its register to the district instead of
// importing it on its laptop.
//
// The hub writes the village's own records (households, residents, draft
// applications), fields a village owns: each row is written through a
// change writer acting for the village (sync/change_capture.h, Role::kVillage
// into the hub's change log), every change marked as a snapshot, the way a
// row moved into a village arrives (hub/moves.h), so the village's node
// takes them at its next sync as its own records (PROTOCOL.md §8). The
// rows are stamped by the hub's clock; the village edits them afterwards
// like any record.
//
// The village must be enrolled (a laptop that will receive them); the whole
// file lands in one transaction with its audit entry, or nothing does.
//
// Thread-safety: like HubStore, one thread at a time.
#ifndef SIMPUL_HUB_REGISTER_IMPORT_H_
#define SIMPUL_HUB_REGISTER_IMPORT_H_

#include <string>

#include "hub/store.h"
#include "sync/register_import.h"

namespace simpul::hub {

// Imports `bytes` for `village`. `file_name` goes into the audit entry.
// Errors: InvalidArgument (field "--village", MsgId::kRegionNotVillage) for a
// code that is not a village's; FailedPrecondition (field "--village",
// MsgId::kImportVillageNotEnrolled) when no active laptop of that village is
// enrolled; the file's own errors as sync::ImportRegisterLines. Line errors
// are in the result, `written` true once committed.
Result<sync::RegisterImport> ImportVillageRegister(HubStore& store, const std::string& village, std::string bytes,
                                                   const sync::RegisterImportOptions& options, Lang lang,
                                                   const std::string& file_name);

}  // namespace simpul::hub

#endif  // SIMPUL_HUB_REGISTER_IMPORT_H_
