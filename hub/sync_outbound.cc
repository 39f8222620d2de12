#include "hub/sync_outbound.h"

#include <charconv>
#include <algorithm>
#include <cstdint>
#include <map>

#include "schema/tables.h"
#include "sync/blobs.h"
#include "sync/digest.h"

namespace simpul::hub {

using schema::Stmt;
using schema::Value;
namespace wire = sync::wire;

// Reads the fields of one changelog entry.
Status LoadEntryFields(HubStore& store, int64_t seq, std::vector<wire::FieldChange>* out) {
  SIMPUL_ASSIGN_OR_RETURN(Stmt * st, store.db().Cached(
      "SELECT field,value,base FROM changelog_fields WHERE seq=? ORDER BY field"));
  st->Bind(1, seq);
  for (;;) {
    auto row = st->Step();
    if (!row.ok()) {
      st->Reset();
      return row.status();
    }
    if (!*row) break;
    out->push_back({st->Text(0), st->Column(1), st->IsNullAt(2) ? std::string() : st->Text(2)});
  }
  st->Reset();
  return Status::Ok();
}

namespace {

// The full state of rows, grouped into one change per (row, version).
Status RowState(HubStore& store, const std::string& table, const std::string& row_id,
                const std::string& village, uint8_t flags, std::vector<wire::Change>* out,
                const std::string& skip_writer = "") {
  const schema::TableDef* t = schema::FindTable(table);
  std::string cols;
  for (const auto& f : t->fields) cols += std::string(cols.empty() ? "" : ",") + f.name;
  SIMPUL_ASSIGN_OR_RETURN(Stmt * row_q, store.db().Cached("SELECT " + cols + " FROM " + table + " WHERE id=?"));
  row_q->Bind(1, row_id);
  SIMPUL_ASSIGN_OR_RETURN(bool has, row_q->Step());
  if (!has) {
    row_q->Reset();
    return Status::Ok();
  }
  std::map<std::string, Value> values;
  for (size_t i = 0; i < t->fields.size(); ++i) values[t->fields[i].name] = row_q->Column(static_cast<int>(i));
  row_q->Reset();
  SIMPUL_ASSIGN_OR_RETURN(Stmt * vq, store.db().Cached(
      "SELECT field,version FROM field_versions WHERE tbl=? AND row_id=? ORDER BY version,field"));
  vq->Bind(1, table).Bind(2, row_id);
  std::map<std::string, wire::Change> by_version;
  for (;;) {
    auto r = vq->Step();
    if (!r.ok()) {
      vq->Reset();
      return r.status();
    }
    if (!*r) break;
    std::string field = vq->Text(0), version = vq->Text(1);
    // A node's own writes are already on the node.
    if (!skip_writer.empty() && version.size() > 17 && version.compare(17, std::string::npos, skip_writer) == 0)
      continue;
    auto& c = by_version[version];
    if (c.version.empty()) c = wire::Change{version, table, row_id, village, flags, {}};
    c.fields.push_back({field, values[field], ""});
  }
  vq->Reset();
  for (auto& [v, c] : by_version) out->push_back(std::move(c));
  return Status::Ok();
}

}  // namespace

// Snapshot page: rows of `village` after `after` ("<table index>:<row id>").
Status SnapshotPage(HubStore& store, const std::string& village, const std::string& node_id,
                    const std::string& after, uint32_t limit, std::vector<wire::Change>* out,
                    std::string* next) {
  auto tables = schema::ReplicatedTables();
  size_t start_table = 0;
  std::string start_row;
  if (!after.empty()) {
    size_t colon = after.find(':');
    if (colon == std::string::npos) return Status::InvalidArgument("malformed snapshot key");
    auto [end, ec] = std::from_chars(after.data(), after.data() + colon, start_table);
    if (ec != std::errc() || end != after.data() + colon || start_table >= tables.size())
      return Status::InvalidArgument("malformed snapshot key");
    start_row = after.substr(colon + 1);
  }
  // A page holds `limit` rows that carry something for the node; rows made
  // only of the node's own writes (pushed in the same round, or before a
  // re-enrolment) cost a scan, not a page, up to kScanFactor x limit rows.
  constexpr uint64_t kScanFactor = 16;
  uint32_t rows = 0;
  uint64_t scanned = 0;
  next->clear();
  for (size_t ti = start_table; ti < tables.size(); ++ti) {
    std::string table = tables[ti].name;
    SIMPUL_ASSIGN_OR_RETURN(Stmt * q, store.db().Cached(
        "SELECT id FROM " + table + " WHERE village=? AND id>? ORDER BY id LIMIT ?"));
    q->Bind(1, village).Bind(2, ti == start_table ? start_row : std::string())
        .Bind(3, static_cast<int64_t>(kScanFactor * limit - scanned + 1));
    std::vector<std::string> ids;
    for (;;) {
      auto r = q->Step();
      if (!r.ok()) {
        q->Reset();
        return r.status();
      }
      if (!*r) break;
      ids.push_back(q->Text(0));
    }
    q->Reset();
    for (const auto& id : ids) {
      if (rows == limit || scanned == kScanFactor * limit) {
        return Status::Ok();  // *next already names the last row handled
      }
      size_t before = out->size();
      SIMPUL_RETURN_IF_ERROR(RowState(store, table, id, village, wire::kFlagSnapshot, out, node_id));
      if (out->size() > before) ++rows;
      ++scanned;
      *next = std::to_string(ti) + ":" + id;
    }
  }
  next->clear();  // reached the end
  return Status::Ok();
}

Status RepairBuckets(HubStore& store, const std::string& village, const std::vector<uint32_t>& buckets,
                     std::vector<wire::Change>* out) {
  std::vector<bool> want(sync::kDigestBuckets, false);
  for (auto b : buckets) {
    if (b >= sync::kDigestBuckets) return Status::InvalidArgument("repair bucket out of range");
    want[b] = true;
  }
  for (const auto& t : schema::ReplicatedTables()) {
    SIMPUL_ASSIGN_OR_RETURN(auto q, store.db().Prepare(std::string("SELECT id FROM ") + t.name + " WHERE village=?"));
    q.Bind(1, village);
    for (;;) {
      SIMPUL_ASSIGN_OR_RETURN(bool r, q.Step());
      if (!r) break;
      std::string id = q.Text(0);
      if (want[sync::BucketOf(id)]) SIMPUL_RETURN_IF_ERROR(RowState(store, t.name, id, village, wire::kFlagRepair, out));
    }
  }
  return Status::Ok();
}

namespace {

// Documents: the node may send or fetch only documents that an attachment
// row (or, to fetch, a letter) of its own village names.
Result<bool> DocumentInScope(HubStore& store, const std::string& village, const std::string& sha) {
  SIMPUL_ASSIGN_OR_RETURN(Stmt * q, store.db().Cached(
      "SELECT 1 FROM attachments WHERE village=?1 AND sha256=?2 AND deleted=0"
      " UNION ALL SELECT 1 FROM letters WHERE village=?1 AND sha256=?2 AND deleted=0 LIMIT 1"));
  q->Bind(1, village).Bind(2, sha);
  SIMPUL_ASSIGN_OR_RETURN(bool found, q->Step());
  q->Reset();
  return found;
}

}  // namespace

Status ServeDocuments(HubStore& store, const std::string& village, const wire::SyncRequest& req,
                      const SyncServiceOptions& opt, wire::SyncReply* reply) {
  sync::BlobDir& blobs = store.blobs();
  auto state_of = [&](const std::string& sha, uint64_t total) {
    wire::BlobState s;
    s.sha256 = sha;
    s.total_size = total;
    if (blobs.Has(sha)) {
      auto size = blobs.SizeOf(sha);
      s.complete = true;
      s.total_size = size.ok() ? *size : total;
      s.have = s.total_size;
    } else {
      s.have = blobs.PartialSize(sha);
    }
    return s;
  };
  auto refused = [&](const std::string& sha, const Status& st) {
    wire::BlobState s;
    s.sha256 = sha;
    s.code = static_cast<uint16_t>(st.code());
    s.message = st.message();
    return s;
  };
  for (const auto& sha : req.blob_query) {
    SIMPUL_ASSIGN_OR_RETURN(bool ok, DocumentInScope(store, village, sha));
    reply->blob_states.push_back(ok ? state_of(sha, 0)
                                    : refused(sha, Status::PermissionDenied("no attachment of this village names it")));
  }
  for (const auto& c : req.blob_chunks) {
    if (!sync::IsSha256Hex(c.sha256)) {
      reply->blob_states.push_back(refused(c.sha256, Status::InvalidArgument("not a document id")));
      continue;
    }
    SIMPUL_ASSIGN_OR_RETURN(bool ok, DocumentInScope(store, village, c.sha256));
    if (!ok) {
      reply->blob_states.push_back(refused(c.sha256, Status::PermissionDenied("no attachment of this village names it")));
      continue;
    }
    if (c.total_size > opt.max_document_bytes) {
      reply->blob_states.push_back(refused(c.sha256, Status::ResourceExhausted(
          "document of " + std::to_string(c.total_size) + " bytes; the hub accepts at most " +
          std::to_string(opt.max_document_bytes))));
      continue;
    }
    auto have = blobs.Append(c.sha256, c.total_size, c.offset, c.data);
    if (!have.ok() && (have.status().code() == Code::kIoError || have.status().code() == Code::kResourceExhausted))
      return have.status();  // the hub's disk: the node retries later
    wire::BlobState s = state_of(c.sha256, c.total_size);
    if (!have.ok() && have.status().code() != Code::kFailedPrecondition) {
      s.code = static_cast<uint16_t>(have.status().code());
      s.message = have.status().message();
    }
    reply->blob_states.push_back(std::move(s));
  }
  uint64_t budget = opt.max_reply_blob_bytes;
  for (const auto& w : req.blob_wants) {
    if (budget == 0) break;
    if (!sync::IsSha256Hex(w.sha256)) continue;
    SIMPUL_ASSIGN_OR_RETURN(bool ok, DocumentInScope(store, village, w.sha256));
    if (!ok || !blobs.Has(w.sha256)) continue;  // not (yet) here: the node asks again later
    SIMPUL_ASSIGN_OR_RETURN(uint64_t size, blobs.SizeOf(w.sha256));
    uint64_t n = std::min<uint64_t>({w.max_bytes, budget, size > w.offset ? size - w.offset : 0});
    SIMPUL_ASSIGN_OR_RETURN(std::string data, blobs.Read(w.sha256, w.offset, n));
    budget -= data.size();
    reply->blob_chunks.push_back({w.sha256, size, w.offset, std::move(data)});
  }
  return Status::Ok();
}

Status ServeSnapshot(HubStore& store, const std::string& village, const std::string& node_id,
                     const wire::SyncRequest& req, uint32_t limit, wire::SyncReply* reply) {
  // First sync: a snapshot of the scope plus the cursor it is valid at.
  uint64_t seq = req.snapshot_seq;
  if (req.snapshot_after.empty()) {
    SIMPUL_ASSIGN_OR_RETURN(Stmt * mx, store.db().Cached("SELECT coalesce(max(seq),0) FROM changelog"));
    SIMPUL_ASSIGN_OR_RETURN(bool r, mx->Step());
    seq = r ? static_cast<uint64_t>(mx->Int(0)) : 0;
    mx->Reset();
  }
  SIMPUL_RETURN_IF_ERROR(SnapshotPage(store, village, node_id, req.snapshot_after, limit,
                                      &reply->pulled, &reply->snapshot_next));
  reply->cursor = seq;
  // After the last page, pull what came since; when nothing did, the
  // node is caught up now (more = false: the caller adds the digests, and
  // a bundle round then ends verified, with no second trip).
  reply->more = true;
  if (reply->snapshot_next.empty()) {
    SIMPUL_ASSIGN_OR_RETURN(Stmt * newer, store.db().Cached(
        "SELECT 1 FROM changelog WHERE village=? AND seq>? AND origin!=? LIMIT 1"));
    newer->Bind(1, village).Bind(2, static_cast<int64_t>(seq)).Bind(3, node_id);
    SIMPUL_ASSIGN_OR_RETURN(bool any, newer->Step());
    newer->Reset();
    reply->more = any;
  }
  return Status::Ok();
}

Status ServeLog(HubStore& store, const std::string& village, const std::string& node_id,
                const wire::SyncRequest& req, uint32_t limit, wire::SyncReply* reply) {
  // The node's own changes are skipped in the query (it has them); the
  // cursor still moves past them.
  SIMPUL_ASSIGN_OR_RETURN(Stmt * q, store.db().Cached(
      "SELECT seq,version,tbl,row_id,flags FROM changelog WHERE village=? AND seq>? AND origin!=?"
      " ORDER BY seq LIMIT ?"));
  q->Bind(1, village).Bind(2, static_cast<int64_t>(req.pull_cursor)).Bind(3, node_id)
      .Bind(4, static_cast<int64_t>(limit + 1));
  struct Entry { int64_t seq; wire::Change c; };
  std::vector<Entry> entries;
  for (;;) {
    auto r = q->Step();
    if (!r.ok()) {
      q->Reset();
      return r.status();
    }
    if (!*r) break;
    entries.push_back({q->Int(0), wire::Change{q->Text(1), q->Text(2), q->Text(3), village,
                                               static_cast<uint8_t>(q->Int(4)), {}}});
  }
  q->Reset();
  reply->more = entries.size() > limit;
  if (reply->more) {
    entries.resize(limit);
    reply->cursor = static_cast<uint64_t>(entries.back().seq);
  } else {
    // Everything of this scope up to the newest entry is in this reply.
    SIMPUL_ASSIGN_OR_RETURN(Stmt * mx, store.db().Cached("SELECT coalesce(max(seq),0) FROM changelog"));
    SIMPUL_ASSIGN_OR_RETURN(bool got, mx->Step());
    reply->cursor = std::max<uint64_t>(req.pull_cursor, got ? static_cast<uint64_t>(mx->Int(0)) : 0);
    mx->Reset();
  }
  for (auto& e : entries) {
    SIMPUL_RETURN_IF_ERROR(LoadEntryFields(store, e.seq, &e.c.fields));
    if (e.c.flags & wire::kFlagScopeOut)  // nothing but where the row went (PROTOCOL §8)
      std::erase_if(e.c.fields, [](const wire::FieldChange& f) { return f.field != wire::kMovedToField; });
    reply->pulled.push_back(std::move(e.c));
  }
  if (!req.repair_buckets.empty())
    SIMPUL_RETURN_IF_ERROR(RepairBuckets(store, village, req.repair_buckets, &reply->repair));
  return Status::Ok();
}

Status AddDigests(HubStore& store, const std::string& village, int node_schema, sync::wire::SyncReply* reply) {
  SIMPUL_ASSIGN_OR_RETURN(sync::BucketDigests buckets, sync::ScopeDigest(store.db(), village, node_schema));
  reply->bucket_digests.assign(buckets.begin(), buckets.end());
  return Status::Ok();
}

}  // namespace simpul::hub
