// Wire messages of the Simpul sync protocol v1 (docs/PROTOCOL.md is the
// normative spec; change both together).
//
// These are wire types: requests, replies and their parts. The one domain
// type they carry, the change record, is sync/change.h's.
// Every struct is serialised by sync/wire/codec.cc with cereal's portable
// binary archive and an explicit class version; numbers and field meanings
// are forever once released. Add fields only with a new class version.
#ifndef SIMPUL_SYNC_WIRE_MESSAGES_H_
#define SIMPUL_SYNC_WIRE_MESSAGES_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "schema/value.h"
#include "sync/change.h"

namespace simpul::sync::wire {

// Protocol versions this build speaks. The hub serves nodes one version
// behind its newest and refuses older ones with VersionTooOld.
// 2 (PROTOCOL.md §9): the messages of 1; to a node whose header says
// proto_max >= 2 the hub answers each pushed change with an ItemResult
// whose version is empty, meaning "the pushed change at this index"; the
// hub serves /v1/stream (§16).
// 3 (PROTOCOL.md §19): compact encodings of documents' ids, chunks and
// states (SyncRequest class version 2, SyncReply class version 3), frames
// that skip the pull, and recovery of replies lost in a cut. A node uses
// them only once a reply told it the hub speaks 3 (SyncReply.protocol).
// 4 (PROTOCOL.md §22): the hub's epoch (a restore from a backup starts a new
// one) in every reply, its signature on the changes it wrote, and the
// hand-back of such changes to a restored hub (SyncRequest class version 3,
// SyncReply class version 4). Used, like 3, once the hub said it speaks it.
// 5 (PROTOCOL.md §27): the node reports how many changes wait in its outbox
// (SyncRequest class version 4; replies as in 4). Used once the hub said
// it speaks 5.
// 6 (PROTOCOL.md §8): the hub leaves the scope digests out of a reply whose
// request reported changes still waiting (the node pushes again and would
// not compare them); a node that then finds none left asks once more. No
// new fields: the same messages as 5.
inline constexpr uint16_t kProtocolMin = 1;
inline constexpr uint16_t kProtocolMax = 6;

// The change record is the domain's (sync/change.h): the wire carries it as
// it is, encoded by codec.cc (class version 1 for both).
using sync::Change;
using sync::ChangeFlags;
using sync::FieldChange;
using sync::kFlagNone;
using sync::kFlagRepair;
using sync::kFlagScopeOut;
using sync::kFlagSnapshot;
using sync::kMovedToField;

// Per pushed change: what the hub did with it. code is a simpul::Code
// number (0 = applied or already applied before).
struct ItemResult {
  std::string version;  // the change answered; empty (protocol 2) = the pushed change at this index
  uint16_t code = 0;
  std::string message;
  bool operator==(const ItemResult&) const = default;
};

// Documents travel as content-addressed blobs in chunks (PROTOCOL.md §13).
struct BlobChunk {
  std::string sha256;     // hex, 64 digits: the blob's id and its checksum
  uint64_t total_size = 0;
  uint64_t offset = 0;    // where `data` starts
  std::string data;
  bool operator==(const BlobChunk&) const = default;
};

// What one side holds of a blob.
struct BlobState {
  std::string sha256;
  uint64_t total_size = 0;  // 0 when unknown to the hub
  uint64_t have = 0;        // bytes received and kept so far (resume point)
  bool complete = false;    // verified against its hash and stored
  uint16_t code = 0;        // non-zero: refused (simpul::Code), see message
  std::string message;
  bool operator==(const BlobState&) const = default;
};

// A download request: bytes of `sha256` from `offset`, at most `max_bytes`.
struct BlobWant {
  std::string sha256;
  uint64_t offset = 0;
  uint32_t max_bytes = 0;
  bool operator==(const BlobWant&) const = default;
};

// (protocol 4) A change the hub wrote, handed back by a node to a hub that
// lost it in a restore: its canonical bytes (sync/crypto/signed_change.h)
// and the hub's signature over them, exactly as the node received them.
struct SignedChange {
  std::string canonical;
  std::array<uint8_t, 64> signature{};
  bool operator==(const SignedChange&) const = default;
};

// (protocol 4) The hub's signature of the entry at `index` of a reply's
// `pulled` followed by its `repair` (only changes the hub wrote are signed).
struct HubSignature {
  uint64_t index = 0;
  std::array<uint8_t, 64> signature{};
  bool operator==(const HubSignature&) const = default;
};

// (protocol 4) One epoch of the hub's history: the hub holds the change log
// of `epoch` up to sequence `through` (for the current epoch: all of it,
// `through` = 0). A restore ends the epoch it restored at the backup's last
// sequence and starts a new one.
struct EpochLink {
  std::string epoch;  // 16 hex digits
  uint64_t through = 0;
  bool operator==(const EpochLink&) const = default;
};

// Node -> hub, inside a sealed request. One request both pushes a batch of
// the outbox and pulls what is new, so an idle sync is one round trip.
struct SyncRequest {
  uint64_t batch_id = 0;       // node-local, for logs: the outbox seq of the first change
  std::vector<Change> push;    // oldest first
  bool initial = true;         // no snapshot completed yet: the reply is a snapshot page
  uint64_t pull_cursor = 0;    // hub sequence the node has applied
  uint32_t pull_limit = 500;   // max changes wanted in the reply
  std::string snapshot_after;  // snapshot paging: last row key received ("" = start)
  uint64_t snapshot_seq = 0;   // snapshot paging: the cursor the first page named
  std::vector<uint32_t> repair_buckets;  // digest buckets whose full state the node asks for
  std::vector<std::string> blob_query;   // documents to upload: what does the hub hold of them?
  std::vector<BlobChunk> blob_chunks;    // upload chunks, each at the hub's resume point
  std::vector<BlobWant> blob_wants;      // documents to download
  // (class version 2, protocol 3)
  bool skip_pull = false;      // push and documents only: no pull, snapshot page or digests in the reply
  uint64_t recover_from = 0;   // the first counter whose reply the node lost in a cut (0 = none)
  // (class version 3, protocol 4)
  std::string epoch;           // the hub epoch this node has caught up with ("" = none yet)
  std::vector<SignedChange> handback;  // changes the hub wrote and lost in a restore
  // (class version 4, protocol 5) The changes waiting in the node's outbox
  // that no frame of this round carries (nullopt: not reported).
  std::optional<uint64_t> outbox_waiting;
  bool operator==(const SyncRequest&) const = default;
};

// The hub keeps the outcomes of a node's newest kRecoveryWindow request
// counters (those that pushed changes or carried documents): within that
// window, a counter the hub handled without an outcome was never received.
inline constexpr uint64_t kRecoveryWindow = 1024;

// The part of a reply a node needs again when the reply was lost in a cut
// (protocol 3): what the hub did with the pushed changes and document
// chunks of the request with this counter. Documents' ids are implied by
// the positions in that request, which the node kept.
struct RecoveredReply {
  uint64_t counter = 0;
  std::vector<ItemResult> results;
  std::vector<BlobState> blob_states;
  bool operator==(const RecoveredReply&) const = default;
};

// One link of the hub's key history: `old_pk` vouches for `new_pk`.
// signature = Ed25519 by old_pk over "simpul/v1/key-succession" || old || new.
struct KeySuccession {
  std::array<uint8_t, 32> old_pk{};
  std::array<uint8_t, 32> new_pk{};
  std::array<uint8_t, 64> signature{};
  bool operator==(const KeySuccession&) const = default;
};

// Hub -> node, inside a sealed reply.
struct SyncReply {
  std::vector<ItemResult> results;  // one per pushed change, same order
  std::vector<Change> pulled;       // changes in the node's scope after pull_cursor
  uint64_t cursor = 0;              // the node's new cursor once `pulled` is applied
  bool more = false;                // more to pull: ask again
  std::string snapshot_next;        // snapshot paging: key to ask after ("" = snapshot done)
  uint64_t hub_time_ms = 0;         // the hub's wall clock, for the node's HLC
  // The hub's scope digest (sync/digest.h) when `pulled` reaches the end of
  // the log: the node's state equals it once `pulled` is applied.
  std::vector<uint64_t> bucket_digests;
  std::vector<Change> repair;            // full state of the requested buckets
  std::string notice;                    // e.g. a clock warning, in English
  std::vector<BlobState> blob_states;    // answers to blob_query and blob_chunks, in order
  std::vector<BlobChunk> blob_chunks;    // answers to blob_wants (may be shorter than asked)
  // (v2) When the request was sealed to a key the hub has since rotated
  // away from: the links from that key to the hub's current one.
  std::vector<KeySuccession> hub_key_succession;
  // (v3, protocol 3) The protocol the hub answered in (3); 0 when decoded
  // from an older class version.
  uint16_t protocol = 0;
  // (v3) Answer to `recover_from`: the highest counter the hub had handled
  // before this request, and what it did in each handled request from
  // `recover_from` on that pushed changes or carried documents.
  uint64_t handled_through = 0;
  std::vector<RecoveredReply> recovered;
  // (v4, protocol 4) The hub's epoch; when the request named another one,
  // the hub's history (oldest first, ending with `epoch`) and the highest
  // counter of this node the restored store had handled.
  std::string epoch;
  std::vector<EpochLink> lineage;
  uint64_t restored_counter = 0;
  std::vector<HubSignature> signatures;        // of the hub-written entries of pulled ++ repair
  std::vector<ItemResult> handback_results;    // one per handed-back change, by position
  bool operator==(const SyncReply&) const = default;
};

// Plain (unsealed) header of a sealed request. It is the AEAD's associated
// data, so it cannot be altered without detection.
struct RequestHeader {
  uint16_t proto_min = kProtocolMin;
  uint16_t proto_max = kProtocolMax;
  uint32_t schema_version = 0;
  std::string node_id;
  std::array<uint8_t, 32> eph_pk{};  // X25519 ephemeral public key
  uint64_t counter = 0;              // strictly increasing per node (replay guard)
  std::array<uint8_t, 24> nonce{};   // AEAD nonce, random
  bool operator==(const RequestHeader&) const = default;
};

// A refusal the hub signs, so a node can trust "revoked" or "upgrade".
struct ErrorReply {
  uint16_t code = 0;  // simpul::Code
  std::string message;
  uint16_t hub_proto_min = kProtocolMin;
  uint16_t hub_proto_max = kProtocolMax;
  uint32_t hub_schema_version = 0;
  bool operator==(const ErrorReply&) const = default;
};

// Enrolment: node -> hub, authenticated by a MAC keyed from the one-time code.
struct EnrolRequest {
  std::string code_id;      // public half of the enrolment code
  std::string node_id;
  std::string village;
  std::array<uint8_t, 32> node_sign_pk{};  // Ed25519
  uint16_t proto_max = kProtocolMax;
  uint32_t schema_version = 0;
  bool operator==(const EnrolRequest&) const = default;
};

struct EnrolReply {
  std::array<uint8_t, 32> hub_sign_pk{};  // Ed25519, pinned by the node
  std::string hub_id;                      // the hub's node id in versions
  std::string village;
  uint64_t hub_time_ms = 0;
  // (class version 2) The hub's protocol, 3 or more; set only for a node
  // whose request said it speaks 3 (0 = not said: class version 1).
  uint16_t protocol = 0;
  bool operator==(const EnrolReply&) const = default;
};

}  // namespace simpul::sync::wire

#endif  // SIMPUL_SYNC_WIRE_MESSAGES_H_
