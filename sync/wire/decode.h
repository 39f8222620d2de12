// Decoders of the wire messages from their uncompressed bytes (cereal's
// portable binary layout, PROTOCOL.md §4), over a bounded Reader
// (sync/wire/reader.h): every length is checked against the bytes that
// remain, every count against its cap (codec.h, PROTOCOL.md §11), and
// every allocation is charged to the message's budget before it is made
// (DecodeBudget). Internal to sync/wire: callers use codec.h.
#ifndef SIMPUL_SYNC_WIRE_DECODE_H_
#define SIMPUL_SYNC_WIRE_DECODE_H_

#include <string_view>

#include "schema/status.h"
#include "sync/wire/messages.h"

namespace simpul::sync::wire {

// The heap a decoded message of `n` bytes may take (codec.h).
size_t DecodeBudget(size_t n);

// A shared zstd stream's window (SharedCompressor / SharedDecompressor):
// what a frame may refer back to, and what the hub's decoder holds in
// memory per stream.
inline constexpr int kSharedWindowLog = 20;

Result<SyncRequest> ParseSyncRequest(std::string_view raw);
Result<SyncReply> ParseSyncReply(std::string_view raw);
Result<RecoveredReply> ParseRecovered(std::string_view raw);
Result<RequestHeader> ParseRequestHeader(std::string_view raw);
Result<ErrorReply> ParseErrorReply(std::string_view raw);
Result<EnrolRequest> ParseEnrolRequest(std::string_view raw);
Result<EnrolReply> ParseEnrolReply(std::string_view raw);

}  // namespace simpul::sync::wire

#endif  // SIMPUL_SYNC_WIRE_DECODE_H_
