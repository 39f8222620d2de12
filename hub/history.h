// An application's history as people read it: its workflow events in fold
// order, each with who made it and two wall-clock times: when the writer's
// clock says it happened, and when the hub received it (a village may work
// offline for days, and its clock may be wrong; the hub's is the office's).
// Also the waiting time the queue sorts by.
//
// HLC stamps order events; they are never shown. Times here are
// milliseconds since the epoch, formatted by the caller in the office's zone
// (schema/local_time.h).
//
// Thread-safety: as HubStore.
#ifndef SIMPUL_HUB_HISTORY_H_
#define SIMPUL_HUB_HISTORY_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "hub/store.h"
#include "schema/workflow.h"

namespace simpul::hub {

struct HistoryEntry {
  schema::WorkflowEvent event;
  int64_t at_ms = 0;        // the writer's clock (the stamp's physical part)
  int64_t received_ms = 0;  // when the hub applied it (the hub's own: = at_ms)
  bool by_hub = false;      // written at Dinsos (else by the village's node)
  std::string person;       // the hub operator's name; "" for a village event
  std::string reason;       // the reason without the operator's "[name]" tag
};

struct History {
  std::vector<HistoryEntry> entries;  // fold order
  schema::WorkflowState state;
  // When the application entered its current state at the hub: the receipt
  // time of the last event (0 when it has none).
  int64_t since_ms = 0;
};

Result<History> ReadHistory(HubStore& store, const std::string& app_id);

// The histories of every application (of one village, when `village` is
// not ""), read in one query: what the queue needs for thousands of
// applications at once. An application with no event has no entry.
Result<std::map<std::string, History>> ReadHistories(HubStore& store, const std::string& village = "");

}  // namespace simpul::hub

#endif  // SIMPUL_HUB_HISTORY_H_
