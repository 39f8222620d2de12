// Fuzzes the CSV reader and the DTKS snapshot reader (schema/csv.h,
// schema/dtks.h): the input is a file's bytes. Properties: decoding gives
// valid UTF-8; every record the CSV reader returns, written back with every
// cell quoted, reads back the same; ReadDtksFile returns no record when it
// reports a problem, and every record it accepts passes the stored-value
// rules of the replicated dtks table, each NIK once.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "schema/csv.h"
#include "schema/dtks.h"
#include "schema/field_rules.h"
#include "tests/fuzz/fuzz_common.h"

namespace {

class AnyVillage : public simpul::schema::RegionLookup {
 public:
  bool Known(std::string_view code) const override { return code.size() == 13 && code.back() != '9'; }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace simpul;
  std::string bytes(reinterpret_cast<const char*>(data), size);
  auto text = schema::DecodeSpreadsheetText(bytes);
  if (text.ok()) {
    SIMPUL_FUZZ_CHECK(schema::IsValidUtf8(text->text), "decoded text is not UTF-8");
    schema::CsvReader reader(text->text);
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> fields;
    for (;;) {
      auto next = reader.Next(&fields);
      if (!next.ok() || !*next) break;
      rows.push_back(fields);
    }
    std::string again;
    const std::string sep(1, reader.delimiter());
    for (const auto& r : rows) {
      for (size_t i = 0; i < r.size(); ++i) {
        again += (i ? sep : std::string()) + "\"";
        for (char c : r[i]) again += c == '"' ? std::string("\"\"") : std::string(1, c);
        again += "\"";
      }
      again += "\r\n";
    }
    schema::CsvReader back(again, schema::CsvOptions{reader.delimiter()});
    for (const auto& r : rows) {
      auto next = back.Next(&fields);
      SIMPUL_FUZZ_CHECK(next.ok() && *next, "a record written back does not read");
      // A record of one empty cell is a blank line, skipped on both passes.
      SIMPUL_FUZZ_CHECK(fields == r, "a record written back reads differently");
    }
  }
  AnyVillage villages;
  auto file = schema::ReadDtksFile(bytes, &villages, schema::Date{2026, 6, 30}, 10);
  if (!file.ok()) return 0;
  SIMPUL_FUZZ_CHECK(file->error_count > 0 ? file->records.empty() : true, "records returned from a file with problems");
  SIMPUL_FUZZ_CHECK(file->errors.size() <= 10 && file->errors.size() <= file->error_count, "error list over its bound");
  std::set<std::string> niks;
  for (const auto& r : file->records) {
    SIMPUL_FUZZ_CHECK(niks.insert(r.nik).second, "a NIK accepted twice");
    SIMPUL_FUZZ_CHECK(schema::ValidateStoredValue("dtks", "nik", r.nik).ok(), "bad NIK accepted: " + r.nik);
    SIMPUL_FUZZ_CHECK(schema::ValidateStoredValue("dtks", "pbi_status", r.pbi_status).ok(), "bad PBI status accepted");
    SIMPUL_FUZZ_CHECK(schema::ValidateStoredValue("dtks", "snapshot_date", r.snapshot_date).ok(), "bad date accepted");
    SIMPUL_FUZZ_CHECK(r.snapshot_date <= "2026-06-30", "a future snapshot accepted");
    SIMPUL_FUZZ_CHECK(r.desil >= 0 && r.desil <= 10, "bad desil accepted");
    SIMPUL_FUZZ_CHECK(!r.name.empty() && villages.Known(r.village), "empty name or unknown village accepted");
  }
  return 0;
}
