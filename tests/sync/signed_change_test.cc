// Tests for sync/crypto/signed_change.h and the protocol 4 fields of the
// wire messages (PROTOCOL.md §20): the canonical form round-trips every
// value type, a signature holds only for the hub's key and the exact bytes,
// hostile bytes are refused without a crash, and the epoch fields travel in
// protocol 4 and are left out for older peers.
#include "sync/crypto/signed_change.h"

#include <doctest/doctest.h>

#include <random>
#include <string>

#include "sync/wire/codec.h"

namespace simpul::sync::crypto {
namespace {

wire::Change SampleHubChange() {
  wire::Change c;
  c.version = "0190a5b28c1d0001.hub-0011223344556677";
  c.table = "applications";
  c.row_id = "0190a5b2-8c1d-7abc-9def-0123456789ab";
  c.village = "35.10.01.2001";
  c.flags = wire::kFlagSnapshot;
  c.fields = {{"letter_number", std::string("460/007/Dinsos/2025"), "0190a5b28c1d0000.a1b2c3d4e5f60718"},
              {"dtks_desil", int64_t{-3}, ""},
              {"score", 0.125, ""},
              {"notes", std::monostate{}, ""},
              {"blob", schema::Blob{std::string("\x00\x01\xff", 3)}, ""}};
  return c;
}

TEST_CASE("signed change: the canonical form round-trips every value type") {
  wire::Change c = SampleHubChange();
  std::string bytes = CanonicalChange(c);
  auto back = ParseCanonicalChange(bytes);
  REQUIRE_MESSAGE(back.ok(), back.status().ToString());
  CHECK(*back == c);
  CHECK(CanonicalChange(*back) == bytes);
}

TEST_CASE("signed change: a signature holds for the signing hub and these exact bytes only") {
  REQUIRE(InitSodium().ok());
  Identity hub = GenerateIdentity(), other = GenerateIdentity();
  std::string bytes = CanonicalChange(SampleHubChange());
  Signature sig = SignChange(hub, bytes);
  CHECK(VerifyChange(hub.sign_pk, bytes, sig));
  CHECK_FALSE(VerifyChange(other.sign_pk, bytes, sig));
  // Any changed byte (a village raising the letter number, moving the row
  // to its village, or claiming another version) breaks it.
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::string changed = bytes;
    changed[i] = static_cast<char>(changed[i] ^ 0x20);
    REQUIRE_MESSAGE(!VerifyChange(hub.sign_pk, changed, sig), i);
  }
  Signature bad = sig;
  bad[10] ^= 1;
  CHECK_FALSE(VerifyChange(hub.sign_pk, bytes, bad));
}

TEST_CASE("signed change: truncated, extended or garbled bytes are refused, never half-read") {
  std::string bytes = CanonicalChange(SampleHubChange());
  for (size_t n = 0; n < bytes.size(); ++n)
    REQUIRE_MESSAGE(ParseCanonicalChange(bytes.substr(0, n)).status().code() == Code::kCorruption, n);
  CHECK(ParseCanonicalChange(bytes + "x").status().code() == Code::kCorruption);
  std::mt19937 rng(20);
  for (int i = 0; i < 2000; ++i) {
    std::string junk = bytes;
    junk[rng() % junk.size()] = static_cast<char>(rng());
    (void)ParseCanonicalChange(junk);  // any status; no crash, no huge allocation (ASan)
  }
  // A field count claiming more than the bytes can hold.
  std::string lie = "SMPLHC1";
  lie += std::string(1, '\x01') + "v" + std::string(1, '\x01') + "t" + std::string(1, '\x01') + "r" +
         std::string(1, '\x01') + "x" + std::string(1, '\x00') + "\xff\xff\xff\xff\x0f";
  CHECK(ParseCanonicalChange(lie).status().code() == Code::kCorruption);
}

TEST_CASE("protocol 4: the epoch fields round-trip, and are left out for a protocol 3 peer") {
  wire::SyncRequest req;
  req.initial = false;
  req.pull_cursor = 1ull << 61;  // a cursor of a restored hub's epoch
  req.epoch = "0011223344556677";
  req.handback = {{CanonicalChange(SampleHubChange()), {}}};
  req.handback[0].signature[0] = 7;
  auto back = wire::DecodeSyncRequest(wire::Encode(req, 4));
  REQUIRE_MESSAGE(back.ok(), back.status().ToString());
  CHECK(*back == req);
  auto old = wire::DecodeSyncRequest(wire::Encode(req, 3));
  REQUIRE(old.ok());
  CHECK(old->epoch.empty());
  CHECK(old->handback.empty());
  CHECK(old->pull_cursor == req.pull_cursor);

  wire::SyncReply rep;
  rep.protocol = 4;
  rep.pulled = {SampleHubChange()};
  rep.epoch = "8899aabbccddeeff";
  rep.lineage = {{"0011223344556677", 5000}, {"8899aabbccddeeff", 0}};
  rep.restored_counter = 71;
  rep.signatures = {{0, {}}};
  rep.signatures[0].signature[63] = 1;
  rep.handback_results = {{"", 0, ""}, {"", 9, "handed-back change is not signed by this hub"}};
  std::string bytes = wire::Encode(rep);
  auto r = wire::DecodeSyncReply(bytes);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  CHECK(*r == rep);
  CHECK(wire::Encode(*r) == bytes);
  // Truncated at any byte: refused.
  auto raw = wire::Decompress(bytes);
  REQUIRE(raw.ok());
  for (size_t n = 0; n < raw->size(); ++n)
    REQUIRE_MESSAGE(wire::DecodeSyncReply(wire::Compress(raw->substr(0, n))).status().code() == Code::kCorruption, n);
  // A protocol 3 reply carries none of it.
  rep.protocol = 3;
  auto three = wire::DecodeSyncReply(wire::Encode(rep));
  REQUIRE(three.ok());
  CHECK(three->epoch.empty());
  CHECK(three->lineage.empty());
  CHECK(three->signatures.empty());
  CHECK(three->pulled == rep.pulled);
}

}  // namespace
}  // namespace simpul::sync::crypto
