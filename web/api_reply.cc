#include "web/api_reply.h"

namespace simpul::web {

HttpResponse JsonReply(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.content_type = "application/json; charset=utf-8";
  r.body = std::move(body);
  return r;
}

HttpResponse ErrorReply(int status, const std::string& code, const std::string& message, const std::string& field) {
  JsonWriter j;
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

Result<JsonObject> JsonBody(const HttpRequest& req) {
  std::string_view type = req.HeaderValue("content-type");
  if (type.substr(0, type.find(';')) != "application/json")
    return Status::InvalidArgument("Content-Type must be application/json").WithMsg(MsgId::kWebJsonRequired);
  return JsonObject::Parse(req.body);
}

Lang ParseLang(const std::string& code, Lang fallback) {
  if (code == "id") return Lang::kId;
  if (code == "en") return Lang::kEn;
  return fallback;
}

const char* LangCode(Lang lang) { return lang == Lang::kId ? "id" : "en"; }

}  // namespace simpul::web
