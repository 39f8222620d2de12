#include "hub/exports.h"

#include <algorithm>
#include <cstdio>

#include "hub/history.h"
#include "hub/operations.h"
#include "hub/ui_texts.h"
#include "hub/web/page_strings.h"
#include "schema/dtks.h"
#include "schema/local_time.h"
#include "schema/model.h"
#include "schema/validate.h"
#include "sync/accounts.h"
#include "sync/letter_statement.h"

namespace simpul::hub {
namespace {

std::string TypeLabel(Lang lang, const std::string& code) {
  const schema::CodeLabel* c = schema::FindCode(schema::kApplicationTypes, code);
  return c ? (lang == Lang::kId ? c->label_id : c->label_en) : code;
}

std::string Nik(const std::string& nik, bool full) { return full || nik.empty() ? nik : sync::MaskNik(nik); }

ExportCell Text(std::string s) { return {std::move(s)}; }
ExportCell When(int64_t ms, const std::string& village) { return {"", ms, village}; }

std::string Number(double v, int decimals) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

// Excel and LibreOffice run a cell starting with these as a formula
// (CSV injection): such a text cell gets a leading apostrophe.
bool NeedsTextGuard(const std::string& s) {
  return !s.empty() && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r');
}

std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\r\n;") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

bool RoleSeesFullNik(const std::string& role) {
  return sync::RoleAllows(role, sync::Permission::kVerify) || sync::RoleAllows(role, sync::Permission::kReview);
}

Status CheckExportPurpose(const std::string& purpose) {
  bool blank = purpose.find_first_not_of(" \t\r\n") == std::string::npos;
  if (blank || schema::CheckLength("purpose", purpose, kMaxPurpose).code() != Code::kOk)
    return Status::InvalidArgument("an export needs a purpose of 1-" + std::to_string(kMaxPurpose) + " characters")
        .WithField("purpose")
        .WithMsg(MsgId::kExportPurposeRequired);
  return Status::Ok();
}

Status AuditExport(HubStore& store, const std::string& what, size_t rows, const std::string& purpose) {
  SIMPUL_ASSIGN_OR_RETURN(auto txn, store.BeginWrite());
  SIMPUL_RETURN_IF_ERROR(store.Audit("export", "", what, std::to_string(rows) + " row(s); purpose: " + purpose));
  return txn.Commit();
}

Result<ExportTable> QueueExport(HubStore& store, QueueFilter filter, Lang lang, bool full_nik, int64_t now_ms) {
  filter.limit = static_cast<int>(kMaxExportRows);
  SIMPUL_ASSIGN_OR_RETURN(QueueResult q, QueryQueue(store, filter));
  ExportTable t;
  t.name = lang == Lang::kId ? "antrean" : "queue";
  t.columns = {{Tr(lang, "Applicant"), CellKind::kText, 28},   {"NIK", CellKind::kText, 20},
               {"No. KK", CellKind::kText, 20},                {Tr(lang, "Village"), CellKind::kText, 22},
               {Tr(lang, "Village code"), CellKind::kText, 15}, {Tr(lang, "Type"), CellKind::kText, 30},
               {Tr(lang, "Status"), CellKind::kText, 18},       {Tr(lang, "In this status since"), CellKind::kDateTime, 18},
               {Tr(lang, "Days waiting"), CellKind::kNumber, 10}, {Tr(lang, "Score"), CellKind::kNumber, 8},
               {Tr(lang, "Letter number"), CellKind::kText, 24}};
  for (const auto& it : q.items) {
    double days = it.since_ms > 0 ? static_cast<double>(std::max<int64_t>(0, now_ms - it.since_ms)) / 86400000.0 : 0;
    t.rows.push_back({Text(it.applicant_name), Text(Nik(it.nik, full_nik)), Text(it.no_kk), Text(it.village_name),
                      Text(it.village), Text(TypeLabel(lang, it.type)), Text(StatusLabel(lang, it.status)),
                      When(it.since_ms, it.village), Text(it.since_ms > 0 ? Number(days, 1) : ""),
                      Text(it.has_score ? Number(it.score, 2) : ""), Text(it.letter_number)});
  }
  return t;
}

Result<ExportTable> PbiProposalExport(HubStore& store, const std::string& type, Lang lang, bool full_nik) {
  if (type != "pbi_jkn" && type != "pbi_apbd")
    return Status::InvalidArgument("type must be pbi_jkn or pbi_apbd").WithField("type")
        .WithMsg(MsgId::kEnumValue, {"type", type, "pbi_jkn, pbi_apbd"});
  const std::string stem = type == "pbi_jkn" ? "pbi-jkn" : "pbi-apbd";
  ExportTable t;
  t.name = lang == Lang::kId ? "usulan-" + stem : stem + "-proposal";
  t.columns = {{Tr(lang, "Name"), CellKind::kText, 28},          {"NIK", CellKind::kText, 20},
               {"No. KK", CellKind::kText, 20},                  {Tr(lang, "Date of birth"), CellKind::kText, 12},
               {Tr(lang, "Sex"), CellKind::kText, 6},            {Tr(lang, "Address"), CellKind::kText, 30},
               {Tr(lang, "Village"), CellKind::kText, 22},       {Tr(lang, "Village code"), CellKind::kText, 15},
               {Tr(lang, "Approved"), CellKind::kDateTime, 18},  {Tr(lang, "Letter number"), CellKind::kText, 24},
               {"Desil", CellKind::kNumber, 7},                  {"DTKS", CellKind::kText, 44}};
  // Every PBI application of the type; the approved ones (letter issued or
  // not) by the workflow's fold, as the queue judges status.
  for (const std::string status : {"approved", "letter_issued"}) {
    QueueFilter f{status, type, "", "", static_cast<int>(kMaxExportRows)};
    SIMPUL_ASSIGN_OR_RETURN(QueueResult q, QueryQueue(store, f));
    for (const auto& it : q.items) {
      SIMPUL_ASSIGN_OR_RETURN(auto rows, QueryRows(store,
          "SELECT coalesce(p.birth_date,'') AS birth_date, coalesce(p.sex,'') AS sex,"
          " coalesce(h.address,'') AS address, coalesce(h.rt,'') AS rt, coalesce(h.rw,'') AS rw"
          " FROM applications a LEFT JOIN persons p ON p.id=a.applicant_id"
          " LEFT JOIN households h ON h.id=a.household_id WHERE a.id=?", {it.id}));
      Row r = rows.empty() ? Row{} : rows[0];
      std::string address = RowText(r, "address");
      if (!RowText(r, "rt").empty()) address += " RT " + RowText(r, "rt");
      if (!RowText(r, "rw").empty()) address += " RW " + RowText(r, "rw");
      SIMPUL_ASSIGN_OR_RETURN(History h, ReadHistory(store, it.id));
      int64_t approved_ms = 0;  // when Dinsos recorded the approval
      for (const auto& e : h.entries)
        if (e.event.kind == "approved") approved_ms = e.received_ms > 0 ? e.received_ms : e.at_ms;
      // The applicant's row of the newest DTKS snapshot: BPJS and the
      // district check the proposal against it (TemanKos).
      SIMPUL_ASSIGN_OR_RETURN(schema::DtksStatus dtks, schema::LookupDtks(store.db(), it.nik));
      t.rows.push_back({Text(it.applicant_name), Text(Nik(it.nik, full_nik)), Text(it.no_kk),
                        Text(RowText(r, "birth_date")), Text(RowText(r, "sex")), Text(address),
                        Text(it.village_name), Text(it.village), When(approved_ms, it.village),
                        Text(it.letter_number), Text(dtks.listed && dtks.desil > 0 ? std::to_string(dtks.desil) : ""),
                        Text(it.nik.empty() ? "" : schema::DescribeDtks(lang, dtks))});
    }
  }
  std::stable_sort(t.rows.begin(), t.rows.end(), [](const auto& a, const auto& b) {
    return a[7].text != b[7].text ? a[7].text < b[7].text : a[0].text < b[0].text;
  });
  return t;
}

std::string ToCsv(const ExportTable& table) {
  std::string out = "\xEF\xBB\xBF";
  for (size_t i = 0; i < table.columns.size(); ++i) out += (i ? "," : "") + CsvField(table.columns[i].title);
  out += "\r\n";
  for (const auto& row : table.rows) {
    for (size_t i = 0; i < row.size(); ++i) {
      const ExportCell& c = row[i];
      std::string v;
      if (table.columns[i].kind == CellKind::kDateTime) {
        if (c.ms > 0) {
          auto lt = schema::ToLocal(c.ms, schema::ZoneOfRegion(c.village));
          char buf[32];
          std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d", lt.year, lt.month, lt.day, lt.hour, lt.minute);
          v = buf;
        }
      } else {
        v = table.columns[i].kind == CellKind::kText && NeedsTextGuard(c.text) ? "'" + c.text : c.text;
      }
      out += (i ? "," : "") + CsvField(v);
    }
    out += "\r\n";
  }
  return out;
}

}  // namespace simpul::hub
