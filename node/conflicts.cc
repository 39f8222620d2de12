// Conflicts as a village operator sees and settles them.
#include <cstdlib>

#include "node/sync_client.h"
#include "schema/messages.h"
#include "schema/tables.h"
#include "schema/field_rules.h"
#include "sync/change_capture.h"

namespace simpul::node {

using schema::Value;

Result<std::vector<ConflictRow>> ListConflicts(NodeStore& store, bool all) {
  SIMPUL_ASSIGN_OR_RETURN(auto st, store.db().Prepare(
      std::string("SELECT id,tbl,row_id,field,kind,winner_value,loser_value,winner_version,loser_version,status,"
                  "resolution,resolved_by FROM conflicts") + (all ? "" : " WHERE status='open'") + " ORDER BY id"));
  std::vector<ConflictRow> out;
  for (;;) {
    SIMPUL_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    ConflictRow r;
    for (int i = 0; i < st.ColumnCount(); ++i) r.emplace_back(st.ColumnName(i), st.Column(i));
    out.push_back(std::move(r));
  }
  return out;
}

Status ResolveConflict(NodeStore& store, const std::string& id, const std::string& keep, const std::string& value,
                       const std::optional<std::string>& expected_current) {
  SIMPUL_ASSIGN_OR_RETURN(auto txn, schema::Transaction::Begin(store.db()));
  SIMPUL_ASSIGN_OR_RETURN(auto st, store.db().Prepare(
      "SELECT tbl,row_id,field,winner_value,loser_value,village,status,resolution FROM conflicts WHERE id=?"));
  st.Bind(1, id);
  SIMPUL_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Status::NotFound("no conflict " + id).WithMsg(MsgId::kNotFoundId, {"@conflicts", id});
  std::string table = st.Text(0), row_id = st.Text(1), field = st.Text(2), village = st.Text(5);
  // Decided already (another tab, another operator, or Dinsos): a second
  // decision would overwrite the first one's value unseen.
  if (st.Text(6) != "open")
    return Status::Aborted("conflict " + id + " is " + st.Text(6) + " already; nothing was written")
        .WithField("id").WithMsg(MsgId::kConflictAlreadyResolved, {st.Text(7)});
  Value chosen = keep == "winner" ? st.Column(3) : keep == "loser" ? st.Column(4) : Value(value);
  if (keep != "winner" && keep != "loser" && keep != "value")
    return Status::InvalidArgument("--keep must be winner or loser, or give --value");
  const schema::TableDef* t = schema::FindTable(table);
  const schema::FieldDef* f = t ? schema::FindField(*t, field) : nullptr;
  if (!f) return Status::Corruption("conflict names an unknown field");
  if (expected_current) {
    // The column is the schema's own (FindField above), never the caller's.
    SIMPUL_ASSIGN_OR_RETURN(auto cur, store.db().Prepare("SELECT \"" + field + "\" FROM \"" + table + "\" WHERE id=?"));
    cur.Bind(1, row_id);
    SIMPUL_ASSIGN_OR_RETURN(bool found, cur.Step());
    std::string now = found && !schema::IsNull(cur.Column(0)) ? schema::ValueToDisplay(cur.Column(0)) : std::string();
    if (now != *expected_current)
      return Status::Aborted(table + "." + field + " changed meanwhile; nothing was written")
          .WithField("expected_current").WithMsg(MsgId::kConflictChangedMeanwhile, {now});
  }
  if (keep == "value" && (field == "relation" || field == "dtks_desil"))
    chosen = static_cast<int64_t>(std::atoll(value.c_str()));
  SIMPUL_RETURN_IF_ERROR(schema::ValidateStoredValue(table, field, chosen));
  if (keep != "winner") {
    if (!sync::MayWrite(sync::Role::kVillage, f->owner))
      return Status::PermissionDenied(table + "." + field + " belongs to the hub: resolve it at Dinsos");
    SIMPUL_ASSIGN_OR_RETURN(auto w, store.writer().Write(*t, row_id, village, {{field, chosen}}));
    (void)w;
  }
  std::string how = keep == "value" ? "set to a new value" : "kept the " + keep;
  SIMPUL_ASSIGN_OR_RETURN(auto w2, store.writer().Write(*schema::FindTable("conflicts"), id, village,
      {{"status", std::string("resolved")}, {"resolution", how}, {"resolved_by", "village:" + store.node_id()}}));
  (void)w2;
  SIMPUL_RETURN_IF_ERROR(store.Audit("resolve_conflict", id, how));
  return txn.Commit();
}

}  // namespace simpul::node
