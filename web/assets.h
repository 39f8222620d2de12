// Static files compiled into the binary (pages, scripts, styles): no file
// is read from disk at run time, so what is served is what was tested, and
// no request can name a file outside the set.
//
// A module's files are listed in its CMakeLists.txt with
// simpul_embed_assets() (web/embed_assets.cmake), which assembles them with
// .incbin (as schema/embedded_data.S.in embeds the region lists) and
// generates a function returning the table of Asset entries.
//
// Thread-safety: immutable after construction.
#ifndef SIMPUL_WEB_ASSETS_H_
#define SIMPUL_WEB_ASSETS_H_

#include <cstddef>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "web/http.h"

namespace simpul::web {

struct Asset {
  const char* path;  // "/assets/app.js" (the URL path it is served at)
  const char* begin;
  const char* end;
  std::string_view bytes() const { return {begin, static_cast<size_t>(end - begin)}; }
};

// "text/html; charset=utf-8", "text/javascript; charset=utf-8", ... by the
// path's extension; application/octet-stream for anything else.
std::string ContentTypeFor(std::string_view path);

class StaticFiles {
 public:
  explicit StaticFiles(std::span<const Asset> assets);

  // The reply for a GET of a known path: 200 with the file, its type, and
  // Cache-Control no-cache (the browser revalidates through the ETag, so a
  // new binary's files are used at once); 304 when If-None-Match matches.
  // nullopt for any other path or method.
  std::optional<HttpResponse> Serve(const HttpRequest& req) const;
  bool Has(std::string_view path) const { return files_.count(std::string(path)) > 0; }

 private:
  struct File {
    std::string_view bytes;
    std::string etag;
  };
  std::map<std::string, File> files_;
};

}  // namespace simpul::web

#endif  // SIMPUL_WEB_ASSETS_H_
