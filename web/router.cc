#include "web/router.h"

#include <set>

namespace simpul::web {
namespace {

bool IsCapture(const std::string& segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

// The decoded value of a captured segment, or false when it must not match.
bool DecodeCapture(std::string_view raw, std::string* out) {
  if (raw.empty() || !PercentDecode(raw, false, out)) return false;
  if (*out == "." || *out == "..") return false;
  for (unsigned char c : *out)
    if (c < 0x20 || c == 0x7f || c == '/' || c == '\\') return false;
  return true;
}

}  // namespace

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> out;
  if (path.empty() || path.front() != '/') return out;
  path.remove_prefix(1);
  for (;;) {
    auto slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

void Router::Add(std::string method, std::string pattern, RouteHandler handler) {
  std::vector<std::string> segments;
  for (auto s : SplitPath(pattern)) segments.emplace_back(s);
  for (auto& r : routes_) {
    if (r.method == method && r.segments == segments) {
      r.handler = std::move(handler);
      return;
    }
  }
  routes_.push_back({std::move(method), std::move(segments), std::move(handler)});
}

Router::Match Router::Find(std::string_view method, std::string_view path) const {
  Match m;
  auto parts = SplitPath(path);
  std::set<std::string> allowed;
  for (const auto& r : routes_) {
    if (r.segments.size() != parts.size()) continue;
    PathParams params;
    bool ok = true;
    for (size_t i = 0; i < parts.size() && ok; ++i) {
      if (IsCapture(r.segments[i])) {
        std::string value;
        ok = DecodeCapture(parts[i], &value);
        if (ok) params[r.segments[i].substr(1, r.segments[i].size() - 2)] = std::move(value);
      } else {
        ok = r.segments[i] == parts[i];
      }
    }
    if (!ok) continue;
    if (r.method == method) {
      m.handler = &r.handler;
      m.params = std::move(params);
      m.status = 200;
      return m;
    }
    allowed.insert(r.method);
  }
  if (!allowed.empty()) {
    m.status = 405;
    for (const auto& a : allowed) m.allow += (m.allow.empty() ? "" : ", ") + a;
  }
  return m;
}

HttpResponse Router::Dispatch(const HttpRequest& req,
                              const std::function<HttpResponse(int, const std::string&)>& fallback) const {
  Match m = Find(req.method, req.Path());
  if (!m.handler) {
    HttpResponse r = fallback(m.status, m.allow);
    if (m.status == 405) r.Set("allow", m.allow);
    return r;
  }
  return (*m.handler)(req, m.params);
}

}  // namespace simpul::web
