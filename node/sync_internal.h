// Pieces of the sync client shared with bundles (node/bundle.cc); not an API.
#ifndef SIMPUL_NODE_SYNC_INTERNAL_H_
#define SIMPUL_NODE_SYNC_INTERNAL_H_

#include <array>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "node/store.h"
#include "node/sync_client.h"
#include "sync/blobs.h"
#include "sync/crypto/envelope.h"
#include "sync/merge.h"
#include "sync/session/session.h"
#include "sync/wire/messages.h"

namespace simpul::node::internal {

Result<sync::crypto::Identity> LoadIdentity(NodeStore& s);
Status SaveIdentity(NodeStore& s, const sync::crypto::Identity& id);
uint64_t MetaU64(NodeStore& s, const std::string& key);
Result<uint64_t> NextCounter(NodeStore& s);
Result<uint64_t> NextCounters(NodeStore& s, size_t n);

using sync::session::DocumentWork;
using sync::session::Pending;
Result<std::vector<Pending>> ReadPending(NodeStore& s, size_t limit);
Result<int64_t> CountPending(NodeStore& s);

Result<DocumentWork> FindDocuments(NodeStore& s, const sync::BlobDir& blobs);

// What a round (live, or a bundle: one frame) is, for AddStoreFields.
struct RoundFacts {
  uint16_t protocol = 2;
  size_t pushed = 0;          // changes in its frames
  size_t handback_limit = 0;  // the hub's changes to give back, at most
  size_t in_doubt = 0;        // changes of requests whose replies a cut lost
  bool nothing_in_doubt = true;
};
// Adds to the round's frames what only the store knows: the hub's changes
// to give back after a restore (protocol 4, first frame), the epoch caught
// up with (4), the changes left in the outbox (5).
using sync::session::Frame;
Status AddStoreFields(NodeStore& store, const RoundFacts& round, std::vector<Frame>* frames);

// Rows of this village in `buckets` that the hub's repair did not mention
// (`hub_rows`) and that this node wrote: queued again as new changes.
Status RequeueLocalOnly(NodeStore& s, const std::set<uint32_t>& buckets,
                        const std::set<std::pair<std::string, std::string>>& hub_rows, uint64_t* requeued);

sync::session::LinkMemory LoadLinkMemory(NodeStore& s);
Status SaveLinkMemory(NodeStore& s, const sync::session::LinkMemory& m);

// What the hub did with one request's pushed changes and document chunks,
// from its reply or recovered after a cut lost the reply (protocol 3).
// `states` carry their documents' ids (wire::ResolveBlobStates).
// `counter`: the request's (at least): acknowledged changes keep it, to be
// sent again if the hub is restored from a backup older than it (§22).
Status ApplyOutcome(NodeStore& store, uint64_t counter, const sync::wire::SyncRequest& req,
                    const std::vector<int64_t>& seqs,
                    const std::vector<sync::wire::ItemResult>& results,
                    const std::vector<sync::wire::BlobState>& states, DocumentWork* docs, SyncSummary* sum,
                    bool* doc_progress);

Status ApplyReply(NodeStore& store, sync::Merger& merger, const std::string& hub_id, uint64_t counter,
                  const sync::wire::SyncRequest& req, const std::vector<int64_t>& seqs,
                  const sync::wire::SyncReply& reply, sync::BlobDir& blobs, DocumentWork* docs,
                  SyncSummary* sum, const sync::session::LinkMemory* link, bool* doc_progress);
// Settles the requests in doubt from the first reply of a recovering round.
Status SettleDoubts(NodeStore& store, sync::session::Session& session, const sync::wire::SyncReply& reply,
                    SyncSummary* sum);

// --- the hub's epochs (node/epoch.cc, PROTOCOL.md §22) ---------------------------

// The epoch to name in requests: the one this node has caught up with.
std::string CaughtUpEpoch(NodeStore& s);
// Acts on a protocol-4 reply naming an epoch this node has not seen: when
// the hub was restored, re-queues what it lost (runs in the reply's
// transaction). `restored`: it was, and this node has work to give back.
Status FollowEpoch(NodeStore& s, const sync::wire::SyncReply& reply, bool* restored);
// Keeps a change the hub wrote, with its signature (from `reply`).
Status KeepHubChange(NodeStore& s, const sync::wire::SyncReply& reply, const sync::wire::Change& c,
                     const std::array<uint8_t, 64>& signature);
struct Handback {
  std::string version;
  sync::wire::SignedChange signed_change;
};
Result<std::vector<Handback>> ReadHandbacks(NodeStore& s, size_t limit);
Result<int64_t> CountHandbacks(NodeStore& s);
Status SettleHandbacks(NodeStore& s, const std::vector<std::string>& versions,
                       const std::vector<sync::wire::ItemResult>& results, SyncSummary* sum);
// Drops acknowledged changes and kept hub changes older than the history
// window.
Status PruneRestoreHistory(NodeStore& s);

}  // namespace simpul::node::internal

#endif  // SIMPUL_NODE_SYNC_INTERNAL_H_
