// Operator accounts and roles of one store (node or hub): who may run which
// command. Passwords are hashed with Argon2id (libsodium crypto_pwhash_str,
// interactive limits); the table is local and never replicated.
//
// A store with no account is in setup mode: commands run, and the first
// account created must be an administrator. From then on every command
// needs an account whose role allows it.
#ifndef SIMPUL_SYNC_ACCOUNTS_H_
#define SIMPUL_SYNC_ACCOUNTS_H_

#include <string>
#include <vector>

#include "schema/db.h"
#include "schema/status.h"

namespace simpul::sync {

// Roles (persisted: never rename).
//   village_operator    records, submissions, sync, bundles, exports in a village
//   kecamatan_verifier  field visits and recommendations
//   hub_verifier        the Dinsos queue: return, edit, conflicts, moves, bundles
//   approving_official  approve, reject, issue letters (and what a verifier does)
//   administrator       enrolment, revocation, accounts, audit
//   auditor             reads and the audit log, nothing else
bool IsKnownRole(const std::string& role);
std::string KnownRoles();

// Permissions a command needs (persisted in code tables, not in stores).
enum class Permission {
  kNone,        // setup and help
  kRead,        // list, show, status
  kRecord,      // village records, sync, bundles, exports
  kVerify,      // field visit, recommendation
  kReview,      // return, edit, conflicts, moves, bundle import
  kDecide,      // approve, reject, letter
  kAdminister,  // enrolment, revocation, accounts
  kAudit,       // the audit log
};
bool RoleAllows(const std::string& role, Permission p);

struct Operator {
  std::string name, role;
};

bool HasOperators(schema::Db& db);
// True when an active (not disabled) administrator account exists.
bool HasAdministrator(schema::Db& db);
Status AddOperator(schema::Db& db, const std::string& name, const std::string& role, const std::string& password);
Status DisableOperator(schema::Db& db, const std::string& name);
Result<std::vector<Operator>> ListOperators(schema::Db& db);
// PermissionDenied (same message for an unknown name and a wrong password).
Result<Operator> Authenticate(schema::Db& db, const std::string& name, const std::string& password);

}  // namespace simpul::sync

#endif  // SIMPUL_SYNC_ACCOUNTS_H_
