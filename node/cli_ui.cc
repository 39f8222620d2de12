// `simpul-node ui`: serves the village web app (node/api/village_app.h) on
// 127.0.0.1 until Ctrl-C or SIGTERM. The store starts locked: the office
// passphrase is typed in the page, never taken from the environment.
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <iostream>

#include "node/api/village_app.h"
#include "node/cli_internal.h"
#include "web/http_server.h"

namespace simpul::node {
namespace {

constexpr const char* kDefaultListen = "127.0.0.1:8471";

std::string UtcStamp() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// "127.0.0.1:PORT" only: the app serves the operator at this laptop, and
// nobody else on the office's network (that is the kiosk's job, later).
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

Status CmdUi(Invocation& inv) {
  std::string listen = inv.opts.count("listen") ? inv.opts["listen"] : kDefaultListen;
  SIMPUL_ASSIGN_OR_RETURN(uint16_t port, LoopbackPort(listen));
  if (!std::filesystem::exists(inv.data_dir + "/simpul.db"))
    return Status::FailedPrecondition("no store in " + inv.data_dir).WithMsg(MsgId::kStoreMissing, {inv.data_dir});
  VillageAppOptions options;
  VillageApp app(inv.data_dir, sync::SystemClock::Default(), options);
  web::ServerOptions so;
  so.address = "127.0.0.1";
  so.port = port;
  // Above the app's own limits (JSON 64 KiB, a scan 8 MiB, a reply bundle),
  // so that a 30 MB photo or a bundle a little over its limit still gets the
  // app's answer naming the field.
  so.body_limit = std::max<uint64_t>(32ull << 20, options.max_bundle_bytes + (1 << 20));
  so.server_name = "simpul-node";
  web::HttpServer server(so, [&app](const web::HttpRequest& req) {
    if (req.truncated) return web::HttpResponse();  // nobody reads the answer
    auto t0 = std::chrono::steady_clock::now();
    web::HttpResponse resp = app.Handle(req);
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    // The path only: a query may hold a searched name or NIK.
    std::fprintf(stderr, "%s %s %.*s %d took=%.1fms\n", UtcStamp().c_str(), req.method.c_str(),
                 static_cast<int>(std::min<size_t>(req.Path().size(), 200)), req.Path().data(), resp.status, ms);
    return resp;
  });
  SIMPUL_ASSIGN_OR_RETURN(uint16_t bound, server.Start());
  *inv.out << inv.T("Village app at ") << "http://127.0.0.1:" << bound << "/  "
           << inv.T("(open it in the browser; unlock with the office passphrase; Ctrl-C stops it)") << std::endl;
  server.Run(/*handle_signals=*/true);
  app.WaitForSync();
  std::fprintf(stderr, "%s simpul-node ui stopped cleanly\n", UtcStamp().c_str());
  return Status::Ok();
}

}  // namespace

Handler UiHandler() { return CmdUi; }

}  // namespace simpul::node
