#include "node/node_migrations.h"

#include <cstdlib>
#include <iterator>
#include <string>

#include "schema/messages.h"
#include "schema/store_files.h"

namespace simpul::node {
namespace {

constexpr const char* kNodeMigrations[] = {
    // 1: resident self-registration (node/kiosk_store.h). What a resident
    // typed at the kiosk and the photos of their KK/KTP, until an operator
    // accepts (then it becomes records through change capture) or rejects
    // it. `fields` is the register form's JSON object as submitted.
    R"sql(
CREATE TABLE pending_registrations(
  id INTEGER PRIMARY KEY,
  receipt TEXT NOT NULL UNIQUE,        -- shown to the resident: "K7QM-2D4F"
  submitted_at_ms INTEGER NOT NULL,
  client TEXT NOT NULL,                -- the kiosk client's address
  fields TEXT NOT NULL,
  bytes INTEGER NOT NULL,              -- fields + photos, for the byte cap
  state TEXT NOT NULL DEFAULT 'pending',  -- pending | accepted | rejected
  reviewer TEXT, reason TEXT, handled_at_ms INTEGER, household_id TEXT, application_id TEXT);
CREATE INDEX pending_registrations_state ON pending_registrations(state, submitted_at_ms);
CREATE TABLE pending_photos(
  registration_id INTEGER NOT NULL REFERENCES pending_registrations(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,                  -- kk | ktp
  media_type TEXT NOT NULL,
  bytes BLOB NOT NULL,
  PRIMARY KEY(registration_id, kind)) WITHOUT ROWID;
)sql",
};

constexpr int kLatest = static_cast<int>(std::size(kNodeMigrations));

}  // namespace

int LatestNodeSchemaVersion() { return kLatest; }

Status MigrateNodeOnly(schema::Db& db) {
  // Most opens have nothing to do: no write lock for them.
  if (std::atoi(schema::ReadMeta(db, "node_schema").c_str()) == kLatest) return Status::Ok();
  for (;;) {
    SIMPUL_ASSIGN_OR_RETURN(auto txn, schema::Transaction::Begin(db));
    // Read under the write lock: another process may have migrated.
    int have = std::atoi(schema::ReadMeta(db, "node_schema").c_str());
    if (have > kLatest)
      return Status::VersionTooNew("node store schema " + std::to_string(have) + " is newer than this binary's " +
                                   std::to_string(kLatest))
          .WithMsg(MsgId::kStoreTooNew,
                   {db.path(), "node " + std::to_string(have), "node " + std::to_string(kLatest)});
    if (have == kLatest) return Status::Ok();
    SIMPUL_RETURN_IF_ERROR(db.Exec(kNodeMigrations[have]));
    SIMPUL_RETURN_IF_ERROR(schema::WriteMeta(db, "node_schema", std::to_string(have + 1)));
    SIMPUL_RETURN_IF_ERROR(txn.Commit());
  }
}

}  // namespace simpul::node
