// The asynchronous HTTP/1.1 server (Boost.Beast) the hub serves sync and the
// web application with (and the village app will): a listener that only
// accepts, one session per connection that reads a request (timeout, header
// and body limits), hands it to a pure handler, and writes the reply with
// the security headers every reply carries (web/security_headers.h).
//
// The handler runs on a separate worker thread so SQLite work never blocks
// the I/O thread; replies are posted back to the connection's strand. The
// header exposes no Boost type; Beast lives in http_server.cc only.
#ifndef SIMPUL_WEB_HTTP_SERVER_H_
#define SIMPUL_WEB_HTTP_SERVER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "schema/status.h"
#include "web/http.h"

namespace simpul::web {

// Pure request -> response; called on the worker thread, one call at a time.
using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

struct ServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 0;                   // 0 = pick a free port
  uint64_t body_limit = 32ull << 20;   // larger requests get 413
  int read_timeout_ms = 60000;         // per request, slow links included
  int max_connections = 1024;          // beyond: accept and close at once
  std::string server_name = "simpul";  // the Server header and the log's prefix
  // PEM files: with both, the port serves HTTPS (TLS 1.2+) beside plain
  // HTTP, told apart by the first bytes of each connection.
  std::string tls_cert_file, tls_key_file;
};

class HttpServer {
 public:
  HttpServer(ServerOptions options, HttpHandler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and listens. Returns the bound port (useful with port 0).
  Result<uint16_t> Start();
  // Runs the I/O loop on the calling thread until Stop() or SIGINT/SIGTERM
  // (when `handle_signals`). In-flight handlers finish before it returns.
  void Run(bool handle_signals);
  // Thread-safe; makes Run() return.
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace simpul::web

#endif  // SIMPUL_WEB_HTTP_SERVER_H_
