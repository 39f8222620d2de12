// Sync bundles: the sync protocol carried as files (a USB stick on the boat,
// a chat attachment) when there is no link at all.
//
// `bundle export` seals, for the hub, one request holding everything the
// hub has not acknowledged (the outbox and the documents it lacks) and asking
// for everything new; the hub imports it and writes a reply bundle that
// `bundle import` applies exactly as a live sync applies a reply. The node
// keeps the key of each exported bundle until its reply is imported, so a
// reply opens only on the node that asked, once. Importing twice, an old
// bundle after a newer contact, or a bundle for another village or hub is
// refused with an explanation and changes nothing.
#ifndef SIMPUL_NODE_BUNDLE_H_
#define SIMPUL_NODE_BUNDLE_H_

#include <cstdint>
#include <string>

#include "node/store.h"
#include "node/sync_client.h"

namespace simpul::node {

struct BundleExport {
  size_t changes = 0, documents = 0;
  uint64_t bytes = 0;
  bool more_remain = false;  // the outbox held more than one bundle carries
};

// How much a bundle carries unless told otherwise (`bundle export`
// --max-mb, the village app's "make a bundle").
inline constexpr uint64_t kDefaultBundleBytes = 100ull << 20;

// Writes the bundle to `path` (atomically). Documents are included while the
// bundle stays under `max_bytes`; the rest go in a later bundle.
Result<BundleExport> ExportBundle(NodeStore& store, const std::string& path, uint64_t max_bytes);

// Applies a reply bundle written by `simpul-hub bundle import`.
Result<SyncSummary> ImportReplyBundle(NodeStore& store, const std::string& path);

}  // namespace simpul::node

#endif  // SIMPUL_NODE_BUNDLE_H_
