// Shared by the fuzz targets and make_seeds.cc: fixed identities, enrolment
// codes and request secrets, so the committed seeds authenticate against the
// targets' keys, and the input layouts (the first byte of every input picks
// what the rest is fed to).
//
// Fixed keys are fine here: these are test keys, derived from one-byte seeds.
#ifndef SIMPUL_TESTS_FUZZ_FUZZ_COMMON_H_
#define SIMPUL_TESTS_FUZZ_FUZZ_COMMON_H_

#include <sodium.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "schema/migrations.h"
#include "sync/crypto/envelope.h"
#include "sync/wire/codec.h"
#include "sync/wire/messages.h"

namespace simpul::fuzz {

namespace crypto = sync::crypto;
namespace wire = sync::wire;

// A property the code under test must keep; a violation is a finding, so it
// aborts like a crash (libFuzzer saves the input).
#define SIMPUL_FUZZ_CHECK(cond, what)                                                   \
  do {                                                                                  \
    if (!(cond)) {                                                                      \
      std::fprintf(stderr, "FUZZ PROPERTY VIOLATED at %s:%d: %s\n  %s\n", __FILE__,     \
                   __LINE__, #cond, std::string(what).c_str());                         \
      std::abort();                                                                     \
    }                                                                                   \
  } while (0)

inline void Die(const std::string& why) {
  std::fprintf(stderr, "fuzz setup failed: %s\n", why.c_str());
  std::abort();
}

// --- fixed identities ------------------------------------------------------------

enum IdentitySeed : uint8_t { kHubSeed = 1, kNodeASeed = 2, kNodeBSeed = 3, kNodeRSeed = 4, kNewNodeSeed = 5 };

// A deterministic Ed25519 identity from a one-byte seed.
inline crypto::Identity FixedIdentity(uint8_t seed) {
  if (!crypto::InitSodium().ok()) Die("libsodium");
  uint8_t s[crypto_sign_SEEDBYTES];
  std::memset(s, seed, sizeof s);
  uint8_t pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
  crypto_sign_seed_keypair(pk, sk, s);
  std::string bytes(reinterpret_cast<const char*>(pk), sizeof pk);
  bytes.append(reinterpret_cast<const char*>(sk), sizeof sk);
  auto id = crypto::ImportIdentity(bytes);
  if (!id.ok()) Die(id.status().ToString());
  return std::move(id).value();
}

inline constexpr uint64_t kHubClockMs = 1'700'000'000'000ULL;  // the hub target's fixed clock
inline constexpr const char* kVillage = "35.10.01.2001";       // node-a, node-b, node-r
inline constexpr const char* kOtherVillage = "35.10.01.2002";  // the fuzzed enrolment code
inline constexpr const char* kNodeA = "node-a";
inline constexpr const char* kNodeB = "node-b";
inline constexpr const char* kNodeRevoked = "node-r";
inline constexpr const char* kNewNode = "node-new";

// The document node-a uploads in the hub target's setup (its attachment row
// is in kVillage, so node-a and node-b may fetch it).
inline constexpr const char* kFuzzDocument = "fuzz document bytes";
inline std::string Sha256Hex(std::string_view data) {
  uint8_t d[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(d, reinterpret_cast<const uint8_t*>(data.data()), data.size());
  return crypto::ToHex(d, sizeof d);
}

inline int SchemaVersion() { return schema::LatestSchemaVersion(); }

// Enrolment codes (base32 without 0/1/O/I). The hub target enrols node-a,
// node-b and node-r with the first three in setup; kFuzzCode (for
// kOtherVillage, so it can never re-key a node of kVillage) is left for the
// inputs.
inline crypto::EnrolCode CodeA() { return {"FUZZAAAA", "AAAAAAAAAAAAAAAA"}; }
inline crypto::EnrolCode CodeB() { return {"FUZZBBBB", "BBBBBBBBBBBBBBBB"}; }
inline crypto::EnrolCode CodeR() { return {"FUZZRRRR", "RRRRRRRRRRRRRRRR"}; }
inline crypto::EnrolCode FuzzCode() { return {"FUZZFFFF", "FFFFFFFFFFFFFFFF"}; }

// The enrolment request the envelope target's OpenEnrolReply answers.
inline wire::EnrolRequest FixedEnrolRequest() {
  wire::EnrolRequest r;
  r.code_id = FuzzCode().id;
  r.node_id = kNewNode;
  r.village = kOtherVillage;
  r.node_sign_pk = FixedIdentity(kNewNodeSeed).sign_pk;
  r.schema_version = static_cast<uint32_t>(SchemaVersion());
  return r;
}
inline std::string FixedEnrolRequestFrame() { return crypto::SealEnrolRequest(FuzzCode(), FixedEnrolRequest()); }

// The sealed request the envelope target's OpenReply answers (only its nonce
// and reply key matter there).
inline crypto::SealedRequest FixedSealedRequest() {
  crypto::SealedRequest r;
  r.reply_key.fill(0x5a);
  r.nonce.fill(0xa5);
  return r;
}
// The hub-side twin of FixedSealedRequest, to seal replies to it.
inline crypto::OpenedRequest FixedOpenedRequest() {
  crypto::OpenedRequest o;
  o.reply_key.fill(0x5a);
  o.header.nonce.fill(0xa5);
  return o;
}

// A request header as node `node_id` sends it (SealRequest fills eph_pk and nonce).
inline wire::RequestHeader Header(const std::string& node_id, uint64_t counter) {
  wire::RequestHeader h;
  h.node_id = node_id;
  h.counter = counter;
  h.schema_version = static_cast<uint32_t>(SchemaVersion());
  return h;
}

inline void PutU16(std::string& out, size_t v) {
  out += static_cast<char>((v >> 8) & 0xff);
  out += static_cast<char>(v & 0xff);
}
inline const uint8_t* U8(std::string_view s) { return reinterpret_cast<const uint8_t*>(s.data()); }

// A signed-error frame over an arbitrary payload (the layout of
// crypto::SignedError, which only takes a well-formed ErrorReply).
inline std::string SignErrorPayload(const crypto::Identity& hub, const std::array<uint8_t, 24>& nonce,
                                    std::string_view payload) {
  std::string to_sign = "simpul/v1/error";
  to_sign.append(reinterpret_cast<const char*>(nonce.data()), nonce.size());
  to_sign.append(payload);
  uint8_t sig[crypto_sign_BYTES];
  crypto_sign_detached(sig, nullptr, U8(to_sign), to_sign.size(), hub.sign_sk.data());
  std::string body;
  PutU16(body, payload.size());
  body.append(payload);
  body.append(reinterpret_cast<const char*>(sig), sizeof sig);
  return crypto::MakeFrame(crypto::FrameKind::kSignedError, body);
}

// An enrolment-reply frame over an arbitrary payload: MAC keyed by `code`
// over payload || request_frame, then the hub's signature over the payload
// (the layout of crypto::SealEnrolReply).
inline std::string SealEnrolReplyPayload(const crypto::Identity& hub, const crypto::EnrolCode& code,
                                         std::string_view request_frame, std::string_view payload) {
  std::string key_hex = crypto::EnrolMacKeyHex(code.secret);
  uint8_t key[32];
  size_t len = 0;
  if (sodium_hex2bin(key, sizeof key, key_hex.data(), key_hex.size(), nullptr, &len, nullptr) != 0 || len != 32)
    Die("mac key");
  crypto_generichash_state st;
  crypto_generichash_init(&st, key, sizeof key, 32);
  crypto_generichash_update(&st, U8(payload), payload.size());
  crypto_generichash_update(&st, U8(request_frame), request_frame.size());
  uint8_t mac[32];
  crypto_generichash_final(&st, mac, sizeof mac);
  uint8_t sig[crypto_sign_BYTES];
  crypto_sign_detached(sig, nullptr, U8(payload), payload.size(), hub.sign_sk.data());
  std::string body;
  PutU16(body, payload.size());
  body.append(payload);
  body.append(reinterpret_cast<const char*>(mac), sizeof mac);
  body.append(reinterpret_cast<const char*>(sig), sizeof sig);
  return crypto::MakeFrame(crypto::FrameKind::kEnrolReply, body);
}

// An enrolment-request frame over an arbitrary payload, MAC'd with `code`.
inline std::string SealEnrolRequestPayload(const crypto::EnrolCode& code, std::string_view payload) {
  std::string key_hex = crypto::EnrolMacKeyHex(code.secret);
  uint8_t key[32];
  size_t len = 0;
  if (sodium_hex2bin(key, sizeof key, key_hex.data(), key_hex.size(), nullptr, &len, nullptr) != 0 || len != 32)
    Die("mac key");
  uint8_t mac[32];
  crypto_generichash(mac, sizeof mac, U8(payload), payload.size(), key, sizeof key);
  std::string body;
  PutU16(body, payload.size());
  body.append(payload);
  body.append(reinterpret_cast<const char*>(mac), sizeof mac);
  return crypto::MakeFrame(crypto::FrameKind::kEnrolRequest, body);
}

// --- input layouts: byte 0 selects, the rest is the payload ------------------------

// codec_fuzz
enum CodecSel : uint8_t {
  kCodecSyncRequest = 0,     // DecodeSyncRequest(zstd frame)
  kCodecSyncReply = 1,       // DecodeSyncReply(zstd frame)
  kCodecRawHeader = 2,       // DecodeRawHeader
  kCodecRawError = 3,        // DecodeRawError
  kCodecRawEnrolRequest = 4, // DecodeRawEnrolRequest
  kCodecRawEnrolReply = 5,   // DecodeRawEnrolReply
  kCodecDecompress = 6,      // Decompress
  kCodecSyncRequestRaw = 7,  // DecodeSyncRequest(Compress(payload)): cereal bytes directly
  kCodecSyncReplyRaw = 8,    // DecodeSyncReply(Compress(payload))
  kCodecRecovered = 9,       // DecodeRecovered (a hub's stored request outcome)
  kCodecCount = 10,
};

// envelope_fuzz
enum EnvelopeSel : uint8_t {
  kEnvParseFrame = 0,
  kEnvPeekRequestHeader = 1,
  kEnvOpenReply = 2,          // OpenReply(FixedSealedRequest, hub pk, payload)
  kEnvOpenRequest = 3,        // OpenRequest(payload, hub identity, node-a pk)
  kEnvPeekEnrolRequest = 4,
  kEnvVerifyEnrolRequest = 5, // with FuzzCode's MAC key
  kEnvOpenEnrolReply = 6,     // OpenEnrolReply(FuzzCode, FixedEnrolRequestFrame, payload)
  kEnvImportIdentity = 7,
  kEnvParseEnrolCode = 8,
  kEnvSignedErrorPayload = 9,  // payload = ErrorReply bytes, signed by the hub: OpenReply
  kEnvEnrolReplyPayload = 10,  // payload = EnrolReply bytes, MAC'd and signed: OpenEnrolReply
  kEnvSealOpen = 11,           // payload = u8 header length, RequestHeader bytes, body: seal/open round trip
  kEnvPublicKeyFromHex = 12,
  kEnvCount = 13,
};

// hub_sync_fuzz
enum HubMode : uint8_t {
  kHubRawSync = 0,         // payload is the frame: HandleSync
  kHubRawBundle = 1,       // payload is the frame: HandleBundle
  kHubRawEnrol = 2,        // payload is the frame: HandleEnrol
  kHubSealedA = 3,         // payload = SyncRequest cereal bytes; compressed, sealed by node-a: HandleSync
  kHubSealedB = 4,         // same, by node-b (pulls what node-a pushed)
  kHubSealedBundleA = 5,   // same as kHubSealedA through HandleBundle
  kHubSealedBodyA = 6,     // payload = the sealed body as is (zstd frame), by node-a: HandleSync
  kHubSealedEnrol = 7,     // payload = EnrolRequest cereal bytes, MAC'd with FuzzCode: HandleEnrol
  kHubModeCount = 8,
};

// validate_fuzz
enum ValidateSel : uint8_t {
  kValNik = 0,
  kValKk = 1,
  kValPhone = 2,
  kValDate = 3,
  kValRegionCode = 4,
  kValCount = 5,
};

}  // namespace simpul::fuzz

#endif  // SIMPUL_TESTS_FUZZ_FUZZ_COMMON_H_
