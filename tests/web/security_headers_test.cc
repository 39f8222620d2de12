// web/security_headers.h: every reply carries them; a handler's own choice stays.
#include "web/security_headers.h"

#include <doctest/doctest.h>

namespace simpul::web {
namespace {

TEST_CASE("security headers: a reply without any gets them all") {
  HttpResponse r{200, "text/html; charset=utf-8", "<p>x</p>"};
  AddSecurityHeaders(&r);
  std::string csp(r.HeaderValue("content-security-policy"));
  CHECK(csp.find("default-src 'self'") != std::string::npos);
  CHECK(csp.find("frame-ancestors 'none'") != std::string::npos);
  CHECK(csp.find("script-src 'self'") != std::string::npos);
  CHECK(csp.find("unsafe-inline") == std::string::npos);  // no inline script or style
  CHECK(csp.find("unsafe-eval") == std::string::npos);
  CHECK(r.HeaderValue("x-content-type-options") == "nosniff");
  CHECK(r.HeaderValue("x-frame-options") == "DENY");
  CHECK(r.HeaderValue("referrer-policy") == "no-referrer");
  CHECK(r.HeaderValue("cache-control") == "no-store");
}

TEST_CASE("security headers: what the handler set is kept; a framable document says SAMEORIGIN") {
  HttpResponse doc{200, "application/pdf", "%PDF-1.4"};
  doc.Set("content-security-policy", kDocumentCsp);
  doc.Set("cache-control", "no-cache");
  AddSecurityHeaders(&doc);
  CHECK(doc.HeaderValue("content-security-policy") == kDocumentCsp);
  CHECK(doc.HeaderValue("cache-control") == "no-cache");
  CHECK(doc.HeaderValue("x-frame-options") == "SAMEORIGIN");
  CHECK(doc.HeaderValue("x-content-type-options") == "nosniff");
  std::string csp(kDocumentCsp);
  CHECK(csp.find("default-src 'none'") != std::string::npos);  // nothing in a document runs
  CHECK(csp.find("script") == std::string::npos);
  // Adding twice changes nothing (one header each).
  AddSecurityHeaders(&doc);
  int n = 0;
  for (const auto& h : doc.headers) n += h.name == "x-content-type-options";
  CHECK(n == 1);
}

}  // namespace
}  // namespace simpul::web
