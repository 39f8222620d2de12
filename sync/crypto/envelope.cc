#include "sync/crypto/envelope.h"

#include <sodium.h>

#include <cstring>

#include "sync/wire/codec.h"

namespace simpul::sync::crypto {
namespace {

constexpr char kMagic[4] = {'S', 'M', 'P', 'L'};
constexpr uint8_t kFrameVersion = 1;

using Key32 = std::array<uint8_t, 32>;

void Wipe(void* p, size_t n) { sodium_memzero(p, n); }

std::string_view AsView(const uint8_t* p, size_t n) {
  return {reinterpret_cast<const char*>(p), n};
}
const uint8_t* U8(std::string_view s) { return reinterpret_cast<const uint8_t*>(s.data()); }

Status Unauth(const std::string& why) { return Status::Unauthenticated(why); }

// K = BLAKE2b-256(label || dh1 || dh2 || header).
Key32 DeriveRequestKey(const Key32& dh1, const Key32& dh2, std::string_view header) {
  static constexpr char kLabel[] = "simpul/v1/request";
  crypto_generichash_state st;
  crypto_generichash_init(&st, nullptr, 0, 32);
  crypto_generichash_update(&st, reinterpret_cast<const uint8_t*>(kLabel), sizeof kLabel - 1);
  crypto_generichash_update(&st, dh1.data(), 32);
  crypto_generichash_update(&st, dh2.data(), 32);
  crypto_generichash_update(&st, U8(header), header.size());
  Key32 k;
  crypto_generichash_final(&st, k.data(), 32);
  return k;
}

Key32 DeriveReplyKey(const Key32& request_key) {
  static constexpr char kLabel[] = "simpul/v1/reply";
  crypto_generichash_state st;
  crypto_generichash_init(&st, nullptr, 0, 32);
  crypto_generichash_update(&st, reinterpret_cast<const uint8_t*>(kLabel), sizeof kLabel - 1);
  crypto_generichash_update(&st, request_key.data(), 32);
  Key32 k;
  crypto_generichash_final(&st, k.data(), 32);
  return k;
}

bool ToCurvePk(const PublicKey& ed, Key32* out) {
  return crypto_sign_ed25519_pk_to_curve25519(out->data(), ed.data()) == 0;
}

void PutU32(std::string& out, uint32_t v) {
  for (int i = 3; i >= 0; --i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}
uint32_t GetU32(std::string_view s) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<uint8_t>(s[i]);
  return v;
}
void PutU16(std::string& out, uint16_t v) {
  out += static_cast<char>(v >> 8);
  out += static_cast<char>(v & 0xff);
}

std::string Mac(std::string_view key_hex, std::string_view a, std::string_view b = {}) {
  uint8_t key[32];
  size_t len = 0;
  if (sodium_hex2bin(key, sizeof key, key_hex.data(), key_hex.size(), nullptr, &len, nullptr) != 0 ||
      len != 32)
    std::memset(key, 0, sizeof key);  // a malformed stored key can match nothing real
  crypto_generichash_state st;
  crypto_generichash_init(&st, key, sizeof key, 32);
  crypto_generichash_update(&st, U8(a), a.size());
  crypto_generichash_update(&st, U8(b), b.size());
  uint8_t mac[32];
  crypto_generichash_final(&st, mac, 32);
  Wipe(key, sizeof key);
  return std::string(AsView(mac, 32));
}

constexpr char kBase32[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

std::string RandomBase32(size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += kBase32[randombytes_uniform(32)];
  return out;
}

}  // namespace

SecretKey::SecretKey() = default;
SecretKey::~SecretKey() { Wipe(bytes_.data(), bytes_.size()); }
SecretKey::SecretKey(SecretKey&& o) noexcept : bytes_(o.bytes_) { Wipe(o.bytes_.data(), 64); }
SecretKey& SecretKey::operator=(SecretKey&& o) noexcept {
  bytes_ = o.bytes_;
  Wipe(o.bytes_.data(), 64);
  return *this;
}

SealedRequest::~SealedRequest() { Wipe(reply_key.data(), reply_key.size()); }
OpenedRequest::~OpenedRequest() { Wipe(reply_key.data(), reply_key.size()); }

Status InitSodium() {
  if (sodium_init() < 0) return Status::Internal("libsodium failed to initialise");
  return Status::Ok();
}

Identity GenerateIdentity() {
  Identity id;
  crypto_sign_keypair(id.sign_pk.data(), id.sign_sk.data());
  return id;
}

std::string ExportIdentity(const Identity& id) {
  return std::string(AsView(id.sign_pk.data(), 32)) + std::string(AsView(id.sign_sk.data(), 64));
}

Result<Identity> ImportIdentity(std::string_view bytes) {
  if (bytes.size() != 96) return Status::Corruption("identity file must be 96 bytes");
  Identity id;
  std::memcpy(id.sign_pk.data(), bytes.data(), 32);
  std::memcpy(id.sign_sk.data(), bytes.data() + 32, 64);
  // Re-derive the pair from the secret seed: any flipped bit shows.
  uint8_t pk[32], sk[64];
  crypto_sign_seed_keypair(pk, sk, id.sign_sk.data());
  bool ok = sodium_memcmp(pk, id.sign_pk.data(), 32) == 0 && sodium_memcmp(sk, id.sign_sk.data(), 64) == 0;
  Wipe(sk, sizeof sk);
  if (!ok) return Status::Corruption("identity file is damaged (keys do not match)");
  return id;
}

std::string ToHex(const uint8_t* p, size_t n) {
  std::string out(n * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), p, n);
  out.pop_back();
  return out;
}

bool FromHex(std::string_view hex, uint8_t* out, size_t n) {
  size_t got = 0;
  return hex.size() == 2 * n &&
         sodium_hex2bin(out, n, hex.data(), hex.size(), nullptr, &got, nullptr) == 0 && got == n;
}

Result<PublicKey> PublicKeyFromHex(std::string_view hex) {
  PublicKey pk;
  if (!FromHex(hex, pk.data(), pk.size())) return Status::InvalidArgument("public key must be 64 hex digits");
  return pk;
}

std::string Fingerprint(const PublicKey& pk) {
  uint8_t h[8];
  crypto_generichash(h, sizeof h, pk.data(), pk.size(), nullptr, 0);
  std::string hex = ToHex(h, sizeof h);
  return hex.substr(0, 4) + "-" + hex.substr(4, 4) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4);
}

std::string MakeFrame(FrameKind kind, std::string_view body) {
  std::string out(kMagic, 4);
  out += static_cast<char>(kFrameVersion);
  out += static_cast<char>(kind);
  PutU32(out, static_cast<uint32_t>(body.size()));
  out.append(body);
  return out;
}

Result<FrameView> ParseFrame(std::string_view bytes) {
  if (bytes.size() < 10) return Status::Corruption("frame shorter than its header");
  if (std::memcmp(bytes.data(), kMagic, 4) != 0) return Status::Corruption("not a Simpul frame");
  if (static_cast<uint8_t>(bytes[4]) != kFrameVersion)
    return Status::Corruption("unknown frame version " + std::to_string(static_cast<uint8_t>(bytes[4])));
  uint8_t kind = static_cast<uint8_t>(bytes[5]);
  if (kind < 1 || kind > 5) return Status::Corruption("unknown frame kind " + std::to_string(kind));
  uint32_t len = GetU32(bytes.substr(6, 4));
  if (len > wire::kMaxEncodedBytes) return Status::ResourceExhausted("frame larger than the limit");
  if (bytes.size() - 10 != len) return Status::Corruption("frame length does not match its body (truncated?)");
  return FrameView{static_cast<FrameKind>(kind), bytes.substr(10)};
}

Result<SealedRequest> SealRequest(const Identity& node, const PublicKey& hub_sign_pk,
                                  wire::RequestHeader header, std::string_view body) {
  Key32 hub_x;
  if (!ToCurvePk(hub_sign_pk, &hub_x)) return Status::InvalidArgument("hub key is not a valid Ed25519 key");
  uint8_t node_x_sk[32];
  crypto_sign_ed25519_sk_to_curve25519(node_x_sk, node.sign_sk.data());
  uint8_t eph_sk[32];
  crypto_box_keypair(header.eph_pk.data(), eph_sk);
  randombytes_buf(header.nonce.data(), header.nonce.size());
  Key32 dh1, dh2;
  int bad = crypto_scalarmult(dh1.data(), eph_sk, hub_x.data()) |
            crypto_scalarmult(dh2.data(), node_x_sk, hub_x.data());
  Wipe(eph_sk, 32);
  Wipe(node_x_sk, 32);
  if (bad) return Status::InvalidArgument("key exchange failed (weak hub key)");
  std::string header_bytes = wire::EncodeRaw(header);
  Key32 k = DeriveRequestKey(dh1, dh2, header_bytes);
  Wipe(dh1.data(), 32);
  Wipe(dh2.data(), 32);
  std::string cipher(body.size() + crypto_aead_xchacha20poly1305_ietf_ABYTES, '\0');
  unsigned long long clen = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      reinterpret_cast<uint8_t*>(cipher.data()), &clen, U8(body), body.size(), U8(header_bytes),
      header_bytes.size(), nullptr, header.nonce.data(), k.data());
  cipher.resize(clen);
  std::string frame_body;
  PutU16(frame_body, static_cast<uint16_t>(header_bytes.size()));
  frame_body += header_bytes;
  frame_body += cipher;
  SealedRequest out;
  out.frame = MakeFrame(FrameKind::kSealedRequest, frame_body);
  out.reply_key = DeriveReplyKey(k);
  out.nonce = header.nonce;
  Wipe(k.data(), 32);
  return out;
}

namespace {

struct SplitRequest {
  std::string_view header_bytes, cipher;
};

Result<SplitRequest> SplitRequestFrame(std::string_view frame) {
  SIMPUL_ASSIGN_OR_RETURN(FrameView f, ParseFrame(frame));
  if (f.kind != FrameKind::kSealedRequest) return Status::Corruption("expected a sealed request frame");
  if (f.body.size() < 2) return Status::Corruption("sealed request truncated");
  size_t hlen = (static_cast<uint8_t>(f.body[0]) << 8) | static_cast<uint8_t>(f.body[1]);
  if (hlen > 1024 || f.body.size() < 2 + hlen + crypto_aead_xchacha20poly1305_ietf_ABYTES)
    return Status::Corruption("sealed request header length is wrong");
  return SplitRequest{f.body.substr(2, hlen), f.body.substr(2 + hlen)};
}

}  // namespace

Result<wire::RequestHeader> PeekRequestHeader(std::string_view frame) {
  SIMPUL_ASSIGN_OR_RETURN(SplitRequest s, SplitRequestFrame(frame));
  return wire::DecodeRawHeader(s.header_bytes);
}

Result<OpenedRequest> OpenRequest(std::string_view frame, const Identity& hub,
                                  const PublicKey& node_sign_pk) {
  SIMPUL_ASSIGN_OR_RETURN(SplitRequest s, SplitRequestFrame(frame));
  SIMPUL_ASSIGN_OR_RETURN(wire::RequestHeader header, wire::DecodeRawHeader(s.header_bytes));
  Key32 node_x;
  if (!ToCurvePk(node_sign_pk, &node_x)) return Unauth("registered node key is invalid");
  uint8_t hub_x_sk[32];
  crypto_sign_ed25519_sk_to_curve25519(hub_x_sk, hub.sign_sk.data());
  Key32 dh1, dh2;
  int bad = crypto_scalarmult(dh1.data(), hub_x_sk, header.eph_pk.data()) |
            crypto_scalarmult(dh2.data(), hub_x_sk, node_x.data());
  Wipe(hub_x_sk, 32);
  if (bad) return Unauth("key exchange failed");
  Key32 k = DeriveRequestKey(dh1, dh2, s.header_bytes);
  Wipe(dh1.data(), 32);
  Wipe(dh2.data(), 32);
  OpenedRequest out;
  out.body.resize(s.cipher.size());
  unsigned long long mlen = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<uint8_t*>(out.body.data()), &mlen, nullptr, U8(s.cipher), s.cipher.size(),
          U8(s.header_bytes), s.header_bytes.size(), header.nonce.data(), k.data()) != 0) {
    Wipe(k.data(), 32);
    return Unauth("request was not sealed by node " + header.node_id + " for this hub");
  }
  out.body.resize(mlen);
  out.reply_key = DeriveReplyKey(k);
  Wipe(k.data(), 32);
  out.header = std::move(header);
  return out;
}

std::string SealReply(const OpenedRequest& request, std::string_view body) {
  std::array<uint8_t, 24> nonce;
  randombytes_buf(nonce.data(), nonce.size());
  std::string cipher(body.size() + crypto_aead_xchacha20poly1305_ietf_ABYTES, '\0');
  unsigned long long clen = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      reinterpret_cast<uint8_t*>(cipher.data()), &clen, U8(body), body.size(),
      request.header.nonce.data(), request.header.nonce.size(), nullptr, nonce.data(),
      request.reply_key.data());
  cipher.resize(clen);
  return MakeFrame(FrameKind::kSealedReply, std::string(AsView(nonce.data(), 24)) + cipher);
}

std::string SignedError(const Identity& hub, const std::array<uint8_t, 24>& request_nonce,
                        const wire::ErrorReply& error) {
  std::string payload = wire::EncodeRaw(error);
  std::string to_sign = "simpul/v1/error" + std::string(AsView(request_nonce.data(), 24)) + payload;
  uint8_t sig[crypto_sign_BYTES];
  crypto_sign_detached(sig, nullptr, U8(to_sign), to_sign.size(), hub.sign_sk.data());
  std::string body;
  PutU16(body, static_cast<uint16_t>(payload.size()));
  body += payload;
  body.append(AsView(sig, sizeof sig));
  return MakeFrame(FrameKind::kSignedError, body);
}

Status ErrorToStatus(const wire::ErrorReply& e) {
  Code code = static_cast<Code>(e.code);
  if (e.code == 0 || e.code > static_cast<uint16_t>(Code::kIoError)) code = Code::kInternal;
  return Status(code, "hub: " + e.message);
}

wire::ErrorReply StatusToError(const Status& st) {
  wire::ErrorReply e;
  e.code = static_cast<uint16_t>(st.code());
  e.message = st.message();
  return e;
}

Result<std::string> OpenReply(const SealedRequest& request, const PublicKey& hub_sign_pk,
                              std::string_view frame) {
  SIMPUL_ASSIGN_OR_RETURN(FrameView f, ParseFrame(frame));
  if (f.kind == FrameKind::kSignedError) {
    if (f.body.size() < 2) return Status::Corruption("signed error truncated");
    size_t plen = (static_cast<uint8_t>(f.body[0]) << 8) | static_cast<uint8_t>(f.body[1]);
    if (f.body.size() != 2 + plen + crypto_sign_BYTES) return Status::Corruption("signed error length is wrong");
    std::string_view payload = f.body.substr(2, plen);
    std::string signed_part = "simpul/v1/error" + std::string(AsView(request.nonce.data(), 24)) +
                              std::string(payload);
    if (crypto_sign_verify_detached(U8(f.body.substr(2 + plen)), U8(signed_part), signed_part.size(),
                                    hub_sign_pk.data()) != 0)
      return Status::Corruption("an error reply not signed by our hub was ignored");
    SIMPUL_ASSIGN_OR_RETURN(wire::ErrorReply e, wire::DecodeRawError(payload));
    return ErrorToStatus(e);
  }
  if (f.kind != FrameKind::kSealedReply) return Status::Corruption("expected a sealed reply frame");
  if (f.body.size() < 24 + crypto_aead_xchacha20poly1305_ietf_ABYTES)
    return Status::Corruption("sealed reply truncated");
  std::string_view cipher = f.body.substr(24);
  std::string out(cipher.size(), '\0');
  unsigned long long mlen = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<uint8_t*>(out.data()), &mlen, nullptr, U8(cipher), cipher.size(),
          request.nonce.data(), request.nonce.size(), U8(f.body.substr(0, 24)),
          request.reply_key.data()) != 0)
    return Status::Corruption("reply failed authentication (not from our hub, or damaged)");
  out.resize(mlen);
  return out;
}

// --- enrolment ---------------------------------------------------------------

EnrolCode NewEnrolCode() { return EnrolCode{RandomBase32(8), RandomBase32(16)}; }

Result<EnrolCode> ParseEnrolCode(std::string_view text) {
  std::string clean;
  for (char c : text) {
    if (c == ' ') continue;
    clean += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  }
  auto bad = [] { return Status::InvalidArgument("an enrolment code looks like ABCD2345-EFGH6789JKLM2345"); };
  if (clean.size() != 25 || clean[8] != '-') return bad();
  for (size_t i = 0; i < clean.size(); ++i)
    if (i != 8 && !std::strchr(kBase32, clean[i])) return bad();
  return EnrolCode{clean.substr(0, 8), clean.substr(9)};
}

std::string EnrolMacKeyHex(std::string_view secret) {
  static constexpr char kLabel[] = "simpul/v1/enrol";
  crypto_generichash_state st;
  crypto_generichash_init(&st, nullptr, 0, 32);
  crypto_generichash_update(&st, reinterpret_cast<const uint8_t*>(kLabel), sizeof kLabel - 1);
  crypto_generichash_update(&st, U8(secret), secret.size());
  uint8_t k[32];
  crypto_generichash_final(&st, k, 32);
  std::string hex = ToHex(k, 32);
  Wipe(k, 32);
  return hex;
}

std::string SealEnrolRequest(const EnrolCode& code, const wire::EnrolRequest& req) {
  std::string payload = wire::EncodeRaw(req);
  std::string body;
  PutU16(body, static_cast<uint16_t>(payload.size()));
  body += payload;
  body += Mac(EnrolMacKeyHex(code.secret), payload);
  return MakeFrame(FrameKind::kEnrolRequest, body);
}

namespace {
Result<std::pair<std::string_view, std::string_view>> SplitMacBody(std::string_view frame, FrameKind kind,
                                                                   size_t tail) {
  SIMPUL_ASSIGN_OR_RETURN(FrameView f, ParseFrame(frame));
  if (f.kind != kind) return Status::Corruption("unexpected frame kind");
  if (f.body.size() < 2) return Status::Corruption("frame truncated");
  size_t plen = (static_cast<uint8_t>(f.body[0]) << 8) | static_cast<uint8_t>(f.body[1]);
  if (f.body.size() != 2 + plen + tail) return Status::Corruption("frame length is wrong");
  return std::make_pair(f.body.substr(2, plen), f.body.substr(2 + plen));
}
}  // namespace

Result<wire::EnrolRequest> PeekEnrolRequest(std::string_view frame) {
  SIMPUL_ASSIGN_OR_RETURN(auto parts, SplitMacBody(frame, FrameKind::kEnrolRequest, 32));
  return wire::DecodeRawEnrolRequest(parts.first);
}

Status VerifyEnrolRequest(std::string_view frame, std::string_view mac_key_hex) {
  SIMPUL_ASSIGN_OR_RETURN(auto parts, SplitMacBody(frame, FrameKind::kEnrolRequest, 32));
  std::string expect = Mac(mac_key_hex, parts.first);
  if (sodium_memcmp(expect.data(), parts.second.data(), 32) != 0)
    return Unauth("enrolment code is wrong");
  return Status::Ok();
}

std::string SealEnrolReply(const Identity& hub, std::string_view mac_key_hex,
                           std::string_view request_frame, const wire::EnrolReply& reply) {
  std::string payload = wire::EncodeRaw(reply);
  std::string body;
  PutU16(body, static_cast<uint16_t>(payload.size()));
  body += payload;
  body += Mac(mac_key_hex, payload, request_frame);
  uint8_t sig[crypto_sign_BYTES];
  crypto_sign_detached(sig, nullptr, U8(payload), payload.size(), hub.sign_sk.data());
  body.append(AsView(sig, sizeof sig));
  return MakeFrame(FrameKind::kEnrolReply, body);
}

Result<wire::EnrolReply> OpenEnrolReply(const EnrolCode& code, std::string_view request_frame,
                                        std::string_view frame) {
  auto f = ParseFrame(frame);
  if (f.ok() && f->kind == FrameKind::kSignedError) {
    // Not yet enrolled: the hub's key is unknown, so the error cannot be
    // verified; report it as untrusted text.
    if (f->body.size() > 2) {
      size_t plen = (static_cast<uint8_t>(f->body[0]) << 8) | static_cast<uint8_t>(f->body[1]);
      if (f->body.size() >= 2 + plen) {
        auto e = wire::DecodeRawError(f->body.substr(2, plen));
        if (e.ok()) return ErrorToStatus(*e);
      }
    }
    return Status::Corruption("malformed error from hub");
  }
  SIMPUL_ASSIGN_OR_RETURN(auto parts, SplitMacBody(frame, FrameKind::kEnrolReply, 32 + crypto_sign_BYTES));
  std::string expect = Mac(EnrolMacKeyHex(code.secret), parts.first, request_frame);
  if (sodium_memcmp(expect.data(), parts.second.data(), 32) != 0)
    return Unauth("the enrolment reply was not made by a hub that knows this code");
  SIMPUL_ASSIGN_OR_RETURN(wire::EnrolReply reply, wire::DecodeRawEnrolReply(parts.first));
  if (crypto_sign_verify_detached(U8(parts.second.substr(32)), U8(parts.first), parts.first.size(),
                                  reply.hub_sign_pk.data()) != 0)
    return Unauth("the enrolment reply's signature does not match the hub key it names");
  return reply;
}

// --- hub key rotation --------------------------------------------------------------

namespace {
std::string SuccessionMessage(const PublicKey& old_pk, const PublicKey& new_pk) {
  std::string m = "simpul/v1/key-succession";
  m.append(reinterpret_cast<const char*>(old_pk.data()), old_pk.size());
  m.append(reinterpret_cast<const char*>(new_pk.data()), new_pk.size());
  return m;
}
}  // namespace

wire::KeySuccession SignKeySuccession(const Identity& old_key, const PublicKey& new_pk) {
  wire::KeySuccession link;
  link.old_pk = old_key.sign_pk;
  link.new_pk = new_pk;
  std::string m = SuccessionMessage(old_key.sign_pk, new_pk);
  crypto_sign_detached(link.signature.data(), nullptr, U8(m), m.size(), old_key.sign_sk.data());
  return link;
}

Result<PublicKey> FollowKeySuccession(const PublicKey& pinned, const std::vector<wire::KeySuccession>& chain) {
  PublicKey at = pinned;
  for (const auto& link : chain) {
    if (link.old_pk != at) return Unauth("hub key history does not start at the key this node trusts");
    std::string m = SuccessionMessage(link.old_pk, link.new_pk);
    if (crypto_sign_verify_detached(link.signature.data(), U8(m), m.size(), link.old_pk.data()) != 0)
      return Unauth("hub key history carries a bad signature");
    at = link.new_pk;
  }
  return at;
}

}  // namespace simpul::sync::crypto
