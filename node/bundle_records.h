// What a node keeps of each bundle it exported, until the reply comes back
// (node/bundle.cc writes and reads them; meta rows, no values):
//   bundle_key_<nonce>    the reply key: only this node can open the reply;
//   bundle_asked_<nonce>  what the request asked, to read the reply by
//                         position as a live sync does (PROTOCOL.md §22);
//   bundle_done_<nonce>   `<ms>:<key>` once imported, the newest kKeptDone, so
//                         a reply imported twice is recognised as such.
#ifndef SIMPUL_NODE_BUNDLE_RECORDS_H_
#define SIMPUL_NODE_BUNDLE_RECORDS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "node/store.h"
#include "node/sync_internal.h"
#include "sync/crypto/envelope.h"
#include "sync/wire/messages.h"

namespace simpul::node::internal {

inline constexpr const char* kOpenPrefix = "bundle_key_";
inline constexpr const char* kDonePrefix = "bundle_done_";
inline constexpr const char* kAskedPrefix = "bundle_asked_";

struct Asked {
  uint64_t counter = 0;
  std::vector<int64_t> seqs;           // outbox rows of req.push, in order
  std::vector<std::string> handbacks;  // versions of req.handback, in order
  std::string epoch_seen;              // the hub's epoch this node knew of at export
  sync::wire::SyncRequest req;         // the changes without values, the documents without bytes
};

std::string EncodeAsked(const Frame& frame, uint64_t counter, const std::string& epoch_seen);
Result<Asked> DecodeAsked(const std::string& text);

struct Probe {
  std::string key;   // the meta key that opened the frame ("" = none)
  std::string body;  // the reply's plaintext; empty for a signed refusal
  Status refusal;    // the hub's signed refusal of that bundle
};

// Tries every key under `prefix` (kOpenPrefix or kDonePrefix) on the reply.
Result<Probe> ProbeKeys(NodeStore& store, const sync::crypto::PublicKey& hub_pk, const std::string& frame,
                        const std::string& prefix);

// Closes an open bundle key (inside the caller's transaction).
Status CloseKey(NodeStore& store, const std::string& open_key);

// Forgets open bundles beyond the newest kKeptOpen (inside the export's
// transaction).
Status ForgetOldOpenBundles(NodeStore& store);

}  // namespace simpul::node::internal

#endif  // SIMPUL_NODE_BUNDLE_RECORDS_H_
