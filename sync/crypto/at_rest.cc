#include "sync/crypto/at_rest.h"

#include <sodium.h>

#include <cassert>
#include <fstream>
#include <sstream>

#include "schema/store_files.h"
#include "sync/crypto/envelope.h"

namespace simpul::sync::crypto {
namespace {

constexpr std::string_view kKeyringMagic = "SIMPUL-KEYRING 1";  // 16 bytes
constexpr size_t kSaltBytes = crypto_pwhash_SALTBYTES;           // 16
constexpr size_t kNonceBytes = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr size_t kTagBytes = crypto_aead_xchacha20poly1305_ietf_ABYTES;
constexpr size_t kKeyIdBytes = 8;
constexpr size_t kCipherAt = 16 + 8 + 8 + kSaltBytes + kKeyIdBytes;
constexpr size_t kHeaderBytes = kCipherAt + 8;
constexpr size_t kKeyringBytes = kHeaderBytes + kNonceBytes + 32 + kTagBytes;
// Bounds on a keyring's stated cost: a hostile file must not make unlock
// allocate gigabytes or spin for minutes.
constexpr uint64_t kMaxOps = 20;
constexpr uint64_t kMinMem = 8u << 20, kMaxMem = 1ull << 30;

const uint8_t* U8(std::string_view s) { return reinterpret_cast<const uint8_t*>(s.data()); }

void PutU64(std::string& out, uint64_t v) {
  for (int i = 7; i >= 0; --i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}
uint64_t GetU64(std::string_view s) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(s[i]);
  return v;
}

Result<DataKey> PassphraseKey(std::string_view passphrase, std::string_view salt, KdfCost cost) {
  DataKey k;
  if (crypto_pwhash(k.data(), 32, passphrase.data(), passphrase.size(), U8(salt), cost.ops,
                    static_cast<size_t>(cost.mem_bytes), crypto_pwhash_ALG_ARGON2ID13) != 0)
    return Status::ResourceExhausted("not enough memory to derive the passphrase key");
  return k;
}

Result<std::string> ReadWhole(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("no keyring at " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return Status::IoError("cannot read " + path);
  return ss.str();
}

// `pk` is the passphrase key; the header is the AEAD's associated data.
std::string BuildKeyring(const DataKey& pk, const DataKey& key, KdfCost cost, std::string_view salt,
                         PageCipher cipher) {
  std::string out(kKeyringMagic);
  PutU64(out, cost.ops);
  PutU64(out, cost.mem_bytes);
  out.append(salt);
  uint8_t id[kKeyIdBytes] = {};
  const bool id_is_hex = FromHex(key.Id(), id, sizeof id);  // Id() is our own hex of kKeyIdBytes
  assert(id_is_hex);
  (void)id_is_hex;
  out.append(reinterpret_cast<const char*>(id), sizeof id);
  out += static_cast<char>(cipher);
  out.append(7, '\0');
  std::string header = out;
  std::string nonce(kNonceBytes, '\0');
  randombytes_buf(nonce.data(), nonce.size());
  out += nonce;
  std::string sealed(32 + kTagBytes, '\0');
  unsigned long long n = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(reinterpret_cast<uint8_t*>(sealed.data()), &n, key.data(), 32,
                                             U8(header), header.size(), nullptr, U8(nonce), pk.data());
  out += sealed;
  return out;
}

Status WriteKeyring(const std::string& path, std::string_view passphrase, const DataKey& key, KdfCost cost,
                    PageCipher cipher) {
  std::string salt(kSaltBytes, '\0');
  randombytes_buf(salt.data(), salt.size());
  SIMPUL_ASSIGN_OR_RETURN(DataKey pk, PassphraseKey(passphrase, salt, cost));
  return schema::WriteFileAtomically(path, BuildKeyring(pk, key, cost, salt, cipher), 0600);
}

// The clear part of a keyring: its shape, key id and page cipher.
Result<KeyringInfo> ParseKeyringInfo(std::string_view bytes, const std::string& path) {
  if (bytes.size() != kKeyringBytes || bytes.compare(0, kKeyringMagic.size(), kKeyringMagic) != 0)
    return Status::Corruption(path + " is not a Simpul keyring");
  KeyringInfo info;
  info.key_id = ToHex(reinterpret_cast<const uint8_t*>(bytes.data()) + 32 + kSaltBytes, kKeyIdBytes);
  auto cipher = static_cast<uint8_t>(bytes[kCipherAt]);
  if (cipher != static_cast<uint8_t>(PageCipher::kXChaCha20Poly1305) &&
      cipher != static_cast<uint8_t>(PageCipher::kAes256Gcm))
    return Status::Corruption(path + " names an unknown page cipher");
  info.page_cipher = static_cast<PageCipher>(cipher);
  return info;
}

}  // namespace

DataKey::DataKey() = default;
DataKey::~DataKey() { sodium_memzero(bytes_.data(), bytes_.size()); }
DataKey::DataKey(DataKey&& other) noexcept : bytes_(other.bytes_) {
  sodium_memzero(other.bytes_.data(), other.bytes_.size());
}
DataKey& DataKey::operator=(DataKey&& other) noexcept {
  if (this != &other) {
    bytes_ = other.bytes_;
    sodium_memzero(other.bytes_.data(), other.bytes_.size());
  }
  return *this;
}

DataKey DataKey::Generate() {
  DataKey k;
  crypto_kdf_keygen(k.data());
  return k;
}

Result<DataKey> DataKey::FromBytes(std::string_view bytes) {
  if (bytes.size() != 32) return Status::Corruption("a data key is 32 bytes");
  DataKey k;
  std::copy(bytes.begin(), bytes.end(), k.bytes_.begin());
  return k;
}

DataKey DataKey::Derive(uint64_t purpose) const {
  DataKey k;
  crypto_kdf_derive_from_key(k.data(), 32, purpose, "simpulAR", bytes_.data());
  return k;
}

std::string DataKey::Id() const {
  DataKey id_key = Derive(0xffff);
  uint8_t h[8];
  crypto_generichash(h, sizeof h, id_key.data(), 32, nullptr, 0);
  return ToHex(h, sizeof h);
}

KdfCost DefaultKdfCost() {
#ifdef SIMPUL_FAST_KDF
  return {crypto_pwhash_OPSLIMIT_MIN, kMinMem};
#else
  return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
#endif
}

Status CheckPassphrase(std::string_view passphrase) {
  size_t chars = 0;
  for (unsigned char c : passphrase)
    if ((c & 0xc0) != 0x80) ++chars;  // count UTF-8 characters, not bytes
  if (chars < 10) return Status::InvalidArgument("the passphrase must have at least 10 characters");
  return Status::Ok();
}

PageCipher PreferredPageCipher() {
  // AES only where the processor accelerates it (libsodium's check: AES-NI
  // and carry-less multiply); elsewhere XChaCha20 is the faster of the two.
  bool hardware_aes = sodium_init() >= 0 && crypto_aead_aes256gcm_is_available() == 1;
  return hardware_aes ? PageCipher::kAes256Gcm : PageCipher::kXChaCha20Poly1305;
}

bool PageCipherAvailable(PageCipher cipher) {
  // Both are always available (OpenSSL does AES-GCM in software too), so a
  // store moved to another machine still opens.
  return cipher == PageCipher::kXChaCha20Poly1305 || cipher == PageCipher::kAes256Gcm;
}

Status CreateKeyring(const std::string& path, std::string_view passphrase, const DataKey& key, KdfCost cost,
                     PageCipher cipher) {
  SIMPUL_RETURN_IF_ERROR(CheckPassphrase(passphrase));
  return WriteKeyring(path, passphrase, key, cost, cipher);
}

Result<DataKey> UnlockKeyring(const std::string& path, std::string_view passphrase) {
  SIMPUL_ASSIGN_OR_RETURN(std::string bytes, ReadWhole(path));
  SIMPUL_RETURN_IF_ERROR(ParseKeyringInfo(bytes, path).status());  // shape and a known cipher
  std::string_view v(bytes);
  KdfCost cost{GetU64(v.substr(16)), GetU64(v.substr(24))};
  if (cost.ops < crypto_pwhash_OPSLIMIT_MIN || cost.ops > kMaxOps || cost.mem_bytes < kMinMem ||
      cost.mem_bytes > kMaxMem)
    return Status::Corruption(path + " states an implausible key-derivation cost");
  std::string_view salt = v.substr(32, kSaltBytes);
  std::string_view header = v.substr(0, kHeaderBytes);
  std::string_view nonce = v.substr(kHeaderBytes, kNonceBytes);
  std::string_view sealed = v.substr(kHeaderBytes + kNonceBytes);
  SIMPUL_ASSIGN_OR_RETURN(DataKey pk, PassphraseKey(passphrase, salt, cost));
  DataKey key;
  unsigned long long n = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(key.data(), &n, nullptr, U8(sealed), sealed.size(),
                                                 U8(header), header.size(), U8(nonce), pk.data()) != 0 ||
      n != 32)
    return Status::Unauthenticated("wrong passphrase");
  return key;
}

Result<KeyringInfo> ReadKeyringInfo(const std::string& path) {
  SIMPUL_ASSIGN_OR_RETURN(std::string bytes, ReadWhole(path));
  return ParseKeyringInfo(bytes, path);
}

Status ChangeKeyringPassphrase(const std::string& path, std::string_view old_passphrase,
                               std::string_view new_passphrase, KdfCost cost) {
  SIMPUL_RETURN_IF_ERROR(CheckPassphrase(new_passphrase));
  SIMPUL_ASSIGN_OR_RETURN(DataKey key, UnlockKeyring(path, old_passphrase));
  SIMPUL_ASSIGN_OR_RETURN(KeyringInfo info, ReadKeyringInfo(path));
  return WriteKeyring(path, new_passphrase, key, cost, info.page_cipher);
}

std::string SealSmall(const DataKey& key, std::string_view plain, std::string_view context) {
  std::string out(kNonceBytes, '\0');
  randombytes_buf(out.data(), kNonceBytes);
  out.resize(kNonceBytes + plain.size() + kTagBytes);
  unsigned long long n = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(reinterpret_cast<uint8_t*>(out.data()) + kNonceBytes, &n,
                                             U8(plain), plain.size(), U8(context), context.size(), nullptr,
                                             U8(out), key.data());
  return out;
}

Result<std::string> OpenSmall(const DataKey& key, std::string_view sealed, std::string_view context) {
  if (sealed.size() < kNonceBytes + kTagBytes) return Status::Corruption("sealed data too short");
  std::string plain(sealed.size() - kNonceBytes - kTagBytes, '\0');
  unsigned long long n = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(reinterpret_cast<uint8_t*>(plain.data()), &n, nullptr,
                                                 U8(sealed.substr(kNonceBytes)), sealed.size() - kNonceBytes,
                                                 U8(context), context.size(), U8(sealed), key.data()) != 0)
    return Status::Corruption("sealed data does not open with this key (tampered, or another store's)");
  return plain;
}

}  // namespace simpul::sync::crypto
