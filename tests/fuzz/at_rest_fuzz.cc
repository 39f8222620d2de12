// Fuzzes what a node reads back from its own disk, which a thief or a
// damaged disk may have altered (sync/crypto/at_rest.h, sync/blobs.h):
//   selector 0: a keyring file (ReadKeyringInfo, UnlockKeyring);
//   selector 1: a sealed document file, final or partial (Has, SizeOf, Read,
//               PartialSize, Append resuming after it);
//   selector 2: the encrypted database file (opened through the VFS).
// Properties: typed errors only; a document that reads back must have the
// size SizeOf states; a resumed append never trusts bytes it cannot open.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "schema/db.h"
#include "sync/blobs.h"
#include "sync/crypto/at_rest.h"
#include "tests/fuzz/fuzz_common.h"

namespace {
namespace fs = std::filesystem;
using namespace simpul;

const std::string& Dir() {
  static const std::string dir = [] {
    std::string d = fs::temp_directory_path().string() + "/simpul-at-rest-fuzz-" + std::to_string(::getpid());
    fs::create_directories(d + "/blobs/partial");
    return d;
  }();
  return dir;
}

void Put(const std::string& path, std::string_view bytes) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

uint64_t BigEndian(std::string_view s, size_t at) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8 && at + i < s.size(); ++i) v = (v << 8) | static_cast<uint8_t>(s[at + i]);
  return v;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || sodium_init() < 0) return 0;
  std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  static const auto key = sync::crypto::DataKey::FromBytes(std::string(32, '\x42')).value();
  const std::string sha(64, 'a');
  switch (data[0] % 3) {
    case 0: {
      std::string path = Dir() + "/keyring";
      Put(path, in);
      auto info = sync::crypto::ReadKeyringInfo(path);
      // Unlocking runs Argon2id at the file's stated cost: only cheap ones here.
      if (info.ok() && BigEndian(in, 24) <= (8u << 20) && BigEndian(in, 16) <= 3) {
        auto k = sync::crypto::UnlockKeyring(path, "fuzz passphrase");
        SIMPUL_FUZZ_CHECK(k.ok() || k.status().code() == Code::kUnauthenticated || k.status().IsCorruption() ||
                              k.status().code() == Code::kResourceExhausted,
                          k.status().ToString());
      }
      break;
    }
    case 1: {
      sync::BlobDir blobs(Dir() + "/blobs", key);
      Put(blobs.PathOf(sha), in);
      Put(blobs.PartialOf(sha), in);
      if (blobs.Has(sha)) {
        auto n = blobs.SizeOf(sha);
        auto all = blobs.Read(sha, 0, 1u << 20);
        if (n.ok() && all.ok() && *n <= (1u << 20)) SIMPUL_FUZZ_CHECK(all->size() == *n, "read size differs from SizeOf");
        (void)blobs.Read(sha, 70000, 100);
      }
      fs::remove(blobs.PathOf(sha));
      uint64_t have = blobs.PartialSize(sha);
      auto appended = blobs.Append(sha, have + 10, have, std::string(10, 'z'));
      // The hash cannot match, so the completed document must be refused.
      SIMPUL_FUZZ_CHECK(!appended.ok(), "a document that cannot match its hash was accepted");
      fs::remove(blobs.PartialOf(sha));
      break;
    }
    default: {
      std::string path = Dir() + "/simpul.db";
      fs::remove(path + "-wal");
      fs::remove(path + "-shm");
      Put(path, in);
      auto reg = sync::crypto::EncryptedDbKey::Register(path, key);
      if (!reg.ok()) break;
      auto db = schema::Db::Open(path, schema::Db::Mode::kReadOnly, sync::crypto::kEncryptedVfsName);
      if (db.ok()) (void)db->Exec("PRAGMA integrity_check");
      break;
    }
  }
  return 0;
}
