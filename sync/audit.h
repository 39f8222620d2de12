// The audit log (UU 27/2022: security and records, Pasal 35-39): who did
// what to whose data, append-only and tamper-evident.
//
// Every writer (a node, or the hub) keeps its own chain: each entry's hash is
// BLAKE2b-256 over the previous entry's hash and the entry's fields, so
// editing, removing or reordering an entry breaks every later link. Village
// entries live in the replicated `audit` table and reach the hub with the
// next sync; the hub's own entries stay in its `hub_audit` table.
#ifndef SIMPUL_SYNC_AUDIT_H_
#define SIMPUL_SYNC_AUDIT_H_

#include <string>
#include <vector>

#include "schema/db.h"
#include "schema/status.h"
#include "sync/change_capture.h"
#include "sync/hlc.h"

namespace simpul::sync {

struct AuditEntry {
  std::string id, village, writer, actor, action, subject, detail, at, prev_hash, hash;
};

// BLAKE2b-256 (hex) of prev_hash and the entry's fields, length-prefixed.
std::string AuditHash(const AuditEntry& e);

// Node side: appends an entry through `writer` (so it replicates), chained
// to this node's previous entry. Runs inside the caller's transaction.
Status AppendVillageAudit(schema::Db& db, ChangeWriter& writer, Hlc& hlc, const std::string& village,
                          const std::string& actor, const std::string& action, const std::string& subject,
                          const std::string& detail);

// Hub side: appends to hub_audit, chained to the hub's previous entry.
Status AppendHubAudit(schema::Db& db, Hlc& hlc, const std::string& actor, const std::string& action,
                      const std::string& village, const std::string& subject, const std::string& detail);

// Checks every chain in `table` ("audit" or "hub_audit"): one line per
// broken link, empty when intact.
Result<std::vector<std::string>> VerifyAuditChains(schema::Db& db, const std::string& table);

}  // namespace simpul::sync

#endif  // SIMPUL_SYNC_AUDIT_H_
