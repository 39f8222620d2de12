// simpul-node import FILE.csv [--skip-bad BAD.csv] [--dry-run]: the village's
// existing register (an Excel export) brought in as households, residents
// and draft applications (node/register_import.h).
#include <iostream>

#include "node/cli/internal.h"
#include "node/register_import.h"
#include "schema/store_files.h"

namespace simpul::node {
namespace {

// A register of a whole village (a few thousand residents) is a few MB.
constexpr uint64_t kMaxRegisterBytes = 64ull << 20;

Status CmdImport(Invocation& inv) {
  if (inv.words.empty())
    return Status::InvalidArgument("FILE is required").WithMsg(MsgId::kFieldRequired, {"FILE"});
  SIMPUL_ASSIGN_OR_RETURN(std::string bytes, schema::ReadFileBounded(inv.words[0], kMaxRegisterBytes));
  RegisterImportOptions options;
  options.dry_run = inv.opts.count("dry-run") > 0;
  std::string bad_file = inv.opts.count("skip-bad") ? inv.opts["skip-bad"] : std::string();
  options.skip_bad = !bad_file.empty();
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenForCommand(inv));
  SIMPUL_ASSIGN_OR_RETURN(RegisterImport r, ImportRegister(*store, std::move(bytes), options, inv.lang));
  // The bad lines go to their file first: if it cannot be written, the
  // operator still has the whole report and can run the import again.
  if (options.skip_bad && r.error_count > 0) {
    std::string text;
    for (const auto& line : r.bad_lines) text += line + "\r\n";
    SIMPUL_RETURN_IF_ERROR(schema::WriteFileAtomically(bad_file, text, 0600));
  }
  if (inv.json) {
    *inv.out << sync::RegisterReportJson(r, inv.lang) << "\n";
  } else {
    for (const auto& line : sync::RegisterReportLines(r, inv.lang)) *inv.err << line << "\n";
    if (!r.unused_columns.empty()) {
      std::string cols;
      for (const auto& c : r.unused_columns) cols += (cols.empty() ? "" : ", ") + c;
      *inv.out << Msg(inv.lang, MsgId::kImportUnusedColumns, {cols}) << "\n";
    }
  }
  if (r.error_count > 0 && !options.skip_bad)
    return Status::InvalidArgument("the register has problems; nothing was imported")
        .WithMsg(MsgId::kSheetFileRefused, {std::to_string(r.error_count)});
  if (!inv.json) {
    *inv.out << Msg(inv.lang, MsgId::kImportDone,
                    {std::to_string(r.lines), std::to_string(r.households), std::to_string(r.persons),
                     std::to_string(r.applications), std::to_string(r.households_joined)})
             << "\n";
    if (r.error_count > 0) *inv.out << Msg(inv.lang, MsgId::kImportSkipped, {std::to_string(r.error_count), bad_file}) << "\n";
    if (options.dry_run) *inv.out << Msg(inv.lang, MsgId::kImportDryRun) << "\n";
  }
  return Status::Ok();
}

}  // namespace

Handler ImportHandler() { return CmdImport; }

}  // namespace simpul::node
