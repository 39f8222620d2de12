// Fuzzes the region CSV import (schema/regions.h ParseRegionCsv): the input
// is the CSV text. Properties: every accepted row has a valid code of the
// level it claims and a non-empty name, and writing the rows back as CSV
// (names quoted) parses to the same rows.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "schema/regions.h"
#include "tests/fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace simpul;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto rows = schema::ParseRegionCsv(in);
  if (!rows.ok()) return 0;
  std::string csv = "kode,nama\n";
  bool writable = true;
  for (const auto& r : *rows) {
    auto level = schema::ValidateRegionCode(r.code, nullptr);
    SIMPUL_FUZZ_CHECK(level.ok() && static_cast<int>(*level) == r.level, "accepted row with a bad code: " + r.code);
    SIMPUL_FUZZ_CHECK(!r.name.empty(), "accepted row with an empty name");
    // A name with a line break cannot be written back as one line.
    if (r.name.find_first_of("\r\n") != std::string::npos) writable = false;
    csv += r.code + ",\"";
    for (char c : r.name) csv += c == '"' ? std::string("\"\"") : std::string(1, c);
    csv += "\"\n";
  }
  if (!writable) return 0;
  auto again = schema::ParseRegionCsv(csv);
  SIMPUL_FUZZ_CHECK(again.ok(), "rows written back do not parse: " + again.status().ToString());
  SIMPUL_FUZZ_CHECK(again->size() == rows->size(), "row count changed");
  for (size_t i = 0; i < rows->size(); ++i)
    SIMPUL_FUZZ_CHECK((*again)[i].code == (*rows)[i].code && (*again)[i].name == (*rows)[i].name &&
                          (*again)[i].level == (*rows)[i].level,
                      "row changed when written back: " + (*rows)[i].code);
  return 0;
}
