// Tests for schema/csv.h: Excel's dialects (comma, semicolon, quoted cells
// with separators, quotes and line breaks, CRLF), the byte-order mark,
// Windows-1252 conversion, and malformed input named by line.
#include "schema/csv.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "schema/messages.h"

namespace simpul::schema {
namespace {

using Rows = std::vector<std::vector<std::string>>;

Rows ReadAll(const std::string& text, CsvOptions options = {}, std::vector<int>* lines = nullptr) {
  CsvReader reader(text, options);
  Rows rows;
  std::vector<std::string> fields;
  for (;;) {
    auto next = reader.Next(&fields);
    REQUIRE_MESSAGE(next.ok(), next.status().ToString());
    if (!*next) break;
    rows.push_back(fields);
    if (lines) lines->push_back(reader.line());
  }
  return rows;
}

Status FirstError(const std::string& text, CsvOptions options = {}) {
  CsvReader reader(text, options);
  std::vector<std::string> fields;
  for (;;) {
    auto next = reader.Next(&fields);
    if (!next.ok()) return next.status();
    if (!*next) return Status::Ok();
  }
}

TEST_CASE("csv: the dialects Excel writes") {
  struct Case {
    const char* name;
    std::string text;
    char delimiter;
    Rows rows;
  };
  const Case cases[] = {
      {"comma, LF", "a,b,c\n1,2,3\n", ',', {{"a", "b", "c"}, {"1", "2", "3"}}},
      {"semicolon, CRLF (Indonesian locale)", "nik;nama\r\n3510;Siti, S.Pd.\r\n", ';',
       {{"nik", "nama"}, {"3510", "Siti, S.Pd."}}},
      {"tab", "a\tb\n1\t2\n", '\t', {{"a", "b"}, {"1", "2"}}},
      {"no final line break", "a,b\n1,2", ',', {{"a", "b"}, {"1", "2"}}},
      {"lone CR (old Mac)", "a,b\r1,2\r", ',', {{"a", "b"}, {"1", "2"}}},
      {"quoted separator", "a,\"x,y\"\n", ',', {{"a", "x,y"}}},
      {"doubled quote", "\"Kab \"\"Blambangan\"\"\",2\n", ',', {{"Kab \"Blambangan\"", "2"}}},
      {"line break inside quotes", "\"Dusun Krajan\r\nRT 1\",x\n", ',', {{"Dusun Krajan\r\nRT 1", "x"}}},
      {"empty cells", ",,\n", ',', {{"", "", ""}}},
      {"blank lines skipped", "a\n\n\r\nb\n", ',', {{"a"}, {"b"}}},
      {"quote inside an unquoted cell is kept", "Ma\"ruf,1\n", ',', {{"Ma\"ruf", "1"}}},
      {"semicolons outnumber commas", "a;b;c,d\n", ';', {{"a", "b", "c,d"}}},
      {"separators inside quotes do not count", "\"a;b;c\",d\n", ',', {{"a;b;c", "d"}}},
  };
  for (const auto& c : cases) {
    CAPTURE(std::string(c.name));
    CsvReader probe(c.text);
    CHECK(probe.delimiter() == c.delimiter);
    CHECK(ReadAll(c.text) == c.rows);
  }
}

TEST_CASE("csv: line numbers count the lines inside quoted cells") {
  std::vector<int> lines;
  ReadAll("h1,h2\n\"two\nlines\",x\n\nlast,y\n", {}, &lines);
  CHECK(lines == std::vector<int>{1, 2, 5});
}

TEST_CASE("csv: malformed input is refused naming the line") {
  struct Case {
    const char* name;
    std::string text;
    CsvOptions options;
    MsgId msg;
    std::string line;
  };
  CsvOptions small;
  small.max_field_bytes = 8;
  small.max_fields = 3;
  const Case cases[] = {
      {"unterminated quote (named by the line it opened on)", "a,b\nc,\"open\nmore\n", {}, MsgId::kCsvUnterminatedQuote, "2"},
      {"text after a closing quote", "a,b\n\"x\"y,z\n", {}, MsgId::kCsvAfterQuote, "2"},
      {"cell too long", "a\n123456789\n", small, MsgId::kCsvFieldTooLong, "2"},
      {"quoted cell too long", "\"123456789\"\n", small, MsgId::kCsvFieldTooLong, "1"},
      {"too many cells", "a,b,c\nd,e,f,g\n", small, MsgId::kCsvTooManyFields, "2"},
  };
  for (const auto& c : cases) {
    CAPTURE(std::string(c.name));
    Status st = FirstError(c.text, c.options);
    REQUIRE_FALSE(st.ok());
    CHECK(st.code() == Code::kInvalidArgument);
    REQUIRE(st.msg_id().has_value());
    CHECK(*st.msg_id() == c.msg);
    REQUIRE_FALSE(st.args().empty());
    CHECK(st.args()[0] == c.line);
  }
  // After an error the reader stays stopped.
  CsvReader reader("\"open\n");
  std::vector<std::string> f;
  CHECK_FALSE(reader.Next(&f).ok());
  CHECK_FALSE(reader.Next(&f).ok());
}

TEST_CASE("csv: UTF-8 validity") {
  CHECK(IsValidUtf8("plain ASCII"));
  CHECK(IsValidUtf8("Jos\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"));
  CHECK_FALSE(IsValidUtf8("Jos\xE9"));                 // Windows-1252 é
  CHECK_FALSE(IsValidUtf8("\xC0\x80"));                // overlong NUL
  CHECK_FALSE(IsValidUtf8("\xED\xA0\x80"));            // a UTF-16 surrogate
  CHECK_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));        // above U+10FFFF
  CHECK_FALSE(IsValidUtf8("\xE2\x82"));                // cut short
  CHECK_FALSE(IsValidUtf8("\xF8\x88\x80\x80\x80"));    // no 5-byte forms
}

TEST_CASE("csv: decoding the file's bytes") {
  SUBCASE("a UTF-8 byte-order mark is dropped") {
    auto d = DecodeSpreadsheetText("\xEF\xBB\xBFnik;nama\r\n");
    REQUIRE(d.ok());
    CHECK(d->text == "nik;nama\r\n");
    CHECK(d->source == TextEncoding::kUtf8);
  }
  SUBCASE("UTF-8 stays as it is") {
    auto d = DecodeSpreadsheetText("nama\nJos\xC3\xA9\n");
    REQUIRE(d.ok());
    CHECK(d->text == "nama\nJos\xC3\xA9\n");
    CHECK(d->source == TextEncoding::kUtf8);
  }
  SUBCASE("Windows-1252 from Excel's plain CSV becomes UTF-8") {
    auto d = DecodeSpreadsheetText("nama;ket\r\nJos\xE9 Caf\xE9;\x80 50 \x96 \x93ok\x94\r\n");
    REQUIRE_MESSAGE(d.ok(), d.status().ToString());
    CHECK(d->source == TextEncoding::kWindows1252);
    CHECK(d->text == "nama;ket\r\nJos\xC3\xA9 Caf\xC3\xA9;\xE2\x82\xAC 50 \xE2\x80\x93 \xE2\x80\x9Cok\xE2\x80\x9D\r\n");
  }
  SUBCASE("bytes that are neither are refused with the line") {
    auto d = DecodeSpreadsheetText("nama\nok\nbad \x81 byte\n");  // 0x81 is unassigned in Windows-1252
    REQUIRE_FALSE(d.ok());
    REQUIRE(d.status().msg_id() == MsgId::kCsvEncoding);
    CHECK(d.status().args()[0] == "3");
    CHECK(d.status().args()[1] == "0x81");
  }
  SUBCASE("a BOM that lies is refused, not guessed") {
    auto d = DecodeSpreadsheetText("\xEF\xBB\xBFnama\nJos\xE9\n");
    REQUIRE_FALSE(d.ok());
    CHECK(d.status().msg_id() == MsgId::kCsvEncoding);
  }
  SUBCASE("UTF-16 (Excel's 'Unicode text') is refused") {
    auto d = DecodeSpreadsheetText(std::string("\xFF\xFEn\0i\0k\0", 8));
    REQUIRE_FALSE(d.ok());
    CHECK(d.status().msg_id() == MsgId::kCsvEncoding);
  }
}

}  // namespace
}  // namespace simpul::schema
