// A synchronous facade over asynchronous Beast operations: every call starts
// async ops on a private io_context and runs it until they complete. The
// tcp_stream deadline bounds each step (connect; then the whole exchange of
// request and reply), so no call blocks longer than about 2 x timeout_ms.
//
// The request is written while the reply is already being read: a hub that
// refuses a request early (413) is heard even if it stops reading the body.
#include "sync/transport/http_client.h"

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/span_body.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <cctype>
#include <chrono>
#include <exception>
#include <functional>
#include <new>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace simpul::sync {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

constexpr uint32_t kReplyHeaderLimit = 64 * 1024;

bool IsDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

bool IsHostChar(unsigned char c) { return std::isalnum(c) || c == '.' || c == '-'; }
bool IsV6Char(unsigned char c) { return std::isxdigit(c) || c == ':' || c == '.'; }
bool IsPathChar(unsigned char c) {
  return std::isalnum(c) || c == '/' || c == '-' || c == '.' || c == '_' || c == '~';
}

// Errors from the HTTP parser that mean "this is not HTTP", as opposed to the
// connection ending early.
bool IsMalformedHttp(const beast::error_code& ec) {
  return ec.category() == http::make_error_code(http::error::bad_method).category() &&
         ec != http::error::end_of_stream && ec != http::error::partial_message &&
         ec != http::error::body_limit;
}

// "connection refused" rather than "Connection refused [system:111]".
std::string Describe(const beast::error_code& ec) {
  if (ec == net::error::connection_refused) return "connection refused";
  if (ec == net::error::connection_reset) return "connection reset by the hub";
  if (ec == net::error::broken_pipe) return "connection closed by the hub while sending";
  if (ec == net::error::eof || ec == http::error::end_of_stream) return "connection closed by the hub";
  if (ec == http::error::partial_message) return "connection closed by the hub mid-reply";
  if (ec == net::error::host_unreachable) return "host unreachable";
  if (ec == net::error::network_unreachable) return "network unreachable";
  std::string msg = ec.message();
  if (!msg.empty()) msg[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(msg[0])));
  return msg;
}

}  // namespace

Result<HttpTarget> ParseHubUrl(const std::string& url) {
  auto bad = [&url](const std::string& why) {
    return Status::InvalidArgument("hub url '" + url + "': " + why + " (expected http://HOST:PORT[/base])");
  };
  constexpr std::string_view kScheme = "http://";
  std::string_view rest(url);
  if (rest.substr(0, kScheme.size()) != kScheme) {
    if (rest.substr(0, 8) == "https://")
      return bad("only http:// is supported (payloads are sealed end to end)");
    return bad("must start with http://");
  }
  rest.remove_prefix(kScheme.size());
  const size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);

  HttpTarget target;
  std::string_view host, port;
  if (!authority.empty() && authority.front() == '[') {  // [::1]:8080
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return bad("unterminated IPv6 address");
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (after.empty() || after.front() != ':') return bad("missing :PORT");
    port = after.substr(1);
    if (host.empty() || !std::all_of(host.begin(), host.end(), IsV6Char)) return bad("bad IPv6 address");
  } else {
    const size_t colon = authority.rfind(':');
    if (colon == std::string_view::npos) return bad("missing :PORT");
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
    if (host.empty()) return bad("missing host");
    if (!std::all_of(host.begin(), host.end(), IsHostChar)) return bad("bad host name");
  }
  if (!IsDigits(port) || port.size() > 5) return bad("bad port");
  const unsigned long port_number = std::stoul(std::string(port));
  if (port_number == 0 || port_number > 65535) return bad("port out of range");

  if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);  // "/simpul/" == "/simpul"
  if (path == "/") path = {};
  if (!std::all_of(path.begin(), path.end(), IsPathChar)) return bad("bad base path");
  if (path.find("//") != std::string_view::npos || path.find("/./") != std::string_view::npos ||
      path.find("/../") != std::string_view::npos || path.ends_with("/.") || path.ends_with("/..")) {
    return bad("bad base path");
  }

  target.host = std::string(host);
  target.port = static_cast<uint16_t>(port_number);
  target.base_path = std::string(path);
  return target;
}

struct HttpClient::Impl {
  Impl(HttpTarget t, int timeout_ms) : target(std::move(t)), timeout(std::max(1, timeout_ms)) {
    const bool v6 = target.host.find(':') != std::string::npos;
    authority = (v6 ? "[" + target.host + "]" : target.host) + ":" + std::to_string(target.port);
  }
  ~Impl() { Disconnect(); }

  Result<HttpReply> Post(const std::string& path, const std::string& body, uint64_t max_reply_bytes,
                         TransferStats& stats);

  Status Connect();
  void Disconnect() {
    if (stream) {
      beast::error_code ignored;
      stream->socket().shutdown(tcp::socket::shutdown_both, ignored);
      stream->close();
      stream.reset();
    }
    buffer.clear();
  }
  // Runs the private io_context until every started operation completed.
  void RunIo() {
    ioc->restart();
    ioc->run();
  }
  // After an exception escaped run(): drop the connection and every queued
  // completion (they reference stack frames that are gone).
  void ResetIo() {
    stream.reset();
    buffer.clear();
    ioc = std::make_unique<net::io_context>(1);
  }

  HttpTarget target;
  HttpRequestStyle style;
  Pacing pacing;
  std::chrono::milliseconds timeout;
  std::string authority;  // "127.0.0.1:8080", for Host: and messages
  std::unique_ptr<net::io_context> ioc = std::make_unique<net::io_context>(1);
  std::optional<beast::tcp_stream> stream;  // engaged = connected (maybe stale)
  beast::flat_buffer buffer;
};

Status HttpClient::Impl::Connect() {
  Disconnect();
  const std::string unreachable = style.peer + " " + authority + " unreachable: ";
  beast::error_code ec;
  std::vector<tcp::endpoint> endpoints;
  net::ip::address addr = net::ip::make_address(target.host, ec);
  if (!ec) {
    endpoints.emplace_back(addr, target.port);
  } else {
    tcp::resolver resolver(*ioc);
    bool done = false;
    resolver.async_resolve(target.host, std::to_string(target.port),
                           [&](const beast::error_code& rec, const tcp::resolver::results_type& results) {
                             done = true;
                             ec = rec;
                             for (const auto& r : results) endpoints.push_back(r.endpoint());
                           });
    ioc->restart();
    ioc->run_for(timeout);
    if (!done) {
      resolver.cancel();
      RunIo();
      return Status::Unavailable(unreachable + "cannot resolve host within " +
                                 std::to_string(timeout.count()) + " ms");
    }
    if (ec || endpoints.empty())
      return Status::Unavailable(unreachable + "cannot resolve host: " + Describe(ec));
  }

  stream.emplace(*ioc);
  stream->expires_after(timeout);
  stream->async_connect(endpoints, [&ec](const beast::error_code& cec, const tcp::endpoint&) { ec = cec; });
  RunIo();
  if (ec) {
    stream.reset();
    if (ec == beast::error::timeout) {
      return Status::Unavailable(unreachable + "no connection within " + std::to_string(timeout.count()) +
                                 " ms");
    }
    return Status::Unavailable(unreachable + Describe(ec));
  }
  stream->socket().set_option(tcp::no_delay(true), ec);  // best effort
  return Status::Ok();
}

Result<HttpReply> HttpClient::Impl::Post(const std::string& path, const std::string& body,
                                         uint64_t max_reply_bytes, TransferStats& stats) {
  if (path.empty() || path.front() != '/' ||
      !std::all_of(path.begin(), path.end(), [](unsigned char c) { return c > 0x20 && c < 0x7f; })) {
    return Status::InvalidArgument("request path '" + path + "' must start with '/' and be printable ASCII");
  }
  // span_body sends `body` in place: no copy of a large batch.
  http::request<http::span_body<const char>> req{http::verb::post, target.base_path + path, 11};
  req.set(http::field::host, authority);
  req.set(http::field::user_agent, style.user_agent);
  req.set(http::field::content_type, style.content_type);
  if (!style.authorization.empty()) req.set(http::field::authorization, style.authorization);
  req.body() = {body.data(), body.size()};
  req.keep_alive(true);
  req.prepare_payload();

  {
    // A kept-alive connection the hub closed while idle is replaced before
    // anything is sent: a request is never sent twice by this client (a
    // resend after a cut could reach a hub that already applied it).
    if (stream.has_value()) {
      pollfd p{stream->socket().native_handle(), POLLIN | POLLRDHUP, 0};
      char probe;
      if (::poll(&p, 1, 0) > 0 &&
          ((p.revents & (POLLRDHUP | POLLHUP | POLLERR)) ||
           ::recv(p.fd, &probe, 1, MSG_PEEK | MSG_DONTWAIT) == 0))
        Disconnect();
    }
  }
  for (int attempt = 0;; ++attempt) {
    const bool reused = stream.has_value();
    if (!reused) SIMPUL_RETURN_IF_ERROR(Connect());

    http::response_parser<http::string_body> parser;
    parser.body_limit(max_reply_bytes);
    parser.header_limit(kReplyHeaderLimit);
    beast::error_code write_ec, read_ec;
    size_t written = 0, read = 0;
    bool write_done = false;

    stream->expires_after(timeout);  // one deadline for request + handler + reply
    // Paced (sync/transport/pacing.h): the header, then the body in pieces
    // no faster than the pacing allows; what a cut finds still unwritten
    // never entered the link's buffers.
    http::request_serializer<http::span_body<const char>> serializer{req};
    net::steady_timer pace_timer(*ioc);
    const Pacing pace = pacing;
    const auto body_start = std::chrono::steady_clock::now();
    size_t body_written = 0;
    std::function<void()> write_body = [&] {
      const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - body_start).count();
      const size_t allowed = static_cast<size_t>(PacedBytes(pace, elapsed, body.size()));
      if (allowed <= body_written) {
        // A packet's worth at a time, or what is left.
        const uint64_t want = std::min<uint64_t>(1460, body.size() - body_written);
        pace_timer.expires_after(std::chrono::microseconds(
            std::max<int64_t>(1000, static_cast<int64_t>(1e6 * PacedWait(pace, elapsed, body_written, want)))));
        pace_timer.async_wait([&](const beast::error_code& ec) {
          if (ec) {
            write_done = true;
            write_ec = ec;
            return;
          }
          write_body();
        });
        return;
      }
      net::async_write(*stream, net::buffer(body.data() + body_written, allowed - body_written),
                       [&](const beast::error_code& ec, size_t n) {
                         written += n;
                         body_written += n;
                         if (ec || body_written == body.size()) {
                           write_done = true;
                           write_ec = ec;
                           return;
                         }
                         write_body();
                       });
    };
    if (pace.paced() && !body.empty()) {
      http::async_write_header(*stream, serializer, [&](const beast::error_code& ec, size_t n) {
        written = n;
        if (ec) {
          write_done = true;
          write_ec = ec;
          return;
        }
        write_body();
      });
    } else {
      http::async_write(*stream, req, [&](const beast::error_code& ec, size_t n) {
        write_done = true;
        write_ec = ec;
        written = n;
      });
    }
    http::async_read(*stream, buffer, parser, [&](const beast::error_code& ec, size_t n) {
      read_ec = ec;
      read = n;
      // The hub answered (or failed) before taking the whole request: stop
      // sending; the connection cannot be reused.
      if (!write_done) {
        stream->cancel();
        pace_timer.cancel();
      }
    });
    RunIo();
    stats.bytes_sent += written;
    stats.bytes_received += read;

    if (!read_ec) {
      ++stats.round_trips;
      auto res = parser.release();
      if (!res.keep_alive() || write_ec) Disconnect();
      return HttpReply{static_cast<int>(res.result_int()), std::move(res.body())};
    }
    Disconnect();
    if (read_ec == http::error::body_limit) {
      return Status::ResourceExhausted(style.peer + " " + authority + " reply exceeds the limit of " +
                                       std::to_string(max_reply_bytes) + " bytes");
    }
    if (read_ec == beast::error::timeout) {
      return Status::Unavailable(style.peer + " " + authority + " timed out: no reply within " +
                                 std::to_string(timeout.count()) + " ms");
    }
    if (IsMalformedHttp(read_ec)) {
      return Status::Corruption(style.peer + " " + authority + " sent a malformed HTTP reply: " + read_ec.message());
    }
    // Only when the request could not even be written (the hub closed the
    // connection at that moment) is it certain the hub never saw it.
    if (reused && attempt == 0 && write_ec && written == 0 && read == 0 && !parser.got_some()) continue;
    return Status::Unavailable(
        style.peer + " " + authority + " connection cut: " +
        Describe(write_ec && write_ec != net::error::operation_aborted ? write_ec : read_ec));
  }
}

HttpClient::HttpClient(HttpTarget target, int timeout_ms)
    : impl_(std::make_unique<Impl>(std::move(target), timeout_ms)) {}

HttpClient::~HttpClient() = default;

void HttpClient::SetPacing(const Pacing& pacing) { impl_->pacing = pacing; }

Status HttpClient::SetStyle(HttpRequestStyle style) {
  for (const std::string* v : {&style.peer, &style.content_type, &style.authorization, &style.user_agent})
    if (!std::all_of(v->begin(), v->end(), [](unsigned char c) { return c >= 0x20 && c < 0x7f; }))
      return Status::InvalidArgument("an HTTP header value holds a control character").WithField("header");
  impl_->style = std::move(style);
  return Status::Ok();
}

Result<HttpReply> HttpClient::Post(const std::string& path, const std::string& body,
                                   uint64_t max_reply_bytes) {
  // Boost reports through error codes; only allocation failures and bugs
  // throw. Neither may cross the module API.
  try {
    return impl_->Post(path, body, max_reply_bytes, stats_);
  } catch (const std::bad_alloc&) {
    impl_->ResetIo();
    return Status::ResourceExhausted("out of memory while talking to hub " + impl_->authority);
  } catch (const std::exception& e) {
    impl_->ResetIo();
    return Status::Internal(std::string("HTTP client: ") + e.what());
  }
}

}  // namespace simpul::sync
