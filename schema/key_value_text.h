// The "key = value" text format of Simpul's data files (indicator sets,
// service rules): one entry a line, '#' comments, values split on '|'.
//
// Thread-safety: pure functions.
#ifndef SIMPUL_SCHEMA_KEY_VALUE_TEXT_H_
#define SIMPUL_SCHEMA_KEY_VALUE_TEXT_H_

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "schema/status.h"

namespace simpul::schema {

std::string_view Trim(std::string_view s);
// "a | b | c" -> {"a", "b", "c"}, each trimmed.
std::vector<std::string> SplitBar(std::string_view s);
// A finite decimal number, nothing after it.
bool ParseNumber(const std::string& s, double* out);
// Lower-case letters, digits, '-' and '_', 1 to 64 of them.
bool IsCode(std::string_view s);

// Calls `fn(line_no, key, value)` for every non-blank, non-comment line;
// stops at the first error it returns. `bad(line_no, why)` words the
// error of a line that is not "key = value".
Status ForEachKeyValue(std::string_view text,
                       const std::function<Status(int, const std::string&, std::string_view)>& fn,
                       const std::function<Status(int, const std::string&)>& bad);

}  // namespace simpul::schema

#endif  // SIMPUL_SCHEMA_KEY_VALUE_TEXT_H_
