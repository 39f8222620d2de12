#include "hub/app_index.h"

#include <cstdlib>
#include <set>

#include "hub/history.h"
#include "hub/reports/times_source.h"

namespace simpul::hub {
namespace {

using schema::Stmt;

constexpr const char* kColumns =
    "status,since_ms,submitted_ms,village_offset_ms,received_ms,decided_ms,letter_ms,delivered_ms,"
    "delivered_by_village_clock,stages";

// Stage marks as "code=ms,code=ms" (stage codes are [a-z0-9_]).
std::string EncodeStages(const std::vector<reports::StageMark>& stages) {
  std::string out;
  for (const auto& s : stages) {
    if (!out.empty()) out += ',';
    out += s.code + "=" + std::to_string(s.at_ms);
  }
  return out;
}


// Reads the index columns (kColumns) starting at column `first`.
AppIndexRow ReadColumns(const Stmt& st, int first) {
  AppIndexRow r;
  r.status = st.Text(first);
  r.since_ms = st.Int(first + 1);
  reports::Timeline& t = r.times;
  t.submitted_ms = st.Int(first + 2);
  if (!st.IsNullAt(first + 3)) t.village_offset_ms = st.Int(first + 3);
  t.received_ms = st.Int(first + 4);
  t.decided_ms = st.Int(first + 5);
  t.letter_ms = st.Int(first + 6);
  t.delivered_ms = st.Int(first + 7);
  t.delivered_by_village_clock = st.Int(first + 8) != 0;
  t.stages = DecodeStages(st.Text(first + 9));
  return r;
}

Status WriteRow(HubStore& store, const std::string& id, const AppIndexRow& r) {
  SIMPUL_ASSIGN_OR_RETURN(Stmt * st, store.db().Cached(std::string("INSERT OR REPLACE INTO app_index(app_id,") +
                                                       kColumns + ") VALUES(?,?,?,?,?,?,?,?,?,?,?)"));
  const reports::Timeline& t = r.times;
  st->Bind(1, id).Bind(2, r.status).Bind(3, r.since_ms).Bind(4, t.submitted_ms);
  if (t.village_offset_ms) st->Bind(5, *t.village_offset_ms); else st->BindNull(5);
  st->Bind(6, t.received_ms).Bind(7, t.decided_ms).Bind(8, t.letter_ms).Bind(9, t.delivered_ms)
      .Bind(10, int64_t{t.delivered_by_village_clock}).Bind(11, EncodeStages(t.stages));
  return st->Run();
}

Result<std::vector<std::string>> Ids(HubStore& store, const std::string& sql) {
  SIMPUL_ASSIGN_OR_RETURN(auto st, store.db().Prepare(sql));
  std::vector<std::string> out;
  for (;;) {
    SIMPUL_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return out;
    out.push_back(st.Text(0));
  }
}

std::string Describe(const AppIndexRow& r) {
  const auto& t = r.times;
  return r.status + " since " + std::to_string(r.since_ms) + ", submitted " + std::to_string(t.submitted_ms) +
         ", received " + std::to_string(t.received_ms) + " (village clock offset " +
         (t.village_offset_ms ? std::to_string(*t.village_offset_ms) : std::string("unknown")) + ")" + ", decided " + std::to_string(t.decided_ms) + ", letter " +
         std::to_string(t.letter_ms) + ", delivered " + std::to_string(t.delivered_ms) +
         (t.delivered_by_village_clock ? " (village clock)" : "") + ", stages " +
         EncodeStages(t.stages);
}

}  // namespace

std::vector<reports::StageMark> DecodeStages(const std::string& text) {
  std::vector<reports::StageMark> out;
  size_t at = 0;
  while (at < text.size()) {
    size_t end = text.find(',', at);
    if (end == std::string::npos) end = text.size();
    std::string item = text.substr(at, end - at);
    size_t eq = item.find('=');
    if (eq != std::string::npos) out.push_back({item.substr(0, eq), std::atoll(item.c_str() + eq + 1)});
    at = end + 1;
  }
  return out;
}

bool AppIndexRow::operator==(const AppIndexRow& o) const {
  const auto& a = times;
  const auto& b = o.times;
  if (a.stages.size() != b.stages.size()) return false;
  for (size_t i = 0; i < a.stages.size(); ++i)
    if (a.stages[i].code != b.stages[i].code || a.stages[i].at_ms != b.stages[i].at_ms) return false;
  return status == o.status && since_ms == o.since_ms && a.submitted_ms == b.submitted_ms &&
         a.village_offset_ms == b.village_offset_ms && a.received_ms == b.received_ms &&
         a.decided_ms == b.decided_ms && a.letter_ms == b.letter_ms && a.delivered_ms == b.delivered_ms &&
         a.delivered_by_village_clock == b.delivered_by_village_clock;
}

namespace {

// An application's row from its timeline and its history.
Result<AppIndexRow> RowOf(HubStore& store, const std::string& app_id, reports::Timeline timeline) {
  SIMPUL_ASSIGN_OR_RETURN(History h, ReadHistory(store, app_id));
  AppIndexRow row;
  row.status = h.state.status;
  row.since_ms = h.since_ms;
  row.times = std::move(timeline);
  row.times.application_id.clear();
  row.times.village.clear();
  row.times.service.clear();
  return row;
}

}  // namespace

Result<std::optional<AppIndexRow>> DeriveAppIndexRow(HubStore& store, const std::string& app_id) {
  SIMPUL_ASSIGN_OR_RETURN(auto timeline, reports::LoadTimeline(store, nullptr, app_id));
  if (!timeline) return std::optional<AppIndexRow>();
  SIMPUL_ASSIGN_OR_RETURN(AppIndexRow row, RowOf(store, app_id, std::move(*timeline)));
  return std::optional<AppIndexRow>(std::move(row));
}

// The marked applications' timelines are loaded together (a push of
// thousands marks thousands: five queries for all of them, not five per
// application; each one's history is still read alone). CheckAppIndex
// derives them one by one, so the tests that check the index compare the
// two ways.
Status RefreshAppIndex(HubStore& store) {
  SIMPUL_ASSIGN_OR_RETURN(auto ids, Ids(store, "SELECT app_id FROM app_index_dirty"));
  if (ids.empty()) return Status::Ok();
  SIMPUL_ASSIGN_OR_RETURN(auto timelines, reports::LoadMarkedTimelines(store));
  std::set<std::string> found;
  for (auto& t : timelines) {
    const std::string id = t.application_id;
    SIMPUL_ASSIGN_OR_RETURN(AppIndexRow row, RowOf(store, id, std::move(t)));
    SIMPUL_RETURN_IF_ERROR(WriteRow(store, id, row));
    found.insert(id);
  }
  SIMPUL_ASSIGN_OR_RETURN(Stmt * drop, store.db().Cached("DELETE FROM app_index WHERE app_id=?"));
  for (const auto& id : ids) {
    if (found.count(id)) continue;
    drop->Reset();
    drop->Bind(1, id);
    SIMPUL_RETURN_IF_ERROR(drop->Run());
  }
  return store.db().Exec("DELETE FROM app_index_dirty");
}

Status SettleAppIndex(HubStore& store) {
  SIMPUL_ASSIGN_OR_RETURN(Stmt * any, store.db().Cached("SELECT 1 FROM app_index_dirty LIMIT 1"));
  SIMPUL_ASSIGN_OR_RETURN(bool marked, any->Step());
  any->Reset();
  if (!marked) return Status::Ok();
  SIMPUL_ASSIGN_OR_RETURN(auto write, store.BeginWrite());
  return write.Commit();  // HubWrite::Commit refreshes
}

Status RebuildAppIndex(HubStore& store) {
  SIMPUL_ASSIGN_OR_RETURN(auto write, store.BeginWrite());
  SIMPUL_RETURN_IF_ERROR(store.db().Exec("INSERT OR IGNORE INTO app_index_dirty SELECT id FROM applications;"
                                         "INSERT OR IGNORE INTO app_index_dirty SELECT app_id FROM app_index"));
  return write.Commit();
}

Result<std::optional<AppIndexRow>> StoredAppIndexRow(HubStore& store, const std::string& app_id) {
  SIMPUL_ASSIGN_OR_RETURN(Stmt * st, store.db().Cached(std::string("SELECT ") + kColumns +
                                                       " FROM app_index WHERE app_id=?"));
  st->Bind(1, app_id);
  SIMPUL_ASSIGN_OR_RETURN(bool row, st->Step());
  std::optional<AppIndexRow> out;
  if (row) out = ReadColumns(*st, 0);
  st->Reset();
  return out;
}

Result<std::vector<std::string>> CheckAppIndex(HubStore& store) {
  std::vector<std::string> out;
  SIMPUL_ASSIGN_OR_RETURN(auto marked, Ids(store, "SELECT app_id FROM app_index_dirty"));
  for (const auto& id : marked) out.push_back(id + ": marked, not derived again");
  SIMPUL_ASSIGN_OR_RETURN(auto orphans, Ids(store, "SELECT app_id FROM app_index x WHERE NOT EXISTS"
                                                   " (SELECT 1 FROM applications a WHERE a.id=x.app_id)"));
  for (const auto& id : orphans) out.push_back(id + ": indexed, but no such application");
  SIMPUL_ASSIGN_OR_RETURN(auto apps, Ids(store, "SELECT id FROM applications ORDER BY id"));
  for (const auto& id : apps) {
    SIMPUL_ASSIGN_OR_RETURN(auto derived, DeriveAppIndexRow(store, id));
    SIMPUL_ASSIGN_OR_RETURN(auto stored, StoredAppIndexRow(store, id));
    if (!derived) continue;  // (read between two statements; it exists)
    if (!stored) {
      out.push_back(id + ": not indexed (derived: " + Describe(*derived) + ")");
    } else if (!(*stored == *derived)) {
      out.push_back(id + ": indexed " + Describe(*stored) + "; derived " + Describe(*derived));
    }
  }
  return out;
}

Result<std::vector<reports::Timeline>> IndexedTimelines(HubStore& store, const schema::ServiceRules* rules) {
  SIMPUL_RETURN_IF_ERROR(SettleAppIndex(store));
  SIMPUL_ASSIGN_OR_RETURN(auto st, store.db().Prepare(
      std::string("SELECT a.id,a.village,a.type,a.service_type,a.rules_version,") + kColumns +
      " FROM applications a JOIN app_index x ON x.app_id=a.id WHERE a.deleted=0 ORDER BY a.id"));
  std::vector<reports::Timeline> out;
  for (;;) {
    SIMPUL_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return out;
    AppIndexRow r = ReadColumns(st, 5);
    r.times.application_id = st.Text(0);
    if (!st.IsNullAt(4)) r.times.rules_version = st.Int(4);
    r.times.village = st.Text(1);
    const schema::ServiceRule* rule = rules ? rules->Find(st.Text(2), st.Text(3)) : nullptr;
    r.times.service = rule ? rule->code : st.Text(2);
    out.push_back(std::move(r.times));
  }
}

}  // namespace simpul::hub
