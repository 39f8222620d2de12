// The exit codes of simpul-node and simpul-hub, and the one map from a
// Status to them. Both command lines use it, so the same failure exits with
// the same number whichever tool reports it. Stable: scripts rely on the
// numbers (README, `--help` of both tools).
//
//   0 ok
//   1 internal error (a bug: please report it)
//   2 bad input: usage, validation, unknown id, not allowed in this state
//   3 the data directory is not usable: missing, not a Simpul store,
//     damaged, or written by a newer Simpul
//   4 temporarily unavailable: the store is busy or the hub unreachable
//   5 a file could not be read or written (permissions, disk full)
//   6 refused by the hub or for lack of trust: not enrolled, revoked,
//     unknown or forged peer, or the versions differ (upgrade the side the
//     message names)
//   7 the store is locked (missing or wrong office passphrase), not signed
//     in, or the operator's role does not allow the command
//
// Thread-safety: a pure function.
#ifndef SIMPUL_SCHEMA_EXIT_CODES_H_
#define SIMPUL_SCHEMA_EXIT_CODES_H_

#include "schema/status.h"

namespace simpul {

// Persisted in scripts: never renumber.
enum ExitCode {
  kExitOk = 0,
  kExitInternal = 1,
  kExitBadInput = 2,
  kExitStore = 3,
  kExitBusy = 4,
  kExitIo = 5,
  kExitRefused = 6,
  kExitNotAuthorized = 7,
};

// The exit code for `status`: by its catalogue message when that says more
// than the code (a locked store, a sign-in), else by its code.
int ExitCodeFor(const Status& status);

}  // namespace simpul

#endif  // SIMPUL_SCHEMA_EXIT_CODES_H_
