// simpul-node messages [--all] and `message sent EVENT_ID`: the texts for
// residents' phones that returns, decisions, letters and case updates make,
// each with its click-to-chat link, and recording one as sent
// (schema/resident_messages.h, node/resident_messages.h).
#include <iostream>

#include "node/cli/internal.h"
#include "node/resident_messages.h"
#include "schema/json_writer.h"
#include "sync/hlc.h"

namespace simpul::node {
namespace {

int64_t MessageMs(const schema::ResidentMessage& m) { return m.at_ms ? m.at_ms : VersionMs(m.at); }

const char* StateText(Invocation& inv, schema::MessageState s) {
  switch (s) {
    case schema::MessageState::kPending: return inv.T("to send");
    case schema::MessageState::kSent: return inv.T("sent");
    case schema::MessageState::kNoPhone: return inv.T("no phone number");
    case schema::MessageState::kNoConsent: return inv.T("no consent to messages");
  }
  return "";
}

void MessageJson(schema::JsonWriter& j, const schema::ResidentMessage& m) {
  j.BeginObject();
  schema::WriteMessageFields(j, m);
  j.Field("time", TimeIso(MessageMs(m), m.village)).Field("sent_time", TimeIso(m.sent_at_ms, m.village)).EndObject();
}

Status CmdMessages(Invocation& inv) {
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenForCommand(inv));
  schema::MessageFilter filter;
  filter.village = store->village();
  filter.include_settled = inv.opts.count("all") > 0;
  if (!filter.include_settled) {  // the last 30 days' news; --all shows everything
    uint64_t now = store->NowMs(), month = 30ull * 86400000;
    filter.since_version = sync::Hlc::FormatVersion(sync::Stamp::Make(now > month ? now - month : 0, 0), "");
  }
  SIMPUL_ASSIGN_OR_RETURN(auto messages, schema::ListResidentMessages(store->db(), filter));
  if (inv.json) {
    schema::JsonWriter j;
    j.BeginArray();
    for (const auto& m : messages) MessageJson(j, m);
    *inv.out << j.EndArray().str() << "\n";
    return Status::Ok();
  }
  if (messages.empty()) *inv.out << inv.T("No messages to send.") << "\n";
  for (const auto& m : messages) {
    *inv.out << TimeText(inv, MessageMs(m), m.village) << "  " << m.person_name << "  "
             << (m.phone.empty() ? "-" : m.phone) << "  [" << StateText(inv, m.state) << "]\n"
             << "  " << m.text << "\n";
    if (m.state == schema::MessageState::kPending)
      *inv.out << "  " << schema::ClickToChatUrl(m) << "\n  simpul-node message sent " << m.event_id << "\n";
  }
  return Status::Ok();
}

Status CmdMessageSent(Invocation& inv) {
  if (inv.words.empty())
    return Status::InvalidArgument("EVENT_ID is required").WithMsg(MsgId::kFieldRequired, {"EVENT_ID"});
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenForCommand(inv));
  SIMPUL_ASSIGN_OR_RETURN(schema::ResidentMessage m, RecordClickToChatSend(*store, inv.words[0]));
  if (inv.json) {
    schema::JsonWriter j;
    MessageJson(j, m);
    *inv.out << j.str() << "\n";
  } else {
    *inv.out << Msg(inv.lang, MsgId::kMessageRecorded, {m.person_name}) << "\n";
  }
  return Status::Ok();
}

}  // namespace

Handler MessagesHandler() { return CmdMessages; }
Handler MessageSentHandler() { return CmdMessageSent; }

}  // namespace simpul::node
