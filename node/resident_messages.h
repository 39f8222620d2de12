// The village's side of messages to residents (schema/resident_messages.h):
// the operator opens the click-to-chat link, sends the text from the office
// phone, and records that it was sent; the record replicates, so the hub's
// gateway does not send it again.
#ifndef SIMPUL_NODE_RESIDENT_MESSAGES_H_
#define SIMPUL_NODE_RESIDENT_MESSAGES_H_

#include <string>

#include "node/store.h"
#include "schema/resident_messages.h"

namespace simpul::node {

// Records the message of `event_id` as sent by click-to-chat by the signed-in
// operator (one transaction, audited). Refused, with nothing written, when
// the message is not sendable (schema::CheckSendable) or not of this village.
Result<schema::ResidentMessage> RecordClickToChatSend(NodeStore& store, const std::string& event_id);

}  // namespace simpul::node

#endif  // SIMPUL_NODE_RESIDENT_MESSAGES_H_
