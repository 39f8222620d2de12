// The villages page (docs/API.md "Villages"): per village its nodes, last
// contact, protocol and schema, the changes waiting at the village, refused requests and open conflicts
// (hub/fleet.h), the longest silent first; and revoking a node, with the
// permission `simpul-hub node revoke` needs (administer); issuing a village's
// one-time enrolment code as `simpul-hub node enrol` does (administer).
#include "hub/api/api_call.h"
#include "hub/enrolment.h"
#include "hub/fleet.h"
#include "hub/operations.h"
#include "hub/ui_texts.h"
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
    for (const auto& n : v.nodes) {
      j.BeginObject().Field("node_id", n.node_id).Field("status", n.status)
          .Field("status_label", n.status == "revoked" ? Tr(lang, "revoked") : Tr(lang, "active"))
          .Field("revoke_reason", n.revoke_reason).Field("enrolled_text", When(lang, n.enrolled_at_ms, v.village))
          .Field("last_seen_text", Ago(lang, n.last_seen_ms, now)).Field("protocol", n.protocol)
          .Field("schema", n.schema).Key("outbox_waiting");
      n.outbox_waiting >= 0 ? j.Int(n.outbox_waiting) : j.Null();
      j.Field("outbox_reported_text", n.outbox_waiting >= 0 ? Ago(lang, n.outbox_reported_ms, now) : std::string())
          .EndObject();
    }
    j.EndArray().EndObject();
  }
  const bool admin = sync::RoleAllows(call.role(), sync::Permission::kAdminister);
  j.EndArray().Field("may_revoke", admin).Field("may_enrol", admin);
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

// The address the village types: this hub as the browser reached it (a
// Host header of host name, address and port characters only), else the
// placeholder the CLI prints.
static std::string HubUrl(const ApiCall& call) {
  std::string host(call.req.HeaderValue("host"));
  bool plain = !host.empty() && host.size() <= 255 &&
               host.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]") ==
                   std::string::npos;
  if (!plain) return Tr(call.lang, "http://HUB-ADDRESS:8470");
  return (call.req.HeaderValue("x-forwarded-proto") == "https" ? "https://" : "http://") + host;
}

web::HttpResponse IssueEnrolmentApi(ApiCall& call) {
  // Checked here rather than by the route: the refusal says who may.
  if (!sync::RoleAllows(call.role(), sync::Permission::kAdminister)) {
    (void)AuditNow(call.store, "refused", call.Param("village"), call.user(),
                   "role " + call.role() + " may not issue an enrolment code (web)");
    return ErrorReply(403, "permission_denied", Msg(call.lang, MsgId::kEnrolAdminOnly, {call.role()}));
  }
  auto body = JsonBody(call);
  if (!body.ok()) return StatusReply(call, body.status());
  // "days": a number of days as text (the page's field), 7 when absent.
  const std::string text = body->Has("days") ? body->String("days") : "7";
  const bool digits = !text.empty() && text.size() <= 2 && text.find_first_not_of("0123456789") == std::string::npos;
  const int days = digits ? std::atoi(text.c_str()) : 0;
  if (days < 1 || days > 90)
    return StatusReply(call, Status::InvalidArgument("days must be 1..90").WithField("days")
                                 .WithMsg(MsgId::kNumberRange, {Tr(call.lang, "Valid for (days)"), "1", "90"}));
  auto slip = IssueEnrolment(call.store, call.Param("village"), days);
  if (!slip.ok()) return StatusReply(call, slip.status());
  web::JsonWriter j;
  j.BeginObject().Field("village", slip->village).Field("code", slip->code).Field("expires_ms", slip->expires_ms)
      .Field("expires_text", When(call.lang, slip->expires_ms, slip->village)).Field("hub_key", slip->hub_key)
      .Field("command", NodeEnrolCommand(HubUrl(call), slip->code));
  return JsonReply(200, j.EndObject().str());
}

}  // namespace simpul::hub::api
