#include "sync/blobs.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include "sync/crypto/envelope.h"

namespace simpul::sync {
namespace fs = std::filesystem;

struct BlobDir::Keys {
  crypto::DataKey content;
  crypto::DataKey names;
};

namespace {

constexpr std::string_view kSealedMagic = "SMPLDOC1";
constexpr size_t kFileIdBytes = 16;
constexpr size_t kHeaderBytes = 8 + kFileIdBytes;
constexpr size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr size_t kTag = crypto_aead_xchacha20poly1305_ietf_ABYTES;
constexpr size_t kRecordHeader = 4;
constexpr size_t kMaxRecord = 64u << 10;


Status WriteAll(int fd, const std::string& path, const char* p, size_t n) {
  size_t done = 0;
  while (done < n) {
    ssize_t w = ::write(fd, p + done, n - done);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0)
      return errno == ENOSPC ? Status::ResourceExhausted("disk full while writing a document; paused")
                             : Status::IoError("cannot write " + path + ": " + std::strerror(errno));
    done += static_cast<size_t>(w);
  }
  return Status::Ok();
}

// The layout of a sealed document file, from its record headers.
struct SealedLayout {
  bool valid = false;  // has a complete file header
  std::string file_id;
  struct Record {
    uint64_t at;     // physical offset of the record header
    uint32_t length; // plaintext bytes
    uint64_t plain_offset;
  };
  std::vector<Record> records;
  uint64_t plain_size = 0;
  uint64_t good_end = 0;  // physical end of the last complete record
};

Result<SealedLayout> ScanSealed(int fd, const std::string& path) {
  SealedLayout out;
  struct stat st {};
  if (::fstat(fd, &st) != 0) return Status::IoError("cannot stat " + path);
  uint64_t size = static_cast<uint64_t>(st.st_size);
  char header[kHeaderBytes];
  if (size < kHeaderBytes) return out;
  if (::pread(fd, header, kHeaderBytes, 0) != static_cast<ssize_t>(kHeaderBytes))
    return Status::IoError("cannot read " + path);
  if (std::string_view(header, 8) != kSealedMagic)
    return Status::Corruption(path + " is not a sealed Simpul document");
  out.valid = true;
  out.file_id.assign(header + 8, kFileIdBytes);
  uint64_t at = kHeaderBytes;
  out.good_end = at;
  while (at + kRecordHeader <= size) {
    uint8_t len_bytes[4];
    if (::pread(fd, len_bytes, 4, static_cast<off_t>(at)) != 4) return Status::IoError("cannot read " + path);
    uint32_t len = (uint32_t{len_bytes[0]} << 24) | (uint32_t{len_bytes[1]} << 16) |
                   (uint32_t{len_bytes[2]} << 8) | len_bytes[3];
    if (len == 0 || len > kMaxRecord) break;  // a torn or damaged tail: ignored, cut before the next append
    uint64_t end = at + kRecordHeader + kNonce + len + kTag;
    if (end > size) break;
    out.records.push_back({at, len, out.plain_size});
    out.plain_size += len;
    at = end;
    out.good_end = end;
  }
  return out;
}

void RecordAd(const std::string& file_id, uint64_t index, uint8_t ad[kFileIdBytes + 8]) {
  std::memcpy(ad, file_id.data(), kFileIdBytes);
  for (int i = 0; i < 8; ++i) ad[kFileIdBytes + i] = static_cast<uint8_t>(index >> (8 * (7 - i)));
}

std::string SealRecord(const crypto::DataKey& key, const std::string& file_id, uint64_t index,
                       std::string_view plain) {
  std::string rec(kRecordHeader + kNonce + plain.size() + kTag, '\0');
  uint32_t len = static_cast<uint32_t>(plain.size());
  for (int i = 0; i < 4; ++i) rec[i] = static_cast<char>((len >> (8 * (3 - i))) & 0xff);
  auto* nonce = reinterpret_cast<uint8_t*>(rec.data() + kRecordHeader);
  randombytes_buf(nonce, kNonce);
  uint8_t ad[kFileIdBytes + 8];
  RecordAd(file_id, index, ad);
  unsigned long long n = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(nonce + kNonce, &n, reinterpret_cast<const uint8_t*>(plain.data()),
                                             plain.size(), ad, sizeof ad, nullptr, nonce, key.data());
  return rec;
}

Result<std::string> OpenRecord(int fd, const std::string& path, const crypto::DataKey& key,
                               const SealedLayout& layout, size_t index) {
  const auto& r = layout.records[index];
  std::string sealed(kNonce + r.length + kTag, '\0');
  if (::pread(fd, sealed.data(), sealed.size(), static_cast<off_t>(r.at + kRecordHeader)) !=
      static_cast<ssize_t>(sealed.size()))
    return Status::IoError("cannot read " + path);
  std::string plain(r.length, '\0');
  uint8_t ad[kFileIdBytes + 8];
  RecordAd(layout.file_id, index, ad);
  unsigned long long n = 0;
  const auto* s = reinterpret_cast<const uint8_t*>(sealed.data());
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(reinterpret_cast<uint8_t*>(plain.data()), &n, nullptr, s + kNonce,
                                                 r.length + kTag, ad, sizeof ad, s, key.data()) != 0)
    return Status::Corruption("document file " + path + " is damaged or was tampered with");
  return plain;
}

// Appends `data` as records to the sealed file open on `fd` (O_RDWR).
Status AppendSealed(int fd, const std::string& path, const crypto::DataKey& key, SealedLayout& layout,
                    std::string_view data) {
  std::string out;
  if (!layout.valid) {
    layout.file_id.assign(kFileIdBytes, '\0');
    randombytes_buf(layout.file_id.data(), kFileIdBytes);
    out.append(kSealedMagic);
    out += layout.file_id;
    layout.valid = true;
    layout.good_end = 0;
  }
  // Cut a torn tail first, so nothing after the new records can be misread.
  if (::ftruncate(fd, static_cast<off_t>(layout.good_end)) != 0) return Status::IoError("cannot trim " + path);
  for (size_t at = 0; at < data.size(); at += kMaxRecord) {
    std::string_view piece = data.substr(at, kMaxRecord);
    out += SealRecord(key, layout.file_id, layout.records.size(), piece);
    layout.records.push_back({0, static_cast<uint32_t>(piece.size()), layout.plain_size});
    layout.plain_size += piece.size();
  }
  if (::lseek(fd, static_cast<off_t>(layout.good_end), SEEK_SET) < 0) return Status::IoError("cannot seek " + path);
  return WriteAll(fd, path, out.data(), out.size());
}

Result<std::string> Sha256Of(int fd, const std::string& path, const crypto::DataKey* key) {
  crypto_hash_sha256_state st;
  crypto_hash_sha256_init(&st);
  if (key) {
    SIMPUL_ASSIGN_OR_RETURN(SealedLayout layout, ScanSealed(fd, path));
    for (size_t i = 0; i < layout.records.size(); ++i) {
      SIMPUL_ASSIGN_OR_RETURN(std::string plain, OpenRecord(fd, path, *key, layout, i));
      crypto_hash_sha256_update(&st, reinterpret_cast<const uint8_t*>(plain.data()), plain.size());
    }
  } else {
    char buf[1 << 16];
    off_t at = 0;
    for (;;) {
      ssize_t n = ::pread(fd, buf, sizeof buf, at);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return Status::IoError("cannot read " + path + ": " + std::strerror(errno));
      if (n == 0) break;
      crypto_hash_sha256_update(&st, reinterpret_cast<uint8_t*>(buf), static_cast<size_t>(n));
      at += n;
    }
  }
  uint8_t d[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&st, d);
  return crypto::ToHex(d, sizeof d);
}

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

bool IsSha256Hex(const std::string& s) {
  if (s.size() != 64) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

BlobDir::BlobDir(std::string root, const crypto::DataKey& data_key)
    : root_(std::move(root)),
      keys_(std::make_shared<Keys>(Keys{data_key.Derive(crypto::kPurposeDocuments),
                                        data_key.Derive(crypto::kPurposeDocumentNames)})) {}

std::string BlobDir::NameOf(const std::string& sha) const {
  if (!keys_) return sha;
  // A keyed hash: the file names do not reveal which documents are here.
  uint8_t h[32];
  crypto_generichash(h, sizeof h, reinterpret_cast<const uint8_t*>(sha.data()), sha.size(), keys_->names.data(), 32);
  return crypto::ToHex(h, sizeof h);
}

std::string BlobDir::PathOf(const std::string& sha) const {
  std::string name = NameOf(sha);
  return root_ + "/" + name.substr(0, 2) + "/" + name.substr(2);
}
std::string BlobDir::PartialOf(const std::string& sha) const { return root_ + "/partial/" + NameOf(sha); }

bool BlobDir::Has(const std::string& sha) const { return ::access(PathOf(sha).c_str(), R_OK) == 0; }

uint64_t BlobDir::PartialSize(const std::string& sha) const {
  struct stat st {};
  std::string part = PartialOf(sha);
  if (::stat(part.c_str(), &st) != 0) return 0;
  if (!keys_) return static_cast<uint64_t>(st.st_size);
  Fd f{::open(part.c_str(), O_RDONLY | O_CLOEXEC)};
  if (f.fd < 0) return 0;
  auto layout = ScanSealed(f.fd, part);
  return layout.ok() ? layout->plain_size : 0;
}

Result<std::string> Sha256File(const std::string& path) {
  Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (f.fd < 0) return Status::IoError("cannot read " + path + ": " + std::strerror(errno));
  return Sha256Of(f.fd, path, nullptr);
}

Result<uint64_t> BlobDir::Append(const std::string& sha, uint64_t total, uint64_t offset, const std::string& data) {
  if (!IsSha256Hex(sha)) return Status::InvalidArgument("document id is not a SHA-256");
  if (Has(sha)) return total;  // already complete: deduplicated
  if (offset + data.size() > total) return Status::InvalidArgument("chunk goes past the document's size");
  std::error_code ec;
  fs::create_directories(root_ + "/partial", ec);
  std::string part = PartialOf(sha);
  Fd f{::open(part.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600)};
  if (f.fd < 0) return Status::IoError("cannot write " + part + ": " + std::strerror(errno));
  SealedLayout layout;
  uint64_t have = 0, keep_bytes = 0;  // keep_bytes: the physical size that holds `have`
  if (keys_) {
    auto scanned = ScanSealed(f.fd, part);
    if (!scanned.ok()) {  // not ours: start the document again
      if (::ftruncate(f.fd, 0) != 0) return Status::IoError("cannot reset " + part);
      scanned = SealedLayout{};
    }
    layout = std::move(scanned).value();
    have = layout.plain_size;
    keep_bytes = layout.valid ? layout.good_end : 0;
  } else {
    struct stat st {};
    if (::fstat(f.fd, &st) != 0) return Status::IoError("cannot stat " + part);
    have = keep_bytes = static_cast<uint64_t>(st.st_size);
  }
  if (offset != have)
    return Status::FailedPrecondition("chunk at " + std::to_string(offset) + ", but " + std::to_string(have) +
                                      " bytes are held: resend from there");
  Status wrote = keys_ ? AppendSealed(f.fd, part, keys_->content, layout, data)
                       : (::lseek(f.fd, 0, SEEK_END) < 0 ? Status::IoError("cannot seek " + part)
                                                         : WriteAll(f.fd, part, data.data(), data.size()));
  if (wrote.ok() && ::fsync(f.fd) != 0) wrote = Status::IoError("cannot flush " + part);
  if (!wrote.ok()) {
    // Keep only what was there before this chunk: a full disk must not
    // leave half a chunk that the next resume would trust.
    if (::ftruncate(f.fd, static_cast<off_t>(keep_bytes)) != 0) {}
    return wrote;
  }
  have += data.size();
  if (have < total) return have;
  SIMPUL_ASSIGN_OR_RETURN(std::string actual, Sha256Of(f.fd, part, keys_ ? &keys_->content : nullptr));
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
  std::string path = PathOf(sha);
  if (!keys_) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return Status::NotFound("no document " + sha);
    return static_cast<uint64_t>(st.st_size);
  }
  Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (f.fd < 0) return Status::NotFound("no document " + sha);
  SIMPUL_ASSIGN_OR_RETURN(SealedLayout layout, ScanSealed(f.fd, path));
  return layout.plain_size;
}

bool BlobDir::IsSealedFile(const std::string& path) const {
  if (!keys_) return false;
  Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (f.fd < 0) return false;
  auto layout = ScanSealed(f.fd, path);
  if (!layout.ok() || !layout->valid) return false;
  struct stat st {};
  if (layout->records.empty())
    return ::fstat(f.fd, &st) == 0 && static_cast<uint64_t>(st.st_size) == kHeaderBytes;
  return OpenRecord(f.fd, path, keys_->content, *layout, 0).ok();
}

Result<std::string> BlobDir::Read(const std::string& sha, uint64_t offset, uint64_t max) const {
  std::string path = PathOf(sha);
  Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (f.fd < 0) return Status::NotFound("no document " + sha);
  if (!keys_) {
    std::string out(max, '\0');
    ssize_t n = ::pread(f.fd, out.data(), max, static_cast<off_t>(offset));
    if (n < 0) return Status::IoError("cannot read document " + sha);
    out.resize(static_cast<size_t>(n));
    return out;
  }
  SIMPUL_ASSIGN_OR_RETURN(SealedLayout layout, ScanSealed(f.fd, path));
  std::string out;
  for (size_t i = 0; i < layout.records.size() && out.size() < max; ++i) {
    const auto& r = layout.records[i];
    if (r.plain_offset + r.length <= offset) continue;
    SIMPUL_ASSIGN_OR_RETURN(std::string plain, OpenRecord(f.fd, path, keys_->content, layout, i));
    uint64_t from = offset > r.plain_offset ? offset - r.plain_offset : 0;
    out.append(plain, static_cast<size_t>(from), static_cast<size_t>(std::min<uint64_t>(plain.size() - from, max - out.size())));
  }
  return out;
}

// --- Writer ------------------------------------------------------------------------

Result<BlobDir::Writer> BlobDir::NewWriter() const {
  std::error_code ec;
  fs::create_directories(root_, ec);
  uint8_t rnd[8];
  randombytes_buf(rnd, sizeof rnd);
  std::string tmp = root_ + "/.incoming-" + crypto::ToHex(rnd, sizeof rnd);
  int fd = ::open(tmp.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return Status::IoError("cannot write " + tmp + ": " + std::strerror(errno));
  Writer w(this, tmp, fd);
  if (keys_) {
    w.file_id_.assign(kFileIdBytes, '\0');
    randombytes_buf(w.file_id_.data(), kFileIdBytes);
    std::string header(kSealedMagic);
    header += w.file_id_;
    SIMPUL_RETURN_IF_ERROR(WriteAll(fd, tmp, header.data(), header.size()));
  }
  return w;
}

BlobDir::Writer::Writer(Writer&& o) noexcept
    : dir_(o.dir_), tmp_(std::move(o.tmp_)), fd_(o.fd_), pending_(std::move(o.pending_)), records_(o.records_),
      file_id_(std::move(o.file_id_)) {
  o.fd_ = -1;
  o.tmp_.clear();
}

BlobDir::Writer::~Writer() {
  if (fd_ >= 0) ::close(fd_);
  if (!tmp_.empty()) ::unlink(tmp_.c_str());
}

Status BlobDir::Writer::Flush() {
  if (pending_.empty()) return Status::Ok();
  std::string rec = SealRecord(dir_->keys_->content, file_id_, records_++, pending_);
  pending_.clear();
  return WriteAll(fd_, tmp_, rec.data(), rec.size());
}

Status BlobDir::Writer::Add(std::string_view data) {
  if (fd_ < 0) return Status::FailedPrecondition("document writer already finished");
  if (!dir_->keys_) return WriteAll(fd_, tmp_, data.data(), data.size());
  while (!data.empty()) {
    size_t take = std::min(kMaxRecord - pending_.size(), data.size());
    pending_.append(data.substr(0, take));
    data.remove_prefix(take);
    if (pending_.size() == kMaxRecord) SIMPUL_RETURN_IF_ERROR(Flush());
  }
  return Status::Ok();
}

Status BlobDir::Writer::Finish(const std::string& sha) {
  if (fd_ < 0) return Status::FailedPrecondition("document writer already finished");
  if (!IsSha256Hex(sha)) return Status::InvalidArgument("document id is not a SHA-256");
  if (dir_->keys_) SIMPUL_RETURN_IF_ERROR(Flush());
  if (::fsync(fd_) != 0) return Status::IoError("cannot flush " + tmp_);
  ::close(fd_);
  fd_ = -1;
  std::string final_path = dir_->PathOf(sha);
  std::error_code ec;
  fs::create_directories(fs::path(final_path).parent_path(), ec);
  if (dir_->Has(sha)) return Status::Ok();  // already stored: content addressing dedups (destructor unlinks)
  if (::rename(tmp_.c_str(), final_path.c_str()) != 0)
    return Status::IoError("cannot store document: " + std::string(std::strerror(errno)));
  tmp_.clear();
  return Status::Ok();
}

}  // namespace simpul::sync
