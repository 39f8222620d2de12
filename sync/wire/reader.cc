#include "sync/wire/reader.h"

#include <cstring>

namespace simpul::sync::wire {

Status Reader::status(std::string_view what) const {
  if (ok()) return Status::Ok();
  return Status(code_, std::string(what) + ": " + error_);
}

void Reader::Fail(Code code, std::string message) {
  if (!ok()) return;  // the first failure names the cause
  code_ = code;
  error_ = std::move(message);
  rest_ = {};
}

bool Reader::Need(size_t n, const char* field) {
  if (!ok()) return false;
  if (n <= rest_.size()) return true;
  Corrupt(field, "needs " + std::to_string(n) + " bytes, " + std::to_string(rest_.size()) + " left");
  return false;
}

uint64_t Reader::GetFixed(size_t width, const char* field) {
  if (!Need(width, field)) return 0;
  uint64_t v = 0;
  for (size_t i = 0; i < width; ++i) {
    uint64_t b = static_cast<uint8_t>(rest_[i]);
    v |= big_endian_ ? b << (8 * (width - 1 - i)) : b << (8 * i);
  }
  rest_.remove_prefix(width);
  return v;
}

double Reader::GetF64(const char* field) {
  uint64_t bits = GetFixed(8, field);
  double d;
  std::memcpy(&d, &bits, sizeof d);
  return d;
}

bool Reader::GetBool(const char* field) {
  uint8_t b = GetU8(field);
  if (b > 1) Corrupt(field, "boolean byte " + std::to_string(b));
  return b == 1;
}

uint64_t Reader::GetVarint(const char* field) {
  uint64_t n = 0;
  for (int shift = 0; shift < 64 && ok(); shift += 7) {
    if (rest_.empty()) {
      Corrupt(field, "length cut short");
      return 0;
    }
    uint8_t b = static_cast<uint8_t>(rest_[0]);
    rest_.remove_prefix(1);
    if (shift == 63 && b > 1) break;  // bits beyond 64
    n |= static_cast<uint64_t>(b & 0x7f) << shift;
    if (!(b & 0x80)) return n;
  }
  Corrupt(field, "length prefix longer than 10 bytes or beyond 64 bits");
  return 0;
}

std::string_view Reader::GetView(size_t n, const char* field) {
  if (!Need(n, field)) return {};
  std::string_view v = rest_.substr(0, n);
  rest_.remove_prefix(n);
  return v;
}

void Reader::GetRaw(void* out, size_t n, const char* field) {
  std::string_view v = GetView(n, field);
  if (ok()) std::memcpy(out, v.data(), n);
  else std::memset(out, 0, n);
}

bool Reader::Charge(size_t bytes, const char* field) {
  if (!ok()) return false;
  if (bytes <= budget_) {
    budget_ -= bytes;
    return true;
  }
  Fail(Code::kResourceExhausted, std::string(field) + ": the message would take more memory than its size allows");
  return false;
}

std::string Reader::GetString(size_t max, const char* field) {
  uint64_t n = GetVarint(field);
  if (!ok()) return {};
  if (n > rest_.size()) {
    Corrupt(field, "length " + std::to_string(n) + " exceeds the " + std::to_string(rest_.size()) + " bytes left");
    return {};
  }
  if (n > max) {
    Corrupt(field, "length " + std::to_string(n) + " exceeds " + std::to_string(max));
    return {};
  }
  if (!Charge(StringCost(n), field)) return {};
  std::string_view v = GetView(n, field);
  return std::string(v.data(), v.size());  // constructed at its size: one allocation of n + 1
}

std::string Reader::MakeString(size_t n, char fill, const char* field) {
  if (!Charge(StringCost(n), field)) return {};
  return std::string(n, fill);
}

size_t Reader::GetCount(size_t cap, size_t min_wire, size_t elem_size, const char* field) {
  uint64_t n = GetVarint(field);
  if (!ok() || n == 0) return 0;
  if (min_wire == 0) min_wire = 1;
  if (n > rest_.size() / min_wire) {
    Corrupt(field, "list length " + std::to_string(n) + " exceeds what the " + std::to_string(rest_.size()) +
                       " bytes left can hold");
    return 0;
  }
  if (n > cap) {
    Fail(Code::kResourceExhausted,
         std::string(field) + ": " + std::to_string(n) + " entries; at most " + std::to_string(cap));
    return 0;
  }
  if (!Charge(static_cast<size_t>(n) * elem_size, field)) return 0;
  return static_cast<size_t>(n);
}

}  // namespace simpul::sync::wire
