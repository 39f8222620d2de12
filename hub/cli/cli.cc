// simpul-hub commands. Operator output is bilingual (LANG / --lang), like
// simpul-node; the server's log is English.
#include "hub/cli/cli.h"
#include "hub/cli/internal.h"
#include "hub/stages.h"

#include <cstdio>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <algorithm>

#include "hub/audit_log.h"
#include "hub/backup.h"
#include "hub/cli/backup.h"
#include "hub/enrolment.h"
#include "hub/moves.h"
#include "hub/operations.h"
#include "hub/serve.h"
#include "hub/setup_mode.h"
#include "hub/sync_service.h"
#include "schema/command_line.h"
#include "schema/exit_codes.h"
#include "schema/json_writer.h"
#include "sync/purge.h"
#include "schema/messages.h"
#include "schema/store_files.h"
#include "schema/validate.h"
#include "schema/workflow.h"
#include "sync/accounts.h"
#include "sync/audit.h"

namespace simpul::hub {
namespace cli {

std::string Get(const Row& row, const std::string& col) {
  for (const auto& [k, v] : row)
    if (k == col) return schema::IsNull(v) ? "" : schema::ValueToDisplay(v);
  return {};
}

void PrintRows(const Args& a, const std::vector<Row>& rows) {
  if (a.json) {
    schema::JsonWriter j;
    j.BeginArray();
    for (const auto& r : rows) {
      j.BeginObject();
      for (const auto& [k, v] : r) j.Field(k, v);
      j.EndObject();
    }
    std::cout << j.EndArray().str() << "\n";
    return;
  }
  for (const auto& r : rows) {
    bool first = true;
    for (const auto& [k, v] : r) {
      if (schema::IsNull(v)) continue;
      std::cout << (first ? "" : "  ") << k << "=" << schema::ValueToDisplay(v);
      first = false;
    }
    std::cout << "\n";
  }
  if (rows.empty()) std::cout << a.T("(none)\n");
}

std::string Opt(const Args& a, const std::string& k, const std::string& def) {
  auto it = a.opts.find(k);
  return it == a.opts.end() ? def : it->second;
}

Status Need(const Args& a, size_t words, std::initializer_list<const char*> opts) {
  if (a.words.size() < words) {
    std::string usage = a.cmd ? a.cmd->usage : "";
    return Status::InvalidArgument("missing argument; see --help")
        .WithMsg(MsgId::kMissingArgument, {usage.substr(0, usage.find(" --"))});
  }
  for (const char* o : opts)
    if (!a.opts.count(o))
      return Status::InvalidArgument(std::string("--") + o + " is required")
          .WithMsg(MsgId::kMissingOption, {std::string("--") + o});
  return Status::Ok();
}

std::string OperatorName() {
  const char* u = std::getenv("SIMPUL_OPERATOR");
  if (!u) u = std::getenv("USER");
  return u ? u : "operator";
}

// Setup mode (no account yet): as the audit log's "(no account)" says.
std::string OperatorOf(const HubStore& store) {
  return store.operator_name().empty() ? OperatorName() : store.operator_name();
}

// --- serve (hub/serve.h) ----------------------------------------------------------

Status CmdServe(Args& a) {
  ServeConfig cfg;
  if (a.opts.count("config")) SIMPUL_RETURN_IF_ERROR(ReadServeConfig(a.opts["config"], &cfg));
  // --data, else the config's `data`, else $SIMPUL_HUB_DATA or the default.
  if (a.data_given || cfg.data.empty()) cfg.data = a.data;
  if (a.opts.count("listen")) cfg.listen = a.opts["listen"];
  return Serve(cfg);
}

// --- operator commands ----------------------------------------------------------

sync::Permission PermissionOf(const Args& a);
const char* PathOf(const Args& a);

Result<std::unique_ptr<HubStore>> OpenHub(const Args& a) {
  SIMPUL_ASSIGN_OR_RETURN(auto store, HubStore::Open(a.data, sync::SystemClock::Default()));
  if (InSetupMode(*store)) {  // anyone may act: say so, every time
    std::cerr << a.T("Warning: ") << SetupModeWarning(a.lang) << "\n";
    store->set_actor(OperatorName() + " (no account)");
    return store;
  }
  sync::Permission need = PermissionOf(a);
  if (need == sync::Permission::kNone) return store;
  auto refuse = [&](const std::string& who, const std::string& why) {
    if (auto txn = store->BeginWrite(); txn.ok())
      if (store->Audit("refused", "", who, why).ok()) (void)txn->Commit();
  };
  if (a.user.empty()) return Status::PermissionDenied("sign-in required").WithMsg(MsgId::kLoginRequired);
  const char* pw = std::getenv("SIMPUL_PASSWORD");
  std::string password = pw ? pw : "";
  if (!pw) std::getline(std::cin, password);
  auto op = sync::Authenticate(store->db(), a.user, password);
  if (!op.ok()) {
    refuse(a.user, std::string("sign-in failed for ") + PathOf(a));
    return Status::PermissionDenied("sign-in failed").WithMsg(MsgId::kLoginFailed);
  }
  if (!sync::RoleAllows(op->role, need)) {
    store->set_actor(op->name + " (" + op->role + ")");
    refuse(op->name, std::string("role ") + op->role + " may not run " + PathOf(a));
    return Status::PermissionDenied("role forbids").WithMsg(MsgId::kRoleForbids, {op->role, PathOf(a)});
  }
  store->set_actor(op->name + " (" + op->role + ")");
  store->set_operator_role(op->role);
  store->set_operator_name(op->name);
  return store;
}

Status AuditNow(HubStore& store, const std::string& action, const std::string& village, const std::string& subject,
                const std::string& detail) {
  SIMPUL_ASSIGN_OR_RETURN(auto txn, store.BeginWrite());
  SIMPUL_RETURN_IF_ERROR(store.Audit(action, village, subject, detail));
  return txn.Commit();
}

Status CmdInit(Args& a) {
  SIMPUL_ASSIGN_OR_RETURN(auto store, HubStore::Init(a.data, Opt(a, "name", "Dinas Sosial"), sync::SystemClock::Default()));
  std::cout << a.T("Hub created in ") << a.data << "\n  "
            << a.T("Hub key fingerprint: ")
            << sync::crypto::Fingerprint(store->identity().sign_pk) << "\n  "
            << a.T("Back up hub.key offline.") << "\n";
  return Status::Ok();
}

Status CmdResolve(Args& a) {
  SIMPUL_RETURN_IF_ERROR(Need(a, 1, {}));
  std::string keep = a.opts.count("value") ? "value" : Opt(a, "keep");
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenHub(a));
  SIMPUL_RETURN_IF_ERROR(ResolveConflict(*store, a.words[0], keep, Opt(a, "value"), OperatorOf(*store)));
  std::cout << a.T("Conflict resolved: ") << a.words[0] << "\n";
  return Status::Ok();
}

Status CmdMove(Args& a) {
  SIMPUL_RETURN_IF_ERROR(Need(a, 2, {"to"}));
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenHub(a));
  std::string table = a.words[0] == "person"        ? "persons"
                      : a.words[0] == "application" ? "applications"
                      : a.words[0] == "household"   ? "households"
                                                    : a.words[0];
  MoveOptions options;
  options.household = Opt(a, "household");
  SIMPUL_ASSIGN_OR_RETURN(int n, MoveRow(*store, table, a.words[1], a.opts["to"], options));
  std::cout << a.T("Moved to ") << a.opts["to"] << ": " << n << a.T(" row(s)\n");
  return Status::Ok();
}

Status CmdBundleImport(Args& a) {
  SIMPUL_RETURN_IF_ERROR(Need(a, 1, {"reply"}));
  std::ifstream in(a.words[0], std::ios::binary | std::ios::ate);
  if (!in) return Status::IoError("cannot read " + a.words[0]);
  auto size = static_cast<uint64_t>(in.tellg());
  if (size > (512ull << 20)) return Status::ResourceExhausted(a.words[0] + " is larger than any bundle can be");
  in.seekg(0);
  std::string frame(size, '\0');
  if (!in.read(frame.data(), static_cast<std::streamsize>(size))) return Status::IoError("cannot read " + a.words[0]);
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenHub(a));
  RequestLog log;
  std::string reply = HandleBundle(*store, frame, &log);
  // A refusal never replaces a reply already written (a duplicate import
  // must not overwrite the good reply of the first one).
  bool keep_existing = log.outcome != "ok" && std::ifstream(a.opts["reply"]).good();
  if (!keep_existing) SIMPUL_RETURN_IF_ERROR(schema::WriteFileAtomically(a.opts["reply"], reply, 0600));
  SIMPUL_RETURN_IF_ERROR(AuditNow(*store, "bundle_import", log.village, log.node_id, log.outcome));
  if (log.outcome != "ok")
    return Status::FailedPrecondition("bundle refused: " + log.outcome +
                                      (keep_existing ? " (the existing " + a.opts["reply"] + " was kept)"
                                                     : " (a reply saying so was written to " + a.opts["reply"] + ")"));
  std::cout << a.T("Bundle imported from node ") << log.node_id << " (" << log.village << "): " << log.applied
            << a.T(" changes applied, ") << log.refused << a.T(" refused; the reply carries ") << log.pulled
            << a.T(" changes: ") << a.opts["reply"] << "\n";
  return Status::Ok();
}

sync::Permission PermissionOf(const Args& a) { return a.cmd ? a.cmd->permission : sync::Permission::kAdminister; }
const char* PathOf(const Args& a) { return a.cmd ? a.cmd->path : "?"; }

Status CmdUserAdd(Args& a) {
  SIMPUL_RETURN_IF_ERROR(Need(a, 1, {"role"}));
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenHub(a));
  const char* pw = std::getenv("SIMPUL_NEW_PASSWORD");
  std::string password = pw ? pw : "";
  if (!pw) std::getline(std::cin, password);
  SIMPUL_ASSIGN_OR_RETURN(auto txn, store->BeginWrite());
  SIMPUL_RETURN_IF_ERROR(sync::AddOperator(store->db(), a.words[0], a.opts["role"], password));
  SIMPUL_RETURN_IF_ERROR(store->Audit("account_added", "", a.words[0], a.opts["role"]));
  SIMPUL_RETURN_IF_ERROR(txn.Commit());
  std::cout << a.T("Account saved: ") << a.words[0] << " (" << a.opts["role"] << ")\n";
  return Status::Ok();
}

Status CmdUserList(Args& a) {
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenHub(a));
  SIMPUL_ASSIGN_OR_RETURN(auto ops, sync::ListOperators(store->db()));
  std::vector<Row> rows;
  for (const auto& o : ops) rows.push_back({{"name", o.name}, {"role", o.role}});
  PrintRows(a, rows);
  return Status::Ok();
}

Status CmdUserDisable(Args& a) {
  SIMPUL_RETURN_IF_ERROR(Need(a, 1, {}));
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenHub(a));
  SIMPUL_ASSIGN_OR_RETURN(auto txn, store->BeginWrite());
  SIMPUL_RETURN_IF_ERROR(sync::DisableOperator(store->db(), a.words[0]));
  SIMPUL_RETURN_IF_ERROR(store->Audit("account_disabled", "", a.words[0], ""));
  SIMPUL_RETURN_IF_ERROR(txn.Commit());
  std::cout << a.T("Account disabled: ") << a.words[0] << "\n";
  return Status::Ok();
}

Status CmdBackup(Args& a) {
  BackupCommand cmd{a.data, a.words, a.opts.count("verify") > 0, a.json, a.lang, nullptr};
  if (cmd.verify) return RunBackupCommand(cmd);  // reads only the backup
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenHub(a));  // an administrator's, audited
  cmd.store = store.get();
  return RunBackupCommand(cmd);
}

Status CmdRestore(Args& a) {
  return RunRestoreCommand({a.data, a.words, false, a.json, a.lang, nullptr});
}

const HubCommand kCommands[] = {
    {"init", "--data DIR [--name NAME]", "create the hub store and its signing key", CmdInit, sync::Permission::kNone},
    {"serve", "[--data DIR] [--listen ADDR:PORT] [--config FILE]", "run the sync server (stops on SIGTERM)", CmdServe, sync::Permission::kNone},
    {"node enrol", "--village CODE [--days N]", "print a one-time enrolment code for a village", CmdEnrol, sync::Permission::kAdminister},
    {"node list", "", "list enrolled nodes", CmdNodeList, sync::Permission::kRead},
    {"node revoke", "NODE_ID --reason TEXT", "revoke a node (lost laptop); refused at its next sync", CmdRevoke, sync::Permission::kAdminister},
    {"purge person", "ID --reason TEXT", "erase a resident's personal data everywhere (their request); replicates", CmdPurgePerson, sync::Permission::kAdminister},
    {"purge household", "ID --reason TEXT", "erase a household's and its members' personal data; replicates", CmdPurgeHousehold, sync::Permission::kAdminister},
    {"purge expired", "--older-than-days N [--dry-run]", "the retention rule: purge persons with no activity for N days", CmdPurgeExpired, sync::Permission::kAdminister},
    {"key rotate", "", "replace the hub's signing key; villages follow at their next sync", CmdKeyRotate, sync::Permission::kAdminister},
    {"key list", "", "the hub's current and retired keys, and the nodes using each", CmdKeyList, sync::Permission::kAdminister},
    {"application list", "[--village CODE] [--status S]", "the queue of applications", CmdAppList, sync::Permission::kRead},
    {"application show", "ID", "an application with its history and conflicts", CmdAppShow, sync::Permission::kRead},
    {"application return", "ID --reason TEXT", "return to the village for completion", CmdReturn, sync::Permission::kReview},
    {"application approve", "ID [--reason TEXT] [--override-reason TEXT]", "approve", CmdApprove, sync::Permission::kDecide},
    {"application reject", "ID --reason TEXT", "reject", CmdReject, sync::Permission::kDecide},
    {"application visit", "ID --reason TEXT", "record the field visit (verifier)", CmdVisit, sync::Permission::kVerify},
    {"application recommend", "ID --reason TEXT", "record the kecamatan recommendation (verifier)", CmdRecommend, sync::Permission::kVerify},
    {"application stage", "ID STAGE [--note TEXT]", "record a verification stage of the service rule, in its order, by its role", CmdStage, sync::Permission::kVerify},
    {"application letter", "ID", "issue the numbered letter of an approved application", CmdLetter, sync::Permission::kDecide},
    {"application edit", "ID [--notes T] [--dtks-status S] [--desil N]", "hub-side edits", CmdAppEdit, sync::Permission::kReview},
    {"conflicts", "[--village CODE] [--all]", "open conflicts (with --all: resolved too)", CmdConflicts, sync::Permission::kRead},
    {"resolve", "CONFLICT_ID --keep winner|loser | --value TEXT", "resolve a conflict; replicates", CmdResolve, sync::Permission::kReview},
    {"report times", "[--from DATE] [--to DATE] [--by service|kecamatan|month]", "median and p90 time from submission to letter, and SLA compliance per stage", CmdReportTimes, sync::Permission::kRead},
    {"audit", "[--village CODE] [--action A] [--limit N] [--verify]", "the audit log (hub and villages); --verify checks its chains against their signed heads", CmdAudit, sync::Permission::kAudit},
    {"letter get", "NUMBER|APP_ID --out FILE.pdf", "write an issued letter's PDF (the read is audited)", CmdLetterGet, sync::Permission::kRead},
    {"letter verify", "QR_TEXT", "check a letter's QR text: valid, forged or revoked (exit 0 only when valid)", CmdLetterVerify, sync::Permission::kRead},
    {"letter revoke", "NUMBER|APP_ID --reason TEXT", "revoke an issued letter; replicates to its village", CmdLetterRevoke, sync::Permission::kDecide},
    {"document get", "SHA256|ATTACHMENT_ID --out FILE", "write a document a village sent, checked against its hash (the read is audited)", CmdDocumentGet, sync::Permission::kRead},
    {"bundle import", "FILE --reply OUT", "apply a village's bundle and write its reply bundle", CmdBundleImport, sync::Permission::kReview},
    {"user add", "NAME --role ROLE",
     "add or update an operator account (password from SIMPUL_NEW_PASSWORD or stdin)", CmdUserAdd, sync::Permission::kAdminister},
    {"user list", "", "list operator accounts", CmdUserList, sync::Permission::kAdminister},
    {"user disable", "NAME", "disable an operator account", CmdUserDisable, sync::Permission::kAdminister},
    {"move", "household|person|application ID --to VILLAGE [--household ID]",
     "move a row (and dependents) to another village; a person joins --household there, or takes their household along if no one stays in it",
     CmdMove, sync::Permission::kReview},
    {"dtks import", "FILE.csv [--source dtks|p3ke]", "load a DTKS or P3KE snapshot (CSV from Excel); each village receives its own rows", CmdDtksImport, sync::Permission::kAdminister},
    {"import", "FILE.csv --village CODE [--skip-bad BAD.csv] [--dry-run]", "import a village's register from Excel (the columns of simpul-node import); it reaches the village at its next sync", CmdImport, sync::Permission::kAdminister},
    {"dtks show", "NIK", "a NIK's DTKS status and desil (the read is audited)", CmdDtksShow, sync::Permission::kRead},
    {"rules load", "FILE", "load a new version of the service rules; every village receives it at its next sync", CmdRulesLoad, sync::Permission::kAdminister},
    {"rules list", "", "the service rules versions: shipped, loaded, current", CmdRulesList, sync::Permission::kRead},
    {"rules show", "[VERSION]", "a service rules version (the current one by default): documents, stages, letters", CmdRulesShow, sync::Permission::kRead},
    {"indicators add", "FILE", "load a new poverty-indicator set or version; every village receives it at its next sync", CmdIndicatorsAdd, sync::Permission::kAdminister},
    {"messages", "[--village CODE] [--all]", "messages for residents' phones (returns, decisions, letters, case updates) and their state", CmdMessages, sync::Permission::kRead},
    {"messages send", "[--gateway PROGRAM | --config hub.conf] [--village CODE] [--days N]", "send the waiting messages through the gateway: --gateway PROGRAM (PROGRAM PHONE TEXT; exit 0 = sent), else hub.conf's message_gateway_command or message_gateway_url (HTTP POST; 2xx = sent); recorded and audited", CmdMessagesSend, sync::Permission::kReview},
    {"duplicates", "[--village CODE]", "NIKs recorded for more than one person (never merged automatically)", CmdDuplicates, sync::Permission::kRead},
    {"backup", "DIR [--verify]", "encrypted backup of the hub while it serves (passphrase from SIMPUL_BACKUP_PASSPHRASE or stdin); --verify checks one", CmdBackup, sync::Permission::kAdminister},
    {"restore", "DIR --data HUBDIR", "restore a backup into a stopped hub; villages give back what it lost", CmdRestore, sync::Permission::kNone},
    {"index check", "", "compare the application index (queue, dashboard) with the histories; exit 0 only when equal", CmdIndexCheck, sync::Permission::kRead},
    {"index rebuild", "", "derive the application index again from the histories, then check it", CmdIndexRebuild, sync::Permission::kAdminister},
    {"case", "open|list|inbox|counts|show|assign|refer|start|note|outcome|resolve|reopen|close ...", "B'DESUT complaint cases; 'simpul-hub case' lists their commands", CmdCase, sync::Permission::kRead},
};

}  // namespace cli

int RunHubCli(const std::vector<std::string>& argv) {
  using namespace cli;
  Args a;
  schema::CommandLine line =
      schema::ParseCommandLine(argv, {"json", "help", "all", "verify", "dry-run", "overdue"});
  a.words = std::move(line.words);
  a.opts = std::move(line.options);
  a.json = line.json;
  a.help = line.help;
  a.data = line.data;
  a.data_given = !line.data.empty();
  a.user = line.user;
  const std::string lang = line.lang;
  if (!line.error.ok()) {
    std::cerr << Describe(DetectLang(lang), line.error) << "\n";
    return 2;
  }
  a.lang = DetectLang(lang);
  if (a.data.empty()) {
    const char* d = std::getenv("SIMPUL_HUB_DATA");
    a.data = d ? d : "/var/lib/simpul-hub";
  }
  size_t used = 0;
  const HubCommand* cmd = schema::FindCommand(kCommands, a.words, &used);
  if (!cmd) {
    std::ostream& o = a.words.empty() || a.help ? std::cout : std::cerr;
    if (!a.words.empty() && !a.help) o << Msg(a.lang, MsgId::kHubUnknownCommand, {a.words[0]}) << "\n\n";
    o << a.T(R"(simpul-hub: the district (Dinsos) hub of Simpul.

Usage: simpul-hub [--data DIR] [--json] [--lang id|en] COMMAND ...
  --data DIR   hub data directory (default: $SIMPUL_HUB_DATA, else /var/lib/simpul-hub)
Exit codes (the same as simpul-node's): 0 ok, 1 internal error, 2 bad input or refused,
3 store unusable, 4 busy or unreachable, 5 I/O error, 6 refused for lack of trust (unknown
or forged peer, versions differ), 7 not signed in or the role does not allow it.
Accounts: once the hub has operator accounts, commands need --user NAME (or $SIMPUL_USER)
and $SIMPUL_PASSWORD (or the password on standard input).

Commands:
)");
    for (const auto& c : kCommands)
      o << "  " << c.path << " " << c.usage << "\n      " << a.T(c.help) << "\n";
    return a.words.empty() || a.help ? 0 : 2;
  }
  if (a.help) {
    std::cout << "simpul-hub " << cmd->path << " " << cmd->usage << "\n\n" << a.T(cmd->help) << "\n";
    return 0;
  }
  a.words.erase(a.words.begin(), a.words.begin() + static_cast<long>(used));
  a.cmd = cmd;
  if (a.user.empty())
    if (const char* u = std::getenv("SIMPUL_USER"); u && *u) a.user = u;
  Status st = cmd->fn(a);
  if (!st.ok()) {
    std::cerr << a.T("Error: ") << Describe(a.lang, st) << "\n";
    return ExitCodeFor(st);
  }
  return 0;
}

}  // namespace simpul::hub
