// The Messages page: the texts for residents' phones that returns,
// decisions, letters and case updates make (schema/resident_messages.h), each
// with its click-to-chat link, and recording one as sent
// (node/resident_messages.h), as `simpul-node messages` / `message sent`.
#include "node/api/api_call.h"
#include "node/resident_messages.h"
#include "sync/hlc.h"

namespace simpul::node::api {
namespace {

void MessageJson(const ApiCall& call, JsonWriter& j, const schema::ResidentMessage& m) {
  int64_t at = m.at_ms ? m.at_ms : VersionMs(m.at);
  j.BeginObject();
  schema::WriteMessageFields(j, m);
  j.Field("when", ShowTime(call, at))
      .Field("sent_when", m.sent_at_ms ? ShowTime(call, m.sent_at_ms) : std::string())
      .EndObject();
}

}  // namespace

web::HttpResponse ListMessages(ApiCall& call) {
  NodeStore& store = call.store();
  schema::MessageFilter filter;
  filter.village = store.village();
  filter.include_settled = call.req.Query("all") == "1";
  if (!filter.include_settled) {  // the last 30 days, as the CLI
    uint64_t now = store.NowMs(), month = 30ull * 86400000;
    filter.since_version = sync::Hlc::FormatVersion(sync::Stamp::Make(now > month ? now - month : 0, 0), "");
  }
  auto messages = schema::ListResidentMessages(store.db(), filter);
  if (!messages.ok()) return StatusReply(call, messages.status());
  JsonWriter j;
  j.BeginObject().Key("messages").BeginArray();
  for (const auto& m : *messages) MessageJson(call, j, m);
  return JsonReply(200, j.EndArray().EndObject().str());
}

web::HttpResponse MarkMessageSent(ApiCall& call) {
  auto sent = RecordClickToChatSend(call.store(), call.Param("id"));
  if (!sent.ok()) return StatusReply(call, sent.status());
  JsonWriter j;
  MessageJson(call, j, *sent);
  return JsonReply(200, j.str());
}

}  // namespace simpul::node::api
