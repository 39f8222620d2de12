// The hub's epochs (PROTOCOL.md §22): what lets villages repair a hub that
// was restored from a backup.
//
// A hub store has an epoch id from its creation. `simpul-hub restore` ends
// the epoch the backup was taken in at the backup's last change-log
// sequence and starts a new one (StartEpoch); meta.epoch_lineage keeps the
// history, oldest first, as "epoch:through,...,epoch:0". Every protocol-4
// reply names the current epoch; a node that has not caught up with it gets
// the lineage and the highest request counter of its own that the restored
// store had handled, and from them works out what the hub lost: its own
// changes acknowledged after that counter (sent again), and the changes the
// hub wrote that it received in a part of the log the restored hub lacks
// (handed back, with the hub's signature, and taken again here).
//
// Runs inside the caller's transaction; one HubStore per thread.
#ifndef SIMPUL_HUB_EPOCH_H_
#define SIMPUL_HUB_EPOCH_H_

#include <string>
#include <vector>

#include "hub/store.h"
#include "sync/merge.h"
#include "sync/wire/messages.h"

namespace simpul::hub {

Result<std::vector<sync::wire::EpochLink>> LoadLineage(HubStore& store);

// After a restore: ends the current epoch at the change log's last sequence,
// starts a new one, moves the change log's next sequence past any a hub of
// an earlier epoch can have issued (sequences of a new epoch start at the
// restore time in milliseconds x 2^20: an epoch would need a million changes
// per millisecond to reach the next one's), and freezes each node's counter
// as `restored_counter`. One transaction. Returns the new epoch id.
Result<std::string> StartEpoch(HubStore& store);

// Protocol 4: fills a reply's epoch fields (and records the epoch the node
// says it has caught up with), and signs the entries of pulled ++ repair that
// the hub wrote.
Status FillEpoch(HubStore& store, const std::string& node_id, const sync::wire::SyncRequest& req,
                 sync::wire::SyncReply* reply);
void SignHubChanges(HubStore& store, sync::wire::SyncReply* reply);

// Takes back a change the hub wrote before a restore, handed back by a node
// of `village`: it must carry a valid signature by one of the hub's keys
// (current or retired), name this hub as its writer and belong to the
// node's village. Applied like the hub's own write (a snapshot or repair
// entry as a snapshot: never over a newer version), logged for every node
// of the village. Idempotent: a change the hub holds applies nothing.
Result<sync::wire::ItemResult> ApplyHandback(HubStore& store, sync::Merger& merger, const std::string& village,
                                             const sync::wire::SignedChange& sc);

// Logs a change applied at the hub and records a conflict row
// (hub/sync_service.cc).
Status LogApplied(HubStore& store, const sync::wire::Change& c, const std::vector<sync::wire::FieldChange>& fields,
                  const std::string& origin, int64_t skew_ms);
Status RecordConflict(HubStore& store, const sync::Conflict& k);

}  // namespace simpul::hub

#endif  // SIMPUL_HUB_EPOCH_H_
