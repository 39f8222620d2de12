// hub/message_webhook.h on its own (message_gateway_test.cc drives it through
// SendThroughGateway): which URLs CheckWebhookUrl takes, what Open refuses
// and under which setting, the JSON a message is posted as (hostile text
// included), and how an answer's status and body become the attempt's
// outcome and recorded detail (first line, at most 200 bytes).
#include "hub/message_webhook.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "schema/resident_messages.h"
#include "tests/support/http_receiver.h"
#include "tests/support/json.h"
#include "tests/support/temp_dir.h"
#include "web/http_server.h"

namespace simpul::hub {
namespace {

schema::ResidentMessage Message(const std::string& text) {
  schema::ResidentMessage m;
  m.event_id = "01HZX3EVENT0001";
  m.phone = "+6281234567890";
  m.text = text;
  m.village = "35.10.01.2001";
  return m;
}

TEST_CASE("message webhook: https:// anywhere, plain http:// only to a loopback address, no query") {
  for (const char* ok : {"https://api.penyedia.example/v1/kirim", "https://api.penyedia.example",
                         "https://api.penyedia.example:8443/kirim", "https://10.1.2.3/kirim",
                         "http://127.0.0.1:9000", "http://127.0.0.1:9000/kirim/wa", "http://127.254.3.9:1/"}) {
    CAPTURE(ok);
    Status st = CheckWebhookUrl(ok);
    CHECK_MESSAGE(st.ok(), st.ToString());
  }
  struct Bad {
    const char* url;
    const char* why;  // in the message
  };
  for (const Bad& b : std::vector<Bad>{
           {"", ""},
           {"ftp://127.0.0.1:21/", "must start with http://"},
           {"http://10.0.0.5:80/kirim", "http:// only to a relay on this machine"},
           {"http://192.168.1.20:9000/", "http:// only to a relay on this machine"},
           {"http://128.0.0.1:80/", "http:// only to a relay on this machine"},
           {"http://126.255.255.255:80/", "http:// only to a relay on this machine"},
           {"http://localhost:9000/", "http:// only to a relay on this machine"},
           {"http://[::1]:9000/", "http:// only to a relay on this machine"},
           {"http://127.0.0.1/kirim", "missing :PORT"},
           {"http://127.0.0.1:0/", "port out of range"},
           {"http://127.0.0.1:65536/", "port out of range"},
           {"http://127.0.0.1:9000/a?b=c", ""},
           {"https://api.penyedia.example/kirim?token=abc", "no query string or fragment"},
           {"https://api.penyedia.example/kirim#x", "(expected https://HOST[:PORT][/path])"},
           {"https://budi:rahasia@api.penyedia.example/", "a user name or password does not belong in the URL"},
           {"https://[::1]/kirim", "the host must be a name or an IPv4 address"},
           {"https://api.penyedia.example:0/", "the port must be 1..65535"},
           {"https://api.penyedia.example:70000/", "the port must be 1..65535"},
       }) {
    CAPTURE(b.url);
    Status st = CheckWebhookUrl(b.url);
    CHECK(st.IsInvalidArgument());
    CHECK_MESSAGE(st.message().find(b.why) != std::string::npos, st.message());
    // Callers say where the URL came from: no setting is named here, and
    // the hub client's words ("hub url") are not shown.
    CHECK(st.message().find("message_gateway") == std::string::npos);
    CHECK(st.message().find("hub url") == std::string::npos);
    CHECK(st.field().empty());
    CHECK(st.message().find("rahasia") == std::string::npos);  // a password never reaches a log
  }
  // The plain-http refusals point at what is expected.
  CHECK(CheckWebhookUrl("http://127.0.0.1/kirim").message().find("(expected https://HOST[:PORT][/path])") !=
        std::string::npos);
}

TEST_CASE("message webhook: Open refuses a bad URL, a token that cannot be a header, a misplaced CA, by setting") {
  struct Bad {
    std::string url, token, ca;
    const char* field;
  };
  simpul::testing::TempDir dir;
  const std::string not_pem = dir.File("ca.pem");
  simpul::testing::WriteFile(not_pem, "-----BEGIN CERTIFICATE-----\nnonsense\n-----END CERTIFICATE-----\n");
  for (const Bad& b : std::vector<Bad>{
           {"http://10.0.0.5:80/kirim", "", "", "message_gateway_url"},
           {"https://api.penyedia.example/kirim?x=1", "abc", "", "message_gateway_url"},
           {"", "", "", "message_gateway_url"},
           {"http://127.0.0.1:9000/", "abc\r\nX-Injected: 1", "", "message_gateway_token"},
           {"https://api.penyedia.example/", "abc\r\nX-Injected: 1", "", "message_gateway_token"},
           {"http://127.0.0.1:9000/", "tab\there", "", "message_gateway_token"},
           {"https://api.penyedia.example/", "t\xc3\xb6ken", "", "message_gateway_token"},
           {"http://127.0.0.1:9000/", "t\xc3\xb6ken", "", "message_gateway_token"},
           {"https://api.penyedia.example/", std::string("nul\0byte", 8), "", "message_gateway_token"},
           {"http://127.0.0.1:9000/", "", "/etc/ssl/certs/ca-certificates.crt", "message_gateway_ca"},
           {"https://api.penyedia.example/", "", dir.File("missing.pem"), "message_gateway_ca"},
           {"https://api.penyedia.example/", "", not_pem, "message_gateway_ca"},
       }) {
    CAPTURE(b.url);
    CAPTURE(b.token);
    CAPTURE(b.ca);
    auto hook = MessageWebhook::Open(b.url, b.token, 5, b.ca);
    CHECK(hook.status().IsInvalidArgument());
    CHECK(hook.status().field() == b.field);
    CHECK_MESSAGE(hook.status().message().find(b.field) == 0, hook.status().message());
    if (!b.token.empty()) CHECK(hook.status().message().find(b.token) == std::string::npos);  // never echoed
  }
  for (const char* url : {"http://127.0.0.1:9000/kirim", "https://api.penyedia.example/kirim"}) {
    CAPTURE(url);
    auto hook = MessageWebhook::Open(url, "abc.DEF-123_~+/=", 5);
    CHECK_MESSAGE(hook.ok(), hook.status().ToString());
  }
}

TEST_CASE("message webhook: each message is one JSON POST; hostile text arrives as the same text") {
  simpul::testing::HttpReceiver receiver({200});
  auto hook = MessageWebhook::Open("http://127.0.0.1:" + std::to_string(receiver.port()), "t0k-en", 5);
  REQUIRE_MESSAGE(hook.ok(), hook.status().ToString());
  const std::string hostile =
      "Ibu \"Siti\" \\ </script><b>x</b>\nbaris 2\r\n\ttab \x01\x1f \xe2\x9c\x93 Rp1.000 {\"phone\":\"0000\"}";
  GatewayAttempt a = (*hook)->Send(Message(hostile));
  CHECK(a.sent);
  CHECK(a.detail == "HTTP 200: status 200");
  // A second message over the same webhook (the receiver closed the
  // connection after answering: the client reconnects).
  schema::ResidentMessage second = Message("Permohonan Anda disetujui.");
  second.event_id = "01HZX3EVENT0002";
  second.phone = "";
  second.village = "";
  GatewayAttempt b = (*hook)->Send(second);
  CHECK(b.sent);

  auto got = receiver.requests();
  REQUIRE(got.size() == 2);
  CHECK(got[0].method == "POST");
  CHECK(got[0].target == "/");  // a URL without a path posts to /
  CHECK(got[0].Header("authorization") == "Bearer t0k-en");
  CHECK(got[0].Header("content-type") == "application/json");
  auto body = simpul::testing::ParseJson(got[0].body);
  CHECK(body.size() == 4);
  CHECK(body["message_id"].str() == "01HZX3EVENT0001");
  CHECK(body["phone"].str() == "+6281234567890");
  CHECK(body["village"].str() == "35.10.01.2001");
  CHECK(body["text"].str() == hostile);
  CHECK(got[0].body.find('\n') == std::string::npos);  // escaped, not raw
  auto body2 = simpul::testing::ParseJson(got[1].body);
  CHECK(body2["message_id"].str() == "01HZX3EVENT0002");
  CHECK(body2["phone"].str() == "");
  CHECK(body2["text"].str() == "Permohonan Anda disetujui.");

  // Without a token: no Authorization header at all.
  auto bare = MessageWebhook::Open(receiver.Url("/kirim/wa"), "", 5);
  REQUIRE(bare.ok());
  CHECK((*bare)->Send(Message("x")).sent);
  got = receiver.requests();
  REQUIRE(got.size() == 3);
  CHECK(got[2].target == "/kirim/wa");
  CHECK(got[2].Header("authorization") == "");
}

// A plain-HTTP gateway on 127.0.0.1 answering with the status and body the
// test sets.
struct ScriptedGateway {
  ScriptedGateway() {
    server = std::make_unique<web::HttpServer>(web::ServerOptions{}, [this](const web::HttpRequest&) {
      std::lock_guard<std::mutex> lock(mu);
      ++posts;
      return web::HttpResponse{status, "text/plain; charset=utf-8", body};
    });
    auto bound = server->Start();
    REQUIRE_MESSAGE(bound.ok(), bound.status().ToString());
    port = *bound;
    io = std::thread([this] { server->Run(false); });
  }
  ~ScriptedGateway() {
    server->Stop();
    io.join();
  }
  void Answer(int s, std::string b) {
    std::lock_guard<std::mutex> lock(mu);
    status = s;
    body = std::move(b);
  }
  std::unique_ptr<web::HttpServer> server;
  int port = 0;
  std::thread io;
  int Posts() {
    std::lock_guard<std::mutex> lock(mu);
    return posts;
  }
  std::mutex mu;
  int status = 200, posts = 0;
  std::string body;
};

TEST_CASE("message webhook: a 2xx is sent, anything else is not; the detail is the answer's first line, cut at 200") {
  ScriptedGateway gateway;
  auto hook = MessageWebhook::Open("http://127.0.0.1:" + std::to_string(gateway.port) + "/kirim", "tok", 5);
  REQUIRE_MESSAGE(hook.ok(), hook.status().ToString());
  struct Case {
    int status;
    std::string body;
    bool sent;
    std::string detail;
  };
  for (const Case& c : std::vector<Case>{
           {200, "ok", true, "HTTP 200: ok"},
           {201, "queued id=77\nsecond line", true, "HTTP 201: queued id=77"},
           {202, "", true, "HTTP 202"},
           {299, "edge", true, "HTTP 299: edge"},
           {300, "choices", false, "HTTP 300: choices"},
           {302, "moved", false, "HTTP 302: moved"},
           {400, "nomor tidak valid\r\n<html>...</html>", false, "HTTP 400: nomor tidak valid"},
           {401, "\nunauthorized after a blank line", false, "HTTP 401"},
           {429, "slow down", false, "HTTP 429: slow down"},
           {500, std::string(5000, 'x'), false, "HTTP 500: " + std::string(200, 'x')},
           {503, std::string(200, 'y') + "z", false, "HTTP 503: " + std::string(200, 'y')},
       }) {
    CAPTURE(c.status);
    gateway.Answer(c.status, c.body);
    GatewayAttempt a = (*hook)->Send(Message("Permohonan Anda dikembalikan."));
    CHECK(a.sent == c.sent);
    CHECK(a.detail == c.detail);
  }
  CHECK(gateway.Posts() == 11);
}

TEST_CASE("message webhook: a gateway that is gone is a failure with words, not an error") {
  // A port bound but not listening: refused, and no other test's server can
  // take it meanwhile (a closed port could be reused under parallel ctest).
  int held = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(held >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(held, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  socklen_t len = sizeof addr;
  REQUIRE(::getsockname(held, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  const int closed_port = ntohs(addr.sin_port);
  auto hook = MessageWebhook::Open("http://127.0.0.1:" + std::to_string(closed_port) + "/", "", 2);
  REQUIRE(hook.ok());
  GatewayAttempt a = (*hook)->Send(Message("x"));
  CHECK_FALSE(a.sent);
  CHECK_FALSE(a.detail.empty());
  CHECK(a.detail.find("HTTP ") != 0);
  CHECK_MESSAGE(a.detail.find("gateway 127.0.0.1") != std::string::npos, a.detail);
  ::close(held);
}

}  // namespace
}  // namespace simpul::hub
