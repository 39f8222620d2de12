// The village web app's files, compiled into simpul-node
// (node/CMakeLists.txt: simpul_embed_assets): the pages (served at /,
// /unlock, /signin, /register, /household, /application, /board, /sync),
// scripts and the stylesheet under /assets/.
#ifndef SIMPUL_NODE_WEB_ASSETS_H_
#define SIMPUL_NODE_WEB_ASSETS_H_

#include <span>

#include "web/assets.h"

namespace simpul::node {

std::span<const web::Asset> NodeWebAssets();

}  // namespace simpul::node

#endif  // SIMPUL_NODE_WEB_ASSETS_H_
