// Tests for sync/transport/http_client.h against web/http_server.h on
// 127.0.0.1: binary round trips, keep-alive and reconnect, size limits on
// both sides, timeouts, refused connections, hostile bytes from a plain
// socket, connection bounds, concurrency, and shutdown by Stop() and SIGTERM.
#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <numeric>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "web/http_server.h"
#include "sync/transport/http_client.h"

namespace simpul::sync {
namespace {

using web::HttpHandler;
using web::HttpRequest;
using web::HttpResponse;
using web::HttpServer;
using web::ServerOptions;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// Polls `pred` every millisecond for at most `limit`.
bool WaitFor(const std::function<bool()>& pred, std::chrono::milliseconds limit = 5000ms) {
  const auto deadline = Clock::now() + limit;
  while (!pred()) {
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

// A started server running on its own thread; stopped and joined on scope exit.
class TestServer {
 public:
  explicit TestServer(HttpHandler handler, ServerOptions options = {})
      : server_(options, std::move(handler)) {
    auto port = server_.Start();
    REQUIRE_MESSAGE(port.ok(), port.status().ToString());
    port_ = *port;
    thread_ = std::thread([this] { server_.Run(false); });
  }
  ~TestServer() {
    server_.Stop();
    thread_.join();
  }
  uint16_t port() const { return port_; }
  HttpTarget target(std::string base = "") const { return HttpTarget{"127.0.0.1", port_, std::move(base)}; }

 private:
  HttpServer server_;
  uint16_t port_ = 0;
  std::thread thread_;
};

HttpResponse Echo(const HttpRequest& req) { return HttpResponse{200, "application/octet-stream", req.body}; }

// --- plain POSIX sockets, for bytes no HTTP client would send ---

class RawConn {
 public:
  explicit RawConn(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd_ >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    timeval tv{5, 0};  // no test waits on a socket longer than this
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  }
  ~RawConn() { ::close(fd_); }
  RawConn(const RawConn&) = delete;
  RawConn& operator=(const RawConn&) = delete;

  // Sends what the server accepts; it may close on us half way, that is fine.
  void Send(const std::string& bytes) {
    size_t off = 0;
    while (off < bytes.size()) {
      ssize_t n = ::send(fd_, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return;
      off += static_cast<size_t>(n);
    }
  }
  void HalfClose() { ::shutdown(fd_, SHUT_WR); }
  // Everything until EOF, reset or the 5 s receive timeout.
  std::string ReadAll() {
    std::string out;
    char buf[4096];
    for (;;) {
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return out;
      out.append(buf, static_cast<size_t>(n));
    }
  }

 private:
  int fd_ = -1;
};

// A loopback port nobody listens on (bound once, then released).
uint16_t ClosedPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  socklen_t len = sizeof addr;
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  ::close(fd);
  return ntohs(addr.sin_port);
}

TEST_CASE("ParseHubUrl accepts http://HOST:PORT[/base] only") {
  struct Ok {
    const char* url;
    const char* host;
    uint16_t port;
    const char* base;
  };
  for (const Ok& c :
       {Ok{"http://127.0.0.1:8080", "127.0.0.1", 8080, ""},
        Ok{"http://hub.kab-sleman.go.id:80/simpul", "hub.kab-sleman.go.id", 80, "/simpul"},
        Ok{"http://localhost:65535/a/b/", "localhost", 65535, "/a/b"},
        Ok{"http://10.0.0.1:1/", "10.0.0.1", 1, ""}, Ok{"http://[::1]:8080/x", "::1", 8080, "/x"}}) {
    CAPTURE(c.url);
    auto t = ParseHubUrl(c.url);
    REQUIRE(t.ok());
    CHECK(t->host == c.host);
    CHECK(t->port == c.port);
    CHECK(t->base_path == c.base);
  }
  for (const char* url : {"",
                          "127.0.0.1:8080",
                          "https://hub:443",
                          "ftp://hub:21",
                          "http://hub",
                          "http://:8080",
                          "http://hub:",
                          "http://hub:0",
                          "http://hub:65536",
                          "http://hub:80x",
                          "http://hub:123456",
                          "http://user@hub:80",
                          "http://hub:80?q=1",
                          "http://hub:80/a#b",
                          "http://hub:80/a//b",
                          "http://hub:80/../etc",
                          "http://hub:80/a b",
                          "http://hu b:80",
                          "http://[::1:80",
                          "HTTP://hub:80"}) {
    CAPTURE(url);
    auto t = ParseHubUrl(url);
    CHECK(t.status().IsInvalidArgument());
  }
}

TEST_CASE("a 1 MiB body with every byte value round-trips unchanged, and the wire is counted") {
  TestServer server(Echo);
  std::string body(1 << 20, '\0');
  for (size_t i = 0; i < body.size(); ++i) body[i] = static_cast<char>(i % 256);
  std::shuffle(body.begin(), body.end(), std::mt19937(42));  // still every value, not in order

  HttpClient client(server.target(), 10000);
  auto reply = client.Post("/echo", body);
  REQUIRE_MESSAGE(reply.ok(), reply.status().ToString());
  CHECK(reply->status == 200);
  CHECK(reply->body == body);
  CHECK(client.stats().round_trips == 1);
  // Headers are on the wire too, but they are small.
  CHECK(client.stats().bytes_sent > body.size() + 50);
  CHECK(client.stats().bytes_sent < body.size() + 500);
  CHECK(client.stats().bytes_received > body.size() + 50);
  CHECK(client.stats().bytes_received < body.size() + 500);

  auto empty = client.Post("/echo", "");
  REQUIRE(empty.ok());
  CHECK(empty->body.empty());
  CHECK(client.stats().round_trips == 2);
}

TEST_CASE("a paced body arrives whole and unchanged, in pieces; the pacing then off writes at once") {
  TestServer server(Echo);
  std::string body(96 * 1024, '\0');
  std::mt19937 rng(7);
  for (auto& c : body) c = static_cast<char>(rng());
  HttpClient client(server.target(), 10000);
  // 4 KiB at once, then 2 MB/s: ~46 ms of writing in timed pieces.
  client.SetPacing(Pacing{2e6, 4096});
  auto reply = client.Post("/echo", body);
  REQUIRE_MESSAGE(reply.ok(), reply.status().ToString());
  CHECK(reply->status == 200);
  CHECK(reply->body == body);
  CHECK(client.stats().bytes_sent > body.size() + 50);
  CHECK(client.stats().bytes_sent < body.size() + 500);
  client.SetPacing(Pacing{});
  auto again = client.Post("/echo", body);  // the same kept-alive connection
  REQUIRE(again.ok());
  CHECK(again->body == body);
  CHECK(client.stats().round_trips == 2);
}

TEST_CASE("the handler sees method, base path + path and the peer") {
  TestServer server([](const HttpRequest& r) {
    return HttpResponse{200, "text/plain", r.method + " " + r.target};
  });
  HttpClient client(server.target("/simpul"));
  auto reply = client.Post("/v1/sync", "x");
  REQUIRE(reply.ok());
  CHECK(reply->body == "POST /simpul/v1/sync");

  CHECK(client.Post("v1/no-slash", "x").status().IsInvalidArgument());
  CHECK(client.Post("/bad\r\nX-Injected: 1", "x").status().IsInvalidArgument());
}

TEST_CASE("keep-alive: two posts share one connection") {
  TestServer server([](const HttpRequest& r) { return HttpResponse{200, "text/plain", r.peer}; });
  HttpClient client(server.target());
  auto a = client.Post("/a", "1");
  auto b = client.Post("/b", "2");
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(a->body.rfind("127.0.0.1:", 0) == 0);
  CHECK(a->body == b->body);  // same client port = same connection
  CHECK(client.stats().round_trips == 2);
}

TEST_CASE("the client reconnects once when the hub closed the idle connection") {
  ServerOptions options;
  options.read_timeout_ms = 100;  // the hub drops idle keep-alive connections fast
  TestServer server([](const HttpRequest& r) { return HttpResponse{200, "text/plain", r.peer}; }, options);
  HttpClient client(server.target());
  auto a = client.Post("/a", "1");
  REQUIRE(a.ok());
  std::this_thread::sleep_for(300ms);  // past the hub's idle timeout
  auto b = client.Post("/b", "2");
  REQUIRE_MESSAGE(b.ok(), b.status().ToString());
  CHECK(b->status == 200);
  CHECK(a->body != b->body);  // a new connection
  CHECK(client.stats().round_trips == 2);
}

TEST_CASE("a request body over body_limit gets 413 and the handler never runs") {
  std::atomic<int> calls{0};
  ServerOptions options;
  options.body_limit = 64 * 1024;
  TestServer server(
      [&](const HttpRequest& r) {
        ++calls;
        return Echo(r);
      },
      options);
  HttpClient client(server.target());
  auto reply = client.Post("/big", std::string(256 * 1024, 'x'));
  REQUIRE_MESSAGE(reply.ok(), reply.status().ToString());
  CHECK(reply->status == 413);
  CHECK(reply->body.find("exceeds") != std::string::npos);
  CHECK(calls == 0);

  // Exactly at the limit is fine, on a fresh connection.
  auto ok = client.Post("/fits", std::string(64 * 1024, 'y'));
  REQUIRE_MESSAGE(ok.ok(), ok.status().ToString());
  CHECK(ok->status == 200);
  CHECK(calls == 1);
}

TEST_CASE("a reply over max_reply_bytes is ResourceExhausted") {
  TestServer server([](const HttpRequest&) {
    return HttpResponse{200, "application/octet-stream", std::string(2 << 20, 'z')};
  });
  HttpClient client(server.target());
  auto reply = client.Post("/x", "", 1 << 20);
  CHECK(reply.status().code() == Code::kResourceExhausted);
  auto whole = client.Post("/x", "");  // default bound; reconnects
  REQUIRE(whole.ok());
  CHECK(whole->body.size() == (2u << 20));
}

TEST_CASE("a handler slower than timeout_ms gives Unavailable in time") {
  TestServer server([](const HttpRequest& r) {
    std::this_thread::sleep_for(600ms);
    return Echo(r);
  });
  HttpClient client(server.target(), 300);
  const auto start = Clock::now();
  auto reply = client.Post("/slow", "x");
  const auto elapsed = Clock::now() - start;
  CHECK(reply.status().IsUnavailable());
  CHECK(reply.status().message().find("timed out") != std::string::npos);
  CHECK(elapsed >= 250ms);
  CHECK(elapsed < 550ms);
}

TEST_CASE("connection refused is Unavailable with a readable message") {
  const uint16_t port = ClosedPort();
  HttpClient client(HttpTarget{"127.0.0.1", port, ""}, 2000);
  auto reply = client.Post("/x", "x");
  CHECK(reply.status().IsUnavailable());
  CHECK(reply.status().message() ==
        "hub 127.0.0.1:" + std::to_string(port) + " unreachable: connection refused");
  CHECK(client.stats().round_trips == 0);
}

TEST_CASE("the handler's exceptions become 500, and the server keeps going") {
  TestServer server([](const HttpRequest& r) -> HttpResponse {
    if (r.target == "/throw") throw std::runtime_error("boom");
    return Echo(r);
  });
  HttpClient client(server.target());
  auto bad = client.Post("/throw", "x");
  REQUIRE(bad.ok());
  CHECK(bad->status == 500);
  auto good = client.Post("/ok", "x");
  REQUIRE(good.ok());
  CHECK(good->body == "x");
}

TEST_CASE("hostile bytes from a plain socket get 400/413 or a close, never a crash") {
  ServerOptions options;
  options.read_timeout_ms = 500;
  options.body_limit = 1 << 20;
  TestServer server(Echo, options);

  std::string garbage(64 * 1024, '\0');
  std::mt19937 rng(7);
  for (char& c : garbage) c = static_cast<char>(rng());
  struct Case {
    const char* name;
    std::string bytes;
    const char* want;  // expected reply prefix; "" = anything, a close included
  };
  const std::vector<Case> cases = {
      {"random bytes", garbage, "HTTP/1.1 400"},
      {"not HTTP", "hello hub\r\n\r\n", "HTTP/1.1 400"},
      {"NUL in target", std::string("GET /") + '\0' + " HTTP/1.1\r\nHost: x\r\n\r\n", "HTTP/1.1 400"},
      {"Content-Length overflow",
       "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999\r\n\r\n", "HTTP/1.1 400"},
      {"negative Content-Length", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", "HTTP/1.1 400"},
      {"two Content-Lengths", "POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
       "HTTP/1.1 400"},
      {"huge Content-Length", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000000\r\n\r\nabc",
       "HTTP/1.1 413"},
      {"huge header", "GET / HTTP/1.1\r\nX-Pad: " + std::string(100 * 1024, 'a') + "\r\n\r\n",
       "HTTP/1.1 400"},
      {"bad chunk", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n\r\n",
       "HTTP/1.1 400"},
      {"huge chunk", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\n",
       "HTTP/1.1 4"},
      {"truncated header", "POST /v1/sync HTTP/1.1\r\nHost: x\r\nContent-Len", ""},
      {"truncated body", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc", ""},
      {"empty", "", ""},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    RawConn conn(server.port());
    conn.Send(c.bytes);
    conn.HalfClose();
    const std::string reply = conn.ReadAll();
    CHECK(reply.rfind(c.want, 0) == 0);
  }

  SUBCASE("a peer that stalls mid-request is dropped after read_timeout_ms") {
    RawConn conn(server.port());
    conn.Send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nab");
    const auto start = Clock::now();
    CHECK(conn.ReadAll().empty());  // closed without a reply
    CHECK(Clock::now() - start < 3s);
  }

  // Still serving.
  HttpClient client(server.target());
  auto reply = client.Post("/after", "still here");
  REQUIRE_MESSAGE(reply.ok(), reply.status().ToString());
  CHECK(reply->body == "still here");
}

TEST_CASE("connections beyond max_connections are closed at once") {
  ServerOptions options;
  options.max_connections = 2;
  TestServer server(Echo, options);
  std::optional<RawConn> a(server.port()), b(server.port());
  RawConn third(server.port());
  CHECK(third.ReadAll().empty());  // accepted and closed, not left waiting
  a.reset();
  b.reset();
  // The server notices the two closes asynchronously; then there is room.
  HttpClient client(server.target(), 2000);
  bool served = WaitFor([&] {
    auto r = client.Post("/x", "ok");
    return r.ok() && r->body == "ok";
  });
  CHECK(served);
}

TEST_CASE("50 concurrent clients x 20 posts all succeed") {
  TestServer server(Echo);
  constexpr int kClients = 50, kPosts = 20;
  std::atomic<int> ok{0};
  std::mutex mu;
  std::string first_error;
  std::vector<std::thread> threads;
  for (int i = 0; i < kClients; ++i) {
    threads.emplace_back([&, i] {
      HttpClient client(server.target(), 20000);
      for (int j = 0; j < kPosts; ++j) {
        const std::string body =
            "client " + std::to_string(i) + " post " + std::to_string(j) + std::string(j * 100, '.');
        auto reply = client.Post("/echo", body);
        if (reply.ok() && reply->status == 200 && reply->body == body) {
          ++ok;
        } else {
          std::lock_guard<std::mutex> lock(mu);
          if (first_error.empty()) first_error = reply.ok() ? "wrong reply" : reply.status().ToString();
        }
      }
      if (client.stats().round_trips != kPosts) {
        std::lock_guard<std::mutex> lock(mu);
        if (first_error.empty()) first_error = "round trips " + std::to_string(client.stats().round_trips);
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK_MESSAGE(first_error.empty(), first_error);
  CHECK(ok == kClients * kPosts);
}

TEST_CASE("binding a busy port is Unavailable and names the address") {
  TestServer first(Echo);
  ServerOptions options;
  options.port = first.port();
  HttpServer second(options, Echo);
  auto port = second.Start();
  CHECK(port.status().IsUnavailable());
  CHECK(port.status().message().find("127.0.0.1:" + std::to_string(first.port())) != std::string::npos);
}

TEST_CASE("Stop() from another thread returns Run after the in-flight handler finishes") {
  std::atomic<bool> entered{false}, finished{false}, returned{false}, finished_before_return{false};
  HttpServer server(ServerOptions{}, [&](const HttpRequest&) {
    entered = true;
    std::this_thread::sleep_for(300ms);
    finished = true;
    return HttpResponse{200, "text/plain", "done"};
  });
  auto port = server.Start();
  REQUIRE(port.ok());
  std::thread runner([&] {
    server.Run(false);
    finished_before_return = finished.load();
    returned = true;
  });

  std::optional<Result<HttpReply>> reply;
  std::thread client([&] {
    HttpClient c(HttpTarget{"127.0.0.1", *port, ""}, 5000);
    reply.emplace(c.Post("/x", "x"));
  });
  REQUIRE(WaitFor([&] { return entered.load(); }));
  std::thread([&] { server.Stop(); }).join();
  CHECK(WaitFor([&] { return returned.load(); }));
  runner.join();
  client.join();
  CHECK(finished_before_return);
  REQUIRE(reply.has_value());
  REQUIRE_MESSAGE(reply->ok(), reply->status().ToString());
  CHECK((*reply)->body == "done");  // the in-flight reply was still delivered

  // The port is closed now.
  HttpClient late(HttpTarget{"127.0.0.1", *port, ""}, 2000);
  CHECK(late.Post("/x", "x").status().IsUnavailable());
}

TEST_CASE("Stop() returns Run even with idle keep-alive connections open") {
  HttpServer server(ServerOptions{}, Echo);
  auto port = server.Start();
  REQUIRE(port.ok());
  std::atomic<bool> returned{false};
  std::thread runner([&] {
    server.Run(false);
    returned = true;
  });
  HttpClient client(HttpTarget{"127.0.0.1", *port, ""});
  REQUIRE(client.Post("/x", "x").ok());  // leaves one idle connection
  server.Stop();
  CHECK(WaitFor([&] { return returned.load(); }, 2000ms));  // far below read_timeout_ms
  runner.join();
}

TEST_CASE("SIGTERM makes Run(handle_signals=true) return") {
  HttpServer server(ServerOptions{}, Echo);
  auto port = server.Start();
  REQUIRE(port.ok());
  std::atomic<bool> returned{false};
  std::thread runner([&] {
    server.Run(true);
    returned = true;
  });
  // A served request proves the loop, and so the signal_set, is running.
  HttpClient client(HttpTarget{"127.0.0.1", *port, ""});
  REQUIRE(client.Post("/x", "x").ok());
  ::kill(::getpid(), SIGTERM);
  CHECK(WaitFor([&] { return returned.load(); }));
  runner.join();
}

}  // namespace
}  // namespace simpul::sync
