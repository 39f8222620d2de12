#include "schema/dtks.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <unordered_map>

namespace simpul::schema {
namespace {

enum Column { kNik, kName, kVillage, kDesil, kPbi, kDate, kColumns };

// Header spellings seen in DTKS, SIKS-NG and P3KE exports (normalised as
// NormalSheetHeader does); the first is the name messages use.
const std::vector<SheetColumn>& DtksColumns() {
  static const std::vector<SheetColumn> kColumnsRead = {
      {"nik", {"nik", "no_nik", "nomor_nik", "nik_art"}},
      {"nama", {"nama", "name", "nama_lengkap", "nama_art"}},
      {"kode_desa", {"kode_desa", "kode_wilayah", "kode_kelurahan", "kode_desa_kelurahan", "kd_desa", "village",
                     "village_code"}},
      {"desil", {"desil", "desil_nasional", "decile"}},
      {"status_pbi", {"status_pbi", "pbi", "pbi_status", "status_kis_pbi", "kis_pbi", "status_pbi_jk"}},
      {"tanggal_snapshot", {"tanggal_snapshot", "snapshot_date", "tgl_snapshot", "tanggal_data", "snapshot"}},
  };
  return kColumnsRead;
}

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\xA0')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t')) --e;
  return std::string(s.substr(b, e - b));
}

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

Result<std::string> CheckVillage(const std::string& raw, const RegionLookup* villages) {
  std::string code = raw;
  if (AllDigits(code) && code.size() == 10)
    code = code.substr(0, 2) + "." + code.substr(2, 2) + "." + code.substr(4, 2) + "." + code.substr(6);
  SIMPUL_ASSIGN_OR_RETURN(RegionLevel level, ValidateRegionCode(code, villages));
  if (level != RegionLevel::kVillage)
    return Status::InvalidArgument(code + " is not a village code").WithField("village")
        .WithMsg(MsgId::kRegionNotVillage, {raw});
  return code;
}

Result<int> CheckDesil(const std::string& text) {
  if (text.empty()) return 0;
  if (!AllDigits(text) || text.size() > 2 || std::stoi(text) < 1 || std::stoi(text) > 10)
    return Status::InvalidArgument("desil must be 1..10").WithField("desil").WithMsg(MsgId::kDtksDesil, {text});
  return std::stoi(text);
}

// One data line -> a record, or the errors of its fields (appended).
bool ReadLine(const std::vector<std::string>& cells, const std::array<int, kColumns>& at,
              const std::vector<std::string>& header, const RegionLookup* villages, const Date& today,
              DtksRecord* rec, std::vector<DtksLineError>* errs) {
  auto cell = [&](Column c) { return static_cast<size_t>(at[c]) < cells.size() ? Trim(cells[at[c]]) : std::string(); };
  auto fail = [&](Column c, Status st) { errs->push_back({rec->line, header[at[c]], std::move(st)}); };
  size_t before = errs->size();
  if (auto nik = ParseSheetNik(cell(kNik)); nik.ok()) rec->nik = *nik; else fail(kNik, nik.status());
  rec->name = cell(kName);
  if (rec->name.empty())
    fail(kName, Status::InvalidArgument("name is empty").WithField("name").WithMsg(MsgId::kFieldRequired, {header[at[kName]]}));
  else if (Status st = CheckLength(header[at[kName]], rec->name, 150); !st.ok())
    fail(kName, st);
  if (auto v = CheckVillage(cell(kVillage), villages); v.ok()) rec->village = *v; else fail(kVillage, v.status());
  if (auto d = CheckDesil(cell(kDesil)); d.ok()) rec->desil = *d; else fail(kDesil, d.status());
  if (auto p = ParsePbiStatus(cell(kPbi)); p.ok()) rec->pbi_status = *p; else fail(kPbi, p.status());
  std::string date_text = cell(kDate);
  if (auto d = ParseSheetDate(header[at[kDate]], date_text); !d.ok()) {
    fail(kDate, d.status());
  } else if (d->ToIso() > today.ToIso()) {
    fail(kDate, Status::InvalidArgument("snapshot date in the future").WithField("snapshot_date")
                    .WithMsg(MsgId::kDateFuture, {header[at[kDate]], date_text}));
  } else {
    rec->snapshot_date = d->ToIso();
  }
  return errs->size() == before;
}

}  // namespace

bool IsPbiStatus(std::string_view c) { return c == kPbiActive || c == kPbiInactive || c == kPbiNotRegistered; }
bool IsDtksSource(std::string_view c) { return c == kSourceDtks || c == kSourceP3ke; }

Result<std::string> ParsePbiStatus(std::string_view text) {
  std::string t = NormalSheetHeader(text);
  for (const char* s : {"aktif", "active", "pbi_aktif", "ya", "y"})
    if (t == s) return std::string(kPbiActive);
  for (const char* s : {"nonaktif", "non_aktif", "tidak_aktif", "inactive", "pbi_nonaktif"})
    if (t == s) return std::string(kPbiInactive);
  for (const char* s : {"tidak_terdaftar", "belum_terdaftar", "bukan_pbi", "not_registered", "tidak", "t"})
    if (t == s) return std::string(kPbiNotRegistered);
  return Status::InvalidArgument("unknown PBI status").WithField("pbi_status")
      .WithMsg(MsgId::kDtksPbiStatus, {std::string(text)});
}

Result<std::string> ParseSheetNik(const std::string& raw) {
  std::string text = raw;
  if (!text.empty() && text.front() == '\'') text.erase(0, 1);  // Excel's "keep as text" mark
  // 3.51001E+15: Excel stored the NIK as a number and lost its last digits.
  if (text.find_first_of("eE") != std::string::npos && text.find('+') != std::string::npos)
    return Status::InvalidArgument("NIK was turned into a number by Excel")
        .WithField("nik")
        .WithMsg(MsgId::kDtksNikExcel, {text});
  SIMPUL_ASSIGN_OR_RETURN(NikInfo nik, ValidateNik(text, nullptr, nullptr));
  return nik.nik;
}

Result<Date> ParseSheetDate(std::string_view field, std::string_view text) {
  std::string t(text);
  // DD/MM/YYYY or DD-MM-YYYY -> YYYY-MM-DD, then the strict parser.
  if (t.size() == 10 && (t[2] == '/' || t[2] == '-') && t[5] == t[2])
    t = t.substr(6, 4) + "-" + t.substr(3, 2) + "-" + t.substr(0, 2);
  if (t.empty())
    return Status::InvalidArgument("date is empty").WithField(std::string(field))
        .WithMsg(MsgId::kFieldRequired, {std::string(field)});
  auto d = ParseDate(field, t);
  if (!d.ok() && d.status().msg_id() == MsgId::kDateFormat)
    return Status::InvalidArgument("date must be YYYY-MM-DD or DD/MM/YYYY").WithField(std::string(field))
        .WithMsg(MsgId::kDtksDateFormat, {std::string(field), std::string(text)});
  return d;
}

Result<DtksFile> ReadDtksFile(std::string bytes, const RegionLookup* villages, const Date& today, size_t max_errors) {
  DtksFile file;
  SIMPUL_ASSIGN_OR_RETURN(DecodedText text, DecodeSpreadsheetText(std::move(bytes)));
  file.encoding = text.source;
  CsvReader reader(text.text);
  file.delimiter = reader.delimiter();
  std::vector<std::string> cells;
  SIMPUL_ASSIGN_OR_RETURN(bool has_header, reader.Next(&cells));
  if (!has_header) return Status::InvalidArgument("the file is empty").WithMsg(MsgId::kSheetNoHeader);
  std::vector<std::string> header = cells;
  SIMPUL_ASSIGN_OR_RETURN(std::vector<int> mapped, MapSheetHeader(header, DtksColumns()));
  std::array<int, kColumns> at;
  std::copy(mapped.begin(), mapped.end(), at.begin());
  for (int c = 0; c < kColumns; ++c)
    if (at[c] < 0)
      return Status::InvalidArgument(std::string("column ") + DtksColumns()[c].name + " missing")
          .WithField(DtksColumns()[c].name)
          .WithMsg(MsgId::kDtksColumnMissing, {DtksColumns()[c].name});

  std::unordered_map<std::string, int> first_line;  // NIK -> the line it is on
  auto add_error = [&](DtksLineError e) {
    if (file.errors.size() < max_errors) file.errors.push_back(std::move(e));
    ++file.error_count;
  };
  for (;;) {
    auto next = reader.Next(&cells);
    if (!next.ok()) {  // the reader cannot go on: the rest of the file is unread
      add_error({reader.line(), "", next.status()});
      break;
    }
    if (!*next) break;
    DtksRecord rec;
    rec.line = reader.line();
    std::vector<DtksLineError> errs;
    bool ok = ReadLine(cells, at, header, villages, today, &rec, &errs);
    for (auto& e : errs) add_error(std::move(e));
    if (!rec.nik.empty()) {
      auto [it, fresh] = first_line.emplace(rec.nik, rec.line);
      if (!fresh) {
        add_error({rec.line, header[at[kNik]],
                   Status::AlreadyExists("NIK given twice").WithField("nik")
                       .WithMsg(MsgId::kSheetDuplicateNik, {rec.nik, std::to_string(it->second)})});
        ok = false;
      }
    }
    if (ok && file.error_count == 0) file.records.push_back(std::move(rec));
  }
  if (file.error_count > 0) file.records.clear();  // never half a file
  return file;
}

Result<DtksStatus> LookupDtks(Db& db, std::string_view nik) {
  DtksStatus out;
  SIMPUL_ASSIGN_OR_RETURN(Stmt * newest, db.Cached("SELECT max(snapshot_date) FROM dtks WHERE deleted=0"));
  SIMPUL_ASSIGN_OR_RETURN(bool row, newest->Step());
  if (row && !newest->IsNullAt(0)) out.newest_snapshot = newest->Text(0);
  newest->Reset();
  if (nik.empty()) return out;
  SIMPUL_ASSIGN_OR_RETURN(Stmt * q, db.Cached(
      "SELECT nik,name,village,desil,pbi_status,snapshot_date,source FROM dtks"
      " WHERE nik=? AND deleted=0 ORDER BY snapshot_date DESC LIMIT 1"));
  q->Bind(1, nik);
  SIMPUL_ASSIGN_OR_RETURN(bool found, q->Step());
  if (found) {
    out.listed = true;
    out.nik = q->Text(0);
    out.name = q->Text(1);
    out.village = q->Text(2);
    out.desil = q->IsNullAt(3) ? 0 : static_cast<int>(q->Int(3));
    out.pbi_status = q->Text(4);
    out.snapshot_date = q->Text(5);
    out.source = q->Text(6);
  }
  q->Reset();
  return out;
}

std::string DescribeDtks(Lang lang, const DtksStatus& s) {
  if (!s.listed) {
    if (s.newest_snapshot.empty()) return Msg(lang, MsgId::kDtksNoSnapshot);
    return Msg(lang, MsgId::kDtksNotListed, {s.newest_snapshot});
  }
  MsgId pbi = s.pbi_status == kPbiActive     ? MsgId::kPbiActive
              : s.pbi_status == kPbiInactive ? MsgId::kPbiInactive
                                             : MsgId::kPbiNotRegistered;
  std::string source = s.source == kSourceP3ke ? "P3KE" : "DTKS";
  return Msg(lang, MsgId::kDtksListed,
             {source, s.desil > 0 ? std::to_string(s.desil) : "-", Msg(lang, pbi), s.snapshot_date});
}

void DtksJson(JsonWriter& j, const DtksStatus& s) {
  j.BeginObject().Field("listed", s.listed);
  if (s.listed) {
    j.Field("source", s.source).Key("desil");
    if (s.desil > 0) j.Int(s.desil); else j.Null();
    j.Field("pbi_status", s.pbi_status).Field("snapshot_date", s.snapshot_date).Field("village", s.village);
  } else {
    j.Key("snapshot_date");
    if (s.newest_snapshot.empty()) j.Null(); else j.String(s.newest_snapshot);
  }
  j.EndObject();
}

}  // namespace simpul::schema
