#include "hub/reports/times_source.h"

#include <algorithm>
#include <map>

#include "hub/operations.h"
#include "schema/rules_store.h"
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

// Reads every row of a statement already bound (stepped to its end, so a
// cached statement holds no read open).
template <typename F>
Status EachRow(Stmt& st, F&& row) {
  for (;;) {
    SIMPUL_ASSIGN_OR_RETURN(bool more, st.Step());
    if (!more) return Status::Ok();
    row(st);
  }
}

// A statement for `sql`, with `bind` bound to ?1 when not "": cached when
// `cached` (the index derives one application at a time, on every write).
Result<Stmt*> Statement(HubStore& store, const std::string& sql, const std::string& bind, bool cached,
                        std::optional<Stmt>* owned) {
  Stmt* st = nullptr;
  if (cached) {
    SIMPUL_ASSIGN_OR_RETURN(st, store.db().Cached(sql));
  } else {
    SIMPUL_ASSIGN_OR_RETURN(auto prepared, store.db().Prepare(sql));
    owned->emplace(std::move(prepared));
    st = &**owned;
  }
  if (!bind.empty()) st->Bind(1, bind);
  return st;
}

// Which applications a load covers: every one (not deleted), one village's
// (not deleted), one application by id, or those marked for the index
// (deleted or not, both: the index's).
struct Scope {
  enum Kind { kAll, kVillage, kApplication, kMarked } kind = kAll;
  std::string value;
  bool one() const { return kind == kApplication; }
  // The statements of the index's loads are cached: they run at every write.
  bool cached() const { return kind == kApplication || kind == kMarked; }
};

// The marked applications' ids, as a subquery.
constexpr const char* kMarkedIds = "(SELECT app_id FROM app_index_dirty)";

Result<std::vector<Receipt>> ReadReceipts(HubStore& store, const std::string& where, const std::string& bind,
                                          bool cached) {
  std::optional<Stmt> owned;
  SIMPUL_ASSIGN_OR_RETURN(Stmt * st, Statement(store,
      "SELECT subject_id,kind,ref_id,received_at_ms,hub_time_ms,clock_offset_ms,via FROM receipts" + where, bind,
      cached, &owned));
  std::vector<Receipt> out;
  SIMPUL_RETURN_IF_ERROR(EachRow(*st, [&](Stmt& s) {
    Receipt r{s.Text(0), s.Text(1), s.Text(2), s.Int(3), s.Int(4), std::nullopt, s.Text(6)};
    if (!s.IsNullAt(5)) r.offset = s.Int(5);
    out.push_back(std::move(r));
  }));
  return out;
}

// The first log entries of events: hub-written ones (origin the hub) and
// pushed ones apart; `where` narrows the events (?1 is `bind`).
struct FirstLogged {
  int64_t by_hub = 0, pushed = 0;
};

Result<std::map<std::string, FirstLogged>> ReadFirstLogged(HubStore& store, const std::string& where,
                                                           const std::string& bind, bool cached) {
  std::optional<Stmt> owned;
  SIMPUL_ASSIGN_OR_RETURN(Stmt * st, Statement(store,
      "SELECT row_id, origin=?2, min(received_at_ms) FROM changelog WHERE tbl='events'" + where +
          " GROUP BY row_id, origin=?2", bind, cached, &owned));
  st->Bind(2, store.hub_id());
  std::map<std::string, FirstLogged> out;
  SIMPUL_RETURN_IF_ERROR(EachRow(*st, [&](Stmt& s) {
    (s.Int(1) ? out[s.Text(0)].by_hub : out[s.Text(0)].pushed) = s.Int(2);
  }));
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
  SIMPUL_ASSIGN_OR_RETURN(auto logged, ReadFirstLogged(store, " AND row_id=?1", e.id, false));
  SIMPUL_ASSIGN_OR_RETURN(auto receipts, ReadReceipts(store, " WHERE ref_id=?1", e.id, false));
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

namespace {

// One application's timeline from its rows (events unordered).
Timeline BuildTimeline(std::string id, std::string village, std::string service,
                       std::vector<schema::WorkflowEvent> events, const std::map<std::string, FirstLogged>& logged,
                       const std::vector<const Receipt*>& mine, std::optional<int64_t> issued) {
  Timeline t;
  t.application_id = std::move(id);
  t.village = std::move(village);
  t.service = std::move(service);
  for (const auto& e : schema::CausalOrder(std::move(events))) {
    if (e.kind == "submitted" && t.submitted_ms == 0) {
      Stamped s = StampOf(e.at);
      std::optional<int64_t> offset;
      t.received_ms = ReceivedMs(e, logged, mine, &offset);
      t.submitted_ms = s.ms;
      // Only a wall reading is the laptop's clock; a stamp counted on
      // from one the laptop adopted (the hub's, at its last sync) is not.
      if (s.wall_reading) t.village_offset_ms = offset;
    } else if (e.kind == "stage_done" && !e.stage.empty()) {
      // A stage of the service rule, as the rules-enforcing workflow records
      // it (schema 12: events.stage names which), on the hub's clock: the
      // village's own stage (the field check) when Dinsos received it, never
      // by the laptop's clock.
      t.stages.push_back({e.stage, e.actor_role == "village" ? ReceivedMs(e, logged, mine, nullptr)
                                                             : HubEventMs(e, logged)});
    } else if (const char* stage = StageOfEvent(e.kind)) {
      t.stages.push_back({stage, HubEventMs(e, logged)});
    } else if (e.kind == "approved" || e.kind == "rejected") {
      t.decided_ms = HubEventMs(e, logged);
    } else if (e.kind == "letter_issued" && t.letter_ms == 0) {
      t.letter_ms = HubEventMs(e, logged);
    }
  }
  if (issued) t.letter_ms = *issued;
  t.delivered_ms = Delivered(mine, "letter", "", &t.delivered_by_village_clock);
  return t;
}

Result<std::vector<Timeline>> Load(HubStore& store, const schema::ServiceRules* rules, const Scope& scope) {
  const bool one = scope.one(), marked = scope.kind == Scope::kMarked, cached = scope.cached();
  const bool village = scope.kind == Scope::kVillage;
  const std::string& v = scope.value;
  const std::string marked_ids = kMarkedIds;
  std::optional<Stmt> owned;
  SIMPUL_ASSIGN_OR_RETURN(Stmt * st, Statement(store,
      "SELECT id,village,type,service_type,rules_version FROM applications WHERE " +
          std::string(one ? "id=?1" : marked ? "id IN " + marked_ids : village ? "deleted=0 AND village=?1" : "deleted=0") +
          " ORDER BY id", v, cached, &owned));
  struct App {
    std::string id, village, type, service_type;
    std::optional<int64_t> rules_version;
  };
  std::vector<App> apps;
  SIMPUL_RETURN_IF_ERROR(EachRow(*st, [&](Stmt& s) {
    apps.push_back({s.Text(0), s.Text(1), s.Text(2), s.Text(3),
                    s.IsNullAt(4) ? std::nullopt : std::optional<int64_t>(s.Int(4))});
  }));
  std::map<std::string, std::vector<schema::WorkflowEvent>> events;
  SIMPUL_ASSIGN_OR_RETURN(st, Statement(store,
      "SELECT id,subject_id,kind,actor,actor_role,reason,at,after,stage FROM events" +
          std::string(one ? " WHERE subject_id=?1" : marked ? " WHERE subject_id IN " + marked_ids
                                                    : village ? " WHERE village=?1" : ""),
      v, cached, &owned));
  SIMPUL_RETURN_IF_ERROR(EachRow(*st, [&](Stmt& s) {
    schema::WorkflowEvent e{s.Text(0), s.Text(2), s.Text(3), s.Text(4), s.Text(5), s.Text(6), std::nullopt};
    if (!s.IsNullAt(7)) e.after = s.Text(7);
    e.stage = s.Text(8);
    events[s.Text(1)].push_back(std::move(e));
  }));
  std::map<std::string, int64_t> issued;
  SIMPUL_ASSIGN_OR_RETURN(st, Statement(store,
      "SELECT application_id,min(issued_at_ms) FROM letters WHERE deleted=0" +
          std::string(one ? " AND application_id=?1" : marked ? " AND application_id IN " + marked_ids
                                                      : village ? " AND village=?1" : "") +
          " GROUP BY application_id", v, cached, &owned));
  SIMPUL_RETURN_IF_ERROR(EachRow(*st, [&](Stmt& s) {
    if (!s.IsNullAt(1)) issued[s.Text(0)] = s.Int(1);
  }));
  SIMPUL_ASSIGN_OR_RETURN(auto logged, ReadFirstLogged(store,
      one ? " AND row_id IN (SELECT id FROM events WHERE subject_id=?1)"
          : marked ? " AND row_id IN (SELECT id FROM events WHERE subject_id IN " + marked_ids + ")" : "",
      one ? v : "", cached));
  SIMPUL_ASSIGN_OR_RETURN(auto receipts, ReadReceipts(store,
      one ? " WHERE subject_id=?1" : marked ? " WHERE subject_id IN " + marked_ids : village ? " WHERE village=?1" : "",
      v, cached));
  std::map<std::string, std::vector<const Receipt*>> receipts_of;
  for (const auto& r : receipts) receipts_of[r.subject_id].push_back(&r);
  std::vector<Timeline> out;
  for (auto& a : apps) {
    const schema::ServiceRule* rule = rules ? rules->Find(a.type, a.service_type) : nullptr;
    auto it = issued.find(a.id);
    auto ev = events.find(a.id);
    out.push_back(BuildTimeline(a.id, a.village, rule ? rule->code : a.type,
                                ev == events.end() ? std::vector<schema::WorkflowEvent>{} : std::move(ev->second),
                                logged, receipts_of[a.id],
                                it == issued.end() ? std::nullopt : std::optional<int64_t>(it->second)));
    out.back().rules_version = a.rules_version;
  }
  return out;
}

}  // namespace

Result<std::vector<Timeline>> LoadTimelines(HubStore& store, const schema::ServiceRules* rules,
                                            const std::string& village) {
  return Load(store, rules, village.empty() ? Scope{} : Scope{Scope::kVillage, village});
}

Result<std::optional<Timeline>> LoadTimeline(HubStore& store, const schema::ServiceRules* rules,
                                             const std::string& app_id) {
  SIMPUL_ASSIGN_OR_RETURN(auto one, Load(store, rules, Scope{Scope::kApplication, app_id}));
  if (one.empty()) return std::optional<Timeline>();
  return std::optional<Timeline>(std::move(one.front()));
}

Result<std::vector<Timeline>> LoadMarkedTimelines(HubStore& store) {
  return Load(store, nullptr, Scope{Scope::kMarked, ""});
}

Result<RulesBook> LoadRulesBook(HubStore& store) {
  RulesBook book;
  SIMPUL_ASSIGN_OR_RETURN(book.unversioned, schema::ServiceRulesAt(store.db(), std::nullopt));
  SIMPUL_ASSIGN_OR_RETURN(auto versions, schema::ListRulesVersions(store.db()));
  for (const auto& v : versions) {
    SIMPUL_ASSIGN_OR_RETURN(book.versions[v.version], schema::ServiceRulesAt(store.db(), v.version));
  }
  return book;
}

}  // namespace simpul::hub::reports
