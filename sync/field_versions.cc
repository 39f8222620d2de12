#include "sync/field_versions.h"

namespace simpul::sync {

Status SetFieldVersions(schema::Db& db, const std::string& table, const std::string& row_id,
                        const std::string& version, const std::vector<std::string_view>& fields) {
  if (fields.empty()) return Status::Ok();
  // (?1 table, ?2 row, ?3 version, ?4... the fields.)
  std::string sql = "INSERT INTO field_versions(tbl,row_id,field,version) VALUES";
  for (size_t k = 0; k < fields.size(); ++k) sql += (k ? ",(?1,?2,?" : "(?1,?2,?") + std::to_string(k + 4) + ",?3)";
  sql += " ON CONFLICT(tbl,row_id,field) DO UPDATE SET version=excluded.version";
  SIMPUL_ASSIGN_OR_RETURN(schema::Stmt * st, db.Cached(sql));
  st->Bind(1, table).Bind(2, row_id).Bind(3, version);
  for (size_t k = 0; k < fields.size(); ++k) st->Bind(static_cast<int>(k + 4), fields[k]);
  return st->Run();
}

}  // namespace simpul::sync
