#include "node/api/sync_job.h"

#include "node/store.h"
#include "node/sync_run.h"

namespace simpul::node {

bool SyncJob::Start(const std::string& dir, sync::Clock* clock, const sync::crypto::DataKey& key, std::string actor,
                    int timeout_ms, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  if (state_.running) return false;
  if (thread_.joinable()) thread_.join();  // the previous run has ended
  auto copy = sync::crypto::DataKey::FromBytes(key.view());
  if (!copy.ok()) return false;
  state_.running = true;
  state_.started_ms = now_ms;
  state_.progress = SyncProgress{};
  thread_ = std::thread([this, dir, clock, k = std::move(copy).value(), actor = std::move(actor),
                         timeout_ms]() mutable {
    Result<SyncSummary> outcome = [&]() -> Result<SyncSummary> {
      SIMPUL_ASSIGN_OR_RETURN(auto store, NodeStore::Open(dir, clock, std::move(k)));
      store->set_actor(actor);
      SyncRunOptions opt;
      opt.timeout_ms = timeout_ms;
      opt.progress = [this](const SyncProgress& p) {
        std::lock_guard<std::mutex> l(mu_);
        state_.progress = p;
      };
      return RunSync(*store, opt);
    }();
    std::lock_guard<std::mutex> l(mu_);
    state_.running = false;
    state_.finished = true;
    state_.status = outcome.ok() ? Status::Ok() : outcome.status();
    state_.summary = outcome.ok() ? *outcome : SyncSummary{};
  });
  return true;
}

SyncJob::State SyncJob::Get() {
  std::lock_guard<std::mutex> lock(mu_);
  return state_;
}

void SyncJob::Wait() {
  std::thread t;
  {
    std::lock_guard<std::mutex> lock(mu_);
    t = std::move(thread_);
  }
  if (t.joinable()) t.join();
}

}  // namespace simpul::node
