// The replicated tables and the ownership of each of their fields.
//
// Every replicated row has `id` (a UUIDv7 made on the creating node) and
// `village` (the Kemendagri village code that is its replication scope).
// Each other field is a register replicated on its own (DESIGN §3): a write
// carries the version it was based on, and the receiver merges per field.
//
// Ownership is enforced at the receiver: a village node may not write a
// hub-owned field (decisions, letter and case numbers) and the hub may not
// write a village-owned one (what the village recorded about its residents).
// Shared fields may be written by both; concurrent writes to them are the
// conflicts an operator resolves.
//
// Table and field names are persisted on the wire: never rename them.
#ifndef SIMPUL_SCHEMA_TABLES_H_
#define SIMPUL_SCHEMA_TABLES_H_

#include <span>
#include <string_view>

namespace simpul::schema {

enum class Owner { kVillage, kHub, kShared };

struct FieldDef {
  const char* name;
  Owner owner;
  // The store schema that added the field (0: from the start). The hub
  // leaves it out of what it sends a node of an older schema, and out of
  // the digest it gives that node (hub/sync_service.cc).
  int since = 0;
};

struct TableDef {
  const char* name;
  std::span<const FieldDef> fields;
  bool append_only;  // rows are written once and never changed (events)
  int priority;      // lower syncs first (records before documents)
  int since = 0;     // the store schema that added the table (FieldDef::since)
};

// True when a node of store schema `schema_version` knows `field` / `table`.
inline bool KnownAtSchema(const FieldDef& field, int schema_version) { return field.since <= schema_version; }
inline bool KnownAtSchema(const TableDef& table, int schema_version) { return table.since <= schema_version; }

// Sync priority of a change (lower goes first): 0 urgent cases (complaints
// of urgency emergency/high, case steps, hospital-bill recommendations), 1 other records
// and workflow events, 2 document metadata. Documents' bytes go after all.
int ChangePriority(std::string_view table, std::string_view field, std::string_view text_value);

// All replicated tables, in dependency order (parents before children).
std::span<const TableDef> ReplicatedTables();
const TableDef* FindTable(std::string_view name);
const FieldDef* FindField(const TableDef& table, std::string_view field);

}  // namespace simpul::schema

#endif  // SIMPUL_SCHEMA_TABLES_H_
