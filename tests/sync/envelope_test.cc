// Tests for sync/crypto/envelope.h: sealed requests and replies, signed
// errors, frames, enrolment and identity files. Every tampering must be
// detected; nothing opened with the wrong key may succeed.
#include "sync/crypto/envelope.h"

#include <doctest/doctest.h>

#include <functional>
#include <string>
#include <vector>

#include "sync/wire/codec.h"

namespace simpul::sync::crypto {
namespace {

void InitOnce() { REQUIRE(InitSodium().ok()); }

wire::RequestHeader Header(const std::string& node_id, uint64_t counter) {
  wire::RequestHeader h;
  h.node_id = node_id;
  h.counter = counter;
  h.schema_version = 3;
  return h;
}

SealedRequest MustSeal(const Identity& node, const PublicKey& hub_pk, const wire::RequestHeader& h,
                       std::string_view body) {
  auto r = SealRequest(node, hub_pk, h, body);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  return std::move(r).value();
}

// Offsets inside a sealed request frame: 10-byte frame header, u16 header
// length, the header bytes, then the AEAD ciphertext.
struct RequestLayout {
  size_t header_begin, header_end;
};
RequestLayout LayoutOf(const std::string& frame) {
  REQUIRE(frame.size() > 12);
  size_t hlen = (static_cast<uint8_t>(frame[10]) << 8) | static_cast<uint8_t>(frame[11]);
  REQUIRE(12 + hlen < frame.size());
  return {12, 12 + hlen};
}

std::string Flip(std::string s, size_t at, uint8_t mask = 0x01) {
  s[at] = static_cast<char>(s[at] ^ mask);
  return s;
}

// A frame with the same kind and a new body (length fixed up).
std::string Reframe(const std::string& frame, const std::string& body) {
  auto f = ParseFrame(frame);
  REQUIRE(f.ok());
  return MakeFrame(f->kind, body);
}

TEST_CASE("a sealed request and its reply round-trip") {
  InitOnce();
  Identity hub = GenerateIdentity(), node = GenerateIdentity();
  for (std::string body : {std::string(), std::string("x"), std::string("body\0with nul", 13),
                           std::string(100000, 'z')}) {
    CAPTURE(body.size());
    wire::RequestHeader h = Header("node-a", 42);
    SealedRequest sealed = MustSeal(node, hub.sign_pk, h, body);
    auto frame = ParseFrame(sealed.frame);
    REQUIRE(frame.ok());
    CHECK(frame->kind == FrameKind::kSealedRequest);
    if (body.size() > 8) CHECK(sealed.frame.find(body) == std::string::npos);  // not in clear

    auto peeked = PeekRequestHeader(sealed.frame);
    REQUIRE_MESSAGE(peeked.ok(), peeked.status().ToString());
    CHECK(peeked->node_id == "node-a");
    CHECK(peeked->counter == 42);
    CHECK(peeked->nonce == sealed.nonce);

    auto opened = OpenRequest(sealed.frame, hub, node.sign_pk);
    REQUIRE_MESSAGE(opened.ok(), opened.status().ToString());
    CHECK(opened->body == body);
    CHECK(opened->header == *peeked);
    CHECK(opened->header.schema_version == 3);
    CHECK(opened->reply_key == sealed.reply_key);

    std::string reply_body = "reply to " + std::to_string(body.size());
    std::string reply = SealReply(*opened, reply_body);
    auto rf = ParseFrame(reply);
    REQUIRE(rf.ok());
    CHECK(rf->kind == FrameKind::kSealedReply);
    auto got = OpenReply(sealed, hub.sign_pk, reply);
    REQUIRE_MESSAGE(got.ok(), got.status().ToString());
    CHECK(*got == reply_body);
  }
}

TEST_CASE("two seals of the same request differ (fresh ephemeral key and nonce)") {
  InitOnce();
  Identity hub = GenerateIdentity(), node = GenerateIdentity();
  SealedRequest a = MustSeal(node, hub.sign_pk, Header("n", 1), "same");
  SealedRequest b = MustSeal(node, hub.sign_pk, Header("n", 1), "same");
  CHECK(a.frame != b.frame);
  CHECK(a.nonce != b.nonce);
  CHECK(a.reply_key != b.reply_key);
}

TEST_CASE("a request opened with the wrong node key or by the wrong hub is Unauthenticated") {
  InitOnce();
  Identity hub = GenerateIdentity(), node = GenerateIdentity(), other = GenerateIdentity();
  SealedRequest sealed = MustSeal(node, hub.sign_pk, Header("node-a", 1), "hello");
  auto wrong_node = OpenRequest(sealed.frame, hub, other.sign_pk);
  REQUIRE_FALSE(wrong_node.ok());
  CHECK(wrong_node.status().code() == Code::kUnauthenticated);
  auto wrong_hub = OpenRequest(sealed.frame, other, node.sign_pk);
  REQUIRE_FALSE(wrong_hub.ok());
  CHECK(wrong_hub.status().code() == Code::kUnauthenticated);
  // An all-zero (invalid) registered key.
  auto zero = OpenRequest(sealed.frame, hub, PublicKey{});
  CHECK_FALSE(zero.ok());
}

TEST_CASE("any flipped bit in the request header is detected") {
  InitOnce();
  Identity hub = GenerateIdentity(), node = GenerateIdentity();
  SealedRequest sealed = MustSeal(node, hub.sign_pk, Header("node-a", 7), "payload");
  RequestLayout l = LayoutOf(sealed.frame);
  for (size_t at = l.header_begin; at < l.header_end; ++at) {
    for (uint8_t mask : {uint8_t{0x01}, uint8_t{0x80}}) {
      CAPTURE(at);
      CAPTURE(static_cast<int>(mask));
      auto r = OpenRequest(Flip(sealed.frame, at, mask), hub, node.sign_pk);
      REQUIRE_FALSE(r.ok());
      CHECK((r.status().code() == Code::kUnauthenticated || r.status().code() == Code::kCorruption));
    }
  }
  // The header length prefix itself.
  for (size_t at : {size_t{10}, size_t{11}}) {
    CAPTURE(at);
    CHECK_FALSE(OpenRequest(Flip(sealed.frame, at), hub, node.sign_pk).ok());
  }
}

TEST_CASE("any flipped bit or cut in the ciphertext is detected") {
  InitOnce();
  Identity hub = GenerateIdentity(), node = GenerateIdentity();
  SealedRequest sealed = MustSeal(node, hub.sign_pk, Header("node-a", 7), "payload of some length");
  RequestLayout l = LayoutOf(sealed.frame);
  for (size_t at = l.header_end; at < sealed.frame.size(); ++at) {
    CAPTURE(at);
    auto r = OpenRequest(Flip(sealed.frame, at), hub, node.sign_pk);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Code::kUnauthenticated);
  }
  std::string body = sealed.frame.substr(10);
  for (size_t cut = 1; cut <= 20; ++cut) {
    CAPTURE(cut);
    CHECK_FALSE(OpenRequest(Reframe(sealed.frame, body.substr(0, body.size() - cut)), hub, node.sign_pk).ok());
  }
  // Extra bytes appended to the ciphertext.
  CHECK_FALSE(OpenRequest(Reframe(sealed.frame, body + "x"), hub, node.sign_pk).ok());
}

TEST_CASE("a reply sealed for another request cannot be opened") {
  InitOnce();
  Identity hub = GenerateIdentity(), node = GenerateIdentity();
  SealedRequest r1 = MustSeal(node, hub.sign_pk, Header("node-a", 1), "one");
  SealedRequest r2 = MustSeal(node, hub.sign_pk, Header("node-a", 2), "two");
  auto o1 = OpenRequest(r1.frame, hub, node.sign_pk);
  auto o2 = OpenRequest(r2.frame, hub, node.sign_pk);
  REQUIRE(o1.ok());
  REQUIRE(o2.ok());
  std::string reply2 = SealReply(*o2, "for two");
  auto crossed = OpenReply(r1, hub.sign_pk, reply2);
  REQUIRE_FALSE(crossed.ok());
  CHECK(crossed.status().code() == Code::kCorruption);
  REQUIRE(OpenReply(r2, hub.sign_pk, reply2).ok());
  // Tampering with the reply, its nonce included.
  for (size_t at = 10; at < reply2.size(); ++at) {
    CAPTURE(at);
    CHECK(OpenReply(r2, hub.sign_pk, Flip(reply2, at)).status().code() == Code::kCorruption);
  }
  // A reply frame that is too short, and a frame of the wrong kind.
  CHECK_FALSE(OpenReply(r2, hub.sign_pk, MakeFrame(FrameKind::kSealedReply, "short")).ok());
  CHECK(OpenReply(r2, hub.sign_pk, MakeFrame(FrameKind::kEnrolReply, std::string(100, 'x'))).status().code() ==
        Code::kCorruption);
}

TEST_CASE("signed errors carry their code and verify only with the hub key and request nonce") {
  InitOnce();
  Identity hub = GenerateIdentity(), node = GenerateIdentity(), other = GenerateIdentity();
  SealedRequest sealed = MustSeal(node, hub.sign_pk, Header("node-a", 1), "x");
  SealedRequest another = MustSeal(node, hub.sign_pk, Header("node-a", 2), "y");
  struct Case {
    Code code;
    const char* message;
  };
  const Case cases[] = {
      {Code::kUnauthenticated, "node node-a was revoked: laptop stolen"},
      {Code::kVersionTooOld, "upgrade simpul-node"},
      {Code::kVersionTooNew, "upgrade simpul-hub"},
      {Code::kPermissionDenied, "outside scope"},
      {Code::kResourceExhausted, "batch too large"},
      {Code::kCorruption, "damaged"},
      {Code::kInternal, "bug"},
  };
  for (const auto& c : cases) {
    INFO("code = " << CodeName(c.code));
    wire::ErrorReply e = StatusToError(Status(c.code, c.message));
    std::string frame = SignedError(hub, sealed.nonce, e);
    auto pf = ParseFrame(frame);
    REQUIRE(pf.ok());
    CHECK(pf->kind == FrameKind::kSignedError);
    auto got = OpenReply(sealed, hub.sign_pk, frame);
    REQUIRE_FALSE(got.ok());
    CHECK(got.status().code() == c.code);
    CHECK(got.status().message().find(c.message) != std::string::npos);

    // Signed by someone else: ignored as Corruption, never the claimed code.
    std::string forged = SignedError(other, sealed.nonce, e);
    auto f = OpenReply(sealed, hub.sign_pk, forged);
    REQUIRE_FALSE(f.ok());
    CHECK(f.status().code() == Code::kCorruption);
    CHECK(f.status().message().find(c.message) == std::string::npos);

    // Signed by the hub for another request: a replayed refusal.
    auto replayed = OpenReply(another, hub.sign_pk, frame);
    CHECK(replayed.status().code() == Code::kCorruption);

    // Any altered byte of the signed body.
    for (size_t at = 10; at < frame.size(); ++at) {
      CAPTURE(at);
      CHECK(OpenReply(sealed, hub.sign_pk, Flip(frame, at)).status().code() == Code::kCorruption);
    }
  }
}

TEST_CASE("ErrorToStatus maps unknown and zero codes to Internal") {
  struct Case {
    uint16_t wire_code;
    Code expect;
  };
  const Case cases[] = {{0, Code::kInternal},
                        {9, Code::kUnauthenticated},
                        {14, Code::kIoError},
                        {15, Code::kInternal},
                        {0xffff, Code::kInternal}};
  for (const auto& c : cases) {
    CAPTURE(c.wire_code);
    wire::ErrorReply e;
    e.code = c.wire_code;
    e.message = "m";
    Status st = ErrorToStatus(e);
    CHECK_FALSE(st.ok());
    CHECK(st.code() == c.expect);
  }
}

TEST_CASE("ParseFrame rejects malformed frames") {
  const std::string good = MakeFrame(FrameKind::kEnrolReply, "body!");
  REQUIRE(good.size() == 15);
  auto ok = ParseFrame(good);
  REQUIRE(ok.ok());
  CHECK(ok->kind == FrameKind::kEnrolReply);
  CHECK(ok->body == "body!");
  CHECK(ParseFrame(MakeFrame(FrameKind::kSealedRequest, "")).ok());

  auto with = [&](size_t at, char c) {
    std::string s = good;
    s[at] = c;
    return s;
  };
  auto header_claiming = [](uint32_t len) {
    std::string s = "SMPL";
    s += '\x01';
    s += '\x02';
    for (int i = 3; i >= 0; --i) s += static_cast<char>((len >> (8 * i)) & 0xff);
    return s;
  };
  struct Case {
    const char* name;
    std::string bytes;
    Code expect;
  };
  const Case cases[] = {
      {"empty", "", Code::kCorruption},
      {"nine bytes", good.substr(0, 9), Code::kCorruption},
      {"bad magic", with(0, 'X'), Code::kCorruption},
      {"lowercase magic", with(1, 'm'), Code::kCorruption},
      {"version 0", with(4, '\x00'), Code::kCorruption},
      {"version 2", with(4, '\x02'), Code::kCorruption},
      {"kind 0", with(5, '\x00'), Code::kCorruption},
      {"kind 6", with(5, '\x06'), Code::kCorruption},
      {"kind 255", with(5, '\xff'), Code::kCorruption},
      {"length one more than body", with(9, '\x06'), Code::kCorruption},
      {"length one less than body", with(9, '\x04'), Code::kCorruption},
      {"extra byte after body", good + "x", Code::kCorruption},
      {"length beyond the limit", header_claiming(static_cast<uint32_t>(wire::kMaxEncodedBytes + 1)),
       Code::kResourceExhausted},
      {"length 2^32-1", header_claiming(0xffffffffu), Code::kResourceExhausted},
  };
  for (const auto& c : cases) {
    INFO("c.name = " << std::string(c.name));
    auto r = ParseFrame(c.bytes);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == c.expect);
  }
  for (size_t n = 0; n < good.size(); ++n) {
    CAPTURE(n);
    CHECK(ParseFrame(good.substr(0, n)).status().code() == Code::kCorruption);
  }
}

wire::EnrolRequest SampleEnrol(const Identity& node) {
  wire::EnrolRequest r;
  r.node_id = "a1b2c3d4e5f60718";
  r.village = "35.10.01.2001";
  r.node_sign_pk = node.sign_pk;
  r.schema_version = 3;
  return r;
}

TEST_CASE("enrolment request MAC: right key verifies, any other is Unauthenticated") {
  InitOnce();
  Identity node = GenerateIdentity();
  EnrolCode code = NewEnrolCode();
  EnrolCode other = NewEnrolCode();
  wire::EnrolRequest req = SampleEnrol(node);
  req.code_id = code.id;
  std::string frame = SealEnrolRequest(code, req);

  auto peeked = PeekEnrolRequest(frame);
  REQUIRE_MESSAGE(peeked.ok(), peeked.status().ToString());
  CHECK(*peeked == req);
  CHECK(VerifyEnrolRequest(frame, EnrolMacKeyHex(code.secret)).ok());
  CHECK(EnrolMacKeyHex(code.secret).size() == 64);
  CHECK(EnrolMacKeyHex(code.secret) == EnrolMacKeyHex(code.secret));
  CHECK(EnrolMacKeyHex(code.secret) != EnrolMacKeyHex(other.secret));
  // The MAC key is derived from the secret, not the secret itself.
  CHECK(EnrolMacKeyHex(code.secret).find(code.secret) == std::string::npos);

  struct Case {
    const char* name;
    std::string key;
  };
  const Case wrong[] = {
      {"another code's key", EnrolMacKeyHex(other.secret)},
      {"the secret's id half", EnrolMacKeyHex(code.id)},
      {"malformed hex", "zz"},
      {"empty", ""},
      {"all zeros", std::string(64, '0')},
  };
  for (const auto& w : wrong) {
    INFO("w.name = " << std::string(w.name));
    CHECK(VerifyEnrolRequest(frame, w.key).code() == Code::kUnauthenticated);
  }
  // Any altered byte of the MAC'd body fails (MAC or framing).
  for (size_t at = 10; at < frame.size(); ++at) {
    CAPTURE(at);
    CHECK_FALSE(VerifyEnrolRequest(Flip(frame, at), EnrolMacKeyHex(code.secret)).ok());
  }
}

TEST_CASE("enrolment reply: right code opens it; wrong code, other request or a lying hub key do not") {
  InitOnce();
  Identity hub = GenerateIdentity(), node = GenerateIdentity(), impostor = GenerateIdentity();
  EnrolCode code = NewEnrolCode();
  wire::EnrolRequest req = SampleEnrol(node);
  req.code_id = code.id;
  std::string req_frame = SealEnrolRequest(code, req);
  std::string mac_key = EnrolMacKeyHex(code.secret);

  wire::EnrolReply reply;
  reply.hub_sign_pk = hub.sign_pk;
  reply.hub_id = "hub-0011223344556677";
  reply.village = req.village;
  reply.hub_time_ms = 1'700'000'000'000ULL;
  std::string frame = SealEnrolReply(hub, mac_key, req_frame, reply);

  auto opened = OpenEnrolReply(code, req_frame, frame);
  REQUIRE_MESSAGE(opened.ok(), opened.status().ToString());
  CHECK(*opened == reply);

  SUBCASE("wrong code") {
    EnrolCode wrong = NewEnrolCode();
    CHECK(OpenEnrolReply(wrong, req_frame, frame).status().code() == Code::kUnauthenticated);
    EnrolCode same_id{code.id, NewEnrolCode().secret};
    CHECK(OpenEnrolReply(same_id, req_frame, frame).status().code() == Code::kUnauthenticated);
  }
  SUBCASE("a reply made for another request") {
    wire::EnrolRequest req2 = req;
    req2.node_id = "ffffffffffffffff";
    std::string req2_frame = SealEnrolRequest(code, req2);
    CHECK(OpenEnrolReply(code, req2_frame, frame).status().code() == Code::kUnauthenticated);
  }
  SUBCASE("the signature does not match the hub key the reply names") {
    wire::EnrolReply lying = reply;
    lying.hub_sign_pk = impostor.sign_pk;  // names the impostor, signed by the hub
    std::string f = SealEnrolReply(hub, mac_key, req_frame, lying);
    auto r = OpenEnrolReply(code, req_frame, f);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Code::kUnauthenticated);
    // And signed by the impostor while naming the hub.
    std::string g = SealEnrolReply(impostor, mac_key, req_frame, reply);
    CHECK(OpenEnrolReply(code, req_frame, g).status().code() == Code::kUnauthenticated);
  }
  SUBCASE("tampered reply bytes") {
    for (size_t at = 10; at < frame.size(); ++at) {
      CAPTURE(at);
      CHECK_FALSE(OpenEnrolReply(code, req_frame, Flip(frame, at)).ok());
    }
  }
  SUBCASE("the hub's refusal comes back as its status") {
    std::array<uint8_t, 24> zero{};
    std::string err = SignedError(hub, zero, StatusToError(Status::Unauthenticated("unknown enrolment code")));
    auto r = OpenEnrolReply(code, req_frame, err);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Code::kUnauthenticated);
    CHECK(r.status().message().find("unknown enrolment code") != std::string::npos);
    CHECK(OpenEnrolReply(code, req_frame, MakeFrame(FrameKind::kSignedError, "\x00")).status().code() ==
          Code::kCorruption);
  }
}

TEST_CASE("ParseEnrolCode accepts what people type and rejects bad shapes") {
  InitOnce();
  EnrolCode code = NewEnrolCode();
  REQUIRE(code.id.size() == 8);
  REQUIRE(code.secret.size() == 16);
  REQUIRE(code.Text().size() == 25);
  auto round = ParseEnrolCode(code.Text());
  REQUIRE(round.ok());
  CHECK(round->id == code.id);
  CHECK(round->secret == code.secret);

  struct Good {
    const char* text;
    const char* id;
    const char* secret;
  };
  const Good good[] = {
      {"ABCD2345-EFGH6789JKLM2345", "ABCD2345", "EFGH6789JKLM2345"},
      {"abcd2345-efgh6789jklm2345", "ABCD2345", "EFGH6789JKLM2345"},
      {"AbCd2345-eFgH6789jKlM2345", "ABCD2345", "EFGH6789JKLM2345"},
      {"ABCD 2345 - EFGH 6789 JKLM 2345", "ABCD2345", "EFGH6789JKLM2345"},
      {"  abcd2345-efgh6789jklm2345  ", "ABCD2345", "EFGH6789JKLM2345"},
  };
  for (const auto& g : good) {
    INFO("g.text = " << std::string(g.text));
    auto r = ParseEnrolCode(g.text);
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    CHECK(r->id == g.id);
    CHECK(r->secret == g.secret);
  }
  const char* bad[] = {
      "",
      "ABCD2345",
      "ABCD2345-",
      "ABCD2345EFGH6789JKLM2345",     // no dash
      "ABCD2345-EFGH6789JKLM234",     // secret one short
      "ABCD2345-EFGH6789JKLM23456",   // secret one long
      "ABCD234-5EFGH6789JKLM2345",    // dash in the wrong place
      "ABCD2345--FGH6789JKLM2345",    // two dashes
      "ABCD2340-EFGH6789JKLM2345",    // 0 is not in the alphabet
      "ABCD2341-EFGH6789JKLM2345",    // 1
      "ABCD234O-EFGH6789JKLM2345",    // O
      "ABCD234I-EFGH6789JKLM2345",    // I
      "abcd234o-efgh6789jklm2345",    // lowercase o
      "ABCD2345-EFGH6789JKLM234!",
      "ABCD2345_EFGH6789JKLM2345",
      "ABCD2345-EFGH6789JKLM2345\n",
      "ÄBCD2345-EFGH6789JKLM2345",
  };
  for (const char* b : bad) {
    INFO("code = " << b);
    auto r = ParseEnrolCode(b);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Code::kInvalidArgument);
  }
}

TEST_CASE("an exported identity imports to the same working keys") {
  InitOnce();
  Identity hub = GenerateIdentity(), node = GenerateIdentity();
  std::string file = ExportIdentity(node);
  REQUIRE(file.size() == 96);
  auto back = ImportIdentity(file);
  REQUIRE_MESSAGE(back.ok(), back.status().ToString());
  CHECK(back->sign_pk == node.sign_pk);
  CHECK(ExportIdentity(*back) == file);
  // The imported secret works: a request it seals opens under the original key.
  SealedRequest s = MustSeal(*back, hub.sign_pk, Header("n", 1), "hi");
  auto o = OpenRequest(s.frame, hub, node.sign_pk);
  REQUIRE(o.ok());
  CHECK(o->body == "hi");
  CHECK(Fingerprint(node.sign_pk).size() == 19);
  auto hex = PublicKeyFromHex(ToHex(node.sign_pk));
  REQUIRE(hex.ok());
  CHECK(*hex == node.sign_pk);
  CHECK_FALSE(PublicKeyFromHex("abc").ok());
  CHECK_FALSE(PublicKeyFromHex(std::string(64, 'g')).ok());
}

TEST_CASE("FromHex takes exactly 2n hex digits and nothing else") {
  uint8_t out[3] = {};
  CHECK(FromHex("00a1FF", out, 3));
  CHECK((out[0] == 0x00 && out[1] == 0xa1 && out[2] == 0xff));
  // What stoi-based decoding took or threw on: signs, spaces, "0x", odd
  // lengths, too few or too many digits.
  for (const char* bad : {"00a1F", "00a1FF00", "+1a1ff", " 1a1ff", "0x1aff", "zzzzzz", "00:1ff", ""})
    CHECK_MESSAGE(!FromHex(bad, out, 3), bad);
}

TEST_CASE("a damaged identity file is refused") {
  InitOnce();
  Identity id = GenerateIdentity();
  const std::string file = ExportIdentity(id);
  for (size_t n : {size_t{0}, size_t{32}, size_t{64}, size_t{95}, size_t{97}, size_t{192}}) {
    CAPTURE(n);
    std::string s = n <= file.size() ? file.substr(0, n) : file + std::string(n - file.size(), '\0');
    auto r = ImportIdentity(s);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Code::kCorruption);
  }
  // Every single damaged byte: the public key (0..31), the secret seed
  // (32..63) and the public key the secret embeds (64..95). A damaged seed
  // gives a key that cannot sign for its public key (nor open requests), so
  // it must be refused too.
  std::vector<size_t> accepted;
  for (size_t at = 0; at < file.size(); ++at) {
    auto r = ImportIdentity(Flip(file, at));
    if (r.ok()) accepted.push_back(at);
    else CHECK(r.status().code() == Code::kCorruption);
  }
  std::string list;
  for (size_t a : accepted) list += std::to_string(a) + " ";
  CHECK_MESSAGE(accepted.empty(), "ImportIdentity accepted files damaged at byte(s): " << list);
}

}  // namespace
}  // namespace simpul::sync::crypto

namespace simpul::sync::crypto {
namespace {

TEST_CASE("hub key succession: a signed chain from the pinned key is followed; anything else is refused") {
  REQUIRE(InitSodium().ok());
  Identity k1 = GenerateIdentity(), k2 = GenerateIdentity(), k3 = GenerateIdentity(), mallory = GenerateIdentity();
  std::vector<wire::KeySuccession> chain = {SignKeySuccession(k1, k2.sign_pk), SignKeySuccession(k2, k3.sign_pk)};
  auto end = FollowKeySuccession(k1.sign_pk, chain);
  REQUIRE(end.ok());
  CHECK(*end == k3.sign_pk);
  CHECK(*FollowKeySuccession(k1.sign_pk, {}) == k1.sign_pk);
  // A chain that starts elsewhere, skips a link, or is signed by the wrong key.
  CHECK(FollowKeySuccession(k2.sign_pk, chain).status().code() == Code::kUnauthenticated);
  CHECK(FollowKeySuccession(k1.sign_pk, {chain[1]}).status().code() == Code::kUnauthenticated);
  wire::KeySuccession forged = SignKeySuccession(mallory, mallory.sign_pk);
  forged.old_pk = k1.sign_pk;  // claims to come from k1, signed by mallory
  CHECK(FollowKeySuccession(k1.sign_pk, {forged}).status().code() == Code::kUnauthenticated);
  wire::KeySuccession bent = chain[0];
  bent.new_pk[0] ^= 1;  // the new key altered after signing
  CHECK(FollowKeySuccession(k1.sign_pk, {bent}).status().code() == Code::kUnauthenticated);
  // The chain travels inside a sync reply and survives the codec.
  wire::SyncReply reply;
  reply.hub_key_succession = chain;
  auto decoded = wire::DecodeSyncReply(wire::Encode(reply));
  REQUIRE(decoded.ok());
  CHECK(decoded->hub_key_succession == chain);
}

}  // namespace
}  // namespace simpul::sync::crypto
