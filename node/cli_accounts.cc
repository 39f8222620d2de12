// Operator accounts on the node: signing in for each command, and the
// `user` commands that manage accounts.
#include <termios.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "node/cli_internal.h"
#include "schema/json_writer.h"

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

Result<std::unique_ptr<NodeStore>> OpenForCommand(Invocation& inv) {
  SIMPUL_ASSIGN_OR_RETURN(auto store, NodeStore::Open(inv.data_dir, sync::SystemClock::Default()));
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

Handler UserAddHandler() { return CmdUserAdd; }
Handler UserListHandler() { return CmdUserList; }
Handler UserDisableHandler() { return CmdUserDisable; }
const char* PermissionLabel(sync::Permission p) { return PermissionName(p); }

}  // namespace simpul::node
