// simpul-hub: the district hub. All logic lives in simpul_hub.
#include <string>
#include <vector>

#include "hub/cli/cli.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return simpul::hub::RunHubCli(args);
}
