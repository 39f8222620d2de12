#include "web/throttle.h"

#include <algorithm>

namespace simpul::web {

int64_t SignInThrottle::WaitFor(const std::string& key, int64_t now_ms) {
  auto it = entries_.find(key);
  if (it == entries_.end()) return 0;
  const Entry& e = it->second;
  if (now_ms - e.last_ms >= options_.forget_after_ms) {
    entries_.erase(it);
    return 0;
  }
  int over = e.failures - options_.free_failures;
  if (over <= 0) return 0;
  int64_t delay = options_.base_delay_ms;
  for (int i = 1; i < over && delay < options_.max_delay_ms; ++i) delay *= 2;
  delay = std::min(delay, options_.max_delay_ms);
  return std::max<int64_t>(0, e.last_ms + delay - now_ms);
}

void SignInThrottle::Count(const std::string& key, int64_t now_ms) {
  Entry& e = entries_[key];
  if (e.failures > 0 && now_ms - e.last_ms >= options_.forget_after_ms) e.failures = 0;
  ++e.failures;
  e.last_ms = std::max(e.last_ms, now_ms);
}

int64_t SignInThrottle::WaitMs(const std::string& name, const std::string& address, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  return std::max(WaitFor("n:" + name, now_ms), WaitFor("a:" + address, now_ms));
}

void SignInThrottle::Failed(const std::string& name, const std::string& address, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  if (entries_.size() + 2 > options_.max_entries) {
    // Forget what is old; if still full, the stalest entries.
    for (auto it = entries_.begin(); it != entries_.end();)
      it = now_ms - it->second.last_ms >= options_.forget_after_ms ? entries_.erase(it) : std::next(it);
    while (!entries_.empty() && entries_.size() + 2 > options_.max_entries) {
      auto stalest = std::min_element(entries_.begin(), entries_.end(), [](const auto& a, const auto& b) {
        return a.second.last_ms < b.second.last_ms;
      });
      entries_.erase(stalest);
    }
  }
  Count("n:" + name, now_ms);
  Count("a:" + address, now_ms);
}

void SignInThrottle::Succeeded(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  entries_.erase("n:" + name);
}

void RateLimit::Refill(Bucket& b, int burst, int64_t refill_ms, int64_t now_ms) {
  if (now_ms > b.at_ms) {
    b.tokens = std::min<double>(burst, b.tokens + static_cast<double>(now_ms - b.at_ms) /
                                                      static_cast<double>(std::max<int64_t>(1, refill_ms)));
    b.at_ms = now_ms;
  }
}

int64_t RateLimit::WaitFor(const Bucket& b, int64_t refill_ms) {
  if (b.tokens >= 1) return 0;
  return std::max<int64_t>(1, static_cast<int64_t>((1 - b.tokens) * static_cast<double>(refill_ms)) + 1);
}

int64_t RateLimit::Take(const std::string& address, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!global_started_) {
    global_ = {static_cast<double>(options_.global_burst), now_ms};
    global_started_ = true;
  }
  Refill(global_, options_.global_burst, options_.global_refill_ms, now_ms);
  auto it = by_address_.find(address);
  if (it == by_address_.end()) {
    if (by_address_.size() >= options_.max_entries) {
      // A full bucket holds nothing worth remembering; else the fullest goes.
      for (auto& [a, b] : by_address_) Refill(b, options_.per_address_burst, options_.per_address_refill_ms, now_ms);
      auto fullest = std::max_element(by_address_.begin(), by_address_.end(),
                                      [](const auto& x, const auto& y) { return x.second.tokens < y.second.tokens; });
      by_address_.erase(fullest);
    }
    it = by_address_.emplace(address, Bucket{static_cast<double>(options_.per_address_burst), now_ms}).first;
  }
  Bucket& mine = it->second;
  Refill(mine, options_.per_address_burst, options_.per_address_refill_ms, now_ms);
  int64_t wait = std::max(WaitFor(mine, options_.per_address_refill_ms), WaitFor(global_, options_.global_refill_ms));
  if (wait > 0) return wait;
  mine.tokens -= 1;
  global_.tokens -= 1;
  return 0;
}

}  // namespace simpul::web
