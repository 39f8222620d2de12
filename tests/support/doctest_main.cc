#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdlib>

#include "tests/support/temp_dir.h"

int main(int argc, char** argv) {
  // Node stores are encrypted at rest: code under test in this process
  // unlocks them with this passphrase, whatever the shell running the tests
  // holds (the binaries a test starts get theirs from
  // ChildEnvironment, tests/support/process.h).
  setenv("SIMPUL_PASSPHRASE", simpul::testing::kTestPassphrase, 1);
  return doctest::Context(argc, argv).run();
}
