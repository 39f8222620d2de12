#include "sync/accounts.h"

#include <sodium.h>

#include <chrono>

#include "schema/model.h"
#include "sync/crypto/at_rest.h"

namespace simpul::sync {

bool IsKnownRole(const std::string& role) { return schema::FindCode(schema::kRoles, role) != nullptr; }

std::string KnownRoles() {
  std::string out;
  for (const auto& r : schema::kRoles) out += std::string(out.empty() ? "" : ", ") + r.code;
  return out;
}

bool RoleAllows(const std::string& role, Permission p) {
  switch (p) {
    case Permission::kNone: return true;
    case Permission::kRead: return IsKnownRole(role);
    case Permission::kRecord: return role == "village_operator" || role == "administrator";
    case Permission::kVerify:
      return role == "kecamatan_verifier" || role == "hub_verifier" || role == "approving_official";
    case Permission::kReview: return role == "hub_verifier" || role == "approving_official" || role == "administrator";
    case Permission::kDecide: return role == "approving_official";
    case Permission::kAdminister: return role == "administrator";
    case Permission::kAudit: return role == "administrator" || role == "auditor";
  }
  return false;
}

bool HasOperators(schema::Db& db) {
  auto st = db.Cached("SELECT 1 FROM operators WHERE disabled=0 LIMIT 1");
  if (!st.ok()) return false;
  auto row = (*st)->Step();
  bool any = row.ok() && *row;
  (*st)->Reset();
  return any;
}

bool HasAdministrator(schema::Db& db) {
  auto st = db.Cached("SELECT 1 FROM operators WHERE disabled=0 AND role='administrator' LIMIT 1");
  if (!st.ok()) return false;
  auto row = (*st)->Step();
  bool any = row.ok() && *row;
  (*st)->Reset();
  return any;
}

Status AddOperator(schema::Db& db, const std::string& name, const std::string& role, const std::string& password) {
  if (sodium_init() < 0) return Status::Internal("libsodium failed to initialise");
  if (name.empty() || name.size() > 64 || name.find_first_of(" \t\n\"'") != std::string::npos)
    return Status::InvalidArgument("an operator name is 1-64 characters without spaces or quotes");
  if (!IsKnownRole(role)) return Status::InvalidArgument("role must be one of: " + KnownRoles());
  if (password.size() < 10) return Status::InvalidArgument("a password needs at least 10 characters");
  if (!HasOperators(db) && role != "administrator")
    return Status::FailedPrecondition("the first account must be an administrator");
  char hash[crypto_pwhash_STRBYTES];
  const crypto::KdfCost cost = crypto::DefaultKdfCost();
  if (crypto_pwhash_str(hash, password.data(), password.size(), cost.ops, static_cast<size_t>(cost.mem_bytes)) != 0)
    return Status::ResourceExhausted("not enough memory to hash the password");
  auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch()).count();
  SIMPUL_ASSIGN_OR_RETURN(schema::Stmt * ins, db.Cached(
      "INSERT INTO operators(name,role,pw_hash,created_at_ms) VALUES(?,?,?,?)"
      " ON CONFLICT(name) DO UPDATE SET role=excluded.role, pw_hash=excluded.pw_hash, disabled=0"));
  ins->Bind(1, name).Bind(2, role).Bind(3, std::string(hash)).Bind(4, static_cast<int64_t>(now));
  sodium_memzero(hash, sizeof hash);
  return ins->Run();
}

Status DisableOperator(schema::Db& db, const std::string& name) {
  SIMPUL_ASSIGN_OR_RETURN(schema::Stmt * up, db.Cached("UPDATE operators SET disabled=1 WHERE name=?"));
  up->Bind(1, name);
  SIMPUL_RETURN_IF_ERROR(up->Run());
  if (db.Changes() == 0) return Status::NotFound("no operator " + name);
  return Status::Ok();
}

Result<std::vector<Operator>> ListOperators(schema::Db& db) {
  SIMPUL_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT name, role FROM operators WHERE disabled=0 ORDER BY name"));
  std::vector<Operator> out;
  for (;;) {
    SIMPUL_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back({st.Text(0), st.Text(1)});
  }
  return out;
}

Result<Operator> Authenticate(schema::Db& db, const std::string& name, const std::string& password) {
  if (sodium_init() < 0) return Status::Internal("libsodium failed to initialise");
  SIMPUL_ASSIGN_OR_RETURN(schema::Stmt * q, db.Cached(
      "SELECT role, pw_hash FROM operators WHERE name=? AND disabled=0"));
  q->Bind(1, name);
  SIMPUL_ASSIGN_OR_RETURN(bool row, q->Step());
  std::string role = row ? q->Text(0) : "", hash = row ? q->Text(1) : "";
  q->Reset();
  if (!row || crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) != 0)
    return Status::PermissionDenied("unknown operator or wrong password");
  return Operator{name, role};
}

}  // namespace simpul::sync
