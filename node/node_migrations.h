// Node-only tables: rows that live in one village laptop's store and are
// never replicated (no change capture, no outbox, not in schema/tables.cc),
// numbered under meta.node_schema, as the hub's own tables are under
// meta.hub_schema (hub/store.cc). The replicated schema (PRAGMA
// user_version, schema/migrations.cc) is what nodes and the hub negotiate;
// this list is not: it never leaves the laptop.
//
// Each migration runs in one transaction with its meta.node_schema bump. A
// store whose node_schema is newer than this binary is refused untouched.
// Released history: never edit an entry; append.
//
//   1  pending_registrations, pending_photos: resident self-registration at
//      the office kiosk (node/kiosk_store.h)
#ifndef SIMPUL_NODE_NODE_MIGRATIONS_H_
#define SIMPUL_NODE_NODE_MIGRATIONS_H_

#include "schema/db.h"
#include "schema/status.h"

namespace simpul::node {

// The node-only schema version this binary writes.
int LatestNodeSchemaVersion();

// Brings `db` (already at the latest replicated schema) to the latest
// node-only version.
Status MigrateNodeOnly(schema::Db& db);

}  // namespace simpul::node

#endif  // SIMPUL_NODE_NODE_MIGRATIONS_H_
