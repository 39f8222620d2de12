// The command line of simpul-hub (Dinsos hub operators and the server).
// Exit codes: 0 ok, 1 internal error, 2 bad input or refused action,
// 3 hub store unusable, 4 store busy or peer unreachable, 5 file I/O error.
#ifndef SIMPUL_HUB_CLI_H_
#define SIMPUL_HUB_CLI_H_

#include <string>
#include <vector>

namespace simpul::hub {

int RunHubCli(const std::vector<std::string>& args);

}  // namespace simpul::hub

#endif  // SIMPUL_HUB_CLI_H_
