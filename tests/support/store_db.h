// Opens a store's database for a test to inspect (or doctor) directly: a
// node's simpul.db, which has a keyring beside it, through the encrypting
// VFS unlocked with kTestPassphrase; anything else (hub.db) as plain SQLite.
#ifndef SIMPUL_TESTS_SUPPORT_STORE_DB_H_
#define SIMPUL_TESTS_SUPPORT_STORE_DB_H_

#include <map>
#include <optional>
#include <string>

#include "schema/db.h"
#include "sync/crypto/at_rest.h"

namespace simpul::testing {

class StoreDb {
 public:
  Result<schema::Stmt> Prepare(std::string_view sql) { return db_.Prepare(sql); }
  Status Exec(std::string_view sql) { return db_.Exec(sql); }
  schema::Db& db() { return db_; }

 private:
  friend Result<StoreDb> OpenStoreDb(const std::string&, schema::Db::Mode);
  StoreDb(std::optional<sync::crypto::EncryptedDbKey> key, schema::Db db)
      : key_(std::move(key)), db_(std::move(db)) {}
  std::optional<sync::crypto::EncryptedDbKey> key_;  // before db_: outlives it
  schema::Db db_;
};

Result<StoreDb> OpenStoreDb(const std::string& db_path, schema::Db::Mode mode = schema::Db::Mode::kReadOnly);

// The documents in a node's sealed blob directory, decrypted: SHA-256 (as
// named by the node's attachment rows) -> content. A file there that no row
// accounts for appears as "unaccounted:<file name>", so a test sees it.
std::map<std::string, std::string> NodeDocuments(const std::string& node_dir);
// The same for a hub's documents, sealed under its data.key (hub/documents.h).
std::map<std::string, std::string> HubDocuments(const std::string& hub_dir);

}  // namespace simpul::testing

#endif  // SIMPUL_TESTS_SUPPORT_STORE_DB_H_
