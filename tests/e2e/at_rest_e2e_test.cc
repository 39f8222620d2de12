// Encryption at rest, through the real binaries: a stolen (copied) node data
// directory yields no NIK, name, address or document; the office passphrase
// unlocks it once per session; changing it re-encrypts nothing.
#include <sys/vfs.h>

#include <linux/magic.h>

#include "tests/support/cluster.h"

namespace simpul::testing {
namespace {

constexpr const char* kNik = "3510015211870002";
constexpr const char* kKk = "3510011211870001";
constexpr const char* kName = "Sulastri Wulandari";
constexpr const char* kAddress = "Dusun Krajan Kidul";
constexpr const char* kDocMarker = "SURAT-KETERANGAN-TIDAK-MAMPU-7731";

bool OnRam(const std::string& path) {
  struct statfs sf {};
  return ::statfs(path.c_str(), &sf) == 0 && (sf.f_type == TMPFS_MAGIC || sf.f_type == RAMFS_MAGIC);
}

ProcessResult RunNode(const Node& n, const std::vector<std::string>& args, const std::vector<std::string>& extra_env) {
  std::vector<std::string> env = BaseEnv(n.Home());
  env.insert(env.end(), extra_env.begin(), extra_env.end());
  return Run(n.Argv(args), env, 60);
}

TEST_CASE("at rest: a copied node data directory holds no NIK, name, address or document in clear") {
  Hub hub;
  hub.Start();
  Node n("35.10.01.2001");
  n.Enrol(hub, hub.url());
  std::string hh = n.Id({"household", "add", "--address", kAddress, "--kk", kKk, "--rt", "2", "--rw", "3"});
  std::string person = n.Id({"person", "add", "--household", hh, "--name", kName, "--nik", kNik,
                             "--birth-date", "1987-11-12", "--sex", "P", "--phone", "081234567890"});
  std::string app = n.Id({"application", "new", "--type", "poverty_statement", "--applicant", person,
                          "--purpose", "Berobat ke RSUD Blambangan"});
  std::string doc = n.File("sktm.pdf");
  WriteFile(doc, std::string("%PDF-1.4\n") + kDocMarker + " " + kName + " NIK " + kNik + "\n" + std::string(90000, 'x'));
  n.Do({"application", "attach", app, "--kind", "sktm", "--file", doc});
  n.Do({"sync"});
  // And changes still waiting in the outbox after the sync.
  n.Do({"complaint", "new", "--category", "health", "--description", std::string("Ibu ") + kName + " butuh rujukan",
        "--person", person, "--urgency", "high"});
  n.Do({"application", "edit", app, "--notes", std::string("Rumah ") + kName + " di " + kAddress});

  // The values really are in the store (the test would be void otherwise)...
  CHECK(n.Cli({"person", "show", person}).out.find(kName) != std::string::npos);
  CHECK(hub.Count("SELECT count(*) FROM persons WHERE nik=?", {kNik}) == 1);
  // ...and nowhere on the node's disk in clear: not in the database, its
  // WAL, the documents, the identity, the keyring.
  std::string stolen = n.File("stolen-copy");
  fs::copy(n.dir(), stolen, fs::copy_options::recursive);
  CHECK(fs::exists(stolen + "/identity.key"));
  CHECK(!ListBlobs(n.dir() + "/blobs").files.empty());
  for (const std::string& needle : {std::string(kNik), std::string(kKk), std::string(kName), std::string(kAddress),
                                   std::string(kDocMarker), std::string("081234567890"), std::string("SQLite format")}) {
    auto hits = FilesContaining(stolen, needle);
    std::string list;
    for (const auto& h : hits) list += h + "\n";
    CHECK_MESSAGE(hits.empty(), "'" << needle << "' in clear in:\n" << list);
  }

  // Without the passphrase the copy is useless; with a wrong one, refused.
  ProcessResult r = Run({BinPath("simpul-node"), "--data", stolen, "person", "list"},
                        [&] { auto e = BaseEnv(n.Home()); e.push_back("SIMPUL_PASSPHRASE="); return e; }(), 30);
  CHECK(r.exit_code == 7);
  LH_CHECK_HAS(r.err, "locked");
  r = Run({BinPath("simpul-node"), "--data", stolen, "person", "list"},
          [&] { auto e = BaseEnv(n.Home()); e.push_back("SIMPUL_PASSPHRASE=guessed passphrase"); return e; }(), 30);
  CHECK(r.exit_code == 7);
  LH_CHECK_HAS(r.err, "Wrong office passphrase");
  CHECK(r.out.find(kName) == std::string::npos);

  // On the real laptop, a wrong passphrase is noted and, at the next
  // unlock, entered in the audit chain (which replicates to the hub).
  r = RunNode(n, {"household", "list"}, {"SIMPUL_PASSPHRASE=guessed passphrase"});
  CHECK(r.exit_code == 7);
  CHECK(n.Cli({"--json", "outbox"}).out.find("unlock_failed") != std::string::npos);
  n.Do({"sync"});
  CHECK(hub.Count("SELECT count(*) FROM audit WHERE action='unlock_failed'") == 1);
}

TEST_CASE("at rest: unlock once per session, lock, and change the passphrase without re-encrypting") {
  Node n("35.10.01.2001");
  n.Id({"household", "add", "--address", kAddress, "--kk", kKk});
  const std::string old_pass = std::string("SIMPUL_PASSPHRASE=") + kTestPassphrase;
  const std::string no_pass = "SIMPUL_PASSPHRASE=";

  SUBCASE("a session key lives only on a RAM file system") {
    std::string runtime = "/dev/shm/simpul-test-" + n.id() + "-" + std::to_string(::getpid());
    if (!OnRam("/dev/shm")) {
      MESSAGE("/dev/shm is not tmpfs here: session unlock not exercised");
      return;
    }
    fs::create_directories(runtime);
    struct Cleanup {
      std::string dir;
      ~Cleanup() { fs::remove_all(dir); }
    } cleanup{runtime};
    const std::string xdg = "XDG_RUNTIME_DIR=" + runtime;
    // Locked: no passphrase, no session key.
    ProcessResult r = RunNode(n, {"household", "list"}, {no_pass, xdg});
    CHECK(r.exit_code == 7);
    // A wrong passphrase does not unlock.
    r = RunNode(n, {"unlock"}, {"SIMPUL_PASSPHRASE=not the passphrase", xdg});
    CHECK(r.exit_code == 7);
    CHECK(FilesContaining(runtime, "").empty());
    // Unlock once; then commands need no passphrase in this session.
    r = RunNode(n, {"unlock"}, {old_pass, xdg});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    r = RunNode(n, {"--json", "household", "list"}, {no_pass, xdg});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find(kAddress) != std::string::npos);
    // Lock: back to asking.
    r = RunNode(n, {"lock"}, {no_pass, xdg});
    CHECK(r.exit_code == 0);
    r = RunNode(n, {"household", "list"}, {no_pass, xdg});
    CHECK(r.exit_code == 7);
    LH_CHECK_HAS(r.err, "locked");
  }

  SUBCASE("unlock refuses to leave a key on a disk") {
    std::string runtime = n.File("not-ram");
    fs::create_directories(runtime);
    if (OnRam(runtime)) {
      MESSAGE(runtime << " is on tmpfs here: the refusal is not exercised");
      return;
    }
    ProcessResult r = RunNode(n, {"unlock"}, {old_pass, "XDG_RUNTIME_DIR=" + runtime});
    CHECK(r.exit_code != 0);
    LH_CHECK_HAS(r.err, "not a RAM file system");
    CHECK(FilesContaining(runtime, "").empty());
  }

  SUBCASE("passphrase change: the new one opens, the old one no longer does, the data is unchanged") {
    auto db_before = fs::file_size(n.db());
    ProcessResult r = RunNode(n, {"passphrase", "change"}, {old_pass, "SIMPUL_NEW_PASSPHRASE=short"});
    CHECK(r.exit_code == 2);
    r = RunNode(n, {"passphrase", "change"}, {old_pass, "SIMPUL_NEW_PASSPHRASE=kata sandi baru 2026"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    r = RunNode(n, {"household", "list"}, {old_pass});
    CHECK(r.exit_code == 7);
    LH_CHECK_HAS(r.err, "Wrong office passphrase");
    r = RunNode(n, {"household", "list"}, {"SIMPUL_PASSPHRASE=kata sandi baru 2026"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.find(kAddress) != std::string::npos);
    // Only the keyring was rewritten (the change is audited in the store).
    CHECK(fs::file_size(n.db()) <= db_before + 64 * 4136);
  }
}

}  // namespace
}  // namespace simpul::testing
