// The units of a sync session: a change waiting in the node's outbox, and
// one sealed request of a round (a "frame", PROTOCOL.md §16).
#ifndef SIMPUL_SYNC_SESSION_FRAME_H_
#define SIMPUL_SYNC_SESSION_FRAME_H_

#include <cstdint>
#include <string>
#include <vector>

#include "sync/wire/messages.h"

namespace simpul::sync::session {

// A change of the outbox, by its row there (`seq`).
struct Pending {
  int64_t seq;
  wire::Change change;
};

// One request of a round, the outbox rows it pushes (in the order of
// req.push), and the versions of the hub's changes it gives back
// (protocol 4).
struct Frame {
  wire::SyncRequest req;
  std::vector<int64_t> seqs;
  std::vector<std::string> handbacks;
};

}  // namespace simpul::sync::session

#endif  // SIMPUL_SYNC_SESSION_FRAME_H_
