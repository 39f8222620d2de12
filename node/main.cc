// simpul-node: the village operator's tool. All logic lives in simpul_node.
#include <string>
#include <vector>

#include "node/cli/cli.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return simpul::node::RunCli(args);
}
