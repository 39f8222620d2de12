#include "hub/moves.h"

#include <set>
#include <utility>
#include <vector>

#include "hub/operations.h"
#include "schema/messages.h"
#include "schema/validate.h"
#include "sync/change_log.h"
#include "sync/wire/messages.h"

namespace simpul::hub {
namespace {

using schema::Stmt;
using schema::Value;

struct Moving {
  std::string table, id;
};

// `table`:`id` and every row that goes with it, each once, parents first.
Status CollectDependents(HubStore& store, const std::string& table, const std::string& id,
                         std::set<std::pair<std::string, std::string>>* seen, std::vector<Moving>* out) {
  if (!seen->insert({table, id}).second) return Status::Ok();
  out->push_back({table, id});
  auto add_children = [&](const std::string& child, const std::string& sql) -> Status {
    SIMPUL_ASSIGN_OR_RETURN(auto rows, QueryRows(store, sql, {id}));
    for (const auto& r : rows) SIMPUL_RETURN_IF_ERROR(CollectDependents(store, child, RowText(r, "id"), seen, out));
    return Status::Ok();
  };
  if (table == "households")
    SIMPUL_RETURN_IF_ERROR(add_children("persons", "SELECT id FROM persons WHERE household_id=?"));
  if (table == "persons")
    SIMPUL_RETURN_IF_ERROR(add_children("applications", "SELECT id FROM applications WHERE applicant_id=?"));
  if (table == "applications") {
    SIMPUL_RETURN_IF_ERROR(add_children("events", "SELECT id FROM events WHERE subject_id=?"));
    SIMPUL_RETURN_IF_ERROR(add_children("attachments", "SELECT id FROM attachments WHERE application_id=?"));
  }
  if (table != "conflicts")
    SIMPUL_RETURN_IF_ERROR(add_children("conflicts", "SELECT id FROM conflicts WHERE row_id=?"));
  return Status::Ok();
}

// The household a moving person arrives in (see moves.h): "" to keep the
// household_id they have (it moves with them, or they have none).
// Adds the household to `rows` when it moves along.
Result<std::string> HouseholdOnArrival(HubStore& store, const Row& person, const std::string& to,
                                       const MoveOptions& opt, std::set<std::pair<std::string, std::string>>* seen,
                                       std::vector<Moving>* rows) {
  const std::string id = RowText(person, "id"), current = RowText(person, "household_id");
  if (!opt.household.empty()) {
    SIMPUL_ASSIGN_OR_RETURN(Row joined, ReadRow(store, "households", opt.household));
    if (RowText(joined, "village") != to)
      return Status::InvalidArgument("household " + opt.household + " is in village " + RowText(joined, "village"))
          .WithField("household")
          .WithMsg(MsgId::kMoveHouseholdElsewhere, {opt.household, RowText(joined, "village"), to});
    return opt.household == current ? std::string() : opt.household;
  }
  if (current.empty()) return std::string();
  SIMPUL_ASSIGN_OR_RETURN(auto stay, QueryRows(store,
      "SELECT count(*) AS n FROM persons WHERE household_id=? AND id!=? AND deleted=0", {current, id}));
  std::string others = stay.empty() ? "0" : RowText(stay[0], "n");
  if (others != "0")
    return Status::FailedPrecondition("other members of household " + current + " stay: give --household")
        .WithField("household")
        .WithMsg(MsgId::kMoveNeedsHousehold, {id, current, others, to});
  // The whole family moves: the household goes too (before its member).
  SIMPUL_ASSIGN_OR_RETURN(Row household, ReadRow(store, "households", current));
  if (RowText(household, "village") == RowText(person, "village")) {
    std::vector<Moving> first;
    SIMPUL_RETURN_IF_ERROR(CollectDependents(store, "households", current, seen, &first));
    rows->insert(rows->begin(), first.begin(), first.end());
  }
  return std::string();
}

// Sets household_id of a moving row to `household`, stamped with the move's
// version: the new village receives it in the row's snapshot.
Status Rehome(HubStore& store, const Moving& m, const std::string& household, const std::string& version) {
  SIMPUL_ASSIGN_OR_RETURN(Stmt * up, store.db().Cached("UPDATE " + m.table + " SET household_id=? WHERE id=?"));
  up->Bind(1, household).Bind(2, m.id);
  SIMPUL_RETURN_IF_ERROR(up->Run());
  SIMPUL_ASSIGN_OR_RETURN(Stmt * fv, store.db().Cached(
      "INSERT INTO field_versions(tbl,row_id,field,version) VALUES(?,?,'household_id',?)"
      " ON CONFLICT(tbl,row_id,field) DO UPDATE SET version=excluded.version"));
  fv->Bind(1, m.table).Bind(2, m.id).Bind(3, version);
  return fv->Run();
}

}  // namespace

Status MoveOneRow(HubStore& store, const std::string& table, const std::string& id, const std::string& from,
                  const std::string& to, const std::string& version) {
  sync::ChangeLogWriter log(store.db());
  if (from != to) {
    SIMPUL_ASSIGN_OR_RETURN(Stmt * up, store.db().Cached("UPDATE " + table + " SET village=? WHERE id=?"));
    up->Bind(1, to).Bind(2, id);
    SIMPUL_RETURN_IF_ERROR(up->Run());
    // Old scope: drop it, and where it went.
    SIMPUL_ASSIGN_OR_RETURN(int64_t out_seq, log.Append({version, table, id, from, sync::wire::kFlagScopeOut,
                                                         store.hub_id(), store.NowMs(), 0}));
    SIMPUL_RETURN_IF_ERROR(log.AddField(out_seq, sync::wire::kMovedToField, Value(to), Value()));
  }
  // New scope: the row's full state, one entry per version.
  SIMPUL_ASSIGN_OR_RETURN(auto versions, QueryRows(store,
      "SELECT field,version FROM field_versions WHERE tbl=? AND row_id=? ORDER BY version", {table, id}));
  SIMPUL_ASSIGN_OR_RETURN(Row state, ReadRow(store, table, id));
  std::string last_version;
  int64_t seq = 0;
  for (const auto& v : versions) {
    std::string ver = RowText(v, "version"), name = RowText(v, "field");
    if (ver != last_version) {
      SIMPUL_ASSIGN_OR_RETURN(seq, log.Append({ver, table, id, to, sync::wire::kFlagSnapshot, store.hub_id(),
                                               store.NowMs(), 0}));
      last_version = ver;
    }
    Value value;
    for (const auto& [k, val] : state)
      if (k == name) value = val;
    SIMPUL_RETURN_IF_ERROR(log.AddField(seq, name, value, Value()));
  }
  return Status::Ok();
}

Result<int> MoveRow(HubStore& store, const std::string& table, const std::string& id, const std::string& to,
                    const MoveOptions& opt) {
  if (table != "persons" && table != "applications" && table != "households")
    return Status::InvalidArgument("move a household, a person or an application (their dependents move with them)");
  if (!opt.household.empty() && table != "persons")
    return Status::InvalidArgument("--household is for moving a person").WithField("household");
  SIMPUL_ASSIGN_OR_RETURN(auto level, schema::ValidateRegionCode(to, nullptr));
  if (level != schema::RegionLevel::kVillage)
    return Status::InvalidArgument(to + " is not a village code").WithMsg(MsgId::kRegionNotVillage, {to});
  SIMPUL_ASSIGN_OR_RETURN(auto known, QueryRows(store, "SELECT 1 FROM regions WHERE code=?", {to}));
  if (known.empty()) return Status::NotFound("village " + to + " is not in the Kemendagri lists");
  SIMPUL_ASSIGN_OR_RETURN(auto txn, store.BeginWrite());
  SIMPUL_ASSIGN_OR_RETURN(Row root, ReadRow(store, table, id));
  std::string from = RowText(root, "village");
  if (from == to) return Status::InvalidArgument("already in " + to).WithMsg(MsgId::kMoveSameVillage, {to});
  std::set<std::pair<std::string, std::string>> seen;
  std::vector<Moving> rows;
  SIMPUL_RETURN_IF_ERROR(CollectDependents(store, table, id, &seen, &rows));
  std::string joins, old_household = RowText(root, "household_id");
  if (table == "persons") {
    SIMPUL_ASSIGN_OR_RETURN(joins, HouseholdOnArrival(store, root, to, opt, &seen, &rows));
  }
  // The move is stamped like any hub write; both scopes hear of it.
  std::string version = store.hlc().Version(store.hlc().Now());
  for (const auto& m : rows) {
    // Each row leaves the village it is in, which for a dependent need not
    // be the root's: an application moved before on its own stays with its
    // applicant's village no longer, and that village must hear it left.
    SIMPUL_ASSIGN_OR_RETURN(Row now, ReadRow(store, m.table, m.id));
    if (!joins.empty() && (m.table == "persons" || m.table == "applications") &&
        (m.id == id || RowText(now, "household_id") == old_household))
      SIMPUL_RETURN_IF_ERROR(Rehome(store, m, joins, version));
    SIMPUL_RETURN_IF_ERROR(MoveOneRow(store, m.table, m.id, RowText(now, "village"), to, version));
  }
  SIMPUL_RETURN_IF_ERROR(store.Audit("move", from, table + ":" + id,
                                     "to " + to + ", " + std::to_string(rows.size()) + " rows" +
                                         (joins.empty() ? "" : ", joins household " + joins)));
  SIMPUL_RETURN_IF_ERROR(txn.Commit());
  return static_cast<int>(rows.size());
}

}  // namespace simpul::hub
