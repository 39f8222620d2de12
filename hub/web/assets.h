// The Dinsos web app's files, compiled into simpul-hub (hub/CMakeLists.txt:
// simpul_embed_assets): the pages at /index.html, /signin.html and
// /application.html (served at /, /signin and /application), scripts and
// the stylesheet under /assets/.
#ifndef SIMPUL_HUB_WEB_ASSETS_H_
#define SIMPUL_HUB_WEB_ASSETS_H_

#include <span>

#include "web/assets.h"

namespace simpul::hub {

std::span<const web::Asset> HubWebAssets();

}  // namespace simpul::hub

#endif  // SIMPUL_HUB_WEB_ASSETS_H_
