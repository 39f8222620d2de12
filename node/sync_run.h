// One sync run as every front end of the node runs it: `simpul-node sync`,
// the daemon, and the village web app's "sync now" (node/api/). Takes the
// store's sync lock (one run at a time per store, across processes), checks
// enrolment, talks to the hub the node enrolled at, and records the outcome
// (when, and what happened in words) for the Sync page.
//
// A failed run loses nothing: the outbox is only emptied by the hub's
// acknowledgements (node/sync_client.h), so what was not sent waits for the
// next run.
//
// Thread-safety: like NodeStore (one per thread); SyncLock works across
// threads and processes.
#ifndef SIMPUL_NODE_SYNC_RUN_H_
#define SIMPUL_NODE_SYNC_RUN_H_

#include <cstdint>
#include <functional>
#include <string>

#include "node/store.h"
#include "node/sync_client.h"
#include "schema/local_time.h"
#include "schema/messages.h"

namespace simpul::node {

// One sync of a store at a time: a daemon run, a manual run, the web app's
// run and a bundle export never overlap (flock on DIR/sync.lock).
class SyncLock {
 public:
  // Unavailable when another run holds it.
  static Result<SyncLock> Take(const std::string& dir);
  SyncLock(SyncLock&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  SyncLock& operator=(SyncLock&&) = delete;
  SyncLock(const SyncLock&) = delete;
  ~SyncLock();

 private:
  explicit SyncLock(int fd) : fd_(fd) {}
  int fd_;
};

struct SyncRunOptions {
  int timeout_ms = 60000;  // per round trip
  size_t batch = 0;        // 0: SyncOptions' default
  uint32_t pull_limit = 0; // 0: SyncOptions' default (changes asked for per reply)
  std::function<void(const SyncProgress&)> progress;
};

// Takes the lock, runs SyncOnce against meta hub_url, records the outcome
// (RecordSyncOutcome). Unauthenticated with kSyncNotEnrolled when the node
// never enrolled; Unavailable when the hub cannot be reached or another run
// holds the lock.
Result<SyncSummary> RunSync(NodeStore& store, const SyncRunOptions& options);

// The last run's outcome as the Sync page shows it.
struct LastSync {
  int64_t at_ms = 0;       // 0: never synced from this store
  bool ok = false;
  std::string code;        // the Status code's name ("Unavailable"; "OK" after a good run)
  std::string text_id, text_en;  // what happened, in words
  uint64_t sent = 0, received = 0, refused = 0, conflicts = 0;
  bool verified = false;
};

// Stores the outcome of a run (node-local meta, never replicated). Best
// effort: a store too busy to record it keeps the previous one.
void RecordSyncOutcome(NodeStore& store, const Result<SyncSummary>& outcome);
LastSync ReadLastSync(NodeStore& store);

// What a failed run means for the operator, in `lang`: the hub unreachable
// (nothing lost, `pending` changes wait), not enrolled, versions differ, or
// the status's own catalogue text.
std::string SyncFailureText(Lang lang, const Status& status, int64_t pending);

// The daemon's sync window (`--window 22:00-06:00`): minutes of the day
// [start, end) on the office's wall clock, whose zone follows the village
// (schema/local_time.h), not the laptop's TZ setting. It may wrap midnight;
// start == end means always.
struct SyncWindow {
  int start_min = 0, end_min = 0;
};
// Exactly "HH:MM-HH:MM" (end 24:00 allowed); InvalidArgument naming --window.
Result<SyncWindow> ParseSyncWindow(const std::string& text);
bool InSyncWindow(SyncWindow window, int64_t now_ms, schema::OfficeZone zone);

}  // namespace simpul::node

#endif  // SIMPUL_NODE_SYNC_RUN_H_
