#include "hub/serve.h"

#include "hub/backup.h"

#include <charconv>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>

#include "hub/api/web_app.h"
#include "hub/setup_mode.h"
#include "hub/store.h"
#include "hub/sync_service.h"
#include "schema/messages.h"
#include "schema/local_time.h"
#include "hub/message_webhook.h"
#include "web/http_server.h"

namespace simpul::hub {

using web::HttpRequest;
using web::HttpResponse;
using web::HttpServer;
using web::ServerOptions;

std::string UtcTimestamp() { return schema::FormatUtcIso(schema::WallNowMs()); }

Status ReadServeConfig(const std::string& path, ServeConfig* cfg) {
  std::ifstream in(path);
  if (!in) return Status::IoError("cannot read config " + path);
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    auto hash = line.find('#');
    if (hash != std::string::npos) line.resize(hash);
    auto trim = [](std::string s) {
      while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.pop_back();
      while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.erase(0, 1);
      return s;
    };
    line = trim(line);
    if (line.empty()) continue;
    auto eq = line.find('=');
    if (eq == std::string::npos) return Status::InvalidArgument(path + ":" + std::to_string(n) + ": expected key = value");
    std::string k = trim(line.substr(0, eq)), v = trim(line.substr(eq + 1));
    const std::string at = path + ":" + std::to_string(n) + ": ";
    auto number = [&](uint64_t* out) -> Status {
      char* end = nullptr;
      unsigned long long x = std::strtoull(v.c_str(), &end, 10);
      if (v.empty() || *end || x == 0 || x > 100000)
        return Status::InvalidArgument(path + ":" + std::to_string(n) + ": " + k + " must be a positive number");
      *out = x;
      return Status::Ok();
    };
    if (k == "data") cfg->data = v;
    else if (k == "listen") cfg->listen = v;
    else if (k == "max_body_mb") SIMPUL_RETURN_IF_ERROR(number(&cfg->max_body_mb));
    else if (k == "max_ahead_hours") SIMPUL_RETURN_IF_ERROR(number(&cfg->max_ahead_hours));
    else if (k == "session_idle_minutes") SIMPUL_RETURN_IF_ERROR(number(&cfg->session_idle_minutes));
    else if (k == "tls_cert") cfg->tls_cert = v;
    else if (k == "tls_key") cfg->tls_key = v;
    else if (k == "message_gateway_command") {
      if (v.empty() || v[0] != '/')
        return Status::InvalidArgument(at + "message_gateway_command must be a program's absolute path");
      cfg->message_gateway_command = v;
    } else if (k == "message_gateway_url") {
      if (Status url = CheckWebhookUrl(v); !url.ok())  // the one rule, hub/message_webhook.h
        return Status::InvalidArgument(at + "message_gateway_url " + url.message());
      cfg->message_gateway_url = v;
    } else if (k == "message_gateway_token") {
      // Sent in a header: a control character or a space would split it.
      if (v.empty() || !std::all_of(v.begin(), v.end(), [](unsigned char c) { return c > 0x20 && c < 0x7f; }))
        return Status::InvalidArgument(at + "message_gateway_token must be printable ASCII without spaces");
      cfg->message_gateway_token = v;
    } else if (k == "message_gateway_ca") {
      if (v.empty() || v[0] != '/')
        return Status::InvalidArgument(at + "message_gateway_ca must be a PEM file's absolute path");
      cfg->message_gateway_ca = v;
    } else if (k == "secure_cookies") {
      if (v != "yes" && v != "no")
        return Status::InvalidArgument(path + ":" + std::to_string(n) + ": secure_cookies must be yes or no");
      cfg->secure_cookies = v == "yes";
    }
    else return Status::InvalidArgument(path + ":" + std::to_string(n) + ": unknown key '" + k + "'");
  }
  if (!cfg->message_gateway_command.empty() && !cfg->message_gateway_url.empty())
    return Status::InvalidArgument(path + ": both message_gateway_command and message_gateway_url")
        .WithField("message_gateway_url")
        .WithMsg(MsgId::kMessageGatewayTwice, {path});
  if (!cfg->message_gateway_token.empty() && cfg->message_gateway_url.empty())
    return Status::InvalidArgument(path + ": message_gateway_token is set without message_gateway_url");
  if (!cfg->message_gateway_ca.empty() && cfg->message_gateway_url.rfind("https://", 0) != 0)
    return Status::InvalidArgument(path + ": message_gateway_ca is set without an https:// message_gateway_url")
        .WithField("message_gateway_ca");
  return Status::Ok();
}

Status Serve(const ServeConfig& cfg) {
  if (cfg.data.empty()) return Status::InvalidArgument("--data DIR (or data = DIR in the config) is required");
  auto colon = cfg.listen.rfind(':');
  if (colon == std::string::npos) return Status::InvalidArgument("--listen must be ADDRESS:PORT");
  ServerOptions so;
  so.address = cfg.listen.substr(0, colon);
  // Read whole (port 0: the kernel picks one, which the log then names):
  // atoi read "84x0" as 84.
  const std::string port_text = cfg.listen.substr(colon + 1);
  int port = -1;
  auto [port_end, port_ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || port_ec != std::errc() || port_end != port_text.data() + port_text.size() || port < 0 ||
      port > 65535)
    return Status::InvalidArgument("bad port in --listen").WithField("--listen")
        .WithMsg(MsgId::kBadOptionValue, {"--listen", cfg.listen});
  so.port = static_cast<uint16_t>(port);
  so.body_limit = cfg.max_body_mb << 20;
  so.tls_cert_file = cfg.tls_cert;
  so.tls_key_file = cfg.tls_key;
  // One server per data directory; `restore` takes the same lock.
  SIMPUL_ASSIGN_OR_RETURN(DataDirLock lock, DataDirLock::Acquire(cfg.data));
  SIMPUL_ASSIGN_OR_RETURN(auto store, HubStore::Open(cfg.data, sync::SystemClock::Default()));
  SyncServiceOptions sopt;
  sopt.max_ahead_ms = cfg.max_ahead_hours * 3600000ull;
  HubStore* hub = store.get();
  // The Dinsos web app: everything but /v1/ (hub/api/web_app.h).
  WebAppOptions wopt;
  // Served over HTTPS by the hub itself: the cookie never goes over plain HTTP.
  wopt.sessions.secure_cookie = cfg.secure_cookies || !cfg.tls_cert.empty();
  wopt.sessions.idle_timeout_ms = static_cast<int64_t>(cfg.session_idle_minutes) * 60000;
  WebApp webapp(*store, wopt);
  so.server_name = "simpul-hub";
  HttpServer server(so, [hub, sopt, &webapp](const HttpRequest& req) {
    HttpResponse resp;
    if (req.Path().rfind("/v1/", 0) != 0) {
      if (req.truncated) return resp;  // nobody reads the answer
      auto t0 = std::chrono::steady_clock::now();
      resp = webapp.Handle(req);
      double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
      // The path only: a query may hold a searched name or NIK.
      std::fprintf(stderr, "%s %s web %s %.*s %d took=%.1fms\n", UtcTimestamp().c_str(), req.peer.c_str(),
                   req.method.c_str(), static_cast<int>(std::min<size_t>(req.Path().size(), 200)), req.Path().data(),
                   resp.status, ms);
      return resp;
    }
    RequestLog log;
    if (req.method == "GET" && req.target == "/v1/health") {
      resp.content_type = "text/plain";
      resp.body = "ok\n";
      return resp;
    }
    if (req.truncated && req.target != "/v1/stream") return resp;  // cut mid-body: nothing to do
    if (req.method != "POST" || (req.target != "/v1/sync" && req.target != "/v1/enrol" && req.target != "/v1/stream")) {
      resp.status = 404;
      resp.content_type = "text/plain";
      resp.body = "unknown endpoint\n";
      return resp;
    }
    auto t0 = std::chrono::steady_clock::now();
    resp.body = req.target == "/v1/sync"     ? HandleSync(*hub, req.body, sopt, &log)
                : req.target == "/v1/stream" ? HandleStream(*hub, req.body, sopt, &log, req.truncated)
                                             : HandleEnrol(*hub, req.body, &log);
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    std::string frames = req.target == "/v1/stream" ? " frames=" + std::to_string(log.frames) : "";
    std::fprintf(stderr, "%s %s %s node=%s village=%s pushed=%zu applied=%zu refused=%zu pulled=%zu%s in=%zuB out=%zuB "
                 "took=%.1fms: %s\n",
                 UtcTimestamp().c_str(), req.peer.c_str(), req.target.c_str(), log.node_id.c_str(), log.village.c_str(),
                 log.pushed, log.applied, log.refused, log.pulled, frames.c_str(), req.body.size(), resp.body.size(), ms,
                 log.outcome.c_str());
    return resp;
  });
  SIMPUL_ASSIGN_OR_RETURN(uint16_t bound, server.Start());
  // Before the "serving" line, which scripts wait for. The log is English
  // (operators' messages are bilingual, logs are not).
  if (InSetupMode(*store))
    std::fprintf(stderr, "%s WARNING: %s\n", UtcTimestamp().c_str(), SetupModeWarning(Lang::kEn).c_str());
  std::fprintf(stderr, "%s simpul-hub %s serving %s on %s:%u (hub key %s)\n", UtcTimestamp().c_str(),
               store->Meta("name").c_str(), cfg.data.c_str(), so.address.c_str(), bound,
               sync::crypto::Fingerprint(store->identity().sign_pk).c_str());
  if (Status web_ok = CheckWebAppAllowed(*store); web_ok.ok())
    std::fprintf(stderr, "%s web application at %s://%s:%u/ (sign in with a hub operator account)\n",
                 UtcTimestamp().c_str(), cfg.tls_cert.empty() ? "http" : "https", so.address.c_str(), bound);
  else
    std::fprintf(stderr, "%s web application not served yet: %s\n", UtcTimestamp().c_str(),
                 Describe(Lang::kEn, web_ok).c_str());
  std::fflush(stderr);
  server.Run(/*handle_signals=*/true);
  std::fprintf(stderr, "%s simpul-hub stopped cleanly\n", UtcTimestamp().c_str());
  return Status::Ok();
}

}  // namespace simpul::hub
