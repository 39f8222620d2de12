// Content-addressed document files, shared by node and hub: a document is
// stored once under its SHA-256 (blobs/ab/cdef…), received into a partial
// file that only ever grows from the last confirmed byte (so a cut never
// restarts a document from zero), and verified against its hash before it
// is put in place. Documents live outside the database rows.
//
// On a node (and at the hub, under the hub data key: hub/documents.h) the
// directory is sealed (at_rest.h): files are named by a keyed
// hash of the document's SHA-256, and hold
//   "SMPLDOC1" | file id (16 random bytes) | records
// where each record is u32 length (big-endian) | nonce 24 | ciphertext | tag
// 16 (XChaCha20-Poly1305; file id and record index are the associated
// data), at most 64 KiB of document each. A partial file grows by whole
// records, so a resumed download appends, never rewrites; a record torn by
// a crash is cut off before the next append. A plain directory (files in
// clear, named by their SHA-256) serves the node's benchmark stores only.
#ifndef SIMPUL_SYNC_BLOBS_H_
#define SIMPUL_SYNC_BLOBS_H_

#include <cstdint>
#include <memory>
#include <string>

#include "schema/status.h"
#include "sync/crypto/at_rest.h"

namespace simpul::sync {

bool IsSha256Hex(const std::string& s);

class BlobDir {
 public:
  explicit BlobDir(std::string root) : root_(std::move(root)) {}  // DIR/blobs, plain
  BlobDir(std::string root, const crypto::DataKey& data_key);      // sealed (node)

  bool sealed() const { return keys_ != nullptr; }

  std::string PathOf(const std::string& sha) const;     // the verified file
  std::string PartialOf(const std::string& sha) const;  // bytes received so far
  bool Has(const std::string& sha) const;
  // Bytes of the partial file (0 when none).
  uint64_t PartialSize(const std::string& sha) const;

  // Appends `data` at `offset`, which must equal PartialSize (else
  // FailedPrecondition: resend from the size). Written and fsynced before it
  // returns. When the file reaches `total`, verifies it against `sha` and
  // moves it into place: Corruption (and the partial file is dropped) when
  // it does not match. Returns the bytes held after the write.
  Result<uint64_t> Append(const std::string& sha, uint64_t total, uint64_t offset, const std::string& data);

  // Reads up to `max` bytes of the verified file from `offset`.
  Result<std::string> Read(const std::string& sha, uint64_t offset, uint64_t max) const;
  Result<uint64_t> SizeOf(const std::string& sha) const;
  // True when the file at `path` is a document sealed under this directory's
  // key: its first record authenticates (or it is an empty sealed document).
  // A file that merely begins with the sealed magic is not. False for a
  // plain directory.
  bool IsSealedFile(const std::string& path) const;

  // Writes a new document whose hash is known only at the end (a file the
  // operator attaches): Add() bytes, then Finish(sha) puts it in place
  // (deduplicated if present). Destroying an unfinished writer removes its
  // temporary file, so a failed attach leaves nothing behind.
  class Writer {
   public:
    Writer(Writer&&) noexcept;
    Writer& operator=(Writer&&) = delete;
    ~Writer();
    Status Add(std::string_view data);
    Status Finish(const std::string& sha);

   private:
    friend class BlobDir;
    Writer(const BlobDir* dir, std::string tmp, int fd) : dir_(dir), tmp_(std::move(tmp)), fd_(fd) {}
    Status Flush();
    const BlobDir* dir_;
    std::string tmp_;
    int fd_;
    std::string pending_;  // sealed mode: bytes of the next record
    uint64_t records_ = 0;
    std::string file_id_;
  };
  Result<Writer> NewWriter() const;

  struct Keys;

 private:
  std::string NameOf(const std::string& sha) const;
  std::string root_;
  std::shared_ptr<const Keys> keys_;
};

// SHA-256 of a whole file, hex.
Result<std::string> Sha256File(const std::string& path);

}  // namespace simpul::sync

#endif  // SIMPUL_SYNC_BLOBS_H_
