// Beast callback server, shaped like Beast's http_server_async example:
//
//   Server   owns the io_context (one I/O thread: whoever calls Run), the
//            acceptor, the signal_set and a one-thread worker pool. It only
//            accepts and keeps a registry of live sessions for Stop().
//   Session  owns its tcp_stream, buffer, parser and the reply being written,
//            and runs on its own strand. Per request: DoRead (timeout, body
//            limit) -> OnRead -> DoHandle (request moved to the worker thread,
//            pure handler runs there) -> DoWrite (posted back to the strand)
//            -> OnWrite -> DoRead again (keep-alive) or close.
//
// One request is in flight per connection (no pipelining), so the response
// queue is bounded at one. Every completion checks `ec` first.
//
// TLS (ServerOptions::tls_cert_file): the same port then serves HTTPS and
// plain HTTP. A Detector reads the first bytes (Beast's detect_ssl, as in
// its advanced_server_flex example) and hands the connection, with what it
// read, to a Session over an ssl_stream (handshake first) or a plain one:
// browsers come over https://, the villages' nodes keep http:// (sync is
// sealed end to end).
#include "web/http_server.h"

#include <algorithm>
#include <cctype>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/detect_ssl.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <exception>
#include <mutex>
#include <optional>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "web/security_headers.h"

namespace simpul::web {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using Millis = std::chrono::milliseconds;

constexpr uint32_t kHeaderLimit = 16 * 1024;  // request line + headers
constexpr size_t kDrainLimit = 8u << 20;      // bytes discarded before a reject closes
constexpr Millis kDrainTimeout{2000};         // at most this long (or read_timeout_ms)
constexpr Millis kAcceptRetryDelay{50};       // after EMFILE and friends
constexpr size_t kDrainChunk = 64 * 1024;

// Errors from the HTTP parser, as opposed to socket errors and timeouts.
bool IsHttpError(const beast::error_code& ec) {
  return ec.category() == http::make_error_code(http::error::bad_method).category();
}

// The request's header fields, names lower-cased.
std::vector<Header> HeadersOf(const http::request<http::string_body>& msg) {
  std::vector<Header> out;
  for (const auto& field : msg) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.push_back({std::move(name), std::string(field.value())});
  }
  return out;
}

std::string FormatEndpoint(const tcp::endpoint& ep) {
  const std::string host = ep.address().to_string();
  const std::string port = std::to_string(ep.port());
  return ep.address().is_v6() ? "[" + host + "]:" + port : host + ":" + port;
}

// A live connection the server may have to drop on Stop().
class Connection {
 public:
  virtual ~Connection() = default;
  virtual void Shutdown() = 0;
};

using TlsStream = beast::ssl_stream<beast::tcp_stream>;

// Everything the sessions share. HttpServer::Impl is this, by inheritance.
class Server {
 public:
  Server(ServerOptions options, HttpHandler handler)
      : options_(std::move(options)), handler_(std::move(handler)) {}

  ~Server() {
    // The worker must be idle before anything it might post to goes away.
    worker_.join();
  }

  Result<uint16_t> Start();
  void Run(bool handle_signals);
  void Stop() {
    stopping_ = true;
    net::post(ioc_, [this] { DoStop(); });
  }

  // Used by sessions.
  const ServerOptions& options() const { return options_; }
  bool stopping() const { return stopping_; }
  net::io_context& ioc() { return ioc_; }
  net::thread_pool& worker() { return worker_; }
  HttpResponse CallHandler(const HttpRequest& req) const;
  net::ssl::context* tls() { return tls_ ? &*tls_ : nullptr; }
  void Register(const std::shared_ptr<Connection>& c) {
    std::lock_guard<std::mutex> lock(sessions_mu_);
    sessions_.emplace(c.get(), c);
  }
  void Deregister(Connection* c) {
    std::lock_guard<std::mutex> lock(sessions_mu_);
    sessions_.erase(c);
  }

 private:
  void DoAccept();
  void OnAccept(beast::error_code ec, tcp::socket socket);
  void DoStop();

  const ServerOptions options_;
  const HttpHandler handler_;
  std::atomic<bool> stopping_{false};
  bool stop_done_ = false;  // I/O thread only

  // Sessions deregister from their destructor, which may run on the worker
  // thread, hence the mutex. Declared before ioc_ so it outlives the handlers
  // ioc_ destroys.
  std::mutex sessions_mu_;
  std::unordered_map<Connection*, std::weak_ptr<Connection>> sessions_;
  std::optional<net::ssl::context> tls_;  // set by Start() when a certificate is configured

  net::io_context ioc_{1};
  tcp::acceptor acceptor_{ioc_};
  net::steady_timer accept_retry_{ioc_};
  std::optional<net::signal_set> signals_;
  net::thread_pool worker_{1};  // the handler runs here, one call at a time
};

// One connection's requests over `Stream`: beast::tcp_stream, or TlsStream
// (the TLS handshake first). `buffer` holds what a Detector already read.
template <class Stream>
class Session : public Connection, public std::enable_shared_from_this<Session<Stream>> {
 public:
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

  template <class... StreamArgs>
  Session(Server& server, beast::flat_buffer&& buffer, StreamArgs&&... stream_args)
      : server_(server), stream_(std::forward<StreamArgs>(stream_args)...), buffer_(std::move(buffer)) {
    beast::error_code ec;
    tcp::endpoint ep = Lowest().socket().remote_endpoint(ec);
    if (!ec) peer_ = FormatEndpoint(ep);
    Lowest().socket().set_option(tcp::no_delay(true), ec);  // best effort
  }
  ~Session() override { server_.Deregister(this); }

  void Start() {
    net::dispatch(stream_.get_executor(), [self = this->shared_from_this()] {
      if constexpr (kTls) {
        self->state_ = State::kReading;  // a stop before the handshake ends closes it
        self->Lowest().expires_after(self->ReadTimeout());
        self->stream_.async_handshake(net::ssl::stream_base::server, self->buffer_.data(),
                                      beast::bind_front_handler(&Session::OnHandshake, self));
      } else {
        self->DoRead();
      }
    });
  }

  // Server is stopping: drop idle connections now; one whose request is
  // being handled or answered finishes the reply (with Connection: close).
  void Shutdown() override {
    net::post(stream_.get_executor(), [self = this->shared_from_this()] {
      if (self->state_ == State::kReading || self->state_ == State::kDraining) self->Lowest().close();
    });
  }

 private:
  beast::tcp_stream& Lowest() { return beast::get_lowest_layer(stream_); }

  void OnHandshake(beast::error_code ec, std::size_t used) {
    if (ec) return DoClose();  // not TLS after all, a bad client hello, a timeout
    buffer_.consume(used);
    DoRead();
  }

  enum class State { kReading, kHandling, kWriting, kDraining, kClosed };

  Millis ReadTimeout() const { return Millis(std::max(1, server_.options().read_timeout_ms)); }

  void DoRead() {
    if (server_.stopping()) return DoClose();
    state_ = State::kReading;
    parser_.emplace();
    parser_->body_limit(server_.options().body_limit);
    parser_->header_limit(kHeaderLimit);
    Lowest().expires_after(ReadTimeout());
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Session::OnRead, this->shared_from_this()));
  }

  void OnRead(beast::error_code ec, std::size_t /*bytes*/) {
    if (ec) {
      if (ec == http::error::body_limit) {
        return DoReject(http::status::payload_too_large,
                        "request body exceeds " + std::to_string(server_.options().body_limit) + " bytes\n");
      }
      // end_of_stream: the peer closed between requests. partial_message:
      // it closed mid-request; nobody is left to read an answer.
      if (IsHttpError(ec) && ec != http::error::end_of_stream && ec != http::error::partial_message) {
        return DoReject(http::status::bad_request, "malformed HTTP request: " + ec.message() + "\n");
      }
      // Cut mid-body (reset, EOF, timeout): the handler still gets what
      // arrived, flagged, and nobody reads its answer.
      if (parser_ && parser_->is_header_done() && !parser_->is_done() && !server_.stopping())
        return DoHandleTruncated();
      return DoClose();  // timeout, reset, aborted by Shutdown()
    }
    DoHandle();
  }

  void DoHandleTruncated() {
    auto& msg = parser_->get();
    HttpRequest req;
    req.method = std::string(msg.method_string());
    req.target = std::string(msg.target());
    req.headers = HeadersOf(msg);
    req.body = std::move(msg.body());
    req.peer = peer_;
    req.truncated = true;
    parser_.reset();
    DoClose();
    // The session is done; the server (which joins its worker before it
    // goes) outlives the call.
    net::post(server_.worker(), [server = &server_, req = std::move(req),
                                 work = net::make_work_guard(server_.ioc())]() mutable {
      (void)server->CallHandler(req);
    });
  }

  void DoHandle() {
    state_ = State::kHandling;
    auto& msg = parser_->get();
    HttpRequest req;
    req.method = std::string(msg.method_string());
    req.target = std::string(msg.target());
    req.headers = HeadersOf(msg);
    req.body = std::move(msg.body());
    req.peer = peer_;
    version_ = msg.version();
    keep_alive_ = msg.keep_alive();
    parser_.reset();

    // The work guard keeps Run() from returning while the handler runs.
    net::post(server_.worker(), [self = this->shared_from_this(), req = std::move(req),
                                 strand = stream_.get_executor(),
                                 work = net::make_work_guard(server_.ioc())]() mutable {
      HttpResponse out = self->server_.CallHandler(req);
      // Moving `self` makes the strand the last owner, so the session dies on
      // the I/O thread.
      net::post(strand,
                [self = std::move(self), out = std::move(out)]() mutable { self->DoWrite(std::move(out)); });
    });
  }

  void DoWrite(HttpResponse out) {
    state_ = State::kWriting;
    Fill(std::move(out), version_, keep_alive_ && !server_.stopping());
    linger_ = false;
    StartWrite();
  }

  // Answers a request we refuse to parse further, then closes after draining
  // what the peer is still sending (closing with unread bytes would reset the
  // connection and could destroy the reply before the peer reads it).
  void DoReject(http::status status, std::string text) {
    state_ = State::kWriting;
    parser_.reset();
    HttpResponse out{static_cast<int>(status), "text/plain; charset=utf-8", std::move(text)};
    AddSecurityHeaders(&out);
    Fill(std::move(out), 11, false);
    linger_ = true;
    StartWrite();
  }

  void Fill(HttpResponse out, unsigned version, bool keep_alive) {
    res_ = {};
    res_.version(version);
    res_.result(static_cast<unsigned>(out.status));
    res_.set(http::field::server, server_.options().server_name);
    res_.set(http::field::content_type, out.content_type);
    for (const auto& h : out.headers) {
      // CR or LF would split the header; such a header is dropped, never sent.
      if (h.value.find_first_of("\r\n") != std::string::npos || h.name.empty() ||
          h.name.find_first_of("\r\n: ") != std::string::npos)
        continue;
      res_.insert(h.name, h.value);
    }
    res_.keep_alive(keep_alive);
    res_.body() = std::move(out.body);
    res_.prepare_payload();
  }

  void StartWrite() {
    Lowest().expires_after(ReadTimeout());  // a peer that never reads must not pin us
    http::async_write(stream_, res_, beast::bind_front_handler(&Session::OnWrite, this->shared_from_this()));
  }

  void OnWrite(beast::error_code ec, std::size_t /*bytes*/) {
    if (ec) return DoClose();
    if (linger_) return DoDrain();
    if (!res_.keep_alive()) return DoClose();
    res_ = {};  // release the body before waiting for the next request
    DoRead();
  }

  void DoDrain() {
    state_ = State::kDraining;
    beast::error_code ignored;
    Lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
    buffer_.clear();
    drained_ = 0;
    Lowest().expires_after(std::min(ReadTimeout(), kDrainTimeout));  // one deadline for the whole drain
    ReadDrain();
  }

  void ReadDrain() {
    stream_.async_read_some(buffer_.prepare(kDrainChunk),
                            beast::bind_front_handler(&Session::OnDrain, this->shared_from_this()));
  }

  void OnDrain(beast::error_code ec, std::size_t bytes) {
    if (ec) return DoClose();  // EOF (the usual end), timeout or reset
    drained_ += bytes;
    if (drained_ > kDrainLimit) return DoClose();
    ReadDrain();
  }

  void DoClose() {
    state_ = State::kClosed;
    beast::error_code ignored;
    Lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
    Lowest().close();
  }

  Server& server_;
  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> res_;
  std::string peer_;
  State state_ = State::kReading;
  unsigned version_ = 11;
  bool keep_alive_ = false;
  bool linger_ = false;
  size_t drained_ = 0;
};

// With TLS configured: reads the first bytes, then hands the connection and
// those bytes to a TLS or a plain Session.
class Detector : public Connection, public std::enable_shared_from_this<Detector> {
 public:
  Detector(tcp::socket&& socket, Server& server) : server_(server), stream_(std::move(socket)) {}
  ~Detector() override { server_.Deregister(this); }

  void Start() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      self->stream_.expires_after(Millis(std::max(1, self->server_.options().read_timeout_ms)));
      beast::async_detect_ssl(self->stream_, self->buffer_, beast::bind_front_handler(&Detector::OnDetect, self));
    });
  }

  void Shutdown() override {
    net::post(stream_.get_executor(), [self = shared_from_this()] { self->stream_.close(); });
  }

 private:
  void OnDetect(beast::error_code ec, bool tls) {
    if (ec || server_.stopping()) {
      stream_.close();
      return;
    }
    stream_.expires_never();
    if (tls) {
      auto s = std::make_shared<Session<TlsStream>>(server_, std::move(buffer_), stream_.release_socket(),
                                                    *server_.tls());
      server_.Register(s);
      s->Start();
    } else {
      auto s = std::make_shared<Session<beast::tcp_stream>>(server_, std::move(buffer_), stream_.release_socket());
      server_.Register(s);
      s->Start();
    }
  }

  Server& server_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
};

HttpResponse Server::CallHandler(const HttpRequest& req) const {
  HttpResponse out;
  try {
    out = handler_(req);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: handler threw on %s %s: %s\n", options_.server_name.c_str(), req.method.c_str(), req.target.c_str(),
                 e.what());
    out = HttpResponse{500, "text/plain; charset=utf-8", "internal error\n"};
  } catch (...) {
    out = HttpResponse{500, "text/plain; charset=utf-8", "internal error\n"};
  }
  if (out.status < 100 || out.status > 999) {  // Beast throws on these
    out = HttpResponse{500, "text/plain; charset=utf-8", "internal error: bad status\n"};
  }
  AddSecurityHeaders(&out);
  return out;
}

Result<uint16_t> Server::Start() {
  if (acceptor_.is_open()) return Status::FailedPrecondition("HTTP server already started");
  if (!options_.tls_cert_file.empty() || !options_.tls_key_file.empty()) {
    if (options_.tls_cert_file.empty() || options_.tls_key_file.empty())
      return Status::InvalidArgument("TLS needs both a certificate and its key").WithField("tls_cert");
    // TLS 1.2 and later only.
    tls_.emplace(net::ssl::context::tls_server);
    tls_->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                      net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 | net::ssl::context::no_tlsv1_1 |
                      net::ssl::context::single_dh_use);
    beast::error_code tls_ec;
    tls_->use_certificate_chain_file(options_.tls_cert_file, tls_ec);
    if (tls_ec) {
      tls_.reset();
      return Status::InvalidArgument("cannot read the TLS certificate " + options_.tls_cert_file + ": " +
                                     tls_ec.message()).WithField("tls_cert");
    }
    tls_->use_private_key_file(options_.tls_key_file, net::ssl::context::pem, tls_ec);
    if (tls_ec) {
      tls_.reset();
      return Status::InvalidArgument("cannot read the TLS key " + options_.tls_key_file + ": " + tls_ec.message())
          .WithField("tls_key");
    }
  }
  const std::string where = options_.address + ":" + std::to_string(options_.port);
  beast::error_code ec;
  tcp::endpoint endpoint;
  net::ip::address addr = net::ip::make_address(options_.address, ec);
  if (!ec) {
    endpoint = tcp::endpoint(addr, options_.port);
  } else {  // a host name such as "localhost"
    tcp::resolver resolver(ioc_);
    auto results = resolver.resolve(options_.address, std::to_string(options_.port),
                                    tcp::resolver::passive | tcp::resolver::numeric_service, ec);
    if (ec || results.empty()) {
      return Status::InvalidArgument("cannot resolve listen address " + where + ": " + ec.message());
    }
    endpoint = results.begin()->endpoint();
  }
  auto fail = [&](const char* what) -> Status {
    beast::error_code ignored;
    acceptor_.close(ignored);
    return Status::Unavailable(std::string("cannot ") + what + " " + where + ": " + ec.message());
  };
  acceptor_.open(endpoint.protocol(), ec);
  if (ec) return fail("open a socket for");
  acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (ec) return fail("set options on");
  acceptor_.bind(endpoint, ec);
  if (ec) return fail("bind");
  acceptor_.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return fail("listen on");
  tcp::endpoint bound = acceptor_.local_endpoint(ec);
  if (ec) return fail("read the bound port of");
  DoAccept();
  return bound.port();
}

void Server::Run(bool handle_signals) {
  ioc_.restart();
  if (handle_signals && !stopping_) {
    signals_.emplace(ioc_, SIGINT, SIGTERM);
    signals_->async_wait([this](const beast::error_code& ec, int /*signo*/) {
      if (ec) return;
      stopping_ = true;
      DoStop();
    });
  }
  // Returns once the acceptor, every session and every in-flight handler is
  // gone. A throwing completion (bad_alloc) is logged, not fatal.
  for (;;) {
    try {
      ioc_.run();
      break;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "%s: I/O loop: %s\n", options_.server_name.c_str(), e.what());
    }
  }
  signals_.reset();  // restores the default SIGINT/SIGTERM disposition
}

void Server::DoAccept() {
  acceptor_.async_accept(net::make_strand(ioc_), beast::bind_front_handler(&Server::OnAccept, this));
}

void Server::OnAccept(beast::error_code ec, tcp::socket socket) {
  if (ec) {
    if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
    // Out of descriptors or similar: back off instead of spinning.
    accept_retry_.expires_after(kAcceptRetryDelay);
    accept_retry_.async_wait([this](const beast::error_code& wait_ec) {
      if (!wait_ec && acceptor_.is_open()) DoAccept();
    });
    return;
  }
  if (stopping_) return;  // `socket` closes on scope exit
  bool room;
  {
    std::lock_guard<std::mutex> lock(sessions_mu_);
    room = sessions_.size() < static_cast<size_t>(std::max(1, options_.max_connections));
  }
  if (room && tls_) {
    auto detector = std::make_shared<Detector>(std::move(socket), *this);
    Register(detector);
    detector->Start();
  } else if (room) {
    auto session = std::make_shared<Session<beast::tcp_stream>>(*this, beast::flat_buffer(), std::move(socket));
    Register(session);
    session->Start();
  } else {
    beast::error_code ignored;
    socket.close(ignored);  // over max_connections: accept and close at once
  }
  DoAccept();
}

void Server::DoStop() {
  if (stop_done_) return;
  stop_done_ = true;
  beast::error_code ignored;
  acceptor_.close(ignored);
  accept_retry_.cancel();
  if (signals_) signals_->cancel(ignored);
  std::vector<std::shared_ptr<Connection>> live;
  {
    std::lock_guard<std::mutex> lock(sessions_mu_);
    for (auto& [ptr, weak] : sessions_) {
      if (auto s = weak.lock()) live.push_back(std::move(s));
    }
  }
  for (auto& s : live) s->Shutdown();
}

}  // namespace

struct HttpServer::Impl : Server {
  using Server::Server;
};

HttpServer::HttpServer(ServerOptions options, HttpHandler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {}

HttpServer::~HttpServer() = default;

Result<uint16_t> HttpServer::Start() { return impl_->Start(); }
void HttpServer::Run(bool handle_signals) { impl_->Run(handle_signals); }
void HttpServer::Stop() { impl_->Stop(); }

}  // namespace simpul::web
