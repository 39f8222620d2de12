// Pieces the village API's handler files share (node/api/*.cc). Not an API.
// Replies are web/api_reply.h's JSON and error bodies.
#ifndef SIMPUL_NODE_API_API_CALL_H_
#define SIMPUL_NODE_API_API_CALL_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "node/api/sync_job.h"
#include "node/api/village_app.h"
#include "node/household_form.h"
#include "node/records.h"
#include "node/store.h"
#include "schema/messages.h"
#include "sync/accounts.h"
#include "web/api_reply.h"
#include "web/assets.h"
#include "web/router.h"

namespace simpul::node::api {

using web::ErrorReply;
using web::JsonReply;
using web::JsonWriter;

// What lives as long as the app: the open store (null while locked), the
// sessions, throttles and the sync started from the page.
struct AppState {
  AppState(std::string dir, sync::Clock* c, VillageAppOptions o)
      : data_dir(std::move(dir)),
        clock(c),
        options(o),
        sessions(o.sessions),
        throttle(o.throttle),
        kiosk_rate(o.kiosk_rate) {}

  std::string data_dir;
  sync::Clock* clock;
  VillageAppOptions options;
  std::unique_ptr<NodeStore> store;  // null: locked
  web::SessionStore sessions;
  web::SignInThrottle throttle;
  web::RateLimit kiosk_rate;         // the kiosk's submissions
  SyncJob sync;
  int64_t last_activity_ms = 0;      // of a signed-in request

  // Closes the store (its key is wiped) and ends every session.
  void Lock();
};

struct ApiCall {
  const web::HttpRequest& req;
  const web::PathParams& params;
  AppState& app;
  int64_t now_ms;
  Lang lang = Lang::kId;
  std::optional<web::Session> session;  // set for every endpoint but the public ones
  std::string token;                    // the session cookie's value

  std::string Param(const std::string& name) const;
  NodeStore& store() const { return *app.store; }
  const std::string& user() const { return session->user; }
};

using ApiHandler = web::HttpResponse (*)(ApiCall&);

// Whether an endpoint needs the store unlocked and a session.
enum class Access { kPublic, kUnlocked, kSignedIn };

struct ApiRoute {
  const char* method;
  const char* pattern;
  Access access;
  sync::Permission permission;  // signed in: what the role must allow (the CLI command's)
  ApiHandler handler;
  bool upload = false;  // the body is a scan (max_upload_bytes), not JSON (web::kMaxJsonBody)
};

// The reply for a failed Status: its HTTP status and catalogue text in the
// caller's language; `field` (if not empty) overrides the status's.
web::HttpResponse StatusReply(const ApiCall& call, const Status& status, const std::string& field = "");

// A record's column as text ("" for NULL or a missing column).
std::string Col(const Row& row, const std::string& col);
// The request's JSON body, or the reply refusing it.
Result<web::JsonObject> Body(const ApiCall& call);

// An audit entry in its own transaction (sign-ins, unlocks, prints).
void AuditNow(NodeStore& store, const std::string& action, const std::string& subject, const std::string& detail);

// The office's wall-clock time of `ms` as the pages show it.
std::string ShowTime(const ApiCall& call, int64_t ms);
// The physical time of an HLC version string ("" -> 0).
int64_t VersionMs(const std::string& version);

// What a record is, as the operator knows it: the person's name, the
// household's address, the application's type and applicant ("Person: Siti
// Aminah"); the table's name when it is none of these.
std::string RecordLabel(const ApiCall& call, const std::string& table, const std::string& row_id);

// The JSON key of a record form field named by a validation error (the
// CLI's option "birth-date" or column "no_kk") for entity `e`: the column
// name the page uses. "" when unknown.
std::string FormField(Entity e, const std::string& status_field);
// Options (CLI option -> value) from the JSON keys of `e`'s columns that are
// present, prefixed by `prefix` ("m0." for the first member). Values are
// kept as typed; empty ones are left out unless `keep_empty` (an edit that
// clears a field).
Options FormOptions(Entity e, const web::JsonObject& body, const std::string& prefix, bool keep_empty = false);

// The register form's household and members (JSON keys "no_kk",
// "address", "m0.name", "m1.nik"...) written through RegisterHouseholdForm
// in one transaction (a savepoint of the caller's). ok() false: nothing
// written, `refusal` names the field ("address", "m1.nik").
struct HouseholdFormResult {
  std::optional<RegisteredHousehold> household;
  web::HttpResponse refusal;
  bool ok() const { return household.has_value(); }
  const RegisteredHousehold* operator->() const { return &*household; }
};
HouseholdFormResult WriteHouseholdForm(ApiCall& call, const web::JsonObject& body);
// The form's household and members as RegisterHouseholdForm takes them;
// `prefixes` gets each member's key prefix ("m0.", "m2.").
HouseholdForm HouseholdFormOf(const web::JsonObject& body, std::vector<std::string>* prefixes);
// The reply refusing `form` (RegisterHouseholdForm's `st` and `failed_member`).
web::HttpResponse HouseholdFormRefusal(const ApiCall& call, const HouseholdForm& form, const Status& st,
                                       int failed_member, const std::vector<std::string>& prefixes);
// The household's and its members' warnings as strings, into an open array.
void WriteHouseholdWarnings(const ApiCall& call, JsonWriter& j, const RegisteredHousehold& h);

// Handlers. session_api.cc
web::HttpResponse GetState(ApiCall& call);
web::HttpResponse Unlock(ApiCall& call);
web::HttpResponse LockStore(ApiCall& call);
web::HttpResponse SignIn(ApiCall& call);
web::HttpResponse SignOut(ApiCall& call);
web::HttpResponse CurrentSession(ApiCall& call);
web::HttpResponse ChangeLanguage(ApiCall& call);
web::HttpResponse PageStrings(ApiCall& call);
// residents_api.cc
web::HttpResponse Search(ApiCall& call);
web::HttpResponse ShowHousehold(ApiCall& call);
web::HttpResponse RegisterHousehold(ApiCall& call);
// edit_api.cc: PUT a person's or household's fields, each with the value the
// page showed ("expected.FIELD"); changed meanwhile: 409, nothing written.
web::HttpResponse EditPersonApi(ApiCall& call);
web::HttpResponse EditHouseholdApi(ApiCall& call);
web::HttpResponse CheckNik(ApiCall& call);
web::HttpResponse CheckKk(ApiCall& call);
// applications_api.cc
web::HttpResponse Forms(ApiCall& call);
web::HttpResponse Board(ApiCall& call);
web::HttpResponse ShowApplication(ApiCall& call);
web::HttpResponse NewApplication(ApiCall& call);
web::HttpResponse EditApplication(ApiCall& call);
web::HttpResponse SubmitApplication(ApiCall& call);
web::HttpResponse GetLetterPdf(ApiCall& call);
// documents_api.cc. WriteDocuments writes an application's "documents",
// "document_kinds" (its service rule's checklist) and upload limit, and
// gives the required kinds not attached.
Status WriteDocuments(JsonWriter& j, const ApiCall& call, const std::string& app_id,
                      std::vector<std::string>* missing_kinds);
// True (and `refusal` set: 413 naming the field "file") when an upload's
// body is over max_upload_bytes.
bool OverUploadLimit(const ApiCall& call, web::HttpResponse* refusal);
web::HttpResponse AddDocument(ApiCall& call);
web::HttpResponse ReplaceDocument(ApiCall& call);
web::HttpResponse ViewDocument(ApiCall& call);
// sync_api.cc
web::HttpResponse SyncStatus(ApiCall& call);
web::HttpResponse SyncNow(ApiCall& call);
web::HttpResponse ExportBundleFile(ApiCall& call);
web::HttpResponse ImportBundleFile(ApiCall& call);
// cases_api.cc
web::HttpResponse ListCases(ApiCall& call);
web::HttpResponse OpenCase(ApiCall& call);
web::HttpResponse ShowCase(ApiCall& call);
web::HttpResponse AddCaseNote(ApiCall& call);
// conflicts_api.cc
web::HttpResponse ListOpenConflicts(ApiCall& call);
web::HttpResponse ResolveOpenConflict(ApiCall& call);
// messages_api.cc
web::HttpResponse ListMessages(ApiCall& call);
web::HttpResponse MarkMessageSent(ApiCall& call);
// kiosk_app.cc: the kiosk listener (VillageApp::HandleKiosk).
web::HttpResponse HandleKiosk(AppState& state, const web::StaticFiles& files, const web::HttpRequest& req,
                              int64_t now_ms);
// kiosk_review_api.cc: the operator's review of kiosk registrations.
web::HttpResponse ListRegistrationsApi(ApiCall& call);
web::HttpResponse ShowRegistration(ApiCall& call);
web::HttpResponse RegistrationPhoto(ApiCall& call);
web::HttpResponse AcceptRegistrationApi(ApiCall& call);
web::HttpResponse RejectRegistrationApi(ApiCall& call);
web::HttpResponse KioskQrSvg(ApiCall& call);

}  // namespace simpul::node::api

#endif  // SIMPUL_NODE_API_API_CALL_H_
