// Assertions on text a binary printed: the needle, and the whole text when
// it is missing (or present when it must not be), so a failure reads alone.
#ifndef SIMPUL_TESTS_SUPPORT_CHECK_TEXT_H_
#define SIMPUL_TESTS_SUPPORT_CHECK_TEXT_H_

#include <doctest/doctest.h>

#include <string>

#define CHECK_HAS(hay, needle)                                                          \
  CHECK_MESSAGE(std::string(hay).find(needle) != std::string::npos,                     \
                "expected \"" << (needle) << "\" in:\n" << (hay))
#define REQUIRE_HAS(hay, needle)                                                        \
  REQUIRE_MESSAGE(std::string(hay).find(needle) != std::string::npos,                   \
                  "expected \"" << (needle) << "\" in:\n" << (hay))
#define CHECK_HAS_NOT(hay, needle)                                                      \
  CHECK_MESSAGE(std::string(hay).find(needle) == std::string::npos,                     \
                "did not expect \"" << (needle) << "\" in:\n" << (hay))

#endif  // SIMPUL_TESTS_SUPPORT_CHECK_TEXT_H_
