// The hub's side of the audit log: the node keys it trusts to sign village
// chain heads, and the check of every chain it holds (sync/audit_heads.h).
//
// Each key a node enrols with is recorded in node_keys with the hub key's
// signature over (node id, key): a node's older heads stay verifiable after
// it re-enrols with a new key, and a key written into the database by hand
// (to re-sign a rewritten chain) is not trusted. Hubs made before this
// version vouch once, at their first start, for the keys their nodes table
// holds then.
//
// Thread-safety: as HubStore.
#ifndef SIMPUL_HUB_AUDIT_H_
#define SIMPUL_HUB_AUDIT_H_

#include <string>

#include "schema/status.h"
#include "sync/audit_heads.h"
#include "sync/crypto/envelope.h"

namespace simpul::hub {

class HubStore;

// Records `node_id`'s enrolment key, signed by the hub key. Inside the
// caller's transaction.
Status RecordNodeKey(HubStore& store, const std::string& node_id, const sync::crypto::PublicKey& sign_pk);

// Once per hub: vouches for the keys of the nodes enrolled before node_keys
// existed.
Status VouchForNodeKeys(HubStore& store);

// Checks the chains of `table` ("hub_audit": the hub's own, signed with the
// hub's current or retired keys; "audit": the villages', signed with keys
// their nodes enrolled with).
Result<sync::AuditReport> VerifyHubAudit(HubStore& store, const std::string& table);

}  // namespace simpul::hub

#endif  // SIMPUL_HUB_AUDIT_H_
