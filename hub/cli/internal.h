// Pieces of simpul-hub's command line shared by its files (cli.cc: parser,
// serve and most commands; cli_hub_audit.cc: `audit --verify`;
// cli_documents.cc: documents). Not an API.
#ifndef SIMPUL_HUB_CLI_INTERNAL_H_
#define SIMPUL_HUB_CLI_INTERNAL_H_

#include <initializer_list>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "hub/operations.h"
#include "hub/store.h"
#include "hub/ui_texts.h"
#include "schema/json_writer.h"
#include "schema/messages.h"
#include "schema/status.h"
#include "sync/accounts.h"

namespace simpul::hub::cli {

struct Args;

// A command of the table (cli.cc; `case` dispatches to its own, cli_cases.cc).
struct HubCommand {
  const char* path;
  const char* usage;
  const char* help;
  Status (*fn)(Args&);
  sync::Permission permission;
};

struct Args {
  const HubCommand* cmd = nullptr;
  std::string user;
  std::vector<std::string> words;
  std::map<std::string, std::string> opts;
  bool json = false, help = false;
  Lang lang = Lang::kEn;
  std::string data;
  bool data_given = false;  // --data was on the command line (else $SIMPUL_HUB_DATA or the default)
  const char* T(const char* en) const { return Tr(lang, en); }
};

std::string Get(const Row& row, const std::string& col);
void PrintRows(const Args& a, const std::vector<Row>& rows);
std::string Opt(const Args& a, const std::string& k, const std::string& def = "");
Status Need(const Args& a, size_t words, std::initializer_list<const char*> opts);
// Opens the hub store for the running command: checks the operator's
// account and role once the store has accounts, and sets the audit actor.
Result<std::unique_ptr<HubStore>> OpenHub(const Args& a);
// Whom a decision, stage, letter or resolution is recorded under: the
// signed-in account; in setup mode, the shell's SIMPUL_OPERATOR or login name.
std::string OperatorOf(const HubStore& store);
// Audits outside an operation's own transaction (reads, imports).
Status AuditNow(HubStore& store, const std::string& action, const std::string& village, const std::string& subject,
                const std::string& detail);

// Times for people (cli_times.cc): "6 Des 2026 14.05 WITA" in the office
// zone of `region` (a village code; "" = WIB), "-" for 0; ISO 8601 with the
// zone's offset ("" for 0); the milliseconds of an HLC version (0 if none).
std::string TimeText(const Args& a, int64_t ms, const std::string& region);
std::string TimeIso(int64_t ms, const std::string& region);
int64_t VersionMs(const std::string& version);
// The hub's own office region: the village of its first enrolled node.
// HubRegion(store): hub/audit_log.h.
// Commands that show times (cli_times.cc) and reports (cli_reports.cc).
// The fleet and residents' data (cli_fleet.cc).
Status CmdEnrol(Args& a);             // node enrol --village CODE [--days N]
Status CmdRevoke(Args& a);            // node revoke NODE_ID --reason TEXT
Status CmdKeyRotate(Args& a);         // key rotate
Status CmdKeyList(Args& a);           // key list
Status CmdPurgePerson(Args& a);       // purge person ID --reason TEXT
Status CmdPurgeHousehold(Args& a);    // purge household ID --reason TEXT
Status CmdPurgeExpired(Args& a);      // purge expired --older-than-days N [--dry-run]
// Applications (cli_applications.cc).
Status CmdAppList(Args& a);           // application list [--village CODE] [--status S]
Status CmdReturn(Args& a);            // application return ID --reason TEXT
Status CmdApprove(Args& a);           // application approve ID [--reason] [--override-reason]
Status CmdReject(Args& a);            // application reject ID --reason TEXT
Status CmdVisit(Args& a);             // application visit ID --reason TEXT
Status CmdRecommend(Args& a);         // application recommend ID --reason TEXT
Status CmdStage(Args& a);             // application stage ID STAGE [--note TEXT]
Status CmdLetter(Args& a);            // application letter ID
Status CmdAppEdit(Args& a);           // application edit ID [--notes T] [--dtks-status S] [--desil N]
Status CmdAppShow(Args& a);
Status CmdNodeList(Args& a);
Status CmdConflicts(Args& a);
Status CmdAudit(Args& a);
Status CmdReportTimes(Args& a);

// `audit --verify` (cli_hub_audit.cc): prints what it found; Corruption
// when a chain is not intact.
Status VerifyAuditLog(Args& a, HubStore& store);

// Documents (cli_documents.cc). The documents of an application, for
// `application show` (text, or a "documents" array into `j`).
Status PrintApplicationDocuments(const Args& a, HubStore& store, const std::string& app_id, schema::JsonWriter* j);
// document get SHA|ATTACHMENT_ID --out FILE
Status CmdDocumentGet(Args& a);

// Letters after issuing (cli_letters.cc).
Status CmdLetterGet(Args& a);     // letter get NUMBER|APP_ID --out FILE.pdf
Status CmdLetterVerify(Args& a);  // letter verify QR_TEXT
Status CmdLetterRevoke(Args& a);  // letter revoke NUMBER|APP_ID --reason TEXT
// B'DESUT cases (cli_cases.cc): `case SUBCOMMAND ...`, each subcommand with
// its own permission.
Status CmdCase(Args& a);
// DTKS and duplicate beneficiaries (cli_dtks.cc).
Status CmdDtksImport(Args& a);   // dtks import FILE.csv [--source dtks|p3ke]
Status CmdDtksShow(Args& a);     // dtks show NIK
// Service rules and indicator sets Dinsos owns (cli_rules.cc).
Status CmdRulesLoad(Args& a);      // rules load FILE
Status CmdRulesList(Args& a);      // rules list
Status CmdRulesShow(Args& a);      // rules show [VERSION]
Status CmdIndicatorsAdd(Args& a);  // indicators add FILE
Status CmdDuplicates(Args& a);   // duplicates [--village CODE]
// Messages to residents (cli_messages.cc).
Status CmdMessages(Args& a);      // messages [--village CODE] [--all]
Status CmdMessagesSend(Args& a);  // messages send [--gateway PROGRAM | --config FILE] [--village CODE] [--days N]
// A village's register imported at the hub (cli_import.cc).
Status CmdImport(Args& a);        // import FILE.csv --village CODE [--skip-bad FILE] [--dry-run]
Status CmdIndexCheck(Args& a);    // index check (cli_index.cc)
Status CmdIndexRebuild(Args& a);  // index rebuild
// For `application show`: the applicant's DTKS status, other persons with
// the NIK, the same benefit held elsewhere (text, or keys into `j`).
Status PrintApplicationBeneficiary(const Args& a, HubStore& store, const Row& app, schema::JsonWriter* j);

}  // namespace simpul::hub::cli

#endif  // SIMPUL_HUB_CLI_INTERNAL_H_
