// simpul-linkemu: a loopback-only TCP relay that makes a good local link look
// like the poor river-region link between a village node and the district hub:
// bandwidth caps, one-way latency with jitter, connections cut after a random
// number of bytes, scheduled outages, and a control file to pull the plug on
// demand. See tools/linkemu/README.md and --help.
//
// One thread, one poll loop. Every accepted client connection gets its own
// upstream connection; each direction ("up" = client -> upstream, "down" =
// upstream -> client) is a queue of timestamped chunks drained through a
// token bucket. It only ever binds and connects to 127.0.0.0/8 or ::1.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstdarg>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace {

constexpr int kExitOk = 0;
constexpr int kExitRuntime = 1;  // could not bind / listen
constexpr int kExitUsage = 2;    // bad command line, or a non-loopback address

constexpr int64_t kMs = 1'000'000;  // nanoseconds
constexpr int64_t kSec = 1'000'000'000;

const char kUsage[] =
    R"(simpul-linkemu: emulate a poor node <-> hub link between two loopback ports.

Usage:
  simpul-linkemu --listen 127.0.0.1:PORT --upstream 127.0.0.1:PORT [options]

Every connection accepted on --listen gets its own connection to --upstream;
bytes are relayed both ways through the emulated link. "up" is client ->
upstream (node -> hub), "down" is upstream -> client (hub -> node).
Only loopback addresses are accepted (127.0.0.0/8, ::1 written as [::1]:PORT,
or localhost:PORT); anything else is refused with exit code 2.
--listen 127.0.0.1:0 picks a free port; the first line on stderr is
  linkemu listening on 127.0.0.1:PORT -> 127.0.0.1:PORT

Bandwidth:
  --rate-up KBIT        cap client -> upstream at KBIT kbit/s (1 kbit = 1000 bit;
                        0 = unlimited, the default)
  --rate-down KBIT      cap upstream -> client likewise
  --shared              the caps are shared by all connections in a direction
                        (like one real radio link) instead of applying to each
                        connection separately
Delay:
  --latency MS          one-way delay added in each direction (default 0)
  --jitter MS           each chunk's delay is latency + uniform(-MS, +MS),
                        never below 0; byte order is always preserved
Cuts:
  --cut-after-min BYTES --cut-after-max BYTES
                        cut each connection (both sides reset, RST) once a
                        random number of bytes in [MIN, MAX] has been relayed,
                        counting both directions; the cut point is exact
  --cut-prob P          probability (0..1) that a connection is subject to
                        cutting at all (default 1 when --cut-after-* is given)
Outages:
  --outage-every S --outage-for S
                        every S seconds (at S, 2S, 3S, ... after start) the
                        link goes down for the second S seconds (< the first):
                        open connections are reset, new ones are accepted and
                        reset at once
  --control-file PATH   while PATH exists the link is down (as in an outage);
                        remove it and the link is up again (checked every
                        50 ms and on every new connection)
Other:
  --seed N              RNG seed (default: random; printed on the second line).
                        Cut decisions and cut points per connection number are
                        reproducible with the same seed; jitter uses its own
                        stream
  --buffer BYTES        per direction per connection queue inside the emulator
                        (default 1048576); reading pauses when it is full
  --stats-file PATH     keep a JSON summary there (rewritten atomically on
                        changes, at most every 200 ms for byte counts, and at
                        exit): {"bytes_up":..,"bytes_down":..,"connections":..,
                        "cuts":..,"outages":..,"dropped":..,"refused":..,
                        "upstream_failures":..,"active":..,"link_up":..}
  -v, --verbose         log every connection, cut and outage on stderr
  -h, --help            this text

On SIGTERM or SIGINT it prints one summary line on stderr and exits 0:
  linkemu summary: bytes_up=N bytes_down=N connections=N cuts=N outages=N ...
Exit codes: 0 ok, 1 cannot listen, 2 bad command line or non-loopback address.
)";

volatile sig_atomic_t g_stop = 0;
void OnSignal(int) { g_stop = 1; }

int64_t NowNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * kSec + ts.tv_nsec;
}

// ---------------------------------------------------------------------------
// Addresses: numeric loopback only.

struct Addr {
  sockaddr_storage ss{};
  socklen_t len = 0;
  int family() const { return ss.ss_family; }
  const sockaddr* sa() const { return reinterpret_cast<const sockaddr*>(&ss); }
};

std::string FormatAddr(const sockaddr* sa) {
  char host[INET6_ADDRSTRLEN] = "?";
  if (sa->sa_family == AF_INET) {
    auto* in = reinterpret_cast<const sockaddr_in*>(sa);
    inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
    return std::string(host) + ":" + std::to_string(ntohs(in->sin_port));
  }
  auto* in6 = reinterpret_cast<const sockaddr_in6*>(sa);
  inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
  return "[" + std::string(host) + "]:" + std::to_string(ntohs(in6->sin6_port));
}

// Parses HOST:PORT where HOST is an IPv4 literal, [IPv6 literal] or
// "localhost" (taken as 127.0.0.1; no name resolution ever happens).
// Returns an error message, or "" with *out filled.
std::string ParseLoopback(const std::string& flag, const std::string& text, bool port_zero_ok,
                          Addr* out) {
  std::string host, port;
  if (!text.empty() && text[0] == '[') {
    size_t close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':')
      return flag + " " + text + ": expected HOST:PORT or [IPV6]:PORT";
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    size_t colon = text.rfind(':');
    if (colon == std::string::npos || text.find(':') != colon)
      return flag + " " + text + ": expected HOST:PORT or [IPV6]:PORT";
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos)
    return flag + " " + text + ": bad port";
  unsigned long p = std::strtoul(port.c_str(), nullptr, 10);
  if (p > 65535 || (p == 0 && !port_zero_ok)) return flag + " " + text + ": bad port";
  const std::string refuse = flag + " " + text +
                             ": not a loopback address; simpul-linkemu only listens on and "
                             "connects to 127.0.0.0/8 or ::1";
  if (host == "localhost") host = "127.0.0.1";
  *out = Addr{};
  in_addr a4;
  in6_addr a6;
  if (inet_pton(AF_INET, host.c_str(), &a4) == 1) {
    if ((ntohl(a4.s_addr) >> 24) != 127) return refuse;
    auto* in = reinterpret_cast<sockaddr_in*>(&out->ss);
    in->sin_family = AF_INET;
    in->sin_addr = a4;
    in->sin_port = htons(static_cast<uint16_t>(p));
    out->len = sizeof(sockaddr_in);
    return "";
  }
  if (inet_pton(AF_INET6, host.c_str(), &a6) == 1) {
    if (!IN6_IS_ADDR_LOOPBACK(&a6)) return refuse;
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&out->ss);
    in6->sin6_family = AF_INET6;
    in6->sin6_addr = a6;
    in6->sin6_port = htons(static_cast<uint16_t>(p));
    out->len = sizeof(sockaddr_in6);
    return "";
  }
  return refuse;  // a host name: never resolved
}

// ---------------------------------------------------------------------------
// Configuration.

struct Config {
  Addr listen, upstream;
  double rate_up_kbit = 0, rate_down_kbit = 0;
  bool shared = false;
  double latency_ms = 0, jitter_ms = 0;
  bool cut = false;
  uint64_t cut_min = 0, cut_max = 0;
  double cut_prob = 1;
  bool cut_prob_given = false;
  double outage_every_s = 0, outage_for_s = 0;
  uint64_t seed = 0;
  bool seed_given = false;
  size_t buffer = 1 << 20;
  std::string control_file, stats_file;
  bool verbose = false;
};

struct UsageError {
  std::string msg;
};

double ParseNumber(const std::string& flag, const std::string& v, double lo, double hi) {
  char* end = nullptr;
  errno = 0;
  double d = std::strtod(v.c_str(), &end);
  if (v.empty() || *end != '\0' || errno != 0 || !std::isfinite(d) || d < lo || d > hi)
  {
    char range[96];
    std::snprintf(range, sizeof range, "expected a number from %g to %g", lo, hi);
    throw UsageError{flag + " " + v + ": " + range};
  }
  return d;
}

uint64_t ParseCount(const std::string& flag, const std::string& v) {
  if (v.empty() || v.size() > 19 || v.find_first_not_of("0123456789") != std::string::npos)
    throw UsageError{flag + " " + v + ": expected a non-negative integer"};
  return std::strtoull(v.c_str(), nullptr, 10);
}

// Returns false after printing help (exit 0); throws UsageError.
bool ParseArgs(int argc, char** argv, Config* cfg) {
  std::vector<std::string> args(argv + 1, argv + argc);
  bool have_listen = false, have_upstream = false, have_min = false, have_max = false;
  bool have_every = false, have_for = false;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string flag = args[i], value;
    bool inline_value = false;
    if (size_t eq = flag.find('='); flag.rfind("--", 0) == 0 && eq != std::string::npos) {
      value = flag.substr(eq + 1);
      flag = flag.substr(0, eq);
      inline_value = true;
    }
    auto take = [&]() -> std::string {
      if (inline_value) return value;
      if (i + 1 >= args.size()) throw UsageError{flag + " needs a value"};
      return args[++i];
    };
    auto no_value = [&] {
      if (inline_value) throw UsageError{flag + " takes no value"};
    };
    if (flag == "-h" || flag == "--help") {
      std::fputs(kUsage, stdout);
      return false;
    } else if (flag == "-v" || flag == "--verbose") {
      no_value();
      cfg->verbose = true;
    } else if (flag == "--shared") {
      no_value();
      cfg->shared = true;
    } else if (flag == "--listen") {
      if (auto e = ParseLoopback(flag, take(), true, &cfg->listen); !e.empty()) throw UsageError{e};
      have_listen = true;
    } else if (flag == "--upstream") {
      if (auto e = ParseLoopback(flag, take(), false, &cfg->upstream); !e.empty())
        throw UsageError{e};
      have_upstream = true;
    } else if (flag == "--rate-up") {
      cfg->rate_up_kbit = ParseNumber(flag, take(), 0, 1e9);
    } else if (flag == "--rate-down") {
      cfg->rate_down_kbit = ParseNumber(flag, take(), 0, 1e9);
    } else if (flag == "--latency") {
      cfg->latency_ms = ParseNumber(flag, take(), 0, 600000);
    } else if (flag == "--jitter") {
      cfg->jitter_ms = ParseNumber(flag, take(), 0, 600000);
    } else if (flag == "--cut-after-min") {
      cfg->cut_min = ParseCount(flag, take());
      have_min = true;
    } else if (flag == "--cut-after-max") {
      cfg->cut_max = ParseCount(flag, take());
      have_max = true;
    } else if (flag == "--cut-prob") {
      cfg->cut_prob = ParseNumber(flag, take(), 0, 1);
      cfg->cut_prob_given = true;
    } else if (flag == "--outage-every") {
      cfg->outage_every_s = ParseNumber(flag, take(), 0.001, 1e7);
      have_every = true;
    } else if (flag == "--outage-for") {
      cfg->outage_for_s = ParseNumber(flag, take(), 0.001, 1e7);
      have_for = true;
    } else if (flag == "--seed") {
      cfg->seed = ParseCount(flag, take());
      cfg->seed_given = true;
    } else if (flag == "--buffer") {
      uint64_t b = ParseCount(flag, take());
      if (b < 1024 || b > (1u << 30)) throw UsageError{"--buffer: expected 1024 .. 1073741824 bytes"};
      cfg->buffer = static_cast<size_t>(b);
    } else if (flag == "--control-file") {
      cfg->control_file = take();
      if (cfg->control_file.empty()) throw UsageError{"--control-file needs a path"};
    } else if (flag == "--stats-file") {
      cfg->stats_file = take();
      if (cfg->stats_file.empty()) throw UsageError{"--stats-file needs a path"};
    } else {
      throw UsageError{"unknown option " + flag};
    }
  }
  if (!have_listen || !have_upstream) throw UsageError{"--listen and --upstream are required"};
  if (have_min != have_max)
    throw UsageError{"--cut-after-min and --cut-after-max must be given together"};
  if (have_min && cfg->cut_min > cfg->cut_max)
    throw UsageError{"--cut-after-min must not exceed --cut-after-max"};
  cfg->cut = have_min;
  if (cfg->cut_prob_given && !cfg->cut)
    throw UsageError{"--cut-prob needs --cut-after-min and --cut-after-max"};
  if (have_every != have_for)
    throw UsageError{"--outage-every and --outage-for must be given together"};
  if (have_every && cfg->outage_for_s >= cfg->outage_every_s)
    throw UsageError{"--outage-for must be shorter than --outage-every"};
  if (cfg->jitter_ms > 0 && cfg->latency_ms == 0)
    std::fprintf(stderr, "linkemu: note: --jitter without --latency only delays (never below 0)\n");
  return true;
}

// ---------------------------------------------------------------------------
// The link model.

// Token bucket. Bursts are capped at max(1500 bytes, 20 ms of traffic) so a
// slow link sends packet-sized pieces at the right pace.
struct Bucket {
  double rate = 0;  // bytes per second; 0 = unlimited
  double burst = 0;
  double tokens = 0;
  int64_t last = 0;

  void Init(double bytes_per_s, int64_t now) {
    rate = bytes_per_s;
    burst = std::max(1500.0, rate * 0.02);
    tokens = burst;
    last = now;
  }
  void Refill(int64_t now) {
    if (rate <= 0 || now <= last) return;
    tokens = std::min(burst, tokens + rate * static_cast<double>(now - last) / kSec);
    last = now;
  }
  double Need(size_t want) const { return std::min(static_cast<double>(want), burst); }
  // How many of `want` bytes may be sent now; 0 means wait (see WaitNs).
  size_t Allow(size_t want) const {
    if (rate <= 0) return want;
    if (tokens + 1e-6 < Need(want)) return 0;
    return std::min(want, static_cast<size_t>(std::max(1.0, std::floor(tokens + 1e-6))));
  }
  void Take(size_t n) {
    if (rate > 0) tokens -= static_cast<double>(n);
  }
  int64_t WaitNs(size_t want) const {
    if (rate <= 0 || tokens + 1e-6 >= Need(want)) return 0;
    return static_cast<int64_t>(std::ceil((Need(want) - tokens) / rate * kSec)) + 1;
  }
};

struct Chunk {
  int64_t release = 0;  // not sent before this time
  std::string data;
  size_t off = 0;
  bool eof = false;  // forward a half-close (shutdown(SHUT_WR))
};

struct Pipe {
  bool up = true;  // client -> upstream
  std::deque<Chunk> q;
  size_t queued = 0;         // bytes in q not yet written
  int64_t last_release = 0;  // keeps order under jitter
  bool src_eof = false;      // read EOF from the source
  bool dst_shut = false;     // EOF forwarded to the destination
  bool blocked = false;      // destination said EAGAIN; wait for POLLOUT
  Bucket bucket;             // used unless --shared
  bool Done() const { return src_eof && dst_shut && q.empty(); }
};

struct Conn {
  uint64_t id = 0;
  int cfd = -1, ufd = -1;
  bool connecting = true;
  Pipe up, down;
  bool cut_enabled = false;
  uint64_t cut_at = 0, relayed = 0;
  bool dead = false;
  int src(const Pipe& p) const { return p.up ? cfd : ufd; }
  int dst(const Pipe& p) const { return p.up ? ufd : cfd; }
};

void SetNoDelay(int fd) {
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

// Close abruptly: SO_LINGER 0 makes the kernel send RST and drop queued data.
void CloseReset(int fd) {
  if (fd < 0) return;
  linger lg{1, 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  close(fd);
}

class Emulator {
 public:
  explicit Emulator(const Config& cfg)
      : cfg_(cfg), cut_rng_(cfg.seed), jitter_rng_(cfg.seed ^ 0x9e3779b97f4a7c15ULL) {}

  int Run();

 private:
  bool Listen();
  void UpdateLinkState(int64_t now);
  void AcceptAll(int64_t now);
  void Open(int fd, int64_t now);
  void ReadInto(Conn& c, Pipe& p, int64_t now);
  bool WriteStep(Conn& c, Pipe& p, int64_t now);
  // Bytes the next write from chunk `h` would like to send.
  size_t Want(const Conn& c, const Chunk& h) const {
    size_t want = std::min(h.data.size() - h.off, quantum());
    if (c.cut_enabled) want = static_cast<size_t>(std::min<uint64_t>(want, c.cut_at - c.relayed));
    return want;
  }
  // Round-robin writes go in small quanta so that connections share a
  // --shared cap fairly; without --shared it only bounds the work per step.
  size_t quantum() const { return cfg_.shared ? 4096 : 65536; }
  void Flush(int64_t now);
  void Abort(Conn& c, const char* why);
  void Finish(Conn& c);
  int64_t NextWake(int64_t now) const;
  void WriteStats(int64_t now, bool force);
  std::string StatsJson() const;
  Bucket& BucketFor(Pipe& p) { return cfg_.shared ? (p.up ? shared_up_ : shared_down_) : p.bucket; }
  const Bucket& BucketFor(const Pipe& p) const {
    return cfg_.shared ? (p.up ? shared_up_ : shared_down_) : p.bucket;
  }
  double RateBytes(bool up) const { return (up ? cfg_.rate_up_kbit : cfg_.rate_down_kbit) * 125.0; }
  bool LinkDown() const { return ctl_down_ || outage_down_; }
  void Log(const char* fmt, ...) __attribute__((format(printf, 2, 3)));

  Config cfg_;
  int listen_fd_ = -1;
  std::vector<std::unique_ptr<Conn>> conns_;
  size_t rr_ = 0;  // round-robin start for fairness under --shared
  std::mt19937_64 cut_rng_, jitter_rng_;
  Bucket shared_up_, shared_down_;
  int64_t start_ = 0;
  bool ctl_down_ = false, outage_down_ = false, link_up_ = true;
  int64_t last_ctl_check_ = -1;
  int64_t accept_pause_until_ = 0;
  // Counters.
  uint64_t next_id_ = 1;
  uint64_t bytes_up_ = 0, bytes_down_ = 0, connections_ = 0, cuts_ = 0, outages_ = 0;
  uint64_t dropped_ = 0, refused_ = 0, upstream_failures_ = 0;
  // Stats file.
  bool bytes_dirty_ = false, events_dirty_ = true;
  int64_t last_stats_ = 0;
  bool stats_warned_ = false;
};

void Emulator::Log(const char* fmt, ...) {
  if (!cfg_.verbose) return;
  va_list ap;
  va_start(ap, fmt);
  std::fprintf(stderr, "linkemu: %.3f ", static_cast<double>(NowNs() - start_) / kSec);
  std::vfprintf(stderr, fmt, ap);
  std::fputc('\n', stderr);
  va_end(ap);
}

bool Emulator::Listen() {
  listen_fd_ = socket(cfg_.listen.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) {
    std::fprintf(stderr, "linkemu: socket: %s\n", std::strerror(errno));
    return false;
  }
  int one = 1;
  setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind(listen_fd_, cfg_.listen.sa(), cfg_.listen.len) != 0) {
    std::fprintf(stderr, "linkemu: cannot listen on %s: %s\n", FormatAddr(cfg_.listen.sa()).c_str(),
                 std::strerror(errno));
    return false;
  }
  if (listen(listen_fd_, 512) != 0) {
    std::fprintf(stderr, "linkemu: listen: %s\n", std::strerror(errno));
    return false;
  }
  sockaddr_storage bound{};
  socklen_t len = sizeof bound;
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&bound), &len);
  std::fprintf(stderr, "linkemu listening on %s -> %s\n",
               FormatAddr(reinterpret_cast<sockaddr*>(&bound)).c_str(),
               FormatAddr(cfg_.upstream.sa()).c_str());
  std::string cut = "off";
  if (cfg_.cut)
    cut = std::to_string(cfg_.cut_min) + ".." + std::to_string(cfg_.cut_max) + " bytes p=" +
          std::to_string(cfg_.cut_prob);
  char outage[96] = "off";
  if (cfg_.outage_every_s > 0)
    std::snprintf(outage, sizeof outage, "%gs every %gs", cfg_.outage_for_s, cfg_.outage_every_s);
  std::fprintf(stderr,
               "linkemu seed=%" PRIu64
               " rate_up=%gkbit rate_down=%gkbit%s latency=%gms jitter=%gms cut=%s outage=%s"
               "%s%s\n",
               cfg_.seed, cfg_.rate_up_kbit, cfg_.rate_down_kbit, cfg_.shared ? " (shared)" : "",
               cfg_.latency_ms, cfg_.jitter_ms, cut.c_str(), outage,
               cfg_.control_file.empty() ? "" : " control-file=", cfg_.control_file.c_str());
  return true;
}

void Emulator::UpdateLinkState(int64_t now) {
  if (!cfg_.control_file.empty() && (last_ctl_check_ < 0 || now - last_ctl_check_ >= 50 * kMs)) {
    struct stat st;
    ctl_down_ = stat(cfg_.control_file.c_str(), &st) == 0;
    last_ctl_check_ = now;
  }
  if (cfg_.outage_every_s > 0) {
    double t = static_cast<double>(now - start_) / kSec;
    outage_down_ = t >= cfg_.outage_every_s && std::fmod(t, cfg_.outage_every_s) < cfg_.outage_for_s;
  }
  bool down = LinkDown();
  if (link_up_ && down) {
    link_up_ = false;
    ++outages_;
    events_dirty_ = true;
    Log("link DOWN (%s): resetting %zu connections", ctl_down_ ? "control file" : "outage",
        conns_.size());
    for (auto& c : conns_) {
      if (c->dead) continue;
      ++dropped_;
      Abort(*c, "link down");
    }
  } else if (!link_up_ && !down) {
    link_up_ = true;
    events_dirty_ = true;
    Log("link UP");
  }
}

void Emulator::AcceptAll(int64_t now) {
  // Look at the control file afresh: a client that connects right after
  // the file was removed (or created) must see the new state.
  if (!cfg_.control_file.empty()) {
    last_ctl_check_ = -1;
    UpdateLinkState(now);
  }
  for (int i = 0; i < 128; ++i) {
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        std::fprintf(stderr, "linkemu: accept: %s (pausing 100 ms)\n", std::strerror(errno));
        accept_pause_until_ = now + 100 * kMs;
      }
      return;  // EAGAIN, ECONNABORTED, ...
    }
    if (!link_up_) {
      ++refused_;
      events_dirty_ = true;
      Log("refused a connection: link down");
      CloseReset(fd);
      continue;
    }
    Open(fd, now);
  }
}

void Emulator::Open(int cfd, int64_t now) {
  auto c = std::make_unique<Conn>();
  c->id = next_id_++;
  c->cfd = cfd;
  c->up.up = true;
  c->down.up = false;
  c->up.bucket.Init(RateBytes(true), now);
  c->down.bucket.Init(RateBytes(false), now);
  ++connections_;
  events_dirty_ = true;
  if (cfg_.cut) {
    // Both draws always happen, so connection N's cut point depends on the
    // seed only.
    double p = std::uniform_real_distribution<double>(0, 1)(cut_rng_);
    uint64_t at = std::uniform_int_distribution<uint64_t>(cfg_.cut_min, cfg_.cut_max)(cut_rng_);
    c->cut_enabled = p < cfg_.cut_prob;
    c->cut_at = at;
  }
  SetNoDelay(cfd);
  c->ufd = socket(cfg_.upstream.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (c->ufd < 0) {
    std::fprintf(stderr, "linkemu: socket: %s\n", std::strerror(errno));
    ++upstream_failures_;
    Abort(*c, "no socket");
    return;
  }
  SetNoDelay(c->ufd);
  if (connect(c->ufd, cfg_.upstream.sa(), cfg_.upstream.len) == 0) {
    c->connecting = false;
  } else if (errno != EINPROGRESS) {
    Log("conn %" PRIu64 ": upstream connect: %s", c->id, std::strerror(errno));
    ++upstream_failures_;
    Abort(*c, "upstream refused");
    return;
  }
  Log("conn %" PRIu64 ": open%s", c->id,
      c->cut_enabled ? (" (cut after " + std::to_string(c->cut_at) + " bytes)").c_str() : "");
  if (c->cut_enabled && c->cut_at == 0) {
    ++cuts_;
    Abort(*c, "cut at 0 bytes");
    return;
  }
  conns_.push_back(std::move(c));
}

void Emulator::ReadInto(Conn& c, Pipe& p, int64_t now) {
  int fd = c.src(p);
  char buf[65536];
  while (!c.dead && !p.src_eof && p.queued < cfg_.buffer) {
    size_t room = std::min(sizeof buf, cfg_.buffer - p.queued);
    ssize_t n = recv(fd, buf, room, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    if (n < 0) {
      Log("conn %" PRIu64 ": read (%s): %s", c.id, p.up ? "client" : "upstream",
          std::strerror(errno));
      Abort(c, "read error");
      return;
    }
    Chunk ch;
    double delay_ms = cfg_.latency_ms;
    if (cfg_.jitter_ms > 0)
      delay_ms += std::uniform_real_distribution<double>(-cfg_.jitter_ms, cfg_.jitter_ms)(jitter_rng_);
    int64_t release = now + static_cast<int64_t>(std::max(0.0, delay_ms) * kMs);
    ch.release = std::max(release, p.last_release);
    p.last_release = ch.release;
    if (n == 0) {
      p.src_eof = true;
      ch.eof = true;
    } else {
      ch.data.assign(buf, static_cast<size_t>(n));
      p.queued += static_cast<size_t>(n);
    }
    p.q.push_back(std::move(ch));
  }
}

// One write of at most `quantum` bytes from the head of `p`. Returns true on
// progress.
bool Emulator::WriteStep(Conn& c, Pipe& p, int64_t now) {
  if (c.dead || p.q.empty() || p.blocked || (p.up && c.connecting)) return false;
  Chunk& h = p.q.front();
  if (h.release > now) return false;
  int fd = c.dst(p);
  if (h.eof) {
    shutdown(fd, SHUT_WR);
    p.dst_shut = true;
    p.q.pop_front();
    return true;
  }
  size_t want = Want(c, h);
  Bucket& b = BucketFor(p);
  b.Refill(now);
  size_t n = b.Allow(want);
  if (n == 0) return false;
  ssize_t w = send(fd, h.data.data() + h.off, n, MSG_NOSIGNAL | MSG_DONTWAIT);
  if (w < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      p.blocked = true;
    } else if (errno != EINTR) {
      Log("conn %" PRIu64 ": write (%s): %s", c.id, p.up ? "upstream" : "client",
          std::strerror(errno));
      Abort(c, "write error");
    }
    return false;
  }
  size_t wn = static_cast<size_t>(w);
  b.Take(wn);
  h.off += wn;
  p.queued -= wn;
  c.relayed += wn;
  (p.up ? bytes_up_ : bytes_down_) += wn;
  bytes_dirty_ = true;
  if (h.off == h.data.size()) p.q.pop_front();
  if (c.cut_enabled && c.relayed >= c.cut_at) {
    ++cuts_;
    Log("conn %" PRIu64 ": CUT after %" PRIu64 " bytes", c.id, c.relayed);
    Abort(c, "cut");
  }
  return wn > 0;
}

void Emulator::Flush(int64_t now) {
  if (conns_.empty()) return;
  // The next flush starts after the last connection served, so that when a
  // shared bucket only has room for one write, the connections take turns.
  size_t n = conns_.size(), start = rr_ % n, last = n;
  for (int round = 0; round < 4096; ++round) {
    bool progress = false;
    for (size_t i = 0; i < n; ++i) {
      size_t k = (start + i) % n;
      Conn& c = *conns_[k];
      bool wrote = WriteStep(c, c.up, now);
      wrote = WriteStep(c, c.down, now) || wrote;
      if (wrote) {
        progress = true;
        last = k;
      }
    }
    if (!progress) break;
  }
  if (last < n) rr_ = (last + 1) % n;
}

void Emulator::Abort(Conn& c, const char* why) {
  if (c.dead) return;
  Log("conn %" PRIu64 ": reset (%s), %" PRIu64 " bytes relayed", c.id, why, c.relayed);
  CloseReset(c.cfd);
  CloseReset(c.ufd);
  c.cfd = c.ufd = -1;
  c.dead = true;
  events_dirty_ = true;
}

void Emulator::Finish(Conn& c) {
  Log("conn %" PRIu64 ": closed, %" PRIu64 " bytes relayed", c.id, c.relayed);
  close(c.cfd);
  close(c.ufd);
  c.cfd = c.ufd = -1;
  c.dead = true;
  events_dirty_ = true;
}

int64_t Emulator::NextWake(int64_t now) const {
  int64_t next = now + 1 * kSec;
  if (!cfg_.control_file.empty()) next = std::min(next, last_ctl_check_ + 50 * kMs);
  if (!cfg_.stats_file.empty() && bytes_dirty_) next = std::min(next, last_stats_ + 200 * kMs);
  if (accept_pause_until_ > now) next = std::min(next, accept_pause_until_);
  if (cfg_.outage_every_s > 0) {
    double t = static_cast<double>(now - start_) / kSec, every = cfg_.outage_every_s;
    double k = std::floor(t / every);
    double boundary = outage_down_ ? k * every + cfg_.outage_for_s : (k + 1) * every;
    next = std::min(next, start_ + static_cast<int64_t>(std::ceil(boundary * kSec)));
  }
  for (const auto& c : conns_) {
    for (const Pipe* p : {&c->up, &c->down}) {
      if (p->q.empty() || p->blocked || (p->up && c->connecting)) continue;
      const Chunk& h = p->q.front();
      if (h.release > now) {
        next = std::min(next, h.release);
      } else if (!h.eof) {
        next = std::min(next, now + BucketFor(*p).WaitNs(Want(*c, h)));
      }
    }
  }
  return std::max(next, now);
}

std::string Emulator::StatsJson() const {
  size_t active = 0;
  for (const auto& c : conns_) active += c->dead ? 0 : 1;
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "{\"bytes_up\":%" PRIu64 ",\"bytes_down\":%" PRIu64 ",\"connections\":%" PRIu64
                ",\"cuts\":%" PRIu64 ",\"outages\":%" PRIu64 ",\"dropped\":%" PRIu64
                ",\"refused\":%" PRIu64 ",\"upstream_failures\":%" PRIu64
                ",\"active\":%zu,\"link_up\":%s}\n",
                bytes_up_, bytes_down_, connections_, cuts_, outages_, dropped_, refused_,
                upstream_failures_, active, link_up_ ? "true" : "false");
  return buf;
}

void Emulator::WriteStats(int64_t now, bool force) {
  if (cfg_.stats_file.empty()) return;
  bool due = force || events_dirty_ || (bytes_dirty_ && now - last_stats_ >= 200 * kMs);
  if (!due) return;
  std::string tmp = cfg_.stats_file + ".tmp";
  std::string json = StatsJson();
  FILE* f = std::fopen(tmp.c_str(), "w");
  bool ok = f && std::fwrite(json.data(), 1, json.size(), f) == json.size();
  if (f && std::fclose(f) != 0) ok = false;
  if (ok && std::rename(tmp.c_str(), cfg_.stats_file.c_str()) != 0) ok = false;
  if (!ok && !stats_warned_) {
    std::fprintf(stderr, "linkemu: cannot write --stats-file %s: %s\n", cfg_.stats_file.c_str(),
                 std::strerror(errno));
    stats_warned_ = true;
  }
  bytes_dirty_ = events_dirty_ = false;
  last_stats_ = now;
}

int Emulator::Run() {
  start_ = NowNs();
  if (!Listen()) return kExitRuntime;
  shared_up_.Init(RateBytes(true), start_);
  shared_down_.Init(RateBytes(false), start_);

  sigset_t block, wait_mask;
  sigemptyset(&block);
  sigaddset(&block, SIGINT);
  sigaddset(&block, SIGTERM);
  sigprocmask(SIG_BLOCK, &block, &wait_mask);
  sigdelset(&wait_mask, SIGINT);
  sigdelset(&wait_mask, SIGTERM);
  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);

  // Which connection and which side each pollfd belongs to.
  struct Slot {
    Conn* c;
    bool client;  // cfd (else ufd)
  };
  std::vector<pollfd> fds;
  std::vector<Slot> slots;

  while (!g_stop) {
    int64_t now = NowNs();
    UpdateLinkState(now);
    Flush(now);
    for (auto& c : conns_)
      if (!c->dead && c->up.Done() && c->down.Done()) Finish(*c);
    std::erase_if(conns_, [](const auto& c) { return c->dead; });
    WriteStats(now, false);

    fds.clear();
    slots.clear();
    bool accepting = accept_pause_until_ <= now;
    fds.push_back({listen_fd_, static_cast<short>(accepting ? POLLIN : 0), 0});
    slots.push_back({nullptr, false});
    for (auto& cp : conns_) {
      Conn& c = *cp;
      for (bool client : {true, false}) {
        // The pipe this fd feeds (reads) and the one it drains into (writes).
        Pipe& rd = client ? c.up : c.down;
        Pipe& wr = client ? c.down : c.up;
        short ev = 0;
        if (!client && c.connecting) {
          ev = POLLOUT;
        } else {
          if (!rd.src_eof && rd.queued < cfg_.buffer) ev |= POLLIN;
          if (wr.blocked) ev |= POLLOUT;
        }
        // Once we have shut this side's write half, POLLHUP only means "peer
        // finished too": do not let it spin the loop while we cannot read.
        int fd = client ? c.cfd : c.ufd;
        if (ev == 0 && wr.dst_shut) fd = -1;
        fds.push_back({fd, ev, 0});
        slots.push_back({&c, client});
      }
    }

    int64_t wake = NextWake(now);
    int64_t wait = std::max<int64_t>(0, wake - NowNs());
    timespec ts{static_cast<time_t>(wait / kSec), static_cast<long>(wait % kSec)};
    int rc = ppoll(fds.data(), fds.size(), &ts, &wait_mask);
    if (rc < 0) {
      if (errno == EINTR) continue;
      std::fprintf(stderr, "linkemu: poll: %s\n", std::strerror(errno));
      break;
    }
    now = NowNs();
    if (rc == 0) continue;
    for (size_t i = 0; i < fds.size(); ++i) {
      short re = fds[i].revents;
      if (re == 0) continue;
      if (i == 0) {
        AcceptAll(now);
        continue;
      }
      Conn& c = *slots[i].c;
      if (c.dead) continue;
      bool client = slots[i].client;
      Pipe& rd = client ? c.up : c.down;
      Pipe& wr = client ? c.down : c.up;
      int fd = client ? c.cfd : c.ufd;
      if (!client && c.connecting) {
        int err = 0;
        socklen_t len = sizeof err;
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
        if (err != 0 || (re & (POLLERR | POLLHUP))) {
          Log("conn %" PRIu64 ": upstream connect: %s", c.id,
              std::strerror(err ? err : ECONNREFUSED));
          ++upstream_failures_;
          Abort(c, "upstream unreachable");
        } else if (re & POLLOUT) {
          c.connecting = false;
        }
        continue;
      }
      if (re & POLLERR) {
        int err = 0;
        socklen_t len = sizeof err;
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
        Log("conn %" PRIu64 ": %s: %s", c.id, client ? "client" : "upstream", std::strerror(err));
        Abort(c, client ? "client error" : "upstream error");
        continue;
      }
      if (re & POLLOUT) wr.blocked = false;
      if (re & POLLIN) ReadInto(c, rd, now);
      // POLLHUP while we still mean to write here: the peer is gone (reset).
      if ((re & POLLHUP) && !c.dead) {
        if (!wr.dst_shut) {
          Abort(c, client ? "client hung up" : "upstream hung up");
        } else if (!rd.src_eof && rd.queued < cfg_.buffer) {
          ReadInto(c, rd, now);
        }
      }
    }
  }

  int64_t now = NowNs();
  for (auto& c : conns_)
    if (!c->dead) Finish(*c);
  conns_.clear();
  close(listen_fd_);
  WriteStats(now, true);
  std::fprintf(stderr,
               "linkemu summary: bytes_up=%" PRIu64 " bytes_down=%" PRIu64 " connections=%" PRIu64
               " cuts=%" PRIu64 " outages=%" PRIu64 " dropped=%" PRIu64 " refused=%" PRIu64
               " upstream_failures=%" PRIu64 "\n",
               bytes_up_, bytes_down_, connections_, cuts_, outages_, dropped_, refused_,
               upstream_failures_);
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  Config cfg;
  try {
    if (!ParseArgs(argc, argv, &cfg)) return kExitOk;
  } catch (const UsageError& e) {
    std::fprintf(stderr, "linkemu: %s\n(see simpul-linkemu --help)\n", e.msg.c_str());
    return kExitUsage;
  }
  if (!cfg.seed_given) cfg.seed = (static_cast<uint64_t>(std::random_device{}()) << 32) ^ std::random_device{}();
  Emulator emu(cfg);
  return emu.Run();
}
