// The security headers every reply of a Simpul server carries, whatever
// handler made it (the server adds them: web/http_server.h).
//
//   Content-Security-Policy   default-src 'self', no inline script or
//                             style, no plugin, frame-ancestors 'none'
//   X-Content-Type-Options    nosniff (a document is never run as a page)
//   X-Frame-Options           DENY (older browsers' frame-ancestors)
//   Referrer-Policy           no-referrer (ids in URLs stay in the office)
//   Cache-Control             no-store, unless the handler chose otherwise
//                             (personal data is not left in a browser cache)
//
// A handler may set a stricter or different policy for one reply (a
// document that the application page shows in a frame sets its own CSP);
// headers it set are kept.
//
// Thread-safety: pure functions.
#ifndef SIMPUL_WEB_SECURITY_HEADERS_H_
#define SIMPUL_WEB_SECURITY_HEADERS_H_

#include "web/http.h"

namespace simpul::web {

// The policy of pages: scripts, styles, images, fetches and frames from this
// origin only; nothing inline; no framing by anyone.
inline constexpr const char* kPageCsp =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

// The policy of a document (scan, letter PDF) served for viewing: nothing of
// it runs, and only this origin's pages may frame it.
inline constexpr const char* kDocumentCsp =
    "default-src 'none'; img-src 'self'; frame-ancestors 'self'";

// Adds each security header `response` does not already carry.
void AddSecurityHeaders(HttpResponse* response);

}  // namespace simpul::web

#endif  // SIMPUL_WEB_SECURITY_HEADERS_H_
