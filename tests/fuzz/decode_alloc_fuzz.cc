// Fuzzes the wire decoders for the heap they take (issue 10, item 3): the
// decoding of a message of n decompressed bytes must never hold more than
// kPeakPerByte * n + kPeakSlack bytes at once (PROTOCOL.md §11), whatever
// the input claims. Byte 0 picks the decoder (CodecSel in fuzz_common.h,
// the codec target's layout, so the codec corpus seeds this target); the
// SyncRequest/SyncReply "Raw" selectors compress the payload first, outside
// the measurement, so the fuzzer works on cereal bytes directly.
//
// The heap is counted with ASan's malloc/free hooks
// (tests/support/alloc_meter.h): every allocation, zstd's contexts too.
#include <zstd.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "tests/fuzz/fuzz_common.h"
#include "tests/support/alloc_meter.h"

namespace simpul::fuzz {
namespace {

// k = 17: the decoded message's budget (16 bytes per byte) plus the
// decompressed bytes themselves; the slack is the budget's allowance
// (1 MiB) plus zstd's decompression context and error messages (1 MiB).
constexpr size_t kPeakPerByte = wire::kDecodeBytesPerByte + 1;
constexpr size_t kPeakSlack = wire::kDecodeAllowance + (1u << 20);

// The decompressed size a zstd frame declares (what Decompress allocates
// before it inflates), or 0 when it is refused before that.
size_t DeclaredSize(std::string_view in) {
  if (in.size() > wire::kMaxEncodedBytes) return 0;
  unsigned long long size = ZSTD_getFrameContentSize(in.data(), in.size());
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN || size > wire::kMaxDecodedBytes) return 0;
  return static_cast<size_t>(size);
}

template <class F>
void Measure(size_t n, const char* what, F decode) {
  test::AllocMeter meter;
  decode();
  const size_t peak = meter.peak(), bound = kPeakPerByte * n + kPeakSlack;
  SIMPUL_FUZZ_CHECK(peak <= bound, std::string(what) + ": decoding " + std::to_string(n) + " bytes held " +
                                       std::to_string(peak) + " bytes of heap; the bound is " + std::to_string(bound));
}

void Run(uint8_t sel, std::string_view in) {
  switch (sel) {
    case kCodecSyncRequest:
      Measure(DeclaredSize(in), "DecodeSyncRequest", [&] { (void)wire::DecodeSyncRequest(in); });
      break;
    case kCodecSyncReply:
      Measure(DeclaredSize(in), "DecodeSyncReply", [&] { (void)wire::DecodeSyncReply(in); });
      break;
    case kCodecSyncRequestRaw: {
      std::string z = wire::Compress(in, 1);
      Measure(in.size(), "DecodeSyncRequest(raw)", [&] { (void)wire::DecodeSyncRequest(z); });
      break;
    }
    case kCodecSyncReplyRaw: {
      std::string z = wire::Compress(in, 1);
      Measure(in.size(), "DecodeSyncReply(raw)", [&] { (void)wire::DecodeSyncReply(z); });
      break;
    }
    case kCodecRawHeader:
      Measure(in.size(), "DecodeRawHeader", [&] { (void)wire::DecodeRawHeader(in); });
      break;
    case kCodecRawError:
      Measure(in.size(), "DecodeRawError", [&] { (void)wire::DecodeRawError(in); });
      break;
    case kCodecRawEnrolRequest:
      Measure(in.size(), "DecodeRawEnrolRequest", [&] { (void)wire::DecodeRawEnrolRequest(in); });
      break;
    case kCodecRawEnrolReply:
      Measure(in.size(), "DecodeRawEnrolReply", [&] { (void)wire::DecodeRawEnrolReply(in); });
      break;
    case kCodecRecovered:
      Measure(in.size(), "DecodeRecovered", [&] { (void)wire::DecodeRecovered(in); });
      break;
    case kCodecDecompress:
      Measure(DeclaredSize(in), "Decompress", [&] { (void)wire::Decompress(in); });
      break;
    default:
      break;
  }
}

}  // namespace
}  // namespace simpul::fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (!simpul::test::AllocMeter::Available()) simpul::fuzz::Die("the allocation hooks need AddressSanitizer");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  simpul::fuzz::Run(data[0] % simpul::fuzz::kCodecCount,
                    std::string_view(reinterpret_cast<const char*>(data + 1), size - 1));
  return 0;
}
