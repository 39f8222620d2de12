// Moving records between villages (a family moves, an application was filed
// in the wrong village): the rows change scope at the hub; the old village's
// node drops them at its next sync and the new one receives them
// (docs/PROTOCOL.md §8 "Moves").
//
// A moved row never arrives naming a household the new village does not
// hold. The rule (PROTOCOL §8):
//   - a household moves with all its members and their applications;
//   - a person moves with their applications, and
//       with `household` set: joins that household of the new village (the
//         person's and the moved applications' household_id are re-homed);
//       without: takes their household along when no other member stays in
//         it; when members stay, the move is refused (FailedPrecondition,
//         MsgId::kMoveNeedsHousehold): Dinsos must say which household of
//         the new village they join, the hub does not invent a family card;
//   - an application moves alone (its applicant stays where they are).
//
// Thread-safety: like HubStore, one thread at a time.
#ifndef SIMPUL_HUB_MOVES_H_
#define SIMPUL_HUB_MOVES_H_

#include <string>

#include "hub/store.h"
#include "schema/status.h"

namespace simpul::hub {

struct MoveOptions {
  std::string household;  // persons only: the household of the new village they join
};

// Moves row `id` of `table` ("households", "persons" or "applications")
// with its dependents to village `to`, in one transaction. Each scope_out
// entry names the destination (field `moved_to`), so the old village can
// tell its operator where the row went. Returns the number of rows moved.
Result<int> MoveRow(HubStore& store, const std::string& table, const std::string& id, const std::string& to,
                    const MoveOptions& options = {});

// Moves the one row `table`:`id` from village `from` to `to`, stamped
// `version`, inside the caller's transaction: its village changes, `from`
// is sent a scope_out naming `to`, `to` the row's full state (one snapshot
// entry per version; when the row is in `to` already, only its state). No dependents and no audit: MoveRow, and the DTKS
// import (hub/dtks_import.h) for a NIK a newer snapshot places elsewhere,
// do those.
Status MoveOneRow(HubStore& store, const std::string& table, const std::string& id, const std::string& from,
                  const std::string& to, const std::string& version);

}  // namespace simpul::hub

#endif  // SIMPUL_HUB_MOVES_H_
