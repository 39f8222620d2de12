// The hub's side of messages to residents (schema/resident_messages.h): a
// gateway configured at Dinsos sends each message waiting to be sent. Either
// a program (an SMS or WhatsApp provider's command-line client, or a script
// that calls its HTTP API), run as `PROGRAM PHONE TEXT` (no shell), exit 0
// meaning sent; or an HTTP webhook, one POST per message, 2xx meaning sent
// (hub/message_webhook.h). Each attempt is recorded in message_sends
// (replicated: the village sees it was sent) and in the hub's audit chain,
// the same way for both.
//
// At least once: a message the gateway sent just before the hub stopped,
// unrecorded, is sent again by the next run.
#ifndef SIMPUL_HUB_RESIDENT_MESSAGES_H_
#define SIMPUL_HUB_RESIDENT_MESSAGES_H_

#include <string>
#include <vector>

#include "hub/store.h"
#include "schema/resident_messages.h"

namespace simpul::hub {

// Exactly one of `program` and `url`.
struct GatewayOptions {
  std::string program;   // absolute path of the gateway program
  std::string url;       // or the webhook: https://HOST[:PORT][/path] (http:// to this machine only)
  std::string token;     // the webhook's bearer token ("" = none)
  std::string ca_file;   // an https:// webhook's trusted authorities, PEM ("" = the system's)
  std::string village;   // "" = every village
  int timeout_s = 30;    // per message; the program is killed, the request dropped, after it
  int max_age_days = 14; // older events are not messaged any more
};

struct GatewayFailure {
  schema::ResidentMessage message;
  std::string detail;  // what the program said (first line), or how it ended
};

struct GatewayRun {
  int sent = 0;
  int waiting = 0;  // messages that cannot be sent: no phone or no consent
  std::vector<GatewayFailure> failures;
};

// InvalidArgument (field "gateway") when the program is not an executable
// file given by an absolute path, (field "message_gateway_url") when
// CheckWebhookUrl (hub/message_webhook.h) refuses the URL; FailedPrecondition (field "gateway",
// MsgId::kMessageGatewayNone) when neither is given. The messages' failures
// are in the result: a failed message stays waiting for the next run.
Result<GatewayRun> SendThroughGateway(HubStore& store, const GatewayOptions& options);

}  // namespace simpul::hub

#endif  // SIMPUL_HUB_RESIDENT_MESSAGES_H_
