// Who may open the store: the office passphrase (or the session key left
// by `unlock`) decrypts it, then the operator's account and role decide
// what the command may do. Also the `user`, `unlock`, `lock` and
// `passphrase` commands.
#include <linux/magic.h>
#include <sodium.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <termios.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "node/cli/internal.h"
#include "schema/json_writer.h"
#include "schema/store_files.h"
#include "sync/crypto/envelope.h"

namespace simpul::node {
namespace {

// The password: $SIMPUL_PASSWORD, else typed without echo on a terminal,
// else one line of standard input (scripts, the daemon's unit file).
std::string ReadPassword(Invocation& inv, const char* env, const char* prompt) {
  if (const char* p = std::getenv(env); p) return p;
  std::string line;
  if (isatty(0)) {
    *inv.err << prompt << std::flush;
    termios old{};
    tcgetattr(0, &old);
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(0, TCSANOW, &quiet);
    std::getline(std::cin, line);
    tcsetattr(0, TCSANOW, &old);
    *inv.err << "\n";
  } else {
    std::getline(std::cin, line);
  }
  return line;
}

namespace fs = std::filesystem;
namespace crypto = sync::crypto;

// Where `simpul-node unlock` keeps the data key for the session: the user's
// runtime directory, which must be a RAM file system (cleared at logout and
// power-off), so a laptop that is switched off holds no key anywhere.
Result<std::string> SessionKeyPath(const std::string& data_dir) {
  const char* run = std::getenv("XDG_RUNTIME_DIR");
  if (!run || !*run) return Status::FailedPrecondition("no XDG_RUNTIME_DIR (not in a login session)");
  struct statfs sf {};
  if (::statfs(run, &sf) != 0 || (sf.f_type != TMPFS_MAGIC && sf.f_type != RAMFS_MAGIC))
    return Status::FailedPrecondition(std::string(run) + " is not a RAM file system: a key must not be left on disk");
  std::error_code ec;
  std::string abs = fs::weakly_canonical(data_dir, ec).string();
  if (ec) abs = data_dir;
  uint8_t h[16];
  crypto_generichash(h, sizeof h, reinterpret_cast<const uint8_t*>(abs.data()), abs.size(), nullptr, 0);
  return std::string(run) + "/simpul-node/" + crypto::ToHex(h, sizeof h) + ".key";
}

bool StoreExists(const std::string& dir) { return fs::exists(dir + "/simpul.db"); }

Status NoStore(const std::string& dir) {
  return Status::FailedPrecondition("no store in " + dir).WithMsg(MsgId::kStoreMissing, {dir});
}

// The office passphrase: $SIMPUL_PASSPHRASE, else typed, else a line of
// standard input. Empty: the store stays locked.
Result<std::string> ReadPassphrase(Invocation& inv, const char* prompt) {
  std::string p = ReadPassword(inv, "SIMPUL_PASSPHRASE", prompt);
  if (p.empty()) return Status::Unauthenticated("locked").WithMsg(MsgId::kStoreLocked, {inv.data_dir});
  return p;
}

// The store's data key for this command: from $SIMPUL_PASSPHRASE when set,
// else the session key of `simpul-node unlock`, else the passphrase typed.
Result<crypto::DataKey> StoreKey(Invocation& inv) {
  if (!StoreExists(inv.data_dir)) return NoStore(inv.data_dir);
  if (const char* env = std::getenv("SIMPUL_PASSPHRASE"); env && *env) return NodeStore::Unlock(inv.data_dir, env);
  if (auto path = SessionKeyPath(inv.data_dir); path.ok()) {
    std::ifstream in(*path, std::ios::binary);
    if (in) {
      std::stringstream ss;
      ss << in.rdbuf();
      std::string bytes = ss.str();
      auto key = crypto::DataKey::FromBytes(bytes);
      sodium_memzero(bytes.data(), bytes.size());
      if (key.ok()) return key;
    }
  }
  SIMPUL_ASSIGN_OR_RETURN(std::string passphrase, ReadPassphrase(inv, inv.T("Office passphrase: ")));
  auto key = NodeStore::Unlock(inv.data_dir, passphrase);
  sodium_memzero(passphrase.data(), passphrase.size());
  return key;
}

const char* PermissionName(sync::Permission p) {
  switch (p) {
    case sync::Permission::kNone: return "none";
    case sync::Permission::kRead: return "read";
    case sync::Permission::kRecord: return "record";
    case sync::Permission::kVerify: return "verify";
    case sync::Permission::kReview: return "review";
    case sync::Permission::kDecide: return "decide";
    case sync::Permission::kAdminister: return "administer";
    case sync::Permission::kAudit: return "audit";
  }
  return "?";
}

// Records a refused sign-in or command where it reached the system.
void AuditRefusal(NodeStore& store, const std::string& who, const std::string& what) {
  if (auto txn = schema::Transaction::Begin(store.db()); txn.ok())
    if (store.Audit("refused", who, what).ok()) (void)txn->Commit();
}

}  // namespace

Result<std::string> PassphraseForInit(Invocation& inv) {
  if (const char* env = std::getenv("SIMPUL_PASSPHRASE"); env && *env) return std::string(env);
  SIMPUL_ASSIGN_OR_RETURN(std::string first, ReadPassphrase(inv, inv.T("New office passphrase (at least 10 characters): ")));
  if (isatty(0)) {
    std::string again = ReadPassword(inv, "SIMPUL_PASSPHRASE", inv.T("Type it again: "));
    if (again != first) return Status::InvalidArgument("the two passphrases differ");
  }
  return first;
}

Result<std::unique_ptr<NodeStore>> OpenForCommand(Invocation& inv) {
  SIMPUL_ASSIGN_OR_RETURN(auto key, StoreKey(inv));
  SIMPUL_ASSIGN_OR_RETURN(auto store, NodeStore::Open(inv.data_dir, sync::SystemClock::Default(), std::move(key)));
  if (!sync::HasOperators(store->db())) return store;  // setup mode
  sync::Permission need = inv.cmd ? inv.cmd->permission : sync::Permission::kRecord;
  if (need == sync::Permission::kNone) return store;
  if (inv.user.empty())
    return Status::PermissionDenied("sign-in required").WithMsg(MsgId::kLoginRequired);
  std::string password = ReadPassword(inv, "SIMPUL_PASSWORD", inv.T("Password: "));
  auto op = sync::Authenticate(store->db(), inv.user, password);
  if (!op.ok()) {
    AuditRefusal(*store, inv.user, std::string("sign-in failed for ") + (inv.cmd ? inv.cmd->path : "?"));
    return Status::PermissionDenied("sign-in failed").WithMsg(MsgId::kLoginFailed);
  }
  if (!sync::RoleAllows(op->role, need)) {
    store->set_actor(op->name);
    AuditRefusal(*store, op->name, std::string("role ") + op->role + " may not run " + inv.cmd->path);
    return Status::PermissionDenied("role forbids").WithMsg(MsgId::kRoleForbids, {op->role, inv.cmd->path});
  }
  store->set_actor(op->name + " (" + op->role + ")");
  return store;
}

Status CmdUserAdd(Invocation& inv) {
  if (inv.words.empty() || !inv.opts.count("role"))
    return Status::InvalidArgument("NAME and --role are required").WithMsg(MsgId::kMissingOption, {"NAME --role"});
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenForCommand(inv));
  std::string password = ReadPassword(inv, "SIMPUL_NEW_PASSWORD", inv.T("New password: "));
  SIMPUL_ASSIGN_OR_RETURN(auto txn, schema::Transaction::Begin(store->db()));
  SIMPUL_RETURN_IF_ERROR(sync::AddOperator(store->db(), inv.words[0], inv.opts["role"], password));
  SIMPUL_RETURN_IF_ERROR(store->Audit("account_added", inv.words[0], inv.opts["role"]));
  SIMPUL_RETURN_IF_ERROR(txn.Commit());
  *inv.out << inv.T("Account saved: ") << inv.words[0] << " (" << inv.opts["role"] << ")\n";
  return Status::Ok();
}

Status CmdUserList(Invocation& inv) {
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenForCommand(inv));
  SIMPUL_ASSIGN_OR_RETURN(auto ops, sync::ListOperators(store->db()));
  schema::JsonWriter j;
  j.BeginArray();
  for (const auto& o : ops) {
    if (inv.json) j.BeginObject().Field("name", o.name).Field("role", o.role).EndObject();
    else *inv.out << o.name << "  " << o.role << "\n";
  }
  if (inv.json) *inv.out << j.EndArray().str() << "\n";
  return Status::Ok();
}

Status CmdUserDisable(Invocation& inv) {
  if (inv.words.empty()) return Status::InvalidArgument("NAME is required").WithMsg(MsgId::kFieldRequired, {"NAME"});
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenForCommand(inv));
  SIMPUL_ASSIGN_OR_RETURN(auto txn, schema::Transaction::Begin(store->db()));
  SIMPUL_RETURN_IF_ERROR(sync::DisableOperator(store->db(), inv.words[0]));
  SIMPUL_RETURN_IF_ERROR(store->Audit("account_disabled", inv.words[0], ""));
  SIMPUL_RETURN_IF_ERROR(txn.Commit());
  *inv.out << inv.T("Account disabled: ") << inv.words[0] << "\n";
  return Status::Ok();
}

// unlock: once per session, so that every later command (and a daemon
// started in the session) opens the store without the passphrase.
Status CmdUnlock(Invocation& inv) {
  if (!StoreExists(inv.data_dir)) return NoStore(inv.data_dir);
  SIMPUL_ASSIGN_OR_RETURN(std::string path, SessionKeyPath(inv.data_dir));
  SIMPUL_ASSIGN_OR_RETURN(std::string passphrase, ReadPassphrase(inv, inv.T("Office passphrase: ")));
  auto key = NodeStore::Unlock(inv.data_dir, passphrase);
  sodium_memzero(passphrase.data(), passphrase.size());
  if (!key.ok()) {
    std::fprintf(stderr, "simpul-node: refused unlock of %s: %s\n", inv.data_dir.c_str(), key.status().ToString().c_str());
    return key.status();
  }
  std::error_code ec;
  fs::create_directories(fs::path(path).parent_path(), ec);
  ::chmod(fs::path(path).parent_path().c_str(), 0700);
  SIMPUL_RETURN_IF_ERROR(schema::WriteFileAtomically(path, std::string(key->view()), 0600));
  *inv.out << inv.T("Unlocked until logout or power-off (or: simpul-node lock).") << "\n";
  return Status::Ok();
}

Status CmdLock(Invocation& inv) {
  SIMPUL_ASSIGN_OR_RETURN(std::string path, SessionKeyPath(inv.data_dir));
  std::error_code ec;
  fs::remove(path, ec);
  *inv.out << inv.T("Locked: the next command asks for the office passphrase.") << "\n";
  return Status::Ok();
}

Status CmdPassphraseChange(Invocation& inv) {
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenForCommand(inv));
  std::string fresh = ReadPassword(inv, "SIMPUL_NEW_PASSPHRASE", inv.T("New office passphrase (at least 10 characters): "));
  if (isatty(0) && !std::getenv("SIMPUL_NEW_PASSPHRASE")) {
    std::string again = ReadPassword(inv, "SIMPUL_NEW_PASSPHRASE", inv.T("Type it again: "));
    if (again != fresh) return Status::InvalidArgument("the two passphrases differ");
  }
  SIMPUL_RETURN_IF_ERROR(store->SetPassphrase(fresh));
  sodium_memzero(fresh.data(), fresh.size());
  SIMPUL_ASSIGN_OR_RETURN(auto txn, schema::Transaction::Begin(store->db()));
  SIMPUL_RETURN_IF_ERROR(store->Audit("passphrase_changed", store->village(), ""));
  SIMPUL_RETURN_IF_ERROR(txn.Commit());
  *inv.out << inv.T("Office passphrase changed; the data was not re-encrypted.") << "\n";
  return Status::Ok();
}

Handler UnlockHandler() { return CmdUnlock; }
Handler LockHandler() { return CmdLock; }
Handler PassphraseChangeHandler() { return CmdPassphraseChange; }
Handler UserAddHandler() { return CmdUserAdd; }
Handler UserListHandler() { return CmdUserList; }
Handler UserDisableHandler() { return CmdUserDisable; }
const char* PermissionLabel(sync::Permission p) { return PermissionName(p); }

}  // namespace simpul::node
