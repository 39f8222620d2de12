// Content-addressed document files, shared by node and hub: a document is
// stored once under its SHA-256 (blobs/ab/cdef…), received into a partial
// file that only ever grows from the last confirmed byte (so a cut never
// restarts a document from zero), and verified against its hash before it
// is put in place. Documents live outside the database rows.
#ifndef SIMPUL_SYNC_BLOBS_H_
#define SIMPUL_SYNC_BLOBS_H_

#include <cstdint>
#include <string>

#include "schema/status.h"

namespace simpul::sync {

bool IsSha256Hex(const std::string& s);

class BlobDir {
 public:
  explicit BlobDir(std::string root) : root_(std::move(root)) {}  // DIR/blobs

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

 private:
  std::string root_;
};

// SHA-256 of a whole file, hex.
Result<std::string> Sha256File(const std::string& path);

}  // namespace simpul::sync

#endif  // SIMPUL_SYNC_BLOBS_H_
