// Fuzzes the wire codec (sync/wire/codec.h): every decoder, on hostile bytes.
// Byte 0 picks the decoder (CodecSel in fuzz_common.h); the "Raw" selectors
// compress the payload first so the fuzzer works on cereal bytes directly.
//
// Properties, beyond "no crash, no leak, no undefined behaviour": whatever
// decodes re-encodes to bytes that decode again to the same encoding (the
// hub re-encodes what it received, e.g. a pushed version in its item result,
// and the node must be able to read that).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "tests/fuzz/fuzz_common.h"

namespace simpul::fuzz {
namespace {

template <class T, class Enc, class Dec>
void CheckRoundTrip(const T& m, Enc encode, Dec decode, const char* what) {
  std::string e1 = encode(m);
  auto again = decode(e1);
  SIMPUL_FUZZ_CHECK(again.ok(), std::string(what) + ": a decoded message re-encodes to bytes that do not decode: " +
                                    again.status().ToString());
  SIMPUL_FUZZ_CHECK(encode(*again) == e1, std::string(what) + ": re-encoding is not stable");
}

void Run(uint8_t sel, std::string_view in) {
  switch (sel) {
    case kCodecSyncRequest:
    case kCodecSyncRequestRaw: {
      std::string bytes = sel == kCodecSyncRequestRaw ? wire::Compress(in) : std::string(in);
      auto m = wire::DecodeSyncRequest(bytes);
      if (m.ok())
        CheckRoundTrip(*m, [](const wire::SyncRequest& x) { return wire::Encode(x); },
                       [](std::string_view b) { return wire::DecodeSyncRequest(b); }, "SyncRequest");
      break;
    }
    case kCodecSyncReply:
    case kCodecSyncReplyRaw: {
      std::string bytes = sel == kCodecSyncReplyRaw ? wire::Compress(in) : std::string(in);
      auto m = wire::DecodeSyncReply(bytes);
      if (m.ok())
        CheckRoundTrip(*m, [](const wire::SyncReply& x) { return wire::Encode(x); },
                       [](std::string_view b) { return wire::DecodeSyncReply(b); }, "SyncReply");
      break;
    }
    case kCodecRawHeader: {
      auto m = wire::DecodeRawHeader(in);
      if (m.ok())
        CheckRoundTrip(*m, [](const wire::RequestHeader& x) { return wire::EncodeRaw(x); },
                       [](std::string_view b) { return wire::DecodeRawHeader(b); }, "RequestHeader");
      break;
    }
    case kCodecRawError: {
      auto m = wire::DecodeRawError(in);
      if (m.ok())
        CheckRoundTrip(*m, [](const wire::ErrorReply& x) { return wire::EncodeRaw(x); },
                       [](std::string_view b) { return wire::DecodeRawError(b); }, "ErrorReply");
      break;
    }
    case kCodecRawEnrolRequest: {
      auto m = wire::DecodeRawEnrolRequest(in);
      if (m.ok())
        CheckRoundTrip(*m, [](const wire::EnrolRequest& x) { return wire::EncodeRaw(x); },
                       [](std::string_view b) { return wire::DecodeRawEnrolRequest(b); }, "EnrolRequest");
      break;
    }
    case kCodecRawEnrolReply: {
      auto m = wire::DecodeRawEnrolReply(in);
      if (m.ok())
        CheckRoundTrip(*m, [](const wire::EnrolReply& x) { return wire::EncodeRaw(x); },
                       [](std::string_view b) { return wire::DecodeRawEnrolReply(b); }, "EnrolReply");
      break;
    }
    case kCodecRecovered: {
      auto m = wire::DecodeRecovered(in);
      if (m.ok())
        CheckRoundTrip(*m, [](const wire::RecoveredReply& x) { return wire::EncodeRecovered(x); },
                       [](std::string_view b) { return wire::DecodeRecovered(b); }, "RecoveredReply");
      break;
    }
    case kCodecDecompress: {
      auto raw = wire::Decompress(in);
      if (raw.ok()) {
        auto back = wire::Decompress(wire::Compress(*raw));
        SIMPUL_FUZZ_CHECK(back.ok() && *back == *raw, "zstd round trip");
      }
      // A small limit must hold whatever the frame claims.
      auto small = wire::Decompress(in, 4096);
      SIMPUL_FUZZ_CHECK(!small.ok() || small->size() <= 4096, "Decompress exceeded its limit");
      break;
    }
    default:
      break;
  }
}

}  // namespace
}  // namespace simpul::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  simpul::fuzz::Run(data[0] % simpul::fuzz::kCodecCount,
                    std::string_view(reinterpret_cast<const char*>(data + 1), size - 1));
  return 0;
}
