// web/assets.h: only compiled-in files, with their types and revalidation.
#include "web/assets.h"

#include <doctest/doctest.h>

namespace simpul::web {
namespace {

const char kPage[] = "<!doctype html><p>x</p>";
const char kScript[] = "'use strict';";

const Asset kAssets[] = {{"/index.html", kPage, kPage + sizeof kPage - 1},
                         {"/assets/app.js", kScript, kScript + sizeof kScript - 1}};

HttpRequest Get(std::string target) {
  HttpRequest r;
  r.method = "GET";
  r.target = std::move(target);
  return r;
}

TEST_CASE("static files: known paths with their types; nothing else") {
  StaticFiles files(kAssets);
  auto page = files.Serve(Get("/index.html?x=1"));
  REQUIRE(page.has_value());
  CHECK(page->status == 200);
  CHECK(page->content_type == "text/html; charset=utf-8");
  CHECK(page->body == kPage);
  CHECK(page->HeaderValue("cache-control") == "no-cache");
  auto js = files.Serve(Get("/assets/app.js"));
  REQUIRE(js.has_value());
  CHECK(js->content_type == "text/javascript; charset=utf-8");
  for (const char* other : {"/", "/assets/", "/assets/../index.html", "/assets/app.js/", "/etc/passwd", "/INDEX.HTML"})
    CHECK_FALSE(files.Serve(Get(other)).has_value());
  HttpRequest post = Get("/index.html");
  post.method = "POST";
  CHECK_FALSE(files.Serve(post).has_value());
}

TEST_CASE("static files: an unchanged file answers 304 to its ETag") {
  StaticFiles files(kAssets);
  auto first = files.Serve(Get("/index.html"));
  REQUIRE(first.has_value());
  std::string etag(first->HeaderValue("etag"));
  CHECK(etag.size() > 2);
  HttpRequest again = Get("/index.html");
  again.headers.push_back({"if-none-match", etag});
  auto second = files.Serve(again);
  REQUIRE(second.has_value());
  CHECK(second->status == 304);
  CHECK(second->body.empty());
  CHECK(files.Serve(Get("/assets/app.js"))->HeaderValue("etag") != etag);
}

TEST_CASE("content types by extension") {
  CHECK(ContentTypeFor("/a.css") == "text/css; charset=utf-8");
  CHECK(ContentTypeFor("/a.svg") == "image/svg+xml");
  CHECK(ContentTypeFor("/a") == "application/octet-stream");
  CHECK(ContentTypeFor("/a.html.bak") == "application/octet-stream");
}

}  // namespace
}  // namespace simpul::web
