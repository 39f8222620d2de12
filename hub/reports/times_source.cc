#include "hub/reports/times_source.h"

#include <algorithm>
#include <map>

#include "hub/operations.h"
#include "sync/hlc.h"

namespace simpul::hub::reports {
namespace {

using schema::Stmt;

struct Stamped {
  int64_t ms = 0;
  bool wall_reading = false;
};

Stamped StampOf(const std::string& version) {
  sync::Stamp s;
  std::string writer;
  if (!sync::Hlc::ParseVersion(version, &s, &writer)) return {};
  return {static_cast<int64_t>(s.physical_ms()), sync::Hlc::IsWallReading(s)};
}

// The smaller of two instants where 0 means unknown.
int64_t Earliest(int64_t a, int64_t b) { return a <= 0 ? b : b <= 0 ? a : std::min(a, b); }

// Stages of the service rules that today's event kinds record.
const char* StageOfEvent(const std::string& kind) {
  if (kind == "field_visited") return "field_check";
  if (kind == "recommended") return "kecamatan";
  return nullptr;
}

struct Receipt {
  std::string subject_id, kind, ref_id;
  int64_t received_at_ms = 0, hub_time_ms = 0;
  std::optional<int64_t> offset;
  std::string via;
};

Result<std::vector<Receipt>> ReadReceipts(HubStore& store, const std::string& where, const std::string& bind) {
  SIMPUL_ASSIGN_OR_RETURN(auto st, store.db().Prepare(
      "SELECT subject_id,kind,ref_id,received_at_ms,hub_time_ms,clock_offset_ms,via FROM receipts" + where));
  if (!bind.empty()) st.Bind(1, bind);
  std::vector<Receipt> out;
  for (;;) {
    SIMPUL_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    Receipt r{st.Text(0), st.Text(1), st.Text(2), st.Int(3), st.Int(4), std::nullopt, st.Text(6)};
    if (!st.IsNullAt(5)) r.offset = st.Int(5);
    out.push_back(std::move(r));
  }
  return out;
}

// The first log entries of events: hub-written ones (origin the hub) and
// pushed ones apart.
struct FirstLogged {
  int64_t by_hub = 0, pushed = 0;
};

Result<std::map<std::string, FirstLogged>> ReadFirstLogged(HubStore& store, const std::string& row_id) {
  std::string sql =
      "SELECT row_id, origin=?, min(received_at_ms) FROM changelog WHERE tbl='events'" +
      std::string(row_id.empty() ? "" : " AND row_id=?") + " GROUP BY row_id, origin=?";
  SIMPUL_ASSIGN_OR_RETURN(auto st, store.db().Prepare(sql));
  st.Bind(1, store.hub_id());
  int i = 2;
  if (!row_id.empty()) st.Bind(i++, row_id);
  st.Bind(i, store.hub_id());
  std::map<std::string, FirstLogged> out;
  for (;;) {
    SIMPUL_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    (st.Int(1) ? out[st.Text(0)].by_hub : out[st.Text(0)].pushed) = st.Int(2);
  }
  return out;
}

// A hub event's instant (see the header): stamp and first log, the earlier.
int64_t HubEventMs(const schema::WorkflowEvent& e, const std::map<std::string, FirstLogged>& logged) {
  auto it = logged.find(e.id);
  return Earliest(StampOf(e.at).ms, it == logged.end() ? 0 : it->second.by_hub);
}

int64_t ReceivedMs(const schema::WorkflowEvent& e, const std::map<std::string, FirstLogged>& logged,
                   const std::vector<const Receipt*>& acks, std::optional<int64_t>* offset) {
  auto it = logged.find(e.id);
  int64_t ms = it == logged.end() ? 0 : it->second.pushed;
  for (const Receipt* r : acks) {
    if (r->ref_id != e.id || r->via != "sync") continue;
    ms = Earliest(ms, r->hub_time_ms);
    if (offset && r->offset) *offset = r->offset;
  }
  return ms;
}

int64_t Delivered(const std::vector<const Receipt*>& receipts, const std::string& kind, const std::string& ref_id,
                  bool* village_clock) {
  int64_t best = 0;
  for (const Receipt* r : receipts) {
    if (r->kind != kind || (!ref_id.empty() && r->ref_id != ref_id)) continue;
    bool vc = false;
    int64_t ms = DeliveredEstimate(r->received_at_ms, r->hub_time_ms, r->offset, r->via, &vc);
    if (ms > 0 && (best == 0 || ms < best)) {
      best = ms;
      if (village_clock) *village_clock = vc;
    }
  }
  return best;
}

}  // namespace

int64_t DeliveredEstimate(int64_t received_at_ms, int64_t hub_time_ms, std::optional<int64_t> offset_ms,
                          const std::string& via, bool* village_clock) {
  *village_clock = false;
  if (via == "sync" && hub_time_ms > 0) return hub_time_ms;
  *village_clock = true;
  int64_t ms = received_at_ms - offset_ms.value_or(0);
  return std::max(ms, hub_time_ms);  // a reply bundle is not read before it was made
}

Result<EventTimes> TimesOfEvent(HubStore& store, const schema::WorkflowEvent& e) {
  EventTimes t;
  SIMPUL_ASSIGN_OR_RETURN(auto logged, ReadFirstLogged(store, e.id));
  SIMPUL_ASSIGN_OR_RETURN(auto receipts, ReadReceipts(store, " WHERE ref_id=?", e.id));
  std::vector<const Receipt*> mine;
  for (const auto& r : receipts) mine.push_back(&r);
  if (e.actor_role == "village") {
    t.at_ms = StampOf(e.at).ms;
    t.received_ms = ReceivedMs(e, logged, mine, nullptr);
  } else {
    t.at_ms = HubEventMs(e, logged);
    t.delivered_ms = Delivered(mine, "decision", e.id, nullptr);
  }
  return t;
}

Result<std::vector<Timeline>> LoadTimelines(HubStore& store, const schema::ServiceRules* rules,
                                            const std::string& village) {
  std::string where = village.empty() ? "" : " AND village=?";
  std::vector<std::string> binds;
  if (!village.empty()) binds.push_back(village);
  SIMPUL_ASSIGN_OR_RETURN(auto apps, QueryRows(store, "SELECT id,village,type,service_type FROM applications"
                                                      " WHERE deleted=0" + where + " ORDER BY id", binds));
  SIMPUL_ASSIGN_OR_RETURN(auto event_rows, QueryRows(store, "SELECT id,subject_id,kind,actor,actor_role,reason,at,after"
                                                            " FROM events WHERE 1=1" + where, binds));
  SIMPUL_ASSIGN_OR_RETURN(auto letters, QueryRows(store, "SELECT application_id,min(issued_at_ms) AS at FROM letters"
                                                         " WHERE deleted=0" + where + " GROUP BY application_id", binds));
  SIMPUL_ASSIGN_OR_RETURN(auto logged, ReadFirstLogged(store, ""));
  SIMPUL_ASSIGN_OR_RETURN(auto receipts, ReadReceipts(store, village.empty() ? "" : " WHERE village=?", village));
  std::map<std::string, std::vector<schema::WorkflowEvent>> events;
  for (const auto& r : event_rows) {
    schema::WorkflowEvent e{RowText(r, "id"), RowText(r, "kind"), RowText(r, "actor"), RowText(r, "actor_role"),
                            RowText(r, "reason"), RowText(r, "at"), std::nullopt};
    if (!schema::IsNull(r.back().second)) e.after = RowText(r, "after");
    events[RowText(r, "subject_id")].push_back(std::move(e));
  }
  std::map<std::string, int64_t> issued;
  for (const auto& r : letters)
    if (auto* ms = std::get_if<int64_t>(&r.back().second)) issued[RowText(r, "application_id")] = *ms;
  std::map<std::string, std::vector<const Receipt*>> receipts_of;
  for (const auto& r : receipts) receipts_of[r.subject_id].push_back(&r);
  std::vector<Timeline> out;
  for (const auto& a : apps) {
    Timeline t;
    t.application_id = RowText(a, "id");
    t.village = RowText(a, "village");
    const schema::ServiceRule* rule = rules ? rules->Find(RowText(a, "type"), RowText(a, "service_type")) : nullptr;
    t.service = rule ? rule->code : RowText(a, "type");
    auto ordered = schema::CausalOrder(std::move(events[t.application_id]));
    const auto& mine = receipts_of[t.application_id];
    for (const auto& e : ordered) {
      if (e.kind == "submitted" && t.submitted_ms == 0) {
        Stamped s = StampOf(e.at);
        std::optional<int64_t> offset;
        t.received_ms = ReceivedMs(e, logged, mine, &offset);
        t.submitted_ms = s.ms;
        // Only a wall reading is the laptop's clock; a stamp counted on
        // from one the laptop adopted (the hub's, at its last sync) is not.
        if (s.wall_reading) t.village_offset_ms = offset;
      } else if (const char* stage = StageOfEvent(e.kind)) {
        t.stages.push_back({stage, HubEventMs(e, logged)});
      } else if (e.kind == "approved" || e.kind == "rejected") {
        t.decided_ms = HubEventMs(e, logged);
      } else if (e.kind == "letter_issued" && t.letter_ms == 0) {
        t.letter_ms = HubEventMs(e, logged);
      }
    }
    if (auto it = issued.find(t.application_id); it != issued.end()) t.letter_ms = it->second;
    t.delivered_ms = Delivered(mine, "letter", "", &t.delivered_by_village_clock);
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace simpul::hub::reports
