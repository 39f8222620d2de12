#include "web/security_headers.h"

namespace simpul::web {

void AddSecurityHeaders(HttpResponse* r) {
  auto set_default = [r](const char* name, const char* value) {
    if (r->HeaderValue(name).empty()) r->Set(name, value);
  };
  set_default("content-security-policy", kPageCsp);
  set_default("x-content-type-options", "nosniff");
  // A document may be framed by this origin's own pages (its CSP says so).
  set_default("x-frame-options", r->HeaderValue("content-security-policy").find("frame-ancestors 'self'") !=
                                         std::string_view::npos
                                     ? "SAMEORIGIN"
                                     : "DENY");
  set_default("referrer-policy", "no-referrer");
  set_default("cache-control", "no-store");
}

}  // namespace simpul::web
