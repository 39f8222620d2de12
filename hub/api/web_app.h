// The Dinsos web application as one pure handler: the pages (static HTML,
// scripts and styles compiled in, hub/web/) at /, and the JSON API at
// /api/v1/ (docs/API.md). `simpul-hub serve` routes /v1/ (sync) elsewhere
// and everything else here.
//
// Nothing is served while the hub is in setup mode (hub/setup_mode.h:
// CheckWebAppAllowed, checked on every request): 503 with the reason.
// Sign-in uses the hub's operator accounts; each API endpoint needs the
// permission the matching simpul-hub command needs (sync::RoleAllows), and
// the account is re-read on each request (a disabled account's sessions
// end). State-changing requests need the session's CSRF token and a JSON
// body. Sign-in failures are slowed (web/throttle.h) and audited; every
// view of a person's record and every document read is audited, as the CLI
// does, under the signed-in operator's name.
//
// Thread-safety: one WebApp per HubStore; Handle() runs on the server's
// worker thread, one call at a time, like the sync handlers that share the
// store.
#ifndef SIMPUL_HUB_API_WEB_APP_H_
#define SIMPUL_HUB_API_WEB_APP_H_

#include <cstdint>
#include <functional>
#include <memory>

#include "hub/store.h"
#include "web/http.h"
#include "web/sessions.h"
#include "web/throttle.h"

namespace simpul::hub {

struct WebAppOptions {
  web::SessionOptions sessions;
  web::ThrottleOptions throttle;
  // API requests per session (or address before sign-in): a burst of 300,
  // then 20 a second; far above a person's pace (a dashboard is 7 requests).
  web::RateLimitOptions api_limit = {300, 50, 1'000'000, 1, 10000};
};

class WebApp {
 public:
  // `store` must outlive the WebApp. `now_ms` is the clock of sessions and
  // throttling (default: the system's wall clock).
  WebApp(HubStore& store, WebAppOptions options, std::function<int64_t()> now_ms = {});
  ~WebApp();
  WebApp(const WebApp&) = delete;
  WebApp& operator=(const WebApp&) = delete;

  web::HttpResponse Handle(const web::HttpRequest& req);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace simpul::hub

#endif  // SIMPUL_HUB_API_WEB_APP_H_
