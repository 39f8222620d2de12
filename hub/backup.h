// Backups of a hub's data directory, and restoring one (OPERATIONS.md
// "Backup and restore", format in PROTOCOL.md §22).
//
// WriteBackup copies, while the hub serves: hub.db (a consistent snapshot,
// SQLite's VACUUM INTO under one read transaction), hub.key and
// retired-keys/, the number reservations (hub/sequences.h) and the
// documents under blobs/ (content-addressed and immutable once complete).
// Everything is encrypted under a key derived from a backup passphrase with
// Argon2id, and listed with its size and SHA-256 in a sealed manifest:
//
//   DIR/MANIFEST := "SMPLBAK1" ops:u64 mem:u64 salt[16] nonce[24] sealed
//     sealed     := XChaCha20-Poly1305(key = K0, nonce, ad = the 64 bytes before, manifest text)
//     text       := "simpul-hub-backup 1\n" "hub_id ID\n" "created_ms MS\n" "epoch_lineage L\n"
//                   ("file SIZE SHA256 PATH\n")*          PATH relative to the data directory
//   DIR/NNNNNN   := the file at position NNNNNN of the manifest, as a libsodium
//                   secretstream (XChaCha20-Poly1305) under K(N+1): header[24],
//                   then chunks of 64 KiB (+17), the last one tagged FINAL
//   K(i)         := crypto_kdf(subkey i, context "SMPLBKUP", Argon2id(passphrase, salt, ops, mem))
//
// So a changed, truncated, swapped, missing or extra file, or a wrong
// passphrase, fails VerifyBackup (and RestoreBackup, which verifies all of
// it before touching the data directory).
//
// RestoreBackup refuses a data directory a server is running on
// (DataDirLock), moves the current hub.db aside (DIR/pre-restore-MS/), keeps
// the newer of the current and backed-up keys and number reservations,
// adds the backup's documents, and starts a new hub epoch (hub/epoch.h),
// so that villages give back what the hub lost.
#ifndef SIMPUL_HUB_BACKUP_H_
#define SIMPUL_HUB_BACKUP_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "schema/status.h"
#include "sync/crypto/at_rest.h"
#include "sync/hlc.h"

namespace simpul::hub {

// An exclusive lock on a hub data directory (flock on DIR/serve.lock),
// held by `serve` and `restore` for as long as the object lives.
class DataDirLock {
 public:
  // FailedPrecondition when another process holds it.
  static Result<DataDirLock> Acquire(const std::string& dir);
  DataDirLock(DataDirLock&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  DataDirLock& operator=(DataDirLock&&) = delete;
  DataDirLock(const DataDirLock&) = delete;
  DataDirLock& operator=(const DataDirLock&) = delete;
  ~DataDirLock();

 private:
  explicit DataDirLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

struct BackupReport {
  size_t files = 0;
  uint64_t bytes = 0;  // plain bytes backed up
  std::string hub_id, epoch_lineage;
  uint64_t created_ms = 0;
};

// Writes a backup of the hub at `data_dir` into `backup_dir` (created; it
// must not exist or be empty). Safe while the hub serves.
Result<BackupReport> WriteBackup(const std::string& data_dir, const std::string& backup_dir,
                                 std::string_view passphrase, sync::Clock* clock,
                                 sync::crypto::KdfCost cost = sync::crypto::DefaultKdfCost());

// Decrypts every file and checks it against the manifest. Unauthenticated:
// wrong passphrase (or a changed manifest); Corruption: a damaged, missing
// or extra file.
Result<BackupReport> VerifyBackup(const std::string& backup_dir, std::string_view passphrase);

struct RestoreReport {
  std::string epoch;           // the new hub epoch
  std::string moved_aside;     // where the replaced hub.db went ("" if there was none)
  bool numbers_proven = true;  // DIR/sequences survived: no number can be issued twice
  bool kept_current_key = false;
  size_t files = 0;
};

Result<RestoreReport> RestoreBackup(const std::string& backup_dir, const std::string& data_dir,
                                    std::string_view passphrase, sync::Clock* clock);

}  // namespace simpul::hub

#endif  // SIMPUL_HUB_BACKUP_H_
