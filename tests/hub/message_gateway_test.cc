// Tests for the message gateway configured at the hub (hub/resident_messages.h
// with hub/message_webhook.h, and hub.conf through hub/serve.h): a webhook's
// 2xx marks a message sent, any other answer or a cut connection records a
// failure and leaves it waiting, a resident with no phone or no consent is
// never posted to; hub.conf's gateway settings are checked line by line.
#include <doctest/doctest.h>

#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "hub/resident_messages.h"
#include "hub/serve.h"
#include "schema/resident_messages.h"
#include "tests/support/http_receiver.h"
#include "tests/support/hub_fixture.h"
#include "tests/support/json.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"
#include "web/http_server.h"

namespace simpul::hub {
namespace {

using testing::HubFixture;
const std::string kVillage = "35.10.01.2001";

// An application returned to the village for a resident with `phone` and
// `consent` (either may be empty): one message for them.
std::string Returned(HubFixture& f, const std::string& phone, const std::string& consent) {
  std::string app = f.Submitted(kVillage, "", "poverty_statement");
  f.Exec("UPDATE persons SET phone=NULLIF(?,''), phone_consent=NULLIF(?,'') WHERE id="
         "(SELECT applicant_id FROM applications WHERE id=?)",
         {phone, consent, app});
  Status st = RecordDecision(*f.store, app, "returned", "Bawa KK yang baru", "hub", "tester");
  REQUIRE_MESSAGE(st.ok(), st.ToString());
  return app;
}

std::vector<schema::ResidentMessage> Messages(HubFixture& f) {
  schema::MessageFilter filter;
  filter.include_settled = true;
  auto m = schema::ListResidentMessages(f.store->db(), filter);
  REQUIRE(m.ok());
  return *m;
}

int64_t Sends(HubFixture& f, const std::string& outcome) {
  auto rows = QueryRows(*f.store, "SELECT count(*) AS n FROM message_sends WHERE outcome=?", {outcome});
  REQUIRE(rows.ok());
  return std::get<int64_t>(rows->front().front().second);
}

TEST_CASE("a webhook answering 200 marks the message sent, with its JSON body and bearer token") {
  HubFixture f;
  Returned(f, "081234567890", "2026-01-05");
  simpul::testing::HttpReceiver receiver({200});
  GatewayOptions options;
  options.url = receiver.Url("/kirim/wa");
  options.token = "rahasia-123";
  auto run = SendThroughGateway(*f.store, options);
  REQUIRE_MESSAGE(run.ok(), run.status().ToString());
  CHECK(run->sent == 1);
  CHECK(run->failures.empty());
  auto got = receiver.requests();
  REQUIRE(got.size() == 1);
  CHECK(got[0].method == "POST");
  CHECK(got[0].target == "/kirim/wa");
  CHECK(got[0].Header("authorization") == "Bearer rahasia-123");
  CHECK(got[0].Header("content-type") == "application/json");
  auto body = simpul::testing::ParseJson(got[0].body);
  auto messages = Messages(f);
  REQUIRE(messages.size() == 1);
  CHECK(body["message_id"].str() == messages[0].event_id);
  CHECK(body["phone"].str() == messages[0].phone);
  CHECK(body["text"].str() == messages[0].text);
  CHECK(body["village"].str() == kVillage);
  CHECK(messages[0].state == schema::MessageState::kSent);
  CHECK(f.Audits("message_sent") == 1);

  // Sent is settled: the next run posts nothing.
  auto again = SendThroughGateway(*f.store, options);
  REQUIRE(again.ok());
  CHECK(again->sent == 0);
  CHECK(receiver.requests().size() == 1);
}

TEST_CASE("a webhook answering 500, or cutting the connection, records a failure and the message stays waiting") {
  HubFixture f;
  Returned(f, "081234567890", "2026-01-05");
  simpul::testing::HttpReceiver receiver({500, 0, 204});
  GatewayOptions options;
  options.url = receiver.Url("/");
  for (const char* expected : {"HTTP 500: status 500", "connection cut"}) {
    auto run = SendThroughGateway(*f.store, options);
    REQUIRE_MESSAGE(run.ok(), run.status().ToString());
    CHECK(run->sent == 0);
    REQUIRE(run->failures.size() == 1);
    CHECK_MESSAGE(run->failures[0].detail.find(expected) != std::string::npos, run->failures[0].detail);
    auto messages = Messages(f);
    REQUIRE(messages.size() == 1);
    CHECK(messages[0].state == schema::MessageState::kPending);
    CHECK(messages[0].last_failure.find(expected) != std::string::npos);
  }
  CHECK(Sends(f, "failed") == 2);
  CHECK(f.Audits("message_failed") == 2);
  // At least once: the next run tries it again (the same message_id) and a 204 settles it.
  auto run = SendThroughGateway(*f.store, options);
  REQUIRE(run.ok());
  CHECK(run->sent == 1);
  auto got = receiver.requests();
  REQUIRE(got.size() == 3);
  CHECK(simpul::testing::ParseJson(got[0].body)["message_id"].str() ==
        simpul::testing::ParseJson(got[2].body)["message_id"].str());
  CHECK(Messages(f)[0].state == schema::MessageState::kSent);
}

TEST_CASE("no phone or no consent: never posted, counted as waiting") {
  HubFixture f;
  Returned(f, "", "2026-01-05");
  Returned(f, "081234567890", "");
  simpul::testing::HttpReceiver receiver({200});
  GatewayOptions options;
  options.url = receiver.Url("/");
  auto run = SendThroughGateway(*f.store, options);
  REQUIRE(run.ok());
  CHECK(run->sent == 0);
  CHECK(run->waiting == 2);
  CHECK(receiver.requests().empty());
  CHECK(Sends(f, "sent") + Sends(f, "failed") == 0);
}

TEST_CASE("no gateway, an unreachable webhook, a bad URL: typed errors, nothing recorded") {
  HubFixture f;
  Returned(f, "081234567890", "2026-01-05");
  auto none = SendThroughGateway(*f.store, {});
  CHECK(none.status().code() == Code::kFailedPrecondition);
  CHECK(none.status().msg_id() == MsgId::kMessageGatewayNone);
  GatewayOptions bad;
  bad.url = "http://provider.example:80/send";  // a resident's phone in clear across the network
  auto refused = SendThroughGateway(*f.store, bad);
  CHECK(refused.status().IsInvalidArgument());
  CHECK(refused.status().field() == "message_gateway_url");
  CHECK(refused.status().message().find("http:// only to a relay on this machine") != std::string::npos);
  for (const char* name : {"http://127.0.0.1.example.org:80/send", "http://localhost:9000/send",
                           "http://127.0.0.1.:9000/send"}) {
    bad.url = name;  // names, not the loopback address: the resolver could answer anything
    CHECK_MESSAGE(SendThroughGateway(*f.store, bad).status().field() == "message_gateway_url", name);
  }
  bad.url = "https://provider.example/send?to=all";
  CHECK(SendThroughGateway(*f.store, bad).status().field() == "message_gateway_url");
  bad.url = "http://127.0.0.1:9/send";
  bad.ca_file = "/etc/simpul/ca.pem";  // a CA for plain HTTP: a mistake worth saying
  CHECK(SendThroughGateway(*f.store, bad).status().field() == "message_gateway_ca");
  CHECK(Sends(f, "sent") + Sends(f, "failed") == 0);
  // A port nobody listens on: a failure per message, recorded, not an error of the run.
  int closed_port;
  {
    simpul::testing::HttpReceiver gone;
    closed_port = gone.port();
  }
  GatewayOptions down;
  down.url = "http://127.0.0.1:" + std::to_string(closed_port) + "/";
  down.timeout_s = 2;
  auto run = SendThroughGateway(*f.store, down);
  REQUIRE(run.ok());
  REQUIRE(run->failures.size() == 1);
  CHECK(run->failures[0].detail.find("gateway 127.0.0.1") != std::string::npos);
  CHECK(Sends(f, "failed") == 1);
}

// A gateway over HTTPS (web/https_client.h): web::HttpServer serving TLS
// with a certificate made by the openssl command, recording what it got.
struct TlsGateway {
  explicit TlsGateway(const std::string& names) : cert(dir.File("cert.pem")) {
    const std::string key = dir.File("key.pem");
    auto made = simpul::testing::Run({"/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                                      key, "-out", cert, "-days", "2", "-subj", "/CN=gateway", "-addext",
                                      "subjectAltName=" + names});
    REQUIRE_MESSAGE(made.exit_code == 0, made.err);
    web::ServerOptions options;
    options.tls_cert_file = cert;
    options.tls_key_file = key;
    server = std::make_unique<web::HttpServer>(options, [this](const web::HttpRequest& r) {
      std::lock_guard<std::mutex> lock(mu);
      got.push_back(r.method + " " + r.target + " " + std::string(r.HeaderValue("authorization")) + " " + r.body);
      return web::HttpResponse{200, "text/plain; charset=utf-8", "diterima"};
    });
    auto bound = server->Start();
    REQUIRE_MESSAGE(bound.ok(), bound.status().ToString());
    port = *bound;
    io = std::thread([this] { server->Run(false); });
  }
  ~TlsGateway() {
    server->Stop();
    io.join();
  }
  std::vector<std::string> Got() {
    std::lock_guard<std::mutex> lock(mu);
    return got;
  }
  simpul::testing::TempDir dir;
  std::string cert;
  std::unique_ptr<web::HttpServer> server;
  int port = 0;
  std::thread io;
  std::mutex mu;
  std::vector<std::string> got;
};

TEST_CASE("an https:// webhook: its certificate checked, against message_gateway_ca or the system's authorities") {
  HubFixture f;
  TlsGateway gateway("DNS:localhost,IP:127.0.0.1");
  const std::string url = "https://127.0.0.1:" + std::to_string(gateway.port) + "/v1/kirim";

  // A certificate no authority of this machine signed: a recorded failure, nothing posted.
  Returned(f, "081234567890", "2026-01-05");
  GatewayOptions system_cas;
  system_cas.url = url;
  system_cas.token = "rahasia-123";
  system_cas.timeout_s = 10;
  auto untrusted = SendThroughGateway(*f.store, system_cas);
  REQUIRE_MESSAGE(untrusted.ok(), untrusted.status().ToString());
  CHECK(untrusted->sent == 0);
  REQUIRE(untrusted->failures.size() == 1);
  CHECK_MESSAGE(untrusted->failures[0].detail.find("certificate is not trusted: self-signed") != std::string::npos,
                untrusted->failures[0].detail);
  CHECK(gateway.Got().empty());
  CHECK(Sends(f, "failed") == 1);

  // Trusted through message_gateway_ca: sent, the body and the token inside TLS.
  GatewayOptions trusted = system_cas;
  trusted.ca_file = gateway.cert;
  auto run = SendThroughGateway(*f.store, trusted);
  REQUIRE_MESSAGE(run.ok(), run.status().ToString());
  CHECK(run->sent == 1);
  CHECK(run->failures.empty());
  REQUIRE(gateway.Got().size() == 1);
  CHECK(gateway.Got()[0].find("POST /v1/kirim Bearer rahasia-123 {\"message_id\":") == 0);
  CHECK(gateway.Got()[0].find("\"phone\":\"081234567890\"") != std::string::npos);
  CHECK(Sends(f, "sent") == 1);

  // The right authority, but a certificate for another host: refused.
  TlsGateway elsewhere("DNS:gateway.example");
  Returned(f, "081298765432", "2026-01-05");
  GatewayOptions wrong_host = trusted;
  wrong_host.url = "https://127.0.0.1:" + std::to_string(elsewhere.port) + "/v1/kirim";
  wrong_host.ca_file = elsewhere.cert;
  auto mismatch = SendThroughGateway(*f.store, wrong_host);
  REQUIRE(mismatch.ok());
  REQUIRE(mismatch->failures.size() == 1);
  CHECK_MESSAGE(mismatch->failures[0].detail.find("certificate is not trusted: IP address mismatch") !=
                    std::string::npos,
                mismatch->failures[0].detail);
  CHECK(elsewhere.Got().empty());

  // An unreadable CA file is the configuration's error, before anything is sent.
  GatewayOptions missing_ca = trusted;
  missing_ca.ca_file = gateway.dir.File("nope.pem");
  auto no_ca = SendThroughGateway(*f.store, missing_ca);
  CHECK(no_ca.status().IsInvalidArgument());
  CHECK(no_ca.status().field() == "message_gateway_ca");
  simpul::testing::WriteFile(missing_ca.ca_file, "not a certificate\n");
  CHECK(SendThroughGateway(*f.store, missing_ca).status().field() == "message_gateway_ca");
  CHECK(Sends(f, "sent") == 1);  // nothing more was sent
}

TEST_CASE("hub.conf: the gateway settings, and errors naming the line") {
  simpul::testing::TempDir dir;
  auto read = [&](const std::string& text) {
    std::string path = dir.File("hub.conf");
    simpul::testing::WriteFile(path, text);
    ServeConfig cfg;
    Status st = ReadServeConfig(path, &cfg);
    return std::make_pair(st, cfg);
  };
  auto [ok, cfg] = read("# Dinsos\nlisten = 127.0.0.1:8470\nmessage_gateway_url = http://127.0.0.1:9000/kirim\n"
                        "message_gateway_token = abc.DEF-123\n");
  REQUIRE_MESSAGE(ok.ok(), ok.ToString());
  CHECK(cfg.message_gateway_url == "http://127.0.0.1:9000/kirim");
  CHECK(cfg.message_gateway_token == "abc.DEF-123");
  auto [tls_ok, tls] = read("message_gateway_url = https://api.penyedia.example/v1/kirim\n"
                            "message_gateway_ca = /etc/simpul/gateway-ca.pem\n");
  REQUIRE_MESSAGE(tls_ok.ok(), tls_ok.ToString());
  CHECK(tls.message_gateway_ca == "/etc/simpul/gateway-ca.pem");
  auto [cmd_ok, cmd] = read("message_gateway_command = /usr/local/bin/kirim-wa\n");
  REQUIRE(cmd_ok.ok());
  CHECK(cmd.message_gateway_command == "/usr/local/bin/kirim-wa");

  struct Bad {
    const char* text;
    const char* where;    // the file and line, in the message
    const char* setting;  // named in the message
  };
  for (const Bad& b : std::vector<Bad>{
           {"listen = 1:2\nmessage_gateway_command = kirim-wa\n", "hub.conf:2: ", "message_gateway_command"},
           {"\n\nmessage_gateway_url = https://x.example:443/a?b=c\n", "hub.conf:3: ", "message_gateway_url"},
           {"message_gateway_url = http://x.example:80/a\n", "hub.conf:1: ", "message_gateway_url"},
           {"message_gateway_url = https://x.example/a\nmessage_gateway_ca = ca.pem\n", "hub.conf:2: ",
            "message_gateway_ca"},
           {"message_gateway_url = http://127.0.0.1:9/a\nmessage_gateway_ca = /etc/ca.pem\n", "hub.conf",
            "message_gateway_ca"},
           {"message_gateway_url = http://127.0.0.1:9/a\nmessage_gateway_token = two words\n", "hub.conf:2: ",
            "message_gateway_token"},
           {"message_gateway_command = /bin/true\nmessage_gateway_url = http://127.0.0.1:9/\n", "hub.conf",
            "message_gateway_url"},
           {"message_gateway_token = abc\n", "hub.conf", "message_gateway_token"},
       }) {
    CAPTURE(b.text);
    auto [st, unused] = read(b.text);
    CHECK(st.IsInvalidArgument());
    CHECK_MESSAGE(st.message().find(b.where) != std::string::npos, st.message());
    CHECK_MESSAGE(Describe(Lang::kEn, st).find(b.setting) != std::string::npos, Describe(Lang::kEn, st));
  }
}

}  // namespace
}  // namespace simpul::hub
