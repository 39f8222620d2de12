// Value: one SQLite-typed field value, the unit of replication.
//
// Replicated fields are registers holding a Value. The type set mirrors
// SQLite's storage classes so a value round-trips through the store and the
// wire unchanged (NULL, INTEGER, REAL, TEXT, BLOB).
#ifndef SIMPUL_SCHEMA_VALUE_H_
#define SIMPUL_SCHEMA_VALUE_H_

#include <cstdint>
#include <string>
#include <variant>

namespace simpul::schema {

struct Blob {
  std::string bytes;
  bool operator==(const Blob&) const = default;
};

using Value = std::variant<std::monostate, int64_t, double, std::string, Blob>;

inline bool IsNull(const Value& v) { return std::holds_alternative<std::monostate>(v); }

// Human/log rendering: NULL, 42, 1.5, text as is, blobs as "<N bytes>".
std::string ValueToDisplay(const Value& v);

}  // namespace simpul::schema

#endif  // SIMPUL_SCHEMA_VALUE_H_
