#include "tests/support/alloc_meter.h"

#include <malloc.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <new>

#if defined(__SANITIZE_ADDRESS__)
#define SIMPUL_METER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SIMPUL_METER_ASAN 1
#endif
#endif

namespace {
std::atomic<bool> g_armed{false};
std::atomic<int64_t> g_live{0};
std::atomic<int64_t> g_peak{0};
std::atomic<size_t> g_largest{0};
std::atomic<size_t> g_count{0};

void Raise(std::atomic<int64_t>& a, int64_t v) {
  int64_t cur = a.load(std::memory_order_relaxed);
  while (v > cur && !a.compare_exchange_weak(cur, v)) {
  }
}

void NoteAlloc(size_t n) {
  if (!g_armed.load(std::memory_order_relaxed)) return;
  g_count.fetch_add(1, std::memory_order_relaxed);
  Raise(g_peak, g_live.fetch_add(static_cast<int64_t>(n)) + static_cast<int64_t>(n));
  size_t cur = g_largest.load(std::memory_order_relaxed);
  while (n > cur && !g_largest.compare_exchange_weak(cur, n)) {
  }
}
void NoteFree(size_t n) {
  if (g_armed.load(std::memory_order_relaxed)) g_live.fetch_sub(static_cast<int64_t>(n));
}
}  // namespace

#if defined(SIMPUL_METER_ASAN)
extern "C" int __sanitizer_install_malloc_and_free_hooks(void (*)(const volatile void*, size_t),
                                                          void (*)(const volatile void*)) __attribute__((weak));
extern "C" size_t __sanitizer_get_allocated_size(const volatile void*) __attribute__((weak));
namespace {
void MallocHook(const volatile void*, size_t n) { NoteAlloc(n); }
// Called before the block is released, so its size is still known.
void FreeHook(const volatile void* p) {
  if (p && g_armed.load(std::memory_order_relaxed)) NoteFree(__sanitizer_get_allocated_size(p));
}
bool Install() {
  return __sanitizer_install_malloc_and_free_hooks && __sanitizer_get_allocated_size &&
         __sanitizer_install_malloc_and_free_hooks(MallocHook, FreeHook) != 0;
}
}  // namespace
#else
void* operator new(std::size_t n) {
  void* p = std::malloc(n ? n : 1);
  if (!p) throw std::bad_alloc();
  NoteAlloc(malloc_usable_size(p));
  return p;
}
void* operator new[](std::size_t n) { return ::operator new(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  void* p = std::malloc(n ? n : 1);
  if (p) NoteAlloc(malloc_usable_size(p));
  return p;
}
void* operator new[](std::size_t n, const std::nothrow_t& t) noexcept { return ::operator new(n, t); }
void operator delete(void* p) noexcept {
  if (p) NoteFree(malloc_usable_size(p));
  std::free(p);
}
void operator delete[](void* p) noexcept { ::operator delete(p); }
void operator delete(void* p, std::size_t) noexcept { ::operator delete(p); }
void operator delete[](void* p, std::size_t) noexcept { ::operator delete(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { ::operator delete(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { ::operator delete(p); }
namespace {
bool Install() { return true; }
}  // namespace
#endif

namespace simpul::test {

bool AllocMeter::Available() {
  static const bool ok = Install();
  return ok;
}

AllocMeter::AllocMeter() {
  (void)Available();
  g_live = 0;
  g_peak = 0;
  g_largest = 0;
  g_count = 0;
  g_armed = true;
}
AllocMeter::~AllocMeter() { g_armed = false; }

size_t AllocMeter::peak() const { return static_cast<size_t>(g_peak.load()); }
size_t AllocMeter::largest() const { return g_largest.load(); }
size_t AllocMeter::allocations() const { return g_count.load(); }

}  // namespace simpul::test
