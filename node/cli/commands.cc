// The simpul-node commands: each opens the store, calls node/records.h and
// prints the result for a person (default) or a script (--json).
#include <climits>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <fcntl.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>

#include "node/cli/internal.h"
#include "schema/command_line.h"
#include "node/documents.h"
#include "node/stages.h"
#include "sync/crypto/envelope.h"
#include "schema/json_writer.h"
#include "schema/model.h"
#include "schema/regions.h"
#include "schema/tables.h"
#include "schema/validate.h"
#include "schema/workflow.h"

namespace simpul::node {
namespace cli_util {

using schema::JsonWriter;
using schema::Value;

Status NeedWords(Invocation& inv, size_t n, const char* what) {
  if (inv.words.size() >= n) return Status::Ok();
  return Status::InvalidArgument(std::string(what) + " is required")
      .WithMsg(MsgId::kFieldRequired, {what});
}

std::string Str(const Value& v) { return IsNull(v) ? std::string() : schema::ValueToDisplay(v); }

void PrintWarnings(Invocation& inv, const std::vector<schema::Warning>& ws) {
  for (const auto& w : ws) *inv.err << Msg(inv.lang, w.id, w.args) << "\n";
}

void WarningsJson(JsonWriter& j, Invocation& inv, const std::vector<schema::Warning>& ws) {
  j.Key("warnings").BeginArray();
  for (const auto& w : ws) j.String(Msg(inv.lang, w.id, w.args));
  j.EndArray();
}

const Value* Get(const Row& row, const std::string& col) {
  for (const auto& [k, v] : row)
    if (k == col) return &v;
  return nullptr;
}
std::string GetS(const Row& row, const std::string& col) {
  const Value* v = Get(row, col);
  return v ? Str(*v) : std::string();
}

// Bahasa/English label of a status code.
const char* StatusLabel(Invocation& inv, const std::string& s) {
  struct L { const char *code, *en; };
  static const L kLabels[] = {
      {"draft", "draft"}, {"submitted", "submitted"},
      {"returned", "returned for completion"},
      {"in_review", "under review"}, {"approved", "approved"},
      {"rejected", "rejected"}, {"letter_issued", "letter issued"},
      {"withdrawn", "withdrawn"}};
  for (const auto& l : kLabels)
    if (s == l.code) return inv.T(l.en);
  return s.c_str();
}

void PrintRow(Invocation& inv, const Row& row) {
  for (const auto& [k, v] : row) {
    if (IsNull(v) || k == "deleted") continue;
    *inv.out << "  " << std::left << std::setw(18) << k << Str(v) << "\n";
  }
}

void RowJson(JsonWriter& j, const Row& row) {
  for (const auto& [k, v] : row) j.Field(k, v);
}

}  // namespace cli_util

namespace {

using namespace cli_util;

// --- init / status ---------------------------------------------------------

Status CmdInit(Invocation& inv) {
  auto it = inv.opts.find("village");
  if (it == inv.opts.end())
    return Status::InvalidArgument("--village is required").WithMsg(MsgId::kMissingOption, {"--village"});
  SIMPUL_ASSIGN_OR_RETURN(std::string passphrase, PassphraseForInit(inv));
  SIMPUL_ASSIGN_OR_RETURN(auto store, NodeStore::Init(inv.data_dir, it->second, sync::SystemClock::Default(), passphrase));
  schema::DbRegionLookup regions(store->db());
  std::string v = store->village();
  std::string name = regions.Name(v), kec = regions.Name(v.substr(0, 8)),
              kab = regions.Name(v.substr(0, 5));
  if (inv.json) {
    JsonWriter j;
    j.BeginObject().Field("data_dir", store->dir()).Field("village", v).Field("village_name", name)
        .Field("district", kec).Field("regency", kab).Field("node_id", store->node_id()).EndObject();
    *inv.out << j.str() << "\n";
  } else {
    *inv.out << inv.T("Village store created in ") << store->dir()
             << "\n  " << inv.T("Village: ") << name << " (" << v << ")\n  "
             << inv.T("District: ") << kec << "\n  "
             << inv.T("Regency/city: ") << kab << "\n  "
             << inv.T("Node id: ") << store->node_id() << "\n";
  }
  return Status::Ok();
}

Result<int64_t> Count(NodeStore& s, const std::string& sql) {
  SIMPUL_ASSIGN_OR_RETURN(auto st, s.db().Prepare(sql));
  SIMPUL_ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? st.Int(0) : 0;
}

Status CmdStatus(Invocation& inv) {
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenForCommand(inv));
  schema::DbRegionLookup regions(store->db());
  struct C { const char* key; const char* en; std::string sql; };
  std::vector<C> counts = {
      {"households", "Households", "SELECT count(*) FROM households WHERE deleted=0"},
      {"persons", "Persons", "SELECT count(*) FROM persons WHERE deleted=0"},
      {"applications", "Applications", "SELECT count(*) FROM applications WHERE deleted=0"},
      {"complaints", "Complaints", "SELECT count(*) FROM complaints WHERE deleted=0"},
      {"outbox_pending", "Waiting to sync",
       "SELECT count(*) FROM outbox WHERE state='pending'"},
      {"outbox_refused", "Refused by the hub",
       "SELECT count(*) FROM outbox WHERE state='refused'"},
      {"outbox_settled", "Refusals settled (moved away)",
       "SELECT count(*) FROM outbox WHERE state='settled'"},
  };
  JsonWriter j;
  j.BeginObject().Field("village", store->village()).Field("village_name", regions.Name(store->village()))
      .Field("node_id", store->node_id());
  // The hub key this node trusts (changes when the hub rotates its key).
  if (auto pk = sync::crypto::PublicKeyFromHex(store->Meta("hub_pk")); pk.ok())
    j.Field("hub_key", sync::crypto::Fingerprint(*pk));
  if (!inv.json)
    *inv.out << inv.T("Village ") << regions.Name(store->village()) << " ("
             << store->village() << "), node " << store->node_id() << "\n";
  for (const auto& c : counts) {
    SIMPUL_ASSIGN_OR_RETURN(int64_t n, Count(*store, c.sql));
    j.Field(c.key, n);
    if (!inv.json) *inv.out << "  " << std::left << std::setw(24) << inv.T(c.en) << n << "\n";
  }
  j.EndObject();
  if (inv.json) *inv.out << j.str() << "\n";
  return Status::Ok();
}

// --- generic record commands ----------------------------------------------

Status Create(Invocation& inv, Entity e) {
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenForCommand(inv));
  SIMPUL_ASSIGN_OR_RETURN(auto w, CreateRecord(*store, e, inv.opts));
  if (inv.json) {
    JsonWriter j;
    j.BeginObject().Field("id", w.id);
    WarningsJson(j, inv, w.warnings);
    if (e == Entity::kPerson) SIMPUL_RETURN_IF_ERROR(PrintBeneficiaryChecks(inv, *store, w.id, &j));
    *inv.out << j.EndObject().str() << "\n";
  } else {
    PrintWarnings(inv, w.warnings);
    *inv.out << EntityNoun(e, inv.lang) << inv.T(" recorded: ") << w.id << "\n";
    if (e == Entity::kPerson) SIMPUL_RETURN_IF_ERROR(PrintBeneficiaryChecks(inv, *store, w.id, nullptr));
  }
  return Status::Ok();
}

Status Edit(Invocation& inv, Entity e) {
  SIMPUL_RETURN_IF_ERROR(NeedWords(inv, 1, "ID"));
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenForCommand(inv));
  SIMPUL_ASSIGN_OR_RETURN(auto w, EditRecord(*store, e, inv.words[0], inv.opts));
  if (inv.json) {
    JsonWriter j;
    j.BeginObject().Field("id", w.id).Field("fields_changed", w.fields_changed);
    WarningsJson(j, inv, w.warnings);
    *inv.out << j.EndObject().str() << "\n";
  } else {
    PrintWarnings(inv, w.warnings);
    *inv.out << EntityNoun(e, inv.lang) << " " << w.id << inv.T(": ") << w.fields_changed
             << inv.T(" field(s) changed\n");
  }
  return Status::Ok();
}

Status Show(Invocation& inv, Entity e) {
  SIMPUL_RETURN_IF_ERROR(NeedWords(inv, 1, "ID"));
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenForCommand(inv));
  SIMPUL_ASSIGN_OR_RETURN(Row row, ReadRecord(*store, e, inv.words[0]));
  if (inv.json) {
    JsonWriter j;
    j.BeginObject();
    RowJson(j, row);
    if (e == Entity::kPerson) SIMPUL_RETURN_IF_ERROR(PrintBeneficiaryChecks(inv, *store, inv.words[0], &j));
    *inv.out << j.EndObject().str() << "\n";
  } else {
    *inv.out << EntityNoun(e, inv.lang) << " " << inv.words[0] << "\n";
    PrintRow(inv, row);
    if (e == Entity::kPerson) SIMPUL_RETURN_IF_ERROR(PrintBeneficiaryChecks(inv, *store, inv.words[0], nullptr));
  }
  return Status::Ok();
}

Status List(Invocation& inv, Entity e) {
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenForCommand(inv));
  ListFilter f;
  SIMPUL_ASSIGN_OR_RETURN(int64_t limit, schema::IntOption(inv.opts, "limit", INT32_MAX, 1, INT32_MAX));
  f.limit = static_cast<int>(limit);
  f.household = inv.opts.count("household") ? inv.opts["household"] : "";
  f.category = inv.opts.count("category") ? inv.opts["category"] : "";
  SIMPUL_ASSIGN_OR_RETURN(auto rows, ListRecords(*store, e, f));
  JsonWriter j;
  j.BeginArray();
  for (const auto& r : rows) {
    if (inv.json) {
      j.BeginObject();
      RowJson(j, r);
      j.EndObject();
      continue;
    }
    std::string id = GetS(r, "id");
    switch (e) {
      case Entity::kHousehold:
        *inv.out << id << "  KK " << GetS(r, "no_kk") << "  " << GetS(r, "address") << "\n";
        break;
      case Entity::kPerson:
        *inv.out << id << "  " << GetS(r, "name") << "  NIK " << GetS(r, "nik") << "\n";
        break;
      case Entity::kComplaint:
        *inv.out << id << "  [" << GetS(r, "urgency") << "] " << GetS(r, "category") << ": "
                 << GetS(r, "description").substr(0, 60) << "\n";
        break;
      default: break;
    }
  }
  if (inv.json) *inv.out << j.EndArray().str() << "\n";
  else if (rows.empty()) *inv.out << inv.T("(none)\n");
  return Status::Ok();
}

Status HouseholdAdd(Invocation& inv) { return Create(inv, Entity::kHousehold); }
Status HouseholdEdit(Invocation& inv) { return Edit(inv, Entity::kHousehold); }
Status HouseholdShow(Invocation& inv) { return Show(inv, Entity::kHousehold); }
Status HouseholdList(Invocation& inv) { return List(inv, Entity::kHousehold); }
Status PersonAdd(Invocation& inv) { return Create(inv, Entity::kPerson); }
Status PersonEdit(Invocation& inv) { return Edit(inv, Entity::kPerson); }
Status PersonShow(Invocation& inv) { return Show(inv, Entity::kPerson); }
Status PersonList(Invocation& inv) { return List(inv, Entity::kPerson); }
Status ComplaintNew(Invocation& inv) { return Create(inv, Entity::kComplaint); }
Status ComplaintEdit(Invocation& inv) { return Edit(inv, Entity::kComplaint); }
Status ComplaintShow(Invocation& inv) { return Show(inv, Entity::kComplaint); }
Status ComplaintList(Invocation& inv) { return List(inv, Entity::kComplaint); }
Status AppNew(Invocation& inv) { return Create(inv, Entity::kApplication); }
Status AppEdit(Invocation& inv) { return Edit(inv, Entity::kApplication); }

}  // namespace

const std::vector<Command>& Commands() {
  constexpr int H = static_cast<int>(Entity::kHousehold), P = static_cast<int>(Entity::kPerson),
                A = static_cast<int>(Entity::kApplication), C = static_cast<int>(Entity::kComplaint);
  static const std::vector<Command> kCommands = [] {
    std::vector<Command> cmds = {
      {"init", "--village CODE", "Create the village store (Kemendagri code, e.g. 35.10.01.2001)", CmdInit, -1, {"village"}},
      {"status", "", "Summary of the store and outbox",
       CmdStatus, -1, {}},
      {"household add", "--address ... [--kk ...]", "Register a household", HouseholdAdd, H, {}},
      {"household edit", "ID [--OPTION VALUE]...", "Change a household", HouseholdEdit, H, {}},
      {"household show", "ID", "Show a household", HouseholdShow, -1, {}},
      {"household list", "", "List households", HouseholdList, -1, {"limit"}},
      {"person add", "--household ID --name ... [--nik ...]", "Register a person", PersonAdd, P, {}},
      {"person edit", "ID [--OPTION VALUE]...", "Change a person", PersonEdit, P, {}},
      {"person show", "ID", "Show a person", PersonShow, -1, {}},
      {"person list", "[--household ID]", "List persons", PersonList, -1, {"household", "limit"}},
      {"application new", "--type T --applicant PERSON", "Open a new application (draft)", AppNew, A, {}},
      {"application edit", "ID [--OPTION VALUE]...", "Change an application (draft/returned)", AppEdit, A, {}},
      {"application show", "ID", "Show an application, its status, history and documents", AppShow, -1, {}},
      {"application list", "[--status S] [--type T]", "List applications", AppList, -1, {"status", "type", "household", "limit"}},
      {"application answer", "ID ITEM=ANSWER... [--set SET]", "Answer poverty indicators; shows the score", AppAnswer, -1, {"set"}},
      {"application attach", "ID --kind K --file PATH", "Attach a document (kk, ktp, sktm, referral, photo, other; at most 20 MiB)", AppAttach, -1, {"kind", "file"}},
      {"application submit", "ID", "Submit the application to Dinsos", AppSubmit, -1, {}},
      {"application withdraw", "ID --reason TEXT", "Withdraw the application", AppWithdraw, -1, {"reason"}},
      {"application stage", "ID STAGE [--note TEXT]", "Record a verification stage the service rule gives the village",
       AppStageHandler(), -1, {"note"}},
      {"complaint new", "--category C --description TEXT", "Record a complaint (B'DESUT)", ComplaintNew, C, {}},
      {"complaint edit", "ID [--OPTION VALUE]...", "Change a complaint", ComplaintEdit, C, {}},
      {"complaint show", "ID", "Show a complaint", ComplaintShow, -1, {}},
      {"complaint list", "[--category C]", "List complaints", ComplaintList, -1, {"category", "limit"}},
      {"indicators list", "", "List poverty-indicator sets", IndicatorsList, -1, {}},
      {"indicators show", "[SET]", "Show the indicators and their answers", IndicatorsShow, -1, {}},
      {"indicators add", "FILE", "Load a new indicator set or version", IndicatorsAdd, -1, {}},
      {"outbox", "[--all]", "Show the changes waiting to sync", CmdOutbox, -1, {"all"}},
      {"refusals", "", "Show the changes the hub refused, with the reason (settled ones too)", RefusalsHandler(), -1, {}},
      {"enrol", "--hub URL --code CODE", "Enrol this node at the Dinsos hub (one-time code from the hub operator)", EnrolHandler(), -1, {"hub", "code", "timeout"}},
      {"sync", "[--batch N] [--pull-limit N] [--timeout S]", "Sync now: send the outbox, receive decisions", SyncHandler(), -1,
       {"batch", "pull-limit", "timeout"}},
      {"daemon", "[--window 22:00-06:00] [--interval S]", "Unattended sync (nightly window, retries when the link is down)", DaemonHandler(), -1,
       {"window", "interval", "backoff-min", "backoff-max", "batch", "timeout"}},
      {"conflicts", "[--all]", "Conflicts a person must decide",
       ConflictsHandler(), -1, {"all"}},
      {"resolve", "ID --keep winner|loser | --value TEXT", "Resolve a conflict (the decision replicates)", ResolveHandler(), -1, {"keep", "value"}},
      {"bundle export", "FILE [--max-mb N]", "Write everything the hub has not received into a file (USB stick, chat)",
       BundleExportHandler(), -1, {"max-mb"}},
      {"bundle import", "FILE", "Apply the reply bundle Dinsos made from our bundle", BundleImportHandler(), -1, {}},
      {"unlock", "", "Unlock the encrypted store for this session (asks for the office passphrase)",
       UnlockHandler(), -1, {}},
      {"lock", "", "Forget this session's key: the next command asks for the passphrase", LockHandler(), -1, {}},
      {"passphrase change", "", "Change the office passphrase (new one from SIMPUL_NEW_PASSPHRASE or typed)",
       PassphraseChangeHandler(), -1, {}},
      {"user add", "NAME --role ROLE", "Add or update an operator account (password from SIMPUL_NEW_PASSWORD or typed)",
       UserAddHandler(), -1, {"role"}},
      {"user list", "", "List operator accounts", UserListHandler(), -1, {}},
      {"user disable", "NAME", "Disable an operator account", UserDisableHandler(), -1, {}},
      {"letter get", "APP_ID --out FILE.pdf", "Write the letter Dinsos issued for an application (PDF, to print)",
       LetterGetHandler(), -1, {"out"}},
      {"letter verify", "QR_TEXT", "Check a letter's QR code offline: valid, forged or revoked", LetterVerifyHandler(), -1, {}},
      {"export recap", "--out FILE.csv [--purpose TEXT]", "Export the village's application recap (CSV)", CmdExportRecap, -1, {"out", "purpose"}},
      {"ui", "[--listen 127.0.0.1:PORT] [--kiosk [--kiosk-listen ADDR:PORT]]", "Serve the village web app on this laptop (unlock and sign in in the browser)", UiHandler(), -1, {"listen", "kiosk", "kiosk-listen"}},
      {"import", "FILE.csv [--skip-bad BAD.csv] [--dry-run]",
       "Import the village register from Excel (CSV: one line per resident; columns in docs/OPERATIONS.md)",
       ImportHandler(), -1, {"skip-bad", "dry-run"}},
      {"messages", "[--all]", "Messages for residents' phones (returns, decisions, letters, case updates) with a click-to-chat link",
       MessagesHandler(), -1, {"all"}},
      {"message sent", "EVENT_ID", "Record a message to a resident as sent (after sending it by click-to-chat)",
       MessageSentHandler(), -1, {}},
      {"dtks show", "--nik NIK", "A NIK's DTKS status and desil, offline (the hub's snapshot for this village)", DtksShowHandler(), -1, {"nik"}},
    };
    cmds.insert(cmds.end(), CaseCommands().begin(), CaseCommands().end());  // cli_cases.cc
    // Positional words each command takes, read off its usage line; and the
    // permission its operator's role must have.
    for (auto& c : cmds) {
      std::string path = c.path;
      auto ends = [&](const char* w) {
        return path.size() >= std::strlen(w) && path.compare(path.size() - std::strlen(w), std::string::npos, w) == 0;
      };
      if (path == "init" || path == "unlock" || path == "lock" || path == "ui") c.permission = sync::Permission::kNone;
      else if (path == "enrol" || path.rfind("user", 0) == 0 || path == "passphrase change")
        c.permission = sync::Permission::kAdminister;
      else if (ends("list") || ends("show") || path == "status" || path == "outbox" || path == "conflicts" ||
               path == "letter verify" || path == "refusals" || path == "messages")
        c.permission = sync::Permission::kRead;
      else c.permission = sync::Permission::kRecord;
      std::string a = c.args;
      c.max_words = a.find("ITEM=") != std::string::npos ? 1000
                    : a.rfind("ID STAGE", 0) == 0                ? 2
                    : (a.rfind("ID", 0) == 0 || a.rfind("FILE", 0) == 0 || a.rfind("[SET]", 0) == 0 ||
                       a.rfind("NAME", 0) == 0 || a.rfind("APP_ID", 0) == 0 || a.rfind("EVENT_ID", 0) == 0 || a.rfind("QR_TEXT", 0) == 0) ? 1
                    : 0;
    }
    return cmds;
  }();
  return kCommands;
}

}  // namespace simpul::node
