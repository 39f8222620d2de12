// A minimal HTTP/1.1 client for end-to-end tests: one request over loopback
// to a real simpul-hub or simpul-node server (the JSON API under /api/v1/),
// the reply read to the end (Connection: close), chunked bodies decoded.
// No TLS, no redirects: the servers under test answer on 127.0.0.1.
#ifndef SIMPUL_TESTS_SUPPORT_HTTP_CLIENT_H_
#define SIMPUL_TESTS_SUPPORT_HTTP_CLIENT_H_

#include <string>
#include <utility>
#include <vector>

namespace simpul::testing {

struct HttpReply {
  int status = 0;  // 0: no reply (connection refused, timeout, malformed)
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::string error;  // why status is 0
  // The first value of header `name` (lower-case), "" when absent.
  std::string Header(const std::string& name) const;
};

// `headers` are "Name: value" lines; Host, Connection and Content-Length are
// added. Waits at most `timeout_s` seconds for the whole reply.
HttpReply HttpRequest(int port, const std::string& method, const std::string& target,
                      const std::vector<std::string>& headers = {}, const std::string& body = "",
                      int timeout_s = 30);

// Percent-encodes a query parameter's value.
std::string UrlEncode(const std::string& value);

}  // namespace simpul::testing

#endif  // SIMPUL_TESTS_SUPPORT_HTTP_CLIENT_H_
