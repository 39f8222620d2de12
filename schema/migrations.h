// Numbered schema migrations keyed on PRAGMA user_version.
//
// Each migration runs in its own transaction together with the user_version
// bump, so a crash leaves the store at the old or the new version, never in
// between. A database whose version is newer than this binary knows is
// refused and left untouched. Migration numbers and their SQL are persisted
// history: never edit a released migration; add a new one.
#ifndef SIMPUL_SCHEMA_MIGRATIONS_H_
#define SIMPUL_SCHEMA_MIGRATIONS_H_

#include "schema/db.h"
#include "schema/status.h"

namespace simpul::schema {

// The schema version this binary writes.
int LatestSchemaVersion();

Result<int> ReadSchemaVersion(Db& db);

// Upgrades `db` to `target` (default: latest). Refuses (VersionTooNew) a
// database newer than this binary without modifying it.
Status Migrate(Db& db, int target = -1);

}  // namespace simpul::schema

#endif  // SIMPUL_SCHEMA_MIGRATIONS_H_
