#include "sync/wire/stream.h"

#include <cstring>

#include "sync/wire/codec.h"

namespace simpul::sync::wire {

Result<FrameSplit> SplitFrames(std::string_view body, bool allow_tail, size_t max_frames) {
  FrameSplit out;
  size_t at = 0;
  while (at < body.size()) {
    std::string_view rest = body.substr(at);
    // A header cut short can only be told from garbage by what is there.
    size_t have = std::min<size_t>(rest.size(), 10);
    if (std::memcmp(rest.data(), "SMPL", std::min<size_t>(have, 4)) != 0 ||
        (have > 4 && static_cast<uint8_t>(rest[4]) != 1) ||
        (have > 5 && (static_cast<uint8_t>(rest[5]) < 1 || static_cast<uint8_t>(rest[5]) > 5)))
      return Status::Corruption("stream: bytes at offset " + std::to_string(at) + " are not a Simpul frame");
    if (have < 10) {
      if (!allow_tail) return Status::Corruption("stream: frame header cut short");
      out.tail = rest.size();
      return out;
    }
    uint32_t len = (static_cast<uint32_t>(static_cast<uint8_t>(rest[6])) << 24) |
                   (static_cast<uint32_t>(static_cast<uint8_t>(rest[7])) << 16) |
                   (static_cast<uint32_t>(static_cast<uint8_t>(rest[8])) << 8) |
                   static_cast<uint32_t>(static_cast<uint8_t>(rest[9]));
    if (len > kMaxEncodedBytes) return Status::ResourceExhausted("stream: frame larger than the limit");
    if (rest.size() - 10 < len) {
      if (!allow_tail) return Status::Corruption("stream: last frame cut short");
      out.tail = rest.size();
      return out;
    }
    if (out.frames.size() == max_frames)
      return Status::Corruption("stream: more than " + std::to_string(max_frames) + " frames");
    out.frames.push_back(rest.substr(0, 10 + len));
    at += 10 + len;
  }
  return out;
}

std::string JoinFrames(const std::vector<std::string>& frames) {
  size_t n = 0;
  for (const auto& f : frames) n += f.size();
  std::string out;
  out.reserve(n);
  for (const auto& f : frames) out += f;
  return out;
}

}  // namespace simpul::sync::wire
