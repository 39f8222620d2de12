// Kemendagri region reference data (kode wilayah), embedded in the binary
// from schema/data/ (MIT, Cahya DSN; notice in schema/data/LICENSE-wilayah.txt).
//
// A node loads what it needs at init: every province, regency and district of
// both editions (the 2022 edition keeps NIK prefixes of regions since split
// or renamed checkable) and every village of its own regency.
#ifndef SIMPUL_SCHEMA_REGIONS_H_
#define SIMPUL_SCHEMA_REGIONS_H_

#include <string>
#include <string_view>
#include <vector>

#include "schema/db.h"
#include "schema/status.h"
#include "schema/validate.h"

namespace simpul::schema {

struct RegionRow {
  std::string code;  // dotted
  std::string name;
  int level = 0;     // 1..4
};

enum class RegionEdition { k2022, k2025 };
inline constexpr const char* kCurrentRegionEdition = "Kepmendagri 300.2.2-2138/2025";

std::string_view EmbeddedRegionCsv(RegionEdition edition);

// Parses "kode,nama" CSV (schema/csv.h; names may be double-quoted). Rejects
// malformed rows with the line number.
Result<std::vector<RegionRow>> ParseRegionCsv(std::string_view csv);

// Loads into the `regions` table what a node of `village_code` needs, in the
// caller's transaction. NotFound if the village is not in the current edition.
Status LoadRegionsForVillage(Db& db, std::string_view village_code);

// Loads every region of both editions (the hub's need).
Status LoadAllRegions(Db& db);

// RegionLookup over a store's `regions` table.
class DbRegionLookup : public RegionLookup {
 public:
  explicit DbRegionLookup(Db& db) : db_(db) {}  // `db` must outlive this
  bool Known(std::string_view dotted_code) const override;
  // The region's name, or empty.
  std::string Name(std::string_view dotted_code) const;

 private:
  Db& db_;
};

}  // namespace simpul::schema

#endif  // SIMPUL_SCHEMA_REGIONS_H_
