// The villages page (docs/API.md "Villages"): per village its nodes, last
// contact, protocol and schema, refused requests and open conflicts
// (hub/fleet.h), the longest silent first; and revoking a node, with the
// permission `simpul-hub node revoke` needs (administer).
#include "hub/api/api_call.h"
#include "hub/fleet.h"
#include "hub/operations.h"
#include "schema/local_time.h"
#include "schema/validate.h"

namespace simpul::hub::api {
namespace {

std::string Ago(Lang lang, int64_t ms, int64_t now) {
  return ms > 0 ? schema::FormatAgo(ms, now, LangCode(lang)) : std::string(Tr(lang, "never"));
}

std::string When(Lang lang, int64_t ms, const std::string& village) {
  return ms > 0 ? schema::FormatShortDateTime(ms, schema::ZoneOfRegion(village), LangCode(lang)) : std::string();
}

}  // namespace

web::HttpResponse ListFleet(ApiCall& call) {
  auto fleet = LoadFleet(call.store);
  if (!fleet.ok()) return StatusReply(call, fleet.status());
  const Lang lang = call.lang;
  const int64_t now = call.now_ms;
  web::JsonWriter j;
  j.BeginObject().Key("villages").BeginArray();
  for (const auto& v : *fleet) {
    j.BeginObject().Field("village", v.village).Field("name", v.name)
        .Field("last_contact_text", Ago(lang, v.last_contact_ms, now))
        .Field("last_contact_at", When(lang, v.last_contact_ms, v.village))
        .Field("silent_days", v.last_contact_ms > 0 ? (now - v.last_contact_ms) / 86400000 : -1)
        .Field("refusals", v.refusals).Field("open_conflicts", v.open_conflicts).Key("nodes").BeginArray();
    for (const auto& n : v.nodes)
      j.BeginObject().Field("node_id", n.node_id).Field("status", n.status)
          .Field("status_label", n.status == "revoked" ? Tr(lang, "revoked") : Tr(lang, "active"))
          .Field("revoke_reason", n.revoke_reason).Field("enrolled_text", When(lang, n.enrolled_at_ms, v.village))
          .Field("last_seen_text", Ago(lang, n.last_seen_ms, now)).Field("protocol", n.protocol)
          .Field("schema", n.schema).EndObject();
    j.EndArray().EndObject();
  }
  j.EndArray().Field("may_revoke", sync::RoleAllows(call.role(), sync::Permission::kAdminister));
  return JsonReply(200, j.EndObject().str());
}

web::HttpResponse RevokeNodeApi(ApiCall& call) {
  auto body = JsonBody(call);
  if (!body.ok()) return StatusReply(call, body.status());
  const std::string id = call.Param("id"), reason = body->String("reason");
  const Lang lang = call.lang;
  if (reason.find_first_not_of(" \t\r\n") == std::string::npos)
    return StatusReply(call, Status::InvalidArgument("reason is required").WithField("reason")
                                 .WithMsg(MsgId::kFieldRequired, {Tr(lang, "Reason")}));
  if (Status st = schema::CheckLength("reason", reason, 500); !st.ok()) return StatusReply(call, st);
  if (Status st = RevokeNode(call.store, id, reason + " (web)"); !st.ok()) return StatusReply(call, st);
  web::JsonWriter j;
  return JsonReply(200, j.BeginObject().Field("node_id", id).Field("status", "revoked").EndObject().str());
}

}  // namespace simpul::hub::api
