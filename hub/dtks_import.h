// Importing a DTKS or P3KE snapshot file at the hub (`simpul-hub dtks
// import FILE.csv`): every line checked first (schema/dtks.h), then every
// row written in one transaction through the hub's ChangeWriter, so each
// village receives its own rows at its next sync, or nothing is written.
//
// Per NIK, the hub keeps one `dtks` row: a row of the file replaces it when
// its snapshot date is the same or newer (the same values again change
// nothing); an older one is skipped and counted, never written over newer
// data. NIKs absent from the file keep their row. When a newer snapshot
// places a NIK in another village, its row moves there (hub/moves.h
// MoveOneRow): the old village drops it, the new one receives it.
// The import is recorded in the hub's audit log with the file's SHA-256,
// snapshot dates and counts.
//
// Thread-safety: like HubStore, one thread at a time.
#ifndef SIMPUL_HUB_DTKS_IMPORT_H_
#define SIMPUL_HUB_DTKS_IMPORT_H_

#include <string>
#include <vector>

#include "hub/store.h"
#include "schema/dtks.h"

namespace simpul::hub {

struct DtksImportOptions {
  std::string source = schema::kSourceDtks;  // dtks | p3ke
  std::string file_name;                     // for the audit log
};

struct DtksImportReport {
  // The file as read: its problems (nothing was written when there are any).
  std::vector<schema::DtksLineError> errors;
  size_t error_count = 0;
  schema::TextEncoding encoding = schema::TextEncoding::kUtf8;
  char delimiter = ',';
  // What the import did.
  size_t rows = 0, created = 0, updated = 0, unchanged = 0, moved = 0, skipped_older = 0;
  size_t villages = 0;
  std::string oldest_snapshot, newest_snapshot;
};

// Reads `bytes` (the file's content) and imports it. A file-level problem
// (not text, header) is the returned error; line problems are in the
// report's `errors`, and then nothing was written.
Result<DtksImportReport> ImportDtks(HubStore& store, std::string bytes, const DtksImportOptions& options);

}  // namespace simpul::hub

#endif  // SIMPUL_HUB_DTKS_IMPORT_H_
