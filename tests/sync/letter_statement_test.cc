// Tests for sync/letter_statement.h: a letter's QR text is signed by the hub
// key, verifies offline against the keys a node trusts (rotation included),
// and every flipped byte, foreign key or revocation is told apart.
#include "sync/letter_statement.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace simpul::sync {
namespace {

LetterStatement Sample() {
  LetterStatement st;
  st.number = "400.9/0007/DINSOS/2026";
  st.type = "pbi_apbd";
  st.name = "Siti Aminah";
  st.masked_nik = MaskNik("3510015211870002");
  st.date = "2026-12-06";
  return st;
}

TEST_CASE("MaskNik keeps the first and last four digits of a NIK") {
  CHECK(MaskNik("3510015211870002") == "3510********0002");
  CHECK(MaskNik("12345") == "***45");
  CHECK(MaskNik("") == "");
}

TEST_CASE("a signed statement verifies against the hub key and reads back its fields") {
  REQUIRE(crypto::InitSodium().ok());
  crypto::Identity hub = crypto::GenerateIdentity();
  auto text = SignLetterStatement(Sample(), hub);
  REQUIRE(text.ok());
  CHECK(text->rfind("SPL1|400.9/0007/DINSOS/2026|pbi_apbd|Siti Aminah|3510********0002|2026-12-06|", 0) == 0);
  CHECK(text->size() < 220);  // fits a QR code of version 10 at level M

  auto check = VerifyLetterStatement(*text, {hub.sign_pk}, {});
  REQUIRE(check.ok());
  CHECK(check->verdict == LetterVerdict::kValid);
  CHECK(check->statement.name == "Siti Aminah");
  CHECK(check->statement.key_id == LetterKeyId(hub.sign_pk));
}

TEST_CASE("a letter signed before a key rotation stays valid with the succession's keys") {
  REQUIRE(crypto::InitSodium().ok());
  crypto::Identity old_key = crypto::GenerateIdentity();
  crypto::Identity new_key = crypto::GenerateIdentity();
  auto old_letter = SignLetterStatement(Sample(), old_key);
  REQUIRE(old_letter.ok());
  // Trusting only the new key: the old letter's key is unknown, so forged.
  auto only_new = VerifyLetterStatement(*old_letter, {new_key.sign_pk}, {});
  REQUIRE(only_new.ok());
  CHECK(only_new->verdict == LetterVerdict::kForged);
  auto both = VerifyLetterStatement(*old_letter, {new_key.sign_pk, old_key.sign_pk}, {});
  REQUIRE(both.ok());
  CHECK(both->verdict == LetterVerdict::kValid);
}

TEST_CASE("every flipped character of a statement is forged or malformed, never valid") {
  REQUIRE(crypto::InitSodium().ok());
  crypto::Identity hub = crypto::GenerateIdentity();
  auto text = SignLetterStatement(Sample(), hub);
  REQUIRE(text.ok());
  for (size_t i = 0; i < text->size(); ++i) {
    std::string bad = *text;
    bad[i] = bad[i] == 'A' ? 'B' : 'A';
    auto check = VerifyLetterStatement(bad, {hub.sign_pk}, {});
    if (check.ok()) {
      CHECK_MESSAGE(check->verdict == LetterVerdict::kForged, "position " << i);
    } else {
      CHECK(check.status().code() == Code::kCorruption);
    }
  }
}

TEST_CASE("a revoked letter is genuine but revoked") {
  REQUIRE(crypto::InitSodium().ok());
  crypto::Identity hub = crypto::GenerateIdentity();
  auto text = SignLetterStatement(Sample(), hub);
  REQUIRE(text.ok());
  auto check = VerifyLetterStatement(*text, {hub.sign_pk}, {"400.9/0007/DINSOS/2026"});
  REQUIRE(check.ok());
  CHECK(check->verdict == LetterVerdict::kRevoked);
  CHECK(std::string(LetterVerdictName(check->verdict)) == "revoked");
}

TEST_CASE("fields that would break the text are refused when signing, naming the field") {
  REQUIRE(crypto::InitSodium().ok());
  crypto::Identity hub = crypto::GenerateIdentity();
  LetterStatement st = Sample();
  st.name = "Siti | Aminah";
  auto r = SignLetterStatement(st, hub);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().field() == "name");
  st = Sample();
  st.date = "6/12/2026";
  r = SignLetterStatement(st, hub);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().field() == "date");
  st = Sample();
  st.number.clear();
  CHECK_FALSE(SignLetterStatement(st, hub).ok());
}

TEST_CASE("malformed statements are Corruption naming what is wrong") {
  for (std::string bad : {std::string(""), std::string("hello"), std::string("SPL1|a|b"),
                          std::string("SPL2|n|t|x|m|2026-01-01|k|s"), std::string(500, 'x')}) {
    auto r = ParseLetterStatement(bad);
    CHECK_FALSE(r.ok());
    if (!r.ok()) CHECK(r.status().code() == Code::kCorruption);
  }
}

}  // namespace
}  // namespace simpul::sync
