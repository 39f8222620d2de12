// Change capture: a local write to a replicated table and its change record
// commit together (DESIGN §3).
//
// ChangeWriter::Write runs inside the caller's Transaction: it updates the
// row, sets each changed field's version to a fresh HLC stamp, and appends
// one change record (table, row id, changed fields with new values, stamp,
// node id, and the version each field was based on) to the outbox. A crash
// therefore leaves either the row changed with its change queued, or neither.
// The HLC's last stamp is the change's own stamp, so it is persisted in the
// same transaction (see LoadLastStamp).
//
// Ownership (schema/tables.h) is checked here too: a node cannot capture a
// write it would be refused for later.
//
// Thread-safety: one ChangeWriter per connection, used by one thread.
#ifndef SIMPUL_SYNC_CHANGE_CAPTURE_H_
#define SIMPUL_SYNC_CHANGE_CAPTURE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "schema/db.h"
#include "schema/status.h"
#include "schema/tables.h"
#include "schema/value.h"
#include "sync/hlc.h"

namespace simpul::sync {

enum class Role { kVillage, kHub };

// Where a local change record goes: a node's outbox (until the hub acks
// it) or the hub's changelog (the sequence nodes pull from).
enum class ChangeSink { kOutbox, kChangelog };

struct FieldWrite {
  std::string field;
  schema::Value value;
};

struct WriteOutcome {
  std::string change_id;  // empty when nothing changed
  int fields_changed = 0;
};

// The last stamp this store issued: max of meta.hlc_last and the newest
// outbox change. SaveLastStamp must be called before pruning the outbox; it
// never lowers the stored stamp (16 hex digits compare as numbers), so a
// process whose clock lags another's cannot move it back.
Result<Stamp> LoadLastStamp(schema::Db& db);
Status SaveLastStamp(schema::Db& db, Stamp s);

class ChangeWriter {
 public:
  // `db` and `hlc` must outlive the writer.
  // `changelog_flags` (wire flags, kChangelog only) mark every change this
  // writer records: the hub writing a village's own records for it (a
  // register import, hub/register_import.h) uses Role::kVillage with
  // kFlagSnapshot, the way a row moved into a village arrives, so the
  // village accepts village-owned fields from the hub.
  ChangeWriter(schema::Db& db, Hlc& hlc, Role role, ChangeSink sink = ChangeSink::kOutbox,
               uint32_t changelog_flags = 0)
      : db_(db), hlc_(hlc), role_(role), sink_(sink), changelog_flags_(changelog_flags) {}

  // Creates or updates row `row_id` of `table` in `village`'s scope. Fields
  // whose value does not change are not recorded. Must run inside a
  // Transaction; nothing is written if it fails.
  Result<WriteOutcome> Write(const schema::TableDef& table, const std::string& row_id,
                             const std::string& village, const std::vector<FieldWrite>& fields);

 private:
  schema::Db& db_;
  Hlc& hlc_;
  Role role_;
  ChangeSink sink_;
  uint32_t changelog_flags_;
  // The store as this writer left it after its last write: while no other
  // connection committed (data_version) and nothing else was written through
  // this one (total changes), no stamp newer than hlc_'s can be stored, so
  // the stored stamp is not read again (two queries per write saved).
  int64_t seen_data_version_ = -1;
  int64_t seen_total_changes_ = -1;
};

// True when `role` may write `owner`'s fields.
bool MayWrite(Role role, schema::Owner owner);

}  // namespace simpul::sync

#endif  // SIMPUL_SYNC_CHANGE_CAPTURE_H_
