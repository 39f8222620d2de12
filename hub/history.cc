#include "hub/history.h"

#include <map>

#include "hub/operations.h"
#include "sync/hlc.h"

namespace simpul::hub {

Result<History> ReadHistory(HubStore& store, const std::string& app_id) {
  // applied.at_ms: when the hub applied a village's change (the events row is
  // written once, so its `kind` field's version is the change's).
  SIMPUL_ASSIGN_OR_RETURN(auto rows, QueryRows(store,
      "SELECT e.id, e.kind, e.actor, e.actor_role, e.reason, e.at, e.after, e.stage, ap.at_ms AS received"
      " FROM events e"
      " LEFT JOIN field_versions fv ON fv.tbl='events' AND fv.row_id=e.id AND fv.field='kind'"
      " LEFT JOIN applied ap ON ap.version=fv.version"
      " WHERE e.subject_id=?", {app_id}));
  std::vector<schema::WorkflowEvent> events;
  std::map<std::string, int64_t> received;
  for (const auto& r : rows) {
    schema::WorkflowEvent e{RowText(r, "id"), RowText(r, "kind"), RowText(r, "actor"), RowText(r, "actor_role"),
                            RowText(r, "reason"), RowText(r, "at")};
    e.stage = RowText(r, "stage");  // which stage a stage_done passed (the fold ignores one without)
    for (const auto& [k, v] : r)
      if (k == "after" && !schema::IsNull(v)) e.after = schema::ValueToDisplay(v);
    std::string rec = RowText(r, "received");
    if (!rec.empty()) received[e.id] = std::atoll(rec.c_str());
    events.push_back(std::move(e));
  }
  History h;
  h.state = schema::FoldWorkflow(events);
  for (auto& e : schema::CausalOrder(std::move(events))) {
    HistoryEntry entry;
    sync::Stamp stamp;
    if (sync::Hlc::ParseVersion(e.at, &stamp, nullptr)) entry.at_ms = static_cast<int64_t>(stamp.physical_ms());
    entry.by_hub = e.actor == store.hub_id();
    auto it = received.find(e.id);
    entry.received_ms = it != received.end() ? it->second : entry.at_ms;
    entry.reason = e.reason;
    // The hub tags its events' reasons with the operator: "text [name]".
    if (entry.by_hub && !entry.reason.empty() && entry.reason.back() == ']') {
      auto open = entry.reason.rfind('[');
      if (open != std::string::npos) {
        entry.person = entry.reason.substr(open + 1, entry.reason.size() - open - 2);
        entry.reason = entry.reason.substr(0, open > 0 && entry.reason[open - 1] == ' ' ? open - 1 : open);
      }
    }
    entry.event = std::move(e);
    h.entries.push_back(std::move(entry));
  }
  if (!h.entries.empty()) h.since_ms = h.entries.back().received_ms;
  return h;
}

}  // namespace simpul::hub
