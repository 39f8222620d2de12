// Signed heads of audit chains, and the check of a whole audit log.
//
// A hash chain alone shows an altered or removed entry, but not a chain cut
// short (its newest entries deleted), and anyone who can write the database
// can recompute every hash after an edit. A head pins a chain:
//   (writer, seq, hash of entry seq, signed_at), Ed25519-signed by the writer
// (a node with its sync identity, the hub with its hub key). A node signs its
// chain's head before each sync and bundle pushes, so the head travels with
// the entries (replicated table `audit_heads`); the hub signs a head for each
// of its own entries (hub table `hub_audit_heads`). Without the writer's key
// a chain that was cut or recomputed no longer matches its heads.
//
// What a head cannot show: a cut that also deletes every head past the cut
// point. Villages keep their own heads (a hub that lost them is repaired from
// the laptop), and `simpul-hub audit --verify` prints each chain's last head
// so an auditor can note it outside the hub (docs/SECURITY.md).
#ifndef SIMPUL_SYNC_AUDIT_HEADS_H_
#define SIMPUL_SYNC_AUDIT_HEADS_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "schema/db.h"
#include "schema/status.h"
#include "sync/change_capture.h"
#include "sync/crypto/envelope.h"
#include "sync/hlc.h"

namespace simpul::sync {

struct AuditHead {
  std::string writer;
  int64_t seq = 0;
  std::string hash;       // of the writer's entry number seq
  std::string signed_at;  // the signer's clock stamp (shown, never used for order)
  std::string signer;     // hex Ed25519 public key
  std::string signature;  // hex, 64 bytes
};

// Signs the head (writer, seq, hash, signed_at) with `key`.
AuditHead SignAuditHead(const crypto::Identity& key, const std::string& writer, int64_t seq,
                        const std::string& hash, const std::string& signed_at);
// Whether `h.signature` is `h.signer`'s signature over the head.
bool AuditHeadSignatureValid(const AuditHead& h);

// Node: signs the head of this node's chain if the chain grew since its
// last head, through `writer` (so it replicates). Inside the caller's
// transaction. Does nothing while the chain has no numbered entry.
Status WriteVillageAuditHead(schema::Db& db, ChangeWriter& writer, Hlc& hlc, const std::string& village,
                             const crypto::Identity& key);
// Hub: signs the head of the hub's chain into hub_audit_heads (same rule).
Status WriteHubAuditHead(schema::Db& db, Hlc& hlc, const crypto::Identity& key);

// What --verify found. Kinds are shown to operators through the message
// catalogue; `from`/`to` are sequence numbers.
enum class AuditProblemKind {
  kAltered,        // an entry's hash does not match its fields
  kUnlinked,       // an entry does not follow the entry before it (removed or reordered)
  kSeqTwice,       // two entries claim the same number
  kMissing,        // entries from..to are absent between two present ones
  kTruncated,      // entries from..to are absent after the newest present one, but a signed head covers them
  kHeadForged,     // a head's signature does not verify
  kHeadUnknownKey, // a head signed by a key that is not the writer's
  kHeadMismatch,   // the entry a head names has another hash (the chain was recomputed or altered)
};
struct AuditProblem {
  AuditProblemKind kind;
  std::string writer, entry;
  int64_t from = 0, to = 0;
};
struct AuditReport {
  std::vector<AuditProblem> problems;
  std::map<std::string, AuditHead> last_heads;  // writer -> newest head with a good signature
  int64_t entries = 0;
  bool intact() const { return problems.empty(); }
};

// Whether `signer_hex` is a key of `writer` (the hub knows nodes' keys from
// their enrolments, and its own).
using TrustedSigner = std::function<bool(const std::string& writer, const std::string& signer_hex)>;

// Checks every chain of `table` ("audit" or "hub_audit") against its heads
// ("audit_heads" or "hub_audit_heads"): links by sequence number, hashes,
// head signatures and keys, and that nothing a head covers is missing.
Result<AuditReport> VerifyAuditChains(schema::Db& db, const std::string& table, const TrustedSigner& trusted);

}  // namespace simpul::sync

#endif  // SIMPUL_SYNC_AUDIT_HEADS_H_
