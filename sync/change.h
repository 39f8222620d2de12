// A change record: the fields of one row written together under one
// version. What merge (sync/merge.h) applies, what the outbox and the hub's
// change log hold, and what the wire carries (sync/wire/codec.cc encodes it
// as it is; its numbers and names are persisted: never renumber or rename).
#ifndef SIMPUL_SYNC_CHANGE_H_
#define SIMPUL_SYNC_CHANGE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "schema/value.h"

namespace simpul::sync {

// One field of a change: its new value and the version it was based on
// ("" = the writer had no version of it: a new row or a first write).
struct FieldChange {
  std::string field;
  schema::Value value;
  std::string base;
  bool operator==(const FieldChange&) const = default;
};

// Change flags (persisted: never renumber).
enum ChangeFlags : uint8_t {
  kFlagNone = 0,
  kFlagSnapshot = 1,  // state transfer (first sync, repair, move-in): no conflicts
  kFlagScopeOut = 2,  // the row left this scope: drop it (fields: kMovedToField or none)
  kFlagRepair = 4,    // authoritative state from the hub's digest repair
};

// The one field a scope_out change may carry: the village the row moved to
// (a village code; persisted on the wire: never rename). Receivers ignore
// any other field of a scope_out change.
inline constexpr const char* kMovedToField = "moved_to";

// One change record: fields of one row written together under one version
// (the HLC stamp + node id of the writer, also the change's id).
struct Change {
  std::string version;  // "hhhhhhhhhhhhhhhh.nodeid"
  std::string table;
  std::string row_id;
  std::string village;  // scope the row belongs to (after the change)
  uint8_t flags = kFlagNone;
  std::vector<FieldChange> fields;
  bool operator==(const Change&) const = default;
};

}  // namespace simpul::sync

#endif  // SIMPUL_SYNC_CHANGE_H_
