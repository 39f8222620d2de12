// sync/record_input.h IsHeadRelation: relation 1 as the integer field
// stores it, for the household form and the register import alike.
#include "sync/record_input.h"

#include <doctest/doctest.h>

namespace simpul::sync {

TEST_CASE("head relation: 1 however it is typed, nothing else") {
  for (const char* head : {"1", "01", "001", " 1", "1 ", "\t1\t", "+1", " +01 "}) {
    CAPTURE(head);
    CHECK(IsHeadRelation(head));
  }
  for (const char* other : {"", " ", "2", "10", "11", "-1", "1.0", "1a", "a1", "satu", "++1", "+", "0x1", "1 1"}) {
    CAPTURE(other);
    CHECK_FALSE(IsHeadRelation(other));
  }
}

}  // namespace simpul::sync
