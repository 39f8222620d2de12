// The decoding side of codec.h: zstd, bounded, then the message parsers of
// sync/wire/decode.cc.
#include <zstd.h>

#include <algorithm>
#include <new>

#include "sync/wire/codec.h"
#include "sync/wire/decode.h"

namespace simpul::sync::wire {
namespace {

constexpr uint32_t kZstdMagic = 0xFD2FB528u;

bool StartsWithZstdMagic(std::string_view b) {
  if (b.size() < 4) return false;
  uint32_t m = static_cast<uint32_t>(static_cast<uint8_t>(b[0])) | static_cast<uint32_t>(static_cast<uint8_t>(b[1])) << 8 |
               static_cast<uint32_t>(static_cast<uint8_t>(b[2])) << 16 |
               static_cast<uint32_t>(static_cast<uint8_t>(b[3])) << 24;
  return m == kZstdMagic;
}

}  // namespace

Result<std::string> Decompress(std::string_view in, size_t max_bytes) {
  if (in.size() > kMaxEncodedBytes) return Status::ResourceExhausted("compressed message too large");
  unsigned long long size = ZSTD_getFrameContentSize(in.data(), in.size());
  if (size == ZSTD_CONTENTSIZE_ERROR) return Status::Corruption("not a zstd frame");
  if (size == ZSTD_CONTENTSIZE_UNKNOWN) return Status::Corruption("zstd frame without content size");
  if (size > max_bytes) return Status::ResourceExhausted("message decompresses beyond the limit");
  std::string out(static_cast<size_t>(size), '\0');
  size_t n = ZSTD_decompress(out.data(), out.size(), in.data(), in.size());
  if (ZSTD_isError(n) || n != size) return Status::Corruption("zstd frame damaged");
  return out;
}

Result<RequestHeader> DecodeRawHeader(std::string_view b) { return ParseRequestHeader(b); }
Result<ErrorReply> DecodeRawError(std::string_view b) { return ParseErrorReply(b); }
Result<EnrolRequest> DecodeRawEnrolRequest(std::string_view b) { return ParseEnrolRequest(b); }
Result<EnrolReply> DecodeRawEnrolReply(std::string_view b) { return ParseEnrolReply(b); }
Result<RecoveredReply> DecodeRecovered(std::string_view bytes) { return ParseRecovered(bytes); }

Result<SyncRequest> DecodeSyncRequest(std::string_view bytes) {
  SIMPUL_ASSIGN_OR_RETURN(std::string raw, Decompress(bytes));
  return ParseSyncRequest(raw);
}
Result<SyncReply> DecodeSyncReply(std::string_view bytes) {
  SIMPUL_ASSIGN_OR_RETURN(std::string raw, Decompress(bytes));
  return ParseSyncReply(raw);
}

Status ResolveBlobStates(const SyncRequest& req, std::vector<BlobState>* states) {
  if (states->size() != req.blob_query.size() + req.blob_chunks.size())
    return Status::Corruption("hub answered " + std::to_string(states->size()) + " document states for " +
                              std::to_string(req.blob_query.size() + req.blob_chunks.size()) + " documents");
  for (size_t i = 0; i < states->size(); ++i) {
    const std::string& sha =
        i < req.blob_query.size() ? req.blob_query[i] : req.blob_chunks[i - req.blob_query.size()].sha256;
    auto& st = (*states)[i];
    if (st.sha256.empty()) st.sha256 = sha;
    else if (st.sha256 != sha) return Status::Corruption("document states out of order");
  }
  return Status::Ok();
}

// --- a shared stream across a round's frames (the hub's side) -------------------

struct SharedDecompressor::Impl {
  ZSTD_DCtx* dctx = ZSTD_createDCtx();
  bool active = false;
  ~Impl() { ZSTD_freeDCtx(dctx); }
};

SharedDecompressor::SharedDecompressor() : impl_(std::make_unique<Impl>()) {
  if (!impl_->dctx) throw std::bad_alloc();
  ZSTD_DCtx_setParameter(impl_->dctx, ZSTD_d_windowLogMax, kSharedWindowLog);
}
SharedDecompressor::~SharedDecompressor() = default;

Result<SyncRequest> SharedDecompressor::Decode(std::string_view body) {
  if (body.size() > kMaxEncodedBytes) return Status::ResourceExhausted("compressed message too large");
  if (StartsWithZstdMagic(body)) {
    unsigned long long size = ZSTD_getFrameContentSize(body.data(), body.size());
    if (size != ZSTD_CONTENTSIZE_UNKNOWN) {
      impl_->active = false;
      return DecodeSyncRequest(body);  // a frame on its own
    }
    ZSTD_DCtx_reset(impl_->dctx, ZSTD_reset_session_only);
    impl_->active = true;
  } else if (!impl_->active) {
    return Status::Corruption("sync request: a part of a compression stream that never started");
  }
  // A flushed part: all of its input decodes to the whole request.
  std::string out;
  ZSTD_inBuffer in{body.data(), body.size(), 0};
  for (;;) {
    if (out.size() >= kMaxDecodedBytes) {
      impl_->active = false;
      return Status::ResourceExhausted("message decompresses beyond the limit");
    }
    size_t at = out.size();
    out.resize(std::min(kMaxDecodedBytes, at + std::max<size_t>(ZSTD_DStreamOutSize(), at)));
    ZSTD_outBuffer ob{out.data() + at, out.size() - at, 0};
    size_t r = ZSTD_decompressStream(impl_->dctx, &ob, &in);
    out.resize(at + ob.pos);
    if (ZSTD_isError(r)) {
      impl_->active = false;
      return Status::Corruption(std::string("zstd stream damaged: ") + ZSTD_getErrorName(r));
    }
    if (r == 0) impl_->active = false;  // the zstd frame ended: the next part must start one
    if (in.pos == in.size && ob.pos < ob.size) break;  // all input consumed, all output out
  }
  auto m = ParseSyncRequest(out);
  if (!m.ok()) impl_->active = false;
  return m;
}

}  // namespace simpul::sync::wire
