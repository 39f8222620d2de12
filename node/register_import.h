// Bringing in the register a village already keeps in Excel: one line per
// person, grouped into households by No. KK, optionally with the service the
// person applies for (a draft application). Column names and the values each
// column takes are documented in docs/OPERATIONS.md ("Importing a register").
//
// Every line goes through the operator's own code path (node/records.h:
// the same validation and change capture as a typed record), inside one
// transaction for the whole file and a savepoint per line, so a bad line
// leaves nothing of itself. Unless `skip_bad`, one bad line means nothing is
// imported; every bad line is reported with its line number and column.
#ifndef SIMPUL_NODE_REGISTER_IMPORT_H_
#define SIMPUL_NODE_REGISTER_IMPORT_H_

#include <string>
#include <vector>

#include "node/store.h"
#include "schema/csv.h"
#include "schema/messages.h"

namespace simpul::node {

struct RegisterImportOptions {
  bool skip_bad = false;  // import the good lines; the bad ones come back in bad_lines
  bool dry_run = false;   // check every line, write nothing
  size_t max_errors_kept = 200;
};

struct RegisterLineError {
  int line = 0;
  std::string column;  // as the file's header spells it ("" for the whole line)
  Status status;
};

struct RegisterImport {
  int lines = 0;  // data lines read
  int households = 0, persons = 0, applications = 0;  // created
  int households_joined = 0;  // households already in the store that gained members
  int error_count = 0;
  std::vector<RegisterLineError> errors;  // the first max_errors_kept
  std::vector<std::pair<int, std::string>> warnings;  // line, text in the operator's language
  // The lines not imported as CSV records: the header first, then each bad
  // line with the reason in a last column (for --skip-bad's file).
  std::vector<std::string> bad_lines;
  std::vector<std::string> unused_columns;  // header cells no column reads
  schema::TextEncoding encoding = schema::TextEncoding::kUtf8;
  char delimiter = ',';
  bool written = false;  // the good lines are in the store
};

// Reads `bytes` (a CSV export: Excel's dialects, UTF-8 or Windows-1252) and
// imports it. Errors of the file as a whole (empty, encoding, a required
// column missing, a column twice) are returned as a Status; line errors are
// in the result, with `written` false unless options.skip_bad.
Result<RegisterImport> ImportRegister(NodeStore& store, std::string bytes, const RegisterImportOptions& options,
                                      Lang lang);

}  // namespace simpul::node

#endif  // SIMPUL_NODE_REGISTER_IMPORT_H_
