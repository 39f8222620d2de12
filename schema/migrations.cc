#include "schema/migrations.h"

#include <string>

#include "schema/messages.h"

namespace simpul::schema {
namespace {

// Migration N brings the store from version N-1 to N. Released history:
// never edit; append.
constexpr const char* kMigrations[] = {
    // 1: store identity, region reference data, indicator sets.
    R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE regions(
  code TEXT PRIMARY KEY,          -- dotted Kemendagri code
  name TEXT NOT NULL,
  level INTEGER NOT NULL,         -- 1 province .. 4 village
  edition TEXT NOT NULL           -- newest edition the code appears in
) WITHOUT ROWID;
CREATE TABLE indicator_sets(
  set_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  title TEXT NOT NULL,
  definition TEXT NOT NULL,       -- the set's source text, kept forever
  PRIMARY KEY(set_id, version)
) WITHOUT ROWID;
)sql",
    // 2: replicated domain tables, per-field versions, the outbox.
    R"sql(
CREATE TABLE households(
  id TEXT PRIMARY KEY, village TEXT NOT NULL,
  no_kk TEXT, address TEXT, rt TEXT, rw TEXT, head_person_id TEXT, kk_as_of TEXT,
  deleted INTEGER NOT NULL DEFAULT 0);
CREATE TABLE persons(
  id TEXT PRIMARY KEY, village TEXT NOT NULL,
  household_id TEXT, nik TEXT, name TEXT, birth_place TEXT, birth_date TEXT, sex TEXT,
  relation INTEGER, disability TEXT, phone TEXT, nik_status TEXT,
  deleted INTEGER NOT NULL DEFAULT 0);
CREATE INDEX persons_household ON persons(household_id);
CREATE INDEX persons_nik ON persons(nik);
CREATE TABLE applications(
  id TEXT PRIMARY KEY, village TEXT NOT NULL,
  type TEXT, applicant_id TEXT, household_id TEXT, service_type TEXT, purpose TEXT,
  device_kind TEXT, indicator_set TEXT, indicator_version INTEGER, indicator_answers TEXT,
  score REAL, score_band TEXT, dtks_status TEXT, dtks_desil INTEGER, notes TEXT,
  created_at TEXT, letter_number TEXT,
  deleted INTEGER NOT NULL DEFAULT 0);
CREATE TABLE complaints(
  id TEXT PRIMARY KEY, village TEXT NOT NULL,
  person_id TEXT, household_id TEXT, category TEXT, urgency TEXT, description TEXT,
  referral TEXT, case_number TEXT, created_at TEXT,
  deleted INTEGER NOT NULL DEFAULT 0);
CREATE TABLE attachments(
  id TEXT PRIMARY KEY, village TEXT NOT NULL,
  application_id TEXT, kind TEXT, sha256 TEXT, size INTEGER, media_type TEXT, filename TEXT,
  deleted INTEGER NOT NULL DEFAULT 0);
CREATE INDEX attachments_application ON attachments(application_id);
CREATE TABLE events(
  id TEXT PRIMARY KEY, village TEXT NOT NULL,
  subject_id TEXT, subject_kind TEXT, kind TEXT, actor TEXT, actor_role TEXT, reason TEXT,
  at TEXT);
CREATE INDEX events_subject ON events(subject_id, at);
-- The version (HLC stamp "hhhhhhhhhhhhhhhh.nodeid") each field holds now.
CREATE TABLE field_versions(
  tbl TEXT NOT NULL, row_id TEXT NOT NULL, field TEXT NOT NULL, version TEXT NOT NULL,
  PRIMARY KEY(tbl, row_id, field)) WITHOUT ROWID;
-- Local changes not yet acknowledged by the hub: one row per change record.
CREATE TABLE outbox(
  seq INTEGER PRIMARY KEY,         -- local order only (no AUTOINCREMENT: one page less per write)
  change_id TEXT NOT NULL,         -- = the change's version stamp (unique per node)
  tbl TEXT NOT NULL, row_id TEXT NOT NULL, village TEXT NOT NULL,
  hlc TEXT NOT NULL, node_id TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending',   -- pending | acked | refused
  refusal TEXT);
CREATE TABLE outbox_fields(
  seq INTEGER NOT NULL REFERENCES outbox(seq) ON DELETE CASCADE,
  field TEXT NOT NULL, value, base TEXT,   -- base: version the write was based on
  PRIMARY KEY(seq, field)) WITHOUT ROWID;
)sql",
    // 3: sync state: conflicts (replicated).
    R"sql(
CREATE TABLE conflicts(
  id TEXT PRIMARY KEY, village TEXT NOT NULL,
  tbl TEXT, row_id TEXT, field TEXT, kind TEXT,
  winner_version TEXT, winner_value TEXT, loser_version TEXT, loser_value TEXT,
  status TEXT, resolution TEXT, resolved_by TEXT,
  deleted INTEGER NOT NULL DEFAULT 0);
CREATE INDEX conflicts_row ON conflicts(row_id);
)sql",
    // 4: sync priorities and documents: an outbox change's priority (urgent
    // cases first), documents the hub has confirmed.
    R"sql(
ALTER TABLE outbox ADD COLUMN priority INTEGER NOT NULL DEFAULT 1;
CREATE TABLE blob_acks(sha256 TEXT PRIMARY KEY, acked_at_ms INTEGER NOT NULL) WITHOUT ROWID;
)sql",
    // 5: the audit log, append-only and hash-chained per writer; replicated
    // from villages to the hub.
    R"sql(
CREATE TABLE audit(
  id TEXT PRIMARY KEY, village TEXT NOT NULL,
  writer TEXT, actor TEXT, action TEXT, subject TEXT, detail TEXT, at TEXT,
  prev_hash TEXT, hash TEXT);
CREATE INDEX audit_writer ON audit(writer, at);
)sql",
    // 6: operator accounts of this store (never replicated).
    R"sql(
CREATE TABLE operators(
  name TEXT PRIMARY KEY, role TEXT NOT NULL, pw_hash TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL, disabled INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;
)sql",
    // 7: purges (a resident's request, or the retention period): replicated,
    // append-only, written by the hub; applying one scrubs the subject's
    // personal data on every replica (sync/purge.h).
    R"sql(
CREATE TABLE purges(
  id TEXT PRIMARY KEY, village TEXT NOT NULL,
  subject_kind TEXT, subject_id TEXT, reason TEXT, actor TEXT, at TEXT);
CREATE INDEX purges_subject ON purges(subject_id);
-- Rows scrubbed here: later changes to them are dropped, never applied.
CREATE TABLE purged_rows(tbl TEXT NOT NULL, row_id TEXT NOT NULL, PRIMARY KEY(tbl, row_id)) WITHOUT ROWID;
)sql",
    // 8: what a node gives back to a hub restored from a backup (PROTOCOL.md
    // §22). Acknowledged changes stay in the outbox (state 'acked') with the
    // counter of the request the hub acknowledged them in; changes the hub
    // wrote are kept as received, with the hub's signature, the hub epoch
    // and the log sequence they came at. Both for 180 days.
    R"sql(
ALTER TABLE outbox ADD COLUMN ack_counter INTEGER;
ALTER TABLE outbox ADD COLUMN acked_at_ms INTEGER;
CREATE INDEX outbox_state ON outbox(state, ack_counter);
CREATE TABLE hub_changes(
  version TEXT PRIMARY KEY, tbl TEXT NOT NULL, row_id TEXT NOT NULL,
  epoch TEXT NOT NULL, seq INTEGER NOT NULL,       -- where the hub's log had it (at most)
  change BLOB NOT NULL, signature BLOB NOT NULL,   -- canonical bytes (sync/crypto/signed_change.h)
  received_at_ms INTEGER NOT NULL,
  handback INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;  -- 1: to give back; 2: the hub refused it
CREATE INDEX hub_changes_handback ON hub_changes(handback);
CREATE INDEX hub_changes_row ON hub_changes(row_id);
)sql",
    // 9: audit chains ordered by a per-writer sequence number (entry n links
    // to entry n-1; clocks play no part), and the signed heads of village
    // chains (sync/audit_heads.h): replicated, append-only, written by the
    // node they name. Entries written before this have no seq and are checked
    // by their prev_hash links alone.
    R"sql(
ALTER TABLE audit ADD COLUMN seq INTEGER;
CREATE INDEX audit_writer_seq ON audit(writer, seq);
CREATE TABLE audit_heads(
  id TEXT PRIMARY KEY, village TEXT NOT NULL,
  writer TEXT, seq INTEGER, hash TEXT, signed_at TEXT, signer TEXT, signature TEXT);
CREATE INDEX audit_heads_writer ON audit_heads(writer, seq);
)sql",
    // 10: letters issued by the hub (replicated to the application's village).
    R"sql(
CREATE TABLE letters(
  id TEXT PRIMARY KEY, village TEXT NOT NULL,
  application_id TEXT, service TEXT, number TEXT, statement TEXT, sha256 TEXT, size INTEGER,
  issued_at_ms INTEGER, issued_by TEXT, signer TEXT,
  revoked INTEGER NOT NULL DEFAULT 0, revoke_reason TEXT, revoked_at_ms INTEGER,
  deleted INTEGER NOT NULL DEFAULT 0);
CREATE INDEX letters_application ON letters(application_id);
CREATE INDEX letters_number ON letters(number);
)sql",
    // 11: causal order of workflow events: each event names the event its
    // writer had last folded for the subject ("" for none; NULL in events
    // written before this schema). schema/workflow.h.
    R"sql(
ALTER TABLE events ADD COLUMN after TEXT;
)sql",
    // 12: the service rule's stage a stage_done event records (schema/stages.h).
    R"sql(
ALTER TABLE events ADD COLUMN stage TEXT;
)sql",
    // 13: the steps of complaint cases (B'DESUT; schema/cases.h): append-only,
    // written by the village or the hub, folded in causal order like events.
    R"sql(
CREATE TABLE case_events(
  id TEXT PRIMARY KEY, village TEXT NOT NULL,
  case_id TEXT, kind TEXT, actor TEXT, actor_role TEXT, operator TEXT,
  at TEXT, at_ms INTEGER, after TEXT,
  facilitator TEXT, partner TEXT, partner_name TEXT, note TEXT, outcome TEXT);
CREATE INDEX case_events_case ON case_events(case_id);
CREATE INDEX case_events_village ON case_events(village);
)sql",
    // 14: the DTKS / P3KE snapshot rows the hub imports (schema/dtks.h),
    // replicated to the village each row places the NIK in; hub-owned.
    R"sql(
CREATE TABLE dtks(
  id TEXT PRIMARY KEY, village TEXT NOT NULL,
  nik TEXT, name TEXT, desil INTEGER, pbi_status TEXT, snapshot_date TEXT, source TEXT,
  deleted INTEGER NOT NULL DEFAULT 0);
CREATE INDEX dtks_nik ON dtks(nik);
CREATE INDEX dtks_village ON dtks(village);
CREATE INDEX dtks_snapshot ON dtks(snapshot_date);
)sql",
    // 15: receipts (PROTOCOL.md §25): when a village received each hub
    // decision and letter PDF, and when the hub acknowledged each of its
    // workflow events, with the hub's clock of the reply that brought it.
    // Replicated, append-only, written by the village node.
    R"sql(
CREATE TABLE receipts(
  id TEXT PRIMARY KEY, village TEXT NOT NULL,
  subject_id TEXT, kind TEXT, ref_id TEXT, received_at_ms INTEGER, hub_time_ms INTEGER,
  clock_offset_ms INTEGER, via TEXT);
CREATE INDEX receipts_subject ON receipts(subject_id);
CREATE INDEX receipts_ref ON receipts(ref_id, kind);
)sql",
    // 16: messages to residents (schema/resident_messages.h, PROTOCOL.md
    // §26): a person's consent to be messaged on their phone, and each
    // message sent (click-to-chat at the village, the hub's gateway), written
    // once by whoever sent it. Replicated.
    R"sql(
ALTER TABLE persons ADD COLUMN phone_consent TEXT;
CREATE TABLE message_sends(
  id TEXT PRIMARY KEY, village TEXT NOT NULL,
  event_id TEXT, person_id TEXT, channel TEXT, outcome TEXT, detail TEXT, sent_at_ms INTEGER, sent_by TEXT);
CREATE INDEX message_sends_event ON message_sends(event_id);
)sql",
    // 17: service rules and indicator sets owned by Dinsos (PROTOCOL.md
    // §27): `service_rules` and `indicator_releases` are hub-owned,
    // replicated (a copy in every village's scope); `rules_versions` (like
    // indicator_sets since 1) is every version this store knows, filled by
    // the hub's load and, on a village node, by the triggers from the
    // replicated copies. applications.rules_version: the rules an
    // application was submitted under.
    R"sql(
CREATE TABLE service_rules(
  id TEXT PRIMARY KEY, village TEXT NOT NULL,
  name TEXT, version INTEGER, text TEXT, loaded_at_ms INTEGER, loaded_by TEXT);
CREATE INDEX service_rules_village ON service_rules(village, version);
CREATE TABLE indicator_releases(
  id TEXT PRIMARY KEY, village TEXT NOT NULL,
  set_code TEXT, version INTEGER, title TEXT, definition TEXT, loaded_at_ms INTEGER, loaded_by TEXT);
CREATE INDEX indicator_releases_village ON indicator_releases(village, set_code, version);
CREATE TABLE rules_versions(
  version INTEGER PRIMARY KEY, name TEXT NOT NULL, text TEXT NOT NULL,
  loaded_at_ms INTEGER, loaded_by TEXT);
ALTER TABLE applications ADD COLUMN rules_version INTEGER;
CREATE TRIGGER service_rules_known_insert AFTER INSERT ON service_rules
  WHEN NEW.name IS NOT NULL AND NEW.version IS NOT NULL AND NEW.text IS NOT NULL
BEGIN
  INSERT INTO rules_versions(version,name,text,loaded_at_ms,loaded_by)
    SELECT NEW.version, NEW.name, NEW.text, NEW.loaded_at_ms, NEW.loaded_by
    WHERE NOT EXISTS (SELECT 1 FROM rules_versions WHERE version=NEW.version);
END;
CREATE TRIGGER service_rules_known_update AFTER UPDATE ON service_rules
  WHEN NEW.name IS NOT NULL AND NEW.version IS NOT NULL AND NEW.text IS NOT NULL
BEGIN
  INSERT INTO rules_versions(version,name,text,loaded_at_ms,loaded_by)
    SELECT NEW.version, NEW.name, NEW.text, NEW.loaded_at_ms, NEW.loaded_by
    WHERE NOT EXISTS (SELECT 1 FROM rules_versions WHERE version=NEW.version);
END;
CREATE TRIGGER indicator_releases_known_insert AFTER INSERT ON indicator_releases
  WHEN NEW.set_code IS NOT NULL AND NEW.version IS NOT NULL AND NEW.definition IS NOT NULL
BEGIN
  INSERT INTO indicator_sets(set_id,version,title,definition)
    SELECT NEW.set_code, NEW.version, coalesce(NEW.title, NEW.set_code), NEW.definition
    WHERE NOT EXISTS (SELECT 1 FROM indicator_sets WHERE set_id=NEW.set_code AND version=NEW.version);
END;
CREATE TRIGGER indicator_releases_known_update AFTER UPDATE ON indicator_releases
  WHEN NEW.set_code IS NOT NULL AND NEW.version IS NOT NULL AND NEW.definition IS NOT NULL
BEGIN
  INSERT INTO indicator_sets(set_id,version,title,definition)
    SELECT NEW.set_code, NEW.version, coalesce(NEW.title, NEW.set_code), NEW.definition
    WHERE NOT EXISTS (SELECT 1 FROM indicator_sets WHERE set_id=NEW.set_code AND version=NEW.version);
END;
)sql",
};

constexpr int kLatest = static_cast<int>(std::size(kMigrations));

}  // namespace

int LatestSchemaVersion() { return kLatest; }

Result<int> ReadSchemaVersion(Db& db) {
  auto st = db.Prepare("PRAGMA user_version");
  if (!st.ok()) return st.status();
  auto row = st->Step();
  if (!row.ok()) return row.status();
  return static_cast<int>(st->Int(0));
}

Status Migrate(Db& db, int target) {
  if (target < 0) target = kLatest;
  SIMPUL_ASSIGN_OR_RETURN(int current, ReadSchemaVersion(db));
  if (current > kLatest)
    return Status::VersionTooNew("store schema " + std::to_string(current) +
                                 " is newer than this binary's " + std::to_string(kLatest))
        .WithMsg(MsgId::kStoreTooNew,
                 {db.path(), std::to_string(current), std::to_string(kLatest)});
  for (int v = current + 1; v <= target; ++v) {
    SIMPUL_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(db));
    // Re-read under the write lock: another process may have migrated.
    SIMPUL_ASSIGN_OR_RETURN(int now, ReadSchemaVersion(db));
    if (now >= v) continue;
    SIMPUL_RETURN_IF_ERROR(db.Exec(kMigrations[v - 1]));
    SIMPUL_RETURN_IF_ERROR(db.Exec("PRAGMA user_version=" + std::to_string(v)));
    SIMPUL_RETURN_IF_ERROR(txn.Commit());
  }
  return Status::Ok();
}

}  // namespace simpul::schema
