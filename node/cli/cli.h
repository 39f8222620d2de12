// The operator command line of simpul-node.
//
// Exit codes (stable; scripts rely on them):
//   0 ok
//   1 internal error (a bug: please report it)
//   2 bad input: usage, validation, unknown id, not allowed in this state
//   3 the data directory is not usable: missing, not a Simpul store,
//     damaged, or written by a newer Simpul
//   4 temporarily unavailable: the store is busy (another simpul-node is
//     writing) or the hub is unreachable: try again later
//   5 a file could not be read or written (permissions, disk full)
//   6 the hub refused this node: not enrolled, revoked, unknown, or the
//     versions differ (upgrade the side the message names)
//   (one map for both tools: schema/exit_codes.h)
//   7 not signed in, wrong password, or the operator's role does not allow
//     the command
#ifndef SIMPUL_NODE_CLI_CLI_H_
#define SIMPUL_NODE_CLI_CLI_H_

#include <string>
#include <vector>

#include "schema/exit_codes.h"
#include "schema/status.h"

namespace simpul::node {

// The exit codes and the Status -> exit code map are shared with simpul-hub
// (schema/exit_codes.h).
using ::simpul::ExitCode;
using ::simpul::ExitCodeFor;

// Runs one command; writes to stdout/stderr; returns the exit code.
int RunCli(const std::vector<std::string>& args);

}  // namespace simpul::node

#endif  // SIMPUL_NODE_CLI_CLI_H_
