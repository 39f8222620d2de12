// The hub's side of a sync session, decided without a store: whether a
// sealed request is admitted (protocol and schema ranges, revocation,
// replay) and which steps its reply takes (the push, recovery of lost
// replies, a snapshot or the change log, the digests, the kept outcome, the
// epoch and signatures). hub/sync_service.cc reads the node's standing, runs
// the steps in one transaction and seals the reply;
// tests/sync/session_hub_steps_test.cc covers each rule (PROTOCOL.md §3,
// §8, §16, §19).
#ifndef SIMPUL_SYNC_SESSION_HUB_STEPS_H_
#define SIMPUL_SYNC_SESSION_HUB_STEPS_H_

#include <cstdint>
#include <string>

#include "schema/status.h"
#include "sync/wire/codec.h"
#include "sync/wire/messages.h"

namespace simpul::sync::session {

// What this hub serves and accepts.
struct HubLimits {
  uint16_t proto_min = wire::kProtocolMin, proto_max = wire::kProtocolMax;
  uint32_t node_schema_min = 0, node_schema_max = 0;  // set both: the hub's own schema is the newest it serves
  uint32_t max_push = wire::kMaxPushChanges;          // changes per request
  uint32_t max_pull = 2000;                           // changes per reply, whatever the node asks
};

// Before the node is looked up: the protocol and schema ranges, so a node
// too old or too new is told which side to upgrade.
Status CheckVersions(const wire::RequestHeader& h, const HubLimits& limits);

// What the hub's store says of the sending node.
struct NodeStanding {
  bool active = false;        // enrolled and not revoked
  uint64_t last_counter = 0;  // of its last request the hub accepted
};

// After the node is looked up: revoked nodes and replayed or out-of-date
// requests are refused (the replay guard again under the write lock).
Status CheckStanding(const wire::RequestHeader& h, const NodeStanding& node);

// Where the reply's pulled changes come from.
enum class PullFrom { kNothing, kSnapshot, kLog };

// The steps of one admitted request's reply, in the order the hub runs them.
struct ReplyPlan {
  uint16_t protocol = 0;     // the highest both sides speak
  bool recover = false;      // answer what became of the requests the node names (protocol 3)
  PullFrom pull = PullFrom::kNothing;
  uint32_t pull_limit = 1;
  bool trim_fields = false;  // the node's schema is older: only the fields it knows
  bool protocol_in_reply = false;      // protocol 3
  bool epoch_and_signatures = false;   // protocol 4: the hub's epoch, its own changes signed
  bool pushes_again = false; // the node said changes still wait in its outbox (protocol 6)

  // The digests go in once the pull is complete, unless the node said it
  // will push again: it compares them only with an empty outbox (protocol 6).
  bool SendDigests(bool more_to_pull) const { return pull != PullFrom::kNothing && !more_to_pull && !pushes_again; }
  // The outcome is kept for recovery when the request changed something a
  // lost reply would leave the node unsure of (protocol 3).
  bool KeepOutcome(size_t pushed, size_t document_states) const {
    return protocol >= 3 && (pushed > 0 || document_states > 0);
  }
};

// The plan for `req` from a node of schema `h.schema_version`; a push
// larger than the hub takes is refused (ResourceExhausted), before any
// step runs. `hub_schema` is the hub's own.
Result<ReplyPlan> PlanReply(const wire::RequestHeader& h, const wire::SyncRequest& req, const HubLimits& limits,
                            uint32_t hub_schema);

}  // namespace simpul::sync::session

#endif  // SIMPUL_SYNC_SESSION_HUB_STEPS_H_
