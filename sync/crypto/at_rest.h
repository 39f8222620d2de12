// Encryption at rest for a village node (DESIGN §5, docs/SECURITY.md).
//
// Every byte of personal data a node writes to disk is encrypted under one
// random 256-bit data key:
//   - the SQLite database and its WAL, page by page, through the
//     "simpul-aead" VFS registered here (XChaCha20-Poly1305, a fresh random
//     nonce per page write, the page's position as associated data). SQLite
//     sees ordinary 4096-byte pages; on disk each page is 40 bytes longer.
//   - documents (sync/blobs.h) and the node's identity file, as sealed
//     records under keys derived from the data key.
// The data key itself is stored only wrapped: in DIR/keyring, sealed under a
// key derived from the office passphrase with Argon2id. Changing the
// passphrase rewraps the data key and re-encrypts nothing. A forgotten
// passphrase is not recoverable here by design: the office re-enrols the
// node and re-syncs from the hub (docs/OPERATIONS.md).
//
// What stays in the clear: file sizes and times, the SQLite WAL and frame
// headers (page numbers and checksums, no content), the -shm index, document
// file names (keyed hashes), the keyring's KDF parameters and salt.
#ifndef SIMPUL_SYNC_CRYPTO_AT_REST_H_
#define SIMPUL_SYNC_CRYPTO_AT_REST_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "schema/status.h"

namespace simpul::sync::crypto {

// 32-byte symmetric key, wiped when destroyed; move-only.
class DataKey {
 public:
  DataKey();
  ~DataKey();
  DataKey(DataKey&& other) noexcept;
  DataKey& operator=(DataKey&& other) noexcept;
  DataKey(const DataKey&) = delete;
  DataKey& operator=(const DataKey&) = delete;

  static DataKey Generate();
  static Result<DataKey> FromBytes(std::string_view bytes);  // exactly 32 bytes
  // An independent subkey for one purpose (libsodium crypto_kdf): knowing
  // one subkey tells nothing about the others or the data key.
  DataKey Derive(uint64_t purpose) const;
  // A short public id of this key (not secret: a hash of a derived key), so
  // a session key cached for one store is never used for another.
  std::string Id() const;

  uint8_t* data() { return bytes_.data(); }
  const uint8_t* data() const { return bytes_.data(); }
  std::string_view view() const {
    return {reinterpret_cast<const char*>(bytes_.data()), bytes_.size()};
  }

 private:
  std::array<uint8_t, 32> bytes_{};
};

// Subkey purposes (never renumber: they name keys of stored data).
enum KeyPurpose : uint64_t {
  kPurposeDatabase = 1,
  kPurposeDocuments = 2,
  kPurposeDocumentNames = 3,
  kPurposeIdentity = 4,
};

// Argon2id cost of the passphrase key and of operator password hashes. The
// default is libsodium's "interactive" limit (about 0.1 s and 64 MiB here):
// an unlock happens once per session, and a thief must pay it for every guess.
// A build configured with SIMPUL_FAST_KDF (the sanitizer test build of
// tools/run.sh test, never a release) uses the minimum instead, because the
// end-to-end tests start thousands of commands that each unlock the store. The
// cost is stored with each keyring and hash, so what such a build creates
// still opens anywhere, and what a release creates keeps its cost.
struct KdfCost {
  uint64_t ops;
  uint64_t mem_bytes;
};
KdfCost DefaultKdfCost();

// Rules for an office passphrase: at least 10 characters. InvalidArgument
// (with a message the operator can act on) otherwise.
Status CheckPassphrase(std::string_view passphrase);

// The AEAD that seals database pages. AES-256-GCM (OpenSSL) where the
// processor has AES instructions (about 2.4x faster than XChaCha20-Poly1305
// here), else XChaCha20-Poly1305 (libsodium). With
// AES-GCM's 96-bit random nonces one key stays far below 2^32 page writes
// over a village node's life (~10^8 in ten busy years), the bound for
// random nonces. Documents and small secrets always use XChaCha20-Poly1305.
enum class PageCipher : uint8_t { kXChaCha20Poly1305 = 1, kAes256Gcm = 2 };
PageCipher PreferredPageCipher();
bool PageCipherAvailable(PageCipher cipher);

// DIR/keyring: "SIMPUL-KEYRING 1" | ops u64 | mem u64 | salt 16 | key id 8 |
// page cipher u8 | 7 zero bytes | nonce 24 | sealed data key 48
// (XChaCha20-Poly1305; the header is associated data, so neither the cost
// nor the cipher can be changed without the unlock failing). Written
// atomically.
Status CreateKeyring(const std::string& path, std::string_view passphrase, const DataKey& key,
                     KdfCost cost = DefaultKdfCost(), PageCipher cipher = PreferredPageCipher());
// The data key, or Unauthenticated ("wrong passphrase") / Corruption (not a
// keyring) / IoError. Nothing is written.
Result<DataKey> UnlockKeyring(const std::string& path, std::string_view passphrase);
// What a keyring says without the passphrase: the id (DataKey::Id) of the
// key it holds (to check a cached session key belongs to this store) and
// the page cipher of its database.
struct KeyringInfo {
  std::string key_id;
  PageCipher page_cipher;
};
Result<KeyringInfo> ReadKeyringInfo(const std::string& path);
// Rewraps the data key under `new_passphrase` (fresh salt); the old
// passphrase must unlock it first. Atomic: the old keyring stays valid until
// the new one is in place.
Status ChangeKeyringPassphrase(const std::string& path, std::string_view old_passphrase,
                               std::string_view new_passphrase, KdfCost cost = DefaultKdfCost());

// Small secrets (the node identity): nonce 24 | ciphertext | tag 16, with
// `context` as associated data. Corruption when it does not open.
std::string SealSmall(const DataKey& key, std::string_view plain, std::string_view context);
Result<std::string> OpenSmall(const DataKey& key, std::string_view sealed, std::string_view context);

// --- the SQLite VFS ------------------------------------------------------------

inline constexpr const char* kEncryptedVfsName = "simpul-aead";
inline constexpr uint32_t kEncryptedPageSize = 4096;

// Registers the VFS with SQLite (idempotent, thread-safe).
Status RegisterEncryptedVfs();

// Makes `key`'s database subkey the key of the database at `db_path` (and
// its WAL) for as long as this object lives. Open the database with
// kEncryptedVfsName while it does. Several registrations of the same path
// with the same key may coexist; a different key for a path in use is
// refused (FailedPrecondition).
// A page of an encrypted database, or a frame of its WAL, that failed
// authentication: damage (never read as empty, see encrypted_vfs.cc).
struct PageDamage {
  bool wal = false;   // a WAL frame (numbered from 1), else a database page (numbered from 1, as SQLite does)
  uint64_t page = 0;
};
// The first damage the VFS met in the database at `db_path` (or its WAL) in
// this process, if any; remembered after the database is closed, until its
// key is registered again with no registration left. Once met, every later
// read and write of that database fails (SQLITE_IOERR_DATA). Opening the
// database authenticates every page of its file first.
std::optional<PageDamage> EncryptedDbDamage(const std::string& db_path);

class EncryptedDbKey {
 public:
  // FailedPrecondition if this processor cannot run `cipher`.
  static Result<EncryptedDbKey> Register(const std::string& db_path, const DataKey& key,
                                         PageCipher cipher = PageCipher::kXChaCha20Poly1305);
  EncryptedDbKey(EncryptedDbKey&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }
  EncryptedDbKey& operator=(EncryptedDbKey&&) = delete;
  EncryptedDbKey(const EncryptedDbKey&) = delete;
  EncryptedDbKey& operator=(const EncryptedDbKey&) = delete;
  ~EncryptedDbKey();

 private:
  explicit EncryptedDbKey(std::string path) : path_(std::move(path)) {}
  std::string path_;  // as SQLite names it (xFullPathname)
};

}  // namespace simpul::sync::crypto

#endif  // SIMPUL_SYNC_CRYPTO_AT_REST_H_
