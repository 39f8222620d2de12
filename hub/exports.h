// Exports for Dinsos's spreadsheets: the queue (with the queue page's
// filters) and the PBI proposal lists for BPJS / Dinkes (approved PBI-JKN
// or PBI-APBD applications), as a table of typed cells written out as CSV here or as
// XLSX by hub/xlsx.h (the one translation unit that uses libxlsxwriter).
//
// Every export states its purpose and is audited (hub_audit "export": what,
// the filter, the row count, the purpose) in the same transaction that
// reads the rows. NIKs are masked (sync::MaskNik: 3510********0002) unless
// the role may see them whole: RoleSeesFullNik is the one rule, used by
// every export (the CLI shows no NIK in bulk).
//
// Thread-safety: as HubStore.
#ifndef SIMPUL_HUB_EXPORTS_H_
#define SIMPUL_HUB_EXPORTS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "hub/queue.h"
#include "hub/store.h"
#include "schema/messages.h"

namespace simpul::hub {

// A cell's kind: text (NIK, No. KK: never a number, leading zeros and all
// 16 digits kept), a number, or a date-time (ms since the epoch, shown in
// the office's zone of `zone_village`).
enum class CellKind { kText, kNumber, kDateTime };

struct ExportColumn {
  std::string title;  // in the operator's language
  CellKind kind = CellKind::kText;
  double width = 16;  // characters, for XLSX
};

struct ExportCell {
  std::string text;     // kText, and kNumber as written ("" empty)
  int64_t ms = 0;       // kDateTime (0 empty)
  std::string village;  // kDateTime: the office zone's village
};

struct ExportTable {
  std::string name;  // sheet name and file stem, e.g. "antrean"
  std::vector<ExportColumn> columns;
  std::vector<std::vector<ExportCell>> rows;
};

// Roles that work on individual records (verify, review, decide) see NIKs
// whole; others (auditor, village_operator) see them masked.
bool RoleSeesFullNik(const std::string& role);

inline constexpr size_t kMaxExportRows = 50000;
inline constexpr size_t kMaxPurpose = 300;

// The queue as the filter selects it (the filter's limit is ignored: every
// matching application, at most kMaxExportRows), longest waiting first.
Result<ExportTable> QueueExport(HubStore& store, QueueFilter filter, Lang lang, bool full_nik, int64_t now_ms);
// Approved (or lettered) PBI applications of `type`: the proposal list for
// BPJS Kesehatan / Dinkes, by village then name. "pbi_jkn" (premium from the
// national budget) or "pbi_apbd" (from the district's: TemanKos's KIS-PBI
// APBD proposal); anything else is InvalidArgument (field "type").
Result<ExportTable> PbiProposalExport(HubStore& store, const std::string& type, Lang lang, bool full_nik);

// The SIPERJAKE district recap (exports_recap.cc): applications received at
// Dinsos in the period (inclusive dates of receipt in each office's zone;
// "" = open), per kecamatan, village and application type, counted by
// status as the workflow folds it, with a subtotal row per kecamatan and the
// district's total last. InvalidArgument (field "from"/"to") for a date that
// is not YYYY-MM-DD or a period that runs backwards.
struct RecapPeriod {
  std::string from, to;
};
Result<ExportTable> SiperjakeRecapExport(HubStore& store, const RecapPeriod& period, Lang lang);

// InvalidArgument (field "purpose", kExportPurposeRequired) for a purpose
// that is empty or over kMaxPurpose characters.
Status CheckExportPurpose(const std::string& purpose);
// Audits an export of `rows` rows of `what` ("queue xlsx", with the filter)
// for `purpose`.
Status AuditExport(HubStore& store, const std::string& what, size_t rows, const std::string& purpose);

// RFC 4180 CSV, UTF-8 with a BOM (Excel reads it as UTF-8); dates as
// "YYYY-MM-DD HH:MM" in the office's zone; a text cell that starts like a
// formula (= + - @) gets a leading apostrophe. CSV has no cell types: a
// spreadsheet must open NIK columns as Text (the XLSX carries the type).
std::string ToCsv(const ExportTable& table);

}  // namespace simpul::hub

#endif  // SIMPUL_HUB_EXPORTS_H_
