// Reading the CSV files people export from Excel and LibreOffice: the one
// CSV reader of Simpul (region lists, DTKS snapshots, registers).
//
// Excel writes several dialects: comma or semicolon separated (an Indonesian
// locale uses ';', as ',' is its decimal mark), fields in double quotes with
// "" for a quote, line breaks inside quoted fields, CRLF line ends, a UTF-8
// byte-order mark ("CSV UTF-8") or, for plain "CSV", Windows-1252 bytes.
// DecodeSpreadsheetText turns the file's bytes into UTF-8 text; CsvReader
// splits that text into records (RFC 4180, with the dialects above).
//
// Hostile input: every record and field has a size bound, checked before it
// grows; an unterminated quote or text after a closing quote is an error
// naming the line. Nothing is thrown.
//
// Thread-safety: a CsvReader is used by one thread; it borrows the text,
// which must outlive it.
#ifndef SIMPUL_SCHEMA_CSV_H_
#define SIMPUL_SCHEMA_CSV_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "schema/status.h"

namespace simpul::schema {

enum class TextEncoding { kUtf8, kWindows1252 };

struct DecodedText {
  std::string text;  // UTF-8, without a byte-order mark
  TextEncoding source = TextEncoding::kUtf8;
};

// True when `bytes` is well-formed UTF-8 (no overlongs, surrogates or code
// points above U+10FFFF).
bool IsValidUtf8(std::string_view bytes);

// The file's text as UTF-8: a UTF-8 BOM is dropped; bytes that are not valid
// UTF-8 are read as Windows-1252 (Excel's "CSV" on an Indonesian or English
// Windows) and converted with iconv. InvalidArgument (MsgId::kCsvEncoding)
// when they are not Windows-1252 either (its five unassigned bytes).
Result<DecodedText> DecodeSpreadsheetText(std::string bytes);

struct CsvOptions {
  // ',' or ';' (or '\t'); 0 = detect from the first line: the most frequent
  // of ';', ',' and tab outside quotes (',' when none occurs).
  char delimiter = 0;
  size_t max_field_bytes = 8000;
  size_t max_fields = 200;
};

class CsvReader {
 public:
  // `text` must outlive the reader.
  explicit CsvReader(std::string_view text, CsvOptions options = {});

  // Reads the next record into `fields` (cleared first). Returns false at
  // the end of the text. Blank lines are skipped (a record of one empty
  // field is not a record). Errors (InvalidArgument with MsgId kCsvSyntax)
  // name the line; the reader cannot continue after one.
  Result<bool> Next(std::vector<std::string>* fields);

  // The physical line (1-based) the last record returned began on.
  int line() const { return record_line_; }
  char delimiter() const { return delimiter_; }

 private:
  enum class SyntaxError { kUnterminatedQuote, kAfterQuote, kFieldTooLong, kTooManyFields };
  Status Syntax(SyntaxError what) const;

  std::string_view text_;
  CsvOptions options_;
  char delimiter_;
  size_t pos_ = 0;
  int line_ = 1;
  int record_line_ = 0;
  bool failed_ = false;
};

// A column a spreadsheet import reads: its name in messages and the header
// spellings that mean it (normalised as NormalSheetHeader does).
struct SheetColumn {
  const char* name;
  std::vector<const char*> spellings;
};

// A header cell or a coded value as the tables compare it: trimmed, lower
// case, spaces, dots, dashes and slashes as '_' ("No. KK" -> "no__kk" is
// avoided: runs of '_' collapse, so it is "no_kk").
std::string NormalSheetHeader(std::string_view text);

// Which header cell each of `columns` is in (-1 when none names it).
// InvalidArgument (kSheetColumnTwice) when two cells name one column. The
// cells no column reads are appended to `unused` when it is given.
Result<std::vector<int>> MapSheetHeader(const std::vector<std::string>& header,
                                        const std::vector<SheetColumn>& columns,
                                        std::vector<std::string>* unused = nullptr);

// `fields` as one CSV record with `delimiter` (quoted where needed), no line end.
std::string CsvRecord(const std::vector<std::string>& fields, char delimiter);

}  // namespace simpul::schema

#endif  // SIMPUL_SCHEMA_CSV_H_
