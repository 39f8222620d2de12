// sync/transport/pacing.h: what a paced writer may have written when, and
// the pacing chosen for a link. A model link (rate, one-way delay) checks
// the point of it: what is written but not yet delivered stays about one
// bandwidth-delay product, and the link finishes no later than unpaced.
#include "sync/transport/pacing.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace simpul::sync {
namespace {

TEST_CASE("unpaced: the whole body at once") {
  CHECK(PacedBytes(Pacing{}, 0, 1000) == 1000);
  CHECK(PacedWait(Pacing{}, 0, 0, 1000) == 0);
  CHECK_FALSE(Pacing{std::numeric_limits<double>::quiet_NaN(), 10}.paced());
  CHECK_FALSE(Pacing{std::numeric_limits<double>::infinity(), 10}.paced());
  CHECK_FALSE(Pacing{-5, 10}.paced());
}

TEST_CASE("paced: ahead at once, then the rate; the wait reaches exactly the allowance") {
  const Pacing p{1000, 4096};
  CHECK(PacedBytes(p, 0, 100000) == 4096);
  CHECK(PacedBytes(p, -3, 100000) == 4096);  // a clock stepping back never writes less than ahead
  CHECK(PacedBytes(p, 2, 100000) == 6096);
  CHECK(PacedBytes(p, 1e9, 100000) == 100000);
  CHECK(PacedWait(p, 0, 0, 4096) == 0);
  CHECK(PacedWait(p, 0, 4096, 1000) == doctest::Approx(1.0));
  CHECK(PacedWait(p, 0.5, 4096, 1000) == doctest::Approx(0.5));
  CHECK(PacedWait(p, 5, 4096, 1000) == 0);
  const double at = PacedWait(p, 0, 5000, 1460);
  CHECK(PacedBytes(p, at, 100000) >= 5000 + 1460);
}

TEST_CASE("the pacing for a link: ahead ~ rate x RTT/4 within bounds; small bodies and unknown links not paced; "
          "never slower than the deadline allows") {
  CHECK_FALSE(PaceForLink(0, 0.6, 1 << 20, 20).paced());
  CHECK_FALSE(PaceForLink(-1, 0.6, 1 << 20, 20).paced());
  CHECK_FALSE(PaceForLink(std::numeric_limits<double>::quiet_NaN(), 0.6, 1 << 20, 20).paced());
  CHECK_FALSE(PaceForLink(32000, std::numeric_limits<double>::infinity(), 1 << 20, 20).paced());
  CHECK_FALSE(PaceForLink(32000, 0.6, 4000, 20).paced());  // within ahead: nothing to pace
  Pacing p = PaceForLink(32000, 0.6, 400 << 10, 20);
  CHECK(p.bytes_per_s == 32000);
  CHECK(p.ahead == 4800);  // 32,000 x 0.6 / 4
  CHECK(PaceForLink(8000, 0.6, 400 << 10, 20).ahead == kMinAhead);  // 1,200 bytes: the floor
  p = PaceForLink(200000, 1.0, 4 << 20, 60);
  CHECK(p.ahead == 50000);
  CHECK(PaceForLink(1e9, 10, 1ull << 30, 60).ahead == kMaxAhead);
  // 1 MB at 1,000 B/s would take 1,000 s: the deadline wins.
  p = PaceForLink(1000, 0.6, 1000000, 20);
  CHECK(p.bytes_per_s == doctest::Approx((1000000.0 - kMinAhead) / 20));
}

// A link of `rate` bytes/s and `delay` s one way, fed by a writer paced by
// `p`: the largest gap between written and delivered bytes, and when the
// last byte arrives.
struct LinkRun {
  double max_gap = 0, finish = 0;
};
LinkRun RunLink(const Pacing& p, uint64_t body, double rate, double delay) {
  LinkRun r;
  double arrival = 0;
  uint64_t arrived = 0;
  constexpr uint64_t kPiece = 256;
  for (uint64_t end = kPiece; arrived < body; end = std::min(end + kPiece, body)) {
    end = std::min(end, body);
    const double wrote_at = p.paced() && end > p.ahead ? static_cast<double>(end - p.ahead) / p.bytes_per_s : 0;
    arrival = std::max(arrival + static_cast<double>(end - arrived) / rate, wrote_at + delay);
    // Just before this piece arrives, `arrived` bytes are at the far end.
    r.max_gap = std::max(r.max_gap, static_cast<double>(PacedBytes(p, arrival, body)) - static_cast<double>(arrived));
    arrived = end;
  }
  r.finish = arrival;
  return r;
}

TEST_CASE("paced at the link's rate: about one bandwidth-delay product in flight, and no later") {
  for (double rate : {8000.0, 32000.0, 125000.0}) {
    for (double delay : {0.05, 0.3, 1.0}) {
      CAPTURE(rate);
      CAPTURE(delay);
      const uint64_t body = 400 << 10;
      const double bdp = rate * 2 * delay;
      LinkRun unpaced = RunLink(Pacing{}, body, rate, delay);
      LinkRun paced = RunLink(PaceForLink(rate, 2 * delay, body, 1e9), body, rate, delay);
      CHECK(unpaced.max_gap >= body - 256);  // all of it in the buffers at the start
      CHECK(paced.max_gap <= std::max(bdp, bdp / 2 + kMinAhead) + 256);
      CHECK(paced.finish <= unpaced.finish + 1e-6);
    }
  }
}

}  // namespace
}  // namespace simpul::sync
