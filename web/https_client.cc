#include "web/https_client.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/url/parse.hpp>
#include <chrono>
#include <vector>

namespace simpul::web {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

bool PrintableHeader(const std::string& v) {
  return std::all_of(v.begin(), v.end(), [](unsigned char c) { return c >= 0x20 && c < 0x7f; });
}

bool HostNameChars(const std::string& host) {
  return std::all_of(host.begin(), host.end(), [](unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
  });
}

// Runs `io` until every started operation completed (each has a deadline:
// the stream's timer, set before it).
void RunAll(asio::io_context& io) {
  io.restart();
  io.run();
}

}  // namespace

Result<HttpsUrl> ParseHttpsUrl(const std::string& url) {
  // A password in the URL must not reach a log through this message.
  std::string shown = url;
  if (auto at = shown.find('@'), scheme = shown.find("://"); at != std::string::npos && scheme != std::string::npos &&
                                                              scheme < at)
    shown.replace(scheme + 3, at - scheme - 3, "...");
  auto bad = [&shown](const std::string& why) {
    return Status::InvalidArgument("'" + shown + "': " + why + " (expected https://HOST[:PORT][/path])");
  };
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed) return bad("not a URL");
  const boost::urls::url_view& u = *parsed;
  if (u.scheme_id() != boost::urls::scheme::https) return bad("must start with https://");
  if (u.has_userinfo()) return bad("a user name or password does not belong in the URL");
  if (u.has_query() || u.has_fragment()) return bad("no query string or fragment");
  if (u.host_type() != boost::urls::host_type::name && u.host_type() != boost::urls::host_type::ipv4)
    return bad("the host must be a name or an IPv4 address");
  HttpsUrl out;
  out.host = u.host_address();
  if (out.host.empty() || out.host.size() > 253 || !HostNameChars(out.host)) return bad("not a host name");
  if (u.has_port()) {
    const std::string port(u.port());
    if (port.empty() || port.size() > 5 || !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
        std::stoi(port) < 1 || std::stoi(port) > 65535)
      return bad("the port must be 1..65535");
    out.port = static_cast<uint16_t>(std::stoi(port));
  }
  out.path = u.encoded_path().empty() ? "/" : std::string(u.encoded_path());
  return out;
}

Status CheckCaFile(const std::string& ca_file) {
  ssl::context ctx(ssl::context::tls_client);
  beast::error_code ec;
  ctx.load_verify_file(ca_file, ec);
  if (ec) return Status::InvalidArgument(ca_file + " holds no certificate that can be loaded (PEM expected)");
  return Status::Ok();
}

Result<HttpsReply> PostHttps(const HttpsPost& p) {
  for (const std::string* v : {&p.content_type, &p.authorization, &p.user_agent})
    if (!PrintableHeader(*v)) return Status::InvalidArgument("a header value holds a control character");
  const std::string where = p.url.host + ":" + std::to_string(p.url.port);
  const std::string unreachable = "gateway " + where + " unreachable: ";

  ssl::context ctx(ssl::context::tls_client);
  SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION);
  beast::error_code ec;
  if (p.ca_file.empty()) {
    ctx.set_default_verify_paths(ec);
    if (ec) return Status::Unavailable("no trusted certificate authorities on this machine (ca-certificates)");
  } else {
    ctx.load_verify_file(p.ca_file, ec);
    if (ec) return Status::InvalidArgument("cannot read the CA file " + p.ca_file).WithField("ca_file");
  }
  ctx.set_verify_mode(ssl::verify_peer);

  asio::io_context io(1);
  const auto timeout = std::chrono::milliseconds(p.timeout_ms);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::vector<tcp::endpoint> endpoints;
  beast::error_code not_address;
  const asio::ip::address address = asio::ip::make_address(p.url.host, not_address);
  const bool is_address = !not_address;
  if (is_address) {
    endpoints.emplace_back(address, p.url.port);
  } else {
    tcp::resolver resolver(io);
    bool done = false;
    resolver.async_resolve(p.url.host, std::to_string(p.url.port),
                           [&](const beast::error_code& rec, const tcp::resolver::results_type& results) {
                             done = true;
                             ec = rec;
                             for (const auto& r : results) endpoints.push_back(r.endpoint());
                           });
    io.run_for(timeout);
    if (!done) {
      resolver.cancel();
      RunAll(io);
      return Status::Unavailable(unreachable + "cannot resolve the host in time");
    }
    if (ec || endpoints.empty()) return Status::Unavailable(unreachable + "cannot resolve the host: " + ec.message());
  }

  beast::ssl_stream<beast::tcp_stream> stream(io, ctx);
  // OpenSSL itself checks that the certificate names the host (an address
  // against its IP entries), so a mismatch reads as one in the error; SNI
  // only for a name.
  SSL* handle = stream.native_handle();
  const bool named = is_address ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(handle), p.url.host.c_str()) == 1
                                : SSL_set_tlsext_host_name(handle, p.url.host.c_str()) == 1 &&
                                      SSL_set1_host(handle, p.url.host.c_str()) == 1;
  if (!named) return Status::Internal("cannot set the TLS server name " + p.url.host);
  auto& socket = beast::get_lowest_layer(stream);

  socket.expires_at(deadline);
  socket.async_connect(endpoints, [&ec](const beast::error_code& cec, const tcp::endpoint&) { ec = cec; });
  RunAll(io);
  if (ec) return Status::Unavailable(unreachable + (ec == beast::error::timeout ? "no connection in time" : ec.message()));

  socket.expires_at(deadline);
  stream.async_handshake(ssl::stream_base::client, [&ec](const beast::error_code& hec) { ec = hec; });
  RunAll(io);
  if (ec) {
    if (ec.category() == asio::error::get_ssl_category() &&
        ERR_GET_REASON(static_cast<unsigned long>(ec.value())) == SSL_R_CERTIFICATE_VERIFY_FAILED) {
      const long verify = SSL_get_verify_result(handle);
      return Status::Unauthenticated(std::string("the gateway's certificate is not trusted: ") +
                                     X509_verify_cert_error_string(verify) + " (" + p.url.host + ")");
    }
    return Status::Unavailable(unreachable + "TLS handshake failed: " +
                               (ec == beast::error::timeout ? std::string("no answer in time") : ec.message()));
  }

  http::request<http::string_body> req{http::verb::post, p.url.path, 11};
  req.set(http::field::host, p.url.port == 443 ? p.url.host : where);
  req.set(http::field::user_agent, p.user_agent);
  req.set(http::field::content_type, p.content_type);
  if (!p.authorization.empty()) req.set(http::field::authorization, p.authorization);
  req.set(http::field::connection, "close");
  req.body() = p.body;
  req.prepare_payload();
  socket.expires_at(deadline);
  http::async_write(stream, req, [&ec](const beast::error_code& wec, size_t) { ec = wec; });
  RunAll(io);
  if (ec) return Status::Unavailable(unreachable + (ec == beast::error::timeout ? "timed out sending" : ec.message()));

  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.header_limit(16 << 10);
  parser.body_limit(p.max_reply_bytes);
  socket.expires_at(deadline);
  http::async_read(stream, buffer, parser, [&ec](const beast::error_code& rec, size_t) { ec = rec; });
  RunAll(io);
  if (ec == http::error::body_limit) return Status::ResourceExhausted("the gateway's answer is too large");
  if (ec && ec.category() == beast::error_code(http::error::bad_version).category() &&
      ec != http::error::end_of_stream && ec != http::error::partial_message)
    return Status::Corruption("the gateway did not answer in HTTP: " + ec.message());
  if (ec) return Status::Unavailable(unreachable + (ec == beast::error::timeout ? "no answer in time" : ec.message()));
  // The answer is complete (and asked the server to close): no TLS
  // goodbye to wait for.
  socket.close();
  return HttpsReply{static_cast<int>(parser.get().result_int()), parser.get().body()};
}

}  // namespace simpul::web
