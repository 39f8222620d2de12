// Measures the heap a piece of code takes, for tests and fuzz targets that
// bound it: while an AllocMeter is armed, the bytes allocated minus the
// bytes freed (and their peak), the largest single allocation, and the
// number of allocations.
//
// Under AddressSanitizer it uses ASan's malloc/free hooks, so it sees every
// malloc (C and C++: zstd's contexts too); otherwise it replaces the global
// operator new/delete of the executable (C++ allocations only). Link
// tests/support/alloc_meter.cc into each executable that uses it, and into
// no other (it replaces operator new there). One meter at a time; the
// measured code should not free blocks allocated before the meter was
// armed (they would lower the count), and other threads' allocations count
// too.
#ifndef SIMPUL_TESTS_SUPPORT_ALLOC_METER_H_
#define SIMPUL_TESTS_SUPPORT_ALLOC_METER_H_

#include <cstddef>

namespace simpul::test {

class AllocMeter {
 public:
  AllocMeter();   // arms, from zero
  ~AllocMeter();  // disarms
  AllocMeter(const AllocMeter&) = delete;
  AllocMeter& operator=(const AllocMeter&) = delete;

  // False when the hooks could not be installed (then every count is 0).
  static bool Available();
  size_t peak() const;
  size_t largest() const;
  size_t allocations() const;
};

}  // namespace simpul::test

#endif  // SIMPUL_TESTS_SUPPORT_ALLOC_METER_H_
