// Messages to residents: what a return, a decision, a letter ready to collect
// or a case update means for the person, in plain Bahasa Indonesia, for
// their phone (BRIEF: SIPERJAKE confirms to residents by WhatsApp).
//
// A message is not stored: it is derived from the workflow event (events,
// case_events) and the person's phone and consent (persons.phone,
// persons.phone_consent, schema 16), so every replica composes the same text.
// What is stored is each send (message_sends, replicated, written once by
// whoever sent it: the village by click-to-chat, the hub by its gateway), so
// a message sent on one side is not sent again on the other. Nothing is sent
// without a phone number on record and consent.
#ifndef SIMPUL_SCHEMA_RESIDENT_MESSAGES_H_
#define SIMPUL_SCHEMA_RESIDENT_MESSAGES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "schema/db.h"
#include "schema/json_writer.h"
#include "schema/messages.h"
#include "schema/status.h"

namespace simpul::schema {

enum class MessageState { kPending, kSent, kNoPhone, kNoConsent };
// "pending", "sent", "no_phone", "no_consent" (persisted in nothing; the API's words).
const char* MessageStateCode(MessageState s);

struct ResidentMessage {
  std::string event_id;      // the event the message tells of (its key)
  std::string subject_id;    // the application or the case
  std::string subject_kind;  // "application" or "case"
  std::string kind;          // returned, approved, rejected, letter_issued; case: referred, resolved
  std::string village;
  std::string at;            // the event's HLC version (ordering; callers show wall-clock time)
  int64_t at_ms = 0;         // the writer's wall clock when the row carries it (case steps), else 0
  std::string person_id, person_name, phone;  // phone: +62...
  std::string text;          // Bahasa Indonesia, for the resident
  MessageState state = MessageState::kPending;
  std::string sent_channel, sent_by;  // when sent
  int64_t sent_at_ms = 0;
  std::string last_failure;           // the latest failed gateway attempt, if any
};

struct MessageFilter {
  std::string village;          // "" = every village (the hub)
  bool include_settled = false; // also messages sent, or that cannot be sent
  // Only events stamped at or after this HLC version ("" = all): callers make
  // it from a wall-clock cut-off (sync::Hlc::FormatVersion), so a gateway
  // switched on today does not send years of old news.
  std::string since_version;
  int limit = 500;
};

// Newest first.
Result<std::vector<ResidentMessage>> ListResidentMessages(Db& db, const MessageFilter& filter);
// The message of one event; NotFound (kMessageUnknown) when the event makes none.
Result<ResidentMessage> FindResidentMessage(Db& db, const std::string& event_id);
// https://wa.me/62...?text=... : opens a chat with the text filled in (the
// operator presses send on their own phone or WhatsApp Web).
std::string ClickToChatUrl(const ResidentMessage& m);
// Writes the message's fields into the object `j` has open: what the CLIs'
// --json and the village app give for it, the click-to-chat link when it is
// pending; the callers add its times in their own form.
void WriteMessageFields(JsonWriter& j, const ResidentMessage& m);
// FailedPrecondition when `m` may not be sent now: sent already
// (kMessageAlreadySent), no phone (kMessageNoPhone), no consent (kMessageNoConsent).
Status CheckSendable(const ResidentMessage& m);

}  // namespace simpul::schema

#endif  // SIMPUL_SCHEMA_RESIDENT_MESSAGES_H_
