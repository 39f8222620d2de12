// A router from (method, path) to a handler: patterns are literal segments
// and `{name}` captures ("/api/v1/applications/{id}/documents/{doc}").
//
// A capture is one path segment, percent-decoded; a segment that decodes to
// something holding '/', '\\', a control character, or that is "." or "..",
// never matches (no traversal through an id). A path that matches a pattern
// under another method answers 405 with Allow; no match answers 404.
//
// Thread-safety: Add() before use; Find()/Dispatch() are const and may run
// on any thread.
#ifndef SIMPUL_WEB_ROUTER_H_
#define SIMPUL_WEB_ROUTER_H_

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "web/http.h"

namespace simpul::web {

using PathParams = std::map<std::string, std::string>;
using RouteHandler = std::function<HttpResponse(const HttpRequest&, const PathParams&)>;

class Router {
 public:
  // `pattern` starts with '/'. A later Add of the same method and pattern
  // replaces the earlier one.
  void Add(std::string method, std::string pattern, RouteHandler handler);

  struct Match {
    const RouteHandler* handler = nullptr;  // null: no route (see status)
    PathParams params;
    int status = 404;     // 200 matched, 404 no such path, 405 wrong method
    std::string allow;    // with 405: the methods the path takes ("GET, POST")
  };
  Match Find(std::string_view method, std::string_view path) const;

  // Runs the matching handler; otherwise `fallback(status, allow)` makes the
  // 404 / 405 reply.
  HttpResponse Dispatch(const HttpRequest& req,
                        const std::function<HttpResponse(int status, const std::string& allow)>& fallback) const;

 private:
  struct Route {
    std::string method;
    std::vector<std::string> segments;  // "{id}" captures
    RouteHandler handler;
  };
  std::vector<Route> routes_;
};

// Splits "/a/b/c" into {"a","b","c"} (empty segments kept: "/a//b" has one).
std::vector<std::string_view> SplitPath(std::string_view path);

}  // namespace simpul::web

#endif  // SIMPUL_WEB_ROUTER_H_
