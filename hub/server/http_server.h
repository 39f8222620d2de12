// The hub's asynchronous HTTP/1.1 server (Boost.Beast): a listener that only
// accepts, one session per connection that reads a request (timeout, body
// limit), hands it to a pure handler, and writes the reply.
//
// The handler runs on a separate worker thread so SQLite work never blocks
// the I/O thread; replies are posted back to the connection's strand. The
// header exposes no Boost type; Beast lives in http_server.cc only.
#ifndef SIMPUL_HUB_SERVER_HTTP_SERVER_H_
#define SIMPUL_HUB_SERVER_HTTP_SERVER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "schema/status.h"

namespace simpul::hub {

struct HttpRequest {
  std::string method;  // "POST", "GET"
  std::string target;  // "/v1/sync"
  std::string body;
  std::string peer;    // "127.0.0.1:54321"
  // The connection broke (cut, reset, timeout) after the headers and part of
  // the body: `body` holds what arrived, and nobody reads the response. Only
  // handlers that can use a prefix of a body (the hub's /v1/stream) act on it.
  bool truncated = false;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/octet-stream";
  std::string body;
};

// Pure request -> response; called on the worker thread, one call at a time.
using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

struct ServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 0;                   // 0 = pick a free port
  uint64_t body_limit = 32ull << 20;   // larger requests get 413
  int read_timeout_ms = 60000;         // per request, slow links included
  int max_connections = 1024;          // beyond: accept and close at once
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

}  // namespace simpul::hub

#endif  // SIMPUL_HUB_SERVER_HTTP_SERVER_H_
