#include "hub/dtks_import.h"

#include <sodium.h>

#include <set>
#include <unordered_map>

#include "hub/moves.h"
#include "schema/ids.h"
#include "schema/local_time.h"
#include "schema/regions.h"
#include "schema/tables.h"
#include "sync/crypto/envelope.h"

namespace simpul::hub {
namespace {

struct Held {
  std::string id, village, snapshot_date;
};

// The hub's dtks rows by NIK (one per NIK: the import keeps it so).
Result<std::unordered_map<std::string, Held>> LoadHeld(HubStore& store) {
  std::unordered_map<std::string, Held> held;
  SIMPUL_ASSIGN_OR_RETURN(auto q, store.db().Prepare("SELECT nik,id,village,snapshot_date FROM dtks"));
  for (;;) {
    SIMPUL_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    held[q.Text(0)] = Held{q.Text(1), q.Text(2), q.Text(3)};
  }
  return held;
}

// Today in the easternmost office zone (WIT): a snapshot dated today
// anywhere in Indonesia is not "in the future".
schema::Date Today(uint64_t now_ms) {
  schema::LocalTime t = schema::ToLocal(static_cast<int64_t>(now_ms), schema::OfficeZone{"WIT", 9 * 60});
  return {t.year, t.month, t.day};
}

std::string Sha256Hex(const std::string& bytes) {
  uint8_t h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(h, reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  return sync::crypto::ToHex(h, sizeof h);
}

}  // namespace

Result<DtksImportReport> ImportDtks(HubStore& store, std::string bytes, const DtksImportOptions& options) {
  if (!schema::IsDtksSource(options.source))
    return Status::InvalidArgument("--source must be dtks or p3ke")
        .WithField("source")
        .WithMsg(MsgId::kEnumValue, {"--source", options.source, "dtks, p3ke"});
  const std::string file_sha = Sha256Hex(bytes);
  schema::DbRegionLookup villages(store.db());
  SIMPUL_ASSIGN_OR_RETURN(schema::DtksFile file,
                          schema::ReadDtksFile(std::move(bytes), &villages, Today(store.NowMs())));
  DtksImportReport report;
  report.encoding = file.encoding;
  report.delimiter = file.delimiter;
  report.error_count = file.error_count;
  report.errors = std::move(file.errors);
  if (report.error_count > 0) return report;  // nothing is written

  const schema::TableDef* table = schema::FindTable("dtks");
  if (!table) return Status::Internal("no dtks table");
  SIMPUL_ASSIGN_OR_RETURN(auto txn, store.BeginWrite());
  // Read under the write lock: what another import committed counts.
  SIMPUL_ASSIGN_OR_RETURN(auto held, LoadHeld(store));
  std::set<std::string> villages_seen;
  std::vector<sync::FieldWrite> fields(7);
  for (const auto& rec : file.records) {
    ++report.rows;
    villages_seen.insert(rec.village);
    if (report.oldest_snapshot.empty() || rec.snapshot_date < report.oldest_snapshot)
      report.oldest_snapshot = rec.snapshot_date;
    if (rec.snapshot_date > report.newest_snapshot) report.newest_snapshot = rec.snapshot_date;
    std::string id;
    bool exists = false;
    if (auto it = held.find(rec.nik); it != held.end()) {
      if (it->second.snapshot_date > rec.snapshot_date) {  // never older over newer
        ++report.skipped_older;
        continue;
      }
      id = it->second.id;
      exists = true;
      if (it->second.village != rec.village) {
        // A newer snapshot places the NIK elsewhere: the row changes scope.
        SIMPUL_RETURN_IF_ERROR(MoveOneRow(store, "dtks", id, it->second.village, rec.village,
                                          store.hlc().Version(store.hlc().Now())));
        it->second.village = rec.village;
        ++report.moved;
      }
      it->second.snapshot_date = rec.snapshot_date;
    } else {
      id = schema::NewRowId(store.NowMs());
      held[rec.nik] = Held{id, rec.village, rec.snapshot_date};
    }
    fields[0] = {"nik", rec.nik};
    fields[1] = {"name", rec.name};
    fields[2] = {"desil", rec.desil > 0 ? schema::Value(static_cast<int64_t>(rec.desil)) : schema::Value()};
    fields[3] = {"pbi_status", rec.pbi_status};
    fields[4] = {"snapshot_date", rec.snapshot_date};
    fields[5] = {"source", options.source};
    fields[6] = {"deleted", int64_t{0}};
    SIMPUL_ASSIGN_OR_RETURN(sync::WriteOutcome w, store.writer().Write(*table, id, rec.village, fields));
    if (!exists) ++report.created;
    else if (w.fields_changed > 0) ++report.updated;
    else ++report.unchanged;
  }
  report.villages = villages_seen.size();
  std::string detail = options.source + " snapshot " + report.oldest_snapshot +
                       (report.oldest_snapshot == report.newest_snapshot ? "" : ".." + report.newest_snapshot) +
                       ", " + std::to_string(report.rows) + " rows in " + std::to_string(report.villages) +
                       " villages: " + std::to_string(report.created) + " new, " + std::to_string(report.updated) +
                       " changed, " + std::to_string(report.unchanged) + " unchanged, " +
                       std::to_string(report.moved) + " moved, " + std::to_string(report.skipped_older) +
                       " older than held; sha256 " + file_sha;
  SIMPUL_RETURN_IF_ERROR(store.Audit("dtks_import", "", options.file_name, detail));
  SIMPUL_RETURN_IF_ERROR(txn.Commit());
  return report;
}

}  // namespace simpul::hub
