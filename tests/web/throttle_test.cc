// web/throttle.h: failed sign-ins slow the next ones, per name and per address.
#include "web/throttle.h"

#include <doctest/doctest.h>

#include <string>

namespace simpul::web {
namespace {

ThrottleOptions Options() {
  ThrottleOptions o;
  o.free_failures = 3;
  o.base_delay_ms = 1000;
  o.max_delay_ms = 8000;
  o.forget_after_ms = 60000;
  return o;
}

TEST_CASE("throttle: free failures, then waits doubling up to the cap") {
  SignInThrottle t(Options());
  int64_t now = 100000;
  for (int i = 0; i < 3; ++i) {
    CHECK(t.WaitMs("siti", "10.0.0.1", now) == 0);
    t.Failed("siti", "10.0.0.1", now);
  }
  CHECK(t.WaitMs("siti", "10.0.0.1", now) == 0);  // three failures are free
  t.Failed("siti", "10.0.0.1", now);
  CHECK(t.WaitMs("siti", "10.0.0.1", now) == 1000);
  CHECK(t.WaitMs("siti", "10.0.0.1", now + 400) == 600);
  now += 1000;
  t.Failed("siti", "10.0.0.1", now);
  CHECK(t.WaitMs("siti", "10.0.0.1", now) == 2000);
  for (int i = 0; i < 5; ++i) t.Failed("siti", "10.0.0.1", now);
  CHECK(t.WaitMs("siti", "10.0.0.1", now) == 8000);  // capped
}

TEST_CASE("throttle: counted per name and per address") {
  SignInThrottle t(Options());
  for (int i = 0; i < 4; ++i) t.Failed("siti", "10.0.0.1", 0);
  CHECK(t.WaitMs("siti", "10.0.0.9", 0) > 0);  // the name, from anywhere
  CHECK(t.WaitMs("budi", "10.0.0.1", 0) > 0);  // the address, for any name
  CHECK(t.WaitMs("budi", "10.0.0.9", 0) == 0);
}

TEST_CASE("throttle: a success clears the name; old failures are forgotten") {
  SignInThrottle t(Options());
  for (int i = 0; i < 4; ++i) t.Failed("siti", "10.0.0.1", 0);
  t.Succeeded("siti");
  CHECK(t.WaitMs("siti", "10.0.0.2", 0) == 0);
  CHECK(t.WaitMs("siti", "10.0.0.1", 0) > 0);  // the address still waits
  CHECK(t.WaitMs("siti", "10.0.0.1", 60000) == 0);
  t.Failed("siti", "10.0.0.1", 60000);  // counts from one again
  CHECK(t.WaitMs("siti", "10.0.0.1", 60000) == 0);
}

TEST_CASE("throttle: the table is bounded") {
  ThrottleOptions o = Options();
  o.max_entries = 10;
  SignInThrottle t(o);
  for (int i = 0; i < 100; ++i) t.Failed("user" + std::to_string(i), "10.0.0." + std::to_string(i), i);
  // The newest are kept, the stalest forgotten.
  for (int k = 0; k < 4; ++k) t.Failed("user99", "10.0.0.99", 100);
  CHECK(t.WaitMs("user99", "x", 100) > 0);
  CHECK(t.WaitMs("user0", "y", 100) == 0);
}

}  // namespace
}  // namespace simpul::web

namespace simpul::web {
namespace {

TEST_CASE("rate limit: a burst per address, refilled over time, and one for everyone") {
  RateLimitOptions o;
  o.per_address_burst = 2;
  o.per_address_refill_ms = 1000;
  o.global_burst = 3;
  o.global_refill_ms = 10000;
  RateLimit r(o);
  CHECK(r.Take("10.0.0.1", 0) == 0);
  CHECK(r.Take("10.0.0.1", 0) == 0);
  const int64_t wait = r.Take("10.0.0.1", 0);
  CHECK(wait > 0);
  CHECK(wait <= 1001);
  CHECK(r.Take("10.0.0.1", 1000) == 0);  // one token back after refill_ms
  CHECK(r.Take("10.0.0.2", 1000) > 0);   // the global burst (3) is spent
  CHECK(r.Take("10.0.0.2", 9000) > 0);
  CHECK(r.Take("10.0.0.2", 10000) == 0);  // the global bucket has one token again
}

TEST_CASE("rate limit: refused requests take nothing; the table of addresses stays bounded") {
  RateLimitOptions o;
  o.per_address_burst = 1;
  o.per_address_refill_ms = 1000;
  o.global_burst = 1000000;
  o.global_refill_ms = 1;
  o.max_entries = 10;
  RateLimit r(o);
  CHECK(r.Take("a", 0) == 0);
  for (int i = 0; i < 100; ++i) CHECK(r.Take("a", 0) > 0);
  CHECK(r.Take("a", 1000) == 0);  // the refusals did not push its refill back
  for (int i = 0; i < 100; ++i) CHECK(r.Take("b" + std::to_string(i), 2000) == 0);
}

}  // namespace
}  // namespace simpul::web
