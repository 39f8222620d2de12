// What the hub sends a village besides the change log's entries: the fields
// of an entry, snapshot pages for a node's first sync, the rows of digest
// buckets a node asks to repair, and document chunks (PROTOCOL.md §12-§18).
// The steps of hub/sync_service.cc's request handling that only read.
//
// Thread-safety: like HubStore, one thread at a time.
#ifndef SIMPUL_HUB_SYNC_OUTBOUND_H_
#define SIMPUL_HUB_SYNC_OUTBOUND_H_

#include <cstdint>
#include <string>
#include <vector>

#include "hub/store.h"
#include "hub/sync_service.h"
#include "sync/wire/messages.h"

namespace simpul::hub {

// Appends the fields of changelog entry `seq` to `out`.
Status LoadEntryFields(HubStore& store, int64_t seq, std::vector<sync::wire::FieldChange>* out);

// Snapshot page: the rows of `village` after `after` ("<table index>:<row
// id>"), at most `limit` changes; `next` is where the following page starts
// ("" at the end).
Status SnapshotPage(HubStore& store, const std::string& village, const std::string& node_id,
                    const std::string& after, uint32_t limit, std::vector<sync::wire::Change>* out,
                    std::string* next);

// The rows of `village` in the digest `buckets` a node asked to repair.
Status RepairBuckets(HubStore& store, const std::string& village, const std::vector<uint32_t>& buckets,
                     std::vector<sync::wire::Change>* out);

// A node's first sync (req.initial): a snapshot page and the cursor it is
// valid at; after the last page, more = false when nothing came since.
Status ServeSnapshot(HubStore& store, const std::string& village, const std::string& node_id,
                     const sync::wire::SyncRequest& req, uint32_t limit, sync::wire::SyncReply* reply);

// The change log after the node's cursor (its own entries skipped) and
// the repairs it asked; at the end of the log, more = false.
Status ServeLog(HubStore& store, const std::string& village, const std::string& node_id,
                const sync::wire::SyncRequest& req, uint32_t limit, sync::wire::SyncReply* reply);

// The scope digests of `village` as a node of `node_schema` computes them:
// once it applied a reply with more = false, it holds what the hub holds and
// proves it with them (or asks a repair). A scan of the village's field
// versions: left out when the node will push again anyway (protocol 6).
Status AddDigests(HubStore& store, const std::string& village, int node_schema, sync::wire::SyncReply* reply);

// Document chunks and states for the request's wants and offers, within the
// reply's byte budget; only documents of the node's own village.
Status ServeDocuments(HubStore& store, const std::string& village, const sync::wire::SyncRequest& req,
                      const SyncServiceOptions& opt, sync::wire::SyncReply* reply);

}  // namespace simpul::hub

#endif  // SIMPUL_HUB_SYNC_OUTBOUND_H_
