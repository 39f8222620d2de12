// `simpul-node ui`: serves the village web app (node/api/village_app.h) on
// 127.0.0.1 until Ctrl-C or SIGTERM. The store starts locked: the office
// passphrase is typed in the page, never taken from the environment.
//
// With --kiosk, a second listener on the office's local network (the
// laptop's private address, or --kiosk-listen ADDR:PORT; node/kiosk_net.h)
// serves residents' self-registration only (VillageApp::HandleKiosk), on
// its own I/O thread; both listeners reach the one app, one call at a time.
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <functional>
#include <memory>
#include <iostream>
#include <mutex>
#include <thread>

#include "node/api/village_app.h"
#include "node/cli/internal.h"
#include "node/kiosk_net.h"
#include "web/http_server.h"
#include "schema/local_time.h"

namespace simpul::node {
namespace {

constexpr const char* kDefaultListen = "127.0.0.1:8471";

std::string UtcStamp() { return schema::FormatUtcIso(schema::WallNowMs()); }

// "127.0.0.1:PORT" only: the app serves the operator at this laptop, and
// nobody else on the office's network (that is the kiosk's job: --kiosk).
Result<uint16_t> LoopbackPort(const std::string& listen) {
  const std::string prefix = "127.0.0.1:";
  auto bad = [&] {
    return Status::InvalidArgument("--listen must be 127.0.0.1:PORT").WithField("listen")
        .WithMsg(MsgId::kBadOptionValue, {"--listen", listen});
  };
  if (listen.rfind(prefix, 0) != 0) return bad();
  std::string port = listen.substr(prefix.size());
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos) return bad();
  int p = std::stoi(port);
  if (p > 65535) return bad();
  return static_cast<uint16_t>(p);
}

// Where the kiosk listens: --kiosk-listen, else the laptop's private
// address on the default kiosk port. Empty host: no kiosk.
Status KioskListen(Invocation& inv, std::string* host, uint16_t* port) {
  if (inv.opts.count("kiosk-listen")) {
    if (!inv.opts.count("kiosk"))
      return Status::InvalidArgument("--kiosk-listen needs --kiosk").WithField("kiosk-listen")
          .WithMsg(MsgId::kBadOptionValue, {"--kiosk-listen", inv.opts["kiosk-listen"]});
    return ParseKioskListen(inv.opts["kiosk-listen"], host, port);
  }
  if (!inv.opts.count("kiosk")) return Status::Ok();
  SIMPUL_ASSIGN_OR_RETURN(*host, OfficeLanAddress());
  *port = kDefaultKioskPort;
  return Status::Ok();
}

// One request line in the log: the path only (a query may hold a searched
// name or NIK).
web::HttpResponse Logged(const char* who, const web::HttpRequest& req,
                         const std::function<web::HttpResponse(const web::HttpRequest&)>& handle) {
  if (req.truncated) return web::HttpResponse();  // nobody reads the answer
  auto t0 = std::chrono::steady_clock::now();
  web::HttpResponse resp = handle(req);
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  std::fprintf(stderr, "%s %s%s %.*s %d took=%.1fms\n", UtcStamp().c_str(), who, req.method.c_str(),
               static_cast<int>(std::min<size_t>(req.Path().size(), 200)), req.Path().data(), resp.status, ms);
  return resp;
}

Status CmdUi(Invocation& inv) {
  std::string listen = inv.opts.count("listen") ? inv.opts["listen"] : kDefaultListen;
  SIMPUL_ASSIGN_OR_RETURN(uint16_t port, LoopbackPort(listen));
  std::string kiosk_host;
  uint16_t kiosk_port = 0;
  SIMPUL_RETURN_IF_ERROR(KioskListen(inv, &kiosk_host, &kiosk_port));
  if (!std::filesystem::exists(inv.data_dir + "/simpul.db"))
    return Status::FailedPrecondition("no store in " + inv.data_dir).WithMsg(MsgId::kStoreMissing, {inv.data_dir});
  // The kiosk binds first: its port decides the address the app expects
  // in the Host header of kiosk requests.
  std::unique_ptr<VillageApp> app;
  std::unique_ptr<web::HttpServer> kiosk;
  VillageAppOptions options;
  if (!kiosk_host.empty()) {
    web::ServerOptions ko;
    ko.address = kiosk_host;
    ko.port = kiosk_port;
    // A 30 MB photo still reaches the handler, which names the field it is
    // for; few connections, since each may hold that much (a village office
    // has a handful of phones at the desk).
    ko.body_limit = 32ull << 20;
    ko.max_connections = 8;
    ko.read_timeout_ms = 30000;
    ko.server_name = "simpul-node-kiosk";
    kiosk = std::make_unique<web::HttpServer>(ko, [&app](const web::HttpRequest& req) {
      return Logged("kiosk ", req, [&](const web::HttpRequest& r) { return app->HandleKiosk(r); });
    });
    SIMPUL_ASSIGN_OR_RETURN(kiosk_port, kiosk->Start());
    bool v6 = kiosk_host.find(':') != std::string::npos;
    options.kiosk_address = (v6 ? "[" + kiosk_host + "]" : kiosk_host) + ":" + std::to_string(kiosk_port);
  }
  app = std::make_unique<VillageApp>(inv.data_dir, sync::SystemClock::Default(), options);
  web::ServerOptions so;
  so.address = "127.0.0.1";
  so.port = port;
  // Above the app's own limits (JSON 64 KiB, a scan 8 MiB, a reply bundle),
  // so that a 30 MB photo or a bundle a little over its limit still gets the
  // app's answer naming the field.
  so.body_limit = std::max<uint64_t>(32ull << 20, options.max_bundle_bytes + (1 << 20));
  so.server_name = "simpul-node";
  web::HttpServer server(so, [&app](const web::HttpRequest& req) {
    return Logged("", req, [&](const web::HttpRequest& r) { return app->Handle(r); });
  });
  SIMPUL_ASSIGN_OR_RETURN(uint16_t bound, server.Start());
  *inv.out << inv.T("Village app at ") << "http://127.0.0.1:" << bound << "/  "
           << inv.T("(open it in the browser; unlock with the office passphrase; Ctrl-C stops it)") << std::endl;
  std::thread kiosk_thread;
  if (kiosk) {
    *inv.out << inv.T("Self-registration kiosk at ") << "http://" << options.kiosk_address << "/  "
             << inv.T("(office network only; print its QR code from the Self-registration page)") << std::endl;
    kiosk_thread = std::thread([&kiosk] { kiosk->Run(/*handle_signals=*/false); });
  }
  server.Run(/*handle_signals=*/true);
  if (kiosk) {
    kiosk->Stop();
    kiosk_thread.join();
  }
  app->WaitForSync();
  std::fprintf(stderr, "%s simpul-node ui stopped cleanly\n", UtcStamp().c_str());
  return Status::Ok();
}

}  // namespace

Handler UiHandler() { return CmdUi; }

}  // namespace simpul::node
