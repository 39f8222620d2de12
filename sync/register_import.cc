#include "sync/register_import.h"

#include <optional>
#include <unordered_map>

#include "schema/db.h"
#include "schema/dtks.h"
#include "schema/json_writer.h"
#include "schema/messages.h"

namespace simpul::sync {
namespace {

// The columns a register may have. `option` is the operator's option the
// cell is given to (sync/record_input.h EntityOptions), so the same validation applies.
enum Col {
  kKk, kAddress, kRt, kRw, kKkAsOf,                                    // household
  kName, kNik, kBirthPlace, kBirthDate, kSex, kRelation, kDisability, kPhone,  // person
  kType, kPurpose, kService, kDevice, kDtksStatus, kDesil, kNotes,     // application
  kColCount
};
constexpr const char* kOption[kColCount] = {
    "kk",    "address", "rt",        "rw",          "kk-as-of", "name", "nik",     "birth-place", "birth-date", "sex",
    "relation", "disability", "phone", "type", "purpose", "service", "device", "dtks-status", "desil", "notes"};

const std::vector<schema::SheetColumn>& Columns() {
  static const std::vector<schema::SheetColumn> kColumns = {
      {"no_kk", {"no_kk", "kk", "nomor_kk", "nokk", "no_kartu_keluarga", "nomor_kartu_keluarga"}},
      {"alamat", {"alamat", "address", "alamat_rumah", "alamat_lengkap"}},
      {"rt", {"rt"}},
      {"rw", {"rw"}},
      {"tanggal_kk", {"tanggal_kk", "tgl_kk", "kk_as_of", "tanggal_terbit_kk"}},
      {"nama", {"nama", "name", "nama_lengkap"}},
      {"nik", {"nik", "no_nik", "nomor_nik"}},
      {"tempat_lahir", {"tempat_lahir", "tmp_lahir", "birth_place"}},
      {"tanggal_lahir", {"tanggal_lahir", "tgl_lahir", "birth_date"}},
      {"jenis_kelamin", {"jenis_kelamin", "jk", "l_p", "sex"}},
      {"hubungan", {"hubungan", "hubungan_keluarga", "shdk", "status_hubungan_dalam_keluarga", "relation"}},
      {"disabilitas", {"disabilitas", "jenis_disabilitas", "disability"}},
      {"telepon", {"telepon", "no_hp", "hp", "no_telepon", "whatsapp", "no_wa", "phone"}},
      {"layanan", {"layanan", "jenis_layanan", "permohonan", "type", "service_type"}},
      {"keperluan", {"keperluan", "tujuan", "purpose"}},
      {"jenis_rekomendasi", {"jenis_rekomendasi", "rekomendasi", "service"}},
      {"alat_bantu", {"alat_bantu", "device"}},
      {"status_dtks", {"status_dtks", "dtks", "dtks_status"}},
      {"desil", {"desil"}},
      {"catatan", {"catatan", "keterangan", "notes"}},
  };
  return kColumns;
}

// Coded values as registers write them -> the code the records take.
struct Alias {
  const char* written;  // normalised (NormalSheetHeader)
  const char* code;
};
std::string Coded(const std::string& cell, std::initializer_list<Alias> aliases) {
  std::string n = schema::NormalSheetHeader(cell);
  for (const auto& a : aliases)
    if (n == a.written) return a.code;
  return cell;  // as typed: the record's validation names what it accepts
}

std::string SexCode(const std::string& cell) {
  return Coded(cell, {{"l", "L"}, {"lk", "L"}, {"laki_laki", "L"}, {"pria", "L"}, {"male", "L"}, {"m", "L"},
                      {"p", "P"}, {"pr", "P"}, {"perempuan", "P"}, {"wanita", "P"}, {"female", "P"}, {"f", "P"}});
}

// SHDK (Dukcapil's relation to the head), by number or in words.
std::string RelationCode(const std::string& cell) {
  return Coded(cell, {{"kepala_keluarga", "1"}, {"kk", "1"}, {"kepala", "1"}, {"suami", "2"}, {"istri", "3"},
                      {"anak", "4"}, {"menantu", "5"}, {"cucu", "6"}, {"orang_tua", "7"}, {"orangtua", "7"},
                      {"mertua", "8"}, {"famili_lain", "9"}, {"pembantu", "10"}, {"lainnya", "11"}});
}

std::string TypeCode(const std::string& cell) {
  return Coded(cell, {{"pbi_jkn", "pbi_jkn"}, {"pbi_jk", "pbi_jkn"}, {"pbi", "pbi_jkn"}, {"kis_pbi", "pbi_jkn"},
                      {"pbi_apbd", "pbi_apbd"}, {"jamkesda", "pbi_apbd"}, {"sktm", "poverty_statement"},
                      {"spm", "poverty_statement"}, {"surat_keterangan_tidak_mampu", "poverty_statement"},
                      {"poverty_statement", "poverty_statement"}, {"rekomendasi", "recommendation"},
                      {"recommendation", "recommendation"}, {"disabilitas", "disability_registration"},
                      {"ppks", "disability_registration"}, {"disability_registration", "disability_registration"},
                      {"alat_bantu", "assistive_device"}, {"assistive_device", "assistive_device"}});
}

std::string DtksCode(const std::string& cell) {
  return Coded(cell, {{"terdaftar", "registered"}, {"ya", "registered"}, {"registered", "registered"},
                      {"tidak_terdaftar", "not_registered"}, {"belum_terdaftar", "not_registered"},
                      {"tidak", "not_registered"}, {"not_registered", "not_registered"},
                      {"tidak_tahu", "unknown"}, {"belum_dicek", "unknown"}, {"unknown", "unknown"}});
}

std::string Trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t')) --e;
  return s.substr(b, e - b);
}

struct KnownHousehold {
  std::string id;
  int first_line = 0;  // 0: it was in the store before
  int added_on_line = 0;
  std::string address;
  bool has_head = false;
};

// A line's failure: the column it concerns and why.
struct LineFailure {
  int column = -1;  // a Col, or -1 for the whole line
  Status status;
};

class Importer {
 public:
  Importer(RegisterTarget& target, const std::vector<int>& at, RegisterImport& report, Lang lang)
      : target_(target), at_(at), report_(report), lang_(lang) {}

  // Imports one line inside its own savepoint; a failure leaves nothing.
  std::optional<LineFailure> Line(int line, const std::vector<std::string>& cells) {
    auto cell = [&](Col c) {
      return at_[c] >= 0 && static_cast<size_t>(at_[c]) < cells.size() ? Trim(cells[at_[c]]) : std::string();
    };
    auto savepoint = schema::Transaction::Begin(target_.db());
    if (!savepoint.ok()) return LineFailure{-1, savepoint.status()};
    Counts before = counts_;
    auto failure = Write(line, cell);
    if (!failure) {
      if (Status st = savepoint->Commit(); !st.ok()) failure = LineFailure{-1, st};
    }
    if (failure) {  // the savepoint rolls back; so do the counts and the households it made
      counts_ = before;
      for (auto it = households_.begin(); it != households_.end();)
        it = it->second.added_on_line == line ? households_.erase(it) : std::next(it);
      for (auto it = niks_.begin(); it != niks_.end();) it = it->second == line ? niks_.erase(it) : std::next(it);
    }
    return failure;
  }

  void Report() const {
    report_.households = counts_.households;
    report_.persons = counts_.persons;
    report_.applications = counts_.applications;
    report_.households_joined = counts_.joined;
  }

 private:
  struct Counts {
    int households = 0, persons = 0, applications = 0, joined = 0;
  };

  template <typename Cell>
  std::optional<LineFailure> Write(int line, const Cell& cell) {
    // Which column an error of option `o` is about.
    auto failed = [&](const Status& st, std::initializer_list<Col> cols) -> LineFailure {
      for (Col c : cols)
        if (st.field() == kOption[c]) return {c, st};
      return {-1, st};
    };
    auto options_of = [&](std::initializer_list<Col> cols) {
      Options o;
      for (Col c : cols) {
        std::string v = cell(c);
        if (v.empty()) continue;
        if (c == kSex) v = SexCode(v);
        if (c == kRelation) v = RelationCode(v);
        if (c == kType) v = TypeCode(v);
        if (c == kDtksStatus) v = DtksCode(v);
        o[kOption[c]] = v;
      }
      return o;
    };
    // Household: by No. KK, one per KK in the file; one already in the store gains members.
    std::string kk = cell(kKk);
    if (!kk.empty() && kk.front() == '\'') kk.erase(0, 1);
    if (kk.empty())
      return LineFailure{kKk, Status::InvalidArgument("no_kk is required").WithField("kk")
                                   .WithMsg(MsgId::kFieldRequired, {Columns()[kKk].name})};
    KnownHousehold* hh = nullptr;
    if (auto it = households_.find(kk); it != households_.end()) {
      hh = &it->second;
      std::string address = cell(kAddress);
      if (hh->first_line > 0 && !address.empty() && address != hh->address)
        return LineFailure{kAddress, Status::InvalidArgument("another address for the same No. KK")
                                         .WithField("address")
                                         .WithMsg(MsgId::kImportHouseholdDiffers,
                                                  {kk, std::to_string(hh->first_line)})};
    } else {
      auto existing = ExistingHousehold(kk);
      if (!existing.ok()) return LineFailure{-1, existing.status()};
      KnownHousehold fresh;
      fresh.added_on_line = line;
      if (!existing->empty()) {
        fresh.id = *existing;
        ++counts_.joined;
        fresh.has_head = true;  // its head is the village's business, not the file's
      } else {
        Options o = options_of({kAddress, kRt, kRw, kKkAsOf});
        o["kk"] = kk;
        if (auto d = o.find("kk-as-of"); d != o.end()) {
          auto date = schema::ParseSheetDate("kk-as-of", d->second);
          if (!date.ok()) return failed(date.status(), {kKkAsOf});
          d->second = date->ToIso();
        }
        auto made = target_.Create(Entity::kHousehold, o);
        if (!made.ok()) return failed(made.status(), {kKk, kAddress, kRt, kRw, kKkAsOf});
        fresh.id = made->id;
        fresh.first_line = line;
        fresh.address = cell(kAddress);
        ++counts_.households;
      }
      hh = &households_.emplace(kk, std::move(fresh)).first->second;
    }
    // Person.
    Options person = options_of({kName, kBirthPlace, kSex, kRelation, kDisability, kPhone});
    person["household"] = hh->id;
    if (!person.count("name"))
      return LineFailure{kName, Status::InvalidArgument("name is required").WithField("name")
                                    .WithMsg(MsgId::kFieldRequired, {Columns()[kName].name})};
    if (std::string nik_cell = cell(kNik); !nik_cell.empty()) {
      auto nik = schema::ParseSheetNik(nik_cell);
      if (!nik.ok()) return LineFailure{kNik, nik.status()};
      if (auto seen = niks_.find(*nik); seen != niks_.end())
        return LineFailure{kNik, Status::AlreadyExists("NIK twice in the file").WithField("nik")
                                     .WithMsg(MsgId::kSheetDuplicateNik, {*nik, std::to_string(seen->second)})};
      auto here = RegisteredName(*nik);
      if (!here.ok()) return LineFailure{-1, here.status()};
      if (!here->empty())
        return LineFailure{kNik, Status::AlreadyExists("NIK already registered").WithField("nik")
                                     .WithMsg(MsgId::kImportNikRegistered, {*nik, *here})};
      niks_.emplace(*nik, line);
      person["nik"] = *nik;
    }
    if (std::string birth = cell(kBirthDate); !birth.empty()) {
      auto date = schema::ParseSheetDate("birth-date", birth);
      if (!date.ok()) return failed(date.status(), {kBirthDate});
      person["birth-date"] = date->ToIso();
    }
    auto made = target_.Create(Entity::kPerson, person);
    if (!made.ok())
      return failed(made.status(), {kName, kNik, kBirthPlace, kBirthDate, kSex, kRelation, kDisability, kPhone});
    ++counts_.persons;
    for (const auto& w : made->warnings) report_.warnings.push_back({line, Msg(lang_, w.id, w.args)});
    if (person.count("relation") && IsHeadRelation(person["relation"])) {
      if (hh->has_head)
        return LineFailure{kRelation, Status::AlreadyExists("a second head").WithField("relation")
                                          .WithMsg(MsgId::kImportSecondHead, {kk})};
      Status head = target_.SetHead(hh->id, made->id);
      if (!head.ok()) return LineFailure{kRelation, head};
      hh->has_head = true;
    }
    // The service applied for, as a draft the operator completes and submits.
    if (cell(kType).empty()) return std::nullopt;
    Options app = options_of({kType, kPurpose, kService, kDevice, kDtksStatus, kDesil, kNotes});
    app["applicant"] = made->id;
    auto opened = target_.Create(Entity::kApplication, app);
    if (!opened.ok()) return failed(opened.status(), {kType, kPurpose, kService, kDevice, kDtksStatus, kDesil, kNotes});
    ++counts_.applications;
    return std::nullopt;
  }

  Result<std::string> ExistingHousehold(const std::string& kk) {
    SIMPUL_ASSIGN_OR_RETURN(schema::Stmt * q,
                            target_.db().Cached("SELECT id FROM households WHERE no_kk=? AND deleted=0 AND village=? LIMIT 1"));
    q->Bind(1, kk).Bind(2, target_.village());
    auto row = q->Step();
    std::string id = row.ok() && *row ? q->Text(0) : std::string();
    q->Reset();
    if (!row.ok()) return row.status();
    return id;
  }

  Result<std::string> RegisteredName(const std::string& nik) {
    SIMPUL_ASSIGN_OR_RETURN(schema::Stmt * q,
                            target_.db().Cached("SELECT name FROM persons WHERE nik=? AND deleted=0 AND village=? LIMIT 1"));
    q->Bind(1, nik).Bind(2, target_.village());
    auto row = q->Step();
    std::string name = row.ok() && *row ? q->Text(0) : std::string();
    q->Reset();
    if (!row.ok()) return row.status();
    return name;
  }

  RegisterTarget& target_;
  const std::vector<int>& at_;
  RegisterImport& report_;
  Lang lang_;
  Counts counts_;
  std::unordered_map<std::string, KnownHousehold> households_;  // by No. KK
  std::unordered_map<std::string, int> niks_;                   // NIK -> line
};

}  // namespace

std::vector<std::string> RegisterReportLines(const RegisterImport& r, Lang lang) {
  std::vector<std::string> lines;
  for (const auto& e : r.errors)
    lines.push_back(Msg(lang, MsgId::kSheetLineError,
                        {std::to_string(e.line), e.column.empty() ? "-" : e.column, Describe(lang, e.status)}));
  if (r.error_count > static_cast<int>(r.errors.size()))
    lines.push_back("... " + std::to_string(r.error_count - static_cast<int>(r.errors.size())) +
                    Tr(lang, " more problem(s) not shown"));
  for (const auto& [line, text] : r.warnings)
    lines.push_back(Msg(lang, MsgId::kSheetLineError, {std::to_string(line), "-", text}));
  return lines;
}

std::string RegisterReportJson(const RegisterImport& r, Lang lang) {
  schema::JsonWriter j;
  j.BeginObject()
      .Field("imported", r.written)
      .Field("encoding", r.encoding == schema::TextEncoding::kUtf8 ? "UTF-8" : "Windows-1252")
      .Field("lines", static_cast<int64_t>(r.lines))
      .Field("households", static_cast<int64_t>(r.households))
      .Field("households_joined", static_cast<int64_t>(r.households_joined))
      .Field("persons", static_cast<int64_t>(r.persons))
      .Field("applications", static_cast<int64_t>(r.applications))
      .Field("problems", static_cast<int64_t>(r.error_count));
  j.Key("errors").BeginArray();
  for (const auto& e : r.errors)
    j.BeginObject().Field("line", e.line).Field("column", e.column).Field("message", Describe(lang, e.status))
        .EndObject();
  j.EndArray().Key("warnings").BeginArray();
  for (const auto& [line, text] : r.warnings) j.BeginObject().Field("line", line).Field("message", text).EndObject();
  j.EndArray().Key("unused_columns").BeginArray();
  for (const auto& c : r.unused_columns) j.String(c);
  return j.EndArray().EndObject().str();
}

bool ShouldCommit(const RegisterImport& report, const RegisterImportOptions& options) {
  return !options.dry_run && (report.error_count == 0 || options.skip_bad);
}

Result<RegisterImport> ImportRegisterLines(RegisterTarget& target, std::string bytes,
                                           const RegisterImportOptions& options, Lang lang) {
  RegisterImport report;
  SIMPUL_ASSIGN_OR_RETURN(schema::DecodedText text, schema::DecodeSpreadsheetText(std::move(bytes)));
  report.encoding = text.source;
  schema::CsvReader reader(text.text);
  report.delimiter = reader.delimiter();
  std::vector<std::string> cells;
  SIMPUL_ASSIGN_OR_RETURN(bool has_header, reader.Next(&cells));
  if (!has_header) return Status::InvalidArgument("the file is empty").WithMsg(MsgId::kSheetNoHeader);
  const std::vector<std::string> header = cells;
  SIMPUL_ASSIGN_OR_RETURN(std::vector<int> at, schema::MapSheetHeader(header, Columns(), &report.unused_columns));
  for (Col required : {kKk, kName, kAddress})
    if (at[required] < 0)
      return Status::InvalidArgument(std::string("column ") + Columns()[required].name + " missing")
          .WithField(Columns()[required].name)
          .WithMsg(MsgId::kSheetColumnMissing, {Columns()[required].name, "no_kk, nama, alamat"});

  std::vector<std::string> bad_header = header;
  bad_header.push_back(lang == Lang::kId ? "kesalahan" : "error");
  report.bad_lines.push_back(schema::CsvRecord(bad_header, report.delimiter));

  Importer importer(target, at, report, lang);
  auto add_error = [&](RegisterLineError e, std::vector<std::string> line_cells) {
    line_cells.resize(header.size());
    line_cells.push_back(Msg(lang, MsgId::kSheetLineError,
                             {std::to_string(e.line), e.column.empty() ? "-" : e.column, Describe(lang, e.status)}));
    report.bad_lines.push_back(schema::CsvRecord(line_cells, report.delimiter));
    if (report.errors.size() < options.max_errors_kept) report.errors.push_back(std::move(e));
    ++report.error_count;
  };
  for (;;) {
    auto next = reader.Next(&cells);
    if (!next.ok()) {  // the reader cannot go on: the rest of the file is unread
      add_error({reader.line(), "", next.status()}, {});
      break;
    }
    if (!*next) break;
    ++report.lines;
    if (auto failure = importer.Line(reader.line(), cells)) {
      std::string column = failure->column >= 0 && at[failure->column] >= 0 ? header[at[failure->column]]
                           : failure->column >= 0                           ? Columns()[failure->column].name
                                                                            : std::string();
      add_error({reader.line(), column, failure->status}, cells);
    }
  }
  importer.Report();
  return report;
}

}  // namespace simpul::sync
