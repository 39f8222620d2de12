// The crypto envelope of the sync protocol (libsodium): identities, frames,
// sealed requests and replies, signed errors, enrolment.
//
// Each node and the hub hold an Ed25519 identity. A request is sealed with a
// key only the named node and the hub can compute:
//   K = BLAKE2b-256("simpul/v1/request" || X25519(eph, hub) || X25519(node, hub) || header)
// where the node's and hub's X25519 keys are their Ed25519 keys converted.
// The first DH gives a fresh key per request, the second proves the node's
// identity; a reply is sealed under BLAKE2b-256("simpul/v1/reply" || K), so
// only the hub could have made it. The request header (with a strictly
// increasing per-node counter) is the AEAD's associated data. Errors the hub
// gives before it can seal are signed with its Ed25519 key. One round trip,
// safe over plain HTTP. Frame layouts: docs/PROTOCOL.md §3.
//
// Secrets live in SecretKey, wiped on destruction.
#ifndef SIMPUL_SYNC_CRYPTO_ENVELOPE_H_
#define SIMPUL_SYNC_CRYPTO_ENVELOPE_H_

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "schema/status.h"
#include "sync/wire/messages.h"

namespace simpul::sync::crypto {

using PublicKey = std::array<uint8_t, 32>;

// 64-byte Ed25519 secret key, wiped when destroyed; move-only.
class SecretKey {
 public:
  SecretKey();
  ~SecretKey();
  SecretKey(SecretKey&& other) noexcept;
  SecretKey& operator=(SecretKey&& other) noexcept;
  SecretKey(const SecretKey&) = delete;
  SecretKey& operator=(const SecretKey&) = delete;
  uint8_t* data() { return bytes_.data(); }
  const uint8_t* data() const { return bytes_.data(); }

 private:
  std::array<uint8_t, 64> bytes_{};
};

struct Identity {
  PublicKey sign_pk{};
  SecretKey sign_sk;
};

// Must be called once per process before anything else here (idempotent).
Status InitSodium();

Identity GenerateIdentity();
// 96 bytes: pk || sk. Stored in files with mode 0600.
std::string ExportIdentity(const Identity& id);
Result<Identity> ImportIdentity(std::string_view bytes);

std::string ToHex(const uint8_t* p, size_t n);
template <size_t N>
std::string ToHex(const std::array<uint8_t, N>& a) { return ToHex(a.data(), N); }
Result<PublicKey> PublicKeyFromHex(std::string_view hex);
// Exactly 2n hex digits into n bytes; false (out unspecified) for anything else.
bool FromHex(std::string_view hex, uint8_t* out, size_t n);
// Short fingerprint an operator can compare by eye: "ab12-cd34-ef56-7890".
std::string Fingerprint(const PublicKey& pk);

// Frames: "SMPL" | version u8 (1) | kind u8 | length u32 big-endian | body.
enum class FrameKind : uint8_t {
  kSealedRequest = 1,
  kSealedReply = 2,
  kSignedError = 3,
  kEnrolRequest = 4,
  kEnrolReply = 5,
};
std::string MakeFrame(FrameKind kind, std::string_view body);
struct FrameView {
  FrameKind kind;
  std::string_view body;
};
Result<FrameView> ParseFrame(std::string_view bytes);

// --- node side -----------------------------------------------------------------

struct SealedRequest {
  std::string frame;
  std::array<uint8_t, 32> reply_key{};
  std::array<uint8_t, 24> nonce{};
  ~SealedRequest();
};

// Seals `body` for the hub. `header` must have node_id, counter and
// schema_version set; the ephemeral key and nonce are filled in here.
Result<SealedRequest> SealRequest(const Identity& node, const PublicKey& hub_sign_pk,
                                  wire::RequestHeader header, std::string_view body);

// Opens the hub's reply to `request`: the body, or the hub's signed typed
// error as a Status (e.g. Unauthenticated "node revoked", VersionTooOld).
// A reply that is neither is Corruption.
Result<std::string> OpenReply(const SealedRequest& request, const PublicKey& hub_sign_pk,
                              std::string_view frame);

// --- hub side ------------------------------------------------------------------

// The header of a sealed request, readable before any key is known (to find
// the node and check versions). Nothing in it is trusted until OpenRequest.
Result<wire::RequestHeader> PeekRequestHeader(std::string_view frame);

struct OpenedRequest {
  wire::RequestHeader header;
  std::string body;
  std::array<uint8_t, 32> reply_key{};
  ~OpenedRequest();
};

// Decrypts a request from the node whose registered key is `node_sign_pk`.
// Unauthenticated if it was not sealed by that node for this hub.
Result<OpenedRequest> OpenRequest(std::string_view frame, const Identity& hub,
                                  const PublicKey& node_sign_pk);
std::string SealReply(const OpenedRequest& request, std::string_view body);
// A signed refusal; `request_nonce` binds it to the request (zeros if none).
std::string SignedError(const Identity& hub, const std::array<uint8_t, 24>& request_nonce,
                        const wire::ErrorReply& error);

// Converts an ErrorReply to the Status a node acts on.
Status ErrorToStatus(const wire::ErrorReply& error);
wire::ErrorReply StatusToError(const Status& st);

// --- hub key rotation --------------------------------------------------------------

// The hub's old key vouching for its new one (a link of SyncReply's
// hub_key_succession).
wire::KeySuccession SignKeySuccession(const Identity& old_key, const PublicKey& new_pk);
// Follows `chain` from the key a node pins: each link must start at the key
// reached so far and carry that key's signature. The last key reached, or
// Unauthenticated (nothing to adopt). An empty chain returns `pinned`.
Result<PublicKey> FollowKeySuccession(const PublicKey& pinned, const std::vector<wire::KeySuccession>& chain);

// --- enrolment ---------------------------------------------------------------------

// An enrolment code "XXXXXXXX-YYYYYYYYYYYYYYYY": a public id and an 80-bit
// secret, base32 (no 0/1/O/I). The hub keeps the id and the MAC key derived
// from the secret (never the secret), valid once and for a limited time.
struct EnrolCode {
  std::string id, secret;
  std::string Text() const { return id + "-" + secret; }
};
EnrolCode NewEnrolCode();
Result<EnrolCode> ParseEnrolCode(std::string_view text);
// BLAKE2b-256("simpul/v1/enrol" || secret), hex.
std::string EnrolMacKeyHex(std::string_view secret);

std::string SealEnrolRequest(const EnrolCode& code, const wire::EnrolRequest& req);
// Hub: reads the request (to find the code id), then checks its MAC with the
// stored key. Unauthenticated if the MAC is wrong.
Result<wire::EnrolRequest> PeekEnrolRequest(std::string_view frame);
Status VerifyEnrolRequest(std::string_view frame, std::string_view mac_key_hex);
std::string SealEnrolReply(const Identity& hub, std::string_view mac_key_hex,
                           std::string_view request_frame, const wire::EnrolReply& reply);
// Node: checks the MAC (the hub knew the code) and the hub's signature.
Result<wire::EnrolReply> OpenEnrolReply(const EnrolCode& code, std::string_view request_frame,
                                        std::string_view frame);

}  // namespace simpul::sync::crypto

#endif  // SIMPUL_SYNC_CRYPTO_ENVELOPE_H_
