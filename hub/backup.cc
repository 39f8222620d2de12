// Over 400 lines on purpose: the backup format (sealed parts, manifest) and
// its writer, verifier and restorer share file-local helpers; split, the
// format's internals would need a header of their own for one reader.
#include "hub/backup.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <vector>

#include "hub/epoch.h"
#include "hub/sequences.h"
#include "hub/store.h"
#include "schema/store_files.h"
#include "sync/crypto/envelope.h"

namespace simpul::hub {
namespace fs = std::filesystem;

namespace {

constexpr std::string_view kMagic = "SMPLBAK1";
constexpr const char kKdfContext[crypto_kdf_CONTEXTBYTES + 1] = "SMPLBKUP";
constexpr size_t kChunk = 64 << 10;
constexpr size_t kHeaderBytes = 8 + 8 + 8 + crypto_pwhash_SALTBYTES + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;

// The master key and its subkeys, wiped on destruction.
class Keys {
 public:
  ~Keys() { sodium_memzero(master_.data(), master_.size()); }
  Status Derive(std::string_view passphrase, const uint8_t* salt, uint64_t ops, uint64_t mem) {
    if (crypto_pwhash(master_.data(), master_.size(), passphrase.data(), passphrase.size(), salt, ops,
                      static_cast<size_t>(mem), crypto_pwhash_ALG_ARGON2ID13) != 0)
      return Status::ResourceExhausted("not enough memory to derive the backup key");
    return Status::Ok();
  }
  std::array<uint8_t, 32> Sub(uint64_t i) const {
    std::array<uint8_t, 32> k{};
    crypto_kdf_derive_from_key(k.data(), k.size(), i, kKdfContext, master_.data());
    return k;
  }

 private:
  std::array<uint8_t, 32> master_{};
};

void PutU64(std::string& out, uint64_t v) {
  for (int i = 7; i >= 0; --i) out.push_back(static_cast<char>(v >> (8 * i)));
}
uint64_t GetU64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | p[i];
  return v;
}
const uint8_t* U8(const std::string& s) { return reinterpret_cast<const uint8_t*>(s.data()); }

std::string PartName(size_t index) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%06zu", index);
  return buf;
}

Result<std::string> ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IoError("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Status FsyncFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IoError("cannot open " + path);
  int rc = ::fsync(fd);
  ::close(fd);
  return rc == 0 ? Status::Ok() : Status::IoError("cannot fsync " + path);
}

struct Entry {
  uint64_t size = 0;
  std::string sha256;  // hex
  std::string path;    // relative to the data directory
};

// Encrypts `src` into `dst` as one secretstream; returns its size and hash.
Status SealFile(const std::string& src, const std::string& dst, const std::array<uint8_t, 32>& key, Entry* e) {
  std::ifstream in(src, std::ios::binary);
  if (!in) return Status::IoError("cannot read " + src);
  std::ofstream out(dst, std::ios::binary | std::ios::trunc);
  if (!out) return Status::IoError("cannot write " + dst);
  crypto_secretstream_xchacha20poly1305_state st;
  uint8_t header[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
  crypto_secretstream_xchacha20poly1305_init_push(&st, header, key.data());
  out.write(reinterpret_cast<const char*>(header), sizeof header);
  crypto_hash_sha256_state h;
  crypto_hash_sha256_init(&h);
  std::vector<uint8_t> plain(kChunk), sealed(kChunk + crypto_secretstream_xchacha20poly1305_ABYTES);
  e->size = 0;
  for (;;) {
    in.read(reinterpret_cast<char*>(plain.data()), static_cast<std::streamsize>(kChunk));
    size_t n = static_cast<size_t>(in.gcount());
    if (in.bad()) return Status::IoError("cannot read " + src);
    bool last = in.peek() == std::char_traits<char>::eof();
    crypto_hash_sha256_update(&h, plain.data(), n);
    e->size += n;
    unsigned long long len = 0;
    crypto_secretstream_xchacha20poly1305_push(&st, sealed.data(), &len, plain.data(), n, nullptr, 0,
                                               last ? crypto_secretstream_xchacha20poly1305_TAG_FINAL : 0);
    out.write(reinterpret_cast<const char*>(sealed.data()), static_cast<std::streamsize>(len));
    if (last) break;
  }
  sodium_memzero(plain.data(), plain.size());
  uint8_t digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&h, digest);
  e->sha256 = sync::crypto::ToHex(digest, sizeof digest);
  out.close();
  if (!out) return Status::IoError("cannot write " + dst);
  return FsyncFile(dst);
}

// Decrypts a part and checks it against its manifest entry; `sink` (if
// set) receives the plain bytes as they are authenticated.
Status OpenFile(const std::string& part, const std::array<uint8_t, 32>& key, const Entry& e,
                const std::function<Status(const uint8_t*, size_t)>& sink) {
  std::ifstream in(part, std::ios::binary);
  if (!in) return Status::Corruption("backup file missing: " + part + " (" + e.path + ")");
  uint8_t header[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
  crypto_secretstream_xchacha20poly1305_state st;
  in.read(reinterpret_cast<char*>(header), sizeof header);
  if (in.gcount() != sizeof header || crypto_secretstream_xchacha20poly1305_init_pull(&st, header, key.data()) != 0)
    return Status::Corruption("damaged backup file " + part + " (" + e.path + ")");
  crypto_hash_sha256_state h;
  crypto_hash_sha256_init(&h);
  std::vector<uint8_t> sealed(kChunk + crypto_secretstream_xchacha20poly1305_ABYTES), plain(kChunk);
  uint64_t size = 0;
  bool final = false;
  while (!final) {
    in.read(reinterpret_cast<char*>(sealed.data()), static_cast<std::streamsize>(sealed.size()));
    size_t n = static_cast<size_t>(in.gcount());
    unsigned long long len = 0;
    unsigned char tag = 0;
    if (n < crypto_secretstream_xchacha20poly1305_ABYTES ||
        crypto_secretstream_xchacha20poly1305_pull(&st, plain.data(), &len, &tag, sealed.data(), n, nullptr, 0) != 0)
      return Status::Corruption("damaged backup file " + part + " (" + e.path + ")");
    final = tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL;
    if (!final && in.peek() == std::char_traits<char>::eof())
      return Status::Corruption("backup file cut short: " + part + " (" + e.path + ")");
    crypto_hash_sha256_update(&h, plain.data(), len);
    size += len;
    if (sink) SIMPUL_RETURN_IF_ERROR(sink(plain.data(), static_cast<size_t>(len)));
  }
  if (in.peek() != std::char_traits<char>::eof())
    return Status::Corruption("backup file has bytes after its end: " + part + " (" + e.path + ")");
  uint8_t digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&h, digest);
  if (size != e.size || sync::crypto::ToHex(digest, sizeof digest) != e.sha256)
    return Status::Corruption("backup file does not match its manifest: " + part + " (" + e.path + ")");
  return Status::Ok();
}

struct Manifest {
  BackupReport info;
  std::vector<Entry> files;
};

std::string ManifestText(const Manifest& m) {
  std::string t = "simpul-hub-backup 1\nhub_id " + m.info.hub_id + "\ncreated_ms " +
                  std::to_string(m.info.created_ms) + "\nepoch_lineage " + m.info.epoch_lineage + "\n";
  for (const auto& e : m.files) t += "file " + std::to_string(e.size) + " " + e.sha256 + " " + e.path + "\n";
  return t;
}

// A path from a manifest must stay inside the data directory, under the
// names a hub data directory has.
bool SafePath(const std::string& p) {
  if (p.empty() || p[0] == '/' || p.find("..") != std::string::npos || p.find('\\') != std::string::npos) return false;
  return p == "hub.db" || p == "hub.key" || p == "data.key" || p == "sequences" || p.rfind("retired-keys/", 0) == 0 ||
         p.rfind("blobs/", 0) == 0;
}

Result<Manifest> ParseManifest(const std::string& text) {
  Manifest m;
  std::istringstream in(text);
  std::string line;
  if (!std::getline(in, line) || line != "simpul-hub-backup 1") return Status::Corruption("not a hub backup manifest");
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    std::string key;
    ls >> key;
    if (key == "hub_id") ls >> m.info.hub_id;
    else if (key == "created_ms") ls >> m.info.created_ms;
    else if (key == "epoch_lineage") ls >> m.info.epoch_lineage;
    else if (key == "file") {
      Entry e;
      ls >> e.size >> e.sha256;
      std::getline(ls >> std::ws, e.path);
      if (!ls || e.sha256.size() != 64 || !SafePath(e.path)) return Status::Corruption("damaged manifest line: " + line);
      m.files.push_back(std::move(e));
    } else if (!key.empty()) {
      return Status::Corruption("unknown manifest line: " + line);
    }
  }
  m.info.files = m.files.size();
  for (const auto& e : m.files) m.info.bytes += e.size;
  return m;
}

// Reads and opens DIR/MANIFEST, deriving the keys from the passphrase.
Result<Manifest> OpenManifest(const std::string& backup_dir, std::string_view passphrase, Keys* keys) {
  SIMPUL_RETURN_IF_ERROR(sync::crypto::InitSodium());
  auto raw = ReadAll(backup_dir + "/MANIFEST");
  if (!raw.ok()) return Status::Corruption("no backup in " + backup_dir + " (MANIFEST missing or unreadable)");
  const std::string& b = *raw;
  if (b.size() < kHeaderBytes + crypto_aead_xchacha20poly1305_ietf_ABYTES || b.compare(0, kMagic.size(), kMagic) != 0)
    return Status::Corruption(backup_dir + "/MANIFEST is not a Simpul hub backup");
  const uint8_t* p = U8(b);
  uint64_t ops = GetU64(p + 8), mem = GetU64(p + 16);
  if (ops < crypto_pwhash_OPSLIMIT_MIN || ops > 64 || mem < crypto_pwhash_MEMLIMIT_MIN || mem > (4ull << 30))
    return Status::Corruption("backup key parameters out of range");
  const uint8_t* salt = p + 24;
  const uint8_t* nonce = salt + crypto_pwhash_SALTBYTES;
  SIMPUL_RETURN_IF_ERROR(keys->Derive(passphrase, salt, ops, mem));
  auto k0 = keys->Sub(0);
  std::string text(b.size() - kHeaderBytes - crypto_aead_xchacha20poly1305_ietf_ABYTES, '\0');
  unsigned long long len = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(reinterpret_cast<uint8_t*>(text.data()), &len, nullptr,
                                                 p + kHeaderBytes, b.size() - kHeaderBytes, p, kHeaderBytes, nonce,
                                                 k0.data()) != 0)
    return Status::Unauthenticated("wrong backup passphrase, or the backup's manifest was changed");
  text.resize(len);
  return ParseManifest(text);
}

// Every part of the manifest, and nothing else, with its bytes as listed.
Status CheckAll(const std::string& backup_dir, const Manifest& m, const Keys& keys,
                const std::function<Status(size_t, const uint8_t*, size_t)>& sink) {
  std::error_code ec;
  size_t parts = 0;
  for (const auto& f : fs::directory_iterator(backup_dir, ec))
    if (f.path().filename() != "MANIFEST") ++parts;
  if (ec) return Status::IoError("cannot list " + backup_dir);
  if (parts != m.files.size())
    return Status::Corruption("the backup holds " + std::to_string(parts) + " files, its manifest lists " +
                              std::to_string(m.files.size()));
  for (size_t i = 0; i < m.files.size(); ++i) {
    std::function<Status(const uint8_t*, size_t)> one;
    if (sink) one = [&, i](const uint8_t* d, size_t n) { return sink(i, d, n); };
    SIMPUL_RETURN_IF_ERROR(OpenFile(backup_dir + "/" + PartName(i), keys.Sub(i + 1), m.files[i], one));
  }
  return Status::Ok();
}

}  // namespace

DataDirLock::~DataDirLock() {
  if (fd_ >= 0) ::close(fd_);  // releases the flock
}

Result<DataDirLock> DataDirLock::Acquire(const std::string& dir) {
  std::string path = dir + "/serve.lock";
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return Status::IoError("cannot open " + path + ": " + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return Status::FailedPrecondition("a simpul-hub server (or a restore) is running on " + dir + "; stop it first");
  }
  return DataDirLock(fd);
}

Result<BackupReport> WriteBackup(const std::string& data_dir, const std::string& backup_dir,
                                 std::string_view passphrase, sync::Clock* clock, sync::crypto::KdfCost cost) {
  SIMPUL_RETURN_IF_ERROR(sync::crypto::CheckPassphrase(passphrase));
  std::error_code ec;
  if (fs::exists(backup_dir, ec) && !fs::is_empty(backup_dir, ec))
    return Status::AlreadyExists(backup_dir + " is not empty; give a new directory for each backup");
  SIMPUL_ASSIGN_OR_RETURN(auto store, HubStore::Open(data_dir, clock));
  fs::create_directories(backup_dir, ec);
  if (ec) return Status::IoError("cannot create " + backup_dir + ": " + ec.message());
  ::chmod(backup_dir.c_str(), 0700);

  Manifest m;
  m.info.hub_id = store->hub_id();
  m.info.created_ms = store->NowMs();
  m.info.epoch_lineage = store->Meta("epoch_lineage");
  std::string salt(crypto_pwhash_SALTBYTES, '\0');
  randombytes_buf(salt.data(), salt.size());
  Keys keys;
  SIMPUL_RETURN_IF_ERROR(keys.Derive(passphrase, U8(salt), cost.ops, cost.mem_bytes));

  auto add = [&](const std::string& src, const std::string& rel) -> Status {
    Entry e;
    e.path = rel;
    SIMPUL_RETURN_IF_ERROR(SealFile(src, backup_dir + "/" + PartName(m.files.size()), keys.Sub(m.files.size() + 1), &e));
    m.files.push_back(std::move(e));
    return Status::Ok();
  };
  // 1. The database: one consistent snapshot, taken under a read
  // transaction while the server goes on writing (WAL). The clear copy is
  // made inside the data directory, which holds hub.db in clear anyway.
  std::string snap = data_dir + "/backup-" + std::to_string(::getpid()) + ".db";
  fs::remove(snap, ec);
  std::string quoted;
  for (char c : snap) quoted += c == '\'' ? std::string("''") : std::string(1, c);
  Status vac = store->db().Exec("VACUUM INTO '" + quoted + "'");
  Status added = vac.ok() ? add(snap, "hub.db") : vac;
  fs::remove(snap, ec);
  SIMPUL_RETURN_IF_ERROR(added);
  // 2. Keys and number reservations (after the snapshot: never older than it).
  SIMPUL_RETURN_IF_ERROR(add(data_dir + "/hub.key", "hub.key"));
  // The hub data key the documents are sealed under (hub/documents.h).
  if (fs::exists(data_dir + "/data.key", ec)) SIMPUL_RETURN_IF_ERROR(add(data_dir + "/data.key", "data.key"));
  for (const auto& f : fs::directory_iterator(data_dir + "/retired-keys", ec))
    if (f.is_regular_file() && f.path().extension() == ".key")
      SIMPUL_RETURN_IF_ERROR(add(f.path().string(), "retired-keys/" + f.path().filename().string()));
  if (fs::exists(SequencesPath(data_dir), ec)) SIMPUL_RETURN_IF_ERROR(add(SequencesPath(data_dir), "sequences"));
  // 3. Documents: complete ones only (content-addressed, never rewritten).
  std::string blobs = data_dir + "/blobs";
  if (fs::exists(blobs, ec))
    for (const auto& f : fs::recursive_directory_iterator(blobs, ec)) {
      std::string rel = fs::relative(f.path(), data_dir, ec).string();
      if (!f.is_regular_file() || rel.rfind("blobs/partial/", 0) == 0 || rel.find(".tmp") != std::string::npos) continue;
      SIMPUL_RETURN_IF_ERROR(add(f.path().string(), rel));
    }
  // 4. The manifest, last: a backup without one is incomplete.
  std::string head(kMagic);
  PutU64(head, cost.ops);
  PutU64(head, cost.mem_bytes);
  head += salt;
  std::string nonce(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, '\0');
  randombytes_buf(nonce.data(), nonce.size());
  head += nonce;
  std::string text = ManifestText(m);
  std::string sealed(text.size() + crypto_aead_xchacha20poly1305_ietf_ABYTES, '\0');
  unsigned long long len = 0;
  auto k0 = keys.Sub(0);
  crypto_aead_xchacha20poly1305_ietf_encrypt(reinterpret_cast<uint8_t*>(sealed.data()), &len, U8(text), text.size(),
                                             U8(head), head.size(), nullptr, U8(nonce), k0.data());
  SIMPUL_RETURN_IF_ERROR(schema::WriteFileAtomically(backup_dir + "/MANIFEST", head + sealed.substr(0, len), 0600));
  SIMPUL_RETURN_IF_ERROR(FsyncFile(backup_dir));
  m.info.files = m.files.size();
  for (const auto& e : m.files) m.info.bytes += e.size;
  return m.info;
}

Result<BackupReport> VerifyBackup(const std::string& backup_dir, std::string_view passphrase) {
  Keys keys;
  SIMPUL_ASSIGN_OR_RETURN(Manifest m, OpenManifest(backup_dir, passphrase, &keys));
  SIMPUL_RETURN_IF_ERROR(CheckAll(backup_dir, m, keys, nullptr));
  return m.info;
}

Result<RestoreReport> RestoreBackup(const std::string& backup_dir, const std::string& data_dir,
                                    std::string_view passphrase, sync::Clock* clock) {
  std::error_code ec;
  fs::create_directories(data_dir, ec);
  ::chmod(data_dir.c_str(), 0700);
  SIMPUL_ASSIGN_OR_RETURN(DataDirLock lock, DataDirLock::Acquire(data_dir));
  Keys keys;
  SIMPUL_ASSIGN_OR_RETURN(Manifest m, OpenManifest(backup_dir, passphrase, &keys));
  bool has_db = false;
  for (const auto& e : m.files) has_db = has_db || e.path == "hub.db";
  if (!has_db) return Status::Corruption("the backup holds no hub.db");
  // A hub store already here must be this hub's (never another's backup).
  if (fs::exists(data_dir + "/hub.db", ec)) {
    auto db = schema::Db::Open(data_dir + "/hub.db", schema::Db::Mode::kReadOnly);
    std::string here = db.ok() ? schema::ReadMeta(*db, "hub_id") : "";
    if (!here.empty() && here != m.info.hub_id)
      return Status::FailedPrecondition("this backup is of hub " + m.info.hub_id + ", the store in " + data_dir +
                                        " is hub " + here + "; restore into an empty directory");
  }

  // Everything is decrypted and checked into a staging directory before
  // anything of the data directory changes.
  std::string stage = data_dir + "/restore-" + std::to_string(::getpid());
  fs::remove_all(stage, ec);
  std::vector<std::unique_ptr<std::ofstream>> outs(m.files.size());
  Status checked = CheckAll(backup_dir, m, keys, [&](size_t i, const uint8_t* d, size_t n) -> Status {
    if (!outs[i]) {
      fs::path p = fs::path(stage) / m.files[i].path;
      std::error_code e2;
      fs::create_directories(p.parent_path(), e2);
      outs[i] = std::make_unique<std::ofstream>(p, std::ios::binary | std::ios::trunc);
    }
    outs[i]->write(reinterpret_cast<const char*>(d), static_cast<std::streamsize>(n));
    return *outs[i] ? Status::Ok() : Status::IoError("cannot write into " + stage);
  });
  for (auto& o : outs)
    if (o) o->close();
  if (!checked.ok()) {
    fs::remove_all(stage, ec);
    return checked;
  }
  auto staged = [&](const std::string& rel) { return stage + "/" + rel; };
  RestoreReport report;
  report.files = m.files.size();

  // The database: the current one (if any) is kept aside, never deleted.
  if (fs::exists(data_dir + "/hub.db", ec)) {
    report.moved_aside = data_dir + "/pre-restore-" + std::to_string(clock->NowMs());
    fs::create_directories(report.moved_aside, ec);
    for (const char* f : {"hub.db", "hub.db-wal", "hub.db-shm"})
      if (fs::exists(data_dir + "/" + f)) fs::rename(data_dir + "/" + f, report.moved_aside + "/" + f, ec);
    if (ec) return Status::IoError("cannot move the current hub.db aside: " + ec.message());
  }
  // Keys: a hub.key here that differs from the backup's is newer (rotated
  // after the backup): keep it, and keep the backup's as retired.
  fs::create_directories(data_dir + "/retired-keys", ec);
  ::chmod((data_dir + "/retired-keys").c_str(), 0700);
  for (const auto& e : m.files) {
    if (e.path.rfind("retired-keys/", 0) != 0 || fs::exists(data_dir + "/" + e.path, ec)) continue;
    fs::copy_file(staged(e.path), data_dir + "/" + e.path, ec);
  }
  SIMPUL_ASSIGN_OR_RETURN(std::string backup_key, ReadAll(staged("hub.key")));
  auto current_key = ReadAll(data_dir + "/hub.key");
  if (current_key.ok() && *current_key != backup_key) {
    report.kept_current_key = true;
    SIMPUL_ASSIGN_OR_RETURN(auto old_id, sync::crypto::ImportIdentity(backup_key));
    SIMPUL_RETURN_IF_ERROR(schema::WriteFileAtomically(
        data_dir + "/retired-keys/" + sync::crypto::ToHex(old_id.sign_pk) + ".key", backup_key, 0600));
  } else if (!current_key.ok()) {
    SIMPUL_RETURN_IF_ERROR(schema::WriteFileAtomically(data_dir + "/hub.key", backup_key, 0600));
  }
  // The data key never changes: the backup's comes along where there is none.
  if (fs::exists(staged("data.key"), ec) && !fs::exists(data_dir + "/data.key", ec)) {
    SIMPUL_ASSIGN_OR_RETURN(std::string data_key, ReadAll(staged("data.key")));
    SIMPUL_RETURN_IF_ERROR(schema::WriteFileAtomically(data_dir + "/data.key", data_key, 0600));
  }
  // Documents: added where missing (a file here is the same bytes: its name
  // is its hash).
  for (const auto& e : m.files) {
    if (e.path.rfind("blobs/", 0) != 0 || fs::exists(data_dir + "/" + e.path, ec)) continue;
    fs::create_directories(fs::path(data_dir + "/" + e.path).parent_path(), ec);
    fs::copy_file(staged(e.path), data_dir + "/" + e.path, ec);
    if (ec) return Status::IoError("cannot restore " + e.path + ": " + ec.message());
  }
  // Number reservations: never lower than either side's.
  SIMPUL_ASSIGN_OR_RETURN(SequenceFile seqs, ReadSequences(SequencesPath(data_dir)));
  report.numbers_proven = fs::exists(SequencesPath(data_dir), ec);
  if (fs::exists(staged("sequences"), ec)) {
    SIMPUL_ASSIGN_OR_RETURN(SequenceFile backed, ReadSequences(staged("sequences")));
    MergeSequences(&seqs, backed);
  }
  SIMPUL_RETURN_IF_ERROR(WriteSequences(SequencesPath(data_dir), seqs));
  // The database last, then a new epoch: from here on villages hear of it.
  fs::rename(staged("hub.db"), data_dir + "/hub.db", ec);
  if (ec) return Status::IoError("cannot put the restored hub.db in place: " + ec.message());
  ::chmod((data_dir + "/hub.db").c_str(), 0600);
  SIMPUL_RETURN_IF_ERROR(FsyncFile(data_dir + "/hub.db"));
  fs::remove_all(stage, ec);
  SIMPUL_RETURN_IF_ERROR(FsyncFile(data_dir));
  SIMPUL_ASSIGN_OR_RETURN(auto store, HubStore::Open(data_dir, clock));
  SIMPUL_ASSIGN_OR_RETURN(report.epoch, StartEpoch(*store));
  if (!report.numbers_proven) SIMPUL_RETURN_IF_ERROR(store->SetMeta("numbers_unproven", report.epoch));
  return report;
}

}  // namespace simpul::hub
