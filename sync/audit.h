// The audit log (UU 27/2022: security and records, Pasal 35-39): who did
// what to whose data, append-only and tamper-evident.
//
// Every writer (a node, or the hub) keeps its own chain. Entries are numbered
// by the writer, 1, 2, 3, ... (`seq`), and each entry's hash is BLAKE2b-256
// over the previous entry's hash and the entry's fields, so editing,
// removing or reordering an entry breaks every later link. The chain order
// is the sequence number alone: the clock stamp `at` is only recorded, so no
// clock (fast, slow, set back) can break a chain. Signed heads
// (sync/audit_heads.h) pin a chain's length and hash with the writer's key.
// Village entries live in the replicated `audit` table and reach the hub
// with the next sync; the hub's own entries stay in its `hub_audit` table.
//
// Entries written before sequence numbers existed (schema 7 and older) have
// no seq: they are checked by their prev_hash links alone, and a writer's
// first numbered entry links to the newest of them.
#ifndef SIMPUL_SYNC_AUDIT_H_
#define SIMPUL_SYNC_AUDIT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "schema/db.h"
#include "schema/status.h"
#include "sync/change_capture.h"
#include "sync/hlc.h"

namespace simpul::sync {

struct AuditEntry {
  std::string id, village, writer, actor, action, subject, detail, at, prev_hash, hash;
  int64_t seq = 0;  // 0: written before sequence numbers (a legacy entry)
};

// BLAKE2b-256 (hex) of prev_hash and the entry's fields, length-prefixed.
// (seq is not hashed: the links fix the order, a signed head fixes seq.)
std::string AuditHash(const AuditEntry& e);

// Node side: appends an entry through `writer` (so it replicates), chained
// to this node's previous entry. Runs inside the caller's transaction.
Result<AuditEntry> AppendVillageAudit(schema::Db& db, ChangeWriter& writer, Hlc& hlc, const std::string& village,
                                      const std::string& actor, const std::string& action,
                                      const std::string& subject, const std::string& detail);

// Hub side: appends to hub_audit, chained to the hub's previous entry.
Result<AuditEntry> AppendHubAudit(schema::Db& db, Hlc& hlc, const std::string& actor, const std::string& action,
                                  const std::string& village, const std::string& subject, const std::string& detail);

// The newest numbered entry of `writer` in `table` ("audit" or "hub_audit"):
// its seq and hash, or seq 0 when the writer has none.
struct AuditTip {
  int64_t seq = 0;
  std::string hash;
};
Result<AuditTip> NewestAuditEntry(schema::Db& db, const std::string& table, const std::string& writer);

}  // namespace simpul::sync

#endif  // SIMPUL_SYNC_AUDIT_H_
