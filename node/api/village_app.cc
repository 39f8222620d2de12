#include "node/api/village_app.h"

#include <chrono>
#include <mutex>

#include "node/api/api_call.h"
#include "node/web/assets.h"
#include "web/assets.h"
#include "web/escape.h"
#include "web/security_headers.h"

namespace simpul::node {
namespace {

using api::Access;
using sync::Permission;
using web::ErrorReply;

// Every endpoint of docs/API.md's village section, with the permission its
// simpul-node command needs (node/cli/commands.cc: list/show/status read,
// everything that writes records or syncs records).
const api::ApiRoute kRoutes[] = {
    {"GET", "/api/v1/strings", Access::kPublic, Permission::kNone, api::PageStrings},
    {"GET", "/api/v1/state", Access::kPublic, Permission::kNone, api::GetState},
    {"POST", "/api/v1/unlock", Access::kPublic, Permission::kNone, api::Unlock},
    {"POST", "/api/v1/session", Access::kUnlocked, Permission::kNone, api::SignIn},
    {"GET", "/api/v1/session", Access::kSignedIn, Permission::kNone, api::CurrentSession},
    {"DELETE", "/api/v1/session", Access::kSignedIn, Permission::kNone, api::SignOut},
    {"PUT", "/api/v1/session/lang", Access::kSignedIn, Permission::kNone, api::ChangeLanguage},
    {"POST", "/api/v1/lock", Access::kSignedIn, Permission::kNone, api::LockStore},
    {"GET", "/api/v1/search", Access::kSignedIn, Permission::kRead, api::Search},
    {"GET", "/api/v1/households/{id}", Access::kSignedIn, Permission::kRead, api::ShowHousehold},
    {"POST", "/api/v1/households", Access::kSignedIn, Permission::kRecord, api::RegisterHousehold},
    {"PUT", "/api/v1/households/{id}", Access::kSignedIn, Permission::kRecord, api::EditHouseholdApi},
    {"PUT", "/api/v1/persons/{id}", Access::kSignedIn, Permission::kRecord, api::EditPersonApi},
    {"POST", "/api/v1/check/nik", Access::kSignedIn, Permission::kRead, api::CheckNik},
    {"POST", "/api/v1/check/kk", Access::kSignedIn, Permission::kRead, api::CheckKk},
    {"GET", "/api/v1/forms", Access::kSignedIn, Permission::kRead, api::Forms},
    {"GET", "/api/v1/applications", Access::kSignedIn, Permission::kRead, api::Board},
    {"POST", "/api/v1/applications", Access::kSignedIn, Permission::kRecord, api::NewApplication},
    {"GET", "/api/v1/applications/{id}", Access::kSignedIn, Permission::kRead, api::ShowApplication},
    {"PUT", "/api/v1/applications/{id}", Access::kSignedIn, Permission::kRecord, api::EditApplication},
    {"POST", "/api/v1/applications/{id}/submit", Access::kSignedIn, Permission::kRecord, api::SubmitApplication},
    {"GET", "/api/v1/applications/{id}/letter", Access::kSignedIn, Permission::kRead, api::GetLetterPdf},
    {"POST", "/api/v1/applications/{id}/documents", Access::kSignedIn, Permission::kRecord, api::AddDocument, true},
    {"PUT", "/api/v1/applications/{id}/documents/{doc}", Access::kSignedIn, Permission::kRecord, api::ReplaceDocument,
     true},
    {"GET", "/api/v1/applications/{id}/documents/{doc}", Access::kSignedIn, Permission::kRead, api::ViewDocument},
    {"GET", "/api/v1/sync", Access::kSignedIn, Permission::kRead, api::SyncStatus},
    {"POST", "/api/v1/sync", Access::kSignedIn, Permission::kRecord, api::SyncNow},
    {"POST", "/api/v1/sync/bundle/export", Access::kSignedIn, Permission::kRecord, api::ExportBundleFile},
    {"POST", kBundleImportPath, Access::kSignedIn, Permission::kRecord, api::ImportBundleFile},
    {"GET", "/api/v1/cases", Access::kSignedIn, Permission::kRead, api::ListCases},
    {"POST", "/api/v1/cases", Access::kSignedIn, Permission::kRecord, api::OpenCase},
    {"GET", "/api/v1/cases/{id}", Access::kSignedIn, Permission::kRead, api::ShowCase},
    {"POST", "/api/v1/cases/{id}/notes", Access::kSignedIn, Permission::kRecord, api::AddCaseNote},
    {"GET", "/api/v1/conflicts", Access::kSignedIn, Permission::kRead, api::ListOpenConflicts},
    {"POST", "/api/v1/conflicts/{id}/resolve", Access::kSignedIn, Permission::kRecord, api::ResolveOpenConflict},
    {"GET", "/api/v1/messages", Access::kSignedIn, Permission::kRead, api::ListMessages},
    {"POST", "/api/v1/messages/{id}/sent", Access::kSignedIn, Permission::kRecord, api::MarkMessageSent},
    {"GET", "/api/v1/registrations", Access::kSignedIn, Permission::kRead, api::ListRegistrationsApi},
    {"GET", "/api/v1/registrations/{id}", Access::kSignedIn, Permission::kRead, api::ShowRegistration},
    {"GET", "/api/v1/registrations/{id}/photos/{kind}", Access::kSignedIn, Permission::kRead, api::RegistrationPhoto},
    {"POST", "/api/v1/registrations/{id}/accept", Access::kSignedIn, Permission::kRecord, api::AcceptRegistrationApi},
    {"POST", "/api/v1/registrations/{id}/reject", Access::kSignedIn, Permission::kRecord, api::RejectRegistrationApi},
    {"GET", "/api/v1/kiosk/qr.svg", Access::kSignedIn, Permission::kRead, api::KioskQrSvg},
};

// Page addresses and the compiled-in file each serves.
struct PagePath {
  const char* path;
  const char* file;
};
constexpr PagePath kPages[] = {{"/", "/index.html"},           {"/unlock", "/unlock.html"},
                               {"/signin", "/signin.html"},     {"/register", "/register.html"},
                               {"/household", "/household.html"}, {"/application", "/application.html"},
                               {"/board", "/board.html"},       {"/sync", "/sync.html"},
                               {"/cases", "/cases.html"},       {"/case", "/case.html"},
                               {"/conflicts", "/conflicts.html"}, {"/messages", "/messages.html"},
                               {"/registrations", "/registrations.html"}, {"/kiosk-poster", "/kiosk_poster.html"}};

int64_t WallClockMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The role of `user`'s active account, or "" when it is disabled or gone.
std::string ActiveRole(NodeStore& store, const std::string& user) {
  auto ops = sync::ListOperators(store.db());
  if (!ops.ok()) return {};
  for (const auto& op : *ops)
    if (op.name == user) return op.role;
  return {};
}

// True when the Host header names this machine's loopback: a page of
// another site rebinding its name to 127.0.0.1 sends its own name.
bool LoopbackHost(std::string_view host) {
  std::string_view name = host;
  if (!name.empty() && name.front() == '[') {
    name = name.substr(0, name.find(']') == std::string_view::npos ? name.size() : name.find(']') + 1);
  } else if (auto colon = name.find(':'); colon != std::string_view::npos) {
    name = name.substr(0, colon);
  }
  return name == "127.0.0.1" || name == "localhost" || name == "[::1]";
}

web::HttpResponse HtmlPage(int status, const std::string& title, const std::string& text) {
  web::HttpResponse r;
  r.status = status;
  r.content_type = "text/html; charset=utf-8";
  r.body = "<!doctype html><html lang=\"id\"><head><meta charset=\"utf-8\"><title>" + web::HtmlEscape(title) +
           "</title><link rel=\"stylesheet\" href=\"/assets/app.css\"></head><body><main class=\"notice\"><h1>" +
           web::HtmlEscape(title) + "</h1><p>" + web::HtmlEscape(text) + "</p></main></body></html>\n";
  return r;
}

}  // namespace

struct VillageApp::Impl {
  Impl(std::string dir, sync::Clock* clock, VillageAppOptions o, std::function<int64_t()> n)
      : state(std::move(dir), clock, o), files(NodeWebAssets()), now(std::move(n)) {
    if (!now) now = WallClockMs;
    for (const auto& route : kRoutes)
      router.Add(route.method, route.pattern,
                 [this, &route](const web::HttpRequest& req, const web::PathParams& params) {
                   return Run(route, req, params);
                 });
  }

  web::HttpResponse Run(const api::ApiRoute& route, const web::HttpRequest& req, const web::PathParams& params);
  web::HttpResponse Api(const web::HttpRequest& req);
  web::HttpResponse Page(const web::HttpRequest& req);

  std::mutex mu;  // one call at a time, from either listener
  api::AppState state;
  web::StaticFiles files;
  std::function<int64_t()> now;
  web::Router router;
};

web::HttpResponse VillageApp::Impl::Run(const api::ApiRoute& route, const web::HttpRequest& req,
                                        const web::PathParams& params) {
  api::ApiCall call{req, params, state, now(), web::ParseLang(req.Query("lang"), Lang::kId), std::nullopt, {}};
  // Idle too long: lock before anything else runs.
  if (state.store && state.last_activity_ms > 0 &&
      call.now_ms - state.last_activity_ms > state.options.lock_after_idle_ms) {
    api::AuditNow(*state.store, "locked", state.store->village(), "web app idle");
    state.Lock();
  }
  // A JSON body over its limit is refused before anything reads it; a scan
  // over its limit once the operator's language is known (below); a reply
  // bundle by its handler (max_bundle_bytes).
  if (!route.upload && route.pattern != std::string_view(kBundleImportPath) && req.body.size() > web::kMaxJsonBody) {
    return ErrorReply(413, "resource_exhausted",
                      "request body over " + std::to_string(web::kMaxJsonBody) + " bytes", "body");
  }
  if (route.access == Access::kPublic) return route.handler(call);
  if (!state.store) return ErrorReply(423, "locked", Msg(call.lang, MsgId::kWebStoreLocked));
  NodeStore& store = *state.store;
  store.set_actor("village web app");
  if (route.access == Access::kUnlocked) return route.handler(call);

  call.token = req.Cookie(state.sessions.options().cookie_name);
  auto session = state.sessions.Touch(call.token, call.now_ms);
  auto signed_out = [&] {
    auto r = ErrorReply(401, "unauthenticated", Msg(call.lang, MsgId::kWebSignInRequired));
    if (!call.token.empty()) r.Add("set-cookie", state.sessions.ClearingCookie());
    return r;
  };
  if (!session) return signed_out();
  call.lang = web::ParseLang(session->lang, call.lang);
  // The account is read again: a disabled account (or a changed role) ends
  // its sessions at their next request.
  std::string role = ActiveRole(store, session->user);
  if (role.empty() || role != session->role) {
    state.sessions.Destroy(call.token);
    return signed_out();
  }
  state.last_activity_ms = call.now_ms;
  store.set_actor(session->user + " (" + role + ")");
  call.session = std::move(session);
  std::string what = req.method + " " + std::string(req.Path()) + " (web)";
  if (web::IsStateChanging(req.method) && !web::CsrfTokenValid(*call.session, req)) {
    api::AuditNow(store, "refused", call.user(), "CSRF token missing or wrong: " + what);
    return ErrorReply(403, "csrf", Msg(call.lang, MsgId::kWebCsrfRefused));
  }
  if (!sync::RoleAllows(role, route.permission)) {
    api::AuditNow(store, "refused", call.user(), "role " + role + " may not " + what);
    return ErrorReply(403, "permission_denied", Msg(call.lang, MsgId::kWebRoleForbids, {role}));
  }
  if (web::HttpResponse refusal; route.upload && api::OverUploadLimit(call, &refusal)) return refusal;
  return route.handler(call);
}

web::HttpResponse VillageApp::Impl::Api(const web::HttpRequest& req) {
  Lang lang = web::ParseLang(req.Query("lang"), Lang::kId);
  return router.Dispatch(req, [&](int status, const std::string&) {
    return status == 405 ? ErrorReply(405, "method_not_allowed", Msg(lang, MsgId::kWebMethodNotAllowed))
                         : ErrorReply(404, "not_found", Msg(lang, MsgId::kWebNotFound));
  });
}

web::HttpResponse VillageApp::Impl::Page(const web::HttpRequest& req) {
  web::HttpRequest mapped = req;
  for (const auto& p : kPages) {
    if (req.Path() == p.path) {
      mapped.target = p.file;
      break;
    }
  }
  // Only the pages and /assets/...: each page has one address.
  bool page = mapped.target != req.target || req.Path().rfind("/assets/", 0) == 0;
  if (page) {
    if (auto r = files.Serve(mapped)) return *r;
  }
  if (req.method != "GET") return HtmlPage(405, "405", Msg(Lang::kId, MsgId::kWebMethodNotAllowed));
  return HtmlPage(404, "404", Msg(Lang::kId, MsgId::kWebNotFound) + " / " + Msg(Lang::kEn, MsgId::kWebNotFound));
}

VillageApp::VillageApp(std::string data_dir, sync::Clock* clock, VillageAppOptions options,
                       std::function<int64_t()> now_ms)
    : impl_(std::make_unique<Impl>(std::move(data_dir), clock, std::move(options), std::move(now_ms))) {}

VillageApp::~VillageApp() { impl_->state.sync.Wait(); }

bool VillageApp::unlocked() const { return impl_->state.store != nullptr; }

void VillageApp::WaitForSync() { impl_->state.sync.Wait(); }

web::HttpResponse VillageApp::HandleKiosk(const web::HttpRequest& req) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  if (impl_->state.options.kiosk_address.empty()) return HtmlPage(404, "404", Msg(Lang::kId, MsgId::kWebNotFound));
  return api::HandleKiosk(impl_->state, impl_->files, req, impl_->now());
}

web::HttpResponse VillageApp::Handle(const web::HttpRequest& req) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  std::string_view host = req.HeaderValue("host");
  if (!LoopbackHost(host)) {
    Lang lang = web::ParseLang(req.Query("lang"), Lang::kId);
    std::string text = Msg(lang, MsgId::kWebHostRefused, {std::string(host.substr(0, 100))});
    if (req.Path().rfind("/api/", 0) == 0) return ErrorReply(421, "host_refused", text);
    return HtmlPage(421, "421", text);
  }
  return req.Path().rfind("/api/", 0) == 0 ? impl_->Api(req) : impl_->Page(req);
}

}  // namespace simpul::node
