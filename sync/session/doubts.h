// Requests whose replies a cut lost (protocol 3, PROTOCOL.md §16). Until the
// hub says what became of them (recover_from), their changes and documents
// are "in doubt": not sent again (nor later changes of the same rows, whose
// base versions follow them), and not asked about.
#ifndef SIMPUL_SYNC_SESSION_DOUBTS_H_
#define SIMPUL_SYNC_SESSION_DOUBTS_H_

#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "sync/session/frame.h"

namespace simpul::sync::session {

struct Doubts {
  struct Sent {
    uint64_t counter;
    Frame frame;
    // Where the frame ended in its round's body, and how long after the
    // round began the cut came: once settled, a measure of the link's rate.
    uint64_t body_end = 0;
    double cut_after_s = 0;
  };
  std::vector<Sent> sent;  // counter order
  std::set<int64_t> seqs;
  std::set<std::pair<std::string, std::string>> rows;  // table, row id
  std::set<std::string> docs;

  bool empty() const { return sent.empty(); }
  bool Holds(const Pending& p) const {
    return seqs.count(p.seq) || rows.count({p.change.table, p.change.row_id});
  }
  void Add(uint64_t counter, const Frame& f, uint64_t body_end, double cut_after_s);
  void Clear() { *this = Doubts{}; }
};

// What the hub's answer to recover_from makes of one request in doubt.
struct Verdict {
  enum class Fate {
    kNotReached,  // never reached the hub: its changes are still in the outbox, nothing to do
    kHandled,     // the hub handled it: `results` and `states` are its outcome
    kAsk,         // beyond the hub's recovery window: its changes go again, its documents are asked about
  };
  const Doubts::Sent* sent;
  Fate fate;
  std::vector<wire::ItemResult> results;
  std::vector<wire::BlobState> states;  // with their documents' ids (wire::ResolveBlobStates)
};

// The verdict on each request in doubt, in counter order. A request the
// hub has no outcome for within its recovery window never reached it; one
// beyond the window (or whose outcome does not fit it) falls back to
// protocol 2.
std::vector<Verdict> Judge(const Doubts& doubts, const wire::SyncReply& reply);

// The link's delivery rate learnt from the same answer: a cut round whose
// first frames were handled and later ones not delivered at least the
// handled frames' bytes before the cut (bytes/s, one per such round).
std::vector<double> DeliveryRates(const Doubts& doubts, const wire::SyncReply& reply);

}  // namespace simpul::sync::session

#endif  // SIMPUL_SYNC_SESSION_DOUBTS_H_
