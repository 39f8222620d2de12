// Receipts at the village (PROTOCOL.md §25): when this node received each
// decision the hub wrote and each letter's PDF, and when the hub
// acknowledged each workflow event this node recorded (a submission), each
// with the hub's clock of the reply that brought it and this laptop's own
// clock. They are rows of the replicated `receipts` table, written through
// change capture in the transaction that applies the reply, so they reach
// the hub at the next push (the same sync run, as its outbox is no longer
// empty) and, like every village change, survive a restore of the hub.
//
// The hub reads them to measure "decided -> delivered to the village" and
// "letter issued -> PDF at the village" with its own clock (hub/reports/).
//
// Thread-safety: as NodeStore (one per thread).
#ifndef SIMPUL_NODE_RECEIPTS_H_
#define SIMPUL_NODE_RECEIPTS_H_

#include <string>
#include <vector>

#include "node/store.h"
#include "sync/wire/messages.h"

namespace simpul::node {

// What one reply brought, collected while it is applied.
struct ReceiptBatch {
  struct Item {
    std::string kind;  // acked | decision | letter
    std::string subject_id, ref_id;
  };
  std::vector<Item> items;
  std::vector<std::string> documents;  // completed downloads (letters' PDFs among them)
};

// The node's own workflow events among the first `n` pushed changes of
// `req` that the hub applied (code 0).
void NoteAcked(const sync::wire::SyncRequest& req, size_t n, const std::vector<sync::wire::ItemResult>& results,
               ReceiptBatch* batch);
// A pulled change: a workflow event the hub wrote, seen here for the first
// time in an ordinary pull (snapshots and repairs transfer state; they are
// not the moment a decision was delivered).
void NotePulled(const sync::wire::Change& c, bool hub_wrote, bool row_created, ReceiptBatch* batch);

// Writes the receipts of `batch` (a letter receipt for each completed
// document a `letters` row names), inside the caller's transaction; a
// receipt of the same kind for the same event or letter is written once.
// `live`: the reply came over a live link, so `hub_time_ms` is the hub's
// clock at the moment of receipt and this laptop's clock offset is measured
// (kept in meta `clock_offset_ms` for later bundles); otherwise it came in
// a reply bundle made at `hub_time_ms` and carried here later.
Status RecordReceipts(NodeStore& store, const ReceiptBatch& batch, uint64_t hub_time_ms, bool live);

// What this node knows of when a workflow event travelled: `here_ms` when
// this village received the hub's event (this laptop's clock), `at_hub_ms`
// when the hub acknowledged this village's event (the hub's clock); 0 when
// it has no receipt (yet). For `application show`.
struct EventReceipt {
  int64_t here_ms = 0, at_hub_ms = 0;
};
Result<EventReceipt> ReceiptOfEvent(NodeStore& store, const std::string& event_id);

}  // namespace simpul::node

#endif  // SIMPUL_NODE_RECEIPTS_H_
