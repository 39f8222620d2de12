// Sign-in throttling: password guessing is slowed per account name and per
// client address, without locking the rightful person out for long.
//
// After `free_failures` failed sign-ins for a name (or from an address)
// within `forget_after_ms`, each further attempt must wait: base_delay_ms,
// doubling with each failure up to max_delay_ms. While a wait runs, a
// sign-in is refused without checking the password (the caller answers 429
// with Retry-After, and audits it). A success clears the name's count (not
// the address's: one office may share an address with a guesser).
//
// Behind a reverse proxy every client has the proxy's address; the count
// per name still applies.
//
// Thread-safety: internally locked. Times are passed in (tests need no
// sleeping).
#ifndef SIMPUL_WEB_THROTTLE_H_
#define SIMPUL_WEB_THROTTLE_H_

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace simpul::web {

struct ThrottleOptions {
  int free_failures = 3;
  int64_t base_delay_ms = 2000;
  int64_t max_delay_ms = 5 * 60 * 1000;
  int64_t forget_after_ms = 15 * 60 * 1000;  // failures older than this are forgotten
  size_t max_entries = 10000;                // beyond: the stalest entries go
};

class SignInThrottle {
 public:
  explicit SignInThrottle(ThrottleOptions options) : options_(options) {}

  // Milliseconds before a sign-in as `name` from `address` may be tried;
  // 0 when it may be tried now.
  int64_t WaitMs(const std::string& name, const std::string& address, int64_t now_ms);
  void Failed(const std::string& name, const std::string& address, int64_t now_ms);
  void Succeeded(const std::string& name);

 private:
  struct Entry {
    int failures = 0;
    int64_t last_ms = 0;
  };
  int64_t WaitFor(const std::string& key, int64_t now_ms);
  void Count(const std::string& key, int64_t now_ms);

  const ThrottleOptions options_;
  std::mutex mu_;
  std::map<std::string, Entry> entries_;  // "n:" + name, "a:" + address
};

// A rate limit on requests that create something for an unauthenticated
// caller (the office kiosk's registrations, node/api/kiosk_app.cc): a token
// bucket per client address and one for everyone. Each bucket holds up to
// `burst` requests and regains one every `refill_ms`; a request takes one
// token from both its address's bucket and the global one, or is refused
// (the caller answers 429 with Retry-After) and takes none.
//
// Thread-safety: internally locked. Times are passed in.
struct RateLimitOptions {
  int per_address_burst = 5;
  int64_t per_address_refill_ms = 60 * 1000;
  int global_burst = 30;
  int64_t global_refill_ms = 10 * 1000;
  size_t max_entries = 10000;  // addresses remembered; beyond: the fullest buckets go
};

class RateLimit {
 public:
  explicit RateLimit(RateLimitOptions options) : options_(options) {}

  // 0 when a request from `address` may go now (its tokens are taken), else
  // the milliseconds until it may.
  int64_t Take(const std::string& address, int64_t now_ms);

 private:
  struct Bucket {
    double tokens = 0;
    int64_t at_ms = 0;
  };
  static void Refill(Bucket& b, int burst, int64_t refill_ms, int64_t now_ms);
  static int64_t WaitFor(const Bucket& b, int64_t refill_ms);

  const RateLimitOptions options_;
  std::mutex mu_;
  Bucket global_;
  bool global_started_ = false;
  std::map<std::string, Bucket> by_address_;
};

}  // namespace simpul::web

#endif  // SIMPUL_WEB_THROTTLE_H_
