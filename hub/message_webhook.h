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
// https:// to a provider (web/https_client.h: TLS 1.2+, the certificate
// checked against the system's CAs or hub.conf's message_gateway_ca): the
// body holds a resident's phone number and the token is a credential, so
// plain http:// is taken only to this machine (a local relay), never
// across a network.
//
// Thread-safety: one MessageWebhook per thread. Over http:// it keeps its
// connection alive between messages; over https:// each message is one
// connection.
#ifndef SIMPUL_HUB_MESSAGE_WEBHOOK_H_
#define SIMPUL_HUB_MESSAGE_WEBHOOK_H_

#include <memory>
#include <string>

#include "schema/resident_messages.h"
#include "schema/status.h"

#include "web/https_client.h"

namespace simpul::sync {
class HttpClient;
}

namespace simpul::hub {

// Checks a webhook URL: https://HOST[:PORT][/path], or http://HOST:PORT[/path]
// with HOST a loopback address (127.x.x.x, not a name); no query string.
// InvalidArgument saying why (without naming a setting: callers say where
// the URL came from).
Status CheckWebhookUrl(const std::string& url);

struct GatewayAttempt {
  bool sent = false;
  std::string detail;  // the answer's status line (and the start of its body), or how it failed
};

class MessageWebhook {
 public:
  // InvalidArgument (field "message_gateway_url", "message_gateway_token"
  // or "message_gateway_ca") when CheckWebhookUrl refuses the URL, the token
  // cannot be a header value, or a CA file is given for an http:// URL.
  // `ca_file`: PEM of the authorities an https:// gateway's certificate may
  // chain to ("" = the system's).
  static Result<std::unique_ptr<MessageWebhook>> Open(const std::string& url, const std::string& token,
                                                      int timeout_s, const std::string& ca_file = "");
  ~MessageWebhook();
  MessageWebhook(const MessageWebhook&) = delete;
  MessageWebhook& operator=(const MessageWebhook&) = delete;

  GatewayAttempt Send(const schema::ResidentMessage& message);

 private:
  MessageWebhook(std::unique_ptr<sync::HttpClient> client, std::string path);
  explicit MessageWebhook(web::HttpsPost https);
  std::unique_ptr<sync::HttpClient> client_;  // http:// (this machine); null for https://
  std::string path_;                          // the URL's path, "/" when it has none
  web::HttpsPost https_;                      // https://: everything but the body
};

}  // namespace simpul::hub

#endif  // SIMPUL_HUB_MESSAGE_WEBHOOK_H_
