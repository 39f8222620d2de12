// The application index (hub-only tables app_index and app_index_dirty,
// hub/store.cc): per application, its workflow status and since when (what
// hub/history.h ReadHistory derives from its events) and the instants of its
// path the dashboard measures (hub/reports/times_source.h LoadTimeline). The
// queue and the dashboard read one row per application instead of folding
// every history on every request (docs/BENCHMARKS.md, bench_web).
//
// How it stays equal to the derivation: triggers (created with the tables)
// mark an application in app_index_dirty whenever a row its derivation reads
// is written, whatever code writes it: the application row, its events, the
// `kind` version and the change-log entries of its events, its letters and
// its receipts. HubWrite::Commit derives the marked applications again,
// with those same two functions, just before COMMIT: in the same transaction
// as the write (a sync merge, a decision, a stage, a letter, a move). A
// write made outside a HubWrite (sqlite3 by hand, a test's fixture) leaves
// its marks: readers settle them first (SettleAppIndex), and opening the
// store does too. The migration that creates the tables marks every
// application, so the first open builds the whole index.
//
// Concurrent and causally ordered events need nothing more: the row is the
// fold of all the events present at commit, in the fold's own causal
// order, never an update applied on top of the previous status.
//
// Thread-safety: as HubStore.
#ifndef SIMPUL_HUB_APP_INDEX_H_
#define SIMPUL_HUB_APP_INDEX_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hub/reports/times.h"
#include "hub/store.h"

namespace simpul::hub {

struct AppIndexRow {
  std::string status = "draft";
  int64_t since_ms = 0;     // History::since_ms
  reports::Timeline times;  // its application_id, village and service are not kept
  bool operator==(const AppIndexRow& o) const;
};

// What the index must hold for `app_id` (nullopt: no such application).
Result<std::optional<AppIndexRow>> DeriveAppIndexRow(HubStore& store, const std::string& app_id);

// Derives the marked applications again and clears their marks, inside the
// caller's transaction (HubWrite::Commit calls it).
Status RefreshAppIndex(HubStore& store);

// For readers: when marks are left (a write outside a HubWrite), refreshes
// them in a write of its own. One indexed read when none are.
Status SettleAppIndex(HubStore& store);

// Marks every application and refreshes (a repair; tools/bench_web).
Status RebuildAppIndex(HubStore& store);

// Compares the stored index with the derivation, without refreshing: every
// application has its row and it equals DeriveAppIndexRow, no mark is
// left, no row names a missing application. Returns the differences in
// words (none: empty).
Result<std::vector<std::string>> CheckAppIndex(HubStore& store);

// The index's stage marks ("code=ms,code=ms", its `stages` column).
std::vector<reports::StageMark> DecodeStages(const std::string& text);

// The stored row of one application (nullopt: none).
Result<std::optional<AppIndexRow>> StoredAppIndexRow(HubStore& store, const std::string& app_id);

// Every application's timeline (not deleted), as LoadTimelines gives it,
// read from the index. Settles first.
Result<std::vector<reports::Timeline>> IndexedTimelines(HubStore& store, const schema::ServiceRules* rules);

// The hub migration that creates the index (an entry of hub/store.cc
// kHubMigrations); it also adds the nodes' outbox report (hub/fleet.h).
inline constexpr const char* kAppIndexMigration = R"sql(
-- The application index (hub/app_index.h): each application's status and
-- the instants of its path, as its history derives them, and the marks of
-- applications to derive again: set by these triggers on every row the
-- derivation reads, cleared by HubWrite::Commit in the same transaction.
CREATE TABLE app_index(
  app_id TEXT PRIMARY KEY, status TEXT NOT NULL, since_ms INTEGER NOT NULL,
  submitted_ms INTEGER NOT NULL, village_offset_ms INTEGER, received_ms INTEGER NOT NULL,
  decided_ms INTEGER NOT NULL, letter_ms INTEGER NOT NULL, delivered_ms INTEGER NOT NULL,
  delivered_by_village_clock INTEGER NOT NULL, stages TEXT NOT NULL) WITHOUT ROWID;
CREATE INDEX app_index_status ON app_index(status, since_ms);
CREATE TABLE app_index_dirty(app_id TEXT PRIMARY KEY) WITHOUT ROWID;
-- The marks test for an existing one rather than say OR IGNORE: an outer
-- UPSERT (the row writer's) or UPDATE OR ABORT imposes its own conflict
-- policy on the statements of the triggers it fires, and a repeated mark
-- then fails the whole write (a letter revoked: NEW and OLD name one app).
CREATE TRIGGER app_index_application AFTER INSERT ON applications BEGIN
  INSERT INTO app_index_dirty SELECT NEW.id WHERE NOT EXISTS(SELECT 1 FROM app_index_dirty WHERE app_id=NEW.id); END;
CREATE TRIGGER app_index_event_insert AFTER INSERT ON events WHEN NEW.subject_id IS NOT NULL BEGIN
  INSERT INTO app_index_dirty SELECT NEW.subject_id WHERE NOT EXISTS(SELECT 1 FROM app_index_dirty WHERE app_id=NEW.subject_id); END;
CREATE TRIGGER app_index_event_update AFTER UPDATE ON events BEGIN
  INSERT INTO app_index_dirty SELECT NEW.subject_id WHERE NEW.subject_id IS NOT NULL AND NOT EXISTS(SELECT 1 FROM app_index_dirty WHERE app_id=NEW.subject_id);
  INSERT INTO app_index_dirty SELECT OLD.subject_id WHERE OLD.subject_id IS NOT NULL AND NOT EXISTS(SELECT 1 FROM app_index_dirty WHERE app_id=OLD.subject_id); END;
CREATE TRIGGER app_index_event_delete AFTER DELETE ON events WHEN OLD.subject_id IS NOT NULL BEGIN
  INSERT INTO app_index_dirty SELECT OLD.subject_id WHERE NOT EXISTS(SELECT 1 FROM app_index_dirty WHERE app_id=OLD.subject_id); END;
CREATE TRIGGER app_index_event_version AFTER INSERT ON field_versions
  WHEN NEW.tbl='events' AND NEW.field='kind' BEGIN
  INSERT INTO app_index_dirty SELECT subject_id FROM events WHERE id=NEW.row_id AND subject_id IS NOT NULL
    AND subject_id NOT IN (SELECT app_id FROM app_index_dirty); END;
CREATE TRIGGER app_index_event_version_update AFTER UPDATE ON field_versions
  WHEN NEW.tbl='events' AND NEW.field='kind' BEGIN
  INSERT INTO app_index_dirty SELECT subject_id FROM events WHERE id=NEW.row_id AND subject_id IS NOT NULL
    AND subject_id NOT IN (SELECT app_id FROM app_index_dirty); END;
CREATE TRIGGER app_index_event_logged AFTER INSERT ON changelog WHEN NEW.tbl='events' BEGIN
  INSERT INTO app_index_dirty SELECT subject_id FROM events WHERE id=NEW.row_id AND subject_id IS NOT NULL
    AND subject_id NOT IN (SELECT app_id FROM app_index_dirty); END;
CREATE TRIGGER app_index_letter_insert AFTER INSERT ON letters WHEN NEW.application_id IS NOT NULL BEGIN
  INSERT INTO app_index_dirty SELECT NEW.application_id WHERE NOT EXISTS(SELECT 1 FROM app_index_dirty WHERE app_id=NEW.application_id); END;
CREATE TRIGGER app_index_letter_update AFTER UPDATE ON letters BEGIN
  INSERT INTO app_index_dirty SELECT NEW.application_id WHERE NEW.application_id IS NOT NULL AND NOT EXISTS(SELECT 1 FROM app_index_dirty WHERE app_id=NEW.application_id);
  INSERT INTO app_index_dirty SELECT OLD.application_id WHERE OLD.application_id IS NOT NULL AND NOT EXISTS(SELECT 1 FROM app_index_dirty WHERE app_id=OLD.application_id); END;
CREATE TRIGGER app_index_letter_delete AFTER DELETE ON letters WHEN OLD.application_id IS NOT NULL BEGIN
  INSERT INTO app_index_dirty SELECT OLD.application_id WHERE NOT EXISTS(SELECT 1 FROM app_index_dirty WHERE app_id=OLD.application_id); END;
CREATE TRIGGER app_index_receipt_insert AFTER INSERT ON receipts WHEN NEW.subject_id IS NOT NULL BEGIN
  INSERT INTO app_index_dirty SELECT NEW.subject_id WHERE NOT EXISTS(SELECT 1 FROM app_index_dirty WHERE app_id=NEW.subject_id); END;
CREATE TRIGGER app_index_receipt_update AFTER UPDATE ON receipts BEGIN
  INSERT INTO app_index_dirty SELECT NEW.subject_id WHERE NEW.subject_id IS NOT NULL AND NOT EXISTS(SELECT 1 FROM app_index_dirty WHERE app_id=NEW.subject_id);
  INSERT INTO app_index_dirty SELECT OLD.subject_id WHERE OLD.subject_id IS NOT NULL AND NOT EXISTS(SELECT 1 FROM app_index_dirty WHERE app_id=OLD.subject_id); END;
CREATE TRIGGER app_index_receipt_delete AFTER DELETE ON receipts WHEN OLD.subject_id IS NOT NULL BEGIN
  INSERT INTO app_index_dirty SELECT OLD.subject_id WHERE NOT EXISTS(SELECT 1 FROM app_index_dirty WHERE app_id=OLD.subject_id); END;
-- Built at the first open (HubStore::Open settles the marks).
INSERT OR IGNORE INTO app_index_dirty SELECT id FROM applications;
-- (In the same migration entry, as each change adds one:) each node's
-- outbox as it last reported it at a sync (protocol 5, hub/fleet.h): the
-- changes waiting at the village, and when it said so (hub clock).
ALTER TABLE nodes ADD COLUMN outbox_waiting INTEGER;
ALTER TABLE nodes ADD COLUMN outbox_reported_ms INTEGER;
)sql";

}  // namespace simpul::hub

#endif  // SIMPUL_HUB_APP_INDEX_H_
