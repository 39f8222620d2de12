// A bounded reader over the bytes of one encoded message, in the style of
// leveldb's Slice and util/coding.h: every Get consumes from the front of
// the bytes that remain, and nothing is read past them.
//
// It also keeps the message's allocation budget: the bytes the decoded
// message may take on the heap. A decoder charges the budget BEFORE it
// allocates (a string's bytes, a list's elements), so a lying length or a
// flood of tiny elements is refused before the memory is taken, whatever
// the input claims. Lengths are checked against the bytes that remain
// (Corruption: the input lies), counts against a per-field cap and the
// budget (ResourceExhausted: the input may be honest, but asks too much).
//
// Errors are sticky: the first failure is kept with the field it names, and
// every later Get returns zero or empty without consuming or allocating, so
// a decoder reads straight through and asks status() once (loops stop on
// !ok()). Not thread-safe; the input must outlive the reader.
#ifndef SIMPUL_SYNC_WIRE_READER_H_
#define SIMPUL_SYNC_WIRE_READER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "schema/status.h"

namespace simpul::sync::wire {

class Reader {
 public:
  Reader(std::string_view input, size_t alloc_budget) : rest_(input), budget_(alloc_budget) {}
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;

  bool ok() const { return code_ == Code::kOk; }
  // Ok, or the first failure, its message prefixed with `what`.
  Status status(std::string_view what) const;
  size_t remaining() const { return rest_.size(); }
  size_t budget_left() const { return budget_; }

  // Fixed-width numbers are little-endian unless this is set (cereal's
  // portable binary archive written on a big-endian machine).
  void set_big_endian(bool big) { big_endian_ = big; }

  uint8_t GetU8(const char* field) { return static_cast<uint8_t>(GetFixed(1, field)); }
  uint16_t GetU16(const char* field) { return static_cast<uint16_t>(GetFixed(2, field)); }
  uint32_t GetU32(const char* field) { return static_cast<uint32_t>(GetFixed(4, field)); }
  uint64_t GetU64(const char* field) { return GetFixed(8, field); }
  int64_t GetI64(const char* field) { return static_cast<int64_t>(GetFixed(8, field)); }
  double GetF64(const char* field);
  // One byte, 0 or 1 (anything else would be undefined behaviour in a bool).
  bool GetBool(const char* field);
  // LEB128, at most 10 bytes, at most 64 bits.
  uint64_t GetVarint(const char* field);
  // The next `n` bytes, not copied (a view into the input).
  std::string_view GetView(size_t n, const char* field);
  void GetRaw(void* out, size_t n, const char* field);

  // A varint length, then that many bytes: at most `max`. The string is
  // allocated only after its length was checked and charged.
  std::string GetString(size_t max, const char* field);
  // A string of exactly `n` bytes, `fill`ed, charged first ("" on failure):
  // for decoders that build a string the input does not hold as is.
  std::string MakeString(size_t n, char fill, const char* field);

  // A list's length (varint) of elements that take at least `min_wire`
  // bytes of input and `elem_size` bytes of memory each: refused when the
  // rest cannot hold them, when above `cap`, or when the budget cannot pay
  // for them; charged otherwise (the caller then reserves exactly that).
  size_t GetCount(size_t cap, size_t min_wire, size_t elem_size, const char* field);

  // Takes `bytes` from the budget; false (and ResourceExhausted) when it
  // cannot pay.
  bool Charge(size_t bytes, const char* field);
  // What a std::string of `n` bytes costs on the heap: nothing while it
  // fits the object itself (libstdc++ keeps 15 bytes inline), else n + 1.
  static size_t StringCost(size_t n) { return n <= 15 ? 0 : n + 1; }

  void Fail(Code code, std::string message);
  void Corrupt(const char* field, const std::string& detail) { Fail(Code::kCorruption, std::string(field) + ": " + detail); }

 private:
  uint64_t GetFixed(size_t width, const char* field);
  bool Need(size_t n, const char* field);

  std::string_view rest_;
  size_t budget_;
  bool big_endian_ = false;
  Code code_ = Code::kOk;
  std::string error_;
};

}  // namespace simpul::sync::wire

#endif  // SIMPUL_SYNC_WIRE_READER_H_
