// Streamed requests (docs/PROTOCOL.md §16): one HTTP body carrying several
// whole frames back to back (each an ordinary sealed request, or a reply),
// so a cut mid-body loses only the frame in transit: the hub handles every
// frame it received whole. SplitFrames reads only the 10-byte frame headers
// (magic, version, kind, length); it authenticates nothing. Hostile input is
// bounded: at most `max_frames` frames, each at most kMaxEncodedBytes.
#ifndef SIMPUL_SYNC_WIRE_STREAM_H_
#define SIMPUL_SYNC_WIRE_STREAM_H_

#include <string>
#include <string_view>
#include <vector>

#include "schema/status.h"

namespace simpul::sync::wire {

inline constexpr size_t kMaxStreamFrames = 256;

struct FrameSplit {
  std::vector<std::string_view> frames;  // whole frames, in order (views into the input)
  size_t tail = 0;                       // bytes after the last whole frame (a frame cut short)
};

// Splits `body` into whole frames. With `allow_tail` a trailing incomplete
// frame is reported in `tail` (a body cut by the link); without it, it is
// Corruption. A header that is not a Simpul frame header, a length over the
// limit, or more than `max_frames` frames is Corruption (or
// ResourceExhausted for sizes).
Result<FrameSplit> SplitFrames(std::string_view body, bool allow_tail, size_t max_frames = kMaxStreamFrames);

// The frames concatenated (the inverse of SplitFrames).
std::string JoinFrames(const std::vector<std::string>& frames);

}  // namespace simpul::sync::wire

#endif  // SIMPUL_SYNC_WIRE_STREAM_H_
