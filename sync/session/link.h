// How big a round is and how fast it may go: the node's model of its link.
//
// Batch and chunk sizes adapt like TCP's window: they double after each
// delivered round until the link has cut once, then grow by a quarter, and
// halve after a cut, so a cut costs little and a good link is used fully.
// The model also measures the link (round trip from small rounds, upload
// rate from large ones, delivery rate at settled cuts) to pace bodies
// (sync/transport/pacing.h) and to pick the zstd level (sync/wire/level.h).
// No clock and no sockets: the caller says how long each round took.
#ifndef SIMPUL_SYNC_SESSION_LINK_H_
#define SIMPUL_SYNC_SESSION_LINK_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "sync/transport/pacing.h"

namespace simpul::sync::session {

// What a node keeps about its link between runs.
struct LinkMemory {
  size_t batch = 0;         // changes per round (0: not learnt)
  uint64_t chunk = 0;       // document bytes per round (0: not learnt)
  bool cut_seen = false;    // the link cut in this run or, at its start, in the last one
  double cut_rate = 0;      // delivery rate measured at settled cuts, bytes/s (0: unknown)
  double send_rate = 0;     // what whole rounds moved up, bytes/s (0: unknown)
};

// One delivered round as the link carried it.
struct RoundMeasure {
  double seconds = 0;
  uint64_t bytes_sent = 0, bytes_received = 0;  // HTTP headers included
  size_t changes_pushed = 0;
  bool moved_documents = false;  // chunks went up, or bytes were asked down
  bool asked_downloads = false;  // the round asked document bytes of the hub
  bool streaming = false;
};

// One cut round.
struct CutRound {
  bool pushed = false;    // it carried changes
  bool multi = false;     // several frames in one body
  bool streaming = false;
  bool asked_downloads = false;
};

inline constexpr uint64_t kMinChunk = 8 << 10, kMaxChunk = 1 << 20;
// Changes per streamed frame on a link that cuts (protocol 3: the frames of
// a round share one compression stream; ~6 KB each).
inline constexpr size_t kCuttingFrameChanges = 250;
// How many times the per-request batch one streamed round may carry.
inline constexpr size_t kStreamBatchFactor = 8;
// A push this small goes whole even before the link is measured.
inline constexpr size_t kSmallPushChanges = 40;

class LinkModel {
 public:
  // `batch_option`: the most changes per request (SyncOptions::batch);
  // `stream`: the transport streams frames and the hub takes them.
  LinkModel(const LinkMemory& memory, size_t batch_option, bool stream, uint16_t protocol);

  bool stream() const { return stream_; }
  // An older hub refused a streamed body: one request per round from now on.
  void StopStreaming();
  // Changes one round may push, and per frame of it; the batch alone
  // (what a small push is held to in the round that measures the link).
  size_t RoundChanges(bool streaming) const;
  size_t BatchChanges(bool streaming) const;
  // A run starts with a round that measures the round trip: it pushes
  // nothing, unless what waits is as small as the probe itself
  // (kSmallPushChanges or fewer), and the bodies after it can be paced.
  // (Not kept between runs: the laptop may sync at the office today.)
  bool MeasuringRoundTrip() const { return !(rtt_s_ > 0) && !rtt_probed_; }
  size_t FrameChanges(bool streaming, size_t pending) const;
  uint64_t chunk() const { return chunk_; }
  // The zstd level of this round's requests.
  int Level() const;
  // How fast a body of `bytes` may be written (not paced on a LAN).
  Pacing PaceFor(uint64_t bytes) const;
  // Bytes the link can have delivered `after_s` seconds into a round
  // (generous: a frame starting beyond it surely never arrived); unbounded
  // while the delivery rate is unknown.
  double Reach(double after_s) const;

  void OnCut(const CutRound& round);
  void OnDelivered(const RoundMeasure& round);
  // Delivery rates measured where settled cuts came (bytes/s), in order.
  void OnCutRates(const std::vector<double>& samples);
  // The hub's protocol changed (it was upgraded or downgraded).
  void SetProtocol(uint16_t protocol) { protocol_ = protocol; }

  LinkMemory memory() const;
  bool cut_this_run() const { return cut_this_run_; }
  double round_trip_s() const { return rtt_s_; }
  double pace_rate() const { return pace_rate_; }

 private:
  size_t MaxBatch() const;
  template <typename T>
  T Grow(T v) const { return cut_seen_ ? v + (v / 4 > 0 ? v / 4 : 1) : v * 2; }

  size_t batch_option_;
  bool stream_;
  size_t batch_;
  uint64_t chunk_;
  size_t frame_floor_, frame_changes_;
  uint16_t protocol_;
  bool cut_seen_, cut_this_run_ = false;
  double cut_rate_, send_rate_;
  bool send_measured_;  // send_rate_ was measured (now or in an earlier run), not borrowed from cut_rate_
  // The upload rate learnt from whole rounds of this run (else from settled
  // cuts), and the shortest round trip of a small round: what paces bodies.
  double pace_rate_, rtt_s_ = 0;
  bool rtt_probed_ = false;  // a round of this run was delivered
};

}  // namespace simpul::sync::session

#endif  // SIMPUL_SYNC_SESSION_LINK_H_
