// sync/session/link.h: how a round's size follows the link (double until a
// cut, then a quarter; halve at a cut), what the model measures (round
// trip, upload rate, delivery rate at cuts) and what it decides from it
// (pacing, zstd level, which frames can have arrived).
#include "sync/session/link.h"

#include <doctest/doctest.h>

#include "sync/wire/level.h"

namespace simpul::sync::session {
namespace {

// A run's link after its first round measured a LAN's round trip (so the
// rounds push, and nothing is paced).
LinkModel Probed(const LinkMemory& memory, size_t batch, bool stream, uint16_t protocol) {
  LinkModel link(memory, batch, stream, protocol);
  RoundMeasure probe;
  probe.seconds = 0.002;
  probe.bytes_sent = 290;
  probe.bytes_received = 500;
  link.OnDelivered(probe);
  return link;
}

RoundMeasure Push(size_t changes, double seconds, uint64_t bytes_sent = 100000, uint64_t bytes_received = 2000) {
  RoundMeasure m;
  m.changes_pushed = changes;
  m.seconds = seconds;
  m.bytes_sent = bytes_sent;
  m.bytes_received = bytes_received;
  m.streaming = true;
  return m;
}

TEST_CASE("a fresh streamed link: two batches in the first round, frames of 500 changes, doubling to 8 batches") {
  LinkModel link = Probed({}, 1000, /*stream=*/true, /*protocol=*/3);
  CHECK(link.RoundChanges(true) == 2000);
  CHECK(link.FrameChanges(true, 5000) == 500);
  CHECK(link.RoundChanges(false) == 1000);  // a round that cannot stream: one request
  link.OnDelivered(Push(2000, 0.5));
  CHECK(link.RoundChanges(true) == 4000);
  CHECK(link.FrameChanges(true, 5000) == 1000);  // up to the batch option while no cut came
  link.OnDelivered(Push(4000, 0.5));
  link.OnDelivered(Push(8000, 0.5));
  CHECK(link.RoundChanges(true) == 8000);  // kStreamBatchFactor x the option
}

TEST_CASE("a cut in a streamed round halves its frames (not below 250); afterwards growth is by a quarter, "
          "frames at most twice the floor") {
  LinkModel link = Probed({}, 1000, true, 3);
  link.OnCut({/*pushed=*/true, /*multi=*/true, /*streaming=*/true, false});
  CHECK(link.cut_this_run());
  CHECK(link.FrameChanges(true, 5000) == 250);
  CHECK(link.RoundChanges(true) == 2000);  // a streamed round keeps its size
  link.OnDelivered(Push(2000, 1));
  CHECK(link.RoundChanges(true) == 2500);
  CHECK(link.FrameChanges(true, 5000) == 312);
  for (int i = 0; i < 10; ++i) link.OnDelivered(Push(100, 0.01));
  CHECK(link.FrameChanges(true, 5000) == 500);
  CHECK(link.memory().cut_seen);
}

TEST_CASE("a single request cut is halved whole, never below 10; a link that cut last run starts with small frames") {
  LinkModel link = Probed({40, 0, false, 0, 0}, 1000, /*stream=*/false, 2);
  CHECK(link.RoundChanges(false) == 40);
  CHECK(link.FrameChanges(false, 37) == 37);  // one request carries the round
  link.OnCut({true, false, false, false});
  CHECK(link.RoundChanges(false) == 20);
  link.OnCut({true, false, false, false});
  link.OnCut({true, false, false, false});
  CHECK(link.RoundChanges(false) == 10);

  LinkModel again = Probed({0, 0, /*cut_seen=*/true, 0, 0}, 1000, true, 3);
  CHECK(again.FrameChanges(true, 5000) == 250);

  // A batch option under the floor of 10 (--batch 4): rounds of 4, halved after a cut, never above it.
  LinkModel tiny = Probed({}, 4, /*stream=*/false, 3);
  CHECK(tiny.RoundChanges(false) == 4);
  tiny.OnCut({true, false, false, false});
  CHECK(tiny.RoundChanges(false) == 4);
  tiny.OnDelivered(Push(4, 1));
  CHECK(tiny.RoundChanges(false) == 4);
}

TEST_CASE("a round stays within ~20 s of the rate the link achieved") {
  LinkModel link = Probed({}, 1000, true, 3);
  link.OnDelivered(Push(2000, 100));  // 20 changes/s
  CHECK(link.RoundChanges(true) == 400);
}

TEST_CASE("an older hub that refuses streams: one request of at most the option per round") {
  LinkModel link = Probed({8000, 0, false, 0, 0}, 1000, true, 3);
  CHECK(link.RoundChanges(true) == 8000);
  link.StopStreaming();
  CHECK_FALSE(link.stream());
  CHECK(link.RoundChanges(false) == 1000);
}

TEST_CASE("document chunks: double after streamed uploads, halve after an unstreamed cut, within bounds") {
  LinkModel link = Probed({}, 1000, true, 3);
  CHECK(link.chunk() == 64 << 10);
  RoundMeasure docs;
  docs.moved_documents = true;
  docs.streaming = true;
  docs.seconds = 0.1;
  docs.bytes_sent = 64 << 10;
  link.OnDelivered(docs);
  CHECK(link.chunk() == 128 << 10);
  link.OnCut({false, true, true, /*asked_downloads=*/false});
  CHECK(link.chunk() == 128 << 10);  // a streamed upload loses one frame whatever its size
  link.OnCut({false, false, false, false});
  CHECK(link.chunk() == 64 << 10);
  for (int i = 0; i < 10; ++i) link.OnCut({false, false, false, false});
  CHECK(link.chunk() == kMinChunk);
  // A slow round caps the chunk at ~20 s of what it moved (but not below 64 KiB).
  LinkModel slow({0, kMaxChunk, false, 0, 0}, 1000, true, 3);
  docs.seconds = 100;
  docs.bytes_sent = 200 << 10;
  slow.OnDelivered(docs);
  CHECK(slow.chunk() == 64 << 10);
  docs.bytes_sent = 400 << 10;
  LinkModel slower({0, kMaxChunk, false, 0, 0}, 1000, true, 3);
  slower.OnDelivered(docs);
  CHECK(slower.chunk() == 80 << 10);
}

TEST_CASE("pacing: none until a round trip of at least 100 ms is known; then at the measured upload rate") {
  LinkModel link({}, 1000, true, 3);
  CHECK_FALSE(link.PaceFor(1 << 20).paced());
  RoundMeasure small;
  small.seconds = 0.3;
  small.bytes_sent = 600;
  small.bytes_received = 500;
  link.OnDelivered(small);
  CHECK(link.round_trip_s() == doctest::Approx(0.3));
  CHECK_FALSE(link.PaceFor(1 << 20).paced());  // the rate is not known yet
  link.OnDelivered(Push(100, 3.3, /*sent=*/96000, /*received=*/0));  // 96 KB in 3 s past the round trip
  CHECK(link.pace_rate() == doctest::Approx(32000));
  const Pacing p = link.PaceFor(1 << 20);
  CHECK(p.paced());
  CHECK(p.bytes_per_s >= 32000);

  LinkModel lan({}, 1000, true, 3);
  small.seconds = 0.002;
  lan.OnDelivered(small);
  lan.OnDelivered(Push(100, 0.05, 96000, 0));
  CHECK_FALSE(lan.PaceFor(1 << 20).paced());  // a LAN's round time is the hub's work
}

TEST_CASE("every run first measures the round trip with a round that pushes nothing; bodies are paced from the "
          "round after it on a link whose cuts were measured before") {
  LinkModel fresh({}, 1000, true, 3);
  CHECK(fresh.MeasuringRoundTrip());
  CHECK(fresh.RoundChanges(true) == 0);
  CHECK(fresh.RoundChanges(false) == 0);
  fresh.OnCut({false, false, false, false});  // the probe itself was cut: probe again
  CHECK(fresh.MeasuringRoundTrip());
  RoundMeasure probe;
  probe.seconds = 0.6;
  probe.bytes_sent = 290;
  probe.bytes_received = 500;
  fresh.OnDelivered(probe);
  CHECK_FALSE(fresh.MeasuringRoundTrip());
  CHECK(fresh.round_trip_s() == doctest::Approx(0.6));
  CHECK(fresh.RoundChanges(true) == 2000);     // then as a streamed link starts
  CHECK_FALSE(fresh.PaceFor(100000).paced());  // no rate yet: the first whole round measures it
  fresh.OnDelivered(Push(2000, 10, 80000, 600));
  CHECK(fresh.PaceFor(100000).paced());

  // The next run probes again (the laptop may be at the office's LAN
  // today); on a link whose cuts it measured, it paces right after.
  LinkMemory cut_before;
  cut_before.cut_rate = 7000;
  LinkModel next(cut_before, 1000, true, 3);
  CHECK(next.MeasuringRoundTrip());
  next.OnDelivered(probe);
  const Pacing paced = next.PaceFor(100000);
  REQUIRE(paced.paced());
  CHECK(paced.bytes_per_s == doctest::Approx(7000));
  LinkModel office(cut_before, 1000, true, 3);
  probe.seconds = 0.003;
  office.OnDelivered(probe);
  CHECK_FALSE(office.PaceFor(100000).paced());

  // A round too large to measure the round trip is not followed by another
  // probe in the same run.
  LinkModel busy({}, 1000, true, 3);
  busy.OnDelivered(Push(0, 3, 5000, 500));
  CHECK(busy.round_trip_s() == 0);
  CHECK_FALSE(busy.MeasuringRoundTrip());
  CHECK(busy.RoundChanges(true) == 2000);
}

TEST_CASE("the zstd level follows the measured upload rate; a small round may raise the estimate, not lower it") {
  LinkModel link({}, 1000, true, 3);
  CHECK(link.Level() == 19);  // not measured: keep a slow link's bytes
  link.OnDelivered(Push(1000, 0.1, 1 << 20, 1000));  // ~10 MB/s
  CHECK(link.Level() == wire::RequestLevel((1 << 20) / 0.1));
  CHECK(link.Level() < 19);
  const int fast = link.Level();
  RoundMeasure tiny;
  tiny.seconds = 1;
  tiny.bytes_sent = 500;
  link.OnDelivered(tiny);
  CHECK(link.Level() == fast);
  link.OnDelivered(Push(1000, 20, 64 << 10, 1000));  // a large slow round lowers it
  CHECK(link.Level() == 19);
  CHECK(link.memory().send_rate == doctest::Approx((64 << 10) / 20.0));
}

TEST_CASE("which frames can have arrived: unbounded until a cut measured the delivery rate, then 1.25 x rate") {
  LinkModel link = Probed({}, 1000, true, 3);
  CHECK(link.Reach(2) > 1e100);
  link.OnCutRates({8000, 0, -1});
  CHECK(link.Reach(2) == doctest::Approx(1.25 * 8000 * 2 + (16 << 10)));
  CHECK(link.pace_rate() == doctest::Approx(8000));  // paced at it until whole rounds measure better
  link.OnCutRates({16000});
  CHECK(link.memory().cut_rate == doctest::Approx(12000));
}

TEST_CASE("a send rate borrowed from the cut rate picks the level but is not kept as measured") {
  LinkModel link({0, 0, false, /*cut_rate=*/8000, /*send_rate=*/0}, 1000, true, 3);
  CHECK(link.Level() == wire::RequestLevel(8000));
  CHECK(link.memory().send_rate == 0);
  link.OnDelivered(Push(10, 2, 64 << 10, 100));
  CHECK(link.memory().send_rate == doctest::Approx((64 << 10) / 2.0));
}

TEST_CASE("memory round trip: what a run learnt starts the next one") {
  LinkModel link = Probed({}, 1000, true, 3);
  link.OnDelivered(Push(2000, 0.5));
  link.OnCut({true, true, true, false});
  link.OnCutRates({9000});
  const LinkMemory m = link.memory();
  LinkModel next = Probed(m, 1000, true, 3);
  CHECK(next.RoundChanges(true) == link.RoundChanges(true));
  CHECK(next.chunk() == link.chunk());
  CHECK(next.FrameChanges(true, 5000) == 250);
  CHECK(next.Reach(1) == doctest::Approx(link.Reach(1)));
  CHECK(next.Level() == link.Level());
  CHECK_FALSE(next.cut_this_run());
}

}  // namespace
}  // namespace simpul::sync::session
