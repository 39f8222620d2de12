// The store's lock state, unlocking and locking, sign-in and sign-out, the
// session, the language and the page strings.
#include <sodium.h>

#include "node/api/api_call.h"
#include "node/web/page_strings.h"
#include "schema/model.h"
#include "schema/regions.h"
#include "schema/validate.h"

namespace simpul::node::api {
namespace {

void WriteSession(JsonWriter& j, const web::Session& s, NodeStore& store) {
  schema::DbRegionLookup regions(store.db());
  j.Field("name", s.user).Field("role", s.role).Field("lang", s.lang).Field("csrf_token", s.csrf_token)
      .Field("village", store.village()).Field("village_name", regions.Name(store.village()));
  j.Key("may").BeginObject();
  j.Field("read", sync::RoleAllows(s.role, sync::Permission::kRead))
      .Field("record", sync::RoleAllows(s.role, sync::Permission::kRecord));
  j.EndObject();
}

}  // namespace

web::HttpResponse GetState(ApiCall& call) {
  JsonWriter j;
  j.BeginObject().Field("locked", call.app.store == nullptr);
  if (call.app.store) {
    schema::DbRegionLookup regions(call.store().db());
    j.Field("village", call.store().village()).Field("village_name", regions.Name(call.store().village()))
        .Field("accounts", sync::HasOperators(call.store().db()));
  }
  return JsonReply(200, j.EndObject().str());
}

web::HttpResponse Unlock(ApiCall& call) {
  auto body = Body(call);
  if (!body.ok()) return StatusReply(call, body.status());
  call.lang = web::ParseLang(body->String("lang"), call.lang);
  if (call.app.store) return JsonReply(200, "{\"locked\":false}");
  std::string passphrase = body->String("passphrase");
  if (passphrase.empty() || passphrase.size() > 1024)
    return ErrorReply(400, "invalid_argument", Msg(call.lang, MsgId::kWebWrongPassphrase), "passphrase");
  // Passphrase guessing is slowed like password guessing: one name for all.
  const std::string from = call.req.PeerAddress();
  if (int64_t wait = call.app.throttle.WaitMs("(office passphrase)", from, call.now_ms); wait > 0) {
    int64_t seconds = (wait + 999) / 1000;
    auto r = ErrorReply(429, "throttled", Msg(call.lang, MsgId::kWebSignInThrottled, {std::to_string(seconds)}));
    r.Set("retry-after", std::to_string(seconds));
    return r;
  }
  auto key = NodeStore::Unlock(call.app.data_dir, passphrase);
  sodium_memzero(passphrase.data(), passphrase.size());
  if (!key.ok()) {
    if (key.status().code() != Code::kUnauthenticated) return StatusReply(call, key.status());
    // Noted by Unlock (unlock-failures.log) and audited at the next unlock.
    call.app.throttle.Failed("(office passphrase)", from, call.now_ms);
    return ErrorReply(401, "wrong_passphrase", Msg(call.lang, MsgId::kWebWrongPassphrase), "passphrase");
  }
  call.app.throttle.Succeeded("(office passphrase)");
  auto store = NodeStore::Open(call.app.data_dir, call.app.clock, std::move(key).value());
  if (!store.ok()) return StatusReply(call, store.status());
  call.app.store = std::move(store).value();
  call.app.last_activity_ms = call.now_ms;
  call.store().set_actor("village web app");
  AuditNow(call.store(), "unlocked", call.store().village(), "web, from " + from);
  return JsonReply(200, "{\"locked\":false}");
}

web::HttpResponse LockStore(ApiCall& call) {
  AuditNow(call.store(), "locked", call.store().village(), "web");
  call.app.Lock();
  auto r = JsonReply(200, "{\"locked\":true}");
  r.Add("set-cookie", call.app.sessions.ClearingCookie());
  return r;
}

web::HttpResponse SignIn(ApiCall& call) {
  auto body = Body(call);
  if (!body.ok()) return StatusReply(call, body.status());
  call.lang = web::ParseLang(body->String("lang"), call.lang);
  NodeStore& store = call.store();
  if (!sync::HasOperators(store.db()))
    return ErrorReply(409, "no_accounts", Msg(call.lang, MsgId::kWebNoAccounts));
  const std::string name = body->String("name"), password = body->String("password");
  if (name.empty() || name.size() > 64 || password.empty() || password.size() > 1024)
    return ErrorReply(400, "invalid_argument", Msg(call.lang, MsgId::kLoginFailed), name.empty() ? "name" : "password");
  const std::string from = call.req.PeerAddress();
  if (int64_t wait = call.app.throttle.WaitMs(name, from, call.now_ms); wait > 0) {
    int64_t seconds = (wait + 999) / 1000;
    AuditNow(store, "refused", name, "sign-in throttled (web)");
    auto r = ErrorReply(429, "throttled", Msg(call.lang, MsgId::kWebSignInThrottled, {std::to_string(seconds)}));
    r.Set("retry-after", std::to_string(seconds));
    return r;
  }
  auto op = sync::Authenticate(store.db(), name, password);
  if (!op.ok()) {
    if (op.status().code() != Code::kPermissionDenied) return StatusReply(call, op.status());
    call.app.throttle.Failed(name, from, call.now_ms);
    AuditNow(store, "refused", name, "sign-in failed (web)");
    return ErrorReply(401, "sign_in_failed", Msg(call.lang, MsgId::kLoginFailed));
  }
  call.app.throttle.Succeeded(name);
  auto created = call.app.sessions.Create(op->name, op->role, web::LangCode(call.lang), call.now_ms);
  if (!created.ok()) return StatusReply(call, created.status());
  call.app.last_activity_ms = call.now_ms;
  store.set_actor(op->name + " (" + op->role + ")");
  AuditNow(store, "sign_in", op->name, "web");
  JsonWriter j;
  j.BeginObject();
  WriteSession(j, created->session, store);
  auto r = JsonReply(200, j.EndObject().str());
  r.Add("set-cookie", call.app.sessions.CookieFor(created->token));
  return r;
}

web::HttpResponse SignOut(ApiCall& call) {
  call.app.sessions.Destroy(call.token);
  AuditNow(call.store(), "sign_out", call.user(), "web");
  auto r = JsonReply(200, "{\"signed_out\":true}");
  r.Add("set-cookie", call.app.sessions.ClearingCookie());
  return r;
}

web::HttpResponse CurrentSession(ApiCall& call) {
  JsonWriter j;
  j.BeginObject();
  WriteSession(j, *call.session, call.store());
  return JsonReply(200, j.EndObject().str());
}

web::HttpResponse ChangeLanguage(ApiCall& call) {
  auto body = Body(call);
  if (!body.ok()) return StatusReply(call, body.status());
  std::string lang = body->String("lang");
  if (lang != "id" && lang != "en") return StatusReply(call, schema::CheckEnum("lang", lang, "id, en", false));
  call.app.sessions.SetLang(call.token, lang);
  return JsonReply(200, JsonWriter().BeginObject().Field("lang", lang).EndObject().str());
}

web::HttpResponse PageStrings(ApiCall& call) {
  JsonWriter j;
  j.BeginObject().Field("lang", web::LangCode(call.lang)).Key("strings");
  WriteVillagePageStrings(call.lang, j);
  auto r = JsonReply(200, j.EndObject().str());
  r.Set("cache-control", "no-cache");
  return r;
}

}  // namespace simpul::node::api
