// HTTP requests and responses as the web layer's pure handlers see them:
// plain values, no sockets and no Boost type (the server that fills and
// writes them is web/http_server.h). Also the small parsers every handler
// needs: the target's path and query, cookies, percent-decoding.
//
// Header names are stored lower-case (HTTP names are case-insensitive), in
// the order they arrived; values are kept as sent.
//
// Thread-safety: plain values; the functions are pure.
#ifndef SIMPUL_WEB_HTTP_H_
#define SIMPUL_WEB_HTTP_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace simpul::web {

struct Header {
  std::string name;  // lower-case
  std::string value;
};

struct HttpRequest {
  std::string method;  // "POST", "GET"
  std::string target;  // "/v1/sync", "/api/v1/applications?status=submitted"
  std::string body;
  std::string peer;    // "127.0.0.1:54321"
  std::vector<Header> headers;
  // The connection broke (cut, reset, timeout) after the headers and part of
  // the body: `body` holds what arrived, and nobody reads the response. Only
  // handlers that can use a prefix of a body (the hub's /v1/stream) act on it.
  bool truncated = false;

  // The value of header `name` (any case), "" when absent.
  std::string_view HeaderValue(std::string_view name) const;
  // The target's path, before any '?', not decoded ("/api/v1/x").
  std::string_view Path() const;
  // The decoded value of query parameter `key` ("" when absent).
  std::string Query(std::string_view key) const;
  // The value of cookie `name` from the Cookie header(s), "" when absent.
  std::string Cookie(std::string_view name) const;
  // The peer's address without its port ("127.0.0.1", "::1").
  std::string PeerAddress() const;
};

struct HttpResponse {
  HttpResponse() = default;
  HttpResponse(int status_code, std::string type, std::string content)
      : status(status_code), content_type(std::move(type)), body(std::move(content)) {}

  int status = 200;
  std::string content_type = "application/octet-stream";
  std::string body;
  // Further headers (Set-Cookie, Content-Disposition, security headers...).
  // Content-Type, Content-Length, Server and Connection are the server's.
  std::vector<Header> headers;

  // Replaces header `name` (lower-cased), or adds it.
  HttpResponse& Set(std::string_view name, std::string value);
  // Adds one more header `name` (Set-Cookie may appear several times).
  HttpResponse& Add(std::string_view name, std::string value);
  // The value of header `name`, "" when absent.
  std::string_view HeaderValue(std::string_view name) const;
};

// Percent-decoding of a URL component; '+' is a space when `plus_is_space`
// (query strings). Returns false on a malformed escape or a NUL byte.
bool PercentDecode(std::string_view in, bool plus_is_space, std::string* out);
// Percent-encodes everything but unreserved characters (RFC 3986).
std::string PercentEncode(std::string_view in);
// key=value pairs of an application/x-www-form-urlencoded text (a query);
// malformed pairs are skipped, the first of repeated keys wins.
std::map<std::string, std::string> ParseQuery(std::string_view query);

// The reason phrase of a status code ("Not Found"), for error bodies.
const char* StatusText(int status);

}  // namespace simpul::web

#endif  // SIMPUL_WEB_HTTP_H_
