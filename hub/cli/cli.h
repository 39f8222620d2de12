// The command line of simpul-hub (Dinsos hub operators and the server).
// Exit codes: those of simpul-node, from the one map in schema/exit_codes.h.
#ifndef SIMPUL_HUB_CLI_CLI_H_
#define SIMPUL_HUB_CLI_CLI_H_

#include <string>
#include <vector>

namespace simpul::hub {

int RunHubCli(const std::vector<std::string>& args);

}  // namespace simpul::hub

#endif  // SIMPUL_HUB_CLI_CLI_H_
