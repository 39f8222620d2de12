// Pieces the API's handler files share (hub/api/*.cc). Not an API.
//
// Every reply of the API is JSON except documents and letters; replies and
// error bodies are web/api_reply.h's, shared with the village app.
#ifndef SIMPUL_HUB_API_API_CALL_H_
#define SIMPUL_HUB_API_API_CALL_H_

#include <cstdint>
#include <optional>
#include <string>

#include "hub/history.h"
#include "hub/operations.h"
#include "hub/store.h"
#include "schema/service_rules.h"
#include "schema/messages.h"
#include "schema/status.h"
#include "sync/accounts.h"
#include "web/api_reply.h"
#include "web/http.h"
#include "web/json.h"
#include "web/router.h"
#include "web/sessions.h"
#include "web/throttle.h"

namespace simpul::hub::api {

struct ApiCall {
  const web::HttpRequest& req;
  const web::PathParams& params;
  HubStore& store;
  web::SessionStore& sessions;
  web::SignInThrottle& throttle;
  int64_t now_ms;
  Lang lang = Lang::kId;
  std::optional<web::Session> session;  // set for every endpoint but the public ones
  std::string token;                    // the session cookie's value

  std::string Param(const std::string& name) const;
  // A number in the query (`?limit=50`): `fallback` when absent, else whole
  // digits within [min, max] or InvalidArgument naming the field (atoi made
  // "abc" 1 and "10x" 10).
  Result<int> IntQuery(const std::string& name, int fallback, int min, int max) const;
  const std::string& user() const { return session->user; }
  const std::string& role() const { return session->role; }
};

using ApiHandler = web::HttpResponse (*)(ApiCall&);

struct ApiRoute {
  const char* method;
  const char* pattern;
  bool needs_session;
  sync::Permission permission;  // with a session: what the role must allow
  ApiHandler handler;
};

// Replies (web/api_reply.h).
using web::ApiCodeName;
using web::ErrorReply;
using web::JsonReply;
using web::LangCode;
using web::ParseLang;
using web::StatusToHttp;
// The reply for a failed Status: its HTTP status, its catalogue text in the
// caller's language.
web::HttpResponse StatusReply(const ApiCall& call, const Status& status);

// The request's JSON body (InvalidArgument naming what is wrong).
Result<web::JsonObject> JsonBody(const ApiCall& call);


// Audits outside an operation's own transaction (reads, sign-ins).
Status AuditNow(HubStore& store, const std::string& action, const std::string& village, const std::string& subject,
                const std::string& detail);

// Handlers (session_api.cc).
web::HttpResponse SignIn(ApiCall& call);
web::HttpResponse SignOut(ApiCall& call);
web::HttpResponse CurrentSession(ApiCall& call);
web::HttpResponse ChangeLanguage(ApiCall& call);
web::HttpResponse PageStrings(ApiCall& call);
// applications_api.cc
web::HttpResponse ListQueue(ApiCall& call);
web::HttpResponse ListVillages(ApiCall& call);
web::HttpResponse ShowApplication(ApiCall& call);
// actions_api.cc ("stage" records the next stage of the rule: hub/stages.h)
web::HttpResponse TakeAction(ApiCall& call);
// stages_api.cc: writes the rule's "stages" (passed or missing, by whom and
// when) and "next_stage" of `app`; returns the first stage not passed.
Result<std::optional<schema::StageRule>> WriteStages(web::JsonWriter& j, ApiCall& call, const Row& app,
                                                     const History& history);
// conflicts_api.cc: writes "conflicts", the open conflicts on `app`, its
// applicant and its household, with both values in words.
Status WriteConflicts(web::JsonWriter& j, ApiCall& call, const Row& app);
web::HttpResponse ResolveConflictApi(ApiCall& call);
// documents_api.cc
web::HttpResponse GetDocument(ApiCall& call);
web::HttpResponse GetLetterPdf(ApiCall& call);
// cases_api.cc
web::HttpResponse ListCases(ApiCall& call);
web::HttpResponse ShowCase(ApiCall& call);
web::HttpResponse OpenWalkInCase(ApiCall& call);
web::HttpResponse TakeCaseStep(ApiCall& call);
// exports_api.cc
web::HttpResponse ExportQueue(ApiCall& call);
web::HttpResponse ExportPbiProposal(ApiCall& call);
web::HttpResponse ExportSiperjakeRecap(ApiCall& call);
// fleet_api.cc
web::HttpResponse ListFleet(ApiCall& call);
web::HttpResponse RevokeNodeApi(ApiCall& call);
web::HttpResponse IssueEnrolmentApi(ApiCall& call);
// audit_api.cc
web::HttpResponse ListAudit(ApiCall& call);
// dashboard_api.cc
web::HttpResponse ShowDashboard(ApiCall& call);
web::HttpResponse DashboardChart(ApiCall& call);
web::HttpResponse DashboardTable(ApiCall& call);

}  // namespace simpul::hub::api

#endif  // SIMPUL_HUB_API_API_CALL_H_
