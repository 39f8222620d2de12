#include "hub/api/api_call.h"
#include "hub/ui_texts.h"

#include <cstdio>

#include "schema/command_line.h"

namespace simpul::hub::api {

std::string ApiCall::Param(const std::string& name) const {
  auto it = params.find(name);
  return it == params.end() ? std::string() : it->second;
}

Result<int> ApiCall::IntQuery(const std::string& name, int fallback, int min, int max) const {
  const std::string text = req.Query(name);
  if (text.empty()) return fallback;
  const std::optional<int64_t> v = schema::WholeInt(text);
  if (!v || *v < min || *v > max)
    return Status::InvalidArgument(name + " must be a number from " + std::to_string(min) + " to " + std::to_string(max))
        .WithField(name)
        .WithMsg(MsgId::kNumberRange, {name, std::to_string(min), std::to_string(max)});
  return static_cast<int>(*v);
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

Result<web::JsonObject> JsonBody(const ApiCall& call) { return web::JsonBody(call.req); }

Status AuditNow(HubStore& store, const std::string& action, const std::string& village, const std::string& subject,
                const std::string& detail) {
  SIMPUL_ASSIGN_OR_RETURN(auto txn, store.BeginWrite());
  SIMPUL_RETURN_IF_ERROR(store.Audit(action, village, subject, detail));
  return txn.Commit();
}

}  // namespace simpul::hub::api
