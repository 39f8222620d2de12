// The node's side of the sync protocol: enrolment, one sync run (push the
// outbox in batches, pull what is new, prove agreement by digest, repair a
// divergence), conflicts and their resolution.
//
// A run is a sequence of sealed round trips; each reply is applied in one
// transaction together with the new cursor, so a cut link or a killed
// process loses at most the batch in flight, and the next run resumes.
#ifndef SIMPUL_NODE_SYNC_CLIENT_H_
#define SIMPUL_NODE_SYNC_CLIENT_H_

#include <functional>
#include <optional>
#include <string>

#include "node/store.h"
#include "sync/transport/transport.h"

namespace simpul::node {

// Binds this store to a hub: creates the node's Ed25519 identity and
// registers it with the one-time code the hub operator gave.
Status Enrol(NodeStore& store, sync::Transport& transport, const std::string& hub_url,
             const std::string& code);
bool IsEnrolled(NodeStore& store);

struct SyncProgress {
  uint64_t pushed = 0, push_total = 0;  // changes acknowledged / queued at start
  uint64_t pulled = 0;
  uint64_t docs_done = 0, docs_total = 0;
  uint64_t doc_bytes_done = 0, doc_bytes_total = 0;
  uint64_t bytes = 0;                   // both directions, on the wire
  double seconds = 0;
};

struct SyncSummary {
  uint64_t sent = 0, acked = 0, refused = 0, received = 0, conflicts = 0, repaired = 0;
  uint64_t settled = 0;  // refusals settled: their row moved to another village (node/refusals.h)
  // A reply bundle older than what the node already held (node/bundle.h):
  // its acknowledgements and documents applied, its `stale_skipped` pulled
  // changes not.
  bool stale_reply = false;
  uint64_t stale_skipped = 0;
  uint64_t skipped_invalid = 0;  // hub changes this node could not apply (logged)
  uint64_t docs_sent = 0, docs_received = 0, docs_refused = 0;
  uint64_t docs_pending = 0;     // documents still to move (the hub lacks them, or the link ended)
  uint64_t doc_bytes_sent = 0, doc_bytes_received = 0;
  uint64_t bytes_sent = 0, bytes_received = 0, round_trips = 0;
  uint64_t cuts = 0;       // round trips the link cut (retried within this run)
  uint64_t recovered = 0;  // requests whose reply a cut lost, settled from the hub's record (protocol 3)
  uint64_t handed_back = 0;  // changes the hub wrote and lost in a restore, given back (protocol 4)
  bool hub_restored = false; // the hub was restored from a backup since this node's last sync
  double seconds = 0;
  bool verified = false;  // digests equal at the end: node and hub agree
  std::string notice;     // from the hub, e.g. a clock warning
};

struct SyncOptions {
  size_t batch = 2000;        // most changes per push (the batch adapts to the link below this)
  uint32_t pull_limit = 1000;
  int max_round_trips = 100000;
  int max_retries_after_cut = 6;  // consecutive cuts within one run before giving up
  std::function<void(const SyncProgress&)> progress;
  // Seconds on a monotonic clock, for round times (the link's rate and
  // round trip, which pace the bodies); empty: std::chrono::steady_clock.
  // Tests drive a simulated link with it.
  std::function<double()> monotonic_s;
};

Result<SyncSummary> SyncOnce(NodeStore& store, sync::Transport& transport, const SyncOptions& options);

// Local conflicts (mirrored from the hub or detected here).
using ConflictRow = std::vector<std::pair<std::string, schema::Value>>;
Result<std::vector<ConflictRow>> ListConflicts(NodeStore& store, bool all);
// keep = "winner" | "loser" | "value"; the resolution replicates. A
// conflict no longer open is refused (Aborted, kConflictAlreadyResolved),
// and so is one whose field no longer holds `expected_current` when given
// (Aborted, kConflictChangedMeanwhile: the value the operator saw changed
// meanwhile); either way nothing is written.
Status ResolveConflict(NodeStore& store, const std::string& id, const std::string& keep,
                       const std::string& value, const std::optional<std::string>& expected_current = std::nullopt);

}  // namespace simpul::node

#endif  // SIMPUL_NODE_SYNC_CLIENT_H_
