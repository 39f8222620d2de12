// The service-rules and indicator-set versions a store knows (schema 17).
//
// Dinsos loads service rules and indicator sets at the hub (hub/rules.h);
// the hub keeps each version in rules_versions / indicator_sets and writes a
// copy into every village's scope (the replicated, hub-owned tables
// service_rules and indicator_releases), which the store's triggers file
// under the same two tables on the village node. Both sides therefore read
// versions from one place: the newest governs new applications, and an
// application keeps the version it was submitted under
// (applications.rules_version). With no version loaded, the rules shipped
// with Simpul apply (schema/data/rules/).
//
// Thread-safety: as schema::Db.
#ifndef SIMPUL_SCHEMA_RULES_STORE_H_
#define SIMPUL_SCHEMA_RULES_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "schema/db.h"
#include "schema/indicators.h"
#include "schema/service_rules.h"
#include "schema/status.h"

namespace simpul::schema {

// The largest rules file or indicator set a store keeps (and a peer may send).
inline constexpr size_t kMaxDefinitionBytes = 64 * 1024;

struct RulesVersion {
  int version = 0;
  std::string name;          // the file's `rules =` id
  int64_t loaded_at_ms = 0;  // hub clock; 0 for the built-in rules
  std::string loaded_by;
  bool builtin = false;
};

// The newest rules this store knows: the newest loaded version, else the
// built-in rules.
Result<ServiceRules> NewestServiceRules(Db& db);

// The rules of `version`: nullopt (an application from before schema 17)
// and the built-in version give the built-in rules; a version this store
// does not hold gives the newest it holds below it, else the built-in rules.
Result<ServiceRules> ServiceRulesAt(Db& db, std::optional<int64_t> version);

// Every version known, oldest first, the built-in rules first.
Result<std::vector<RulesVersion>> ListRulesVersions(Db& db);

// A rules file Dinsos may load: it parses (InvalidArgument naming the line
// otherwise) and its version is higher than every version known, the
// built-in one included (FailedPrecondition naming both otherwise).
Result<ServiceRules> CheckNewServiceRules(Db& db, std::string_view text);

// The same for an indicator set: it parses, and its version is higher than
// every version of that set known (loaded or shipped with Simpul).
Result<IndicatorSet> CheckNewIndicatorSet(Db& db, std::string_view text);

}  // namespace simpul::schema

#endif  // SIMPUL_SCHEMA_RULES_STORE_H_
