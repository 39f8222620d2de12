// The zstd level of requests from the link's measured rate
// (sync/wire/level.h): slow and unmeasured links keep level 19 and its
// bytes, fast links get a cheap level, and the choice never gets more
// expensive in CPU as the link gets faster.
#include <doctest/doctest.h>

#include "sync/wire/codec.h"
#include "sync/wire/level.h"

namespace simpul::sync::wire {
namespace {

TEST_CASE("an unmeasured link gets level 19") {
  CHECK(RequestLevel(0) == 19);
  CHECK(RequestLevel(-1) == 19);
}

TEST_CASE("slow links keep level 19, fast links get a cheap level") {
  CHECK(RequestLevel(1'000) == 19);  // 8 kbit/s
  CHECK(RequestLevel(8'000) == 19);  // 64 kbit/s, its bytes kept
  CHECK(RequestLevel(1e6) == 1);     // 8 Mbit/s
  CHECK(RequestLevel(50e6) == 1);    // loopback
}

TEST_CASE("a faster link never gets a slower level") {
  int previous = RequestLevel(100);
  for (double rate = 100; rate < 1e9; rate *= 1.25) {
    int level = RequestLevel(rate);
    CHECK(level <= previous);
    previous = level;
  }
}

TEST_CASE("the chosen level costs least of the levels considered") {
  for (double rate : {2e3, 8e3, 1e5, 5e5, 2e6, 1e7, 1e8}) {
    const int chosen = RequestLevel(rate);
    for (int level : {1, 3, 9, 19})
      CHECK(RequestCostSeconds(chosen, 1e6, rate) <= RequestCostSeconds(level, 1e6, rate));
  }
}

// Existing hubs decode whatever level the node chose: zstd frames say how
// to read them, whatever level wrote them.
TEST_CASE("requests at a cheap level decode as before, alone and as a shared stream") {
  SyncRequest req;
  for (int i = 0; i < 300; ++i) {
    Change c;
    c.version = "0000000001" + std::to_string(i);
    c.table = "households";
    c.row_id = "row-" + std::to_string(i);
    c.village = "35.10.01.2001";
    c.fields = {{"address", std::string("Dusun Krajan ") + std::to_string(i), ""}};
    req.push.push_back(std::move(c));
  }
  for (int level : {1, 3, 19}) {
    CAPTURE(level);
    auto one = DecodeSyncRequest(Encode(req, kProtocolMax, level));
    REQUIRE(one.ok());
    CHECK(one->push.size() == 300);
    SharedCompressor out(level);
    SharedDecompressor in;
    for (int frame = 0; frame < 3; ++frame) {
      auto got = in.Decode(out.Next(req, kProtocolMax));
      REQUIRE(got.ok());
      CHECK(got->push.back().row_id == "row-299");
    }
  }
}

}  // namespace
}  // namespace simpul::sync::wire
