#include "hub/history.h"

#include <map>

#include "hub/operations.h"
#include "sync/hlc.h"

namespace simpul::hub {

namespace {

// applied.at_ms: when the hub applied a village's change (the events row is
// written once, so its `kind` field's version is the change's).
constexpr const char* kEventsSql =
    "SELECT e.id, e.kind, e.actor, e.actor_role, e.reason, e.at, e.after, ap.at_ms AS received, e.subject_id,"
    " e.stage"
    " FROM events e"
    " LEFT JOIN field_versions fv ON fv.tbl='events' AND fv.row_id=e.id AND fv.field='kind'"
    " LEFT JOIN applied ap ON ap.version=fv.version";

// One application's events as read by kEventsSql.
struct RawEvents {
  std::vector<schema::WorkflowEvent> events;
  std::map<std::string, int64_t> received;
};

void AddRow(schema::Stmt& st, RawEvents* out) {
  schema::WorkflowEvent e{st.Text(0), st.Text(1), st.Text(2), st.Text(3), st.Text(4), st.Text(5)};
  if (!st.IsNullAt(6)) e.after = st.Text(6);
  if (!st.IsNullAt(7)) out->received[e.id] = st.Int(7);
  e.stage = st.Text(9);  // which stage a stage_done passed (the fold ignores one without)
  out->events.push_back(std::move(e));
}

History Build(const std::string& hub_id, RawEvents raw) {
  History h;
  h.state = schema::FoldWorkflow(raw.events);
  for (auto& e : schema::CausalOrder(std::move(raw.events))) {
    HistoryEntry entry;
    sync::Stamp stamp;
    if (sync::Hlc::ParseVersion(e.at, &stamp, nullptr)) entry.at_ms = static_cast<int64_t>(stamp.physical_ms());
    entry.by_hub = e.actor == hub_id;
    auto it = raw.received.find(e.id);
    entry.received_ms = it != raw.received.end() ? it->second : entry.at_ms;
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

}  // namespace

Result<History> ReadHistory(HubStore& store, const std::string& app_id) {
  // Cached: the application index (hub/app_index.h) reads one on every write.
  SIMPUL_ASSIGN_OR_RETURN(auto* st, store.db().Cached(std::string(kEventsSql) + " WHERE e.subject_id=?"));
  st->Bind(1, app_id);
  RawEvents raw;
  for (;;) {
    SIMPUL_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) break;
    AddRow(*st, &raw);
  }
  return Build(store.hub_id(), std::move(raw));
}

Result<std::map<std::string, History>> ReadHistories(HubStore& store, const std::string& village) {
  SIMPUL_ASSIGN_OR_RETURN(auto st, store.db().Prepare(std::string(kEventsSql) +
                                                      " WHERE e.subject_kind='application'" +
                                                      (village.empty() ? "" : " AND e.village=?")));
  if (!village.empty()) st.Bind(1, village);
  std::map<std::string, RawEvents> raw;
  for (;;) {
    SIMPUL_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    AddRow(st, &raw[st.Text(8)]);
  }
  std::map<std::string, History> out;
  const std::string hub_id = store.hub_id();
  for (auto& [id, events] : raw) out.emplace(id, Build(hub_id, std::move(events)));
  return out;
}

}  // namespace simpul::hub
