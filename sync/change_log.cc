#include "sync/change_log.h"

namespace simpul::sync {

Result<int64_t> ChangeLogWriter::Append(const ChangeLogEntry& e) {
  SIMPUL_ASSIGN_OR_RETURN(schema::Stmt * st, db_.Cached(
      "INSERT INTO changelog(version,tbl,row_id,village,flags,origin,received_at_ms,clock_skew_ms)"
      " VALUES(?,?,?,?,?,?,?,?)"));
  st->Bind(1, e.version).Bind(2, e.table).Bind(3, e.row_id).Bind(4, e.village)
      .Bind(5, static_cast<int64_t>(e.flags)).Bind(6, e.origin).Bind(7, static_cast<int64_t>(e.received_at_ms));
  if (e.clock_skew_ms > 0) st->Bind(8, e.clock_skew_ms);
  else st->BindNull(8);
  SIMPUL_RETURN_IF_ERROR(st->Run());
  return db_.LastInsertRowid();
}

Status ChangeLogWriter::AddField(int64_t seq, std::string_view field, const schema::Value& value,
                                 const schema::Value& base) {
  SIMPUL_ASSIGN_OR_RETURN(schema::Stmt * st, db_.Cached(
      "INSERT INTO changelog_fields(seq,field,value,base) VALUES(?,?,?,?)"));
  st->Bind(1, seq).Bind(2, field).Bind(3, value).Bind(4, base);
  return st->Run();
}

std::string ChangeLogWriter::FieldRowsSql(std::string_view table, size_t n) {
  std::string sql = "INSERT INTO " + std::string(table) + "(seq,field,value,base) VALUES";
  for (size_t k = 0; k < n; ++k) {
    const int at = static_cast<int>(3 * k + 2);
    sql += (k ? ",(?1,?" : "(?1,?") + std::to_string(at) + ",?" + std::to_string(at + 1) + ",?" +
           std::to_string(at + 2) + ")";
  }
  return sql;
}

Status ChangeLogWriter::AddFields(int64_t seq, const std::vector<FieldChange>& fields) {
  if (fields.empty()) return Status::Ok();
  SIMPUL_ASSIGN_OR_RETURN(schema::Stmt * st, db_.Cached(FieldRowsSql("changelog_fields", fields.size())));
  st->Bind(1, seq);
  for (size_t k = 0; k < fields.size(); ++k) {
    const int at = static_cast<int>(3 * k + 2);
    st->Bind(at, fields[k].field).Bind(at + 1, fields[k].value);
    if (fields[k].base.empty()) st->BindNull(at + 2);
    else st->Bind(at + 2, fields[k].base);
  }
  return st->Run();
}

}  // namespace simpul::sync
