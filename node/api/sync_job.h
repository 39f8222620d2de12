// The village web app's "sync now": one sync run on its own thread with its
// own connection to the store, so the pages stay usable (and can show the
// progress) while a slow river link carries it. The run is RunSync
// (node/sync_run.h), the one the CLI and the daemon run.
//
// Thread-safety: every method may be called from any thread.
#ifndef SIMPUL_NODE_API_SYNC_JOB_H_
#define SIMPUL_NODE_API_SYNC_JOB_H_

#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "node/sync_client.h"
#include "sync/crypto/at_rest.h"
#include "sync/hlc.h"

namespace simpul::node {

class SyncJob {
 public:
  SyncJob() = default;
  SyncJob(const SyncJob&) = delete;
  SyncJob& operator=(const SyncJob&) = delete;
  ~SyncJob() { Wait(); }

  // Starts a run against the store in `dir`, opened with a copy of `key`
  // (`clock` must outlive the run), audited as `actor`. False when a run
  // started here is still going (a run of another process is refused by
  // the sync lock and reported as the run's outcome).
  bool Start(const std::string& dir, sync::Clock* clock, const sync::crypto::DataKey& key, std::string actor,
             int timeout_ms, int64_t now_ms);

  struct State {
    bool running = false;
    bool finished = false;     // a run ended since this process started
    int64_t started_ms = 0;
    SyncProgress progress;     // of the running run
    Status status;             // of the finished run
    SyncSummary summary;       // when status is ok
  };
  State Get();
  // Blocks until no run is going.
  void Wait();

 private:
  std::mutex mu_;
  std::thread thread_;
  State state_;
};

}  // namespace simpul::node

#endif  // SIMPUL_NODE_API_SYNC_JOB_H_
