#include "web/assets.h"

#include <sodium.h>

namespace simpul::web {
namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string ETagOf(std::string_view bytes) {
  unsigned char h[16];
  if (sodium_init() < 0) return "";  // no tag: every request gets the file
  crypto_generichash(h, sizeof h, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), nullptr, 0);
  char hex[33];
  sodium_bin2hex(hex, sizeof hex, h, sizeof h);
  return "\"" + std::string(hex) + "\"";
}

}  // namespace

std::string ContentTypeFor(std::string_view path) {
  if (EndsWith(path, ".html")) return "text/html; charset=utf-8";
  if (EndsWith(path, ".js")) return "text/javascript; charset=utf-8";
  if (EndsWith(path, ".css")) return "text/css; charset=utf-8";
  if (EndsWith(path, ".svg")) return "image/svg+xml";
  if (EndsWith(path, ".png")) return "image/png";
  if (EndsWith(path, ".ico")) return "image/x-icon";
  if (EndsWith(path, ".json")) return "application/json";
  if (EndsWith(path, ".txt")) return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

StaticFiles::StaticFiles(std::span<const Asset> assets) {
  for (const auto& a : assets) files_[a.path] = File{a.bytes(), ETagOf(a.bytes())};
}

std::optional<HttpResponse> StaticFiles::Serve(const HttpRequest& req) const {
  if (req.method != "GET") return std::nullopt;
  auto it = files_.find(std::string(req.Path()));
  if (it == files_.end()) return std::nullopt;
  HttpResponse r;
  r.content_type = ContentTypeFor(it->first);
  r.Set("cache-control", "no-cache");
  if (!it->second.etag.empty()) r.Set("etag", it->second.etag);
  if (!it->second.etag.empty() && req.HeaderValue("if-none-match") == it->second.etag) {
    r.status = 304;
    return r;
  }
  r.body = std::string(it->second.bytes);
  return r;
}

}  // namespace simpul::web
