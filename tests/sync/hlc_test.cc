// Tests for sync/hlc.h: the hybrid logical clock never goes backwards, its
// counter overflows safely, remote stamps are adopted only within bounds, and
// version strings sort in stamp order.
#include "sync/hlc.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace simpul::sync {
namespace {

// A clock the test sets by hand.
class FakeClock : public Clock {
 public:
  explicit FakeClock(uint64_t now = 0) : now(now) {}
  uint64_t NowMs() override { return now; }
  uint64_t now;
};

constexpr uint64_t kT = 1'000'000'000'000ULL;  // 2001-09-09, in ms

TEST_CASE("Stamp packs milliseconds and a counter") {
  Stamp s = Stamp::Make(kT, 7);
  CHECK(s.physical_ms() == kT);
  CHECK(s.counter() == 7);
  CHECK(s.packed == ((kT << 16) | 7));
  CHECK(Stamp::Make(kT, 0xffff).counter() == 0xffff);
  CHECK(Stamp::Make(kT, 0x10000).counter() == 0);  // masked to 16 bits
  const uint64_t max_ms = (1ULL << 48) - 1;
  CHECK(Stamp::Make(max_ms, 0).physical_ms() == max_ms);
  // Ordering: physical time first, then counter.
  CHECK(Stamp::Make(kT, 0xffff) < Stamp::Make(kT + 1, 0));
  CHECK(Stamp::Make(kT, 1) < Stamp::Make(kT, 2));
  CHECK(Stamp{} < Stamp::Make(0, 1));
}

TEST_CASE("Hlc::Now follows the wall clock when it moves forward") {
  FakeClock clock(kT);
  Hlc hlc(&clock, "n1");
  Stamp a = hlc.Now();
  CHECK(a == Stamp::Make(kT, 0));
  Stamp b = hlc.Now();
  CHECK(b == Stamp::Make(kT, 1));
  clock.now = kT + 5;
  Stamp c = hlc.Now();
  CHECK(c == Stamp::Make(kT + 5, 0));
  CHECK(hlc.last() == c);
  CHECK(hlc.node_id() == "n1");
}

TEST_CASE("Hlc::Now is strictly monotonic when the wall clock jumps back") {
  FakeClock clock(kT);
  Hlc hlc(&clock, "laptop");
  std::vector<Stamp> stamps;
  // 1e12 ms, then the CMOS battery dies (1970), then NTP half-fixes it.
  const uint64_t times[] = {kT, kT, 0, 0, 500'000'000'000ULL, kT - 1, kT, kT + 1, 3};
  for (uint64_t t : times) {
    clock.now = t;
    for (int i = 0; i < 3; ++i) stamps.push_back(hlc.Now());
  }
  for (size_t i = 1; i < stamps.size(); ++i) {
    CAPTURE(i);
    CHECK(stamps[i - 1] < stamps[i]);
    CHECK(hlc.Version(stamps[i - 1]) < hlc.Version(stamps[i]));
  }
  // While the wall clock is behind, the physical part does not go back.
  for (const Stamp& s : stamps) CHECK(s.physical_ms() >= kT);
  // Once the wall clock passes the last physical time, it is followed again.
  clock.now = kT + 1000;
  Stamp s = hlc.Now();
  CHECK(s == Stamp::Make(kT + 1000, 0));
}

TEST_CASE("Hlc::Now stays strictly increasing when the counter overflows") {
  FakeClock clock(kT);
  Hlc hlc(&clock, "busy");
  Stamp prev = hlc.Now();
  int violations = 0;
  for (int i = 1; i < 70'000; ++i) {
    Stamp s = hlc.Now();
    if (!(prev < s)) ++violations;
    if (i == 0xffff) {
      CHECK(s.physical_ms() == kT);
      CHECK(s.counter() == 0xffff);
    }
    if (i == 0x10000) {
      // The counter is exhausted: the clock borrows the next millisecond.
      CHECK(s.physical_ms() == kT + 1);
      CHECK(s.counter() == 0);
    }
    prev = s;
  }
  CHECK(violations == 0);
  CHECK(prev.physical_ms() == kT + 1);
  CHECK(prev.counter() == 70'000 - 1 - 0x10000);
  // When the wall clock reaches the borrowed millisecond, no stamp repeats.
  clock.now = kT + 1;
  Stamp s = hlc.Now();
  CHECK(prev < s);
  clock.now = kT + 2;
  CHECK(hlc.Now() == Stamp::Make(kT + 2, 0));
}

TEST_CASE("Hlc::Observe adopts remote stamps within max_ahead only") {
  const uint64_t kMaxAhead = 60'000;
  FakeClock clock(kT);
  Hlc hlc(&clock, "n1");
  Stamp mine = hlc.Now();

  SUBCASE("a remote stamp ahead within bounds is adopted") {
    Stamp remote = Stamp::Make(kT + 5'000, 42);
    CHECK(hlc.Observe(remote, kMaxAhead));
    CHECK(hlc.last() == remote);
    Stamp next = hlc.Now();
    CHECK(remote < next);
    CHECK(next == Stamp::Make(kT + 5'000, 43));
  }
  SUBCASE("exactly max_ahead ahead is still adopted") {
    Stamp remote = Stamp::Make(kT + kMaxAhead, 0xffff);
    CHECK(hlc.Observe(remote, kMaxAhead));
    CHECK(hlc.last() == remote);
    CHECK(remote < hlc.Now());
  }
  SUBCASE("one millisecond too far ahead is refused and ignored") {
    Stamp remote = Stamp::Make(kT + kMaxAhead + 1, 0);
    CHECK_FALSE(hlc.Observe(remote, kMaxAhead));
    CHECK(hlc.last() == mine);
    Stamp next = hlc.Now();
    CHECK(next < remote);
    CHECK(next == Stamp::Make(kT, 1));
  }
  SUBCASE("a laptop set days ahead cannot drag the clock") {
    Stamp remote = Stamp::Make(kT + 3ULL * 24 * 3600 * 1000, 0);
    CHECK_FALSE(hlc.Observe(remote, kMaxAhead));
    CHECK(hlc.last() == mine);
  }
  SUBCASE("an older remote stamp is accepted but does not move the clock back") {
    CHECK(hlc.Observe(Stamp::Make(kT - 10'000, 3), kMaxAhead));
    CHECK(hlc.last() == mine);
    CHECK(mine < hlc.Now());
  }
  SUBCASE("same physical time, higher counter: adopted") {
    Stamp remote = Stamp::Make(kT, 100);
    CHECK(hlc.Observe(remote, kMaxAhead));
    CHECK(hlc.Now() == Stamp::Make(kT, 101));
  }
  SUBCASE("max_ahead 0 accepts up to our own wall clock") {
    CHECK(hlc.Observe(Stamp::Make(kT, 0xfff0), 0));
    CHECK_FALSE(hlc.Observe(Stamp::Make(kT + 1, 0), 0));
  }
  SUBCASE("the bound is measured against the wall clock, not the HLC") {
    // The wall clock moved on since our last stamp: the window moves with it.
    clock.now = kT + 100'000;
    CHECK_FALSE(hlc.Observe(Stamp::Make(kT + 100'000 + kMaxAhead + 1, 0), kMaxAhead));
    CHECK(hlc.Observe(Stamp::Make(kT + 100'000 + kMaxAhead, 0), kMaxAhead));
  }
}

TEST_CASE("the receive rule at a node: bounded by the hub's clock, not the laptop's") {
  // A laptop reset to 1970 hears the hub (its time, in the reply, is kT): it
  // adopts the hub's stamps, and a village sibling's only within the bound
  // of the hub's time, so a laptop 3 days fast cannot drag it.
  const uint64_t kDay = 24ull * 3600 * 1000;
  FakeClock clock(0);
  Hlc hlc(&clock, "laptop");
  Stamp before = hlc.Now();
  struct Case {
    const char* name;
    Stamp remote;
    bool adopted;
  };
  const Case cases[] = {
      {"the hub's own stamp", Stamp::Make(kT - 5, 2), true},
      {"a sibling a few hours ahead of the hub", Stamp::Make(kT + 5 * 3600 * 1000, 0), true},
      {"exactly the bound ahead of the hub", Stamp::Make(kT + kDefaultMaxAheadMs, 0xffff), true},
      {"one millisecond past the bound", Stamp::Make(kT + kDefaultMaxAheadMs + 1, 0), false},
      {"a sibling 3 days fast", Stamp::Make(kT + 3 * kDay, 0), false},
  };
  for (const auto& c : cases) {
    CAPTURE(std::string(c.name));
    Hlc h(&clock, "laptop", before);
    CHECK(h.ObserveWithin(c.remote, kT, kDefaultMaxAheadMs) == c.adopted);
    CHECK((h.last() == c.remote) == c.adopted);
    if (!c.adopted) {
      CHECK(h.last() == before);
      CHECK(h.Now() < c.remote);
    }
    // Against the laptop's own 1970 clock, everything past the bound of 1970
    // would have been refused: the reference matters.
    CHECK_FALSE(Hlc(&clock, "laptop").Observe(c.remote, kDefaultMaxAheadMs));
  }
  CHECK(kDefaultMaxAheadMs == kDay);
}

TEST_CASE("Hlc::IsWallReading: only a stamp read from the wall clock says what that clock says") {
  FakeClock clock(kT);
  Hlc hlc(&clock, "n1");
  CHECK(Hlc::IsWallReading(hlc.Now()));         // the wall clock, as read
  CHECK_FALSE(Hlc::IsWallReading(hlc.Now()));   // same millisecond: counted on
  // Dragged by a base 3 days ahead (Witness): its stamps count on from it and
  // never read as the laptop's wall clock, though they are far ahead.
  const Stamp base = Stamp::Make(kT + 3ull * 24 * 3600 * 1000, 0);
  hlc.Witness(base);
  for (int i = 0; i < 100; ++i) {
    clock.now += 1000;
    Stamp s = hlc.Now();
    CHECK(base < s);
    CHECK_FALSE(Hlc::IsWallReading(s));
  }
  // Once the wall clock passes it, stamps read it again.
  clock.now = base.physical_ms() + 1;
  CHECK(Hlc::IsWallReading(hlc.Now()));
}

TEST_CASE("SystemClock: the test-only SIMPUL_CLOCK_OFFSET_MS shifts it; a malformed value is ignored") {
  CHECK(ParseClockOffset(nullptr) == 0);
  CHECK(ParseClockOffset("") == 0);
  CHECK(ParseClockOffset("259200000") == 259'200'000);
  CHECK(ParseClockOffset("-259200000") == -259'200'000);
  for (const char* bad : {"3d", "12 ", "0x10", "--5", "99999999999999999999999"}) {
    CAPTURE(std::string(bad));
    CHECK(ParseClockOffset(bad) == 0);
  }
  SystemClock real, fast(259'200'000), before_epoch(-static_cast<int64_t>(real.NowMs()) - 1'000'000);
  uint64_t r = real.NowMs(), f = fast.NowMs();
  CHECK(f >= r + 259'200'000);
  CHECK(f < r + 259'200'000 + 60'000);
  CHECK(before_epoch.NowMs() == 0);  // before 1970 reads as 1970
}

TEST_CASE("Hlc resumes after a persisted last stamp") {
  const Stamp persisted = Stamp::Make(2 * kT, 5);
  SUBCASE("wall clock behind the persisted stamp (reset after restart)") {
    FakeClock clock(kT);
    Hlc hlc(&clock, "n1", persisted);
    CHECK(hlc.last() == persisted);
    Stamp s = hlc.Now();
    CHECK(persisted < s);
    CHECK(s == Stamp::Make(2 * kT, 6));
  }
  SUBCASE("wall clock equal to the persisted physical time") {
    FakeClock clock(2 * kT);
    Hlc hlc(&clock, "n1", persisted);
    CHECK(hlc.Now() == Stamp::Make(2 * kT, 6));
  }
  SUBCASE("wall clock ahead: it is followed") {
    FakeClock clock(2 * kT + 1);
    Hlc hlc(&clock, "n1", persisted);
    CHECK(hlc.Now() == Stamp::Make(2 * kT + 1, 0));
  }
  SUBCASE("persisted with an exhausted counter") {
    FakeClock clock(0);
    Hlc hlc(&clock, "n1", Stamp::Make(kT, 0xffff));
    CHECK(hlc.Now() == Stamp::Make(kT + 1, 0));
  }
}

TEST_CASE("version strings sort lexically in stamp order, ties by node id") {
  std::vector<std::pair<Stamp, std::string>> items;
  const uint64_t times[] = {0, 1, 9, 10, 15, 16, 255, 256, 0xfffff, kT, kT + 1, 2 * kT,
                            (1ULL << 47), (1ULL << 48) - 1};
  const uint32_t counters[] = {0, 1, 9, 10, 0xf, 0x10, 0xff, 0x100, 0xfffe, 0xffff};
  const char* nodes[] = {"a", "b", "hub", "node-3510012001", "node-3510012002", "z"};
  std::mt19937 rng(7);
  for (uint64_t t : times)
    for (uint32_t c : counters) items.emplace_back(Stamp::Make(t, c), nodes[rng() % 6]);
  // Same stamp on several nodes.
  for (const char* n : nodes) items.emplace_back(Stamp::Make(kT, 3), n);

  std::vector<std::pair<Stamp, std::string>> by_stamp = items;
  std::sort(by_stamp.begin(), by_stamp.end());
  std::vector<std::string> by_stamp_versions;
  for (const auto& [s, n] : by_stamp) by_stamp_versions.push_back(Hlc::FormatVersion(s, n));

  std::vector<std::string> lexical;
  for (const auto& [s, n] : items) lexical.push_back(Hlc::FormatVersion(s, n));
  std::sort(lexical.begin(), lexical.end());
  CHECK(lexical == by_stamp_versions);

  // Format details.
  CHECK(Hlc::FormatVersion(Stamp{0}, "n") == "0000000000000000.n");
  CHECK(Hlc::FormatVersion(Stamp::Make(kT, 0xab), "hub") == "00e8d4a51000" "00ab.hub");
  CHECK(Hlc::FormatVersion(Stamp{~0ULL}, "x") == "ffffffffffffffff.x");
  FakeClock clock(kT);
  Hlc hlc(&clock, "node-1");
  CHECK(hlc.Version(Stamp::Make(1, 2)) == Hlc::FormatVersion(Stamp::Make(1, 2), "node-1"));
}

TEST_CASE("ParseVersion round trip") {
  const std::pair<Stamp, std::string> cases[] = {
      {Stamp{0}, "a"},
      {Stamp::Make(kT, 0), "hub"},
      {Stamp::Make(kT, 0xffff), "node-3510012001"},
      {Stamp{~0ULL}, "n"},
      {Stamp{0x0123456789abcdefULL}, "x.y"},  // node ids may contain dots
  };
  for (const auto& [stamp, node] : cases) {
    CAPTURE(node);
    std::string v = Hlc::FormatVersion(stamp, node);
    Stamp parsed;
    std::string parsed_node;
    REQUIRE(Hlc::ParseVersion(v, &parsed, &parsed_node));
    CHECK(parsed == stamp);
    CHECK(parsed_node == node);
    CHECK(Hlc::FormatVersion(parsed, parsed_node) == v);
    // Either output may be omitted.
    Stamp only;
    CHECK(Hlc::ParseVersion(v, &only, nullptr));
    CHECK(only == stamp);
    CHECK(Hlc::ParseVersion(v, nullptr, nullptr));
  }
}

TEST_CASE("ParseVersion rejects malformed strings") {
  const char* cases[] = {
      "",
      "0",
      "0000000000000000",         // no node
      "0000000000000000.",        // empty node id
      "000000000000000.node",     // 15 hex digits
      "00000000000000000.node",   // 17 hex digits
      "0000000000000000-node",    // wrong separator
      "000000000000000g.node",    // not hex
      "00000000000000AB.node",    // upper case is not canonical (would sort wrong)
      " 000000000000000.node",
      "+000000000000000.node",
      "0x00000000000000.node",
      ".000000000000000.node",
  };
  for (const char* v : cases) {
    CAPTURE(std::string(v));
    Stamp s = Stamp::Make(9, 9);
    std::string node = "untouched";
    CHECK_FALSE(Hlc::ParseVersion(v, &s, &node));
    CHECK(s == Stamp::Make(9, 9));
    CHECK(node == "untouched");
  }
}

}  // namespace
}  // namespace simpul::sync
