// One HTTPS POST, for the hub's message webhook (hub/message_webhook.h): a
// provider's API on the internet carries residents' phone numbers, the
// messages and a bearer token, so it is reached over TLS only, never
// plain HTTP. TLS 1.2 or later; the server's certificate must chain to the
// system's trusted CAs (Debian's ca-certificates) or to `ca_file`, and name
// the URL's host (SNI sent). A new connection per POST: messages are few.
//
// The header exposes no Boost type; Beast and OpenSSL live in
// https_client.cc only.
#ifndef SIMPUL_WEB_HTTPS_CLIENT_H_
#define SIMPUL_WEB_HTTPS_CLIENT_H_

#include <cstdint>
#include <string>

#include "schema/status.h"

namespace simpul::web {

struct HttpsUrl {
  std::string host;   // a name or an IPv4 address
  uint16_t port = 443;
  std::string path;   // "/" when the URL has none
};

// Parses "https://HOST[:PORT][/path]" (no user, query or fragment).
// InvalidArgument saying why, without naming a setting.
Result<HttpsUrl> ParseHttpsUrl(const std::string& url);

struct HttpsPost {
  HttpsUrl url;
  std::string content_type = "application/json";
  std::string authorization;  // sent as is when not empty
  std::string user_agent = "simpul-hub";
  std::string body;
  std::string ca_file;        // PEM; "" : the system's trusted CAs
  int timeout_ms = 30000;     // the whole exchange
  uint64_t max_reply_bytes = 64 << 10;
};

struct HttpsReply {
  int status = 0;
  std::string body;
};

// Whether `ca_file` holds at least one PEM certificate OpenSSL can load as
// a trusted authority; InvalidArgument saying why (it names the file).
Status CheckCaFile(const std::string& ca_file);

// Errors: Unauthenticated (the certificate is not trusted or names another
// host), Unavailable (cannot resolve or connect, timeout, connection cut),
// ResourceExhausted (reply over max_reply_bytes), Corruption (not HTTP),
// InvalidArgument (a header value with a control character; ca_file
// unreadable, field "ca_file").
Result<HttpsReply> PostHttps(const HttpsPost& post);

}  // namespace simpul::web

#endif  // SIMPUL_WEB_HTTPS_CLIENT_H_
