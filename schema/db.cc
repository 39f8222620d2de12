#include "schema/db.h"

#include <sqlite3.h>

#include <cstdio>

namespace simpul::schema {

std::string ValueToDisplay(const Value& v) {
  switch (v.index()) {
    case 0: return "NULL";
    case 1: return std::to_string(std::get<int64_t>(v));
    case 2: {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.6g", std::get<double>(v));
      return buf;
    }
    case 3: return std::get<std::string>(v);
    default: return "<" + std::to_string(std::get<Blob>(v).bytes.size()) + " bytes>";
  }
}

namespace {
Status FromSqlite(int rc, sqlite3* db, std::string_view what) {
  std::string msg(what);
  msg += ": ";
  msg += db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  if (rc == SQLITE_IOERR_DATA) return Status::Corruption(msg);  // a page failed authentication
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status::Unavailable(msg);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return Status::Corruption(msg);
    case SQLITE_CONSTRAINT:
      return Status::InvalidArgument(msg);
    case SQLITE_FULL:
      return Status::ResourceExhausted(msg);
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
      return Status::IoError(msg);
    default:
      return Status::Internal(msg);
  }
}
}  // namespace

void Stmt::Finalize::operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }

Stmt& Stmt::Bind(int index, const Value& v) {
  switch (v.index()) {
    case 0: sqlite3_bind_null(stmt_.get(), index); break;
    case 1: sqlite3_bind_int64(stmt_.get(), index, std::get<int64_t>(v)); break;
    case 2: sqlite3_bind_double(stmt_.get(), index, std::get<double>(v)); break;
    case 3: Bind(index, std::string_view(std::get<std::string>(v))); break;
    default: {
      const auto& b = std::get<Blob>(v).bytes;
      sqlite3_bind_blob64(stmt_.get(), index, b.data(), b.size(), SQLITE_TRANSIENT);
    }
  }
  return *this;
}
Stmt& Stmt::Bind(int index, std::string_view text) {
  sqlite3_bind_text64(stmt_.get(), index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  return *this;
}
Stmt& Stmt::Bind(int index, int64_t v) {
  sqlite3_bind_int64(stmt_.get(), index, v);
  return *this;
}
Stmt& Stmt::BindNull(int index) {
  sqlite3_bind_null(stmt_.get(), index);
  return *this;
}

Result<bool> Stmt::Step() {
  int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  Status st = FromSqlite(rc, db_, "step");
  sqlite3_reset(stmt_.get());
  return st;
}

Status Stmt::Run() {
  for (;;) {
    auto r = Step();
    if (!r.ok()) return r.status();
    if (!*r) break;
  }
  Reset();
  return Status::Ok();
}

void Stmt::Reset() {
  sqlite3_reset(stmt_.get());
  sqlite3_clear_bindings(stmt_.get());
}

int Stmt::ColumnCount() const { return sqlite3_column_count(stmt_.get()); }
std::string Stmt::ColumnName(int i) const {
  const char* n = sqlite3_column_name(stmt_.get(), i);
  return n ? n : "";
}

Value Stmt::Column(int i) const {
  switch (sqlite3_column_type(stmt_.get(), i)) {
    case SQLITE_INTEGER: return static_cast<int64_t>(sqlite3_column_int64(stmt_.get(), i));
    case SQLITE_FLOAT: return sqlite3_column_double(stmt_.get(), i);
    case SQLITE_TEXT: return Text(i);
    case SQLITE_BLOB: {
      const void* p = sqlite3_column_blob(stmt_.get(), i);
      int n = sqlite3_column_bytes(stmt_.get(), i);
      return Blob{std::string(static_cast<const char*>(p), n)};
    }
    default: return std::monostate{};
  }
}

std::string Stmt::Text(int i) const {
  const unsigned char* p = sqlite3_column_text(stmt_.get(), i);
  if (!p) return {};
  return std::string(reinterpret_cast<const char*>(p), sqlite3_column_bytes(stmt_.get(), i));
}
int64_t Stmt::Int(int i) const { return sqlite3_column_int64(stmt_.get(), i); }
double Stmt::Real(int i) const { return sqlite3_column_double(stmt_.get(), i); }
bool Stmt::IsNullAt(int i) const { return sqlite3_column_type(stmt_.get(), i) == SQLITE_NULL; }

void Db::Close::operator()(sqlite3* db) const { sqlite3_close_v2(db); }

Db::~Db() {
  cache_.clear();  // statements must be finalized before the connection closes
}

Result<Db> Db::Open(const std::string& path, Mode mode, const char* vfs) {
  int flags = SQLITE_OPEN_NOMUTEX;
  if (mode == Mode::kReadOnly) flags |= SQLITE_OPEN_READONLY;
  else flags |= SQLITE_OPEN_READWRITE;
  if (mode == Mode::kCreate) flags |= SQLITE_OPEN_CREATE;
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, vfs);
  Db db;
  db.db_.reset(raw);
  db.path_ = path;
  // Extended codes are not on yet: ask for the precise one (e.g. a page that
  // failed authentication in the encrypting VFS is corruption, not I/O).
  if (rc != SQLITE_OK) return FromSqlite(raw ? sqlite3_extended_errcode(raw) : rc, raw, "open " + path);
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, 5000);
  if (vfs) SIMPUL_RETURN_IF_ERROR(db.Exec("PRAGMA temp_store=MEMORY"));
  // Reading the schema proves this is an SQLite file before anything writes.
  if (Status st = db.Exec("SELECT count(*) FROM sqlite_master"); !st.ok()) return st;
  SIMPUL_RETURN_IF_ERROR(db.Exec("PRAGMA foreign_keys=ON"));
  return db;
}

Status Db::Exec(std::string_view sql) {
  std::string s(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(db_.get(), s.c_str(), nullptr, nullptr, &err);
  if (err) sqlite3_free(err);
  if (rc != SQLITE_OK) return FromSqlite(rc, db_.get(), "exec");
  return Status::Ok();
}

Result<Stmt> Db::Prepare(std::string_view sql) {
  sqlite3_stmt* s = nullptr;
  int rc = sqlite3_prepare_v3(db_.get(), sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &s, nullptr);
  if (rc != SQLITE_OK) return FromSqlite(rc, db_.get(), "prepare");
  return Stmt(db_.get(), s);
}

Result<Stmt*> Db::Cached(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) {
    it->second->Reset();
    return it->second.get();
  }
  auto st = Prepare(sql);
  if (!st.ok()) return st.status();
  auto owned = std::make_unique<Stmt>(std::move(st).value());
  Stmt* raw = owned.get();
  cache_.emplace(sql, std::move(owned));
  return raw;
}

Status Db::UseWal() {
  if (path_ != ":memory:") {
    SIMPUL_ASSIGN_OR_RETURN(Stmt st, Prepare("PRAGMA journal_mode=WAL"));
    SIMPUL_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row || st.Text(0) != "wal") return Status::IoError("could not switch " + path_ + " to WAL mode");
  }
  SIMPUL_RETURN_IF_ERROR(Exec("PRAGMA cache_size=-16384"));  // 16 MiB: the working set of a district
  // Checkpoint (and fsync the main file) every ~16 MiB of WAL instead of 4 MiB.
  SIMPUL_RETURN_IF_ERROR(Exec("PRAGMA wal_autocheckpoint=4096"));
  // Deleted and overwritten values are zeroed, not left in free pages: a
  // purged resident's data must not linger in the file (sync/purge.h).
  SIMPUL_RETURN_IF_ERROR(Exec("PRAGMA secure_delete=ON"));
  return Exec("PRAGMA synchronous=NORMAL");
}

int64_t Db::Changes() const { return sqlite3_changes64(db_.get()); }
int64_t Db::TotalChanges() const { return sqlite3_total_changes64(db_.get()); }

Result<int64_t> Db::DataVersion() {
  SIMPUL_ASSIGN_OR_RETURN(Stmt * st, Cached("PRAGMA data_version"));
  SIMPUL_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) return Error("PRAGMA data_version");
  int64_t v = st->Int(0);
  st->Reset();
  return v;
}
int64_t Db::LastInsertRowid() const { return sqlite3_last_insert_rowid(db_.get()); }

Status Db::Error(std::string_view what) const {
  return FromSqlite(sqlite3_errcode(db_.get()), db_.get(), what);
}

Result<Transaction> Transaction::Begin(Db& db) {
  if (!sqlite3_get_autocommit(db.handle())) {
    // Already in a transaction: a savepoint of it (same name each level;
    // SQLite releases and rolls back to the innermost of that name).
    SIMPUL_RETURN_IF_ERROR(db.Exec("SAVEPOINT simpul_nested"));
    return Transaction(db, /*nested=*/true);
  }
  SIMPUL_ASSIGN_OR_RETURN(Stmt * begin, db.Cached("BEGIN IMMEDIATE"));
  SIMPUL_RETURN_IF_ERROR(begin->Run());
  return Transaction(db, /*nested=*/false);
}

Transaction::~Transaction() {
  if (!active_) return;
  if (nested_) (void)db_->Exec("ROLLBACK TO simpul_nested; RELEASE simpul_nested");
  else (void)db_->Exec("ROLLBACK");
}

Status Transaction::Commit() {
  Status st = nested_ ? db_->Exec("RELEASE simpul_nested") : [this]() -> Status {
    SIMPUL_ASSIGN_OR_RETURN(Stmt * commit, db_->Cached("COMMIT"));
    return commit->Run();
  }();
  if (st.ok()) active_ = false;
  return st;
}

}  // namespace simpul::schema
