// Refusals that settle: an outbox change the hub refused (or would refuse)
// because the row it edits left this village. Dinsos moved the person,
// household or application (docs/PROTOCOL.md §8 "Moves"); the edit cannot
// apply here any more and nothing the village operator does can make it
// apply, so it must not wait in the outbox for ever.
//
// When the hub's scope_out of a row arrives, every pending or refused
// outbox change of that row becomes `settled`: acknowledged as refused, out
// of the push queue and of `simpul-node outbox`, kept with its reason
// ("moved to village X") for `simpul-node refusals`. The node remembers the
// move (meta `moved:TABLE:ROW`), so a refusal of that row that reaches it
// later (a reply recovered after a cut) settles the same way.
//
// Outbox states (node-local, TEXT): pending | refused | settled.
//
// Thread-safety: like NodeStore; every function runs inside the caller's
// transaction.
#ifndef SIMPUL_NODE_REFUSALS_H_
#define SIMPUL_NODE_REFUSALS_H_

#include <string>

#include "node/store.h"
#include "schema/messages.h"
#include "sync/wire/messages.h"

namespace simpul::node {

// The outbox state of a settled refusal.
inline constexpr const char* kSettledState = "settled";

// Applies after the hub's scope_out `change` was merged: settles the row's
// outbox changes and remembers where the row went. Returns how many settled.
Result<int> SettleMovedRow(NodeStore& store, const sync::wire::Change& change);

// Called after outbox change `seq` (of `table`/`row_id`) was marked
// refused: settles it when the row is known to have moved away.
Status SettleIfMoved(NodeStore& store, int64_t seq, const std::string& table, const std::string& row_id);

// The reason an operator reads for a refusal stored in the outbox
// ("moved to village X", or "Code: hub's message"), in `lang`.
std::string RefusalText(Lang lang, const std::string& stored);

}  // namespace simpul::node

#endif  // SIMPUL_NODE_REFUSALS_H_
