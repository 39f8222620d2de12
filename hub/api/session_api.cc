// Sign-in, sign-out, the current session and the page strings.
#include "hub/api/api_call.h"
#include "hub/web/page_strings.h"
#include "schema/validate.h"
#include "sync/accounts.h"

namespace simpul::hub::api {
namespace {

void WriteSession(web::JsonWriter& j, const web::Session& s, HubStore& store) {
  j.Field("name", s.user).Field("role", s.role).Field("lang", s.lang).Field("csrf_token", s.csrf_token)
      .Field("hub", store.Meta("name"));
  j.Key("may").BeginObject();
  j.Field("read", sync::RoleAllows(s.role, sync::Permission::kRead))
      .Field("verify", sync::RoleAllows(s.role, sync::Permission::kVerify))
      .Field("review", sync::RoleAllows(s.role, sync::Permission::kReview))
      .Field("decide", sync::RoleAllows(s.role, sync::Permission::kDecide))
      .Field("administer", sync::RoleAllows(s.role, sync::Permission::kAdminister))
      .Field("audit", sync::RoleAllows(s.role, sync::Permission::kAudit));
  j.EndObject();
}

}  // namespace

web::HttpResponse SignIn(ApiCall& call) {
  call.store.set_actor("web sign-in");
  auto body = JsonBody(call);
  if (!body.ok()) return StatusReply(call, body.status());
  call.lang = ParseLang(body->String("lang"), call.lang);
  const std::string name = body->String("name"), password = body->String("password");
  if (name.empty() || name.size() > 64 || password.empty() || password.size() > 1024)
    return ErrorReply(400, "invalid_argument", Msg(call.lang, MsgId::kLoginFailed), name.empty() ? "name" : "password");
  const std::string from = call.req.PeerAddress();
  if (int64_t wait = call.throttle.WaitMs(name, from, call.now_ms); wait > 0) {
    int64_t seconds = (wait + 999) / 1000;
    (void)AuditNow(call.store, "refused", "", name, "sign-in throttled (web, from " + from + ")");
    auto r = ErrorReply(429, "throttled", Msg(call.lang, MsgId::kWebSignInThrottled, {std::to_string(seconds)}));
    r.Set("retry-after", std::to_string(seconds));
    return r;
  }
  auto op = sync::Authenticate(call.store.db(), name, password);
  if (!op.ok()) {
    if (op.status().code() != Code::kPermissionDenied) return StatusReply(call, op.status());
    call.throttle.Failed(name, from, call.now_ms);
    (void)AuditNow(call.store, "refused", "", name, "sign-in failed (web, from " + from + ")");
    return ErrorReply(401, "sign_in_failed", Msg(call.lang, MsgId::kLoginFailed));
  }
  call.throttle.Succeeded(name);
  auto created = call.sessions.Create(op->name, op->role, LangCode(call.lang), call.now_ms);
  if (!created.ok()) return StatusReply(call, created.status());
  call.store.set_actor(op->name + " (" + op->role + ")");
  if (Status st = AuditNow(call.store, "sign_in", "", op->name, "web, from " + from); !st.ok())
    return StatusReply(call, st);
  web::JsonWriter j;
  j.BeginObject();
  WriteSession(j, created->session, call.store);
  j.EndObject();
  auto r = JsonReply(200, j.str());
  r.Add("set-cookie", call.sessions.CookieFor(created->token));
  return r;
}

web::HttpResponse SignOut(ApiCall& call) {
  call.sessions.Destroy(call.token);
  (void)AuditNow(call.store, "sign_out", "", call.user(), "web");
  auto r = JsonReply(200, "{\"signed_out\":true}");
  r.Add("set-cookie", call.sessions.ClearingCookie());
  return r;
}

web::HttpResponse CurrentSession(ApiCall& call) {
  web::JsonWriter j;
  j.BeginObject();
  WriteSession(j, *call.session, call.store);
  return JsonReply(200, j.EndObject().str());
}

web::HttpResponse ChangeLanguage(ApiCall& call) {
  auto body = JsonBody(call);
  if (!body.ok()) return StatusReply(call, body.status());
  std::string lang = body->String("lang");
  if (lang != "id" && lang != "en")
    return StatusReply(call, schema::CheckEnum("lang", lang, "id, en", false));
  call.sessions.SetLang(call.token, lang);
  return JsonReply(200, web::JsonWriter().BeginObject().Field("lang", lang).EndObject().str());
}

web::HttpResponse PageStrings(ApiCall& call) {
  web::JsonWriter j;
  j.BeginObject().Field("lang", LangCode(call.lang)).Key("strings");
  WritePageStrings(call.lang, j);
  auto r = JsonReply(200, j.EndObject().str());
  r.Set("cache-control", "no-cache");
  return r;
}

}  // namespace simpul::hub::api
