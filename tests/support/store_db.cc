#include "tests/support/store_db.h"

#include <filesystem>
#include <map>
#include <set>

#include "sync/blobs.h"

#include "tests/support/temp_dir.h"

namespace simpul::testing {

namespace {

Result<sync::crypto::DataKey> TestKey(const std::string& keyring) {
  // Argon2id costs ~0.1 s: derive each keyring's key once per test binary.
  static std::map<std::string, std::string> keys;  // keyring bytes -> data key bytes
  std::string ring = ReadFile(keyring);
  auto it = keys.find(ring);
  if (it == keys.end()) {
    SIMPUL_ASSIGN_OR_RETURN(auto key, sync::crypto::UnlockKeyring(keyring, kTestPassphrase));
    it = keys.emplace(ring, std::string(key.view())).first;
  }
  return sync::crypto::DataKey::FromBytes(it->second);
}

}  // namespace

namespace {

// The documents of `dir`/blobs that the attachments of `db_path` name,
// decrypted through `blobs`, and any file no row accounts for.
std::map<std::string, std::string> SealedDocuments(const std::string& dir, const std::string& db_path,
                                                   const sync::BlobDir& blobs) {
  namespace fs = std::filesystem;
  std::map<std::string, std::string> out;
  std::set<std::string> accounted;
  if (auto db = OpenStoreDb(db_path); db.ok()) {
    if (auto st = db->Prepare("SELECT DISTINCT sha256 FROM attachments WHERE sha256 IS NOT NULL"); st.ok()) {
      while (true) {
        auto row = st->Step();
        if (!row.ok() || !*row) break;
        std::string sha = st->Text(0);
        if (!blobs.Has(sha)) continue;
        auto size = blobs.SizeOf(sha);
        auto content = size.ok() ? blobs.Read(sha, 0, *size) : Result<std::string>(size.status());
        out[sha] = content.ok() ? *content : "unreadable: " + content.status().ToString();
        accounted.insert(fs::path(blobs.PathOf(sha)).lexically_normal().string());
      }
    }
  }
  std::error_code ec;
  for (const auto& sub : fs::directory_iterator(dir + "/blobs", ec)) {
    if (!sub.is_directory() || sub.path().filename() == "partial") continue;
    for (const auto& f : fs::directory_iterator(sub.path(), ec))
      if (!accounted.count(f.path().lexically_normal().string()))
        out["unaccounted:" + f.path().filename().string()] = "";
  }
  return out;
}

}  // namespace

std::map<std::string, std::string> NodeDocuments(const std::string& node_dir) {
  auto key = TestKey(node_dir + "/keyring");
  if (!key.ok()) return {{"unreadable keyring: " + key.status().ToString(), ""}};
  return SealedDocuments(node_dir, node_dir + "/simpul.db", sync::BlobDir(node_dir + "/blobs", *key));
}

std::map<std::string, std::string> HubDocuments(const std::string& hub_dir) {
  auto key = sync::crypto::DataKey::FromBytes(ReadFile(hub_dir + "/data.key"));
  if (!key.ok()) return {{"unreadable data.key: " + key.status().ToString(), ""}};
  return SealedDocuments(hub_dir, hub_dir + "/hub.db", sync::BlobDir(hub_dir + "/blobs", *key));
}

Result<StoreDb> OpenStoreDb(const std::string& db_path, schema::Db::Mode mode) {
  std::string keyring = std::filesystem::path(db_path).parent_path().string() + "/keyring";
  if (!std::filesystem::exists(keyring)) {
    SIMPUL_ASSIGN_OR_RETURN(auto db, schema::Db::Open(db_path, mode));
    return StoreDb(std::nullopt, std::move(db));
  }
  SIMPUL_ASSIGN_OR_RETURN(auto key, TestKey(keyring));
  SIMPUL_ASSIGN_OR_RETURN(auto info, sync::crypto::ReadKeyringInfo(keyring));
  SIMPUL_ASSIGN_OR_RETURN(auto reg, sync::crypto::EncryptedDbKey::Register(db_path, key, info.page_cipher));
  SIMPUL_ASSIGN_OR_RETURN(auto db, schema::Db::Open(db_path, mode, sync::crypto::kEncryptedVfsName));
  return StoreDb(std::move(reg), std::move(db));
}

}  // namespace simpul::testing
