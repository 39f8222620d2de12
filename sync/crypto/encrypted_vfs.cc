// The "simpul-aead" SQLite VFS: a shim over the default (unix) VFS that
// encrypts the main database file and its WAL page by page (at_rest.h).
//
// SQLite keeps seeing plain 4096-byte pages at their usual offsets; on disk
// every page becomes nonce(24) | ciphertext(4096) | tag(16) (XChaCha20-
// Poly1305 by libsodium, or AES-256-GCM by OpenSSL using 12 of the nonce
// bytes), so the shim
// maps offsets:
//   database: logical page i at i*4096      <->  physical i*4136
//   WAL:      header [0,32) as is; frame f = frame header (24 bytes, no
//             content: page number, salts, checksums) kept in the clear,
//             then its page, encrypted like a database page.
// A read or write is split into these segments; a write that covers only
// part of a page is done as read-decrypt-patch-encrypt-write. The page's
// position (file kind and index) is the associated data, so pages cannot be
// moved around undetected.
//
// A page that fails authentication is damage, never an empty page: the
// read (or the write that would patch it) fails with SQLITE_IOERR_DATA, the
// damage is recorded for the database (EncryptedDbDamage), and from then on
// every read and write of that database fails the same way, so a damaged
// store is neither read as if whole nor written on. Opening the database
// file authenticates every page in it first. Not damage:
//   - a page beyond the end of the file (never written): zeros, as SQLite
//     expects;
//   - in the WAL, a frame torn by a crash. SQLite's crash recovery reads
//     whole frames and stops at the first whose checksum fails. A frame
//     that fails authentication there is returned as zeros (recovery then
//     treats it as a torn frame in a plain WAL) only when it belongs to the
//     last transaction in the WAL: the store runs with synchronous=FULL, so
//     a transaction was on disk before the next one began, and a frame
//     followed by another transaction was written whole (damage);
//   - a database page a crash tore while a checkpoint copied it, when the
//     WAL still holds that page (SQLite reads the WAL's copy, and the next
//     checkpoint writes the page again).
//
// No rollback journal, temporary or statement file may be opened for an
// encrypted database (they would hold pages in the clear): the store runs in
// WAL mode with temp_store=MEMORY, and any such open is refused, except the
// journal SQLite writes while a still-empty database switches to WAL.
#include <openssl/evp.h>
#include <sodium.h>
#include <sqlite3.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "sync/crypto/at_rest.h"

namespace simpul::sync::crypto {
namespace {

constexpr int64_t kPage = kEncryptedPageSize;
constexpr int64_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;  // 24
constexpr int64_t kTag = crypto_aead_xchacha20poly1305_ietf_ABYTES;       // 16
constexpr int64_t kPhysPage = kPage + kNonce + kTag;
constexpr int64_t kWalHeader = 32;
constexpr int64_t kFrameHeader = 24;
constexpr int64_t kFrame = kFrameHeader + kPage;
constexpr int64_t kPhysFrame = kFrameHeader + kPhysPage;

// kPlain: the one rollback journal SQLite writes while a new, empty
// database switches to WAL mode (it can only hold empty pages).
enum class Kind : uint8_t { kDb = 'D', kWal = 'W', kPlain = 'P' };

bool EmptyDatabase(sqlite3_filename journal_name) {
  struct stat st {};
  const char* db = sqlite3_filename_database(journal_name);
  return db && ::stat(db, &st) == 0 && st.st_size == 0;
}

struct KeyEntry {
  std::array<uint8_t, 32> key;
  PageCipher cipher;
  int refs;
};
std::mutex g_keys_mu;
std::map<std::string, KeyEntry>& Keys() {
  static auto* keys = new std::map<std::string, KeyEntry>();
  return *keys;
}

// The first damage met per database (full path): 0 none, else the page
// number (1-based) | kWalBit for a WAL frame. Entries live as long as the
// process (a File points at its database's), so damage is remembered after
// the database is closed, until a registration of its key starts afresh.
constexpr uint64_t kWalBit = 1ull << 63;
using DamageSlot = std::atomic<uint64_t>;
std::map<std::string, DamageSlot>& Damage() {
  static auto* damage = new std::map<std::string, DamageSlot>();
  return *damage;
}

sqlite3_vfs* g_base = nullptr;
sqlite3_vfs g_vfs;

// Allocated by SQLite (szOsFile bytes, no constructor): plain data only.
struct File {
  sqlite3_file base;   // first: SQLite sees this
  sqlite3_file* real;  // the underlying file, right after this struct
  Kind kind;
  PageCipher cipher;
  DamageSlot* damage;  // its database's (never null once open)
  char db_path[512];   // its database's full path (for the WAL's and the database's lookups)
  uint8_t key[32];
  // AES-256-GCM through OpenSSL (keyed once per open; ~1.4x libsodium's).
  EVP_CIPHER_CTX* enc;
  EVP_CIPHER_CTX* dec;
  // A WAL frame: its clear header, then its sealed page (`phys` points
  // into it; for a database page only `phys` is used).
  uint8_t frame[kFrameHeader + kPhysPage];
  uint8_t* phys;
  // SQLite writes each WAL frame as two writes, its header then its page:
  // the header waits here (physical offset, -1: none) and goes out with its
  // page in one pwrite, which halves the system calls per commit. Every
  // other operation on the file writes a waiting header out first. A header
  // written right after a read is not held: that is SQLite rewriting
  // checksums (header-only writes, no page follows), and the last of them
  // must not wait in memory past the commit.
  int64_t held_at;
  bool after_read;
  uint8_t plain[kPage];
  // Random nonces drawn 128 at a time: one getrandom() call per 128 page
  // writes instead of one per page (the nonces are just as random).
  uint8_t nonces[128 * kNonce];
  uint32_t nonces_left;
};

// One contiguous piece of a file: either clear bytes or one encrypted page.
struct Segment {
  bool page;
  int64_t logical_start, length, physical_start;
  uint64_t index;  // the page's index in its file (associated data)
};

Segment Locate(Kind kind, int64_t off) {
  if (kind == Kind::kDb) {
    int64_t i = off / kPage;
    return {true, i * kPage, kPage, i * kPhysPage, static_cast<uint64_t>(i)};
  }
  if (off < kWalHeader) return {false, 0, kWalHeader, 0, 0};
  int64_t f = (off - kWalHeader) / kFrame;
  int64_t lf = kWalHeader + f * kFrame, pf = kWalHeader + f * kPhysFrame;
  if (off - lf < kFrameHeader) return {false, lf, kFrameHeader, pf, 0};
  return {true, lf + kFrameHeader, kPage, pf + kFrameHeader, static_cast<uint64_t>(f)};
}

int64_t LogicalToPhysical(Kind kind, int64_t size) {
  if (kind == Kind::kDb) return (size + kPage - 1) / kPage * kPhysPage;
  if (size <= kWalHeader) return size;
  int64_t f = (size - kWalHeader) / kFrame, rem = (size - kWalHeader) % kFrame;
  return kWalHeader + f * kPhysFrame + (rem == 0 ? 0 : rem <= kFrameHeader ? rem : rem + kNonce + kTag);
}

// Only whole pages count; a torn tail is invisible (as SQLite expects of a
// frame that was never completely written).
int64_t PhysicalToLogical(Kind kind, int64_t size) {
  if (kind == Kind::kDb) return size / kPhysPage * kPage;
  if (size <= kWalHeader) return size;
  int64_t f = (size - kWalHeader) / kPhysFrame, rem = (size - kWalHeader) % kPhysFrame;
  return kWalHeader + f * kFrame + std::min<int64_t>(rem, kFrameHeader);
}

void AssociatedData(Kind kind, uint64_t index, uint8_t out[9]) {
  out[0] = static_cast<uint8_t>(kind);
  for (int i = 0; i < 8; ++i) out[1 + i] = static_cast<uint8_t>(index >> (8 * (7 - i)));
}

// AES-256-GCM with the first 12 bytes of the nonce field; the same bytes
// libsodium's crypto_aead_aes256gcm would produce (tested).
bool AesGcmSeal(File* f, const uint8_t* plain, const uint8_t* ad, int ad_len) {
  int len = 0, fin = 0;
  uint8_t* out = f->phys + kNonce;
  return EVP_EncryptInit_ex(f->enc, nullptr, nullptr, nullptr, f->phys) == 1 &&
         EVP_EncryptUpdate(f->enc, nullptr, &len, ad, ad_len) == 1 &&
         EVP_EncryptUpdate(f->enc, out, &len, plain, static_cast<int>(kPage)) == 1 &&
         EVP_EncryptFinal_ex(f->enc, out + len, &fin) == 1 &&
         EVP_CIPHER_CTX_ctrl(f->enc, EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTag), out + kPage) == 1;
}

bool AesGcmOpen(File* f, const uint8_t* ad, int ad_len) {
  int len = 0, fin = 0;
  const uint8_t* in = f->phys + kNonce;
  return EVP_DecryptInit_ex(f->dec, nullptr, nullptr, nullptr, f->phys) == 1 &&
         EVP_DecryptUpdate(f->dec, nullptr, &len, ad, ad_len) == 1 &&
         EVP_DecryptUpdate(f->dec, f->plain, &len, in, static_cast<int>(kPage)) == 1 &&
         EVP_CIPHER_CTX_ctrl(f->dec, EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTag), const_cast<uint8_t*>(in + kPage)) == 1 &&
         EVP_DecryptFinal_ex(f->dec, f->plain + len, &fin) == 1;
}

void FreeCiphers(File* f) {
  if (f->enc) EVP_CIPHER_CTX_free(f->enc);
  if (f->dec) EVP_CIPHER_CTX_free(f->dec);
  f->enc = f->dec = nullptr;
}

// Authenticates and decrypts f->phys (page `index` of its file) into f->plain.
bool OpenPage(File* f, uint64_t index) {
  uint8_t ad[9];
  AssociatedData(f->kind, index, ad);
  unsigned long long n = 0;
  // AES-GCM uses the first 12 bytes of the nonce field.
  return f->cipher == PageCipher::kAes256Gcm
             ? AesGcmOpen(f, ad, sizeof ad)
             : crypto_aead_xchacha20poly1305_ietf_decrypt(f->plain, &n, nullptr, f->phys + kNonce, kPage + kTag, ad,
                                                          sizeof ad, f->phys, f->key) == 0;
}

// Records the first damage of `f`'s database; SQLITE_IOERR_DATA.
int Damaged(File* f, Kind kind, uint64_t index) {
  uint64_t none = 0;
  f->damage->compare_exchange_strong(none, (index + 1) | (kind == Kind::kWal ? kWalBit : 0));
  return SQLITE_IOERR_DATA;
}

// Reads and decrypts one page into f->plain. SQLITE_IOERR_SHORT_READ (and
// zeros) when the page is not (completely) on disk; SQLITE_IOERR_DATA (and
// zeros, nothing recorded: the caller decides) when it fails authentication.
int ReadPage(File* f, const Segment& s) {
  int rc = f->real->pMethods->xRead(f->real, f->phys, kPhysPage, s.physical_start);
  if (rc == SQLITE_IOERR_SHORT_READ) {
    std::memset(f->plain, 0, kPage);
    return rc;
  }
  if (rc != SQLITE_OK) return rc;
  if (!OpenPage(f, s.index)) {
    std::memset(f->plain, 0, kPage);
    return SQLITE_IOERR_DATA;
  }
  return SQLITE_OK;
}

uint32_t Be32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) << 24 | static_cast<uint32_t>(p[1]) << 16 | static_cast<uint32_t>(p[2]) << 8 | p[3];
}

// The clear headers of a WAL (sqlite.org/walformat.html): the file header's
// salts, then each frame's page number, commit size and salts. Frames whose
// salts differ from the header's are left from an earlier generation.
class WalHeaders {
 public:
  // `read(buf, n, offset)` reads the WAL's physical bytes; false past its end.
  template <class Read>
  explicit WalHeaders(Read read) {
    uint8_t h[kWalHeader];
    if (!read(h, sizeof h, 0)) return;
    std::memcpy(salts_, h + 16, 8);
    for (int64_t i = 0;; ++i) {
      uint8_t fh[kFrameHeader];
      if (!read(fh, sizeof fh, kWalHeader + i * kPhysFrame) || std::memcmp(fh + 8, salts_, 8) != 0) break;
      frames_.push_back({Be32(fh), Be32(fh + 4) != 0});
    }
  }
  // Whether a frame of a transaction later than the one holding frame
  // `index` (0-based) is in the WAL.
  bool LaterTransaction(uint64_t index) const {
    for (uint64_t i = index; i < frames_.size(); ++i)
      if (frames_[i].commit) return i + 1 < frames_.size();
    return false;
  }
  // Whether the WAL holds a copy of database page `page` (1-based).
  bool Holds(uint32_t page) const {
    for (const auto& fr : frames_)
      if (fr.page == page) return true;
    return false;
  }

 private:
  struct Frame {
    uint32_t page;
    bool commit;
  };
  uint8_t salts_[8] = {};
  std::vector<Frame> frames_;
};

// The headers of `f`'s own WAL file (f is the WAL).
WalHeaders OwnWal(File* f) {
  return WalHeaders([f](uint8_t* buf, int n, int64_t off) {
    return f->real->pMethods->xRead(f->real, buf, n, off) == SQLITE_OK;
  });
}

// The headers of the WAL beside database `f` (none when there is no WAL).
WalHeaders WalBeside(File* f) {
  std::string wal = std::string(f->db_path) + "-wal";
  int fd = ::open(wal.c_str(), O_RDONLY | O_CLOEXEC);
  WalHeaders h([fd](uint8_t* buf, int n, int64_t off) {
    return fd >= 0 && ::pread(fd, buf, static_cast<size_t>(n), off) == n;
  });
  if (fd >= 0) ::close(fd);
  return h;
}

// Authenticates every page of the database file `f` (at open). A page that
// fails is read again a few times first (a checkpoint of another process
// may be writing it), then forgiven only when the WAL holds a copy of it
// (a page a crash tore mid-checkpoint). SQLITE_IOERR_DATA (recorded) on
// damage.
int VerifyDatabase(File* f) {
  sqlite3_int64 phys = 0;
  int rc = f->real->pMethods->xFileSize(f->real, &phys);
  if (rc != SQLITE_OK) return rc;
  const int64_t pages = (phys + kPhysPage - 1) / kPhysPage;  // a partial last page is checked too
  for (int64_t i = 0; i < pages; ++i) {
    Segment s{true, i * kPage, kPage, i * kPhysPage, static_cast<uint64_t>(i)};
    for (int attempt = 0;; ++attempt) {
      rc = ReadPage(f, s);
      if (rc == SQLITE_OK) break;
      if (rc != SQLITE_IOERR_DATA && rc != SQLITE_IOERR_SHORT_READ) return rc;
      if (attempt < 3) {
        g_base->xSleep(g_base, 10000);
        continue;
      }
      if (WalBeside(f).Holds(static_cast<uint32_t>(i + 1))) break;
      return Damaged(f, Kind::kDb, s.index);
    }
  }
  sodium_memzero(f->plain, sizeof f->plain);
  return SQLITE_OK;
}

// Writes out a WAL frame header held by Write (see File::held_at).
int FlushHeld(File* f) {
  if (f->held_at < 0) return SQLITE_OK;
  const int64_t at = f->held_at;
  f->held_at = -1;
  return f->real->pMethods->xWrite(f->real, f->frame, static_cast<int>(kFrameHeader), at);
}

// Seals `plain` as page s.index of its file and writes it; with the header
// of its WAL frame when that is held (one write for the whole frame).
int WritePage(File* f, const Segment& s, const uint8_t* plain) {
  if (f->nonces_left == 0) {
    randombytes_buf(f->nonces, sizeof f->nonces);
    f->nonces_left = sizeof f->nonces / kNonce;
  }
  --f->nonces_left;
  std::memcpy(f->phys, f->nonces + f->nonces_left * kNonce, kNonce);
  sodium_memzero(f->nonces + f->nonces_left * kNonce, kNonce);  // never used twice
  uint8_t ad[9];
  AssociatedData(f->kind, s.index, ad);
  unsigned long long n = 0;
  if (f->cipher == PageCipher::kAes256Gcm) {
    if (!AesGcmSeal(f, plain, ad, sizeof ad)) return SQLITE_IOERR_WRITE;
  } else
    crypto_aead_xchacha20poly1305_ietf_encrypt(f->phys + kNonce, &n, plain, kPage, ad, sizeof ad, nullptr, f->phys,
                                               f->key);
  if (f->held_at >= 0 && f->held_at + kFrameHeader == s.physical_start) {
    const int64_t at = f->held_at;
    f->held_at = -1;
    return f->real->pMethods->xWrite(f->real, f->frame, static_cast<int>(kFrameHeader + kPhysPage), at);
  }
  int rc = FlushHeld(f);
  if (rc != SQLITE_OK) return rc;
  return f->real->pMethods->xWrite(f->real, f->phys, kPhysPage, s.physical_start);
}

int Close(sqlite3_file* file) {
  File* f = reinterpret_cast<File*>(file);
  int held = f->real->pMethods ? FlushHeld(f) : SQLITE_OK;
  int rc = f->real->pMethods ? f->real->pMethods->xClose(f->real) : SQLITE_OK;
  if (rc == SQLITE_OK) rc = held;
  FreeCiphers(f);
  sodium_memzero(f->key, sizeof f->key);
  sodium_memzero(f->plain, sizeof f->plain);
  return rc;
}

int Read(sqlite3_file* file, void* out, int amount, sqlite3_int64 offset) {
  File* f = reinterpret_cast<File*>(file);
  if (f->kind == Kind::kPlain) return f->real->pMethods->xRead(f->real, out, amount, offset);
  if (f->damage->load()) return SQLITE_IOERR_DATA;  // a damaged store is not read on
  if (int rc = FlushHeld(f); rc != SQLITE_OK) return rc;
  f->after_read = true;
  auto* dst = static_cast<uint8_t*>(out);
  // A read that starts at a WAL frame header and covers its page is crash
  // recovery (or checksum rewriting) reading whole frames: see the top.
  bool whole_frames = f->kind == Kind::kWal && offset >= kWalHeader &&
                      (offset - kWalHeader) % kFrame == 0 && amount >= kFrame;
  bool short_read = false;
  int64_t done = 0;
  while (done < amount) {
    Segment s = Locate(f->kind, offset + done);
    int64_t in = offset + done - s.logical_start;
    int64_t n = std::min<int64_t>(amount - done, s.length - in);
    if (!s.page) {
      int rc = f->real->pMethods->xRead(f->real, dst + done, static_cast<int>(n), s.physical_start + in);
      if (rc == SQLITE_IOERR_SHORT_READ) short_read = true;
      else if (rc != SQLITE_OK) return rc;
    } else {
      int rc = ReadPage(f, s);
      if (rc == SQLITE_IOERR_DATA && !(whole_frames && !OwnWal(f).LaterTransaction(s.index)))
        return Damaged(f, f->kind, s.index);
      if (rc == SQLITE_IOERR_SHORT_READ) short_read = true;
      else if (rc != SQLITE_OK && rc != SQLITE_IOERR_DATA) return rc;  // DATA here: a torn last transaction, as zeros
      std::memcpy(dst + done, f->plain + in, static_cast<size_t>(n));
    }
    done += n;
  }
  return short_read ? SQLITE_IOERR_SHORT_READ : SQLITE_OK;
}

int Write(sqlite3_file* file, const void* in_bytes, int amount, sqlite3_int64 offset) {
  File* f = reinterpret_cast<File*>(file);
  if (f->kind == Kind::kPlain) return f->real->pMethods->xWrite(f->real, in_bytes, amount, offset);
  if (f->damage->load()) return SQLITE_IOERR_DATA;  // nor written on
  const auto* src = static_cast<const uint8_t*>(in_bytes);
  const bool after_read = f->after_read;
  f->after_read = false;
  int64_t done = 0;
  while (done < amount) {
    Segment s = Locate(f->kind, offset + done);
    int64_t in = offset + done - s.logical_start;
    int64_t n = std::min<int64_t>(amount - done, s.length - in);
    int rc;
    if (!s.page && f->kind == Kind::kWal && !after_read && s.logical_start >= kWalHeader && in == 0 &&
        n == kFrameHeader && done + n == amount) {
      rc = FlushHeld(f);  // a frame header alone: hold it for its page
      if (rc != SQLITE_OK) return rc;
      std::memcpy(f->frame, src + done, static_cast<size_t>(kFrameHeader));
      f->held_at = s.physical_start;
    } else if (!s.page) {
      rc = FlushHeld(f);
      if (rc == SQLITE_OK)
        rc = f->real->pMethods->xWrite(f->real, src + done, static_cast<int>(n), s.physical_start + in);
    } else if (in == 0 && n == kPage) {
      rc = WritePage(f, s, src + done);
    } else {  // part of a page: patch what is there (zeros if nothing is; never a damaged page)
      rc = FlushHeld(f);
      if (rc != SQLITE_OK) return rc;
      rc = ReadPage(f, s);
      if (rc == SQLITE_IOERR_DATA) return Damaged(f, f->kind, s.index);
      if (rc != SQLITE_OK && rc != SQLITE_IOERR_SHORT_READ) return rc;
      std::memcpy(f->plain + in, src + done, static_cast<size_t>(n));
      rc = WritePage(f, s, f->plain);
    }
    if (rc != SQLITE_OK) return rc;
    done += n;
  }
  return SQLITE_OK;
}

int Truncate(sqlite3_file* file, sqlite3_int64 size) {
  File* f = reinterpret_cast<File*>(file);
  if (f->kind == Kind::kPlain) return f->real->pMethods->xTruncate(f->real, size);
  if (int rc = FlushHeld(f); rc != SQLITE_OK) return rc;
  return f->real->pMethods->xTruncate(f->real, LogicalToPhysical(f->kind, size));
}

int Sync(sqlite3_file* file, int flags) {
  File* f = reinterpret_cast<File*>(file);
  if (int rc = FlushHeld(f); rc != SQLITE_OK) return rc;
  return f->real->pMethods->xSync(f->real, flags);
}

int FileSize(sqlite3_file* file, sqlite3_int64* size) {
  File* f = reinterpret_cast<File*>(file);
  sqlite3_int64 phys = 0;
  int rc = FlushHeld(f);
  if (rc == SQLITE_OK) rc = f->real->pMethods->xFileSize(f->real, &phys);
  if (rc == SQLITE_OK) *size = f->kind == Kind::kPlain ? phys : PhysicalToLogical(f->kind, phys);
  return rc;
}

int Lock(sqlite3_file* file, int level) {
  File* f = reinterpret_cast<File*>(file);
  if (int rc = FlushHeld(f); rc != SQLITE_OK) return rc;
  return f->real->pMethods->xLock(f->real, level);
}
int Unlock(sqlite3_file* file, int level) {
  File* f = reinterpret_cast<File*>(file);
  if (int rc = FlushHeld(f); rc != SQLITE_OK) return rc;
  return f->real->pMethods->xUnlock(f->real, level);
}
int CheckReservedLock(sqlite3_file* file, int* out) {
  File* f = reinterpret_cast<File*>(file);
  return f->real->pMethods->xCheckReservedLock(f->real, out);
}

int FileControl(sqlite3_file* file, int op, void* arg) {
  File* f = reinterpret_cast<File*>(file);
  if (int rc = FlushHeld(f); rc != SQLITE_OK) return rc;
  switch (op) {
    case SQLITE_FCNTL_MMAP_SIZE:
      // Memory-mapped reads would bypass decryption: never map.
      *static_cast<sqlite3_int64*>(arg) = 0;
      return SQLITE_OK;
    case SQLITE_FCNTL_SIZE_HINT:
    case SQLITE_FCNTL_CHUNK_SIZE:
      // Both grow the file in logical units and would leave unauthenticated
      // zero pages; they are only hints.
      return SQLITE_OK;
    default:
      return f->real->pMethods->xFileControl(f->real, op, arg);
  }
}

int SectorSize(sqlite3_file* file) {
  File* f = reinterpret_cast<File*>(file);
  return f->real->pMethods->xSectorSize(f->real);
}

int DeviceCharacteristics(sqlite3_file* file) {
  File* f = reinterpret_cast<File*>(file);
  // Writes are no longer atomic at the device's unit (a page is 4136 bytes).
  return f->real->pMethods->xDeviceCharacteristics(f->real) &
         (SQLITE_IOCAP_POWERSAFE_OVERWRITE | SQLITE_IOCAP_UNDELETABLE_WHEN_OPEN);
}

int ShmMap(sqlite3_file* file, int region, int size, int extend, void volatile** out) {
  File* f = reinterpret_cast<File*>(file);
  return f->real->pMethods->xShmMap(f->real, region, size, extend, out);
}
int ShmLock(sqlite3_file* file, int offset, int n, int flags) {
  File* f = reinterpret_cast<File*>(file);
  return f->real->pMethods->xShmLock(f->real, offset, n, flags);
}
void ShmBarrier(sqlite3_file* file) {
  File* f = reinterpret_cast<File*>(file);
  f->real->pMethods->xShmBarrier(f->real);
}
int ShmUnmap(sqlite3_file* file, int delete_flag) {
  File* f = reinterpret_cast<File*>(file);
  return f->real->pMethods->xShmUnmap(f->real, delete_flag);
}

const sqlite3_io_methods kMethods = {
    2,  // with shared memory (WAL), without xFetch (no memory mapping)
    Close, Read, Write, Truncate, Sync, FileSize, Lock, Unlock, CheckReservedLock, FileControl,
    SectorSize, DeviceCharacteristics, ShmMap, ShmLock, ShmBarrier, ShmUnmap,
    nullptr, nullptr,
};

int Open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
  File* f = reinterpret_cast<File*>(file);
  f->base.pMethods = nullptr;
  f->nonces_left = 0;
  f->phys = f->frame + kFrameHeader;
  f->held_at = -1;
  f->after_read = false;
  f->enc = f->dec = nullptr;
  f->damage = nullptr;
  f->real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<uint8_t*>(f) + sizeof(File));
  f->real->pMethods = nullptr;
  if (flags & SQLITE_OPEN_MAIN_DB) f->kind = Kind::kDb;
  else if (flags & SQLITE_OPEN_WAL) f->kind = Kind::kWal;
  else if ((flags & SQLITE_OPEN_MAIN_JOURNAL) && name && EmptyDatabase(name)) f->kind = Kind::kPlain;
  else return SQLITE_CANTOPEN;  // journals and temporary files would hold clear pages and temporary files would hold clear pages
  if (!name) return SQLITE_CANTOPEN;
  std::string db = f->kind == Kind::kDb ? std::string(name) : std::string(sqlite3_filename_database(name));
  // (A journal is only ever plain for a registered, still-empty database.)
  if (db.size() >= sizeof f->db_path) return SQLITE_CANTOPEN;
  {
    std::lock_guard<std::mutex> lock(g_keys_mu);
    auto it = Keys().find(db);
    if (it == Keys().end()) return SQLITE_CANTOPEN;  // no key registered: never fall back to clear
    std::memcpy(f->key, it->second.key.data(), 32);
    f->cipher = it->second.cipher;
    f->damage = &Damage()[db];
  }
  std::memcpy(f->db_path, db.c_str(), db.size() + 1);
  if (f->kind != Kind::kPlain && f->cipher == PageCipher::kAes256Gcm) {
    f->enc = EVP_CIPHER_CTX_new();
    f->dec = EVP_CIPHER_CTX_new();
    if (!f->enc || !f->dec || EVP_EncryptInit_ex(f->enc, EVP_aes_256_gcm(), nullptr, f->key, nullptr) != 1 ||
        EVP_DecryptInit_ex(f->dec, EVP_aes_256_gcm(), nullptr, f->key, nullptr) != 1) {
      FreeCiphers(f);
      sodium_memzero(f->key, sizeof f->key);
      return SQLITE_NOMEM;
    }
  }
  int rc = g_base->xOpen(g_base, name, f->real, flags, out_flags);
  if (rc == SQLITE_OK && f->kind == Kind::kDb) rc = f->damage->load() ? SQLITE_IOERR_DATA : VerifyDatabase(f);
  if (rc != SQLITE_OK) {
    FreeCiphers(f);
    sodium_memzero(f->key, sizeof f->key);
    if (f->real->pMethods) f->real->pMethods->xClose(f->real);
    return rc;
  }
  f->base.pMethods = &kMethods;
  return SQLITE_OK;
}

int Delete(sqlite3_vfs*, const char* name, int sync_dir) { return g_base->xDelete(g_base, name, sync_dir); }
int Access(sqlite3_vfs*, const char* name, int flags, int* out) { return g_base->xAccess(g_base, name, flags, out); }
int FullPathname(sqlite3_vfs*, const char* name, int n, char* out) {
  return g_base->xFullPathname(g_base, name, n, out);
}
void* DlOpen(sqlite3_vfs*, const char* name) { return g_base->xDlOpen(g_base, name); }
void DlError(sqlite3_vfs*, int n, char* out) { g_base->xDlError(g_base, n, out); }
void (*DlSym(sqlite3_vfs*, void* h, const char* sym))(void) { return g_base->xDlSym(g_base, h, sym); }
void DlClose(sqlite3_vfs*, void* h) { g_base->xDlClose(g_base, h); }
int Randomness(sqlite3_vfs*, int n, char* out) { return g_base->xRandomness(g_base, n, out); }
int Sleep(sqlite3_vfs*, int us) { return g_base->xSleep(g_base, us); }
int CurrentTime(sqlite3_vfs*, double* out) { return g_base->xCurrentTime(g_base, out); }
int GetLastError(sqlite3_vfs*, int n, char* out) {
  return g_base->xGetLastError ? g_base->xGetLastError(g_base, n, out) : 0;
}
int CurrentTimeInt64(sqlite3_vfs*, sqlite3_int64* out) { return g_base->xCurrentTimeInt64(g_base, out); }

std::string FullPath(const std::string& path) {
  std::string buf(static_cast<size_t>(g_base->mxPathname) + 1, '\0');
  int rc = g_base->xFullPathname(g_base, path.c_str(), static_cast<int>(buf.size()), buf.data());
  if ((rc & 0xff) != SQLITE_OK) return {};  // SQLITE_OK_SYMLINK is fine too
  buf.resize(std::strlen(buf.c_str()));
  return buf;
}

}  // namespace

Status RegisterEncryptedVfs() {
  static std::once_flag once;
  static int rc = SQLITE_OK;
  std::call_once(once, [] {
    if (sodium_init() < 0) {
      rc = SQLITE_ERROR;
      return;
    }
    g_base = sqlite3_vfs_find(nullptr);
    if (!g_base || g_base->iVersion < 2) {
      rc = SQLITE_ERROR;
      return;
    }
    std::memset(&g_vfs, 0, sizeof g_vfs);
    g_vfs.iVersion = 2;
    g_vfs.szOsFile = static_cast<int>(sizeof(File)) + g_base->szOsFile;
    g_vfs.mxPathname = g_base->mxPathname;
    g_vfs.zName = kEncryptedVfsName;
    g_vfs.xOpen = Open;
    g_vfs.xDelete = Delete;
    g_vfs.xAccess = Access;
    g_vfs.xFullPathname = FullPathname;
    g_vfs.xDlOpen = DlOpen;
    g_vfs.xDlError = DlError;
    g_vfs.xDlSym = DlSym;
    g_vfs.xDlClose = DlClose;
    g_vfs.xRandomness = Randomness;
    g_vfs.xSleep = Sleep;
    g_vfs.xCurrentTime = CurrentTime;
    g_vfs.xGetLastError = GetLastError;
    g_vfs.xCurrentTimeInt64 = CurrentTimeInt64;
    rc = sqlite3_vfs_register(&g_vfs, /*makeDflt=*/0);
  });
  if (rc != SQLITE_OK) return Status::Internal("cannot register the encrypting SQLite VFS");
  return Status::Ok();
}

Result<EncryptedDbKey> EncryptedDbKey::Register(const std::string& db_path, const DataKey& key,
                                                PageCipher cipher) {
  SIMPUL_RETURN_IF_ERROR(RegisterEncryptedVfs());
  if (!PageCipherAvailable(cipher))
    return Status::FailedPrecondition("this store's pages are sealed with AES-256-GCM, which this processor lacks");
  std::string full = FullPath(db_path);
  if (full.empty()) return Status::InvalidArgument("cannot resolve " + db_path);
  DataKey db_key = key.Derive(kPurposeDatabase);
  std::lock_guard<std::mutex> lock(g_keys_mu);
  auto [it, fresh] = Keys().try_emplace(full, KeyEntry{{}, cipher, 0});
  if (fresh) {
    std::memcpy(it->second.key.data(), db_key.data(), 32);
    Damage()[full].store(0);  // a new session of this database: what it holds now is checked afresh
  } else if (sodium_memcmp(it->second.key.data(), db_key.data(), 32) != 0 || it->second.cipher != cipher) {
    return Status::FailedPrecondition(db_path + " is open in this process under another key");
  }
  ++it->second.refs;
  return EncryptedDbKey(full);
}

std::optional<PageDamage> EncryptedDbDamage(const std::string& db_path) {
  if (!g_base) return std::nullopt;  // the VFS never ran
  std::string full = FullPath(db_path);
  std::lock_guard<std::mutex> lock(g_keys_mu);
  auto it = Damage().find(full);
  if (it == Damage().end()) return std::nullopt;
  uint64_t v = it->second.load();
  if (v == 0) return std::nullopt;
  return PageDamage{(v & kWalBit) != 0, v & ~kWalBit};
}

EncryptedDbKey::~EncryptedDbKey() {
  if (path_.empty()) return;
  std::lock_guard<std::mutex> lock(g_keys_mu);
  auto it = Keys().find(path_);
  if (it == Keys().end()) return;
  if (--it->second.refs == 0) {
    sodium_memzero(it->second.key.data(), 32);
    Keys().erase(it);
  }
}

}  // namespace simpul::sync::crypto
