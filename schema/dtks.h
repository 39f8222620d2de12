// DTKS (Data Terpadu Kesejahteraan Sosial) and P3KE snapshots: the rows of
// the national welfare register the district receives, as the replicated
// `dtks` table holds them, and reading a snapshot file into them.
//
// A snapshot file is a CSV export (schema/csv.h: Excel's dialects and
// Windows-1252 are read) with a header row naming at least these columns
// (any order, any case; other columns are ignored):
//   nik              16-digit NIK (checked like every NIK: schema/validate.h)
//   nama / name      the person's name
//   kode_desa        the village (desa/kelurahan) the register places them
//                    in: 10 digits (3510012001) or dotted (35.10.01.2001)
//   desil            1-10, or empty when the register gives none
//   status_pbi       PBI-JK status: aktif | nonaktif | tidak_terdaftar
//                    (English active | inactive | not_registered too)
//   tanggal_snapshot the snapshot's date: YYYY-MM-DD or DD/MM/YYYY
// docs/OPERATIONS.md lists the accepted header spellings and values.
//
// The `dtks` table (schema 12; every field hub-owned, docs/PROTOCOL.md §23):
// one row per NIK at the hub, in the scope of the village the newest
// snapshot places the NIK in; each village holds only its own rows.
//
// Thread-safety: pure functions, and reads over a caller's Db.
#ifndef SIMPUL_SCHEMA_DTKS_H_
#define SIMPUL_SCHEMA_DTKS_H_

#include <string>
#include <string_view>
#include <vector>

#include "schema/csv.h"
#include "schema/db.h"
#include "schema/json_writer.h"
#include "schema/messages.h"
#include "schema/status.h"
#include "schema/validate.h"

namespace simpul::schema {

// PBI status codes, persisted in dtks.pbi_status: never rename.
inline constexpr const char* kPbiActive = "active";
inline constexpr const char* kPbiInactive = "inactive";
inline constexpr const char* kPbiNotRegistered = "not_registered";
// Snapshot sources, persisted in dtks.source.
inline constexpr const char* kSourceDtks = "dtks";
inline constexpr const char* kSourceP3ke = "p3ke";

bool IsPbiStatus(std::string_view code);
bool IsDtksSource(std::string_view code);
// A PBI status as written in a register (Indonesian or English, any case) ->
// its code; InvalidArgument (MsgId::kDtksPbiStatus) otherwise.
Result<std::string> ParsePbiStatus(std::string_view text);
// A date as Excel writes it in an Indonesian or ISO locale: YYYY-MM-DD,
// DD/MM/YYYY or DD-MM-YYYY.
Result<Date> ParseSheetDate(std::string_view field, std::string_view text);
// A NIK as Excel leaves it: without its "keep as text" apostrophe; an NIK
// Excel turned into a number (3.51001E+15) is refused (kDtksNikExcel), as
// is one ValidateNik refuses.
Result<std::string> ParseSheetNik(const std::string& text);

struct DtksRecord {
  std::string nik, name, village, pbi_status, snapshot_date;  // village dotted, date ISO
  int desil = 0;                                               // 0: none given
  int line = 0;                                                // in the file
};

struct DtksLineError {
  int line = 0;
  std::string column;  // as the file's header names it
  Status status;
};

struct DtksFile {
  std::vector<DtksRecord> records;
  std::vector<DtksLineError> errors;  // the first `max_errors`
  size_t error_count = 0;             // all of them
  TextEncoding encoding = TextEncoding::kUtf8;
  char delimiter = ',';
};

// Reads and checks a whole snapshot file: every line, every field, and the
// NIKs once each. `villages` (may be null) says which village codes exist;
// `today` bounds the snapshot dates. A file-level problem (not text, no
// header, a required column missing) is the returned error; line problems
// are listed in `errors` (the file is usable only when there are none).
Result<DtksFile> ReadDtksFile(std::string bytes, const RegionLookup* villages, const Date& today,
                              size_t max_errors = 100);

// A NIK's row in a store's `dtks` table, with the newest snapshot date the
// store holds (what "not in DTKS" is as of).
struct DtksStatus {
  bool listed = false;
  std::string nik, name, village, pbi_status, snapshot_date, source;
  int desil = 0;
  std::string newest_snapshot;  // "" when the store holds no DTKS row at all
};
Result<DtksStatus> LookupDtks(Db& db, std::string_view nik);

// One line for an operator: "DTKS: desil 3, PBI active (snapshot 2025-03-31)",
// "Not in DTKS (snapshot of 2025-03-31)" or "No DTKS snapshot received yet".
std::string DescribeDtks(Lang lang, const DtksStatus& status);
// The "dtks" object of --json output: {"listed":..., "desil":..., ...}.
void DtksJson(JsonWriter& j, const DtksStatus& status);

}  // namespace simpul::schema

#endif  // SIMPUL_SCHEMA_DTKS_H_
