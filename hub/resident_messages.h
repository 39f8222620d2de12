// The hub's side of messages to residents (schema/resident_messages.h): a
// gateway program configured at Dinsos (an SMS or WhatsApp provider's
// command-line client, or a script that calls its HTTP API) is run once per
// message waiting to be sent, as `PROGRAM PHONE TEXT` (no shell); exit 0 means
// sent. Each attempt is recorded in message_sends (replicated: the village
// sees it was sent) and in the hub's audit chain.
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

struct GatewayOptions {
  std::string program;   // absolute path of the gateway program
  std::string village;   // "" = every village
  int timeout_s = 30;    // per message; the program is killed after it
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
// file given by an absolute path; the messages' failures are in the result.
Result<GatewayRun> SendThroughGateway(HubStore& store, const GatewayOptions& options);

}  // namespace simpul::hub

#endif  // SIMPUL_HUB_RESIDENT_MESSAGES_H_
