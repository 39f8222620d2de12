// The JSON API's replies and request bodies, as both web applications (the
// hub's hub/api/, the village's node/api/) write and read them:
//
//   {"error": {"code": "not_found", "message": "<in the caller's language>",
//              "field": "<when one is at fault>"}}
//
// with the HTTP status the Status code maps to (StatusToHttp).
//
// Thread-safety: pure functions.
#ifndef SIMPUL_WEB_API_REPLY_H_
#define SIMPUL_WEB_API_REPLY_H_

#include <string>

#include "schema/messages.h"
#include "schema/status.h"
#include "web/http.h"
#include "web/json.h"

namespace simpul::web {

HttpResponse JsonReply(int status, std::string body);
HttpResponse ErrorReply(int status, const std::string& code, const std::string& message,
                        const std::string& field = "");
// 400 invalid argument, 404, 409 state conflicts, 401/403, 413, 503, else 500.
int StatusToHttp(Code code);
// The stable code name of the error body ("invalid_argument").
const char* ApiCodeName(Code code);

// The request's JSON body: InvalidArgument (kWebJsonRequired) unless the
// Content-Type is application/json, else JsonObject::Parse's verdict.
Result<JsonObject> JsonBody(const HttpRequest& req);

// "id" / "en" -> Lang; anything else -> `fallback`.
Lang ParseLang(const std::string& code, Lang fallback);
const char* LangCode(Lang lang);

}  // namespace simpul::web

#endif  // SIMPUL_WEB_API_REPLY_H_
