// The hub's side of the sync protocol: pure frame -> frame handlers over a
// HubStore (no sockets; hub/server carries the bytes).
//
// HandleSync: checks versions, identity, revocation and replay; applies the
// pushed batch atomically (each change idempotent by version, refused ones
// reported per item, never blocking the rest); then returns what is new in
// the node's scope after its cursor, or a snapshot page on first sync; and
// compares scope digests, answering a repair request with the full state of
// the asked buckets. One SQLite transaction per request: a hub killed
// mid-batch applies all of it or nothing, and the node's re-send is a no-op.
#ifndef SIMPUL_HUB_SYNC_SERVICE_H_
#define SIMPUL_HUB_SYNC_SERVICE_H_

#include <string>

#include "hub/store.h"
#include "sync/wire/codec.h"

namespace simpul::hub {

struct SyncServiceOptions {
  uint64_t max_ahead_ms = sync::kDefaultMaxAheadMs;  // stamps beyond: accepted, not adopted, flagged
  uint32_t max_pull = 2000;                     // changes per reply, whatever the node asks
  uint32_t max_push = sync::wire::kMaxPushChanges;  // changes per request (the decoder's cap too)
  uint64_t max_document_bytes = 32ull << 20;    // larger documents are refused
  uint64_t max_reply_blob_bytes = 4ull << 20;   // document bytes per reply
};

// Protocol versions and node schema versions this hub serves.
inline constexpr int kMinNodeSchemaVersion = 7;  // nodes must apply purges

// What one request did, for the hub's log (no personal data).
struct RequestLog {
  std::string node_id, village, outcome;  // outcome: "ok" or the refusal in words
  size_t pushed = 0, applied = 0, refused = 0, pulled = 0;
  size_t frames = 0;  // streamed requests: sealed requests handled
};

std::string HandleSync(HubStore& store, const std::string& frame,
                       const SyncServiceOptions& options = {}, RequestLog* log = nullptr);
// A streamed request (/v1/stream, PROTOCOL.md §16): several sealed requests
// back to back in one body, each handled as HandleSync handles one, in order,
// each in its own transaction, stopping after the first refused one; the
// reply is their reply frames back to back. `truncated`: the body was cut
// short by the link (nobody will read the reply): the whole frames it holds
// are still handled, so a cut mid-body loses only the frame in transit.
std::string HandleStream(HubStore& store, const std::string& body, const SyncServiceOptions& options = {},
                         RequestLog* log = nullptr, bool truncated = false);
// A bundle (a sealed request carried as a file): HandleSync with limits
// for a file rather than a link (a reply may carry many documents).
std::string HandleBundle(HubStore& store, const std::string& frame, RequestLog* log = nullptr);
// An enrolment request (/v1/enrol, PROTOCOL.md §6; in hub/enrolment.cc).
std::string HandleEnrol(HubStore& store, const std::string& frame, RequestLog* log = nullptr);
// The body of the hub's signed refusal of `st` (it names the hub's schema).
sync::wire::ErrorReply HubErrorReply(const Status& st);

}  // namespace simpul::hub

#endif  // SIMPUL_HUB_SYNC_SERVICE_H_
