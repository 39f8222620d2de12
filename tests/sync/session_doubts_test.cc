// sync/session/doubts.h: requests whose replies a cut lost, and what the
// hub's answer to recover_from makes of each (handled, never reached, or
// beyond its recovery window), and the delivery rate a cut round reveals.
#include "sync/session/doubts.h"

#include <doctest/doctest.h>

namespace simpul::sync::session {
namespace {

Frame Changes(std::vector<int64_t> seqs, const std::string& row_prefix = "r") {
  Frame f;
  for (int64_t s : seqs) {
    wire::Change c;
    c.version = "0000000000000001.n" + std::to_string(s);
    c.table = "persons";
    c.row_id = row_prefix + std::to_string(s);
    f.req.push.push_back(c);
    f.seqs.push_back(s);
  }
  return f;
}

wire::RecoveredReply Outcome(uint64_t counter, size_t results) {
  wire::RecoveredReply r;
  r.counter = counter;
  r.results.resize(results);
  return r;
}

TEST_CASE("a frame is in doubt with its changes, its rows and its documents; an empty frame is not") {
  Doubts d;
  d.Add(7, Frame{}, 100, 1);
  CHECK(d.empty());
  Frame f = Changes({3, 4});
  f.req.blob_chunks.push_back({"aa", 10, 0, "0123456789"});
  d.Add(8, f, 5000, 1.5);
  CHECK_FALSE(d.empty());
  CHECK(d.Holds({3, {}}));
  wire::Change later;  // a later change of a row in doubt waits too: its base follows the doubtful one
  later.table = "persons";
  later.row_id = "r4";
  CHECK(d.Holds({99, later}));
  later.row_id = "r5";
  CHECK_FALSE(d.Holds({99, later}));
  CHECK(d.docs.count("aa"));
  d.Clear();
  CHECK(d.empty());
  CHECK(d.seqs.empty());
}

TEST_CASE("the verdicts: handled, never reached (within the window), asked again (beyond it or not fitting)") {
  Doubts d;
  d.Add(10, Changes({1, 2}), 4000, 2);
  d.Add(11, Changes({3}), 8000, 2);
  d.Add(12, Changes({4}), 9000, 2);
  wire::SyncReply reply;
  reply.protocol = 3;
  reply.handled_through = 11;
  reply.recovered.push_back(Outcome(10, 2));
  reply.recovered.push_back(Outcome(11, 5));  // does not fit the request: fall back
  auto v = Judge(d, reply);
  REQUIRE(v.size() == 3);
  CHECK(v[0].fate == Verdict::Fate::kHandled);
  CHECK(v[0].results.size() == 2);
  CHECK(v[0].sent->counter == 10);
  CHECK(v[1].fate == Verdict::Fate::kAsk);
  CHECK(v[2].fate == Verdict::Fate::kNotReached);  // past the hub's last counter

  // Long ago and no outcome: beyond the window, the hub's record is gone.
  reply.recovered.clear();
  reply.handled_through = 10 + wire::kRecoveryWindow;
  v = Judge(d, reply);
  CHECK(v[0].fate == Verdict::Fate::kAsk);
  CHECK(v[1].fate == Verdict::Fate::kNotReached);

  // A protocol 2 hub keeps no outcomes: everything goes again.
  reply.protocol = 2;
  v = Judge(d, reply);
  for (const auto& x : v) CHECK(x.fate == Verdict::Fate::kAsk);
}

TEST_CASE("the delivery rate of a cut round: the handled frames' bytes over the time to the cut") {
  Doubts d;
  d.Add(20, Changes({1}), 20000, 2);
  d.Add(21, Changes({2}), 40000, 2);
  d.Add(22, Changes({3}), 60000, 2);
  wire::SyncReply reply;
  reply.protocol = 3;
  reply.handled_through = 21;
  reply.recovered = {Outcome(20, 1), Outcome(21, 1)};
  auto rates = DeliveryRates(d, reply);
  REQUIRE(rates.size() == 1);
  CHECK(rates[0] == doctest::Approx(20000));
  // Every frame handled: the cut came after the body; nothing learnt.
  reply.recovered.push_back(Outcome(22, 1));
  CHECK(DeliveryRates(d, reply).empty());
  // Too little delivered to measure a rate.
  Doubts small;
  small.Add(30, Changes({1}), 9000, 1);
  small.Add(31, Changes({2}), 12000, 1);
  reply.recovered = {Outcome(30, 1)};
  CHECK(DeliveryRates(small, reply).empty());
}

}  // namespace
}  // namespace simpul::sync::session
