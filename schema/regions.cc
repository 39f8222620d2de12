#include "schema/regions.h"

#include <algorithm>
#include <unordered_set>

#include "schema/csv.h"

extern "C" {
extern const char simpul_wilayah_2025_begin[];
extern const char simpul_wilayah_2025_end[];
extern const char simpul_wilayah_2022_begin[];
extern const char simpul_wilayah_2022_end[];
}

namespace simpul::schema {

std::string_view EmbeddedRegionCsv(RegionEdition edition) {
  if (edition == RegionEdition::k2025)
    return {simpul_wilayah_2025_begin,
            static_cast<size_t>(simpul_wilayah_2025_end - simpul_wilayah_2025_begin)};
  return {simpul_wilayah_2022_begin,
          static_cast<size_t>(simpul_wilayah_2022_end - simpul_wilayah_2022_begin)};
}

Result<std::vector<RegionRow>> ParseRegionCsv(std::string_view csv) {
  std::vector<RegionRow> rows;
  CsvReader reader(csv, CsvOptions{','});
  std::vector<std::string> fields;
  for (bool first = true;; first = false) {
    auto next = reader.Next(&fields);
    if (!next.ok()) return Status::Corruption("region " + next.status().message());
    if (!*next) break;
    if (first && reader.line() == 1 && fields.size() == 2 && fields[0] == "kode" && fields[1] == "nama") continue;
    auto bad = [&](const std::string& why) {
      return Status::Corruption("region CSV line " + std::to_string(reader.line()) + ": " + why);
    };
    if (fields.size() < 2) return bad("no comma");
    RegionRow row;
    row.code = std::move(fields[0]);
    row.name = std::move(fields[1]);
    for (size_t i = 2; i < fields.size(); ++i) row.name += "," + fields[i];  // an unquoted name keeps its commas
    auto level = ValidateRegionCode(row.code, nullptr);
    if (!level.ok()) return bad("bad code '" + row.code + "'");
    row.level = static_cast<int>(*level);
    if (row.name.empty()) return bad("empty name");
    rows.push_back(std::move(row));
  }
  return rows;
}

namespace {

// Rows per INSERT: a store loads ~90,000 regions, and one statement per row
// spent more time in binding and stepping than SQLite spent inserting
// (hub_tests creates a store per case). 4 columns x 128 rows stays far below
// SQLite's limit on parameters.
constexpr size_t kRowsPerInsert = 128;

std::string InsertSql(size_t rows) {
  std::string sql = "INSERT INTO regions(code,name,level,edition) VALUES ";
  for (size_t i = 0; i < rows; ++i) sql += i ? ",(?,?,?,?)" : "(?,?,?,?)";
  return sql + " ON CONFLICT(code) DO NOTHING";
}

Status InsertRows(Db& db, const std::vector<RegionRow>& rows, std::string_view regency,
                  const char* edition) {
  std::vector<const RegionRow*> wanted;
  wanted.reserve(rows.size());
  for (const auto& r : rows) {
    // Everything above village level; villages only of the wanted regency.
    if (r.level == 4 && !regency.empty() && r.code.compare(0, regency.size(), regency) != 0)
      continue;
    wanted.push_back(&r);
  }
  for (size_t at = 0; at < wanted.size(); at += kRowsPerInsert) {
    const size_t n = std::min(kRowsPerInsert, wanted.size() - at);
    SIMPUL_ASSIGN_OR_RETURN(Stmt * ins, db.Cached(InsertSql(n)));
    for (size_t i = 0; i < n; ++i) {
      const RegionRow& r = *wanted[at + i];
      const int c = static_cast<int>(4 * i);
      ins->Bind(c + 1, r.code).Bind(c + 2, r.name).Bind(c + 3, r.level).Bind(c + 4, edition);
    }
    SIMPUL_RETURN_IF_ERROR(ins->Run());
  }
  return Status::Ok();
}

// The embedded lists never change while the program runs: parsed once per
// process (a test creates hundreds of stores, each loading 180,000 rows).
Result<const std::vector<RegionRow>*> EmbeddedRegions(RegionEdition edition) {
  static const Result<std::vector<RegionRow>> k2025 = ParseRegionCsv(EmbeddedRegionCsv(RegionEdition::k2025));
  static const Result<std::vector<RegionRow>> k2022 = ParseRegionCsv(EmbeddedRegionCsv(RegionEdition::k2022));
  const auto& parsed = edition == RegionEdition::k2025 ? k2025 : k2022;
  if (!parsed.ok()) return parsed.status();
  return &*parsed;
}

// The older edition's rows whose codes the current one lacks (the history
// the current names do not cover), once per process: the rest would only be
// refused by ON CONFLICT, one lookup each.
Result<const std::vector<RegionRow>*> OnlyInPrevious() {
  static const Result<std::vector<RegionRow>> only = []() -> Result<std::vector<RegionRow>> {
    SIMPUL_ASSIGN_OR_RETURN(const std::vector<RegionRow>* current, EmbeddedRegions(RegionEdition::k2025));
    SIMPUL_ASSIGN_OR_RETURN(const std::vector<RegionRow>* previous, EmbeddedRegions(RegionEdition::k2022));
    std::unordered_set<std::string_view> codes;
    codes.reserve(current->size());
    for (const auto& r : *current) codes.insert(r.code);
    std::vector<RegionRow> out;
    for (const auto& r : *previous)
      if (!codes.count(r.code)) out.push_back(r);
    return out;
  }();
  if (!only.ok()) return only.status();
  return &*only;
}

Status LoadEditions(Db& db, std::string_view regency, std::string_view must_have) {
  SIMPUL_ASSIGN_OR_RETURN(const std::vector<RegionRow>* current_rows, EmbeddedRegions(RegionEdition::k2025));
  const std::vector<RegionRow>& current = *current_rows;
  if (!must_have.empty()) {
    bool found = false;
    for (const auto& r : current)
      if (r.level == 4 && r.code == must_have) found = true;
    if (!found)
      return Status::NotFound("village not in the current region list")
          .WithField("village")
          .WithMsg(MsgId::kRegionUnknown, {std::string(must_have), kCurrentRegionEdition});
  }
  SIMPUL_ASSIGN_OR_RETURN(const std::vector<RegionRow>* previous, OnlyInPrevious());
  // Current edition first so its names win; older codes fill the history.
  SIMPUL_RETURN_IF_ERROR(InsertRows(db, current, regency, "2025"));
  return InsertRows(db, *previous, regency, "2022");
}

}  // namespace

Status LoadRegionsForVillage(Db& db, std::string_view village_code) {
  SIMPUL_ASSIGN_OR_RETURN(auto level, ValidateRegionCode(village_code, nullptr));
  if (level != RegionLevel::kVillage)
    return Status::InvalidArgument("not a village code")
        .WithField("village")
        .WithMsg(MsgId::kRegionNotVillage, {std::string(village_code)});
  return LoadEditions(db, village_code.substr(0, 5), village_code);
}

Status LoadAllRegions(Db& db) { return LoadEditions(db, "", ""); }

bool DbRegionLookup::Known(std::string_view code) const {
  auto st = db_.Cached("SELECT 1 FROM regions WHERE code=?");
  if (!st.ok()) return false;
  (*st)->Bind(1, code);
  auto row = (*st)->Step();
  bool known = row.ok() && *row;
  (*st)->Reset();
  return known;
}

std::string DbRegionLookup::Name(std::string_view code) const {
  auto st = db_.Cached("SELECT name FROM regions WHERE code=?");
  if (!st.ok()) return {};
  (*st)->Bind(1, code);
  auto row = (*st)->Step();
  std::string name = row.ok() && *row ? (*st)->Text(0) : std::string();
  (*st)->Reset();
  return name;
}

}  // namespace simpul::schema
