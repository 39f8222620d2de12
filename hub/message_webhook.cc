#include "hub/message_webhook.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
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

// A loopback IPv4 address written as one, the only host plain http:// may
// reach. A name (even "localhost" or "127.0.0.1.") goes to the resolver,
// which may answer with any machine.
bool IsThisMachine(const std::string& host) {
  in_addr addr{};
  return inet_pton(AF_INET, host.c_str(), &addr) == 1 && (ntohl(addr.s_addr) >> 24) == 127;
}

}  // namespace

Status CheckWebhookUrl(const std::string& url) {
  if (url.rfind("https://", 0) == 0) return web::ParseHttpsUrl(url).status();
  auto target = sync::ParseHubUrl(url);
  if (!target.ok()) {
    // ParseHubUrl speaks of a hub address; keep only why.
    std::string why = target.status().message();
    if (auto from = why.find("': "); from != std::string::npos) why = why.substr(from + 3);
    if (auto to = why.find(" (expected"); to != std::string::npos) why.resize(to);
    return Status::InvalidArgument("'" + url + "': " + why + " (expected https://HOST[:PORT][/path])");
  }
  if (!IsThisMachine(target->host))
    return Status::InvalidArgument("'" + url + "': http:// only to a relay on this machine (an address "
                                   "127.x.x.x): residents' phone numbers and the token would cross the network "
                                   "in clear; use https://");
  return Status::Ok();
}

Result<std::unique_ptr<MessageWebhook>> MessageWebhook::Open(const std::string& url, const std::string& token,
                                                             int timeout_s, const std::string& ca_file) {
  if (Status st = CheckWebhookUrl(url); !st.ok())
    return Status::InvalidArgument("message_gateway_url " + st.message()).WithField("message_gateway_url");
  const std::string authorization = token.empty() ? "" : "Bearer " + token;
  if (url.rfind("https://", 0) == 0) {
    web::HttpsPost post;
    SIMPUL_ASSIGN_OR_RETURN(post.url, web::ParseHttpsUrl(url));
    post.authorization = authorization;
    if (!std::all_of(authorization.begin(), authorization.end(), [](unsigned char c) { return c >= 0x20 && c < 0x7f; }))
      return Status::InvalidArgument("message_gateway_token cannot be sent in a header")
          .WithField("message_gateway_token");
    if (!ca_file.empty())
      if (Status ca = web::CheckCaFile(ca_file); !ca.ok())
        return Status::InvalidArgument("message_gateway_ca " + ca.message()).WithField("message_gateway_ca");
    post.ca_file = ca_file;
    post.timeout_ms = timeout_s * 1000;
    post.max_reply_bytes = kMaxAnswerBytes;
    return std::unique_ptr<MessageWebhook>(new MessageWebhook(std::move(post)));
  }
  if (!ca_file.empty())
    return Status::InvalidArgument("message_gateway_ca is for an https:// gateway").WithField("message_gateway_ca");
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
  style.authorization = authorization;
  if (Status st = client->SetStyle(std::move(style)); !st.ok())
    return Status::InvalidArgument("message_gateway_token cannot be sent in a header")
        .WithField("message_gateway_token");
  return std::unique_ptr<MessageWebhook>(new MessageWebhook(std::move(client), std::move(path)));
}

MessageWebhook::MessageWebhook(std::unique_ptr<sync::HttpClient> client, std::string path)
    : client_(std::move(client)), path_(std::move(path)) {}

MessageWebhook::MessageWebhook(web::HttpsPost https) : https_(std::move(https)) {}

MessageWebhook::~MessageWebhook() = default;

GatewayAttempt MessageWebhook::Send(const schema::ResidentMessage& m) {
  schema::JsonWriter j;
  j.BeginObject()
      .Field("message_id", m.event_id)
      .Field("phone", m.phone)
      .Field("text", m.text)
      .Field("village", m.village)
      .EndObject();
  int status = 0;
  std::string body;
  if (client_) {
    auto reply = client_->Post(path_, j.str(), kMaxAnswerBytes);
    if (!reply.ok()) return {false, reply.status().message()};
    status = reply->status;
    body = std::move(reply->body);
  } else {
    web::HttpsPost post = https_;
    post.body = j.str();
    auto reply = web::PostHttps(post);
    if (!reply.ok()) return {false, reply.status().message()};
    status = reply->status;
    body = std::move(reply->body);
  }
  std::string status_line = "HTTP " + std::to_string(status);
  std::string why = FirstLine(body);
  if (!why.empty()) status_line += ": " + why;
  return {status >= 200 && status < 300, status_line};
}

}  // namespace simpul::hub
