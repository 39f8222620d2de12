// `simpul-hub serve`: the server's configuration and run loop. One listener
// serves sync at /v1/ (hub/sync_service.h) and the Dinsos web app at / and
// /api/v1/ (hub/api/web_app.h); the HTTP layer is web/http_server.h. Its log
// lines are English and start with a UTC time.
//
// Thread-safety: Serve() blocks the calling thread until SIGTERM/SIGINT;
// requests are handled on the server's worker thread.
#ifndef SIMPUL_HUB_SERVE_H_
#define SIMPUL_HUB_SERVE_H_

#include <cstdint>
#include <string>

#include "schema/status.h"

namespace simpul::hub {

struct ServeConfig {
  std::string data, listen = "127.0.0.1:8470";
  uint64_t max_body_mb = 32;
  uint64_t max_ahead_hours = 24;
  uint64_t session_idle_minutes = 30;  // the web app signs an idle operator out
  bool secure_cookies = false;         // yes behind a TLS reverse proxy (docs/OPERATIONS.md)
  // PEM certificate chain and key: the listen port then serves HTTPS for
  // browsers beside plain HTTP for the villages (web/http_server.h).
  std::string tls_cert, tls_key;
  // The gateway `simpul-hub messages send` uses when not given --gateway
  // (hub/resident_messages.h): a program by its absolute path, or a webhook
  // (https://, or http:// to this machine; hub/message_webhook.h) with an
  // optional bearer token. At most one.
  std::string message_gateway_command, message_gateway_url, message_gateway_token;
  std::string message_gateway_ca;  // PEM authorities for an https:// gateway ("" = the system's)
};

// Reads `key = value` lines (# comments) into `cfg`; an error names the
// file and line (InvalidArgument, field = the key). The one parser of
// hub.conf: `serve` and `messages send` both read it here.
Status ReadServeConfig(const std::string& path, ServeConfig* cfg);

// Opens the hub store in cfg.data and serves until a signal stops it. Warns
// in the log when the hub is in setup mode (hub/setup_mode.h).
Status Serve(const ServeConfig& cfg);

// "2026-01-31T12:00:00Z" for the log; safe on any thread (gmtime_r).
std::string UtcTimestamp();

}  // namespace simpul::hub

#endif  // SIMPUL_HUB_SERVE_H_
