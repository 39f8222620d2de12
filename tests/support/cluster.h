// The one cluster helper of the end-to-end tests: the real simpul-hub,
// simpul-node and simpul-linkemu binaries on loopback (a hub, any number of
// village nodes, a link emulator in front of the hub), their --json output
// (tests/support/json.h), read-only looks into their stores, and an
// independent SHA-256 to check the hub's documents. Every e2e test file
// starts its processes through these classes; none keeps a copy.
//
// Header-only, in an anonymous namespace: doctest's CHECK/REQUIRE inside
// need the including test's translation unit.
//
// Waiting is always by polling with a bound; a failed wait is a failed
// check, not a hang.
#ifndef SIMPUL_TESTS_SUPPORT_CLUSTER_H_
#define SIMPUL_TESTS_SUPPORT_CLUSTER_H_

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "schema/db.h"
#include "tests/support/http_client.h"
#include "tests/support/json.h"
#include "tests/support/process.h"
#include "tests/support/store_db.h"
#include "tests/support/temp_dir.h"
#include "tests/support/check_text.h"

namespace simpul::testing {
namespace {

namespace fs = std::filesystem;

// Exit codes (schema/exit_codes.h, shared by both CLIs).
constexpr int kOk = 0;
constexpr int kInternal = 1;     // "a bug: please report it"
constexpr int kUnavailable = 4;  // link down or cut: try again

// Villages of Kecamatan Pesanggaran (35.10.01) in the Kemendagri list.
// (35.10.01.2003 is not in the list; Sumberagung 35.10.01.2004 is used as
// the third village.)
const std::string kSarongan = "35.10.01.2001";
const std::string kPesanggaran = "35.10.01.2002";
const std::string kSumberagung = "35.10.01.2004";
const std::string kKandangan = "35.10.01.2009";

#define LH_CHECK_HAS(hay, needle) CHECK_HAS(hay, needle)

inline double MonoNow() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + ts.tv_nsec / 1e9;
}

// --- small utilities ---------------------------------------------------------------

inline bool WaitFor(const std::function<bool()>& pred, double seconds, int step_ms = 20) {
  auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  for (;;) {
    if (pred()) return true;
    if (std::chrono::steady_clock::now() >= until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(step_ms));
  }
}


// Read-only SQL over a store (hub.db, simpul.db): every row, each column as
// "<type>:<text>" so that NULL, 1 and '1' stay distinct.
using SqlRow = std::vector<std::string>;
inline std::vector<SqlRow> SqlRows(const std::string& db_path, const std::string& sql,
                            const std::vector<std::string>& binds = {}) {
  auto db = testing::OpenStoreDb(db_path, schema::Db::Mode::kReadOnly);
  INFO("open " << db_path);
  REQUIRE(db.ok());
  auto st = db->Prepare(sql);
  INFO(sql);
  REQUIRE(st.ok());
  for (size_t i = 0; i < binds.size(); ++i) st->Bind(static_cast<int>(i + 1), binds[i]);
  std::vector<SqlRow> out;
  for (;;) {
    auto row = st->Step();
    REQUIRE(row.ok());
    if (!*row) break;
    SqlRow r;
    for (int c = 0; c < st->ColumnCount(); ++c) {
      schema::Value v = st->Column(c);
      r.push_back(std::to_string(v.index()) + ":" + (schema::IsNull(v) ? "" : schema::ValueToDisplay(v)));
    }
    out.push_back(std::move(r));
  }
  return out;
}

inline int64_t SqlInt(const std::string& db_path, const std::string& sql, const std::vector<std::string>& binds = {}) {
  auto db = testing::OpenStoreDb(db_path, schema::Db::Mode::kReadOnly);
  INFO("open " << db_path);
  REQUIRE(db.ok());
  auto st = db->Prepare(sql);
  INFO(sql);
  REQUIRE(st.ok());
  for (size_t i = 0; i < binds.size(); ++i) st->Bind(static_cast<int>(i + 1), binds[i]);
  auto row = st->Step();
  REQUIRE(row.ok());
  REQUIRE(*row);
  return st->Int(0);
}

inline std::string SqlText(const std::string& db_path, const std::string& sql, const std::vector<std::string>& binds = {}) {
  auto rows = SqlRows(db_path, sql, binds);
  if (rows.empty() || rows[0].empty()) return "";
  return rows[0][0].substr(rows[0][0].find(':') + 1);
}

// The text of a PDF as a reader copies it (pdftotext, layout kept).
inline std::string PdfText(const std::string& pdf_path) {
  ProcessResult r = Run({"/usr/bin/pdftotext", "-layout", pdf_path, "-"}, {}, 60);
  INFO(pdf_path << ": " << r.err);
  REQUIRE(r.exit_code == 0);
  return r.out;
}

// The QR text a PDF's first page carries, as a phone's scanner reads it
// (pdftoppm renders it into `work`, zbarimg decodes it).
inline std::string PdfQrText(const std::string& pdf_path, const std::string& work) {
  ProcessResult png = Run({"/usr/bin/pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", pdf_path, work + "/qr-page"},
                          {}, 60);
  REQUIRE(png.exit_code == 0);
  ProcessResult qr = Run({"/usr/bin/zbarimg", "-q", "--raw", work + "/qr-page-1.png"}, {}, 60);
  REQUIRE(qr.exit_code == 0);
  std::string text = qr.out;
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

// Rows of `table`, or -1 if the store has no such table.
inline int64_t CountIfTable(const std::string& db_path, const std::string& table) {
  if (SqlInt(db_path, "SELECT count(*) FROM sqlite_master WHERE type='table' AND name=?", {table}) == 0) return -1;
  return SqlInt(db_path, "SELECT count(*) FROM " + table);
}

// The documents a data directory holds: sha256 -> content (a node's, sealed
// under its keyring; a hub's, sealed under its data key), decrypted.
inline std::map<std::string, std::string> BlobFiles(const std::string& dir) {
  std::error_code ec;
  if (fs::exists(dir + "/keyring", ec)) return testing::NodeDocuments(dir);
  if (fs::exists(dir + "/hub.key", ec)) return testing::HubDocuments(dir);
  return {};
}

// Lines of `text` containing every one of `needles`.
inline size_t LinesWith(const std::string& text, std::initializer_list<std::string> needles) {
  size_t n = 0;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    bool all = true;
    for (const auto& w : needles) all = all && line.find(w) != std::string::npos;
    n += all ? 1 : 0;
  }
  return n;
}

// ctest sets SIMPUL_BIN_DIR; run by hand (./build/tests/e2e_tests), the
// binaries are found next to the test's own build tree (build/bin).
inline void EnsureBinDir() {
  if (std::getenv("SIMPUL_BIN_DIR")) return;
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return;
  fs::path bin = exe.parent_path().parent_path() / "bin";
  if (fs::exists(bin / "simpul-hub", ec)) setenv("SIMPUL_BIN_DIR", bin.c_str(), 0);
}

inline std::vector<std::string> BaseEnv(const std::string& home) {
  return {"LANG=C", "LC_ALL=", "LC_MESSAGES=", "HOME=" + home, "XDG_DATA_HOME=", "SIMPUL_DATA=",
          "SIMPUL_HUB_DATA=", "SIMPUL_OPERATOR=operator-dinsos"};
}

// A seed from the environment variable `name` (to replay a run), else random.
inline uint64_t SeedFrom(const char* name) {
  if (const char* s = std::getenv(name); s && *s) return std::strtoull(s, nullptr, 10);
  std::random_device rd;
  return (static_cast<uint64_t>(rd()) << 32 | rd()) % 1000000000ull;
}

inline std::string RandomBytes(std::mt19937_64& rng, size_t n) {
  std::string s(n, '\0');
  for (auto& ch : s) ch = static_cast<char>(rng());
  return s;
}

// --- SHA-256 (FIPS 180-4), independent of the product's libsodium --------------------

inline std::string Sha256Hex(const std::string& data) {
  static const uint32_t k[64] = {
      0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
      0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
      0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
      0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
      0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
      0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
      0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
      0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};
  uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  auto rotr = [](uint32_t x, int n) { return (x >> n) | (x << (32 - n)); };
  std::string m = data;
  uint64_t bits = static_cast<uint64_t>(data.size()) * 8;
  m += static_cast<char>(0x80);
  while (m.size() % 64 != 56) m += '\0';
  for (int i = 7; i >= 0; --i) m += static_cast<char>((bits >> (i * 8)) & 0xff);
  for (size_t off = 0; off < m.size(); off += 64) {
    uint32_t w[64];
    for (int i = 0; i < 16; ++i) {
      const auto* p = reinterpret_cast<const unsigned char*>(m.data() + off + 4 * i);
      w[i] = (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
    }
    for (int i = 16; i < 64; ++i) {
      uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
      uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
      w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (int i = 0; i < 64; ++i) {
      uint32_t t1 = hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + k[i] + w[i];
      uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
      hh = g;
      g = f;
      f = e;
      e = d + t1;
      d = c;
      c = b;
      b = a;
      a = t1 + t2;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
  }
  char out[65];
  for (int i = 0; i < 8; ++i) std::snprintf(out + 8 * i, 9, "%08x", h[i]);
  return std::string(out, 64);
}

// Files under `dir` whose bytes contain `needle` (grep -rl).
inline std::vector<std::string> FilesContaining(const std::string& dir, const std::string& needle) {
  std::vector<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file() && ReadFile(e.path().string()).find(needle) != std::string::npos)
      out.push_back(e.path().string());
  return out;
}

// The verified documents of a blob directory (DIR/blobs/ab/cdef...): name ->
// SHA-256 of the content. Partial files (DIR/blobs/partial/) are listed apart.
struct BlobListing {
  std::map<std::string, std::string> files;  // name from the path -> hash of the bytes
  uint64_t bytes = 0;
  std::vector<std::string> partial;
};
inline BlobListing ListBlobs(const std::string& blob_root) {
  BlobListing out;
  std::error_code ec;
  if (!fs::exists(blob_root, ec)) return out;
  std::string store_dir = fs::path(blob_root).parent_path().string();
  if (fs::exists(store_dir + "/keyring", ec) || fs::exists(store_dir + "/hub.key", ec)) {
    // Documents are sealed under keyed names (a node's under its data key, a
    // hub's under its data key): decrypt through the store.
    bool node = fs::exists(store_dir + "/keyring", ec);
    for (const auto& [sha, content] : node ? testing::NodeDocuments(store_dir) : testing::HubDocuments(store_dir)) {
      out.files[sha] = Sha256Hex(content);
      out.bytes += content.size();
    }
    if (fs::exists(blob_root + "/partial", ec))
      for (const auto& f : fs::directory_iterator(blob_root + "/partial")) out.partial.push_back(f.path().filename().string());
    return out;
  }
  for (const auto& sub : fs::directory_iterator(blob_root)) {
    if (!sub.is_directory()) continue;
    std::string prefix = sub.path().filename().string();
    for (const auto& f : fs::directory_iterator(sub.path())) {
      if (prefix == "partial") {
        out.partial.push_back(f.path().filename().string());
        continue;
      }
      std::string content = ReadFile(f.path().string());
      out.bytes += content.size();
      out.files[prefix + f.path().filename().string()] = Sha256Hex(content);
    }
  }
  return out;
}

// A loopback port kept reserved while the process listening on it is down:
// a hub or link emulator restarts on the SAME port (a node's hub URL is fixed
// at enrolment), and the e2e shards run side by side (ctest -j), so another
// test's server or client must not take the port meanwhile. The socket is
// bound with SO_REUSEADDR and never listens: the kernel no longer hands the
// port out for bind(0) or outgoing connections, while our server, which also
// sets SO_REUSEADDR, can still bind it.
class PortHold {
 public:
  PortHold() = default;
  explicit PortHold(int port) {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    // Best effort: if it cannot bind, the restart finds out and says so.
    if (bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) Release();
  }
  ~PortHold() { Release(); }
  PortHold(const PortHold&) = delete;
  PortHold& operator=(PortHold&& o) noexcept {
    Release();
    std::swap(fd_, o.fd_);
    return *this;
  }
  void Release() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

// --- a child process we can poll (background syncs of the soak test) ---------------

class AsyncProc {
 public:
  AsyncProc(const std::vector<std::string>& argv, const std::vector<std::string>& env, const std::string& out_path,
            const std::string& err_path)
      : out_(out_path), err_(err_path) {
    pid_ = Spawn(argv, env, {-1, out_path, O_WRONLY | O_CREAT | O_TRUNC}, {-1, err_path, O_WRONLY | O_CREAT | O_TRUNC});
  }
  ~AsyncProc() {
    if (pid_ > 0 && !done_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  AsyncProc(const AsyncProc&) = delete;
  AsyncProc& operator=(const AsyncProc&) = delete;
  // True once the child exited (reaped).
  bool Done() {
    if (done_ || pid_ <= 0) return true;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      done_ = true;
      rc_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    return done_;
  }
  int Wait(double seconds) {
    if (!WaitFor([&] { return Done(); }, seconds, 10)) {
      kill(pid_, SIGKILL);
      int status = 0;
      waitpid(pid_, &status, 0);
      done_ = true;
      rc_ = -1;
    }
    return rc_;
  }
  int rc() const { return rc_; }
  pid_t pid() const { return pid_; }
  std::string out() const { return ReadFile(out_); }
  std::string err() const { return ReadFile(err_); }

 private:
  pid_t pid_ = -1;
  bool done_ = false;
  int rc_ = -1;
  std::string out_, err_;
};

// --- the district hub ----------------------------------------------------------------

class Hub {
 public:
  // `env`: extra "K=V" entries for every process of this hub (e.g. a wrong
  // clock: SIMPUL_CLOCK_OFFSET_MS).
  // `name`: the office the hub serves.
  explicit Hub(std::vector<std::string> env = {}, const std::string& name = "Dinsos Banyuwangi")
      : dir_(tmp_.File("hub")), log_(tmp_.File("hub.log")), env_(std::move(env)) {
    EnsureBinDir();
    ProcessResult r = Cli({"init", "--name", name});
    INFO(last_);
    REQUIRE(r.exit_code == kOk);
  }
  ~Hub() {
    if (proc_) Stop();
  }
  void Start(int port = 0) {
    StartWith({"--data", dir_, "serve", "--listen", "127.0.0.1:" + std::to_string(port)}, port);
  }
  // Starts `simpul-hub ARGS` (a `serve` command line of the test's own, e.g.
  // with --config) and waits until it listens; `port`: the one it must bind.
  void StartWith(const std::vector<std::string>& args, int port = 0) {
    REQUIRE(!proc_);
    size_t from = ReadFile(log_).size();
    std::vector<std::string> argv{BinPath("simpul-hub")};
    argv.insert(argv.end(), args.begin(), args.end());
    proc_ = std::make_unique<Background>(argv, Env(), log_);
    const std::string marker = " on 127.0.0.1:";
    int bound = 0;
    bool up = WaitFor(
        [&] {
          std::string log = ReadFile(log_).substr(from);
          size_t s = log.find("serving ");
          if (s == std::string::npos) return false;
          size_t m = log.find(marker, s);
          if (m == std::string::npos) return false;
          bound = std::atoi(log.c_str() + m + marker.size());
          return bound > 0;
        },
        10);
    INFO("hub log:\n" << ReadFile(log_));
    REQUIRE(up);
    if (port != 0) REQUIRE(bound == port);
    port_ = bound;
    hold_.Release();
  }
  // SIGTERM; returns the exit status.
  int Stop() {
    REQUIRE(proc_);
    proc_->Kill(SIGTERM);
    int rc = proc_->Wait();
    proc_.reset();
    hold_ = PortHold(port_);
    return rc;
  }
  void Kill9() {
    REQUIRE(proc_);
    proc_->Kill(SIGKILL);
    proc_->Wait();
    proc_.reset();
    hold_ = PortHold(port_);
  }
  bool running() const { return proc_ != nullptr; }
  std::string File(const std::string& name) const { return tmp_.File(name); }
  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::string log() const { return ReadFile(log_); }
  const std::string& dir() const { return dir_; }
  std::string db() const { return dir_ + "/hub.db"; }

  ProcessResult Cli(const std::vector<std::string>& args, int timeout_s = 30) {
    std::vector<std::string> argv = {BinPath("simpul-hub"), "--data", dir_};
    argv.insert(argv.end(), args.begin(), args.end());
    ProcessResult r = Run(argv, Env(), timeout_s);
    last_ = Describe("simpul-hub", args, r);
    return r;
  }
  // One command with extra environment entries (e.g. a clock moved on:
  // SIMPUL_CLOCK_OFFSET_MS), after this hub's own.
  ProcessResult CliWith(const std::vector<std::string>& extra_env, const std::vector<std::string>& args) {
    std::vector<std::string> argv = {BinPath("simpul-hub"), "--data", dir_};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<std::string> env = Env();
    env.insert(env.end(), extra_env.begin(), extra_env.end());
    ProcessResult r = Run(argv, env, 30);
    last_ = Describe("simpul-hub", args, r);
    return r;
  }
  const std::string& last() const { return last_; }
  Json Ok(std::vector<std::string> args) {
    args.insert(args.begin(), "--json");
    ProcessResult r = Cli(args);
    INFO(last_);
    REQUIRE(r.exit_code == kOk);
    return ParseJson(r.out);
  }
  void Do(const std::vector<std::string>& args) {
    ProcessResult r = Cli(args);
    INFO(last_);
    REQUIRE(r.exit_code == kOk);
  }
  // Records every stage of the application's service rule the hub records
  // (`application stage`, in order), as `show` names the next one. The
  // village's own stages must have arrived first (Node::VillageStages).
  void PassStages(const std::string& app) {
    for (int guard = 0; guard < 10; ++guard) {
      std::string next = Ok({"application", "show", app})["next_stage"].str();
      if (next.empty()) return;
      Do({"application", "stage", app, next, "--note", "Diperiksa: sesuai"});
    }
    FAIL("the stages of " << app << " never finished");
  }
  // Passes the hub's stages, then approves (the service rules refuse an
  // approval with a stage missing).
  void Approve(const std::string& app, const std::vector<std::string>& extra = {"--reason", "Memenuhi kriteria"}) {
    PassStages(app);
    std::vector<std::string> args = {"application", "approve", app};
    args.insert(args.end(), extra.begin(), extra.end());
    Do(args);
  }
  // An operator account (`user add`; the first must be an administrator,
  // made in setup mode), added by the account signed in (SignIn).
  void AddAccount(const std::string& name, const std::string& role, const std::string& password) {
    ProcessResult r = CliWith({"SIMPUL_NEW_PASSWORD=" + password}, {"user", "add", name, "--role", role});
    INFO(last_);
    REQUIRE(r.exit_code == kOk);
  }
  // Every later command of this hub runs as this account (SIMPUL_USER and
  // SIMPUL_PASSWORD, as an operator's shell has them): once an account
  // exists, setup mode is over and every command needs one.
  void SignIn(const std::string& name, const std::string& password) {
    account_ = {"SIMPUL_USER=" + name, "SIMPUL_PASSWORD=" + password};
  }
  std::string EnrolCode(const std::string& village) {
    Json j = Ok({"node", "enrol", "--village", village});
    REQUIRE(!j["code"].str().empty());
    CHECK(j["village"].str() == village);
    return j["code"].str();
  }
  // id -> village of every application the hub holds.
  std::map<std::string, std::string> Applications() {
    Json list = Ok({"application", "list"});
    std::map<std::string, std::string> out;
    for (const auto& a : list.a) out[a["id"].str()] = a["village"].str();
    return out;
  }
  // `bundle import` that must succeed.
  ProcessResult Import(const std::string& bundle, const std::string& reply) {
    ProcessResult r = Cli({"bundle", "import", bundle, "--reply", reply});
    INFO(last_);
    REQUIRE(r.exit_code == kOk);
    REQUIRE(fs::exists(reply));
    return r;
  }
  int64_t Count(const std::string& sql, const std::vector<std::string>& binds = {}) {
    return SqlInt(db(), sql, binds);
  }
  // Everything a sync or a bundle could change at the hub, in one line.
  std::string State() {
    std::ostringstream o;
    for (const char* t : {"households", "persons", "applications", "complaints", "attachments", "events",
                          "field_versions", "changelog", "changelog_fields", "applied", "conflicts"})
      o << t << "=" << Count(std::string("SELECT count(*) FROM ") + t) << " ";
    o << "audit=" << CountIfTable(db(), "audit") << " ";
    o << "maxseq=" << Count("SELECT coalesce(max(seq),0) FROM changelog") << " ";
    o << "counters=" << SqlText(db(), "SELECT group_concat(node_id || ':' || last_counter) FROM "
                                      "(SELECT node_id,last_counter FROM nodes ORDER BY node_id)")
      << " ";
    o << "blobs=" << BlobFiles(dir_).size();
    return o.str();
  }
  std::vector<std::string> Env() const {
    std::vector<std::string> env = BaseEnv(tmp_.path());
    env.insert(env.end(), env_.begin(), env_.end());
    env.insert(env.end(), account_.begin(), account_.end());
    return env;
  }

 private:
  TempDir tmp_;
  std::string dir_, log_, last_;
  std::vector<std::string> env_, account_;
  std::unique_ptr<Background> proc_;
  int port_ = 0;
  PortHold hold_;  // while stopped
};

// A signed-in session of the Dinsos web API (docs/API.md) on a running hub:
// POST /api/v1/session with an account's name and password, then requests
// with its cookie (and, for POST/PUT/DELETE, its CSRF token).
class WebSession {
 public:
  // `lang`: the session's language (labels and messages), "id" or "en".
  WebSession(const Hub& hub, const std::string& name, const std::string& password, const std::string& lang = "id")
      : port_(hub.port()) {
    std::string body =
        "{\"name\":\"" + name + "\",\"password\":\"" + password + "\",\"lang\":\"" + lang + "\"}";
    HttpReply r = HttpRequest(port_, "POST", "/api/v1/session", {"Content-Type: application/json"}, body);
    INFO("sign-in as " << name << ": " << r.status << " " << r.error << " " << r.body);
    REQUIRE(r.status == 200);
    std::string cookie = r.Header("set-cookie");
    cookie_ = cookie.substr(0, cookie.find(';'));
    REQUIRE(cookie_.rfind("simpul_session=", 0) == 0);
    csrf_ = ParseJson(r.body)["csrf_token"].str();
    REQUIRE(!csrf_.empty());
  }
  HttpReply Get(const std::string& target) { return HttpRequest(port_, "GET", target, {"Cookie: " + cookie_}); }
  HttpReply Send(const std::string& method, const std::string& target, const std::string& json_body) {
    return HttpRequest(port_, method, target,
                       {"Cookie: " + cookie_, "X-CSRF-Token: " + csrf_, "Content-Type: application/json"}, json_body);
  }

 private:
  int port_;
  std::string cookie_, csrf_;
};

// --- a village laptop -------------------------------------------------------------------

struct Applicant {
  std::string household, person, application, nik;
};

// What an applicant asks for: the application's type, its service (the kind
// of a recommendation letter) and purpose. Types whose service rule scores
// poverty indicators (a poverty statement, PBI-APBD) get their answers.
struct ApplicationKind {
  std::string type = "poverty_statement";
  std::string service;  // recommendation: hospital_bill, education, ...
  std::string purpose = "Berobat ke RSUD Blambangan";
};

class Node {
 public:
  // `env`: extra "K=V" entries for every command of this node (e.g. a wrong
  // clock: SIMPUL_CLOCK_OFFSET_MS).
  explicit Node(const std::string& village, std::vector<std::string> env = {})
      : village_(village), dir_(tmp_.File("data")), env_(std::move(env)) {
    EnsureBinDir();
    Init();
  }
  // A laptop whose store is not made yet: the test runs `init` itself (and
  // checks what it says), or calls Init, or never makes one.
  struct Uninitialised {};
  Node(Uninitialised, const std::string& village) : village_(village), dir_(tmp_.File("data")) { EnsureBinDir(); }
  // `simpul-node init --village` for this node's village, which must succeed.
  void Init() {
    ProcessResult r = Cli({"init", "--village", village_});
    INFO(last_);
    REQUIRE(r.exit_code == kOk);
    const std::string marker = "Node id: ";
    size_t p = r.out.find(marker);
    REQUIRE(p != std::string::npos);
    size_t e = r.out.find_first_of(" \n", p + marker.size());
    id_ = r.out.substr(p + marker.size(), e - p - marker.size());
    REQUIRE(!id_.empty());
  }
  // A byte-for-byte copy of another node's data directory (same node id):
  // the same content, to be enrolled at a different hub.
  Node(const Node& source, const std::string& /*tag*/)
      : village_(source.village_), dir_(tmp_.File("data")), id_(source.id_), env_(source.env_) {
    fs::copy(source.dir_, dir_, fs::copy_options::recursive);
  }

  const std::string& id() const { return id_; }
  const std::string& village() const { return village_; }
  const std::string& dir() const { return dir_; }
  std::string db() const { return dir_ + "/simpul.db"; }
  std::string File(const std::string& name) const { return tmp_.File(name); }
  std::string Home() const { return tmp_.path(); }

  std::vector<std::string> Argv(const std::vector<std::string>& args) const {
    std::vector<std::string> argv = {BinPath("simpul-node"), "--data", dir_};
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
  }
  ProcessResult Cli(const std::vector<std::string>& args, int timeout_s = 60) {
    ProcessResult r = Run(Argv(args), Env(), timeout_s);
    last_ = Describe("simpul-node", args, r);
    return r;
  }
  // One command with extra environment entries (e.g. a clock moved on:
  // SIMPUL_CLOCK_OFFSET_MS), after this node's own.
  ProcessResult CliWith(const std::vector<std::string>& extra_env, const std::vector<std::string>& args) {
    std::vector<std::string> env = Env();
    env.insert(env.end(), extra_env.begin(), extra_env.end());
    ProcessResult r = Run(Argv(args), env, 60);
    last_ = Describe("simpul-node", args, r);
    return r;
  }
  const std::string& last() const { return last_; }
  Json Ok(std::vector<std::string> args) {
    args.insert(args.begin(), "--json");
    ProcessResult r = Cli(args);
    INFO(last_);
    REQUIRE(r.exit_code == kOk);
    return ParseJson(r.out);
  }
  std::string Id(const std::vector<std::string>& args) {
    Json j = Ok(args);
    REQUIRE(!j["id"].str().empty());
    return j["id"].str();
  }
  void Do(const std::vector<std::string>& args) {
    ProcessResult r = Cli(args);
    INFO(last_);
    REQUIRE(r.exit_code == kOk);
  }
  // Enrols at `hub`, reaching it at `url` (the hub itself, or a link
  // emulator in front of it: the URL is fixed from now on).
  void Enrol(Hub& hub, const std::string& url) {
    std::string code = hub.EnrolCode(village_);
    ProcessResult r = Cli({"enrol", "--hub", url, "--code", code});
    INFO(last_);
    REQUIRE(r.exit_code == kOk);
    LH_CHECK_HAS(r.out, "enrolled");
  }
  // Enrols at the hub's own address (its server must be running).
  void Enrol(Hub& hub) { Enrol(hub, hub.url()); }
  // A sync that must succeed; its summary.
  Json Sync(const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"sync", "--timeout", "20"};
    args.insert(args.end(), extra.begin(), extra.end());
    return Ok(args);
  }
  // Syncs until the summary says verified (bounded): after a cut, the
  // first run may only finish the interrupted work.
  Json SyncUntilVerified(int tries = 4) {
    Json s;
    for (int i = 0; i < tries; ++i) {
      s = Sync();
      if (s["verified"].truthy()) break;
    }
    return s;
  }
  Json Export(const std::string& file) { return Ok({"bundle", "export", file}); }
  Json Import(const std::string& file) { return Ok({"bundle", "import", file}); }

  std::string AddHousehold(const std::string& address, const std::string& kk = "") {
    std::vector<std::string> args = {"household", "add", "--address", address};
    if (!kk.empty()) args.insert(args.end(), {"--kk", kk});
    return Id(args);
  }
  // The NIK DraftApplicant gives applicant `n`.
  static std::string ApplicantNik(int n) {
    char nik[32];
    std::snprintf(nik, sizeof nik, "351001550887%04d", n);
    return nik;
  }
  // A household, a woman with a NIK (born 1987-08-15), and her application
  // (by default an answered poverty statement), still a draft. `n` makes the
  // NIK and KK distinct.
  Applicant DraftApplicant(int n, const std::string& name, const ApplicationKind& kind = {}) {
    char kk[32];
    std::snprintf(kk, sizeof kk, "351001121187%04d", n);
    Applicant a;
    a.nik = ApplicantNik(n);
    a.household = AddHousehold("Dusun Krajan " + std::to_string(n), kk);
    a.person = Id({"person", "add", "--household", a.household, "--name", name, "--nik", a.nik, "--birth-date",
                   "1987-08-15", "--sex", "P"});
    std::vector<std::string> args = {"application", "new", "--type", kind.type, "--applicant", a.person};
    if (!kind.purpose.empty()) args.insert(args.end(), {"--purpose", kind.purpose});
    if (!kind.service.empty()) args.insert(args.end(), {"--service", kind.service});
    a.application = Id(args);
    if (kind.type == "poverty_statement" || kind.type == "pbi_apbd")
      Do({"application", "answer", a.application, "no_shelter=tidak", "head_not_working=ya", "food_insecure=ya"});
    return a;
  }
  // The same, with the documents its service rule requires attached (by
  // default a KK and a KTP scan), submitted.
  Applicant SubmittedApplicant(int n, const std::string& name, const ApplicationKind& kind = {},
                               const std::vector<std::string>& documents = {"kk", "ktp"}) {
    Applicant a = DraftApplicant(n, name, kind);
    Submit(a.application, documents);
    return a;
  }
  // Attaches a small scan of each kind (the documents a poverty statement,
  // a PBI or a recommendation requires: KK and KTP by default).
  void AttachDocuments(const std::string& app, const std::vector<std::string>& kinds = {"kk", "ktp"}) {
    for (const auto& kind : kinds) {
      std::string file = tmp_.File("scan-" + kind + "-" + app + ".jpg");
      FILE* f = std::fopen(file.c_str(), "wb");
      REQUIRE(f);
      std::fprintf(f, "scan of %s for %s", kind.c_str(), app.c_str());
      std::fclose(f);
      Attach(app, kind, file);
    }
  }
  // Attaches the required documents, then submits (or resubmits).
  void Submit(const std::string& app, const std::vector<std::string>& kinds = {"kk", "ktp"}) {
    AttachDocuments(app, kinds);
    Do({"application", "submit", app});
  }
  // Records the stages its service rule gives the village, in order (a
  // poverty statement's field check), so Dinsos can record its own and
  // approve after the next sync (Hub::Approve).
  void VillageStages(const std::string& app) {
    for (int guard = 0; guard < 10; ++guard) {
      Json j = Ok({"application", "show", app});
      std::string next = j["next_stage"].str();
      if (next.empty() || j["next_stage_role"].str() != "village_operator") return;
      Do({"application", "stage", app, next, "--note", "Cek lapangan: sesuai"});
    }
    FAIL("the village stages of " << app << " never finished");
  }
  std::string Attach(const std::string& app, const std::string& kind, const std::string& file) {
    Json j = Ok({"application", "attach", app, "--kind", kind, "--file", file});
    REQUIRE(j["sha256"].str().size() == 64);
    return j["sha256"].str();
  }
  Json Outbox() { return Ok({"outbox"}); }
  size_t OutboxSize() { return Outbox().size(); }
  size_t HouseholdCount() { return Ok({"household", "list"}).size(); }
  std::set<std::string> ApplicationIds() {
    std::set<std::string> out;
    for (const auto& a : Ok({"application", "list"}).a) out.insert(a["id"].str());
    return out;
  }
  int64_t Count(const std::string& sql, const std::vector<std::string>& binds = {}) {
    return SqlInt(db(), sql, binds);
  }
  // Everything a sync or a bundle could change at the node, in one line.
  std::string State() {
    std::ostringstream o;
    for (const char* t : {"households", "persons", "applications", "complaints", "attachments", "events",
                          "field_versions", "outbox", "outbox_fields", "conflicts", "blob_acks"})
      o << t << "=" << Count(std::string("SELECT count(*) FROM ") + t) << " ";
    o << "refused=" << Count("SELECT count(*) FROM outbox WHERE state='refused'") << " ";
    for (const char* k : {"sync_cursor", "sync_initial", "snapshot_after", "last_sync_ms"})
      o << k << "=" << SqlText(db(), "SELECT value FROM meta WHERE key=?", {k}) << " ";
    o << "bundle_keys=" << Count("SELECT count(*) FROM meta WHERE key LIKE 'bundle_key_%'") << " ";
    o << "events=" << SqlText(db(), "SELECT group_concat(kind) FROM (SELECT kind FROM events ORDER BY id)") << " ";
    o << "audit=" << CountIfTable(db(), "audit") << " ";
    o << "blobs=" << BlobFiles(dir_).size();
    return o.str();
  }
  std::vector<std::string> Env() const {
    std::vector<std::string> env = BaseEnv(tmp_.path());
    env.insert(env.end(), env_.begin(), env_.end());
    return env;
  }

 private:
  TempDir tmp_;
  std::string village_, dir_, id_, last_;
  std::vector<std::string> env_;
};

// Checks a sync summary is a clean, verified run.
inline void CheckClean(const Json& s, const std::string& what) {
  INFO(what);
  CHECK(s["refused"].num() == 0);
  CHECK(s["acked"].num() == s["sent"].num());
  CHECK(s["verified"].truthy());
}

// --- the link emulator ---------------------------------------------------------------

// One simpul-linkemu process in front of an upstream port. Restart() stops
// it and starts it again on the SAME listening port with other settings (a
// node's hub URL is fixed at enrolment). Counters add up across restarts.
class Linkemu {
 public:
  Linkemu(int upstream_port, std::vector<std::string> args)
      : upstream_(upstream_port), stats_(dir_.File("stats.json")) {
    EnsureBinDir();
    Launch(0, std::move(args));
  }
  ~Linkemu() {
    if (proc_) Stop();
  }
  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // The second stderr line: seed and settings.
  const std::string& settings() const { return settings_; }
  std::string Log() const {
    std::string all;
    for (int i = 0; i < launches_; ++i) all += ReadFile(dir_.File("linkemu-" + std::to_string(i) + ".log"));
    return all;
  }

  // Counter from the live stats file plus those of earlier runs.
  long long Stat(const std::string& key) const {
    long long now = proc_ ? FlatJsonInt(ReadFile(stats_), key) : -1;
    auto it = done_.find(key);
    return (now < 0 ? 0 : now) + (it == done_.end() ? 0 : it->second);
  }
  // SIGTERM: it writes its final stats; they are kept for Stat().
  void Stop() {
    REQUIRE(proc_);
    if (!proc_->Done()) kill(pid_, SIGTERM);
    int rc = proc_->Wait(10);
    CHECK_MESSAGE(rc == 0, "linkemu exit " << rc << "\n" << Log());
    std::string final_stats = ReadFile(stats_);
    for (const char* k : {"bytes_up", "bytes_down", "connections", "cuts", "outages", "dropped", "refused",
                          "upstream_failures"}) {
      long long v = FlatJsonInt(final_stats, k);
      if (v > 0) done_[k] += v;
    }
    proc_.reset();
    hold_ = PortHold(port_);
    std::error_code ec;
    fs::remove(stats_, ec);
  }
  void Restart(std::vector<std::string> args) {
    if (proc_) Stop();
    Launch(port_, std::move(args));
  }

 private:
  void Launch(int port, std::vector<std::string> args) {
    std::vector<std::string> argv = {BinPath("simpul-linkemu"), "--listen", "127.0.0.1:" + std::to_string(port),
                                     "--upstream", "127.0.0.1:" + std::to_string(upstream_), "--stats-file", stats_};
    argv.insert(argv.end(), args.begin(), args.end());
    // On a restart the port was just released: if it cannot listen yet, try
    // again for a moment.
    for (int attempt = 0; attempt < 50; ++attempt) {
      std::string log = dir_.File("linkemu-" + std::to_string(launches_++) + ".log");
      proc_ = std::make_unique<AsyncProc>(argv, std::vector<std::string>{}, dir_.File("linkemu.out"), log);
      pid_ = proc_->pid();
      const std::string prefix = "linkemu listening on ";
      int bound = 0;
      WaitFor(
          [&] {
            std::string text = ReadFile(log);
            size_t eol = text.find('\n');
            size_t eol2 = eol == std::string::npos ? eol : text.find('\n', eol + 1);
            if (text.rfind(prefix, 0) == 0 && eol2 != std::string::npos) {
              std::string first = text.substr(prefix.size(), eol - prefix.size());
              std::string listen = first.substr(0, first.find(" -> "));
              bound = std::atoi(listen.substr(listen.rfind(':') + 1).c_str());
              settings_ = text.substr(eol + 1, eol2 - eol - 1);
              return true;
            }
            return proc_->Done();
          },
          10);
      if (bound > 0) {
        port_ = bound;
        hold_.Release();
        return;
      }
      int rc = proc_->Wait(1);
      proc_.reset();
      REQUIRE_MESSAGE(rc == 1, "linkemu failed to start (exit " << rc << "):\n" << ReadFile(log));
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    FAIL("linkemu could not listen again on port " << port << ":\n" << Log());
  }

  TempDir dir_;
  int upstream_;
  std::string stats_, settings_;
  std::unique_ptr<AsyncProc> proc_;
  pid_t pid_ = -1;
  int port_ = 0, launches_ = 0;
  std::map<std::string, long long> done_;
  PortHold hold_;  // while stopped
};

}  // namespace
}  // namespace simpul::testing

#endif  // SIMPUL_TESTS_SUPPORT_CLUSTER_H_
