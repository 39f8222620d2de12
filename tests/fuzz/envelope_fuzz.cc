// Fuzzes the crypto envelope (sync/crypto/envelope.h): frame parsing, the
// hub's and the node's openers, enrolment frames, identity files and
// enrolment codes. Byte 0 picks the function (EnvelopeSel in fuzz_common.h).
// Keys are fixed (fuzz_common.h), so committed seeds authenticate.
//
// Some selectors sign or MAC the fuzzed payload themselves, to get past the
// authentication into the decoders behind it (a forger cannot, but a
// compromised or buggy hub can). Properties checked, beyond "no crash, no
// leak, no undefined behaviour":
//   - a signed error never opens as a success;
//   - an enrolment reply that opens names the key that signed it;
//   - seal then open gives back the body and header, and only for the
//     node that sealed it;
//   - a parsed enrolment code re-parses from its text to itself.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "tests/fuzz/fuzz_common.h"

namespace simpul::fuzz {
namespace {

struct Keys {
  crypto::Identity hub = FixedIdentity(kHubSeed);
  crypto::Identity node_a = FixedIdentity(kNodeASeed);
  crypto::Identity node_b = FixedIdentity(kNodeBSeed);
  crypto::SealedRequest sealed = FixedSealedRequest();
  crypto::EnrolCode code = FuzzCode();
  std::string code_mac_key = crypto::EnrolMacKeyHex(FuzzCode().secret);
  std::string enrol_request_frame = FixedEnrolRequestFrame();
};

const Keys& K() {
  static const Keys* keys = new Keys();
  return *keys;
}

bool StartsWith(const std::string& s, std::string_view prefix) { return s.rfind(prefix, 0) == 0; }

void Run(uint8_t sel, std::string_view in) {
  const Keys& k = K();
  switch (sel) {
    case kEnvParseFrame: {
      auto f = crypto::ParseFrame(in);
      if (f.ok()) {
        SIMPUL_FUZZ_CHECK(f->body.size() + 10 == in.size(), "frame body length");
        SIMPUL_FUZZ_CHECK(crypto::MakeFrame(f->kind, f->body) == in, "frame does not re-make identically");
      }
      break;
    }
    case kEnvPeekRequestHeader:
      (void)crypto::PeekRequestHeader(in);
      break;
    case kEnvOpenReply:
      (void)crypto::OpenReply(k.sealed, k.hub.sign_pk, in);
      break;
    case kEnvOpenRequest: {
      auto o = crypto::OpenRequest(in, k.hub, k.node_a.sign_pk);
      if (o.ok()) {
        // Whatever opened, the hub can answer it and only the sender reads it.
        std::string reply = crypto::SealReply(*o, "ok");
        SIMPUL_FUZZ_CHECK(crypto::ParseFrame(reply).ok(), "sealed reply does not parse");
      }
      break;
    }
    case kEnvPeekEnrolRequest:
      (void)crypto::PeekEnrolRequest(in);
      break;
    case kEnvVerifyEnrolRequest:
      (void)crypto::VerifyEnrolRequest(in, k.code_mac_key);
      (void)crypto::VerifyEnrolRequest(in, std::string_view(in.data(), in.size() > 64 ? 64 : in.size()));
      break;
    case kEnvOpenEnrolReply:
      (void)crypto::OpenEnrolReply(k.code, k.enrol_request_frame, in);
      break;
    case kEnvImportIdentity: {
      auto id = crypto::ImportIdentity(in);
      if (id.ok()) SIMPUL_FUZZ_CHECK(crypto::ExportIdentity(*id) == in, "identity does not export as imported");
      break;
    }
    case kEnvParseEnrolCode: {
      auto code = crypto::ParseEnrolCode(in);
      if (code.ok()) {
        auto again = crypto::ParseEnrolCode(code->Text());
        SIMPUL_FUZZ_CHECK(again.ok() && again->id == code->id && again->secret == code->secret,
                          "enrolment code does not re-parse from its text");
        (void)crypto::EnrolMacKeyHex(code->secret);
      }
      break;
    }
    case kEnvSignedErrorPayload: {
      std::string frame = SignErrorPayload(k.hub, k.sealed.nonce, in);
      auto r = crypto::OpenReply(k.sealed, k.hub.sign_pk, frame);
      SIMPUL_FUZZ_CHECK(!r.ok(), "a signed error opened as a reply body");
      // The same error bound to another request is not accepted as ours.
      crypto::SealedRequest other = FixedSealedRequest();
      other.nonce[0] ^= 1;
      auto o = crypto::OpenReply(other, k.hub.sign_pk, frame);
      SIMPUL_FUZZ_CHECK(!o.ok() && !StartsWith(o.status().message(), "hub: "),
                        "a signed error for another request was accepted: " + o.status().ToString());
      break;
    }
    case kEnvEnrolReplyPayload: {
      std::string frame = SealEnrolReplyPayload(k.hub, k.code, k.enrol_request_frame, in);
      auto r = crypto::OpenEnrolReply(k.code, k.enrol_request_frame, frame);
      if (r.ok())
        SIMPUL_FUZZ_CHECK(r->hub_sign_pk == k.hub.sign_pk, "enrolment reply opened under a key that did not sign it");
      break;
    }
    case kEnvSealOpen: {
      if (in.empty()) break;
      size_t hlen = static_cast<uint8_t>(in[0]);
      if (in.size() < 1 + hlen) break;
      auto h = wire::DecodeRawHeader(in.substr(1, hlen));
      if (!h.ok()) break;
      std::string_view body = in.substr(1 + hlen);
      auto sealed = crypto::SealRequest(k.node_a, k.hub.sign_pk, *h, body);
      SIMPUL_FUZZ_CHECK(sealed.ok(), "SealRequest failed: " + sealed.status().ToString());
      auto peek = crypto::PeekRequestHeader(sealed->frame);
      SIMPUL_FUZZ_CHECK(peek.ok(), "own sealed request does not peek: " + peek.status().ToString());
      auto opened = crypto::OpenRequest(sealed->frame, k.hub, k.node_a.sign_pk);
      SIMPUL_FUZZ_CHECK(opened.ok(), "own sealed request does not open: " + opened.status().ToString());
      SIMPUL_FUZZ_CHECK(opened->body == body, "body changed in transit");
      SIMPUL_FUZZ_CHECK(opened->header == *peek, "peeked and opened headers differ");
      SIMPUL_FUZZ_CHECK(opened->header.node_id == h->node_id && opened->header.counter == h->counter &&
                            opened->header.schema_version == h->schema_version &&
                            opened->header.proto_min == h->proto_min && opened->header.proto_max == h->proto_max,
                        "header changed in transit");
      SIMPUL_FUZZ_CHECK(opened->reply_key == sealed->reply_key, "hub and node derived different reply keys");
      auto wrong = crypto::OpenRequest(sealed->frame, k.hub, k.node_b.sign_pk);
      SIMPUL_FUZZ_CHECK(!wrong.ok(), "a request opened under another node's key");
      // The reply round trip.
      std::string reply = crypto::SealReply(*opened, body);
      auto back = crypto::OpenReply(*sealed, k.hub.sign_pk, reply);
      SIMPUL_FUZZ_CHECK(back.ok() && *back == body, "own reply does not open");
      break;
    }
    case kEnvPublicKeyFromHex: {
      auto pk = crypto::PublicKeyFromHex(in);
      if (pk.ok()) {
        (void)crypto::Fingerprint(*pk);
        SIMPUL_FUZZ_CHECK(crypto::PublicKeyFromHex(crypto::ToHex(*pk)).ok(), "hex key round trip");
      }
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
  simpul::fuzz::Run(data[0] % simpul::fuzz::kEnvCount,
                    std::string_view(reinterpret_cast<const char*>(data + 1), size - 1));
  return 0;
}
