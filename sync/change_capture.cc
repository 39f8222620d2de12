#include "sync/change_capture.h"
#include "sync/field_versions.h"

#include "sync/change_log.h"

#include <algorithm>

namespace simpul::sync {

using schema::Db;
using schema::Stmt;
using schema::Value;

bool MayWrite(Role role, schema::Owner owner) {
  if (owner == schema::Owner::kShared) return true;
  return (role == Role::kVillage) == (owner == schema::Owner::kVillage);
}

// The last stamp is the larger of meta.hlc_last (saved when outbox rows are
// pruned) and the newest outbox change: seq order is stamp order on one node,
// so this costs one index step and no extra page write per change.
Result<Stamp> LoadLastStamp(Db& db) {
  Stamp best;
  for (const char* sql : {"SELECT value FROM meta WHERE key='hlc_last'",
                          "SELECT hlc FROM outbox ORDER BY seq DESC LIMIT 1"}) {
    SIMPUL_ASSIGN_OR_RETURN(Stmt * st, db.Cached(sql));
    SIMPUL_ASSIGN_OR_RETURN(bool row, st->Step());
    Stamp s;
    std::string text = row ? st->Text(0) : std::string();
    st->Reset();
    if (!row) continue;
    if (text.find('.') == std::string::npos) text += ".x";
    if (!Hlc::ParseVersion(text, &s, nullptr)) return Status::Corruption("stored HLC stamp is malformed");
    if (s > best) best = s;
  }
  return best;
}

Status SaveLastStamp(Db& db, Stamp s) {
  SIMPUL_ASSIGN_OR_RETURN(
      Stmt * st, db.Cached("INSERT INTO meta(key,value) VALUES('hlc_last',?)"
                           " ON CONFLICT(key) DO UPDATE SET value=max(value,excluded.value)"));
  std::string v = Hlc::FormatVersion(s, "");
  v.pop_back();  // drop the '.' separator: only the stamp is stored
  st->Bind(1, v);
  return st->Run();
}

Result<WriteOutcome> ChangeWriter::Write(const schema::TableDef& table, const std::string& row_id,
                                         const std::string& village,
                                         const std::vector<FieldWrite>& fields) {
  const std::string tbl = table.name;
  // Current values, to skip unchanged fields and to know whether the row exists.
  std::string select = "SELECT village";
  for (size_t i = 0; i < fields.size(); ++i) {
    const auto& f = fields[i];
    for (size_t j = 0; j < i; ++j)
      if (fields[j].field == f.field)
        return Status::InvalidArgument("field " + tbl + "." + f.field + " given twice").WithField(f.field);
    const schema::FieldDef* def = schema::FindField(table, f.field);
    if (!def) return Status::InvalidArgument("unknown field " + tbl + "." + f.field).WithField(f.field);
    if (!MayWrite(role_, def->owner))
      return Status::PermissionDenied("field " + tbl + "." + f.field + " is owned by the " +
                                      (def->owner == schema::Owner::kHub ? "hub" : "village"))
          .WithField(f.field);
    select += "," + f.field;
  }
  select += " FROM " + tbl + " WHERE id=?";
  SIMPUL_ASSIGN_OR_RETURN(Stmt * sel, db_.Cached(select));
  sel->Bind(1, row_id);
  SIMPUL_ASSIGN_OR_RETURN(bool exists, sel->Step());
  std::vector<const FieldWrite*> changed;
  std::string row_village = village;
  if (exists) {
    row_village = sel->Text(0);
    for (size_t i = 0; i < fields.size(); ++i)
      if (sel->Column(static_cast<int>(i) + 1) != fields[i].value) changed.push_back(&fields[i]);
  } else {
    for (const auto& f : fields) changed.push_back(&f);
  }
  sel->Reset();
  WriteOutcome out;
  if (changed.empty() && exists) return out;
  if (table.append_only && exists)
    return Status::FailedPrecondition(tbl + " rows are append-only");

  // Each changed field's base: the version it holds now.
  SIMPUL_ASSIGN_OR_RETURN(Stmt * base_q, db_.Cached("SELECT version FROM field_versions"
                                                    " WHERE tbl=? AND row_id=? AND field=?"));
  std::vector<Value> bases(changed.size());
  for (size_t i = 0; i < changed.size() && exists; ++i) {
    base_q->Bind(1, tbl).Bind(2, row_id).Bind(3, changed[i]->field);
    SIMPUL_ASSIGN_OR_RETURN(bool has_base, base_q->Step());
    if (has_base) bases[i] = base_q->Text(0);
    base_q->Reset();
  }
  // Another process may have written since this one opened the store: move
  // past its stamps (read under the write lock) so versions stay unique; and
  // a write must be newer than what it overwrites, whatever our wall clock
  // says, or replicas could order it before its base.
  int64_t data_version = -1;
  if (sink_ == ChangeSink::kOutbox) {
    SIMPUL_ASSIGN_OR_RETURN(data_version, db_.DataVersion());
    if (data_version != seen_data_version_ || db_.TotalChanges() != seen_total_changes_) {
      SIMPUL_ASSIGN_OR_RETURN(Stamp stored, LoadLastStamp(db_));
      hlc_.Witness(stored);
    }
    seen_data_version_ = -1;  // until this write is complete
  }
  for (const auto& b : bases) {
    Stamp s;
    if (!IsNull(b) && Hlc::ParseVersion(std::get<std::string>(b), &s, nullptr)) hlc_.Witness(s);
  }
  Stamp stamp = hlc_.Now();
  std::string version = hlc_.Version(stamp);

  // The row itself.
  std::string cols = "id,village", qs = "?,?", updates;
  for (const auto* f : changed) {
    cols += "," + f->field;
    qs += ",?";
    updates += (updates.empty() ? "" : ",") + f->field + "=excluded." + f->field;
  }
  std::string upsert = "INSERT INTO " + tbl + "(" + cols + ") VALUES(" + qs + ")";
  if (!updates.empty()) upsert += " ON CONFLICT(id) DO UPDATE SET " + updates;
  SIMPUL_ASSIGN_OR_RETURN(Stmt * up, db_.Cached(upsert));
  up->Bind(1, row_id).Bind(2, row_village);
  for (size_t i = 0; i < changed.size(); ++i) up->Bind(static_cast<int>(i) + 3, changed[i]->value);
  SIMPUL_RETURN_IF_ERROR(up->Run());

  // The change record, its fields (one statement for all of them) and the
  // fields' versions: into the outbox (a node) or the change log (the hub).
  if (sink_ == ChangeSink::kOutbox) {
    int priority = 2;
    for (const auto* f : changed) {
      const std::string* text = std::get_if<std::string>(&f->value);
      priority = std::min(priority, schema::ChangePriority(tbl, f->field, text ? *text : std::string()));
    }
    SIMPUL_ASSIGN_OR_RETURN(
        Stmt * ob, db_.Cached("INSERT INTO outbox(change_id,tbl,row_id,village,hlc,node_id,priority)"
                              " VALUES(?,?,?,?,?,?,?)"));
    ob->Bind(1, version).Bind(2, tbl).Bind(3, row_id).Bind(4, row_village).Bind(5, version).Bind(
        6, hlc_.node_id()).Bind(7, priority);
    SIMPUL_RETURN_IF_ERROR(ob->Run());
    const int64_t seq = db_.LastInsertRowid();
    SIMPUL_ASSIGN_OR_RETURN(Stmt * fields_st,
                            db_.Cached(ChangeLogWriter::FieldRowsSql("outbox_fields", changed.size())));
    fields_st->Bind(1, seq);
    for (size_t k = 0; k < changed.size(); ++k) {
      const int at = static_cast<int>(3 * k + 2);
      fields_st->Bind(at, changed[k]->field).Bind(at + 1, changed[k]->value).Bind(at + 2, bases[k]);
    }
    SIMPUL_RETURN_IF_ERROR(fields_st->Run());
  } else {
    ChangeLogEntry e{version, tbl, row_id, row_village, changelog_flags_, hlc_.node_id(), stamp.physical_ms(), 0};
    SIMPUL_ASSIGN_OR_RETURN(int64_t seq, ChangeLogWriter(db_).Append(e));
    std::vector<FieldChange> logged;
    for (size_t k = 0; k < changed.size(); ++k) {
      const std::string* base = std::get_if<std::string>(&bases[k]);
      logged.push_back({changed[k]->field, changed[k]->value, base ? *base : std::string()});
    }
    SIMPUL_RETURN_IF_ERROR(ChangeLogWriter(db_).AddFields(seq, logged));
  }
  std::vector<std::string_view> versioned;
  for (const auto* f : changed) versioned.push_back(f->field);
  SIMPUL_RETURN_IF_ERROR(SetFieldVersions(db_, tbl, row_id, version, versioned));
  if (sink_ == ChangeSink::kOutbox) {
    seen_data_version_ = data_version;
    seen_total_changes_ = db_.TotalChanges();
  }
  out.change_id = version;
  out.fields_changed = static_cast<int>(changed.size());
  return out;
}

}  // namespace simpul::sync
