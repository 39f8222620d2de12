// simpul-hub import FILE.csv --village CODE [--skip-bad BAD.csv] [--dry-run]:
// a village's existing register (an Excel export) imported at Dinsos for
// that village (hub/register_import.h), reported the way `simpul-node
// import` reports it (sync/register_import.h).
#include <iostream>

#include "hub/cli/internal.h"
#include "hub/register_import.h"
#include "schema/store_files.h"

namespace simpul::hub::cli {
namespace {

// The same bound as the node's: a whole village's register is a few MB.
constexpr uint64_t kMaxRegisterBytes = 64ull << 20;

}  // namespace

Status CmdImport(Args& a) {
  SIMPUL_RETURN_IF_ERROR(Need(a, 1, {"village"}));
  SIMPUL_ASSIGN_OR_RETURN(std::string bytes, schema::ReadFileBounded(a.words[0], kMaxRegisterBytes));
  sync::RegisterImportOptions options;
  options.dry_run = a.opts.count("dry-run") > 0;
  const std::string bad_file = Opt(a, "skip-bad");
  options.skip_bad = !bad_file.empty();
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenHub(a));
  SIMPUL_ASSIGN_OR_RETURN(sync::RegisterImport r,
                          ImportVillageRegister(*store, Opt(a, "village"), std::move(bytes), options, a.lang, a.words[0]));
  // The bad lines go to their file first: if it cannot be written, the
  // operator still has the whole report and can run the import again.
  if (options.skip_bad && r.error_count > 0) {
    std::string text;
    for (const auto& line : r.bad_lines) text += line + "\r\n";
    SIMPUL_RETURN_IF_ERROR(schema::WriteFileAtomically(bad_file, text, 0600));
  }
  if (a.json) {
    std::cout << sync::RegisterReportJson(r, a.lang) << "\n";
  } else {
    for (const auto& line : sync::RegisterReportLines(r, a.lang)) std::cerr << line << "\n";
    if (!r.unused_columns.empty()) {
      std::string cols;
      for (const auto& c : r.unused_columns) cols += (cols.empty() ? "" : ", ") + c;
      std::cout << Msg(a.lang, MsgId::kImportUnusedColumns, {cols}) << "\n";
    }
  }
  if (r.error_count > 0 && !options.skip_bad)
    return Status::InvalidArgument("the register has problems; nothing was imported")
        .WithMsg(MsgId::kSheetFileRefused, {std::to_string(r.error_count)});
  if (!a.json) {
    std::cout << Msg(a.lang, MsgId::kImportDone,
                     {std::to_string(r.lines), std::to_string(r.households), std::to_string(r.persons),
                      std::to_string(r.applications), std::to_string(r.households_joined)})
              << "\n";
    if (r.error_count > 0)
      std::cout << Msg(a.lang, MsgId::kImportSkipped, {std::to_string(r.error_count), bad_file}) << "\n";
    if (options.dry_run) std::cout << Msg(a.lang, MsgId::kImportDryRun) << "\n";
  }
  return Status::Ok();
}

}  // namespace simpul::hub::cli
