// Transport over HTTP POST (the usual case): one request per round trip,
// keep-alive between them. No Boost in this header.
#ifndef SIMPUL_SYNC_TRANSPORT_HTTP_TRANSPORT_H_
#define SIMPUL_SYNC_TRANSPORT_HTTP_TRANSPORT_H_

#include <string>

#include "sync/transport/http_client.h"
#include "sync/transport/transport.h"

namespace simpul::sync {

class HttpTransport : public Transport {
 public:
  HttpTransport(HttpTarget target, int timeout_ms) : client_(std::move(target), timeout_ms) {}

  Result<std::string> RoundTrip(const std::string& endpoint, const std::string& frame) override {
    SIMPUL_ASSIGN_OR_RETURN(HttpReply reply, client_.Post(endpoint, frame));
    if (reply.status == 413) return Status::ResourceExhausted("hub refused the request as too large (HTTP 413)");
    if (reply.status == 404 && endpoint == "/v1/stream")
      return Status::NotFound("hub does not serve /v1/stream (an older simpul-hub)");
    if (reply.status != 200)
      return Status::Unavailable("hub answered HTTP " + std::to_string(reply.status) + " (is this a Simpul hub?)");
    return std::move(reply.body);
  }
  uint64_t bytes_sent() const override { return client_.stats().bytes_sent; }
  uint64_t bytes_received() const override { return client_.stats().bytes_received; }
  uint64_t round_trips() const override { return client_.stats().round_trips; }
  bool streams() const override { return true; }
  void SetPacing(const Pacing& pacing) override { client_.SetPacing(pacing); }

 private:
  HttpClient client_;
};

}  // namespace simpul::sync

#endif  // SIMPUL_SYNC_TRANSPORT_HTTP_TRANSPORT_H_
