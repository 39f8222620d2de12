#include "sync/session/link.h"

#include <algorithm>
#include <cmath>

#include "sync/wire/level.h"

namespace simpul::sync::session {
namespace {

// Pacing only on links whose round trip is at least this long (a LAN or a
// loopback hub is never paced: its round time is the hub's work, not the
// link's), within this many seconds per body (the request's deadline is
// 30 s); the rate is learnt only from rounds of at least kRateSampleBytes,
// the round trip from rounds under kSmallRound.
constexpr double kPacedMinRtt = 0.1, kPacedMaxWrite = 20;
constexpr uint64_t kRateSampleBytes = 16 << 10, kSmallRound = 4 << 10;
// For the zstd level: a round moving at least this much measures the rate,
// not the latency.
constexpr double kLevelSampleBytes = 32 << 10;
// A round stays within ~20 s of the rate the link achieved (a request must
// finish within the hub's timeout).
constexpr double kRoundSeconds = 20;

}  // namespace

LinkModel::LinkModel(const LinkMemory& m, size_t batch_option, bool stream, uint16_t protocol)
    : batch_option_(std::max<size_t>(batch_option, 1)), stream_(stream), protocol_(protocol),
      cut_seen_(m.cut_seen), cut_rate_(std::isfinite(m.cut_rate) && m.cut_rate > 0 ? m.cut_rate : 0),
      send_rate_(m.send_rate > 0 ? m.send_rate : cut_rate_), send_measured_(m.send_rate > 0), pace_rate_(cut_rate_) {
  // The first streamed round carries two frames' worth of changes (a first
  // sync of a thousand applications in one round trip); a cut costs only
  // the frame in transit.
  const size_t first = stream ? 2 * batch_option : 100;
  // (A batch option under 10 is its own floor: std::clamp needs lo <= hi.)
  batch_ = std::clamp<size_t>(m.batch ? m.batch : first, std::min<size_t>(10, MaxBatch()), MaxBatch());
  chunk_ = std::clamp<uint64_t>(m.chunk ? m.chunk : 64 << 10, kMinChunk, kMaxChunk);
  // Changes per streamed frame: a cut loses about half a frame, so frames
  // shrink after a cut in a round that pushed, and grow back after rounds
  // that were not cut. In protocol 3 a round's frames share one zstd
  // stream, so small frames compress nearly as well as large ones (each
  // flush costs its block's entropy tables, ~100-200 bytes: not below ~250
  // changes, ~6 KB): they start at 500 changes, 250 on a link that cut in
  // the last run, and grow up to the batch option only while the run saw
  // no cut.
  frame_floor_ = protocol >= 3 ? std::min(batch_option_, kCuttingFrameChanges) : std::min<size_t>(batch_option_, 50);
  frame_changes_ = protocol >= 3
                       ? std::min(batch_option_, cut_seen_ ? kCuttingFrameChanges : 2 * kCuttingFrameChanges)
                       : batch_option_;
}

size_t LinkModel::MaxBatch() const { return stream_ ? batch_option_ * kStreamBatchFactor : batch_option_; }

void LinkModel::StopStreaming() {
  stream_ = false;
  batch_ = std::min(batch_, batch_option_);
}

size_t LinkModel::BatchChanges(bool streaming) const {
  return streaming ? batch_ : std::min(batch_, batch_option_);
}

size_t LinkModel::RoundChanges(bool streaming) const {
  // Until the round trip is known a body is written at once (not paced),
  // and a cut drops whatever the link had not carried yet: a run first
  // sends a round that pushes nothing (~300 bytes up) and measures it. (A
  // second round measuring the rate was tried and dropped: splitting a
  // push's compression stream cost the 64 kbit/s rows 15% of their bytes,
  // as later rounds refer to ids the first one carried.)
  if (MeasuringRoundTrip()) return 0;
  return BatchChanges(streaming);
}

size_t LinkModel::FrameChanges(bool streaming, size_t pending) const {
  return streaming ? frame_changes_ : std::max<size_t>(pending, 1);
}

int LinkModel::Level() const { return wire::RequestLevel(send_rate_); }

Pacing LinkModel::PaceFor(uint64_t bytes) const {
  if (rtt_s_ < kPacedMinRtt) return {};
  return PaceForLink(pace_rate_, rtt_s_, bytes, kPacedMaxWrite);
}

double LinkModel::Reach(double after_s) const {
  return cut_rate_ > 0 ? 1.25 * cut_rate_ * after_s + (16 << 10) : 1e300;
}

void LinkModel::OnCut(const CutRound& r) {
  // Streamed rounds lose only the frame in transit: the round keeps its
  // size, but its frames of changes shrink. A single request was lost
  // whole: halve it.
  if (r.pushed) {
    if (r.multi) frame_changes_ = std::max(frame_floor_, frame_changes_ / 2);
    else batch_ = std::max<size_t>(10, batch_ / 2);
  }
  if (!r.streaming || r.asked_downloads) chunk_ = std::max(kMinChunk, chunk_ / 2);
  cut_seen_ = cut_this_run_ = true;
}

void LinkModel::OnDelivered(const RoundMeasure& r) {
  // Probed once per run: a round that could not measure it (a large
  // request) does not hold the next ones empty.
  rtt_probed_ = true;
  // The link's round trip from small rounds, its upload rate from large
  // ones whose reply is small beside the body (the reply's bytes counted as
  // if the link carried them as fast down as up; a faster downlink makes
  // the estimate read at most an eighth high). A paced round that the
  // pacing held back measures a little above its pace, by what went ahead:
  // the estimate climbs to the link's rate within a few rounds.
  if (r.bytes_sent < kSmallRound) {
    // (A large reply's time down makes it read long; the shortest of the
    // run's small rounds stands, and nothing of it outlives the run.)
    rtt_s_ = rtt_s_ > 0 ? std::min(rtt_s_, r.seconds) : r.seconds;
  } else if (rtt_s_ > 0 && r.bytes_sent >= kRateSampleBytes && r.bytes_received <= r.bytes_sent / 8) {
    pace_rate_ = static_cast<double>(r.bytes_sent + r.bytes_received) / std::max(0.05, r.seconds - rtt_s_);
  }
  // For the level: a round of a few hundred bytes measures the latency,
  // not the rate: it may raise the estimate (a lower bound) but not lower
  // it. Requests go up: the rate up counts (the reply's time in it only
  // lowers the estimate, towards level 19).
  const double moved = static_cast<double>(r.bytes_sent);
  const double measured = r.seconds > 0 ? moved / r.seconds : 0;
  if (measured > 0 && (moved >= kLevelSampleBytes || measured > send_rate_ || !(send_rate_ > 0))) {
    send_rate_ = measured;
    send_measured_ = true;
  }

  // Grow only what this round used: the batch after a push, the chunk
  // after a round that moved document bytes. Streamed document rounds lose
  // one frame per cut whatever their size, so they double.
  if (r.changes_pushed > 0) {
    batch_ = std::min(MaxBatch(), Grow(batch_));
    frame_changes_ = std::min(protocol_ >= 3 && cut_seen_ ? 2 * frame_floor_ : batch_option_, Grow(frame_changes_));
    if (r.seconds > 0)
      batch_ = std::min(batch_, std::max<size_t>(10, static_cast<size_t>(kRoundSeconds * r.changes_pushed / r.seconds)));
  }
  if (r.moved_documents) {
    uint64_t grown = r.streaming && !r.asked_downloads ? chunk_ * 2 : Grow(chunk_);
    if (r.seconds > 0 && r.bytes_sent > 0) {
      const auto cap = static_cast<uint64_t>(kRoundSeconds * static_cast<double>(r.bytes_sent) / r.seconds);
      grown = std::min(grown, std::max<uint64_t>(cap, 64 << 10));
    }
    chunk_ = std::clamp(grown, kMinChunk, kMaxChunk);
  }
}

void LinkModel::OnCutRates(const std::vector<double>& samples) {
  for (double s : samples)
    if (s > 0 && std::isfinite(s)) cut_rate_ = cut_rate_ > 0 ? 0.5 * cut_rate_ + 0.5 * s : s;
  if (pace_rate_ <= 0) pace_rate_ = cut_rate_;
}

// A send rate borrowed from the cut rate is not kept as measured: the
// level would stay on it after settled cuts lower the cut rate.
LinkMemory LinkModel::memory() const {
  return {batch_, chunk_, cut_seen_, cut_rate_, send_measured_ ? send_rate_ : 0};
}

}  // namespace simpul::sync::session
