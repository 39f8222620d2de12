// HTTPS served by web/http_server.h itself (ServerOptions::tls_cert_file,
// `tls_cert` in hub.conf): one port answers TLS and plain HTTP, told apart
// by each connection's first bytes, so browsers use https:// while the
// villages' nodes keep http://. A self-signed certificate is made with the
// openssl command; curl checks the server against it.
#include <doctest/doctest.h>

#include <string>
#include <thread>

#include "tests/support/process.h"
#include "tests/support/temp_dir.h"
#include "web/http_server.h"

namespace simpul::web {
namespace {

using testing::Run;

HttpResponse Hello(const HttpRequest& req) {
  return HttpResponse{200, "text/plain; charset=utf-8", "hello " + std::string(req.Path())};
}

TEST_CASE("https: one port serves TLS and plain HTTP; a certificate that cannot be read refuses to start") {
  testing::TempDir dir;
  const std::string cert = dir.File("cert.pem"), key = dir.File("key.pem");
  auto made = Run({"/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                   "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"});
  REQUIRE_MESSAGE(made.exit_code == 0, made.err);

  ServerOptions options;
  options.tls_cert_file = cert;
  options.tls_key_file = key;
  HttpServer server(options, Hello);
  auto port = server.Start();
  REQUIRE_MESSAGE(port.ok(), port.status().ToString());
  std::thread io([&server] { server.Run(false); });
  const std::string where = "127.0.0.1:" + std::to_string(*port);

  // HTTPS, the server's certificate checked against the one made above.
  auto secure = Run({"/usr/bin/curl", "-sS", "--max-time", "10", "--cacert", cert, "https://" + where + "/secure"});
  CHECK_MESSAGE(secure.exit_code == 0, secure.err);
  CHECK(secure.out == "hello /secure");
  auto headers = Run({"/usr/bin/curl", "-sS", "-D", "-", "-o", "/dev/null", "--max-time", "10", "--cacert", cert,
                      "https://" + where + "/"});
  CHECK(headers.out.find("x-content-type-options: nosniff") != std::string::npos);
  // Plain HTTP on the same port (the villages' sync client).
  auto plain = Run({"/usr/bin/curl", "-sS", "--max-time", "10", "http://" + where + "/plain"});
  CHECK_MESSAGE(plain.exit_code == 0, plain.err);
  CHECK(plain.out == "hello /plain");
  // TLS 1.1 is refused.
  auto old = Run({"/usr/bin/curl", "-sS", "--max-time", "10", "--cacert", cert, "--tls-max", "1.1",
                  "https://" + where + "/old"});
  CHECK(old.exit_code != 0);
  server.Stop();
  io.join();

  // A certificate that cannot be read, or half a pair: refused before listening.
  ServerOptions missing = options;
  missing.tls_cert_file = dir.File("nope.pem");
  auto refused = HttpServer(missing, Hello).Start();
  CHECK(refused.status().code() == Code::kInvalidArgument);
  CHECK(refused.status().field() == "tls_cert");
  ServerOptions half;
  half.tls_key_file = key;
  CHECK(HttpServer(half, Hello).Start().status().code() == Code::kInvalidArgument);
}

}  // namespace
}  // namespace simpul::web
