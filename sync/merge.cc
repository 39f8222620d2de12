#include "sync/merge.h"
#include "sync/field_versions.h"

#include "sync/purge.h"

#include <sodium.h>

#include <cstdio>

#include "schema/field_rules.h"
#include "schema/ids.h"
#include "schema/tables.h"
#include "schema/validate.h"
#include "sync/hlc.h"

namespace simpul::sync {

using schema::Stmt;
using schema::Value;

const char* ConflictKindName(ConflictKind k) {
  switch (k) {
    case ConflictKind::kConcurrentWrite: return "concurrent_write";
    case ConflictKind::kMissingBase: return "missing_base";
  }
  return "unknown";
}

std::string ConflictId(const std::string& table, const std::string& row_id,
                       const std::string& field, const std::string& a, const std::string& b) {
  const std::string& lo = a < b ? a : b;
  const std::string& hi = a < b ? b : a;
  std::string key = table + '\0' + row_id + '\0' + field + '\0' + lo + '\0' + hi;
  uint8_t h[16];
  crypto_generichash(h, sizeof h, reinterpret_cast<const uint8_t*>(key.data()), key.size(), nullptr, 0);
  h[6] = static_cast<uint8_t>(0x80 | (h[6] & 0x0f));  // UUIDv8: custom, deterministic
  h[8] = static_cast<uint8_t>(0x80 | (h[8] & 0x3f));
  char out[37];
  std::snprintf(out, sizeof out,
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", h[0], h[1],
                h[2], h[3], h[4], h[5], h[6], h[7], h[8], h[9], h[10], h[11], h[12], h[13], h[14], h[15]);
  return out;
}

Role WriterRole(const std::string& version, const std::string& hub_node_id) {
  std::string node;
  if (!Hlc::ParseVersion(version, nullptr, &node)) return Role::kVillage;
  return node == hub_node_id ? Role::kHub : Role::kVillage;
}

namespace {

bool IsValidVersion(const std::string& v) {
  std::string node;
  if (!Hlc::ParseVersion(v, nullptr, &node)) return false;
  if (node.empty() || node.size() > 64) return false;
  for (char c : node)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '-')) return false;
  return true;
}

}  // namespace

Result<ApplyResult> Merger::Apply(const Change& c, Role writer, const std::string& scope) {
  const schema::TableDef* table = schema::FindTable(c.table);
  if (!table) return Status::InvalidArgument("unknown table '" + c.table + "'");
  if (!schema::LooksLikeRowId(c.row_id)) return Status::InvalidArgument("malformed row id");
  if (!IsValidVersion(c.version)) return Status::InvalidArgument("malformed version");
  auto level = schema::ValidateRegionCode(c.village, nullptr);
  if (!level.ok() || *level != schema::RegionLevel::kVillage)
    return Status::InvalidArgument("change has no valid village scope");
  if (!scope.empty() && c.village != scope)
    return Status::PermissionDenied("row belongs to village " + c.village + ", outside this node's scope " + scope);
  if (c.flags & ~(kFlagSnapshot | kFlagScopeOut | kFlagRepair))
    return Status::InvalidArgument("unknown change flags");
  if (c.flags & kFlagScopeOut) {
    if (writer != Role::kHub) return Status::PermissionDenied("only the hub moves rows between villages");
    SIMPUL_RETURN_IF_ERROR(DropRow(c.table, c.row_id));
    return ApplyResult{};
  }
  if (c.fields.empty()) return Status::InvalidArgument("change has no fields");
  bool repair = (c.flags & kFlagRepair) != 0;
  bool snapshot = repair || (c.flags & kFlagSnapshot) != 0;
  if (snapshot && writer != Role::kHub && !scope.empty())
    return Status::PermissionDenied("only the hub sends snapshots");

  // Validate everything before writing anything.
  std::string select = "SELECT village";
  for (size_t i = 0; i < c.fields.size(); ++i) {
    const auto& f = c.fields[i];
    for (size_t j = 0; j < i; ++j)
      if (c.fields[j].field == f.field) return Status::InvalidArgument("field " + f.field + " twice");
    const schema::FieldDef* def = schema::FindField(*table, f.field);
    if (!def) return Status::InvalidArgument("unknown field " + c.table + "." + f.field);
    if (!snapshot && !MayWrite(writer, def->owner))
      return Status::PermissionDenied(c.table + "." + f.field + " is owned by the " +
                                      (def->owner == schema::Owner::kHub ? "hub" : "village"));
    if (!f.base.empty() && !IsValidVersion(f.base)) return Status::InvalidArgument("malformed base version");
    if (!f.base.empty() && f.base >= c.version)
      return Status::InvalidArgument("base version is not older than the change");
    SIMPUL_RETURN_IF_ERROR(schema::ValidateStoredValue(c.table, f.field, f.value));
    select += "," + f.field;
  }
  if ((c.table == "audit" || c.table == "audit_heads") && !snapshot && writer == Role::kVillage) {
    std::string node;
    Hlc::ParseVersion(c.version, nullptr, &node);
    for (const auto& f : c.fields)
      if (f.field == "writer" && f.value != Value(node))
        return Status::PermissionDenied("an audit entry or head must be written by the node it names");
  }
  if ((c.table == "events" || c.table == "case_events") && !snapshot && writer == Role::kVillage) {
    // A village may only record its own village events (and case steps).
    std::string node;
    Hlc::ParseVersion(c.version, nullptr, &node);
    for (const auto& f : c.fields) {
      if (f.field == "actor_role" && f.value != Value(std::string("village")))
        return Status::PermissionDenied("a village node may only record village events");
      if (f.field == "actor" && f.value != Value(node))
        return Status::PermissionDenied("event actor is not the node that wrote it");
    }
  }
  if (c.table == "message_sends" && !snapshot && writer == Role::kVillage)
    for (const auto& f : c.fields)
      if (f.field == "channel" && f.value != Value(std::string("click_to_chat")))
        return Status::PermissionDenied("a village records only its own click-to-chat sends");

  if (c.table == "purges")
    for (const auto& f : c.fields)
      if (f.field == "subject_kind" && f.value != Value(std::string(kPurgePerson)) &&
          f.value != Value(std::string(kPurgeHousehold)))
        return Status::InvalidArgument("a purge names a person or a household");
  // A purged row takes no more changes (sync/purge.h): the edit of a laptop
  // that had not yet heard of the purge is dropped, not applied.
  // (The hub's own repair and snapshot state still lands: its values are
  // already scrubbed, and its versions are what every replica must hold.)
  if (c.table != "purges" && !snapshot) {
    SIMPUL_ASSIGN_OR_RETURN(bool purged, IsPurged(db_, c.table, c.row_id));
    if (purged) {
      ApplyResult dropped;
      dropped.already_applied = true;
      return dropped;
    }
  }

  select += " FROM " + c.table + " WHERE id=?";
  SIMPUL_ASSIGN_OR_RETURN(Stmt * sel, db_.Cached(select));
  sel->Bind(1, c.row_id);
  SIMPUL_ASSIGN_OR_RETURN(bool exists, sel->Step());
  std::vector<Value> current(c.fields.size());
  std::string row_village;
  if (exists) {
    row_village = sel->Text(0);
    for (size_t i = 0; i < c.fields.size(); ++i) current[i] = sel->Column(static_cast<int>(i) + 1);
  }
  sel->Reset();
  if (exists && !scope.empty() && row_village != scope)
    return Status::PermissionDenied("row belongs to village " + row_village);

  SIMPUL_ASSIGN_OR_RETURN(Stmt * ver_q, db_.Cached("SELECT version FROM field_versions"
                                                   " WHERE tbl=? AND row_id=? AND field=?"));
  ApplyResult result;
  result.row_created = !exists;
  // Append-only rows are written once, whole: a later change may only be
  // the same change again.
  bool append_only_exists = table->append_only && exists;
  std::vector<std::string> locals(c.fields.size());
  bool holds_this_change = false;
  for (size_t i = 0; i < c.fields.size() && exists; ++i) {
    ver_q->Bind(1, c.table).Bind(2, c.row_id).Bind(3, c.fields[i].field);
    SIMPUL_ASSIGN_OR_RETURN(bool has, ver_q->Step());
    if (has) locals[i] = ver_q->Text(0);
    ver_q->Reset();
    holds_this_change |= locals[i] == c.version;
  }
  bool all_same = true;
  std::vector<size_t> take;
  for (size_t i = 0; i < c.fields.size(); ++i) {
    const auto& f = c.fields[i];
    const std::string& local = locals[i];
    if (local == c.version) continue;  // already applied here
    all_same = false;
    if (append_only_exists) {
      // The same change again may bring a field this replica lacks (it held
      // the row under an older schema, e.g. events.after): fill it in.
      // Anything else would change a row written once.
      if (holds_this_change && local.empty()) {
        take.push_back(i);
        continue;
      }
      return Status::FailedPrecondition(c.table + " rows are append-only; " + c.row_id + " exists");
    }
    bool incoming_wins = c.version > local;
    if (snapshot || local.empty() || local == f.base) {
      // Repair is authoritative (the hub's state replaces ours); snapshots
      // transfer state and never move a field back to an older version.
      if (snapshot && !repair && !incoming_wins) continue;
      take.push_back(i);
      continue;
    }
    // Concurrent writes (or a base this replica never saw).
    if (incoming_wins) take.push_back(i);
    if (current[i] == f.value) continue;  // same value: agreement, not a conflict
    Conflict k;
    // Both sides writing over "no value" is an ordinary concurrent write; a
    // base newer than ours means the writer saw a version we never had.
    k.kind = !f.base.empty() && f.base > local ? ConflictKind::kMissingBase : ConflictKind::kConcurrentWrite;
    k.table = c.table;
    k.row_id = c.row_id;
    k.field = f.field;
    k.village = exists ? row_village : c.village;
    k.winner_version = incoming_wins ? c.version : local;
    k.loser_version = incoming_wins ? local : c.version;
    k.winner_value = incoming_wins ? f.value : current[i];
    k.loser_value = incoming_wins ? current[i] : f.value;
    k.id = ConflictId(c.table, c.row_id, f.field, local, c.version);
    result.conflicts.push_back(std::move(k));
  }
  result.already_applied = all_same;
  if (take.empty()) return result;

  std::string cols = "id,village", qs = "?,?", updates;
  for (size_t i : take) {
    cols += "," + c.fields[i].field;
    qs += ",?";
    updates += (updates.empty() ? "" : ",") + c.fields[i].field + "=excluded." + c.fields[i].field;
  }
  std::string upsert = "INSERT INTO " + c.table + "(" + cols + ") VALUES(" + qs +
                       ") ON CONFLICT(id) DO UPDATE SET " + updates;
  // Validation is over: a failure from here on is the store's, never the
  // change's, so it is reported as such (the caller aborts its transaction).
  auto store_error = [](const Status& st) {
    return st.IsUnavailable() || st.code() == Code::kIoError ? st : Status::Internal("store write failed: " + st.message());
  };
  SIMPUL_ASSIGN_OR_RETURN(Stmt * up, db_.Cached(upsert));
  up->Bind(1, c.row_id).Bind(2, exists ? row_village : c.village);
  for (size_t k = 0; k < take.size(); ++k) up->Bind(static_cast<int>(k) + 3, c.fields[take[k]].value);
  if (Status st = up->Run(); !st.ok()) return store_error(st);
  std::vector<std::string_view> versioned;
  for (size_t k : take) versioned.push_back(c.fields[k].field);
  if (Status st = SetFieldVersions(db_, c.table, c.row_id, c.version, versioned); !st.ok()) return store_error(st);
  for (size_t i : take) result.applied.push_back(c.fields[i]);
  if (c.table == "purges" && result.row_created) {
    std::string kind, subject;
    for (const auto& f : c.fields) {
      const auto* text = std::get_if<std::string>(&f.value);
      if (f.field == "subject_kind" && text) kind = *text;
      if (f.field == "subject_id" && text) subject = *text;
    }
    if (Status st = ScrubSubject(db_, kind, subject).status(); !st.ok()) return store_error(st);
  }
  return result;
}

Status Merger::DropRow(const std::string& table, const std::string& row_id) {
  if (!schema::FindTable(table)) return Status::InvalidArgument("unknown table '" + table + "'");
  SIMPUL_ASSIGN_OR_RETURN(Stmt * del, db_.Cached("DELETE FROM " + table + " WHERE id=?"));
  del->Bind(1, row_id);
  SIMPUL_RETURN_IF_ERROR(del->Run());
  SIMPUL_ASSIGN_OR_RETURN(Stmt * delv, db_.Cached("DELETE FROM field_versions WHERE tbl=? AND row_id=?"));
  delv->Bind(1, table).Bind(2, row_id);
  return delv->Run();
}

}  // namespace simpul::sync
