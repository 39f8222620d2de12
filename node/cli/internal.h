// Shared between the CLI's parser (cli.cc) and its commands (cli_commands.cc,
// cli_applications.cc and the other cli_*.cc files).
#ifndef SIMPUL_NODE_CLI_INTERNAL_H_
#define SIMPUL_NODE_CLI_INTERNAL_H_

#include <iosfwd>
#include <map>
#include <string>
#include <vector>

#include "node/records.h"
#include "node/ui_texts.h"
#include "schema/json_writer.h"
#include "schema/workflow.h"
#include "schema/messages.h"
#include "schema/status.h"
#include "sync/accounts.h"

namespace simpul::node {

struct Command;

struct Invocation {
  const Command* cmd = nullptr;
  std::string user;                // --user, else $SIMPUL_USER
  Lang lang = Lang::kEn;
  bool json = false;
  std::string data_dir;
  std::vector<std::string> words;  // positional words after the command path
  Options opts;                    // --key value
  std::ostream* out;
  std::ostream* err;
  // The catalogue's text for `en` in the operator's language.
  const char* T(const char* en) const { return Tr(lang, en); }
};

using Handler = Status (*)(Invocation&);

struct Command {
  const char* path;      // "application new"
  const char* args;      // usage after the path
  const char* help;      // English; shown through the catalogue
  Handler handler;
  int entity;            // -1, or an Entity whose options add/edit/new accept
  std::vector<std::string> options;  // other options accepted (besides globals)
  size_t max_words = 1;              // positional words accepted after the path
  sync::Permission permission = sync::Permission::kRecord;  // what the operator's role must allow
};

// The office passphrase for `init` ($SIMPUL_PASSPHRASE, else typed twice).
Result<std::string> PassphraseForInit(Invocation& inv);

// Opens the store for the running command: checks the operator's account
// and role (once the store has accounts) and sets the audit actor.
Result<std::unique_ptr<NodeStore>> OpenForCommand(Invocation& inv);

const std::vector<Command>& Commands();

// Commands that talk to the hub (cli_sync.cc).
Handler EnrolHandler();
Handler SyncHandler();
Handler DaemonHandler();
Handler ConflictsHandler();
Handler ResolveHandler();
Handler BundleExportHandler();
Handler UserAddHandler();
Handler UnlockHandler();
Handler LockHandler();
Handler PassphraseChangeHandler();
Handler UserListHandler();
Handler UserDisableHandler();
Handler BundleImportHandler();
// Letters (cli_letters.cc).
Handler LetterGetHandler();
Handler LetterVerifyHandler();
Handler AppStageHandler();  // cli_stages.cc
Handler RefusalsHandler();  // cli_refusals.cc
Handler UiHandler();        // cli_ui.cc: the village web app
const std::vector<Command>& CaseCommands();  // cli_cases.cc
// DTKS status and duplicate NIKs, offline (cli_dtks.cc).
Handler DtksShowHandler();
Handler ImportHandler();
Handler MessagesHandler();     // cli_messages.cc: messages to residents
Handler MessageSentHandler();  // cli_import.cc: the village register from Excel
// What the store knows about person `person_id`'s NIK: its DTKS status and
// the other persons recorded with it (to inv.out / inv.err, or as the keys
// "dtks" and "duplicates" into `j`).
Status PrintBeneficiaryChecks(Invocation& inv, NodeStore& store, const std::string& person_id,
                              schema::JsonWriter* j);

// Times for people (cli_times.cc): "6 Des 2026 14.05 WIB" in the office zone
// of `village`, "-" for 0; ISO 8601 with the zone's offset ("" for 0); the
// milliseconds of an HLC version (0 if malformed).
std::string TimeText(const Invocation& inv, int64_t ms, const std::string& village);
std::string TimeIso(int64_t ms, const std::string& village);
int64_t VersionMs(const std::string& version);
// An event of an application's history with its times: JSON fields `time`,
// `received_time`, `received_by_hub_time`; or one line (and its receipts).
Status EventJson(schema::JsonWriter& j, NodeStore& store, const schema::WorkflowEvent& e);
Status EventLine(Invocation& inv, NodeStore& store, const schema::WorkflowEvent& e);
Status CmdOutbox(Invocation& inv);

// The commands on applications, indicator sets and the recap export
// (cli_applications.cc, cli_export.cc).
Status AppShow(Invocation& inv);
Status AppList(Invocation& inv);
Status AppSubmit(Invocation& inv);
Status AppWithdraw(Invocation& inv);
Status AppAnswer(Invocation& inv);
Status AppAttach(Invocation& inv);
Status IndicatorsList(Invocation& inv);
Status IndicatorsShow(Invocation& inv);
Status IndicatorsAdd(Invocation& inv);
Status CmdExportRecap(Invocation& inv);

// Printing helpers of the record commands (cli_commands.cc).
namespace cli_util {
// InvalidArgument naming `what` unless at least `n` positional words.
Status NeedWords(Invocation& inv, size_t n, const char* what);
std::string Str(const schema::Value& v);  // "" for NULL
void PrintWarnings(Invocation& inv, const std::vector<schema::Warning>& ws);
void WarningsJson(schema::JsonWriter& j, Invocation& inv, const std::vector<schema::Warning>& ws);
const schema::Value* Get(const Row& row, const std::string& col);
std::string GetS(const Row& row, const std::string& col);
// Bahasa/English label of an application status code.
const char* StatusLabel(Invocation& inv, const std::string& s);
void PrintRow(Invocation& inv, const Row& row);
void RowJson(schema::JsonWriter& j, const Row& row);
}  // namespace cli_util

}  // namespace simpul::node

#endif  // SIMPUL_NODE_CLI_INTERNAL_H_
