#include "sync/session/session.h"

#include <algorithm>
#include <utility>

namespace simpul::sync::session {

Session::Session(SessionSetup setup, const LinkMemory& memory, DocumentWork documents)
    : setup_(std::move(setup)), protocol_(setup_.protocol),
      link_(memory, setup_.batch_option, setup_.stream, setup_.protocol), docs_(std::move(documents)) {}

void Session::SetProtocol(uint16_t protocol) {
  protocol_ = protocol;
  link_.SetProtocol(protocol);
}

Result<Round> Session::NextRequest(const wire::SyncRequest& base, std::vector<Pending> pending,
                                   const DocumentSource& source) {
  Round r;
  r.streaming = Streaming(base.initial);
  r.level = link_.Level();
  if (!doubts_.empty())
    pending.erase(std::remove_if(pending.begin(), pending.end(), [&](const Pending& p) { return doubts_.Holds(p); }),
                  pending.end());
  const bool records_wait = !pending.empty();
  size_t want = link_.RoundChanges(r.streaming);
  if (link_.MeasuringRoundTrip() && pending.size() <= kSmallPushChanges)
    want = std::min(pending.size(), link_.BatchChanges(r.streaming));
  if (pending.size() > want) pending.resize(want);
  r.pushed = pending.size();
  const size_t per_frame = link_.FrameChanges(r.streaming, pending.size());
  for (size_t i = 0; i < pending.size(); i += per_frame) {
    Frame f{base, {}, {}};
    f.req.batch_id = static_cast<uint64_t>(pending[i].seq);
    for (size_t j = i; j < std::min(pending.size(), i + per_frame); ++j) {
      f.req.push.push_back(std::move(pending[j].change));
      f.seqs.push_back(pending[j].seq);
    }
    r.frames.push_back(std::move(f));
  }
  if (r.frames.empty()) r.frames.push_back(Frame{base, {}, {}});
  // Records before documents: documents move only once the outbox is empty
  // (changes in doubt count as not sent yet).
  r.moves_documents = !records_wait && doubts_.seqs.empty() && !base.initial && !docs_.empty();
  if (r.moves_documents) {
    SIMPUL_ASSIGN_OR_RETURN(r.chunks_sent, docs_.Plan(r.streaming, link_.chunk(), doubts_.docs, source, base,
                                                      &r.frames));
  }
  // The last frame pulls (and asks the repair); the others skip the pull
  // (protocol 3) or pull at most one entry (the hub's minimum), which the
  // last one's reply repeats.
  for (size_t i = 0; i + 1 < r.frames.size(); ++i) {
    if (protocol_ >= 3) r.frames[i].req.skip_pull = true;
    else r.frames[i].req.pull_limit = 1;
  }
  r.frames.back().req.repair_buckets = std::move(repair_next_);
  repair_next_.clear();
  r.asked_repair = !r.frames.back().req.repair_buckets.empty();
  // The first frame asks what became of requests whose replies were lost.
  r.recovering = !doubts_.empty();
  if (r.recovering) r.frames.front().req.recover_from = doubts_.sent.front().counter;
  return r;
}

Pacing Session::Sending(Round* round, uint64_t counter, const std::vector<size_t>& frame_bytes) {
  round->counter = counter;
  round->body_end.clear();
  for (size_t n : frame_bytes) round->body_end.push_back((round->body_end.empty() ? 0 : round->body_end.back()) + n);
  round->started_s = setup_.clock();
  return link_.PaceFor(round->body_end.empty() ? 0 : round->body_end.back());
}

bool Session::OnCut(const Round& r, uint64_t bytes_written) {
  if (protocol_ >= 3) {
    // What this round sent is in doubt until the next round's first reply
    // says what the hub made of it. Frames that start well beyond what the
    // link can have delivered since the round began never reached the hub,
    // nor frames a paced body never wrote: not in doubt, they go again at
    // once. (A wrong guess costs bytes, never correctness: a change sent
    // twice is answered from the hub's record, a chunk at a stale offset
    // with the hub's resume point.)
    const double after_s = setup_.clock() - r.started_s;
    const double reach = link_.Reach(after_s);
    for (size_t i = 0; i < r.frames.size() && i < r.body_end.size(); ++i) {
      const uint64_t start = i == 0 ? 0 : r.body_end[i - 1];
      if (static_cast<double>(start) > reach || start >= bytes_written) continue;
      doubts_.Add(r.counter + i, r.frames[i], r.body_end[i], after_s);
    }
  } else {
    // Before protocol 3 pushed changes simply go again (the hub answers
    // them from its record, never applies them twice), and documents whose
    // bytes were in flight are asked about (the hub kept every whole frame).
    for (const auto& sha : r.chunks_sent) docs_.AskAgain(sha);
  }
  link_.OnCut({r.pushed > 0, r.multi(), r.streaming, r.asks_downloads()});
  return ++cuts_in_a_row_ <= setup_.max_retries_after_cut;
}

void Session::OnDelivered(const Round& r, uint64_t bytes_sent, uint64_t bytes_received) {
  cuts_in_a_row_ = 0;
  RoundMeasure m;
  m.seconds = setup_.clock() - r.started_s;
  m.bytes_sent = bytes_sent;
  m.bytes_received = bytes_received;
  m.changes_pushed = r.pushed;
  m.moved_documents = !r.chunks_sent.empty() || r.asks_downloads();
  m.asked_downloads = r.asks_downloads();
  m.streaming = r.streaming;
  link_.OnDelivered(m);
}

std::vector<Verdict> Session::Judge(const wire::SyncReply& reply) {
  link_.OnCutRates(DeliveryRates(doubts_, reply));
  std::vector<Verdict> verdicts = session::Judge(doubts_, reply);
  for (const auto& v : verdicts)
    if (v.fate == Verdict::Fate::kAsk)
      for (const auto& c : v.sent->frame.req.blob_chunks) docs_.AskAgain(c.sha256);
  return verdicts;
}

Result<bool> Session::AfterRound(const Round& r, const RoundEnd& end) {
  if (end.has_digests) withheld_asked_ = false;  // the ask was answered
  if (end.more || end.left > 0) return true;
  if (end.digests_withheld && !digest_done_ && !withheld_asked_) {
    withheld_asked_ = true;  // once per withheld answer: a hub that never sends them ends the run
    return true;
  }
  // Records caught up both ways: prove agreement with the hub's digest,
  // repairing the differing buckets once (still differing after that:
  // reported, not looped on).
  if (!digest_done_ && end.has_digests && end.differing) {
    SIMPUL_ASSIGN_OR_RETURN(repair_next_, end.differing());
    if (repair_next_.empty()) {
      verified_ = digest_done_ = true;
    } else if (repair_tried_) {
      repair_next_.clear();
      digest_done_ = true;
    } else {
      repair_tried_ = true;
      return true;
    }
  }
  // Then the documents, as long as they move.
  return !docs_.empty() && (end.doc_progress || !r.moves_documents);
}

}  // namespace simpul::sync::session
