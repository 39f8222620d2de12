#include "hub/documents.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "hub/store.h"
#include "schema/store_files.h"

namespace simpul::hub {
namespace fs = std::filesystem;
namespace crypto = sync::crypto;

namespace {

std::string DataKeyPath(const std::string& dir) { return dir + "/data.key"; }

Result<std::string> ReadWhole(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IoError("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Creates `path` with `bytes` unless it exists (link(2) never replaces):
// of several processes starting at once, one key wins and all read it.
Status CreateExclusively(const std::string& path, const std::string& bytes) {
  std::string tmp = path + ".new-" + std::to_string(::getpid());
  SIMPUL_RETURN_IF_ERROR(schema::WriteFileAtomically(tmp, bytes, 0600));
  int rc = ::link(tmp.c_str(), path.c_str());
  int err = errno;
  ::unlink(tmp.c_str());
  if (rc != 0 && err != EEXIST) return Status::IoError("cannot write " + path + ": " + std::strerror(err));
  return Status::Ok();
}

}  // namespace

Result<crypto::DataKey> LoadHubDataKey(schema::Db& db, const std::string& dir) {
  const std::string path = DataKeyPath(dir);
  std::string recorded = schema::ReadMeta(db, "data_key_id");
  if (!fs::exists(path)) {
    if (!recorded.empty())
      return Status::FailedPrecondition("the hub data key " + path +
                                        " is missing: restore it from the backup of the hub keys (the documents"
                                        " cannot be read without it)");
    crypto::DataKey fresh = crypto::DataKey::Generate();
    SIMPUL_RETURN_IF_ERROR(CreateExclusively(path, std::string(fresh.view())));
  }
  SIMPUL_ASSIGN_OR_RETURN(std::string bytes, ReadWhole(path));
  auto key = crypto::DataKey::FromBytes(bytes);
  sodium_memzero(bytes.data(), bytes.size());
  if (!key.ok()) return Status::Corruption(path + " is not a hub data key");
  if (recorded.empty()) {
    SIMPUL_ASSIGN_OR_RETURN(auto txn, schema::Transaction::Begin(db));
    recorded = schema::ReadMeta(db, "data_key_id");  // another process may have been first
    if (recorded.empty()) {
      SIMPUL_RETURN_IF_ERROR(schema::WriteMeta(db, "data_key_id", key->Id()));
      recorded = key->Id();
    }
    SIMPUL_RETURN_IF_ERROR(txn.Commit());
  }
  if (recorded != key->Id())
    return Status::FailedPrecondition(path + " is not this hub's data key (restore the one backed up with hub.key)");
  return key;
}

Status SealClearDocuments(schema::Db& db, const std::string& dir, sync::BlobDir& sealed) {
  if (schema::ReadMeta(db, "documents_sealed") == "1") return Status::Ok();
  const std::string root = dir + "/blobs";
  std::error_code ec;
  for (const auto& sub : fs::directory_iterator(root, ec)) {
    std::string prefix = sub.path().filename().string();
    if (!sub.is_directory()) continue;
    if (prefix == "partial") {
      // Clear partial downloads: dropped; their nodes send them again.
      fs::remove_all(sub.path(), ec);
      continue;
    }
    if (prefix.size() != 2) continue;
    for (const auto& f : fs::directory_iterator(sub.path(), ec)) {
      std::string path = f.path().string();
      if (!f.is_regular_file()) continue;
      // Sealed already, or a clear document (a resident's upload can begin
      // with the sealed magic too): sealed means its first record opens.
      if (sealed.IsSealedFile(path)) continue;
      // A clear document, named by its SHA-256 (a damaged one is sealed
      // under the hash of what it holds: nothing stays in clear).
      auto sha = sync::Sha256File(path);
      if (!sha.ok()) continue;  // gone meanwhile (another process sealed it)
      SIMPUL_ASSIGN_OR_RETURN(auto writer, sealed.NewWriter());
      std::ifstream in(path, std::ios::binary);
      std::string buf(1 << 16, '\0');
      while (in) {
        in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
        if (in.gcount() > 0) SIMPUL_RETURN_IF_ERROR(writer.Add(std::string_view(buf.data(), static_cast<size_t>(in.gcount()))));
      }
      SIMPUL_RETURN_IF_ERROR(writer.Finish(*sha));
      fs::remove(path, ec);
    }
    fs::remove(sub.path(), ec);  // only if empty now
  }
  return schema::WriteMeta(db, "documents_sealed", "1");
}

Result<std::string> ReadHubDocument(HubStore& store, const std::string& sha) {
  if (!sync::IsSha256Hex(sha)) return Status::InvalidArgument("a document is named by its SHA-256");
  sync::BlobDir& blobs = store.blobs();
  if (!blobs.Has(sha)) return Status::NotFound("document " + sha.substr(0, 12) + " has not reached the hub");
  SIMPUL_ASSIGN_OR_RETURN(uint64_t size, blobs.SizeOf(sha));
  SIMPUL_ASSIGN_OR_RETURN(std::string bytes, blobs.Read(sha, 0, size));
  uint8_t d[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(d, reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  if (bytes.size() != size || crypto::ToHex(d, sizeof d) != sha)
    return Status::Corruption("document " + sha.substr(0, 12) + " is damaged: its bytes do not match its hash");
  return bytes;
}

}  // namespace simpul::hub
