#include "hub/api/api_call.h"

#include <cstdio>

namespace simpul::hub::api {

std::string ApiCall::Param(const std::string& name) const {
  auto it = params.find(name);
  return it == params.end() ? std::string() : it->second;
}

web::HttpResponse JsonReply(int status, std::string body) {
  web::HttpResponse r;
  r.status = status;
  r.content_type = "application/json; charset=utf-8";
  r.body = std::move(body);
  return r;
}

web::HttpResponse ErrorReply(int status, const std::string& code, const std::string& message,
                             const std::string& field) {
  web::JsonWriter j;
  j.BeginObject().Key("error").BeginObject().Field("code", code).Field("message", message);
  if (!field.empty()) j.Field("field", field);
  j.EndObject().EndObject();
  return JsonReply(status, j.str());
}

int StatusToHttp(Code code) {
  switch (code) {
    case Code::kOk: return 200;
    case Code::kInvalidArgument: return 400;
    case Code::kNotFound: return 404;
    case Code::kAlreadyExists:
    case Code::kFailedPrecondition:
    case Code::kAborted: return 409;
    case Code::kPermissionDenied: return 403;
    case Code::kUnauthenticated: return 401;
    case Code::kResourceExhausted: return 413;
    case Code::kUnavailable: return 503;
    default: return 500;
  }
}

const char* ApiCodeName(Code code) {
  switch (code) {
    case Code::kOk: return "ok";
    case Code::kInvalidArgument: return "invalid_argument";
    case Code::kNotFound: return "not_found";
    case Code::kAlreadyExists: return "already_exists";
    case Code::kFailedPrecondition: return "failed_precondition";
    case Code::kAborted: return "aborted";
    case Code::kUnavailable: return "unavailable";
    case Code::kCorruption: return "corruption";
    case Code::kPermissionDenied: return "permission_denied";
    case Code::kUnauthenticated: return "unauthenticated";
    case Code::kVersionTooOld: return "version_too_old";
    case Code::kVersionTooNew: return "version_too_new";
    case Code::kResourceExhausted: return "resource_exhausted";
    case Code::kInternal: return "internal";
    case Code::kIoError: return "io_error";
  }
  return "internal";
}

web::HttpResponse StatusReply(const ApiCall& call, const Status& status) {
  int http = StatusToHttp(status.code());
  // Internal errors: the technical text goes to the log, not to the page.
  if (http == 500) {
    std::fprintf(stderr, "web api: %s %s: %s\n", call.req.method.c_str(), call.req.target.c_str(),
                 status.ToString().c_str());
    Lang lang = call.lang;
    return ErrorReply(500, ApiCodeName(status.code()), Tr(lang, "Something went wrong at the hub; it is in the hub's log."));
  }
  return ErrorReply(http, ApiCodeName(status.code()), Describe(call.lang, status), status.field());
}

Result<web::JsonObject> JsonBody(const ApiCall& call) {
  std::string_view type = call.req.HeaderValue("content-type");
  if (type.substr(0, type.find(';')) != "application/json")
    return Status::InvalidArgument("Content-Type must be application/json").WithMsg(MsgId::kWebJsonRequired);
  return web::JsonObject::Parse(call.req.body);
}

Lang ParseLang(const std::string& code, Lang fallback) {
  if (code == "id") return Lang::kId;
  if (code == "en") return Lang::kEn;
  return fallback;
}

const char* LangCode(Lang lang) { return lang == Lang::kId ? "id" : "en"; }

Status AuditNow(HubStore& store, const std::string& action, const std::string& village, const std::string& subject,
                const std::string& detail) {
  SIMPUL_ASSIGN_OR_RETURN(auto txn, store.BeginWrite());
  SIMPUL_RETURN_IF_ERROR(store.Audit(action, village, subject, detail));
  return txn.Commit();
}

}  // namespace simpul::hub::api
