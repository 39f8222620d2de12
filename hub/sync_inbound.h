// The writing steps of the hub's sync handling (hub/sync_service.cc): the
// pushed changes and hand-backs of one request.
#ifndef SIMPUL_HUB_SYNC_INBOUND_H_
#define SIMPUL_HUB_SYNC_INBOUND_H_

#include <string>

#include "hub/store.h"
#include "hub/sync_service.h"
#include "sync/wire/messages.h"

namespace simpul::hub {

// Applies the request's pushed changes and hand-backs of `village`'s node
// `node_id`, in version order, each answered in `reply` (results,
// hand-back results, a notice when the node's clock is far ahead). Inside
// the request's transaction.
Status ApplyChanges(HubStore& store, const std::string& node_id, const std::string& village,
                    const sync::wire::RequestHeader& header, const sync::wire::SyncRequest& req,
                    const SyncServiceOptions& opt, sync::wire::SyncReply* reply);

}  // namespace simpul::hub

#endif  // SIMPUL_HUB_SYNC_INBOUND_H_
