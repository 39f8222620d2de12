#include "sync/blobs.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace simpul::sync {
namespace fs = std::filesystem;

bool IsSha256Hex(const std::string& s) {
  if (s.size() != 64) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

std::string BlobDir::PathOf(const std::string& sha) const {
  return root_ + "/" + sha.substr(0, 2) + "/" + sha.substr(2);
}
std::string BlobDir::PartialOf(const std::string& sha) const { return root_ + "/partial/" + sha; }

bool BlobDir::Has(const std::string& sha) const { return ::access(PathOf(sha).c_str(), R_OK) == 0; }

uint64_t BlobDir::PartialSize(const std::string& sha) const {
  struct stat st {};
  return ::stat(PartialOf(sha).c_str(), &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
}

Result<std::string> Sha256File(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IoError("cannot read " + path + ": " + std::strerror(errno));
  crypto_hash_sha256_state st;
  crypto_hash_sha256_init(&st);
  char buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      return Status::IoError("cannot read " + path + ": " + std::strerror(errno));
    }
    if (n == 0) break;
    crypto_hash_sha256_update(&st, reinterpret_cast<unsigned char*>(buf), static_cast<size_t>(n));
  }
  ::close(fd);
  unsigned char d[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&st, d);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned char c : d) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

Result<uint64_t> BlobDir::Append(const std::string& sha, uint64_t total, uint64_t offset, const std::string& data) {
  if (!IsSha256Hex(sha)) return Status::InvalidArgument("document id is not a SHA-256");
  if (Has(sha)) return total;  // already complete: deduplicated
  uint64_t have = PartialSize(sha);
  if (offset != have)
    return Status::FailedPrecondition("chunk at " + std::to_string(offset) + ", but " + std::to_string(have) +
                                      " bytes are held: resend from there");
  if (offset + data.size() > total) return Status::InvalidArgument("chunk goes past the document's size");
  std::error_code ec;
  fs::create_directories(root_ + "/partial", ec);
  std::string part = PartialOf(sha);
  int fd = ::open(part.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return Status::IoError("cannot write " + part + ": " + std::strerror(errno));
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      // Keep only what was there before this chunk: a full disk must not
      // leave half a chunk that the next resume would trust.
      if (::truncate(part.c_str(), static_cast<off_t>(have)) != 0) {}
      return err == ENOSPC ? Status::ResourceExhausted("disk full while receiving a document; paused")
                           : Status::IoError("cannot write " + part + ": " + std::strerror(err));
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    ::close(fd);
    if (::truncate(part.c_str(), static_cast<off_t>(have)) != 0) {}
    return Status::IoError("cannot flush " + part);
  }
  ::close(fd);
  have += data.size();
  if (have < total) return have;
  SIMPUL_ASSIGN_OR_RETURN(std::string actual, Sha256File(part));
  if (actual != sha) {
    ::unlink(part.c_str());
    return Status::Corruption("document " + sha.substr(0, 12) + " failed verification: its bytes do not match its hash");
  }
  std::string final_path = PathOf(sha);
  fs::create_directories(fs::path(final_path).parent_path(), ec);
  if (::rename(part.c_str(), final_path.c_str()) != 0)
    return Status::IoError("cannot store document: " + std::string(std::strerror(errno)));
  return have;
}

Result<uint64_t> BlobDir::SizeOf(const std::string& sha) const {
  struct stat st {};
  if (::stat(PathOf(sha).c_str(), &st) != 0) return Status::NotFound("no document " + sha);
  return static_cast<uint64_t>(st.st_size);
}

Result<std::string> BlobDir::Read(const std::string& sha, uint64_t offset, uint64_t max) const {
  int fd = ::open(PathOf(sha).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::NotFound("no document " + sha);
  std::string out(max, '\0');
  ssize_t n = ::pread(fd, out.data(), max, static_cast<off_t>(offset));
  ::close(fd);
  if (n < 0) return Status::IoError("cannot read document " + sha);
  out.resize(static_cast<size_t>(n));
  return out;
}

}  // namespace simpul::sync
