// Tests for the message gateway configured at the hub (hub/resident_messages.h
// with hub/message_webhook.h, and hub.conf through hub/serve.h): a webhook's
// 2xx marks a message sent, any other answer or a cut connection records a
// failure and leaves it waiting, a resident with no phone or no consent is
// never posted to; hub.conf's gateway settings are checked line by line.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "hub/resident_messages.h"
#include "hub/serve.h"
#include "schema/resident_messages.h"
#include "tests/support/http_receiver.h"
#include "tests/support/hub_fixture.h"
#include "tests/support/json.h"
#include "tests/support/temp_dir.h"

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
  bad.url = "https://provider.example/send";
  auto refused = SendThroughGateway(*f.store, bad);
  CHECK(refused.status().IsInvalidArgument());
  CHECK(refused.status().field() == "message_gateway_url");
  CHECK(refused.status().message().find("https:// is not supported") != std::string::npos);
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
           {"\n\nmessage_gateway_url = https://x.example:443/a\n", "hub.conf:3: ", "message_gateway_url"},
           {"message_gateway_url = http://x.example/a\n", "hub.conf:1: ", "message_gateway_url"},
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
