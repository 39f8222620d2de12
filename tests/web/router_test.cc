// web/router.h: patterns, captures, and what never matches.
#include "web/router.h"

#include <doctest/doctest.h>

namespace simpul::web {
namespace {

HttpRequest Req(std::string method, std::string target) {
  HttpRequest r;
  r.method = std::move(method);
  r.target = std::move(target);
  return r;
}

Router Make() {
  Router r;
  r.Add("GET", "/api/v1/applications", [](const HttpRequest&, const PathParams&) {
    return HttpResponse{200, "text/plain", "list"};
  });
  r.Add("GET", "/api/v1/applications/{id}", [](const HttpRequest&, const PathParams& p) {
    return HttpResponse{200, "text/plain", "show " + p.at("id")};
  });
  r.Add("POST", "/api/v1/applications/{id}/actions/{action}", [](const HttpRequest&, const PathParams& p) {
    return HttpResponse{200, "text/plain", p.at("action") + " " + p.at("id")};
  });
  return r;
}

HttpResponse Fallback(int status, const std::string&) { return HttpResponse{status, "text/plain", "fallback"}; }

TEST_CASE("router: literal and captured segments; the query is not part of the path") {
  Router r = Make();
  CHECK(r.Dispatch(Req("GET", "/api/v1/applications"), Fallback).body == "list");
  CHECK(r.Dispatch(Req("GET", "/api/v1/applications?status=submitted&q=x"), Fallback).body == "list");
  CHECK(r.Dispatch(Req("GET", "/api/v1/applications/A1"), Fallback).body == "show A1");
  CHECK(r.Dispatch(Req("POST", "/api/v1/applications/A1/actions/approve"), Fallback).body == "approve A1");
  // A capture is percent-decoded.
  CHECK(r.Dispatch(Req("GET", "/api/v1/applications/Ba%27u%20x"), Fallback).body == "show Ba'u x");
}

TEST_CASE("router: 404 for no path, 405 with Allow for another method") {
  Router r = Make();
  HttpResponse none = r.Dispatch(Req("GET", "/api/v1/nothing"), Fallback);
  CHECK(none.status == 404);
  CHECK(none.body == "fallback");
  HttpResponse wrong = r.Dispatch(Req("DELETE", "/api/v1/applications/A1"), Fallback);
  CHECK(wrong.status == 405);
  CHECK(wrong.HeaderValue("allow") == "GET");
  CHECK(r.Find("PUT", "/api/v1/applications/A1/actions/x").allow == "POST");
  // Trailing slashes and extra segments are other paths.
  CHECK(r.Find("GET", "/api/v1/applications/").status == 404);
  CHECK(r.Find("GET", "/api/v1/applications/A1/extra").status == 404);
}

TEST_CASE("router: a capture never carries a path separator, a dot segment or a control character") {
  Router r = Make();
  for (const char* bad : {"/api/v1/applications/..", "/api/v1/applications/.", "/api/v1/applications/%2e%2e",
                          "/api/v1/applications/a%2Fb", "/api/v1/applications/a%5Cb", "/api/v1/applications/a%00b",
                          "/api/v1/applications/a%0Ab", "/api/v1/applications/%zz", "/api/v1/applications/%4"}) {
    CAPTURE(bad);
    CHECK(r.Find("GET", bad).status == 404);
  }
}

TEST_CASE("router: a later Add replaces the same method and pattern") {
  Router r = Make();
  r.Add("GET", "/api/v1/applications", [](const HttpRequest&, const PathParams&) {
    return HttpResponse{200, "text/plain", "replaced"};
  });
  CHECK(r.Dispatch(Req("GET", "/api/v1/applications"), Fallback).body == "replaced");
}

}  // namespace
}  // namespace simpul::web
