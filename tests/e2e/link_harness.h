// Shared helpers of the poor-link end-to-end tests (poorlink_test.cc,
// soak_test.cc): the real simpul-hub, simpul-node and simpul-linkemu
// binaries on loopback, their --json output, read-only looks into their
// stores, and an independent SHA-256 to check the hub's documents.
//
// Adapted from sync_e2e_test.cc and linkemu_test.cc (copied, not shared with
// them: those files keep their own). Everything is in an anonymous namespace:
// each test file gets its own copy.
//
// Waiting is always by polling with a bound; a failed wait is a failed
// check, not a hang.
#ifndef SIMPUL_TESTS_E2E_LINK_HARNESS_H_
#define SIMPUL_TESTS_E2E_LINK_HARNESS_H_

#include <doctest/doctest.h>

#include <fcntl.h>
#include <signal.h>
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
#include "tests/support/process.h"
#include "tests/support/store_db.h"
#include "tests/support/temp_dir.h"

namespace simpul::testing {
namespace {

namespace fs = std::filesystem;

// Exit codes (node/cli.h; hub/cli.h uses the same numbers).
constexpr int kOk = 0;
constexpr int kUnavailable = 4;  // link down or cut: try again

// Villages of Kecamatan Pesanggaran (35.10.01) in the Kemendagri list.
const std::string kSarongan = "35.10.01.2001";
const std::string kPesanggaran = "35.10.01.2002";

#define LH_CHECK_HAS(hay, needle)                                                       \
  CHECK_MESSAGE(std::string(hay).find(needle) != std::string::npos,                     \
                "expected \"" << (needle) << "\" in:\n" << (hay))

inline double MonoNow() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + ts.tv_nsec / 1e9;
}

// --- a small JSON reader for the CLIs' --json output ----------------------------

struct Json {
  enum class K { kMissing, kNull, kBool, kNum, kStr, kArr, kObj } k = K::kMissing;
  bool b = false;
  double n = 0;
  std::string s;
  std::vector<Json> a;
  std::vector<std::pair<std::string, Json>> o;

  bool missing() const { return k == K::kMissing; }
  size_t size() const { return k == K::kArr ? a.size() : k == K::kObj ? o.size() : 0; }
  const Json& operator[](const std::string& key) const {
    static const Json kNone;
    for (const auto& [kk, v] : o)
      if (kk == key) return v;
    return kNone;
  }
  const Json& operator[](size_t i) const {
    static const Json kNone;
    return k == K::kArr && i < a.size() ? a[i] : kNone;
  }
  std::string str() const { return k == K::kStr ? s : std::string(); }
  int64_t num() const { return k == K::kNum ? static_cast<int64_t>(n) : -1; }
  bool truthy() const { return k == K::kBool && b; }
  // A scalar as text, for comparisons across the two CLIs.
  std::string scalar() const {
    switch (k) {
      case K::kNull: return "null";
      case K::kBool: return b ? "true" : "false";
      case K::kNum: {
        std::ostringstream o;
        o << n;
        return o.str();
      }
      case K::kStr: return "\"" + s + "\"";
      default: return "?";
    }
  }
};

class JsonParser {
 public:
  explicit JsonParser(const std::string& t) : t_(t) {}
  Json Parse() {
    Json v = Value();
    Ws();
    if (p_ != t_.size()) Fail("trailing text");
    return v;
  }

 private:
  [[noreturn]] void Fail(const char* what) {
    throw std::runtime_error(std::string("bad JSON (") + what + ") at " + std::to_string(p_) + " in: " + t_);
  }
  void Ws() {
    while (p_ < t_.size() && (t_[p_] == ' ' || t_[p_] == '\n' || t_[p_] == '\r' || t_[p_] == '\t')) ++p_;
  }
  char Peek() {
    if (p_ >= t_.size()) Fail("unexpected end");
    return t_[p_];
  }
  bool Lit(std::string_view w) {
    if (t_.compare(p_, w.size(), w) != 0) return false;
    p_ += w.size();
    return true;
  }
  static void Utf8(std::string& out, uint32_t c) {
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (c < 0x800) {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
      out += static_cast<char>(0xE0 | (c >> 12));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (c >> 18));
      out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  uint32_t Hex4() {
    if (p_ + 4 > t_.size()) Fail("short \\u");
    uint32_t c = static_cast<uint32_t>(std::stoul(t_.substr(p_, 4), nullptr, 16));
    p_ += 4;
    return c;
  }
  std::string String() {
    if (Peek() != '"') Fail("expected string");
    ++p_;
    std::string out;
    while (p_ < t_.size() && t_[p_] != '"') {
      char c = t_[p_++];
      if (c != '\\') {
        out += c;
        continue;
      }
      if (p_ >= t_.size()) Fail("bad escape");
      char e = t_[p_++];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          uint32_t c1 = Hex4();
          if (c1 >= 0xD800 && c1 < 0xDC00 && Lit("\\u")) c1 = 0x10000 + ((c1 - 0xD800) << 10) + (Hex4() - 0xDC00);
          Utf8(out, c1);
          break;
        }
        default: Fail("bad escape");
      }
    }
    if (p_ >= t_.size()) Fail("unterminated string");
    ++p_;
    return out;
  }
  Json Value() {
    Ws();
    Json v;
    char c = Peek();
    if (c == '{' || c == '[') {
      bool obj = c == '{';
      v.k = obj ? Json::K::kObj : Json::K::kArr;
      ++p_;
      Ws();
      if (Peek() == (obj ? '}' : ']')) {
        ++p_;
        return v;
      }
      for (;;) {
        if (obj) {
          Ws();
          std::string key = String();
          Ws();
          if (Peek() != ':') Fail("expected ':'");
          ++p_;
          v.o.emplace_back(key, Value());
        } else {
          v.a.push_back(Value());
        }
        Ws();
        char d = Peek();
        ++p_;
        if (d == ',') continue;
        if (d == (obj ? '}' : ']')) return v;
        Fail("expected ',' or a closing bracket");
      }
    }
    if (c == '"') {
      v.k = Json::K::kStr;
      v.s = String();
      return v;
    }
    if (Lit("null")) { v.k = Json::K::kNull; return v; }
    if (Lit("true")) { v.k = Json::K::kBool; v.b = true; return v; }
    if (Lit("false")) { v.k = Json::K::kBool; v.b = false; return v; }
    size_t end = p_;
    while (end < t_.size() && std::string_view("+-0123456789.eE").find(t_[end]) != std::string_view::npos) ++end;
    if (end == p_) Fail("unexpected character");
    v.k = Json::K::kNum;
    v.n = std::stod(t_.substr(p_, end - p_));
    p_ = end;
    return v;
  }

  const std::string& t_;
  size_t p_ = 0;
};

inline Json ParseJson(const std::string& text) { return JsonParser(text).Parse(); }

// Integer value of "key" in a flat JSON object (linkemu's stats); -1 if absent.
inline long long FlatJsonInt(const std::string& json, const std::string& key) {
  size_t at = json.find("\"" + key + "\":");
  if (at == std::string::npos) return -1;
  return std::atoll(json.c_str() + at + key.size() + 3);
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

inline std::string Describe(const std::string& bin, const std::vector<std::string>& args, const ProcessResult& r) {
  std::ostringstream o;
  o << "$ " << bin;
  for (const auto& a : args) o << " " << a;
  o << "\n[exit " << r.exit_code << (r.signal ? " signal " + std::to_string(r.signal) : "") << "]\n"
    << "stdout: " << r.out << "\nstderr: " << r.err;
  return o.str();
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

void EnsureBinDir() {
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

// --- a child process we can poll (background syncs of the soak test) ---------------

class AsyncProc {
 public:
  AsyncProc(const std::vector<std::string>& argv, const std::vector<std::string>& env, const std::string& out_path,
            const std::string& err_path)
      : out_(out_path), err_(err_path) {
    pid_ = fork();
    if (pid_ == 0) {
      int o = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      int e = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      int devnull = open("/dev/null", O_RDONLY);
      dup2(devnull, 0);
      dup2(o, 1);
      dup2(e, 2);
      PrepareChildEnvironment(env);  // never the shell's SIMPUL_* variables
      std::vector<char*> args;
      for (const auto& s : argv) args.push_back(const_cast<char*>(s.c_str()));
      args.push_back(nullptr);
      execv(args[0], args.data());
      _exit(127);
    }
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
  explicit Hub(std::vector<std::string> env = {})
      : dir_(tmp_.File("hub")), log_(tmp_.File("hub.log")), env_(std::move(env)) {
    EnsureBinDir();
    ProcessResult r = Cli({"init", "--name", "Dinsos Banyuwangi"});
    INFO(last_);
    REQUIRE(r.exit_code == kOk);
  }
  ~Hub() {
    if (proc_) Stop();
  }
  void Start(int port = 0) {
    REQUIRE(!proc_);
    size_t from = ReadFile(log_).size();
    proc_ = std::make_unique<Background>(
        std::vector<std::string>{BinPath("simpul-hub"), "--data", dir_, "serve", "--listen",
                                 "127.0.0.1:" + std::to_string(port)},
        Env(), log_);
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
    port_ = bound;
  }
  int Stop() {
    REQUIRE(proc_);
    proc_->Kill(SIGTERM);
    int rc = proc_->Wait();
    proc_.reset();
    return rc;
  }
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
  std::string EnrolCode(const std::string& village) {
    Json j = Ok({"node", "enrol", "--village", village});
    REQUIRE(!j["code"].str().empty());
    return j["code"].str();
  }
  int64_t Count(const std::string& sql, const std::vector<std::string>& binds = {}) {
    return SqlInt(db(), sql, binds);
  }
  std::vector<std::string> Env() const {
    std::vector<std::string> env = BaseEnv(tmp_.path());
    env.insert(env.end(), env_.begin(), env_.end());
    return env;
  }

 private:
  TempDir tmp_;
  std::string dir_, log_, last_;
  std::vector<std::string> env_;
  std::unique_ptr<Background> proc_;
  int port_ = 0;
};

// --- a village laptop -------------------------------------------------------------------

class Node {
 public:
  // `env`: extra "K=V" entries for every command of this node (e.g. a wrong
  // clock: SIMPUL_CLOCK_OFFSET_MS).
  explicit Node(const std::string& village, std::vector<std::string> env = {})
      : village_(village), dir_(tmp_.File("data")), env_(std::move(env)) {
    EnsureBinDir();
    ProcessResult r = Cli({"init", "--village", village});
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
  int64_t Count(const std::string& sql, const std::vector<std::string>& binds = {}) {
    return SqlInt(db(), sql, binds);
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
};

}  // namespace
}  // namespace simpul::testing

#endif  // SIMPUL_TESTS_E2E_LINK_HARNESS_H_
