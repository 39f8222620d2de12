// sync/session/session.h: a node's sync rounds as a state machine, driven
// here by a fake clock and scripted cuts, with no store and no sockets.
#include "sync/session/session.h"

#include <doctest/doctest.h>

#include <map>

namespace simpul::sync::session {
namespace {

class NoDocuments : public DocumentSource {
 public:
  Result<std::string> Read(const std::string&, uint64_t, uint64_t) const override { return std::string(); }
  uint64_t PartialSize(const std::string&) const override { return 0; }
};

std::vector<Pending> Outbox(int64_t from, int64_t n) {
  std::vector<Pending> out;
  for (int64_t s = from; s < from + n; ++s) {
    wire::Change c;
    c.version = "0000000000000001.node";
    c.table = "persons";
    c.row_id = "row" + std::to_string(s);
    out.push_back({s, c});
  }
  return out;
}

// A request of a node past its first snapshot.
wire::SyncRequest CaughtUp() {
  wire::SyncRequest base;
  base.initial = false;
  return base;
}

struct Fixture {
  double now = 100;
  NoDocuments none;
  // `probed`: the run's first round measured the round trip (a LAN's), so
  // the rounds scripted here push (PROTOCOL.md §12).
  Session Make(size_t batch, uint16_t protocol = 3, bool stream = true, DocumentWork docs = {}, bool probed = true) {
    SessionSetup setup;
    setup.batch_option = batch;
    setup.protocol = protocol;
    setup.stream = stream;
    setup.max_retries_after_cut = 2;
    setup.clock = [this] { return now; };
    Session s(setup, LinkMemory{}, std::move(docs));
    if (probed) {
      RoundMeasure probe;
      probe.seconds = 0.002;
      probe.bytes_sent = 290;
      probe.bytes_received = 500;
      s.link().OnDelivered(probe);
    }
    return s;
  }
  // Seals the round as frames of `bytes` each, from counter `counter`.
  void Send(Session& s, Round* r, uint64_t counter, size_t bytes) {
    s.Sending(r, counter, std::vector<size_t>(r->frames.size(), bytes));
  }
};

TEST_CASE_FIXTURE(Fixture, "a round cuts the outbox into frames; only the last one pulls and asks the repair") {
  Session s = Make(300);
  CHECK(s.ChangesToRead(false) == 600);
  auto r = s.NextRequest(CaughtUp(), Outbox(1, 1000), none);
  REQUIRE(r.ok());
  REQUIRE(r->frames.size() == 2);  // 600 changes, 300 per frame
  CHECK(r->pushed == 600);
  CHECK(r->frames[0].req.skip_pull);
  CHECK_FALSE(r->frames[1].req.skip_pull);
  CHECK(r->frames[1].seqs.front() == 301);
  CHECK(r->frames[1].req.batch_id == 301);
  CHECK_FALSE(r->moves_documents);
  CHECK_FALSE(r->recovering);

  Session old = Make(300, /*protocol=*/2);
  r = old.NextRequest(CaughtUp(), Outbox(1, 1000), none);
  CHECK(r->frames.size() == 2);
  CHECK(r->frames[0].req.pull_limit == 1);  // protocol 2 cannot skip the pull
  // Before protocol 3 a snapshot page answers one frame only: no streaming.
  CHECK_FALSE(old.Streaming(/*initial=*/true));
  CHECK(s.Streaming(true));
}

TEST_CASE_FIXTURE(Fixture, "a cut: the frames that left are in doubt, those never written go again at once; "
                           "the next round asks what became of them and leaves their rows out") {
  Session s = Make(300);
  auto r = s.NextRequest(CaughtUp(), Outbox(1, 600), none);
  REQUIRE(r.ok());
  Send(s, &*r, /*counter=*/50, /*bytes=*/10000);
  now += 3;
  CHECK(s.OnCut(*r, /*bytes_written=*/12000));  // the second frame had begun, so both are in doubt
  CHECK(s.doubts().sent.size() == 2);
  CHECK(s.doubts().sent[1].counter == 51);
  CHECK(s.link().FrameChanges(true, 1000) == 250);

  auto next = s.NextRequest(CaughtUp(), Outbox(1, 900), none);
  REQUIRE(next.ok());
  CHECK(next->recovering);
  CHECK(next->frames.front().req.recover_from == 50);
  CHECK(next->pushed == 300);  // 900 read, 600 in doubt
  CHECK(next->frames.front().seqs.front() == 601);

  // Only the first frame left before this cut.
  Session t = Make(300);
  r = t.NextRequest(CaughtUp(), Outbox(1, 600), none);
  Send(t, &*r, 70, 10000);
  now += 1;
  t.OnCut(*r, 9000);
  CHECK(t.doubts().sent.size() == 1);
  CHECK(t.doubts().sent[0].counter == 70);
}

TEST_CASE_FIXTURE(Fixture, "a link never measured: the first round pushes nothing unless what waits is small, "
                           "and moves no document while records wait") {
  DocumentWork docs;
  docs.up = {"u"};
  docs.size["u"] = 100;
  Session s = Make(300, 3, true, docs, /*probed=*/false);
  CHECK(s.ChangesToRead(false) == kSmallPushChanges + 1);  // enough to tell a small push
  auto r = s.NextRequest(CaughtUp(), Outbox(1, kSmallPushChanges + 1), none);
  REQUIRE(r.ok());
  CHECK(r->pushed == 0);
  REQUIRE(r->frames.size() == 1);
  CHECK(r->frames[0].req.push.empty());
  CHECK_FALSE(r->moves_documents);
  CHECK(r->frames[0].req.blob_chunks.empty());
  // A small push goes at once, within the batch.
  Session small = Make(300, 3, true, {}, /*probed=*/false);
  auto one = small.NextRequest(CaughtUp(), Outbox(1, kSmallPushChanges), none);
  REQUIRE(one.ok());
  CHECK(one->pushed == kSmallPushChanges);
  Session narrow = Make(2, 3, /*stream=*/false, {}, /*probed=*/false);
  auto two = narrow.NextRequest(CaughtUp(), Outbox(1, 7), none);
  REQUIRE(two.ok());
  CHECK(two->pushed == 2);
  // Delivered, the probe measured the round trip: the next round pushes.
  Send(s, &*r, 1, 150);
  now += 0.6;
  s.OnDelivered(*r, 290, 500);
  CHECK(s.link().round_trip_s() == doctest::Approx(0.6));
  auto next = s.NextRequest(CaughtUp(), Outbox(1, 1000), none);
  REQUIRE(next.ok());
  CHECK(next->pushed == 600);
}

TEST_CASE_FIXTURE(Fixture, "with the delivery rate known, frames starting beyond what the link can have carried "
                           "are not in doubt") {
  Session s = Make(100);
  s.link().OnCutRates({1000});  // 1 KB/s: in 2 s at most 2.5 KB + 16 KiB
  auto r = s.NextRequest(CaughtUp(), Outbox(1, 2000), none);
  REQUIRE(r.ok());
  REQUIRE(r->frames.size() == 2);
  Send(s, &*r, 1, 40000);
  now += 2;
  s.OnCut(*r, /*bytes_written=*/80000);
  CHECK(s.doubts().sent.size() == 1);
}

TEST_CASE_FIXTURE(Fixture, "the hub's answer settles the doubts: handled, never reached, asked again") {
  DocumentWork docs;
  Session s = Make(300, 3, true, docs);
  auto r = s.NextRequest(CaughtUp(), Outbox(1, 600), none);
  Send(s, &*r, 10, 1000);
  s.OnCut(*r, 2000);
  wire::SyncReply reply;
  reply.protocol = 3;
  reply.handled_through = 10;
  reply.recovered.push_back({10, std::vector<wire::ItemResult>(300), {}});
  auto verdicts = s.Judge(reply);
  REQUIRE(verdicts.size() == 2);
  CHECK(verdicts[0].fate == Verdict::Fate::kHandled);
  CHECK(verdicts[1].fate == Verdict::Fate::kNotReached);
  s.DoubtsSettled();
  auto next = s.NextRequest(CaughtUp(), Outbox(301, 300), none);
  CHECK_FALSE(next->recovering);
  CHECK(next->pushed == 300);
}

TEST_CASE_FIXTURE(Fixture, "too many cuts in a row end the run; a delivered round resets the count") {
  Session s = Make(300);
  auto r = s.NextRequest(CaughtUp(), Outbox(1, 10), none);
  Send(s, &*r, 1, 100);
  CHECK(s.OnCut(*r, 0));
  CHECK(s.OnCut(*r, 0));
  s.OnDelivered(*r, 100, 100);
  CHECK(s.OnCut(*r, 0));
  CHECK(s.OnCut(*r, 0));
  CHECK_FALSE(s.OnCut(*r, 0));
}

TEST_CASE_FIXTURE(Fixture, "round times come from the injected clock: the round trip, then the pacing") {
  Session s = Make(300, 3, true, {}, /*probed=*/false);
  auto r = s.NextRequest(CaughtUp(), {}, none);
  Send(s, &*r, 1, 500);
  now += 0.4;
  s.OnDelivered(*r, 700, 300);
  CHECK(s.link().round_trip_s() == doctest::Approx(0.4));
  r = s.NextRequest(CaughtUp(), Outbox(1, 600), none);
  Send(s, &*r, 2, 50000);
  now += 4.4;  // 100 KB in 4 s past the round trip
  s.OnDelivered(*r, 100000, 1000);
  CHECK(s.link().pace_rate() == doctest::Approx(101000 / 4.0));
  r = s.NextRequest(CaughtUp(), Outbox(601, 600), none);
  CHECK(s.Sending(&*r, 3, {200000, 200000}).paced());
}

TEST_CASE_FIXTURE(Fixture, "documents move only once nothing is pending or in doubt, and never in a snapshot") {
  DocumentWork docs;
  docs.down = {"d"};
  docs.size["d"] = 10;
  Session s = Make(300, 3, true, docs);
  auto r = s.NextRequest(CaughtUp(), Outbox(1, 5), none);
  CHECK_FALSE(r->moves_documents);
  wire::SyncRequest initial;
  initial.initial = true;
  r = s.NextRequest(initial, {}, none);
  CHECK_FALSE(r->moves_documents);
  r = s.NextRequest(CaughtUp(), {}, none);
  CHECK(r->moves_documents);
  CHECK(r->frames.back().req.blob_wants.size() == 1);
}

TEST_CASE_FIXTURE(Fixture, "the end of the run: more to do goes on; a differing digest is repaired once, then "
                           "reported; equal digests verify") {
  Session s = Make(300);
  Round r;
  Session::RoundEnd end;
  end.more = true;
  CHECK(*s.AfterRound(r, end));
  end.more = false;
  end.left = 3;
  CHECK(*s.AfterRound(r, end));
  end.left = 0;
  end.has_digests = true;
  int asked = 0;
  end.differing = [&]() -> Result<std::vector<uint32_t>> {
    ++asked;
    return std::vector<uint32_t>{4, 9};
  };
  CHECK(*s.AfterRound(r, end));  // repair
  auto next = s.NextRequest(CaughtUp(), {}, none);
  CHECK(next->asked_repair);
  CHECK(next->frames.back().req.repair_buckets == std::vector<uint32_t>{4, 9});
  CHECK_FALSE(*s.AfterRound(r, end));  // still differs: stop, not verified
  CHECK_FALSE(s.verified());
  CHECK(asked == 2);
  CHECK_FALSE(*s.AfterRound(r, end));  // not asked again
  CHECK(asked == 2);

  Session t = Make(300);
  end.differing = []() -> Result<std::vector<uint32_t>> { return std::vector<uint32_t>{}; };
  CHECK_FALSE(*t.AfterRound(r, end));
  CHECK(t.verified());
}

TEST_CASE_FIXTURE(Fixture, "digests the hub withheld (changes were reported waiting, none are left) are asked once") {
  Session s = Make(300);
  Round r;
  Session::RoundEnd end;
  end.digests_withheld = true;
  CHECK(*s.AfterRound(r, end));  // one more round: it reports nothing waiting
  CHECK_FALSE(*s.AfterRound(r, end));  // withheld again (a hub that never sends them): no loop
  CHECK_FALSE(s.verified());
  Session t = Make(300);
  end.has_digests = true;
  end.digests_withheld = false;
  end.differing = []() -> Result<std::vector<uint32_t>> { return std::vector<uint32_t>{}; };
  CHECK_FALSE(*t.AfterRound(r, end));
  CHECK(t.verified());
}

TEST_CASE_FIXTURE(Fixture, "documents go on while they move, and stop when a document round moved nothing") {
  DocumentWork docs;
  docs.down = {"d"};
  docs.size["d"] = 10;
  Session s = Make(300, 3, true, docs);
  auto r = s.NextRequest(CaughtUp(), {}, none);
  REQUIRE(r->moves_documents);
  Session::RoundEnd end;
  end.doc_progress = true;
  CHECK(*s.AfterRound(*r, end));
  end.doc_progress = false;
  CHECK_FALSE(*s.AfterRound(*r, end));
  Round records_only;  // a round of records before the documents: they still go
  CHECK(*s.AfterRound(records_only, end));
}

}  // namespace
}  // namespace simpul::sync::session
