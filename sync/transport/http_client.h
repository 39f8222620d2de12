// A thin HTTP/1.1 client over Boost.Beast, the only socket code in sync/.
//
// The sync session (sync/session.h) hands it opaque request bytes and gets
// opaque reply bytes; everything inside is sealed by the crypto envelope, so
// plain HTTP through any proxy is fine. The header exposes no Boost type, so
// including it costs nothing; Beast lives in http_client.cc only.
//
// Thread-safety: one HttpClient per thread.
#ifndef SIMPUL_SYNC_TRANSPORT_HTTP_CLIENT_H_
#define SIMPUL_SYNC_TRANSPORT_HTTP_CLIENT_H_

#include <cstdint>
#include <memory>
#include <string>

#include "schema/status.h"
#include "sync/transport/pacing.h"

namespace simpul::sync {

struct HttpTarget {
  std::string host;  // "127.0.0.1"
  uint16_t port = 0;
  std::string base_path;  // "" or "/simpul"
};

// Parses "http://HOST:PORT[/base]". Only http:// is accepted (the payload is
// already encrypted end to end).
Result<HttpTarget> ParseHubUrl(const std::string& url);

struct HttpReply {
  int status = 0;
  std::string body;
};

// How requests present themselves. The sync client keeps the defaults; the
// hub's message webhook (hub/message_webhook.h) posts JSON with a bearer
// token, and its errors then say "gateway" rather than "hub".
struct HttpRequestStyle {
  std::string peer = "hub";  // how errors name the server
  std::string content_type = "application/octet-stream";
  std::string authorization;  // sent as is when not empty; printable ASCII only
  std::string user_agent = "simpul-node";
};

struct TransferStats {
  uint64_t bytes_sent = 0;      // request bytes on the wire, headers included
  uint64_t bytes_received = 0;  // reply bytes on the wire, headers included
  uint64_t round_trips = 0;
};

class HttpClient {
 public:
  explicit HttpClient(HttpTarget target, int timeout_ms = 30000);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // POSTs `body` (application/octet-stream) to base_path + `path` and reads
  // the whole reply (bounded to `max_reply_bytes`). Keeps the connection
  // alive between calls and reconnects once if the server closed it.
  // Errors: Unavailable (cannot connect, timeout, connection cut),
  // ResourceExhausted (reply too large), Corruption (not HTTP).
  Result<HttpReply> Post(const std::string& path, const std::string& body,
                         uint64_t max_reply_bytes = 64ull << 20);

  // Applies to the following Post calls: the body is written no faster
  // than `pacing` allows (sync/transport/pacing.h); default: at once.
  void SetPacing(const Pacing& pacing);

  const TransferStats& stats() const { return stats_; }
  // Applies to the following Post calls. InvalidArgument when a header value
  // holds a control character (it would split the request).
  Status SetStyle(HttpRequestStyle style);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  TransferStats stats_;
};

}  // namespace simpul::sync

#endif  // SIMPUL_SYNC_TRANSPORT_HTTP_CLIENT_H_
