// A node's sync session as a state machine: which requests a round sends
// (NextRequest), what a cut (OnCut) or a delivered round (OnDelivered)
// teaches, what the hub's answer about lost replies settles (Judge), and
// whether another round is needed (AfterRound). No store, no sockets, an
// injected clock: the node (node/sync_client.cc) reads the outbox, seals,
// sends and applies; the tests script rounds and cuts
// (tests/sync/session_test.cc).
#ifndef SIMPUL_SYNC_SESSION_SESSION_H_
#define SIMPUL_SYNC_SESSION_SESSION_H_

#include <algorithm>
#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "schema/status.h"
#include "sync/session/documents.h"
#include "sync/session/doubts.h"
#include "sync/session/frame.h"
#include "sync/session/link.h"

namespace simpul::sync::session {

struct SessionSetup {
  size_t batch_option = 2000;  // most changes per request
  int max_retries_after_cut = 6;
  uint16_t protocol = 2;       // the hub's, as last heard
  bool stream = false;         // the transport streams frames, and the hub was not found refusing them
  std::function<double()> clock;  // monotonic seconds
};

// One round: the requests of one round trip, in order.
struct Round {
  std::vector<Frame> frames;
  size_t pushed = 0;          // changes in the frames
  bool streaming = false;
  bool moves_documents = false;
  bool recovering = false;    // its first frame asks what became of the requests in doubt
  bool asked_repair = false;
  int level = 19;             // zstd level of its requests
  std::set<std::string> chunks_sent;  // uploads with bytes in it
  // Set by Sending: the counter of the first frame, where each frame ends
  // in the body, when it left.
  uint64_t counter = 0;
  std::vector<uint64_t> body_end;
  double started_s = 0;

  bool multi() const { return frames.size() > 1; }
  bool asks_downloads() const { return !frames.empty() && !frames.back().req.blob_wants.empty(); }
};

class Session {
 public:
  Session(SessionSetup setup, const LinkMemory& memory, DocumentWork documents);

  LinkModel& link() { return link_; }
  const LinkModel& link() const { return link_; }
  DocumentWork& documents() { return docs_; }
  const Doubts& doubts() const { return doubts_; }
  uint16_t protocol() const { return protocol_; }
  void SetProtocol(uint16_t protocol);
  // The hub does not take streamed bodies (an older hub).
  void StopStreaming() { link_.StopStreaming(); }

  // Whether a round streams: before protocol 3 a frame cannot skip the
  // pull, and a snapshot page answers one frame only.
  bool Streaming(bool initial) const { return link_.stream() && (!initial || protocol_ >= 3); }
  // Changes the next round pushes at most, and how many to read from the
  // outbox for it (those in doubt are read and left out).
  size_t RoundChanges(bool initial) const { return link_.RoundChanges(Streaming(initial)); }
  // (A round that measures the link's round trip reads one change more
  // than a small push: whether to send what waits, and that records wait,
  // which go before documents.)
  size_t ChangesToRead(bool initial) const {
    const size_t n = link_.MeasuringRoundTrip() ? std::max(RoundChanges(initial), kSmallPushChanges + 1)
                                                : RoundChanges(initial);
    return n + doubts_.seqs.size();
  }

  // The next round's frames: `pending` (the outbox's head, read with
  // ChangesToRead) cut into frames, or documents once nothing is pending;
  // `base` the fields every frame shares (cursor, snapshot position).
  Result<Round> NextRequest(const wire::SyncRequest& base, std::vector<Pending> pending,
                            const DocumentSource& source);
  // The round leaves now, sealed as frames of `frame_bytes` from counter
  // `counter` on: how fast its body may be written.
  Pacing Sending(Round* round, uint64_t counter, const std::vector<size_t>& frame_bytes);
  // The link cut the round after `bytes_written` of it had left (HTTP
  // header included). False: too many cuts in a row, give up.
  bool OnCut(const Round& round, uint64_t bytes_written);
  // The round's replies arrived.
  void OnDelivered(const Round& round, uint64_t bytes_sent, uint64_t bytes_received);
  // The first reply of a recovering round: the verdict on each request in
  // doubt (those to ask about are marked so already). The caller applies
  // the handled ones, then calls DoubtsSettled.
  std::vector<Verdict> Judge(const wire::SyncReply& reply);
  void DoubtsSettled() { doubts_.Clear(); }

  // After a round's replies are applied: whether another round is needed.
  struct RoundEnd {
    bool more = false;     // the hub has more to send, or a snapshot goes on
    int64_t left = 0;      // changes (and hand-backs) still to send
    bool has_digests = false;
    // The hub left the digests out because this round reported changes
    // still waiting (protocol 6), and yet none are left (a purge or a move
    // of their rows removed them): one more round asks them.
    bool digests_withheld = false;
    bool doc_progress = false;
    // The buckets where this node's digest differs from the hub's (asked
    // only once records are caught up both ways).
    std::function<Result<std::vector<uint32_t>>()> differing;
  };
  Result<bool> AfterRound(const Round& round, const RoundEnd& end);
  // Records agreed with the hub's digest at the end.
  bool verified() const { return verified_; }

 private:
  SessionSetup setup_;
  uint16_t protocol_;
  LinkModel link_;
  DocumentWork docs_;
  Doubts doubts_;
  int cuts_in_a_row_ = 0;
  std::vector<uint32_t> repair_next_;
  bool repair_tried_ = false, digest_done_ = false, verified_ = false, withheld_asked_ = false;
};

}  // namespace simpul::sync::session

#endif  // SIMPUL_SYNC_SESSION_SESSION_H_
