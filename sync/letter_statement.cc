#include "sync/letter_statement.h"

#include <sodium.h>

#include <algorithm>

namespace simpul::sync {
namespace {

constexpr std::string_view kMagic = "SPL1";
constexpr std::string_view kSignContext = "simpul/v1/letter\n";
constexpr size_t kSigTextLen = 86;  // 64 bytes, base64url without padding

struct FieldLimit {
  const char* name;
  size_t max;
};
// Order of the fields in the text; limits keep a statement inside a QR code
// of version 10 or less at error correction M.
constexpr FieldLimit kFields[] = {{"number", 60}, {"type", 40}, {"name", 100},
                                  {"masked_nik", 16}, {"date", 10}, {"key_id", 16}};

std::string* FieldOf(LetterStatement& s, size_t i) {
  switch (i) {
    case 0: return &s.number;
    case 1: return &s.type;
    case 2: return &s.name;
    case 3: return &s.masked_nik;
    case 4: return &s.date;
    default: return &s.key_id;
  }
}

bool IsDate(std::string_view d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (d[i] < '0' || d[i] > '9') return false;
  return true;
}

Status CheckField(const char* name, std::string_view v, size_t max) {
  if (v.empty()) return Status::InvalidArgument(std::string("letter statement: ") + name + " is empty").WithField(name);
  if (v.size() > max)
    return Status::InvalidArgument(std::string("letter statement: ") + name + " is longer than " +
                                   std::to_string(max) + " bytes")
        .WithField(name);
  for (unsigned char c : v)
    if (c == '|' || c < 0x20 || c == 0x7f)
      return Status::InvalidArgument(std::string("letter statement: ") + name + " holds '|' or a control character")
          .WithField(name);
  return Status::Ok();
}

std::string Base64Url(const uint8_t* p, size_t n) {
  std::string out(sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), p, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.find('\0'));
  return out;
}

std::string SignedPart(std::string_view text) { return std::string(kSignContext) + std::string(text); }

}  // namespace

std::string MaskNik(std::string_view nik) {
  if (nik.size() == 16) return std::string(nik.substr(0, 4)) + "********" + std::string(nik.substr(12));
  if (nik.size() <= 2) return std::string(nik.size(), '*');
  return std::string(nik.size() - 2, '*') + std::string(nik.substr(nik.size() - 2));
}

std::string LetterKeyId(const crypto::PublicKey& pk) { return crypto::ToHex(pk.data(), 8); }

Result<std::string> SignLetterStatement(LetterStatement st, const crypto::Identity& hub) {
  SIMPUL_RETURN_IF_ERROR(crypto::InitSodium());
  st.key_id = LetterKeyId(hub.sign_pk);
  if (!IsDate(st.date)) return Status::InvalidArgument("letter statement: date is not YYYY-MM-DD").WithField("date");
  std::string text(kMagic);
  for (size_t i = 0; i < std::size(kFields); ++i) {
    const std::string& v = *FieldOf(st, i);
    SIMPUL_RETURN_IF_ERROR(CheckField(kFields[i].name, v, kFields[i].max));
    text += '|';
    text += v;
  }
  std::string signed_part = SignedPart(text);
  uint8_t sig[crypto_sign_BYTES];
  crypto_sign_detached(sig, nullptr, reinterpret_cast<const uint8_t*>(signed_part.data()), signed_part.size(),
                       hub.sign_sk.data());
  text += '|';
  text += Base64Url(sig, sizeof sig);
  return text;
}

Result<LetterStatement> ParseLetterStatement(std::string_view text) {
  if (text.size() > 400) return Status::Corruption("letter statement: longer than any Simpul letter's");
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (;;) {
    size_t bar = text.find('|', start);
    parts.push_back(text.substr(start, bar == std::string_view::npos ? std::string_view::npos : bar - start));
    if (bar == std::string_view::npos) break;
    start = bar + 1;
  }
  if (parts[0] != kMagic) return Status::Corruption("letter statement: not a Simpul letter (no SPL1 prefix)");
  if (parts.size() != std::size(kFields) + 2)
    return Status::Corruption("letter statement: " + std::to_string(parts.size()) + " parts, expected " +
                              std::to_string(std::size(kFields) + 2));
  LetterStatement st;
  for (size_t i = 0; i < std::size(kFields); ++i) {
    Status ok = CheckField(kFields[i].name, parts[i + 1], kFields[i].max);
    if (!ok.ok()) return Status::Corruption(ok.message()).WithField(kFields[i].name);
    *FieldOf(st, i) = std::string(parts[i + 1]);
  }
  if (!IsDate(st.date)) return Status::Corruption("letter statement: date is not YYYY-MM-DD").WithField("date");
  if (parts.back().size() != kSigTextLen)
    return Status::Corruption("letter statement: the signature has the wrong length").WithField("signature");
  return st;
}

const char* LetterVerdictName(LetterVerdict v) {
  switch (v) {
    case LetterVerdict::kValid: return "valid";
    case LetterVerdict::kRevoked: return "revoked";
    default: return "forged";
  }
}

Result<LetterCheck> VerifyLetterStatement(std::string_view text, const std::vector<crypto::PublicKey>& trusted,
                                          const std::set<std::string>& revoked) {
  SIMPUL_RETURN_IF_ERROR(crypto::InitSodium());
  SIMPUL_ASSIGN_OR_RETURN(LetterStatement st, ParseLetterStatement(text));
  LetterCheck check;
  check.statement = st;
  size_t last_bar = text.rfind('|');
  std::string_view sig_text = text.substr(last_bar + 1);
  uint8_t sig[crypto_sign_BYTES];
  size_t sig_len = 0;
  if (sodium_base642bin(sig, sizeof sig, sig_text.data(), sig_text.size(), nullptr, &sig_len, nullptr,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      sig_len != sizeof sig) {
    check.detail = "the signature is not valid base64url";
    return check;
  }
  auto key = std::find_if(trusted.begin(), trusted.end(),
                          [&](const crypto::PublicKey& pk) { return LetterKeyId(pk) == st.key_id; });
  if (key == trusted.end()) {
    check.detail = "signed with key " + st.key_id + ", which is not a hub key this office trusts";
    return check;
  }
  std::string signed_part = SignedPart(text.substr(0, last_bar));
  if (crypto_sign_verify_detached(sig, reinterpret_cast<const uint8_t*>(signed_part.data()), signed_part.size(),
                                  key->data()) != 0) {
    check.detail = "the signature does not match the text: the letter was altered or forged";
    return check;
  }
  if (revoked.count(st.number)) {
    check.verdict = LetterVerdict::kRevoked;
    check.detail = "the hub revoked letter " + st.number;
    return check;
  }
  check.verdict = LetterVerdict::kValid;
  check.detail = "signed by hub key " + st.key_id;
  return check;
}

}  // namespace simpul::sync
