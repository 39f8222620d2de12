// RAII wrapper over the SQLite C API: Db (one connection), Stmt (one prepared
// statement) and Transaction (BEGIN IMMEDIATE ... COMMIT, rolled back by the
// destructor unless committed).
//
// Every Simpul store opens its database through Db::Open (foreign keys, a
// busy timeout, so a second process writing at the same time waits its turn
// and then gets Unavailable instead of corrupting anything), checks the file
// is its own, and only then calls UseWal() (WAL, synchronous=NORMAL), so a
// foreign or too-new file is never modified.
//
// Thread-safety: a Db and its Stmts belong to one thread at a time.
#ifndef SIMPUL_SCHEMA_DB_H_
#define SIMPUL_SCHEMA_DB_H_

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "schema/status.h"
#include "schema/value.h"

struct sqlite3;
struct sqlite3_stmt;

namespace simpul::schema {

class Db;

class Stmt {
 public:
  Stmt() = default;
  Stmt(Stmt&&) noexcept = default;
  Stmt& operator=(Stmt&&) noexcept = default;
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  // Binds are 1-based like SQLite's.
  Stmt& Bind(int index, const Value& v);
  Stmt& Bind(int index, std::string_view text);
  Stmt& Bind(int index, const char* text) { return Bind(index, std::string_view(text)); }
  Stmt& Bind(int index, const std::string& text) { return Bind(index, std::string_view(text)); }
  Stmt& Bind(int index, int64_t v);
  Stmt& Bind(int index, int v) { return Bind(index, static_cast<int64_t>(v)); }
  Stmt& BindNull(int index);

  // Returns true while a row is available, false when done; errors in status.
  Result<bool> Step();
  // Steps to completion, expecting no rows (INSERT/UPDATE/DELETE).
  Status Run();
  void Reset();

  int ColumnCount() const;
  std::string ColumnName(int index) const;
  Value Column(int index) const;  // 0-based
  std::string Text(int index) const;
  int64_t Int(int index) const;
  double Real(int index) const;
  bool IsNullAt(int index) const;

  bool valid() const { return stmt_ != nullptr; }

 private:
  friend class Db;
  struct Finalize {
    void operator()(sqlite3_stmt* s) const;
  };
  Stmt(sqlite3* db, sqlite3_stmt* s) : db_(db), stmt_(s) {}
  sqlite3* db_ = nullptr;
  std::unique_ptr<sqlite3_stmt, Finalize> stmt_;
};

class Db {
 public:
  enum class Mode { kReadWrite, kCreate, kReadOnly };

  Db(Db&&) noexcept = default;
  Db& operator=(Db&&) noexcept = default;
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  ~Db();

  // Opens (or with kCreate, creates) the database at `path` (":memory:" for
  // tests) and checks it is a readable SQLite file. `vfs` names a registered
  // SQLite VFS (the encrypting one, sync/crypto/at_rest.h); null for the
  // default. With a VFS, temporary data stays in memory (temp_store=MEMORY),
  // so it never reaches a file the VFS does not cover.
  static Result<Db> Open(const std::string& path, Mode mode = Mode::kReadWrite, const char* vfs = nullptr);

  // Switches to WAL journaling with synchronous=NORMAL.
  Status UseWal();
  Status Exec(std::string_view sql);
  Result<Stmt> Prepare(std::string_view sql);
  // A statement prepared once per connection and reset on each call. The
  // reference stays valid while the Db lives.
  Result<Stmt*> Cached(const std::string& sql);

  int64_t Changes() const;
  // Rows changed through this connection since it opened, and SQLite's
  // data_version (changes by other connections): together they say whether
  // anything was written since they were last read.
  int64_t TotalChanges() const;
  Result<int64_t> DataVersion();
  int64_t LastInsertRowid() const;
  sqlite3* handle() const { return db_.get(); }
  const std::string& path() const { return path_; }

  // Maps the last SQLite error to a Status with `what` as context.
  Status Error(std::string_view what) const;

 private:
  struct Close {
    void operator()(sqlite3* db) const;
  };
  Db() = default;
  std::unique_ptr<sqlite3, Close> db_;
  std::string path_;
  std::unordered_map<std::string, std::unique_ptr<Stmt>> cache_;
};

// BEGIN IMMEDIATE on construction (takes the write lock up front so two
// writers never deadlock on upgrade); ROLLBACK in the destructor unless
// Commit() succeeded.
//
// Begun while the connection is already inside a transaction, it is a
// SAVEPOINT of that transaction instead: its Commit() releases the
// savepoint into the outer transaction (nothing is durable until the outer
// one commits), and its destructor rolls back to the savepoint only. So
// operations that each write in one transaction (node/records.h) compose
// into one larger all-or-nothing write (the village web app registers a
// household and all its members at once).
class Transaction {
 public:
  static Result<Transaction> Begin(Db& db);
  Transaction(Transaction&& other) noexcept : db_(other.db_), active_(other.active_), nested_(other.nested_) {
    other.active_ = false;
  }
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  ~Transaction();
  Status Commit();

 private:
  Transaction(Db& db, bool nested) : db_(&db), active_(true), nested_(nested) {}
  Db* db_;
  bool active_;
  bool nested_;  // a savepoint inside an outer transaction
};

}  // namespace simpul::schema

#endif  // SIMPUL_SCHEMA_DB_H_
