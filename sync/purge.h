// Purging a resident's personal data (UU 27/2022: on the person's request,
// or when the retention period has passed), on every replica.
//
// A purge is a row of the replicated, append-only `purges` table, written
// by the hub. Whoever applies it (the hub when it decides, each node when
// the row arrives) runs ScrubSubject in the same transaction: the personal
// fields of the subject's rows (the person, or a household and all its
// members, with their applications, complaints and attachment rows) become
// NULL; the copies of those values in the node's outbox, the hub's change
// log and conflict records go too; the rows are listed in purged_rows, and
// Merger drops every later change to them (an offline laptop's edit made
// before it heard of the purge cannot bring the data back). Versions are
// kept, so replicas still converge and verify. Document files whose every
// attachment row is purged are deleted after the commit (DeletePurgedDocuments).
//
// What is kept: row ids, villages, application type and workflow events
// (the statistics Dinsos reports), versions, and the audit log (hash
// chained; it holds ids and masked NIKs, never a name).
#ifndef SIMPUL_SYNC_PURGE_H_
#define SIMPUL_SYNC_PURGE_H_

#include <string>
#include <vector>

#include "schema/db.h"
#include "schema/status.h"
#include "sync/blobs.h"

namespace simpul::sync {

// Persisted in purges.subject_kind.
inline constexpr const char* kPurgePerson = "person";
inline constexpr const char* kPurgeHousehold = "household";

// The fields a purge empties, per table (empty when none).
std::vector<std::string> PersonalFields(const std::string& table);

// Scrubs `subject_id` (kind kPurgePerson or kPurgeHousehold) inside the
// caller's transaction. Idempotent. Returns the number of rows scrubbed.
Result<int> ScrubSubject(schema::Db& db, const std::string& kind, const std::string& subject_id);

// True if this row was purged here.
Result<bool> IsPurged(schema::Db& db, const std::string& table, const std::string& row_id);

// Deletes the files of documents no live attachment row needs any more
// because their rows were purged. Returns how many files went.
Result<int> DeletePurgedDocuments(schema::Db& db, const BlobDir& blobs);

}  // namespace simpul::sync

#endif  // SIMPUL_SYNC_PURGE_H_
