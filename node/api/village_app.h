// The village web app as one pure handler: the pages (static HTML, scripts
// and the stylesheet compiled in, node/web/) at /, and the JSON API at
// /api/v1/ (docs/API.md, "The village app"). `simpul-node ui` serves it on
// 127.0.0.1 (web/http_server.h).
//
// The store stays locked (no key in memory) until someone types the office
// passphrase in the unlock page; then operators sign in with the store's
// own accounts (sync/accounts.h). Every write goes through node/records.h,
// the functions the CLI calls, so change capture and the outbox see it.
// The store locks itself again after `lock_after_idle_ms` without a
// signed-in request (checked at each request), or when an operator locks
// it; locking ends every session and wipes the key.
//
// Requests must name 127.0.0.1 or localhost in their Host header: a page
// of another site that rebinds its own name to 127.0.0.1 cannot reach the
// app (DNS rebinding). State-changing requests need the session's CSRF
// token and a JSON body (a scan upload: the file's own image or PDF type,
// at most max_upload_bytes); sign-ins and unlocks are throttled and audited.
//
// With the office kiosk on (`simpul-node ui --kiosk`, kiosk_address set),
// HandleKiosk() answers the second listener, on the office network: the
// resident's registration form and the POST that stores a pending
// registration (node/kiosk_store.h), nothing else (node/api/kiosk_app.cc).
//
// Thread-safety: Handle() and HandleKiosk() may be called from two
// servers' worker threads; the app runs one call at a time (an internal
// mutex). A sync started from the page runs on its own thread
// (node/api/sync_job.h).
#ifndef SIMPUL_NODE_API_VILLAGE_APP_H_
#define SIMPUL_NODE_API_VILLAGE_APP_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "node/kiosk_store.h"
#include "sync/hlc.h"
#include "web/http.h"
#include "web/sessions.h"
#include "web/throttle.h"

namespace simpul::node {

struct VillageAppOptions {
  // Its own cookie name: cookies are not kept apart by port, and the hub's
  // app may run on the same machine (tools/run.sh demo).
  web::SessionOptions sessions{.cookie_name = "simpul_village"};
  web::ThrottleOptions throttle;
  int64_t lock_after_idle_ms = 30 * 60 * 1000;
  int sync_timeout_ms = 30000;  // per round trip of a sync started here
  // A reply bundle read from the Sync page (the one request body that is
  // not JSON); a larger one is refused with a message (the CLI reads any).
  uint64_t max_bundle_bytes = 64ull << 20;
  // One uploaded scan, in bytes. The page makes photos smaller first (long
  // side 2000 px, JPEG), so only a large PDF comes near it.
  uint64_t max_upload_bytes = 8ull << 20;
  // The kiosk's address as residents' phones reach it ("192.168.1.10:8472",
  // the Host header it must carry); empty: the kiosk is off.
  std::string kiosk_address;
  KioskLimits kiosk_limits;
  web::RateLimitOptions kiosk_rate;
};

// The path a reply bundle is posted to (its body is the file's bytes).
inline constexpr const char* kBundleImportPath = "/api/v1/sync/bundle/import";

class VillageApp {
 public:
  // `clock` (the store's HLC clock) must outlive the app. `now_ms` is the
  // clock of sessions, throttling and auto-lock (default: wall clock).
  VillageApp(std::string data_dir, sync::Clock* clock, VillageAppOptions options,
             std::function<int64_t()> now_ms = {});
  ~VillageApp();  // waits for a sync started from the page
  VillageApp(const VillageApp&) = delete;
  VillageApp& operator=(const VillageApp&) = delete;

  web::HttpResponse Handle(const web::HttpRequest& req);
  // The kiosk listener's requests (only when options.kiosk_address is set).
  web::HttpResponse HandleKiosk(const web::HttpRequest& req);

  bool unlocked() const;
  // Blocks until a sync started from the page has ended (tests, shutdown).
  void WaitForSync();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace simpul::node

#endif  // SIMPUL_NODE_API_VILLAGE_APP_H_
