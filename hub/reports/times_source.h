// Where the hub's times come from: the instants of each application's path
// read from the hub store, each on the clock docs/OPERATIONS.md names.
//
//   received at Dinsos   the hub's clock when it first logged the village's
//                        event (changelog.received_at_ms), or, when earlier,
//                        the hub's time in the reply that acknowledged it as
//                        the village reported it (`receipts` kind acked: it
//                        survives a restore of the hub, which re-logs the
//                        event when the village pushes it again)
//   decided, stages      the hub's decision event: the earlier of its HLC
//                        stamp and the hub's clock when it first logged it
//                        (both read the hub clock and neither is before the
//                        decision; the stamp may run ahead of the wall clock
//                        after a fast laptop, the log is late after a hand-back)
//   letter issued        letters.issued_at_ms (hub clock)
//   delivered            the village's `receipts` (node/receipts.h): the hub's
//                        time in the reply that carried it (live sync), or the
//                        village's clock corrected by its last measured offset
//                        (reply bundle), never before the reply was made
//   submitted            the village event's stamp (the laptop's clock), with
//                        the laptop's offset when the stamp is a wall reading
//
// Thread-safety: as HubStore.
#ifndef SIMPUL_HUB_REPORTS_TIMES_SOURCE_H_
#define SIMPUL_HUB_REPORTS_TIMES_SOURCE_H_

#include <optional>
#include <string>
#include <vector>

#include "hub/reports/times.h"
#include "hub/store.h"
#include "schema/workflow.h"

namespace simpul::hub::reports {

// The hub-clock estimate of when a village received something, from its
// receipt. `village_clock`: estimated from the village's clock (a bundle).
int64_t DeliveredEstimate(int64_t received_at_ms, int64_t hub_time_ms, std::optional<int64_t> offset_ms,
                          const std::string& via, bool* village_clock);

// The times of one event as people read them at the hub.
struct EventTimes {
  int64_t at_ms = 0;         // when it happened, on its writer's clock (0: stamp unreadable)
  int64_t received_ms = 0;   // village events: Dinsos received it (hub clock); 0 = unknown
  int64_t delivered_ms = 0;  // hub events: the village received it (hub-clock estimate); 0 = not yet
};
Result<EventTimes> TimesOfEvent(HubStore& store, const schema::WorkflowEvent& event);

// Every application's timeline (one village's, when `village` is not ""),
// deleted ones left out.
Result<std::vector<Timeline>> LoadTimelines(HubStore& store, const schema::ServiceRules* rules,
                                            const std::string& village = "");

// One application's timeline, deleted or not (nullopt: no such
// application), built by the same code: what hub/app_index.h keeps.
Result<std::optional<Timeline>> LoadTimeline(HubStore& store, const schema::ServiceRules* rules,
                                             const std::string& app_id);

// The timelines of the applications marked in `app_index_dirty`, deleted
// or not, with one query per table for all of them (what LoadTimeline
// gives one by one; hub/app_index.h refreshes with it at each commit).
Result<std::vector<Timeline>> LoadMarkedTimelines(HubStore& store);

// Every rules version the hub holds (hub/reports/times.h RulesBook).
Result<RulesBook> LoadRulesBook(HubStore& store);

}  // namespace simpul::hub::reports

#endif  // SIMPUL_HUB_REPORTS_TIMES_SOURCE_H_
