// Merge rules: how a replica applies a change made elsewhere (DESIGN §3).
//
// Every field is a register with a version (HLC stamp + node id). For each
// incoming field:
//   - same version as ours: already applied, nothing to do;
//   - its base is our version (or we have none): fast-forward, take it;
//   - otherwise the two writes were concurrent. The higher version wins on
//     every replica (a total order), so all replicas converge; if the two
//     values differ a Conflict is reported with both sides, so a person can
//     resolve it. Nothing is silently discarded.
// Snapshot changes (first sync, repair, move-in) transfer state: the higher
// version wins without a conflict.
//
// Before anything is written the receiver checks the table and field exist,
// the writer's role owns the field, the value passes schema/field_rules.h,
// and append-only rows are not rewritten. A refused change writes nothing.
//
// Errors: a refused change (InvalidArgument, PermissionDenied,
// FailedPrecondition) has written nothing; Internal, IoError or Unavailable
// mean the store failed mid-write and the caller must roll back.
//
// Merger runs inside the caller's transaction. Thread-safety: one per thread.
#ifndef SIMPUL_SYNC_MERGE_H_
#define SIMPUL_SYNC_MERGE_H_

#include <string>
#include <vector>

#include "schema/db.h"
#include "schema/status.h"
#include "sync/change_capture.h"
#include "sync/change.h"

namespace simpul::sync {

// Persisted in conflicts.kind: never rename.
enum class ConflictKind {
  kConcurrentWrite,  // both sides wrote the field from the same base
  kMissingBase,      // the change was based on a version this replica never had
};
const char* ConflictKindName(ConflictKind k);

struct Conflict {
  std::string id;  // deterministic: the same pair of versions gives the same id everywhere
  ConflictKind kind = ConflictKind::kConcurrentWrite;
  std::string table, row_id, field, village;
  std::string winner_version, loser_version;
  schema::Value winner_value, loser_value;
};

struct ApplyResult {
  std::vector<FieldChange> applied;  // fields that took effect (for the hub's log)
  std::vector<Conflict> conflicts;
  bool already_applied = false;            // every field was already at this version
  bool row_created = false;
};

// Deterministic conflict id (UUID-shaped) from the two versions.
std::string ConflictId(const std::string& table, const std::string& row_id,
                       const std::string& field, const std::string& version_a,
                       const std::string& version_b);

// Whose write a version is, as the receiver sees it.
Role WriterRole(const std::string& version, const std::string& hub_node_id);

class Merger {
 public:
  // `db` must outlive the Merger.
  explicit Merger(schema::Db& db) : db_(db) {}

  // Applies `change` written by `writer`. At the hub, `scope_village` is the
  // sending node's village: a change outside it is refused. At a node,
  // scope_village is empty (the hub decides scope).
  Result<ApplyResult> Apply(const Change& change, Role writer,
                            const std::string& scope_village);

  // Drops a row that left this replica's scope (kFlagScopeOut).
  Status DropRow(const std::string& table, const std::string& row_id);

 private:
  schema::Db& db_;
};

}  // namespace simpul::sync

#endif  // SIMPUL_SYNC_MERGE_H_
