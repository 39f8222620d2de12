// The hub's documents at rest: sealed like a node's (sync/blobs.h), under
// the hub data key.
//
// DIR/data.key holds the hub data key: 32 random bytes, mode 0600, made by
// `simpul-hub init` (or, for a hub made before documents were sealed, at its
// first start with this version). Purpose keys derived from it seal the
// documents' records and name their files by keyed hash, exactly as on a
// node. It is as precious as hub.key: without it the documents are lost, so
// back it up with hub.key (docs/OPERATIONS.md). Its id is kept in
// meta.data_key_id, so a missing or foreign data.key is refused at start
// instead of leaving every document unreadable.
//
// A hub whose documents were kept in clear (before this version) has them
// sealed at its first start, and the clear files removed; partly received
// documents start again from zero (their node resends them).
//
// Thread-safety: the functions take the caller's store; see hub/store.h.
#ifndef SIMPUL_HUB_DOCUMENTS_H_
#define SIMPUL_HUB_DOCUMENTS_H_

#include <string>

#include "schema/db.h"
#include "schema/status.h"
#include "sync/blobs.h"
#include "sync/crypto/at_rest.h"

namespace simpul::hub {

class HubStore;

// The hub data key of `dir`, checked against meta.data_key_id; made (and
// its id recorded) when the hub has none yet. Several processes starting
// at once agree on one key.
Result<sync::crypto::DataKey> LoadHubDataKey(schema::Db& db, const std::string& dir);

// Seals the documents `dir`/blobs still holds in clear (once: meta
// documents_sealed), removing the clear files.
Status SealClearDocuments(schema::Db& db, const std::string& dir, sync::BlobDir& sealed);

// The verified clear bytes of document `sha`: NotFound if the hub has not
// received it (whole), Corruption if its bytes no longer match the hash.
Result<std::string> ReadHubDocument(HubStore& store, const std::string& sha);

}  // namespace simpul::hub

#endif  // SIMPUL_HUB_DOCUMENTS_H_
