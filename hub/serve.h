// `simpul-hub serve`: the sync server's configuration and run loop (the HTTP
// layer is hub/server/http_server.h; the requests' handling is
// hub/sync_service.h). Its log lines are English and start with a UTC time.
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
};

// Reads `key = value` lines (# comments) into `cfg`; names the line of an
// error.
Status ReadServeConfig(const std::string& path, ServeConfig* cfg);

// Opens the hub store in cfg.data and serves until a signal stops it. Warns
// in the log when the hub is in setup mode (hub/setup_mode.h).
Status Serve(const ServeConfig& cfg);

// "2026-01-31T12:00:00Z" for the log; safe on any thread (gmtime_r).
std::string UtcTimestamp();

}  // namespace simpul::hub

#endif  // SIMPUL_HUB_SERVE_H_
