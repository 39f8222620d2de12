// The HTTP webhook form of the message gateway (hub/resident_messages.h):
// one POST per message to the URL in hub.conf's message_gateway_url, a JSON
// body {"message_id","phone","text","village"}, with
// `Authorization: Bearer TOKEN` when message_gateway_token is set. A 2xx
// answer means the provider took the message; any other status, a timeout
// or a cut connection is a failure whose words are recorded.
//
// message_id is the id of the event the message tells of: the same on every
// retry, so a provider that keeps ids can drop the duplicate an
// at-least-once run may send.
//
// http:// only: sync/transport/http_client.h, the one HTTP client, speaks
// no TLS. A provider reached over HTTPS needs a local relay or the command
// form (docs/OPERATIONS.md).
//
// Thread-safety: one MessageWebhook per thread. It keeps its connection
// alive between messages.
#ifndef SIMPUL_HUB_MESSAGE_WEBHOOK_H_
#define SIMPUL_HUB_MESSAGE_WEBHOOK_H_

#include <memory>
#include <string>

#include "schema/resident_messages.h"
#include "schema/status.h"

namespace simpul::sync {
class HttpClient;
}

namespace simpul::hub {

// Checks a webhook URL: http://HOST:PORT[/path], no query string, no
// https://. InvalidArgument saying why (without naming a setting: callers
// say where the URL came from).
Status CheckWebhookUrl(const std::string& url);

struct GatewayAttempt {
  bool sent = false;
  std::string detail;  // the answer's status line (and the start of its body), or how it failed
};

class MessageWebhook {
 public:
  // InvalidArgument (field "message_gateway_url" or "message_gateway_token")
  // when the URL is not http://HOST:PORT[/path] or the token cannot be a
  // header value.
  static Result<std::unique_ptr<MessageWebhook>> Open(const std::string& url, const std::string& token,
                                                      int timeout_s);
  ~MessageWebhook();
  MessageWebhook(const MessageWebhook&) = delete;
  MessageWebhook& operator=(const MessageWebhook&) = delete;

  GatewayAttempt Send(const schema::ResidentMessage& message);

 private:
  MessageWebhook(std::unique_ptr<sync::HttpClient> client, std::string path);
  std::unique_ptr<sync::HttpClient> client_;
  std::string path_;  // the URL's path, "/" when it has none
};

}  // namespace simpul::hub

#endif  // SIMPUL_HUB_MESSAGE_WEBHOOK_H_
