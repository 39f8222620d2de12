// Transport: how a sync session's frames reach the hub and back. The session
// logic never sees sockets; HTTP (sync/transport/http_client.h) is one
// implementation, a file carried by hand ("bundle") can be another.
#ifndef SIMPUL_SYNC_TRANSPORT_TRANSPORT_H_
#define SIMPUL_SYNC_TRANSPORT_TRANSPORT_H_

#include <cstdint>
#include <string>

#include "schema/status.h"
#include "sync/transport/pacing.h"

namespace simpul::sync {

class Transport {
 public:
  virtual ~Transport() = default;
  // Sends one frame to `endpoint` ("/v1/sync", "/v1/enrol") and returns the
  // hub's reply frame. Unavailable when the link is down or cut.
  virtual Result<std::string> RoundTrip(const std::string& endpoint, const std::string& frame) = 0;
  virtual uint64_t bytes_sent() const = 0;
  virtual uint64_t bytes_received() const = 0;
  virtual uint64_t round_trips() const = 0;
  // Whether "/v1/stream" (several sealed requests in one body, PROTOCOL.md
  // §16) may be tried. A hub that does not serve it answers NotFound.
  virtual bool streams() const { return false; }
  // How fast the next RoundTrip may write its frame (a transport without a
  // link to pace ignores it).
  virtual void SetPacing(const Pacing& /*pacing*/) {}
};

}  // namespace simpul::sync

#endif  // SIMPUL_SYNC_TRANSPORT_TRANSPORT_H_
