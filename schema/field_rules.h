// The value rules of every replicated field, applied by a receiver (hub or
// node) to each incoming change before it is merged: the same validators the
// operator's input went through, so a hostile or buggy peer cannot store
// what an operator could not type. NULL clears a field and is always allowed.
#ifndef SIMPUL_SCHEMA_FIELD_RULES_H_
#define SIMPUL_SCHEMA_FIELD_RULES_H_

#include <string_view>

#include "schema/status.h"
#include "schema/value.h"

namespace simpul::schema {

Status ValidateStoredValue(std::string_view table, std::string_view field, const Value& value);

}  // namespace simpul::schema

#endif  // SIMPUL_SCHEMA_FIELD_RULES_H_
