#include "node/resident_messages.h"

#include "schema/db.h"
#include "schema/ids.h"
#include "schema/tables.h"

namespace simpul::node {

Result<schema::ResidentMessage> RecordClickToChatSend(NodeStore& store, const std::string& event_id) {
  SIMPUL_ASSIGN_OR_RETURN(auto txn, schema::Transaction::Begin(store.db()));
  SIMPUL_ASSIGN_OR_RETURN(schema::ResidentMessage m, schema::FindResidentMessage(store.db(), event_id));
  if (m.village != store.village())
    return Status::NotFound("no message of this village for " + event_id).WithMsg(MsgId::kMessageUnknown, {event_id});
  SIMPUL_RETURN_IF_ERROR(schema::CheckSendable(m));
  const int64_t now = static_cast<int64_t>(store.NowMs());
  std::vector<sync::FieldWrite> fields = {
      {"event_id", m.event_id},           {"person_id", m.person_id},
      {"channel", std::string("click_to_chat")}, {"outcome", std::string("sent")},
      {"sent_at_ms", now},                {"sent_by", store.Actor()}};
  SIMPUL_ASSIGN_OR_RETURN(auto out, store.writer().Write(*schema::FindTable("message_sends"),
                                                         schema::NewRowId(store.NowMs()), store.village(), fields));
  (void)out;
  SIMPUL_RETURN_IF_ERROR(store.Audit("message_sent", m.person_id, "click_to_chat " + m.kind + " " + m.event_id));
  SIMPUL_RETURN_IF_ERROR(txn.Commit());
  m.state = schema::MessageState::kSent;
  m.sent_channel = "click_to_chat";
  m.sent_by = store.Actor();
  m.sent_at_ms = now;
  return m;
}

}  // namespace simpul::node
