// Bringing in the register a village already keeps in Excel: one line per
// person, grouped into households by No. KK, optionally with the service the
// person applies for (a draft application). Column names and the values each
// column takes are documented in docs/OPERATIONS.md ("Importing a register").
// The village node imports its own (node/register_import.h); the hub imports
// one for a village (hub/register_import.h). Both read the file here, so the
// same file gives the same report at either.
//
// Every line goes through the writer's own record code path (a
// RegisterTarget: the same validation, sync/record_input.h, and change
// capture as a typed record), with a savepoint per line inside the caller's
// transaction, so a bad line leaves nothing of itself. Unless `skip_bad`,
// one bad line means nothing is imported (ShouldCommit says false); every bad
// line is reported with its line number and column.
#ifndef SIMPUL_SYNC_REGISTER_IMPORT_H_
#define SIMPUL_SYNC_REGISTER_IMPORT_H_

#include <string>
#include <utility>
#include <vector>

#include "schema/csv.h"
#include "schema/db.h"
#include "schema/messages.h"
#include "schema/validate.h"
#include "sync/record_input.h"

namespace simpul::sync {

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
  int households_joined = 0;  // households already in the village that gained members
  int error_count = 0;
  std::vector<RegisterLineError> errors;  // the first max_errors_kept
  std::vector<std::pair<int, std::string>> warnings;  // line, text in the operator's language
  // The lines not imported as CSV records: the header first, then each bad
  // line with the reason in a last column (for --skip-bad's file).
  std::vector<std::string> bad_lines;
  std::vector<std::string> unused_columns;  // header cells no column reads
  schema::TextEncoding encoding = schema::TextEncoding::kUtf8;
  char delimiter = ',';
  bool written = false;  // the good lines are in the store (set by the caller once committed)
};

// Where the records go: a village node's store or the hub writing for one
// village. Each call runs inside the importer's savepoint for the line.
class RegisterTarget {
 public:
  struct Created {
    std::string id;
    std::vector<schema::Warning> warnings;
  };
  virtual ~RegisterTarget() = default;
  virtual schema::Db& db() = 0;
  // The village the register is for: existing households (by No. KK) and
  // NIKs are looked up in it.
  virtual const std::string& village() const = 0;
  // Creates a record from `opts` exactly as the operator's command would
  // (validated, change captured); errors name the option.
  virtual Result<Created> Create(Entity e, const Options& opts) = 0;
  // Makes `person` the head of `household`.
  virtual Status SetHead(const std::string& household, const std::string& person) = 0;
};

// Reads `bytes` (a CSV export: Excel's dialects, UTF-8 or Windows-1252) and
// writes its lines through `target`, inside the caller's transaction. Errors
// of the file as a whole (empty, encoding, a required column missing, a
// column twice) are returned as a Status; line errors are in the result.
Result<RegisterImport> ImportRegisterLines(RegisterTarget& target, std::string bytes,
                                           const RegisterImportOptions& options, Lang lang);
// Whether the caller commits what ImportRegisterLines wrote: not for a dry
// run, and not while a line is bad unless skip_bad.
bool ShouldCommit(const RegisterImport& report, const RegisterImportOptions& options);

// The report as the node's and the hub's `import` commands show it, in
// `lang`: one "Line N, column C: ..." line per problem kept (then how many
// more) and per warning; and the --json object.
std::vector<std::string> RegisterReportLines(const RegisterImport& report, Lang lang);
std::string RegisterReportJson(const RegisterImport& report, Lang lang);

}  // namespace simpul::sync

#endif  // SIMPUL_SYNC_REGISTER_IMPORT_H_
