#include "node/cli/cli.h"

#include <algorithm>
#include <iostream>

#include "node/cli/internal.h"
#include "schema/command_line.h"

namespace simpul::node {

namespace {

const char* kGlobalHelpEn = R"(simpul-node: the village office's tool for social-welfare applications.
Works fully offline; changes wait in the outbox until the next sync.

Usage: simpul-node [--data DIR] [--lang id|en] [--json] COMMAND [ARGS] [--help]

Global options:
  --data DIR    data directory (default: $SIMPUL_DATA, else ~/.local/share/simpul-node)
  --user NAME   operator account (default: $SIMPUL_USER)
  --lang id|en  language of messages (default: from LANG / LC_MESSAGES)
  --json        machine-readable output
  --help        help for any command

Exit codes: 0 ok, 1 internal error, 2 bad input, 3 data directory unusable,
4 temporarily unavailable (store busy, hub unreachable: try again), 5 file could not be
read or written, 6 refused by the hub (not enrolled, revoked, or upgrade needed), 7 the store
is locked (wrong or missing office passphrase), not signed in, or the role does not allow the
command.

Encryption: the store is encrypted under the office passphrase chosen at init. Each command
takes it from $SIMPUL_PASSPHRASE, else from `simpul-node unlock` (once per session), else asks.
Accounts: once a store has operator accounts (simpul-node user add), every command needs
--user NAME (or $SIMPUL_USER) and the password ($SIMPUL_PASSWORD, or typed when asked).

Commands:
)";

void PrintGlobalHelp(const Invocation& inv) {
  std::ostream& o = *inv.out;
  o << inv.T(kGlobalHelpEn);
  for (const auto& c : Commands()) {
    std::string left = std::string(c.path) + (c.args[0] ? " " : "") + c.args;
    o << "  " << left;
    if (left.size() < 34) o << std::string(34 - left.size(), ' ');
    else o << "\n" << std::string(36, ' ');
    o << inv.T(c.help) << "\n";
  }
}

void PrintCommandHelp(const Invocation& inv, const Command& c) {
  std::ostream& o = *inv.out;
  o << "simpul-node " << c.path << (c.args[0] ? " " : "") << c.args << "\n\n"
    << inv.T(c.help) << "\n";
  if (c.entity >= 0) {
    o << "\n" << inv.T("Options:") << "\n";
    for (const auto& s : EntityOptions(static_cast<Entity>(c.entity))) {
      std::string left = std::string("--") + s.option + " " + (s.required_on_create ? "(*)" : "");
      o << "  " << left << std::string(left.size() < 22 ? 22 - left.size() : 1, ' ')
        << inv.T(s.help) << "\n";
    }
    o << inv.T("(*) required when creating\n");
  }
}


}  // namespace

int RunCli(const std::vector<std::string>& args) {
  Invocation inv;
  inv.out = &std::cout;
  inv.err = &std::cerr;
  schema::CommandLine line = schema::ParseCommandLine(
      args, {"json", "help", "all", "overdue", "dry-run", "kiosk"});
  std::vector<std::string>& words = line.words;
  const std::string& lang_flag = line.lang;
  const bool help = line.help;
  const Status& parse_error = line.error;
  inv.data_dir = line.data;
  inv.user = line.user;
  inv.json = line.json;
  inv.opts = std::move(line.options);
  inv.lang = DetectLang(lang_flag);
  if (!lang_flag.empty() && lang_flag != "id" && lang_flag != "en") {
    *inv.err << Msg(inv.lang, MsgId::kBadOptionValue, {"--lang", lang_flag}) << "\n";
    return kExitBadInput;
  }
  if (inv.data_dir.empty()) inv.data_dir = DefaultDataDir();

  size_t used = 0;
  const Command* cmd = schema::FindCommand(Commands(), words, &used);
  if (!cmd) {
    if (words.empty() || help) {
      PrintGlobalHelp(inv);
      return words.empty() && !help ? kExitBadInput : kExitOk;
    }
    *inv.err << Msg(inv.lang, MsgId::kUnknownCommand, {words[0]}) << "\n";
    return kExitBadInput;
  }
  if (help) {
    PrintCommandHelp(inv, *cmd);
    return kExitOk;
  }
  if (!parse_error.ok()) {
    *inv.err << Describe(inv.lang, parse_error) << "\n";
    return kExitBadInput;
  }
  // Options this command does not take are refused before anything runs.
  for (const auto& [k, v] : inv.opts) {
    bool ok = std::find(cmd->options.begin(), cmd->options.end(), k) != cmd->options.end();
    if (!ok && cmd->entity >= 0)
      for (const auto& s : EntityOptions(static_cast<Entity>(cmd->entity))) ok |= k == s.option;
    if (!ok) {
      *inv.err << Msg(inv.lang, MsgId::kUnknownOption, {"--" + k}) << "\n";
      return kExitBadInput;
    }
  }
  inv.cmd = cmd;
  if (inv.user.empty())
    if (const char* u = std::getenv("SIMPUL_USER"); u && *u) inv.user = u;
  inv.words.assign(words.begin() + static_cast<long>(used), words.end());
  if (inv.words.size() > cmd->max_words) {
    *inv.err << Msg(inv.lang, MsgId::kUnexpectedArgument, {inv.words[cmd->max_words]}) << "\n";
    return kExitBadInput;
  }
  Status st = cmd->handler(inv);
  // Damage met anywhere in the command is its outcome, whatever the handler
  // made of the failed read (a lookup that reads a failure as "not found").
  if (Status damage = NodeStore::DamageStatus(inv.data_dir); !damage.ok()) st = damage;
  if (!st.ok()) {
    *inv.err << inv.T("Error: ") << Describe(inv.lang, st) << "\n";
    return ExitCodeFor(st);
  }
  return kExitOk;
}

}  // namespace simpul::node
