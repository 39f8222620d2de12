// End-to-end tests of simpul-linkemu, the loopback link emulator: each test
// starts the real binary between a client and a small echo server written
// here with POSIX sockets on 127.0.0.1, and checks what the client sees.
// Timing assertions use lower bounds the emulator guarantees and generous
// upper bounds, so a loaded machine slows them down but does not fail them.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/process.h"
#include "tests/support/temp_dir.h"
#include "tests/support/check_text.h"

namespace simpul::testing {
namespace {

namespace fs = std::filesystem;

constexpr int kBadInput = 2;


double NowS() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

void SleepS(double s) { std::this_thread::sleep_for(std::chrono::duration<double>(s)); }

// ctest sets SIMPUL_BIN_DIR; when the binary is run by hand from anywhere,
// fall back to the bin/ directory next to tests/.
std::string LinkemuBin() {
  if (std::getenv("SIMPUL_BIN_DIR")) return BinPath("simpul-linkemu");
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  return (self.parent_path().parent_path() / "bin" / "simpul-linkemu").string();
}

std::string RandomBytes(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string s(n, '\0');
  for (auto& ch : s) ch = static_cast<char>(rng());
  return s;
}

// Integer value of "key" in the emulator's flat stats JSON; -1 if absent.
long long JsonInt(const std::string& json, const std::string& key) {
  size_t at = json.find("\"" + key + "\":");
  if (at == std::string::npos) return -1;
  return std::atoll(json.c_str() + at + key.size() + 3);
}

// --- an echo server: one thread, poll, many connections ----------------------

class EchoServer {
 public:
  EchoServer() {
    lfd_ = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(bind(lfd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    REQUIRE(listen(lfd_, 128) == 0);
    socklen_t len = sizeof a;
    getsockname(lfd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    REQUIRE(pipe2(stop_, O_CLOEXEC | O_NONBLOCK) == 0);
    thread_ = std::thread([this] { Loop(); });
  }
  ~EchoServer() {
    (void)!write(stop_[1], "x", 1);
    thread_.join();
    close(lfd_);
    close(stop_[0]);
    close(stop_[1]);
  }
  int port() const { return port_; }
  uint64_t received() const { return received_; }

 private:
  struct Peer {
    int fd;
    std::string pending;
    bool eof = false;
  };

  void Loop() {
    std::vector<Peer> peers;
    for (;;) {
      std::vector<pollfd> fds = {{stop_[0], POLLIN, 0}, {lfd_, POLLIN, 0}};
      for (auto& p : peers) {
        short ev = 0;
        if (!p.eof && p.pending.size() < (1u << 20)) ev |= POLLIN;
        if (!p.pending.empty()) ev |= POLLOUT;
        fds.push_back({p.fd, ev, 0});
      }
      if (poll(fds.data(), fds.size(), 1000) < 0) continue;
      if (fds[0].revents) break;
      if (fds[1].revents) {
        int fd;
        while ((fd = accept4(lfd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0)
          peers.push_back({fd, "", false});
      }
      for (size_t i = 0; i + 2 < fds.size(); ++i) {
        Peer& p = peers[i];
        short re = fds[i + 2].revents;
        bool dead = false;
        if (re & (POLLIN | POLLHUP | POLLERR)) {
          char buf[65536];
          ssize_t n = recv(p.fd, buf, sizeof buf, 0);
          if (n > 0) {
            received_ += static_cast<uint64_t>(n);
            p.pending.append(buf, static_cast<size_t>(n));
          } else if (n == 0) {
            p.eof = true;
          } else if (errno != EAGAIN) {
            dead = true;
          }
        }
        if (!dead && !p.pending.empty()) {
          ssize_t n = send(p.fd, p.pending.data(), p.pending.size(), MSG_NOSIGNAL);
          if (n > 0) p.pending.erase(0, static_cast<size_t>(n));
          else if (n < 0 && errno != EAGAIN) dead = true;
        }
        if (dead || (p.eof && p.pending.empty())) {
          close(p.fd);
          p.fd = -1;
        }
      }
      std::erase_if(peers, [](const Peer& p) { return p.fd < 0; });
    }
    for (auto& p : peers) close(p.fd);
  }

  int lfd_ = -1, port_ = 0;
  int stop_[2] = {-1, -1};
  std::atomic<uint64_t> received_{0};
  std::thread thread_;
};

// --- the emulator under test --------------------------------------------------

class Linkemu {
 public:
  Linkemu(int upstream_port, const std::vector<std::string>& args) : log_(dir_.File("linkemu.log")) {
    std::vector<std::string> argv = {LinkemuBin(), "--listen", "127.0.0.1:0", "--upstream",
                                     "127.0.0.1:" + std::to_string(upstream_port)};
    argv.insert(argv.end(), args.begin(), args.end());
    proc_ = std::make_unique<Background>(argv, std::vector<std::string>{}, log_);
    const std::string prefix = "linkemu listening on ";
    for (double deadline = NowS() + 10; NowS() < deadline; SleepS(0.02)) {
      std::string log = ReadFile(log_);
      size_t eol = log.find('\n');
      if (eol == std::string::npos) continue;
      std::string first = log.substr(0, eol);
      REQUIRE_MESSAGE(first.rfind(prefix, 0) == 0, "unexpected first line: " << log);
      std::string listen = first.substr(prefix.size(), first.find(" -> ") - prefix.size());
      port_ = std::atoi(listen.substr(listen.rfind(':') + 1).c_str());
      break;
    }
    REQUIRE_MESSAGE(port_ > 0, "linkemu did not start: " << ReadFile(log_));
  }
  int port() const { return port_; }
  std::string Log() const { return ReadFile(log_); }
  std::string File(const std::string& name) const { return dir_.File(name); }
  // SIGTERM; returns the exit code.
  int Stop() {
    proc_->Kill(SIGTERM);
    return proc_->Wait();
  }

 private:
  TempDir dir_;
  std::string log_;
  std::unique_ptr<Background> proc_;
  int port_ = 0;
};

// --- client side ---------------------------------------------------------------

int Connect(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(port));
  REQUIRE(connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  return fd;
}

// One client connection: sends `out`, then half-closes if asked, and reads
// until it has `expect` bytes or the connection ends.
struct Flow {
  int fd = -1;
  std::string out;
  size_t sent = 0;
  bool shut_after_send = true;
  std::string in;
  size_t expect = 0;
  bool closed = false;  // EOF or error seen while reading/writing
  double done_at = 0;   // when `expect` bytes arrived or the connection ended
  explicit Flow(int port, std::string data = "", bool shut = true)
      : fd(Connect(port)), out(std::move(data)), shut_after_send(shut), expect(out.size()) {}
  ~Flow() {
    if (fd >= 0) close(fd);
  }
  bool finished() const { return closed || in.size() >= expect; }
};

// Pumps all flows until each is finished or `timeout_s` passes.
void Drive(const std::vector<Flow*>& flows, double timeout_s) {
  double deadline = NowS() + timeout_s;
  for (;;) {
    std::vector<pollfd> fds;
    std::vector<Flow*> live;
    for (Flow* f : flows) {
      if (f->finished()) continue;
      short ev = POLLIN;
      if (f->sent < f->out.size()) ev |= POLLOUT;
      fds.push_back({f->fd, ev, 0});
      live.push_back(f);
    }
    double left = deadline - NowS();
    if (live.empty() || left <= 0) return;
    poll(fds.data(), fds.size(), static_cast<int>(left * 1000) + 1);
    for (size_t i = 0; i < live.size(); ++i) {
      Flow& f = *live[i];
      if (fds[i].revents & POLLOUT) {
        ssize_t n = send(f.fd, f.out.data() + f.sent, f.out.size() - f.sent, MSG_NOSIGNAL);
        if (n > 0) {
          f.sent += static_cast<size_t>(n);
          if (f.sent == f.out.size() && f.shut_after_send) shutdown(f.fd, SHUT_WR);
        } else if (n < 0 && errno != EAGAIN) {
          f.closed = true;
        }
      }
      if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) {
        char buf[65536];
        ssize_t n = recv(f.fd, buf, sizeof buf, 0);
        if (n > 0) f.in.append(buf, static_cast<size_t>(n));
        else if (n == 0 || errno != EAGAIN) f.closed = true;
      }
      if (f.finished() && f.done_at == 0) f.done_at = NowS();
    }
  }
}

// Round trip of `msg` through a fresh connection; true if echoed intact.
bool EchoOnce(int port, const std::string& msg, double timeout_s) {
  Flow f(port, msg, false);
  Drive({&f}, timeout_s);
  return f.in == msg;
}

// Polls the stats file until `pred` holds (or 5 s pass); returns its text.
template <class Pred>
std::string WaitStats(const std::string& path, Pred pred) {
  std::string s;
  for (double deadline = NowS() + 5; NowS() < deadline; SleepS(0.05)) {
    s = ReadFile(path);
    if (!s.empty() && pred(s)) break;
  }
  return s;
}

// --- tests ---------------------------------------------------------------------

TEST_CASE("linkemu relays bytes intact both ways, over many connections at once, in order under jitter") {
  EchoServer echo;
  Linkemu emu(echo.port(), {"--latency", "3", "--jitter", "3", "--seed", "1"});
  std::vector<std::unique_ptr<Flow>> flows;
  flows.push_back(std::make_unique<Flow>(emu.port(), RandomBytes(1 << 20, 42)));
  for (int i = 0; i < 24; ++i)
    flows.push_back(std::make_unique<Flow>(emu.port(), RandomBytes(48 * 1024, 100 + i)));
  std::vector<Flow*> all;
  uint64_t total = 0;
  for (auto& f : flows) {
    all.push_back(f.get());
    total += f->out.size();
  }
  Drive(all, 20);
  for (size_t i = 0; i < flows.size(); ++i) {
    CAPTURE(i);
    CHECK(flows[i]->in.size() == flows[i]->out.size());
    CHECK(flows[i]->in == flows[i]->out);  // same bytes, same order
  }
  CHECK(echo.received() == total);
  flows.clear();
  SleepS(0.1);
  REQUIRE(emu.Stop() == 0);
  std::string log = emu.Log();
  CHECK_HAS(log, "bytes_up=" + std::to_string(total) + " bytes_down=" + std::to_string(total) +
                     " connections=25 cuts=0");
}

TEST_CASE("linkemu caps the rate: 64 KB at 256 kbit/s takes about 2 s") {
  EchoServer echo;
  Linkemu emu(echo.port(), {"--rate-up", "256"});
  Flow f(emu.port(), RandomBytes(64 * 1024, 7));
  double t0 = NowS();
  Drive({&f}, 20);
  double took = f.done_at - t0;
  REQUIRE(f.in == f.out);
  // 65536 B at 32000 B/s, minus one 1500-byte burst: >= 2.0 s.
  CHECK(took >= 1.5);
  CHECK(took <= 15);
}

TEST_CASE("linkemu --shared: connections share one cap instead of getting one each") {
  EchoServer echo;
  Linkemu emu(echo.port(), {"--rate-up", "256", "--shared"});
  Flow a(emu.port(), RandomBytes(32 * 1024, 8)), b(emu.port(), RandomBytes(32 * 1024, 9));
  double t0 = NowS();
  Drive({&a, &b}, 20);
  REQUIRE(a.in == a.out);
  REQUIRE(b.in == b.out);
  // 64 KB in total through one 32000 B/s link (per-connection caps: ~1 s).
  double took = std::max(a.done_at, b.done_at) - t0;
  CHECK(took >= 1.5);
  CHECK(took <= 15);
  // Fair share: neither finishes in the time the whole link would need for it alone.
  CHECK(std::min(a.done_at, b.done_at) - t0 >= 1.2);
}

TEST_CASE("linkemu adds the configured latency each way") {
  EchoServer echo;
  Linkemu emu(echo.port(), {"--latency", "300"});
  Flow f(emu.port(), "p", false);
  double t0 = NowS();
  Drive({&f}, 10);
  REQUIRE(f.in == "p");
  double rtt = f.done_at - t0;
  CHECK(rtt >= 0.6);  // 300 ms up + 300 ms down
  CHECK(rtt <= 5);
}

TEST_CASE("linkemu --cut-after cuts each connection within the byte range, reproducibly per seed") {
  const uint64_t kMin = 20000, kMax = 40000;
  std::vector<long long> totals;
  for (int run = 0; run < 2; ++run) {
    EchoServer echo;
    TempDir dir;
    std::string stats = dir.File("stats.json");
    Linkemu emu(echo.port(), {"--cut-after-min", std::to_string(kMin), "--cut-after-max",
                              std::to_string(kMax), "--seed", "7", "--stats-file", stats});
    Flow f(emu.port(), RandomBytes(256 * 1024, 11));
    Drive({&f}, 10);
    CHECK(f.closed);
    CHECK(f.in.size() < f.out.size());
    CHECK(f.in == f.out.substr(0, f.in.size()));  // what did arrive is intact
    // The echo server saw U bytes, the client got D; U + D <= the cut point.
    CHECK(echo.received() + f.in.size() <= kMax);
    std::string s = WaitStats(stats, [](const std::string& j) { return JsonInt(j, "cuts") == 1; });
    REQUIRE_MESSAGE(JsonInt(s, "cuts") == 1, s);
    long long relayed = JsonInt(s, "bytes_up") + JsonInt(s, "bytes_down");
    CHECK(relayed >= static_cast<long long>(kMin));
    CHECK(relayed <= static_cast<long long>(kMax));
    totals.push_back(relayed);
    REQUIRE(emu.Stop() == 0);
  }
  CHECK(totals[0] == totals[1]);  // same seed, same cut point
}

TEST_CASE("linkemu --cut-prob 0: no connection is cut") {
  EchoServer echo;
  Linkemu emu(echo.port(), {"--cut-after-min", "100", "--cut-after-max", "200", "--cut-prob", "0"});
  Flow f(emu.port(), RandomBytes(64 * 1024, 12));
  Drive({&f}, 10);
  CHECK(f.in == f.out);
}

TEST_CASE("linkemu --control-file takes the link down and up on demand") {
  EchoServer echo;
  TempDir dir;
  std::string ctl = dir.File("link-down"), stats = dir.File("stats.json");
  Linkemu emu(echo.port(), {"--control-file", ctl, "--stats-file", stats});
  Flow a(emu.port(), "", false);
  a.out = "before";
  a.expect = 6;
  Drive({&a}, 5);
  REQUIRE(a.in == "before");

  // Down: the open connection is reset; a connection made right after the
  // file appears is accepted and closed at once, nothing relayed.
  WriteFile(ctl, "");
  Flow b(emu.port(), "during", false);
  a.expect = 1 << 30;  // read until the emulator closes it
  Drive({&a, &b}, 5);
  CHECK(a.closed);
  CHECK(b.closed);
  CHECK(b.in.empty());
  std::string s = WaitStats(stats, [](const std::string& j) { return JsonInt(j, "refused") >= 1; });
  CHECK(JsonInt(s, "outages") == 1);
  CHECK(JsonInt(s, "dropped") == 1);
  CHECK(JsonInt(s, "refused") == 1);
  CHECK(JsonInt(s, "bytes_up") == 6);
  CHECK_HAS(s, "\"link_up\":false");

  // Up: a connection made right after the file is removed goes through.
  fs::remove(ctl);
  CHECK(EchoOnce(emu.port(), "after", 5));
  REQUIRE(emu.Stop() == 0);
  CHECK(JsonInt(ReadFile(stats), "outages") == 1);
}

TEST_CASE("linkemu --outage-every drops open connections, then the link comes back") {
  EchoServer echo;
  TempDir dir;
  std::string stats = dir.File("stats.json");
  Linkemu emu(echo.port(), {"--outage-every", "1", "--outage-for", "0.5", "--stats-file", stats});
  Flow a(emu.port(), "", false);
  a.expect = 1 << 30;
  Drive({&a}, 4);  // the first outage starts 1 s after start
  CHECK(a.closed);
  std::string s = WaitStats(stats, [](const std::string& j) { return JsonInt(j, "outages") >= 1; });
  CHECK(JsonInt(s, "outages") >= 1);
  CHECK(JsonInt(s, "dropped") + JsonInt(s, "refused") >= 1);
  bool back = false;
  for (double deadline = NowS() + 5; !back && NowS() < deadline; SleepS(0.05))
    back = EchoOnce(emu.port(), "up again", 0.4);
  CHECK(back);
}

TEST_CASE("linkemu refuses non-loopback addresses with exit code 2") {
  for (const auto& [flag, addr] : std::vector<std::pair<std::string, std::string>>{
           {"--upstream", "10.0.0.1:80"},
           {"--upstream", "192.168.1.10:8080"},
           {"--upstream", "hub.example.org:443"},
           {"--upstream", "[2001:db8::1]:80"},
           {"--listen", "0.0.0.0:0"},
           {"--listen", "[::]:0"}}) {
    CAPTURE(addr);
    std::vector<std::string> argv = {LinkemuBin(), "--listen", "127.0.0.1:0", "--upstream",
                                     "127.0.0.1:9"};
    argv[flag == "--listen" ? 2 : 4] = addr;
    ProcessResult r = Run(argv, {}, 10);
    CHECK(r.exit_code == kBadInput);
    CHECK_HAS(r.err, addr + ": not a loopback address");
    CHECK(r.err.find("listening") == std::string::npos);
  }
  ProcessResult bad = Run({LinkemuBin(), "--listen", "127.0.0.1:0"}, {}, 10);
  CHECK(bad.exit_code == kBadInput);
  ProcessResult help = Run({LinkemuBin(), "--help"}, {}, 10);
  CHECK(help.exit_code == 0);
  CHECK_HAS(help.out, "--cut-after-min");
}

TEST_CASE("linkemu prints a one-line summary on SIGTERM and exits 0") {
  EchoServer echo;
  Linkemu emu(echo.port(), {"--seed", "99"});
  CHECK_HAS(emu.Log(), "seed=99");
  REQUIRE(EchoOnce(emu.port(), "hello", 5));
  SleepS(0.1);
  REQUIRE(emu.Stop() == 0);
  std::string log = emu.Log();
  std::string last = log.substr(log.rfind('\n', log.size() - 2) + 1);
  CHECK(last ==
        "linkemu summary: bytes_up=5 bytes_down=5 connections=1 cuts=0 outages=0 dropped=0 "
        "refused=0 upstream_failures=0\n");
}

}  // namespace
}  // namespace simpul::testing
