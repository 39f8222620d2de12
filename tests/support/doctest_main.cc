#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdlib>

#include "tests/support/temp_dir.h"

int main(int argc, char** argv) {
  // Node stores are encrypted at rest: the node binaries a test starts
  // unlock them with this passphrase unless the test says otherwise.
  setenv("SIMPUL_PASSPHRASE", simpul::testing::kTestPassphrase, 0);
  return doctest::Context(argc, argv).run();
}
