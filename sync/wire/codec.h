// Encoding of wire messages: cereal portable binary with explicit class
// versions, then zstd. Decoders treat input as hostile: the compressed and
// decompressed sizes are bounded, every length prefix is checked against the
// bytes that remain, every list's count against its cap below, and the heap
// a message takes against its budget (kDecodeBytesPerByte), all before
// anything is allocated. A failure is one status naming the field:
// Corruption when the input lies (a length beyond the input, an unknown
// class version or tag, trailing bytes), ResourceExhausted when it asks for
// more than the limits. Nothing is half-decoded: the caller gets a whole
// message or an error.
#ifndef SIMPUL_SYNC_WIRE_CODEC_H_
#define SIMPUL_SYNC_WIRE_CODEC_H_

#include <memory>
#include <string>
#include <string_view>

#include "schema/status.h"
#include "sync/wire/messages.h"

namespace simpul::sync::wire {

inline constexpr size_t kMaxDecodedBytes = 64u << 20;  // one message, decompressed
inline constexpr size_t kMaxEncodedBytes = 32u << 20;  // one message on the wire

// Decoding a message of n (decompressed) bytes takes at most
// kDecodeBytesPerByte * n + kDecodeAllowance bytes of heap for the decoded
// message (PROTOCOL.md §11): each string and list is charged before it is
// allocated, and a message that would need more is refused
// (ResourceExhausted). Honest messages stay far below (about 3 to 8 bytes
// per byte); the allowance covers small lists of tiny elements, e.g. 5,000
// one-byte item results.
inline constexpr size_t kDecodeBytesPerByte = 16;
inline constexpr size_t kDecodeAllowance = 1u << 20;

// Per-message caps on list lengths, checked before a list grows
// (ResourceExhausted beyond).
inline constexpr size_t kMaxPushChanges = 5000;          // SyncRequest.push and .handback, SyncReply.results and .handback_results
inline constexpr size_t kMaxReplyChanges = 1'000'000;    // SyncReply.pulled, SyncReply.repair
inline constexpr size_t kMaxFieldsPerChange = 256;       // Change.fields
inline constexpr size_t kMaxDocumentsPerMessage = 100'000;  // each document list (states: twice)
inline constexpr size_t kMaxBucketsPerMessage = 256;     // repair_buckets, bucket_digests
inline constexpr size_t kMaxKeySuccession = 1024;        // SyncReply.hub_key_succession
inline constexpr size_t kMaxEpochLinks = 1024;           // SyncReply.lineage (SyncReply.signatures: 2 x kMaxReplyChanges)

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
// recovered cannot travel). Decoders read every version. A request is
// compressed at `level` (sync/wire/level.h chooses it from the link).
std::string Encode(const SyncRequest& m, uint16_t protocol = kProtocolMax, int level = 19);
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

// One zstd stream across the frames of a streamed round of changes
// (protocol 3, PROTOCOL.md §16): each frame's body is what the stream
// produced up to a flush. Small frames (a cut loses little) then compress
// as well as one large request; a frame decodes only after the frames
// before it, which the hub handles in order anyway.
class SharedCompressor {
 public:
  explicit SharedCompressor(int level = 19);  // zstd level, sync/wire/level.h
  ~SharedCompressor();
  SharedCompressor(const SharedCompressor&) = delete;
  SharedCompressor& operator=(const SharedCompressor&) = delete;
  // The next frame's body: `m` encoded for `protocol`, compressed, flushed.
  std::string Next(const SyncRequest& m, uint16_t protocol);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The hub's side, for one streamed body: a body that is a whole zstd frame
// stating its content size decodes on its own (DecodeSyncRequest); one that
// starts a zstd frame without it starts a shared stream; a body that does
// not start with the zstd magic continues the current one. Bounded like
// DecodeSyncRequest (and to a 1 MiB window); a failure ends the stream.
class SharedDecompressor {
 public:
  SharedDecompressor();
  ~SharedDecompressor();
  SharedDecompressor(const SharedDecompressor&) = delete;
  SharedDecompressor& operator=(const SharedDecompressor&) = delete;
  Result<SyncRequest> Decode(std::string_view body);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// zstd helpers, bounded.
std::string Compress(std::string_view raw, int level = 3);
Result<std::string> Decompress(std::string_view compressed, size_t max_bytes = kMaxDecodedBytes);

}  // namespace simpul::sync::wire

#endif  // SIMPUL_SYNC_WIRE_CODEC_H_
