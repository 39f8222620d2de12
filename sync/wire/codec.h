// Encoding of wire messages: cereal portable binary with explicit class
// versions, then zstd. Decoders treat input as hostile: the compressed and
// decompressed sizes are bounded, every length prefix is checked against the
// bytes that remain before anything is allocated, and any failure is one
// Corruption status naming what failed. Nothing is half-decoded: the caller
// gets a whole message or an error.
#ifndef SIMPUL_SYNC_WIRE_CODEC_H_
#define SIMPUL_SYNC_WIRE_CODEC_H_

#include <string>
#include <string_view>

#include "schema/status.h"
#include "sync/wire/messages.h"

namespace simpul::sync::wire {

inline constexpr size_t kMaxDecodedBytes = 64u << 20;  // one message, decompressed
inline constexpr size_t kMaxEncodedBytes = 32u << 20;  // one message on the wire

// Uncompressed cereal bytes (used for headers and signed parts).
std::string EncodeRaw(const RequestHeader& m);
std::string EncodeRaw(const ErrorReply& m);
std::string EncodeRaw(const EnrolRequest& m);
std::string EncodeRaw(const EnrolReply& m);
Result<RequestHeader> DecodeRawHeader(std::string_view bytes);
Result<ErrorReply> DecodeRawError(std::string_view bytes);
Result<EnrolRequest> DecodeRawEnrolRequest(std::string_view bytes);
Result<EnrolReply> DecodeRawEnrolReply(std::string_view bytes);

// cereal + zstd (the bodies inside the crypto envelope). A SyncRequest is
// written for the `protocol` the hub speaks: below 3 as class version 1
// (skip_pull and recover_from cannot travel). A SyncReply is written as
// class version 3 when its `protocol` is 3, else 2 (handled_through and
// recovered cannot travel). Decoders read every version.
std::string Encode(const SyncRequest& m, uint16_t protocol = kProtocolMax);
std::string Encode(const SyncReply& m);
Result<SyncRequest> DecodeSyncRequest(std::string_view bytes);
Result<SyncReply> DecodeSyncReply(std::string_view bytes);

// The stored form of a RecoveredReply (the hub keeps one per handled
// request that pushed changes or carried documents; uncompressed).
std::string EncodeRecovered(const RecoveredReply& m);
Result<RecoveredReply> DecodeRecovered(std::string_view bytes);

// Protocol 3 replies leave out the document ids of blob_states (their
// position in the request names them): fills them in from `req`, and checks
// the count (and any id that is present).
Status ResolveBlobStates(const SyncRequest& req, std::vector<BlobState>* states);

// zstd helpers, bounded.
std::string Compress(std::string_view raw, int level = 3);
Result<std::string> Decompress(std::string_view compressed, size_t max_bytes = kMaxDecodedBytes);

}  // namespace simpul::sync::wire

#endif  // SIMPUL_SYNC_WIRE_CODEC_H_
