#include "hub/message_webhook.h"

#include <utility>

#include "schema/json_writer.h"
#include "sync/transport/http_client.h"

namespace simpul::hub {
namespace {

// A provider's error page can be long HTML: the recorded detail keeps its start.
constexpr size_t kDetailBytes = 200;
// An answer is only read for its status and a few words of why.
constexpr uint64_t kMaxAnswerBytes = 64 * 1024;

std::string FirstLine(const std::string& body) {
  std::string line = body.substr(0, body.find_first_of("\r\n"));
  return line.size() > kDetailBytes ? line.substr(0, kDetailBytes) : line;
}

}  // namespace

Status CheckWebhookUrl(const std::string& url) {
  if (url.rfind("https://", 0) == 0)
    return Status::InvalidArgument("'" + url + "': https:// is not supported (the hub's HTTP client has no TLS); "
                                   "use a relay on this machine or message_gateway_command");
  auto target = sync::ParseHubUrl(url);
  if (target.ok()) return Status::Ok();
  // ParseHubUrl speaks of a hub address; keep only why.
  std::string why = target.status().message();
  if (auto from = why.find("': "); from != std::string::npos) why = why.substr(from + 3);
  if (auto to = why.find(" (expected"); to != std::string::npos) why.resize(to);
  return Status::InvalidArgument("'" + url + "': " + why + " (expected http://HOST:PORT[/path])");
}

Result<std::unique_ptr<MessageWebhook>> MessageWebhook::Open(const std::string& url, const std::string& token,
                                                             int timeout_s) {
  if (Status st = CheckWebhookUrl(url); !st.ok())
    return Status::InvalidArgument("message_gateway_url " + st.message()).WithField("message_gateway_url");
  auto target = sync::ParseHubUrl(url);
  if (!target.ok()) return target.status();
  // The URL's path is where each message is posted, not a base under which
  // the client adds its own.
  std::string path = target->base_path.empty() ? "/" : target->base_path;
  target->base_path.clear();
  auto client = std::make_unique<sync::HttpClient>(*target, timeout_s * 1000);
  sync::HttpRequestStyle style;
  style.peer = "gateway";
  style.content_type = "application/json";
  style.user_agent = "simpul-hub";
  if (!token.empty()) style.authorization = "Bearer " + token;
  if (Status st = client->SetStyle(std::move(style)); !st.ok())
    return Status::InvalidArgument("message_gateway_token cannot be sent in a header")
        .WithField("message_gateway_token");
  return std::unique_ptr<MessageWebhook>(new MessageWebhook(std::move(client), std::move(path)));
}

MessageWebhook::MessageWebhook(std::unique_ptr<sync::HttpClient> client, std::string path)
    : client_(std::move(client)), path_(std::move(path)) {}

MessageWebhook::~MessageWebhook() = default;

GatewayAttempt MessageWebhook::Send(const schema::ResidentMessage& m) {
  schema::JsonWriter j;
  j.BeginObject()
      .Field("message_id", m.event_id)
      .Field("phone", m.phone)
      .Field("text", m.text)
      .Field("village", m.village)
      .EndObject();
  auto reply = client_->Post(path_, j.str(), kMaxAnswerBytes);
  if (!reply.ok()) return {false, reply.status().message()};
  std::string status_line = "HTTP " + std::to_string(reply->status);
  std::string why = FirstLine(reply->body);
  if (!why.empty()) status_line += ": " + why;
  return {reply->status >= 200 && reply->status < 300, status_line};
}

}  // namespace simpul::hub
