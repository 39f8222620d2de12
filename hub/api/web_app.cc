#include "hub/api/web_app.h"

#include <chrono>

#include "hub/api/api_call.h"
#include "hub/operations.h"
#include "hub/setup_mode.h"
#include "hub/web/assets.h"
#include "web/assets.h"
#include "web/escape.h"
#include "web/router.h"

namespace simpul::hub {
namespace {

using sync::Permission;

// Every endpoint of docs/API.md, with the permission its simpul-hub command
// needs (hub/cli/cli.cc's table; decisions check theirs per action, see
// hub/decision_rules.h).
const api::ApiRoute kRoutes[] = {
    {"POST", "/api/v1/session", false, Permission::kNone, api::SignIn},
    {"GET", "/api/v1/session", true, Permission::kNone, api::CurrentSession},
    {"DELETE", "/api/v1/session", true, Permission::kNone, api::SignOut},
    {"PUT", "/api/v1/session/lang", true, Permission::kNone, api::ChangeLanguage},
    {"GET", "/api/v1/strings", false, Permission::kNone, api::PageStrings},
    {"GET", "/api/v1/applications", true, Permission::kRead, api::ListQueue},
    {"GET", "/api/v1/villages", true, Permission::kRead, api::ListVillages},
    {"GET", "/api/v1/applications/{id}", true, Permission::kRead, api::ShowApplication},
    {"POST", "/api/v1/applications/{id}/actions/{action}", true, Permission::kRead, api::TakeAction},
    {"GET", "/api/v1/applications/{id}/documents/{doc}", true, Permission::kRead, api::GetDocument},
    {"GET", "/api/v1/applications/{id}/letters/{letter}", true, Permission::kRead, api::GetLetterPdf},
    {"POST", "/api/v1/conflicts/{id}/resolve", true, Permission::kReview, api::ResolveConflictApi},
    {"GET", "/api/v1/cases", true, Permission::kRead, api::ListCases},
    {"POST", "/api/v1/cases", true, Permission::kReview, api::OpenWalkInCase},
    {"GET", "/api/v1/cases/{id}", true, Permission::kRead, api::ShowCase},
    {"POST", "/api/v1/cases/{id}/steps/{step}", true, Permission::kReview, api::TakeCaseStep},
    {"GET", "/api/v1/exports/queue", true, Permission::kRead, api::ExportQueue},
    {"GET", "/api/v1/exports/pbi-proposal", true, Permission::kRead, api::ExportPbiProposal},
    {"GET", "/api/v1/exports/siperjake-recap", true, Permission::kRead, api::ExportSiperjakeRecap},
    {"GET", "/api/v1/fleet", true, Permission::kRead, api::ListFleet},
    {"POST", "/api/v1/nodes/{id}/revoke", true, Permission::kAdminister, api::RevokeNodeApi},
    // Administer, checked by the handler (its refusal says who may).
    {"POST", "/api/v1/villages/{village}/enrolment", true, Permission::kRead, api::IssueEnrolmentApi},
    {"GET", "/api/v1/audit", true, Permission::kAudit, api::ListAudit},
    {"GET", "/api/v1/dashboard", true, Permission::kRead, api::ShowDashboard},
    {"GET", "/api/v1/dashboard/chart/{file}", true, Permission::kRead, api::DashboardChart},
    {"GET", "/api/v1/dashboard/table/{file}", true, Permission::kRead, api::DashboardTable},
};

// Page addresses and the compiled-in file each serves.
struct PagePath {
  const char* path;
  const char* file;
};
constexpr PagePath kPages[] = {{"/", "/index.html"}, {"/signin", "/signin.html"}, {"/application", "/application.html"},
                              {"/cases", "/cases.html"}, {"/case", "/case.html"},
                              {"/villages", "/villages.html"}, {"/audit", "/audit.html"},
                              {"/dashboard", "/dashboard.html"}};

int64_t WallClockMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The store's audit actor is the signed-in operator for one call, then the
// sync service's again (the store is shared with it).
class ActorScope {
 public:
  explicit ActorScope(HubStore& store) : store_(store), saved_(store.actor()) {}
  ~ActorScope() { store_.set_actor(saved_); }
  ActorScope(const ActorScope&) = delete;
  ActorScope& operator=(const ActorScope&) = delete;

 private:
  HubStore& store_;
  std::string saved_;
};

// The role of `user`'s active account, or "" when it is disabled or gone.
std::string ActiveRole(HubStore& store, const std::string& user) {
  auto rows = QueryRows(store, "SELECT role FROM operators WHERE name=? AND disabled=0", {user});
  return rows.ok() && !rows->empty() ? RowText(rows->front(), "role") : std::string();
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

struct WebApp::Impl {
  Impl(HubStore& s, WebAppOptions o, std::function<int64_t()> n)
      : store(s), sessions(o.sessions), throttle(o.throttle), api_limit(o.api_limit), files(HubWebAssets()),
        now(std::move(n)) {
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

  HubStore& store;
  web::SessionStore sessions;
  web::SignInThrottle throttle;
  web::RateLimit api_limit;  // per session (or address before signing in)
  web::StaticFiles files;
  std::function<int64_t()> now;
  web::Router router;
};

web::HttpResponse WebApp::Impl::Run(const api::ApiRoute& route, const web::HttpRequest& req,
                                    const web::PathParams& params) {
  api::ApiCall call{req, params, store, sessions, throttle, now(), Lang::kId, std::nullopt, std::string()};
  call.lang = api::ParseLang(req.Query("lang"), Lang::kId);
  ActorScope actor(store);
  if (!route.needs_session) return route.handler(call);

  call.token = req.Cookie(sessions.options().cookie_name);
  auto session = sessions.Touch(call.token, call.now_ms);
  if (!session) {
    auto r = api::ErrorReply(401, "unauthenticated", Msg(call.lang, MsgId::kWebSignInRequired));
    if (!call.token.empty()) r.Add("set-cookie", sessions.ClearingCookie());
    return r;
  }
  call.lang = api::ParseLang(session->lang, call.lang);
  // The account is read again: a disabled account (or a changed role) ends
  // its sessions at their next request.
  std::string role = ActiveRole(store, session->user);
  if (role.empty() || role != session->role) {
    sessions.Destroy(call.token);
    auto r = api::ErrorReply(401, "unauthenticated", Msg(call.lang, MsgId::kWebSignInRequired));
    r.Add("set-cookie", sessions.ClearingCookie());
    return r;
  }
  store.set_actor(session->user + " (" + role + ")");
  call.session = std::move(session);
  std::string what = req.method + " " + std::string(req.Path()) + " (web, from " + req.PeerAddress() + ")";
  if (web::IsStateChanging(req.method) && !web::CsrfTokenValid(*call.session, req)) {
    (void)api::AuditNow(store, "refused", "", call.user(), "CSRF token missing or wrong: " + what);
    return api::ErrorReply(403, "csrf", Msg(call.lang, MsgId::kWebCsrfRefused));
  }
  if (!sync::RoleAllows(role, route.permission)) {
    (void)api::AuditNow(store, "refused", "", call.user(), "role " + role + " may not " + what);
    return api::ErrorReply(403, "permission_denied", Msg(call.lang, MsgId::kWebRoleForbids, {role}));
  }
  return route.handler(call);
}

web::HttpResponse WebApp::Impl::Api(const web::HttpRequest& req) {
  Lang lang = api::ParseLang(req.Query("lang"), Lang::kId);
  if (req.body.size() > web::kMaxJsonBody)
    return api::ErrorReply(413, "resource_exhausted",
                           "request body over " + std::to_string(web::kMaxJsonBody) + " bytes", "body");
  // A script or a stuck page hammering the API slows itself down, not the
  // office: each session (or address, before sign-in) has its own bucket.
  std::string key = req.Cookie(sessions.options().cookie_name);
  key = key.empty() ? "addr:" + req.PeerAddress() : "session:" + key;
  if (int64_t wait = api_limit.Take(key, now()); wait > 0) {
    const int64_t seconds = (wait + 999) / 1000;
    auto r = api::ErrorReply(429, "resource_exhausted", Msg(lang, MsgId::kWebTooManyRequests, {std::to_string(seconds)}));
    r.Set("retry-after", std::to_string(seconds));
    return r;
  }
  return router.Dispatch(req, [&](int status, const std::string&) {
    return status == 405 ? api::ErrorReply(405, "method_not_allowed", Msg(lang, MsgId::kWebMethodNotAllowed))
                         : api::ErrorReply(404, "not_found", Msg(lang, MsgId::kWebNotFound));
  });
}

web::HttpResponse WebApp::Impl::Page(const web::HttpRequest& req) {
  web::HttpRequest mapped = req;
  for (const auto& p : kPages) {
    if (req.Path() == p.path) {
      mapped.target = p.file;
      break;
    }
  }
  // Only the pages and /assets/...: the page files are not served under
  // their own names, so each page has one address.
  bool page = mapped.target != req.target || req.Path().rfind("/assets/", 0) == 0;
  if (page) {
    if (auto r = files.Serve(mapped)) return *r;
  }
  if (req.method != "GET") return HtmlPage(405, "405", Msg(Lang::kId, MsgId::kWebMethodNotAllowed));
  return HtmlPage(404, "404", Msg(Lang::kId, MsgId::kWebNotFound) + " / " + Msg(Lang::kEn, MsgId::kWebNotFound));
}

WebApp::WebApp(HubStore& store, WebAppOptions options, std::function<int64_t()> now_ms)
    : impl_(std::make_unique<Impl>(store, std::move(options), std::move(now_ms))) {}

WebApp::~WebApp() = default;

web::HttpResponse WebApp::Handle(const web::HttpRequest& req) {
  bool api = req.Path().rfind("/api/", 0) == 0;
  if (Status allowed = CheckWebAppAllowed(impl_->store); !allowed.ok()) {
    if (api) return api::ErrorReply(503, "setup_mode", Describe(api::ParseLang(req.Query("lang"), Lang::kId), allowed));
    return HtmlPage(503, "Simpul", Describe(Lang::kId, allowed) + " / " + Describe(Lang::kEn, allowed));
  }
  return api ? impl_->Api(req) : impl_->Page(req);
}

}  // namespace simpul::hub
