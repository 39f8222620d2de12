#include "node/sync_client.h"
#include "node/receipts.h"
#include "node/sync_internal.h"
#include "node/refusals.h"

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "schema/field_rules.h"
#include "schema/messages.h"
#include "schema/migrations.h"
#include "schema/store_files.h"
#include "schema/tables.h"
#include "sync/blobs.h"
#include "sync/crypto/at_rest.h"
#include "sync/crypto/envelope.h"
#include "sync/digest.h"
#include "sync/merge.h"
#include "sync/purge.h"
#include "sync/transport/pacing.h"
#include "sync/wire/codec.h"
#include "sync/wire/level.h"
#include "sync/wire/stream.h"

namespace simpul::node {

using schema::Stmt;
using schema::Value;
namespace wire = sync::wire;
namespace crypto = sync::crypto;

namespace internal {

std::string IdentityPath(NodeStore& s) { return s.dir() + "/identity.key"; }

// The identity file is sealed under the store's key: a copied data
// directory does not let anyone sync as this village.
constexpr std::string_view kIdentityContext = "simpul/v1/node-identity";

Result<crypto::Identity> LoadIdentity(NodeStore& s) {
  std::ifstream in(IdentityPath(s), std::ios::binary);
  if (!in) return Status::FailedPrecondition("this node has no identity: enrol it first (simpul-node enrol)");
  std::stringstream ss;
  ss << in.rdbuf();
  auto key = s.data_key().Derive(crypto::kPurposeIdentity);
  SIMPUL_ASSIGN_OR_RETURN(std::string plain, crypto::OpenSmall(key, ss.str(), kIdentityContext));
  auto id = crypto::ImportIdentity(plain);
  sodium_memzero(plain.data(), plain.size());
  return id;
}

Status SaveIdentity(NodeStore& s, const crypto::Identity& id) {
  auto key = s.data_key().Derive(crypto::kPurposeIdentity);
  std::string plain = crypto::ExportIdentity(id);
  std::string sealed = crypto::SealSmall(key, plain, kIdentityContext);
  sodium_memzero(plain.data(), plain.size());
  return schema::WriteFileAtomically(IdentityPath(s), sealed, 0600);
}

uint64_t MetaU64(NodeStore& s, const std::string& key) {
  return std::strtoull(s.Meta(key).c_str(), nullptr, 10);
}

// The next request counter, durable before the request leaves (a replayed
// counter would be refused by the hub).
Result<uint64_t> NextCounter(NodeStore& s) { return NextCounters(s, 1); }

// `n` consecutive counters (a streamed round seals one request per frame);
// returns the first.
Result<uint64_t> NextCounters(NodeStore& s, size_t n) {
  SIMPUL_ASSIGN_OR_RETURN(auto txn, schema::Transaction::Begin(s.db()));
  uint64_t c = MetaU64(s, "sync_counter") + 1;
  SIMPUL_RETURN_IF_ERROR(s.SetMeta("sync_counter", std::to_string(c + n - 1)));
  SIMPUL_RETURN_IF_ERROR(txn.Commit());
  return c;
}

// The next batch of the outbox: rows with an urgent change first (a
// complaint marked emergency goes before a hundred routine edits), each
// row's changes in the order they were made.
Result<std::vector<Pending>> ReadPending(NodeStore& s, size_t limit) {
  struct Head {
    int64_t seq;
    std::string row_id;
    int priority;
  };
  std::vector<Head> heads;
  std::map<std::string, int> row_priority;
  {
    SIMPUL_ASSIGN_OR_RETURN(auto st, s.db().Prepare(
        "SELECT seq,row_id,priority FROM outbox WHERE state='pending' ORDER BY seq"));
    for (;;) {
      SIMPUL_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      heads.push_back({st.Int(0), st.Text(1), static_cast<int>(st.Int(2))});
      auto [it, fresh] = row_priority.emplace(heads.back().row_id, heads.back().priority);
      if (!fresh) it->second = std::min(it->second, heads.back().priority);
    }
  }
  std::stable_sort(heads.begin(), heads.end(), [&](const Head& a, const Head& b) {
    return row_priority[a.row_id] < row_priority[b.row_id];
  });
  if (heads.size() > limit) heads.resize(limit);
  SIMPUL_ASSIGN_OR_RETURN(Stmt * oq, s.db().Cached(
      "SELECT change_id,tbl,row_id,village FROM outbox WHERE seq=?"));
  SIMPUL_ASSIGN_OR_RETURN(Stmt * fq, s.db().Cached(
      "SELECT field,value,base FROM outbox_fields WHERE seq=? ORDER BY field"));
  std::vector<Pending> out;
  for (const auto& h : heads) {
    oq->Bind(1, h.seq);
    auto row = oq->Step();
    if (!row.ok() || !*row) {
      oq->Reset();
      return row.ok() ? Status::Internal("outbox row vanished") : row.status();
    }
    Pending p{h.seq, wire::Change{oq->Text(0), oq->Text(1), oq->Text(2), oq->Text(3), wire::kFlagNone, {}}};
    oq->Reset();
    fq->Bind(1, p.seq);
    for (;;) {
      auto f = fq->Step();
      if (!f.ok()) {
        fq->Reset();
        return f.status();
      }
      if (!*f) break;
      p.change.fields.push_back({fq->Text(0), fq->Column(1), fq->IsNullAt(2) ? std::string() : fq->Text(2)});
    }
    fq->Reset();
    out.push_back(std::move(p));
  }
  return out;
}

Result<int64_t> CountPending(NodeStore& s) {
  SIMPUL_ASSIGN_OR_RETURN(auto st, s.db().Prepare("SELECT count(*) FROM outbox WHERE state='pending'"));
  SIMPUL_ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? st.Int(0) : 0;
}

// Rows of this village in `bucket` that the hub's repair did not mention:
// they exist only here (the hub lost them, e.g. restored from a backup), so
// they are queued again as new changes instead of being dropped. Only rows
// this node wrote part of: a row of the hub's (a decision) or of another
// laptop written again in this node's name would be refused by the hub at
// every sync; the hub gets those back from their writers (§22).
Status RequeueLocalOnly(NodeStore& s, const std::set<uint32_t>& buckets,
                        const std::set<std::pair<std::string, std::string>>& hub_rows, uint64_t* requeued) {
  for (const auto& t : schema::ReplicatedTables()) {
    std::string cols;
    for (const auto& f : t.fields) cols += std::string(",") + f.name;
    SIMPUL_ASSIGN_OR_RETURN(auto st, s.db().Prepare(std::string("SELECT id") + cols + " FROM " + t.name +
                                                    " WHERE village=?"));
    st.Bind(1, s.village());
    std::vector<std::pair<std::string, std::vector<sync::FieldWrite>>> again;
    for (;;) {
      SIMPUL_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      std::string id = st.Text(0);
      if (!buckets.count(sync::BucketOf(id)) || hub_rows.count({t.name, id})) continue;
      SIMPUL_ASSIGN_OR_RETURN(Stmt * mine, s.db().Cached(
          "SELECT 1 FROM field_versions WHERE tbl=? AND row_id=? AND substr(version,18)=? LIMIT 1"));
      mine->Bind(1, t.name).Bind(2, id).Bind(3, s.node_id());
      SIMPUL_ASSIGN_OR_RETURN(bool ours, mine->Step());
      mine->Reset();
      if (!ours) continue;
      std::vector<sync::FieldWrite> fields;
      for (size_t i = 0; i < t.fields.size(); ++i) {
        Value v = st.Column(static_cast<int>(i) + 1);
        if (!schema::IsNull(v) && sync::MayWrite(sync::Role::kVillage, t.fields[i].owner))
          fields.push_back({t.fields[i].name, v});
      }
      again.emplace_back(id, std::move(fields));
    }
    for (auto& [id, fields] : again) {
      if (fields.empty()) continue;
      // Drop our versions so the writer records a fresh change for each field.
      SIMPUL_ASSIGN_OR_RETURN(Stmt * dv, s.db().Cached("DELETE FROM field_versions WHERE tbl=? AND row_id=?"));
      dv->Bind(1, t.name).Bind(2, id);
      SIMPUL_RETURN_IF_ERROR(dv->Run());
      SIMPUL_ASSIGN_OR_RETURN(Stmt * dr, s.db().Cached(std::string("DELETE FROM ") + t.name + " WHERE id=?"));
      dr->Bind(1, id);
      SIMPUL_RETURN_IF_ERROR(dr->Run());
      SIMPUL_ASSIGN_OR_RETURN(auto w, s.writer().Write(t, id, s.village(), fields));
      (void)w;
      ++*requeued;
    }
  }
  return Status::Ok();
}

}  // namespace internal

using namespace internal;

bool IsEnrolled(NodeStore& store) { return !store.Meta("hub_pk").empty(); }

Status Enrol(NodeStore& store, sync::Transport& transport, const std::string& hub_url, const std::string& code_text) {
  SIMPUL_RETURN_IF_ERROR(crypto::InitSodium());
  SIMPUL_ASSIGN_OR_RETURN(crypto::EnrolCode code, crypto::ParseEnrolCode(code_text));
  // Re-enrolling (a new code after a revocation or a lost passphrase) makes a new identity.
  crypto::Identity id = crypto::GenerateIdentity();
  wire::EnrolRequest req;
  req.code_id = code.id;
  req.node_id = store.node_id();
  req.village = store.village();
  req.node_sign_pk = id.sign_pk;
  req.schema_version = static_cast<uint32_t>(schema::LatestSchemaVersion());
  std::string frame = crypto::SealEnrolRequest(code, req);
  SIMPUL_ASSIGN_OR_RETURN(std::string reply_frame, transport.RoundTrip("/v1/enrol", frame));
  SIMPUL_ASSIGN_OR_RETURN(wire::EnrolReply reply, crypto::OpenEnrolReply(code, frame, reply_frame));
  if (reply.village != store.village())
    return Status::PermissionDenied("the hub bound this code to village " + reply.village);
  SIMPUL_RETURN_IF_ERROR(SaveIdentity(store, id));
  SIMPUL_ASSIGN_OR_RETURN(auto txn, schema::Transaction::Begin(store.db()));
  SIMPUL_RETURN_IF_ERROR(store.SetMeta("hub_url", hub_url));
  SIMPUL_RETURN_IF_ERROR(store.SetMeta("hub_pk", crypto::ToHex(reply.hub_sign_pk)));
  SIMPUL_RETURN_IF_ERROR(store.SetMeta("hub_id", reply.hub_id));
  SIMPUL_RETURN_IF_ERROR(store.SetMeta("sync_counter", "0"));
  // A fresh identity starts from a snapshot (after a re-enrolment too).
  SIMPUL_RETURN_IF_ERROR(store.SetMeta("sync_initial", "1"));
  SIMPUL_RETURN_IF_ERROR(store.SetMeta("sync_cursor", "0"));
  SIMPUL_RETURN_IF_ERROR(store.SetMeta("snapshot_after", ""));
  SIMPUL_RETURN_IF_ERROR(store.SetMeta("snapshot_seq", "0"));
  SIMPUL_RETURN_IF_ERROR(store.SetMeta("hub_protocol", std::to_string(
      reply.protocol >= 3 ? std::min<uint16_t>(reply.protocol, wire::kProtocolMax) : 2)));
  store.hlc().Witness(sync::Stamp::Make(reply.hub_time_ms, 0));
  SIMPUL_RETURN_IF_ERROR(sync::SaveLastStamp(store.db(), store.hlc().last()));
  SIMPUL_RETURN_IF_ERROR(store.Audit("enrolled", hub_url, "hub key " + crypto::Fingerprint(reply.hub_sign_pk)));
  return txn.Commit();
}

namespace internal {

// Documents this sync has to move: ours the hub has not confirmed, and the
// village's that we do not hold yet.
Result<DocumentWork> FindDocuments(NodeStore& s, const sync::BlobDir& blobs) {
  DocumentWork w;
  SIMPUL_ASSIGN_OR_RETURN(auto st, s.db().Prepare(
      "SELECT DISTINCT a.sha256, a.size, (SELECT 1 FROM blob_acks k WHERE k.sha256=a.sha256) FROM attachments a"
      " WHERE a.village=? AND a.deleted=0 AND a.sha256 IS NOT NULL"
      // Letters are the hub's documents: fetched, never sent back (acked).
      " UNION ALL SELECT l.sha256, l.size, 1 FROM letters l WHERE l.village=? AND l.deleted=0 AND l.sha256 IS NOT NULL"));
  st.Bind(1, s.village()).Bind(2, s.village());
  std::set<std::string> seen;
  for (;;) {
    SIMPUL_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    std::string sha = st.Text(0);
    if (!sync::IsSha256Hex(sha) || !seen.insert(sha).second) continue;
    w.size[sha] = static_cast<uint64_t>(st.Int(1));
    bool acked = !st.IsNullAt(2);
    if (!blobs.Has(sha)) w.down.push_back(sha);
    else if (!acked) w.up.push_back(sha);
  }
  return w;
}

// Batch and chunk sizes adapt to the link: they double after each
// delivered round trip and halve after a cut, and are remembered between
// runs, so a cut costs little and a good link is used fully.
constexpr uint64_t kMinChunk = 8 << 10, kMaxChunk = 1 << 20;
// Streamed rounds (PROTOCOL.md §16): document bytes per frame (what a cut
// mid-body can lose), and how many times the per-request batch (one frame)
// one round may carry.
constexpr uint64_t kStreamSegment = 8 << 10;
// Changes per streamed frame on a link that cuts (protocol 3: the frames of
// a round share one compression stream; ~6 KB each).
constexpr size_t kCuttingFrameChanges = 250;
// A document sent without asking the hub first: at most this much of it
// until the hub's answer (most KK/KTP scans are smaller).
constexpr uint64_t kProbeBytes = 64 << 10;
constexpr size_t kStreamBatchFactor = 8;
// Pacing a round's body (sync/transport/pacing.h, PROTOCOL.md §12): only on
// links whose round trip is at least this long (a LAN or a loopback hub is
// never paced: its round time is the hub's work, not the link's), within
// this many seconds per body (the request's deadline is 30 s), and learnt
// only from rounds of at least kRateSampleBytes.
constexpr double kPacedMinRtt = 0.1, kPacedMaxWrite = 20;
constexpr uint64_t kRateSampleBytes = 16 << 10, kSmallRound = 4 << 10;
// For the zstd level (sync/wire/level.h): a round moving at least this much
// measures the rate, not the latency.
constexpr double kLevelSampleBytes = 32 << 10;

LinkSizes LoadLinkSizes(NodeStore& s, size_t max_batch, size_t first_batch) {
  size_t batch = std::strtoull(s.Meta("link_batch").c_str(), nullptr, 10);
  uint64_t chunk = std::strtoull(s.Meta("link_chunk").c_str(), nullptr, 10);
  return {std::clamp<size_t>(batch ? batch : first_batch, 10, max_batch), std::clamp<uint64_t>(chunk ? chunk : 64 << 10, kMinChunk, kMaxChunk)};
}

Status SaveLinkSizes(NodeStore& s, const LinkSizes& l) {
  SIMPUL_RETURN_IF_ERROR(s.SetMeta("link_batch", std::to_string(l.batch)));
  return s.SetMeta("link_chunk", std::to_string(l.chunk));
}

}  // namespace internal

namespace internal {

// What the hub did with one request's pushed changes and document chunks
// (its reply, or the record it kept when a cut lost the reply). Runs inside
// the caller's transaction.
Status ApplyOutcome(NodeStore& store, uint64_t counter, const wire::SyncRequest& req,
                    const std::vector<int64_t>& seqs, const std::vector<wire::ItemResult>& results,
                    const std::vector<wire::BlobState>& states, DocumentWork* docs, SyncSummary* sum,
                    bool* doc_progress) {
  *doc_progress = false;
  if (results.size() < seqs.size() || req.push.size() < seqs.size())
    return Status::Corruption("hub answered fewer results than changes");
  // Acknowledged changes stay (state 'acked', for kHistoryDays) with the
  // counter they were acknowledged in: a hub restored from an older backup
  // gets them again (node/epoch.cc).
  SIMPUL_ASSIGN_OR_RETURN(Stmt * acked, store.db().Cached(
      "UPDATE outbox SET state='acked', refusal=NULL, ack_counter=?, acked_at_ms=? WHERE seq=?"));
  SIMPUL_ASSIGN_OR_RETURN(Stmt * refuse, store.db().Cached(
      "UPDATE outbox SET state='refused', refusal=? WHERE seq=?"));
  SIMPUL_RETURN_IF_ERROR(sync::SaveLastStamp(store.db(), store.hlc().last()));
  for (size_t i = 0; i < seqs.size(); ++i) {
    const auto& r = results[i];
    // An empty version (protocol 2) answers the change at this index.
    if (!r.version.empty() && r.version != req.push[i].version) return Status::Corruption("hub results out of order");
    ++sum->sent;
    if (r.code == 0) {
      acked->Bind(1, static_cast<int64_t>(counter)).Bind(2, static_cast<int64_t>(store.NowMs())).Bind(3, seqs[i]);
      SIMPUL_RETURN_IF_ERROR(acked->Run());
      ++sum->acked;
    } else {
      // Never silently dropped: stays in the outbox, visible, with the reason.
      refuse->Bind(1, std::string(CodeName(static_cast<Code>(r.code))) + ": " + r.message).Bind(2, seqs[i]);
      SIMPUL_RETURN_IF_ERROR(refuse->Run());
      ++sum->refused;
      // A row Dinsos moved away: the refusal settles (node/refusals.h).
      SIMPUL_RETURN_IF_ERROR(SettleIfMoved(store, seqs[i], req.push[i].table, req.push[i].row_id));
    }
  }
  SIMPUL_ASSIGN_OR_RETURN(Stmt * ack, store.db().Cached(
      "INSERT INTO blob_acks(sha256,acked_at_ms) VALUES(?,?) ON CONFLICT DO NOTHING"));
  for (const auto& st : states) {
    auto it = std::find(docs->up.begin(), docs->up.end(), st.sha256);
    if (it == docs->up.end()) continue;
    if (st.code != 0) {
      // Refused (too large, not in scope): reported, kept locally, not retried in this run.
      std::fprintf(stderr, "simpul-node: the hub refused document %s: %s\n", st.sha256.substr(0, 12).c_str(),
                   st.message.c_str());
      ++sum->docs_refused;
      docs->up.erase(it);
      continue;
    }
    docs->queried.insert(st.sha256);
    docs->probe.erase(st.sha256);
    uint64_t before = docs->hub_has[st.sha256];
    docs->hub_has[st.sha256] = st.have;
    if (st.have > before) sum->doc_bytes_sent += st.have - before;
    if (st.complete) {
      ack->Bind(1, st.sha256).Bind(2, static_cast<int64_t>(store.NowMs()));
      SIMPUL_RETURN_IF_ERROR(ack->Run());
      docs->up.erase(it);
      ++sum->docs_sent;
    }
    *doc_progress = true;
  }
  return Status::Ok();
}

// Applies one reply to the request it answers, in one transaction: results
// (acked changes leave the outbox, refused ones stay with their reason),
// pulled and repaired changes, documents, and the new cursor. `seqs` are
// the outbox rows of req.push, in order. Used by a live sync and by a reply
// bundle alike.
Status ApplyReply(NodeStore& store, sync::Merger& merger, const std::string& hub_id, uint64_t counter,
                  const wire::SyncRequest& req, const std::vector<int64_t>& seqs, const wire::SyncReply& reply,
                  sync::BlobDir& blobs, DocumentWork* docs, SyncSummary* sum, const LinkSizes* link,
                  bool* doc_progress) {
  SIMPUL_ASSIGN_OR_RETURN(auto txn, schema::Transaction::Begin(store.db()));
  if (!reply.hub_key_succession.empty()) {
    // The hub rotated its key: adopt the new one only if every link is
    // signed by the key before it, starting from the one pinned here.
    // A reply to a request sealed before an earlier reply moved us on may
    // repeat links already followed: start at the key pinned now.
    SIMPUL_ASSIGN_OR_RETURN(crypto::PublicKey pinned, crypto::PublicKeyFromHex(store.Meta("hub_pk")));
    const auto& chain = reply.hub_key_succession;
    size_t from = 0;
    while (from < chain.size() && chain[from].old_pk != pinned) ++from;
    if (from == chain.size() && chain.back().new_pk != pinned)
      return Status::Unauthenticated("hub key history does not start at the key this node trusts");
    SIMPUL_ASSIGN_OR_RETURN(crypto::PublicKey next, crypto::FollowKeySuccession(
        pinned, std::vector<wire::KeySuccession>(chain.begin() + static_cast<std::ptrdiff_t>(from), chain.end())));
    if (next != pinned) {
      // Earlier keys stay trusted for what they signed before the rotation
      // (letters: PROTOCOL.md §21).
      std::string history = store.Meta("hub_pk_history");
      SIMPUL_RETURN_IF_ERROR(store.SetMeta("hub_pk_history", history + (history.empty() ? "" : ",") + crypto::ToHex(pinned)));
      SIMPUL_RETURN_IF_ERROR(store.SetMeta("hub_pk", crypto::ToHex(next)));
      SIMPUL_RETURN_IF_ERROR(store.Audit("hub_key_rotated", crypto::Fingerprint(next),
                                         "from " + crypto::Fingerprint(pinned)));
    }
  }
  // A restored hub (a new epoch, §22): what it lost goes again, before this
  // reply's changes of the new epoch are kept.
  bool restored = false;
  SIMPUL_RETURN_IF_ERROR(FollowEpoch(store, reply, &restored));
  sum->hub_restored = sum->hub_restored || restored;
  SIMPUL_RETURN_IF_ERROR(ApplyOutcome(store, counter, req, seqs, reply.results, reply.blob_states, docs, sum,
                                      doc_progress));
  ReceiptBatch receipts;  // what this reply delivered, and when (node/receipts.h)
  NoteAcked(req, seqs.size(), reply.results, &receipts);
  const uint64_t hub_now = reply.hub_time_ms > 0 ? reply.hub_time_ms : store.NowMs();
  // The hub's signatures of the changes it wrote, by position in pulled ++ repair.
  std::map<uint64_t, const std::array<uint8_t, 64>*> signature_of;
  for (const auto& s : reply.signatures) signature_of[s.index] = &s.signature;
  uint64_t position = 0;
  auto apply = [&](const wire::Change& c) -> Status {
    const uint64_t at = position++;
    std::string writer;
    sync::Stamp stamp;
    if (!sync::Hlc::ParseVersion(c.version, &stamp, &writer)) {
      ++sum->skipped_invalid;
      return Status::Ok();
    }
    if (writer == store.node_id() && !(c.flags & (wire::kFlagRepair | wire::kFlagSnapshot)))
      return Status::Ok();  // our own change, already here
    // The receive rule (sync/hlc.h), against the hub's clock (ours may be
    // 1970): a stamp further ahead (a laptop of the village days fast) is
    // applied, not adopted, so it cannot drag this node's stamps.
    store.hlc().ObserveWithin(stamp, hub_now, sync::kDefaultMaxAheadMs);
    auto res = merger.Apply(c, sync::WriterRole(c.version, hub_id), "");
    if (!res.ok()) {
      if (res.status().code() == Code::kInternal || res.status().code() == Code::kIoError ||
          res.status().code() == Code::kUnavailable)
        return res.status();
      std::fprintf(stderr, "simpul-node: skipped a change from the hub (%s %s): %s\n", c.table.c_str(),
                   c.row_id.c_str(), res.status().ToString().c_str());
      ++sum->skipped_invalid;
      return Status::Ok();
    }
    // Conflicts are recorded by the hub, which sees every write of the
    // scope; the node receives its record (same deterministic id) in the
    // same sync. A pair of writes only this node saw concurrent would be
    // a conflict the hub never confirms, open here forever, so the node
    // records none of its own.
    if (c.table == "conflicts" && res->row_created) ++sum->conflicts;
    NotePulled(c, writer == hub_id, res->row_created, &receipts);
    if (auto it = signature_of.find(at); it != signature_of.end() && writer == hub_id)
      SIMPUL_RETURN_IF_ERROR(KeepHubChange(store, reply, c, *it->second));
    if (c.flags & wire::kFlagScopeOut) {  // moved away: its edits here can never apply
      SIMPUL_ASSIGN_OR_RETURN(int settled, SettleMovedRow(store, c));
      sum->settled += static_cast<uint64_t>(settled);
    }
    return Status::Ok();
  };
  for (const auto& c : reply.pulled) {
    SIMPUL_RETURN_IF_ERROR(apply(c));
    ++sum->received;
  }
  if (!req.repair_buckets.empty()) {
    std::set<uint32_t> buckets(req.repair_buckets.begin(), req.repair_buckets.end());
    std::set<std::pair<std::string, std::string>> hub_rows;
    for (const auto& c : reply.repair) {
      if (!buckets.count(sync::BucketOf(c.row_id))) return Status::Corruption("repair outside the asked buckets");
      hub_rows.insert({c.table, c.row_id});
      SIMPUL_RETURN_IF_ERROR(apply(c));
      ++sum->repaired;
    }
    SIMPUL_RETURN_IF_ERROR(RequeueLocalOnly(store, buckets, hub_rows, &sum->repaired));
  }
  // Documents: the bytes we asked for (the hub's state of our uploads came
  // with the results above).
  SIMPUL_ASSIGN_OR_RETURN(Stmt * ack, store.db().Cached(
      "INSERT INTO blob_acks(sha256,acked_at_ms) VALUES(?,?) ON CONFLICT DO NOTHING"));
  Status disk;
  for (const auto& c : reply.blob_chunks) {
    auto it = std::find(docs->down.begin(), docs->down.end(), c.sha256);
    if (it == docs->down.end() || c.data.empty()) continue;
    auto have = blobs.Append(c.sha256, c.total_size, c.offset, c.data);
    if (!have.ok()) {
      if (have.status().code() == Code::kResourceExhausted || have.status().code() == Code::kIoError) {
        disk = have.status();  // paused: the records of this reply still commit below
        break;
      }
      continue;  // a damaged document restarts; a misplaced chunk is asked again
    }
    *doc_progress = true;
    sum->doc_bytes_received += c.data.size();
    if (*have == c.total_size) {
      ack->Bind(1, c.sha256).Bind(2, static_cast<int64_t>(store.NowMs()));
      SIMPUL_RETURN_IF_ERROR(ack->Run());
      docs->down.erase(it);
      ++sum->docs_received;
      receipts.documents.push_back(c.sha256);
    }
  }
  // Cursor and snapshot state advance in the same transaction (a frame that
  // skipped the pull leaves them to the round's last frame).
  if (req.skip_pull) {
  } else if (req.initial) {
    if (reply.snapshot_next.empty()) {
      SIMPUL_RETURN_IF_ERROR(store.SetMeta("sync_initial", "0"));
      SIMPUL_RETURN_IF_ERROR(store.SetMeta("sync_cursor", std::to_string(reply.cursor)));
      SIMPUL_RETURN_IF_ERROR(store.SetMeta("snapshot_after", ""));
      SIMPUL_RETURN_IF_ERROR(store.SetMeta("snapshot_seq", "0"));
    } else {
      SIMPUL_RETURN_IF_ERROR(store.SetMeta("snapshot_after", reply.snapshot_next));
      SIMPUL_RETURN_IF_ERROR(store.SetMeta("snapshot_seq", std::to_string(reply.cursor)));
    }
  } else {
    if (reply.cursor < req.pull_cursor) return Status::Corruption("hub moved the cursor backwards");
    SIMPUL_RETURN_IF_ERROR(store.SetMeta("sync_cursor", std::to_string(reply.cursor)));
  }
  store.hlc().Witness(sync::Stamp::Make(reply.hub_time_ms, 0));
  SIMPUL_RETURN_IF_ERROR(RecordReceipts(store, receipts, reply.hub_time_ms, link != nullptr));
  SIMPUL_RETURN_IF_ERROR(sync::SaveLastStamp(store.db(), store.hlc().last()));
  SIMPUL_RETURN_IF_ERROR(store.SetMeta("last_sync_ms", std::to_string(reply.hub_time_ms)));
  if (link) SIMPUL_RETURN_IF_ERROR(SaveLinkSizes(store, *link));
  SIMPUL_RETURN_IF_ERROR(txn.Commit());
  return disk;
}

}  // namespace internal


namespace internal {

// One sealed request of a round, the outbox rows it pushes, and the
// versions of the hub's changes it gives back (protocol 4).
struct Frame {
  wire::SyncRequest req;
  std::vector<int64_t> seqs;
  std::vector<std::string> handbacks;
};

// Protocol 3: requests of rounds whose replies a cut lost. Until the hub
// says what became of them (recover_from), their changes and documents are
// "in doubt": not sent again (nor later changes of the same rows, whose
// base versions follow them), and not asked about.
struct Doubts {
  struct Sent {
    uint64_t counter;
    Frame frame;
    // Where the frame ended in its round's body, and how long after the
    // round began the cut came: once settled, a measure of the link's rate.
    uint64_t body_end = 0;
    double cut_after_s = 0;
  };
  std::vector<Sent> sent;  // counter order
  std::set<int64_t> seqs;
  std::set<std::pair<std::string, std::string>> rows;  // table, row id
  std::set<std::string> docs;

  bool empty() const { return sent.empty(); }
  void Add(uint64_t counter, const Frame& f, uint64_t body_end, double cut_after_s) {
    if (f.seqs.empty() && f.req.blob_chunks.empty()) return;  // nothing to settle
    sent.push_back({counter, f, body_end, cut_after_s});
    seqs.insert(f.seqs.begin(), f.seqs.end());
    for (const auto& c : f.req.push) rows.insert({c.table, c.row_id});
    for (const auto& c : f.req.blob_chunks) docs.insert(c.sha256);
  }
  void Clear() { *this = Doubts{}; }
};

// Settles the doubts from the hub's answer to recover_from, in one
// transaction: requests the hub handled get their outcome as if the reply
// had arrived; requests it never received (no outcome within the hub's
// recovery window) are simply not done: their changes are still in the
// outbox, their documents' resume points stand. A request beyond the window
// (or whose outcome does not fit it) falls back to protocol 2: its changes
// go again and are answered from the hub's record of results, its
// documents are asked about.
// `rate`: the link's delivery rate (bytes/s), learnt here from where each
// settled cut came (0 = not known yet).
Status SettleDoubts(NodeStore& store, Doubts* doubts, const wire::SyncReply& reply, DocumentWork* docs,
                    SyncSummary* sum, double* rate) {
  std::map<uint64_t, const wire::RecoveredReply*> by_counter;
  for (const auto& r : reply.recovered) by_counter[r.counter] = &r;
  if (reply.protocol >= 3) {
    // A cut round whose first frames were handled and later ones not: the
    // link delivered at least the handled frames' bytes before the cut.
    // (Frames of a round share cut_after_s; rounds follow in counter order.)
    std::map<double, std::pair<uint64_t, bool>> rounds;  // cut_after_s -> handled bytes, some not handled
    for (const auto& d : doubts->sent) {
      auto& r = rounds[d.cut_after_s];
      if (by_counter.count(d.counter)) r.first = std::max(r.first, d.body_end);
      else r.second = true;
    }
    for (const auto& [after_s, r] : rounds) {
      if (!r.second || r.first < (16u << 10) || after_s <= 0) continue;
      double sample = static_cast<double>(r.first) / after_s;
      *rate = *rate > 0 ? 0.5 * *rate + 0.5 * sample : sample;
    }
  }
  SIMPUL_ASSIGN_OR_RETURN(auto txn, schema::Transaction::Begin(store.db()));
  for (const auto& d : doubts->sent) {
    auto it = by_counter.find(d.counter);
    if (reply.protocol >= 3 && it == by_counter.end() &&
        (d.counter > reply.handled_through || reply.handled_through - d.counter < wire::kRecoveryWindow))
      continue;  // never reached the hub (its last counter may be past it: a later round's)
    bool settled = false;
    if (reply.protocol >= 3 && it != by_counter.end() && it->second->results.size() == d.frame.req.push.size()) {
      std::vector<wire::BlobState> states = it->second->blob_states;
      if (wire::ResolveBlobStates(d.frame.req, &states).ok()) {
        bool progress = false;  // the caller counts any settlement as progress
        SIMPUL_RETURN_IF_ERROR(ApplyOutcome(store, d.counter, d.frame.req, d.frame.seqs, it->second->results,
                                            states, docs, sum, &progress));
        ++sum->recovered;
        settled = true;
      }
    }
    if (!settled)
      for (const auto& c : d.frame.req.blob_chunks) {
        docs->queried.erase(c.sha256);
        docs->ask.insert(c.sha256);
      }
  }
  SIMPUL_RETURN_IF_ERROR(txn.Commit());
  doubts->Clear();
  return Status::Ok();
}

}  // namespace internal

Result<SyncSummary> SyncOnce(NodeStore& store, sync::Transport& transport, const SyncOptions& opt) {
  auto now_s = [&opt] {
    return opt.monotonic_s ? opt.monotonic_s()
                           : std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
  };
  const double start = now_s();
  SIMPUL_RETURN_IF_ERROR(crypto::InitSodium());
  if (!IsEnrolled(store))
    return Status::FailedPrecondition("this node is not enrolled: run simpul-node enrol --hub URL --code CODE");
  SIMPUL_ASSIGN_OR_RETURN(crypto::Identity identity, LoadIdentity(store));
  // The audit chain's signed head goes with the entries it covers.
  SIMPUL_RETURN_IF_ERROR(store.SignAuditHead(identity));
  // Re-read after each reply: the hub may hand over a rotated key.
  SIMPUL_ASSIGN_OR_RETURN(crypto::PublicKey hub_pk, crypto::PublicKeyFromHex(store.Meta("hub_pk")));
  const std::string hub_id = store.Meta("hub_id");
  uint64_t base_sent = transport.bytes_sent(), base_recv = transport.bytes_received(),
           base_rt = transport.round_trips();
  SyncSummary sum;
  SyncProgress prog;
  SIMPUL_ASSIGN_OR_RETURN(int64_t total_pending, CountPending(store));
  prog.push_total = static_cast<uint64_t>(total_pending);
  sync::BlobDir blobs = store.blobs();
  SIMPUL_ASSIGN_OR_RETURN(DocumentWork docs, FindDocuments(store, blobs));
  prog.docs_total = docs.up.size() + docs.down.size();
  for (const auto& sha : docs.up) prog.doc_bytes_total += docs.size[sha];
  for (const auto& sha : docs.down) prog.doc_bytes_total += docs.size[sha];
  LinkSizes link{};
  int cuts_in_a_row = 0;
  bool cut_seen = store.Meta("link_cut_seen") == "1";  // a cut in the last run too
  bool cut_seen_this_run = false;
  std::vector<uint32_t> repair_next;
  bool repair_tried = false, digest_done = false;
  sync::Merger merger(store.db());
  // The protocol requests are encoded for: 3 once a reply of this hub said
  // it speaks it (PROTOCOL.md §19), else 2, which every hub of protocol >= 2
  // reads (a hub of protocol 1 reads it too, and ignores what is new in 2).
  // 4 once the hub said so (epochs and hand-backs after a restore, §22).
  uint16_t protocol = static_cast<uint16_t>(std::clamp<uint64_t>(MetaU64(store, "hub_protocol"), 2, wire::kProtocolMax));
  SIMPUL_RETURN_IF_ERROR(PruneRestoreHistory(store));
  Doubts doubts;
  // The link's delivery rate (bytes/s) as measured at settled cuts, kept
  // between runs: after a cut it tells which frames of the round surely
  // never reached the hub (they go again at once, no question needed).
  double link_rate = std::strtod(store.Meta("link_rate").c_str(), nullptr);
  // What paces the bodies: the upload rate learnt from whole rounds of this
  // run (else from settled cuts), and the shortest round trip of a small
  // round. A cut then loses about rate x RTT of written bytes, not the
  // whole unwritten remainder of a body parked in the link's buffers.
  double pace_rate = std::isfinite(link_rate) && link_rate > 0 ? link_rate : 0;
  double rtt_s = 0;
  // What the link delivered in whole rounds (bytes/s, a lower bound: the
  // hub's time and the latency are in it), kept between runs: it picks the
  // zstd level of requests (sync/wire/level.h). Until one is known,
  // level 19: the first round measures the link. (A first round that only
  // measured, pushing nothing or 250 changes, cost 64 kbit/s links 5-8%
  // more bytes: the rounds after it fell differently against cuts, or its
  // frame could not share the round's zstd stream.)
  double send_rate = std::strtod(store.Meta("link_send_rate").c_str(), nullptr);
  if (!(send_rate > 0)) send_rate = link_rate;

  // Streamed requests (PROTOCOL.md §16): over HTTP a round's work travels
  // as several sealed requests ("frames") back to back in one body. The hub
  // handles every frame it received whole, even when the link cuts the body
  // short, so a cut loses only the frame in transit, and a round can carry
  // many frames (one round trip) without a cut costing much.
  bool stream = transport.streams() && store.Meta("hub_no_stream") != "1";
  auto max_batch = [&] { return stream ? opt.batch * kStreamBatchFactor : opt.batch; };
  // The first streamed round carries two frames' worth of changes (a
  // first sync of a thousand applications in one round trip); a cut costs
  // only the frame in transit.
  link = LoadLinkSizes(store, max_batch(), stream ? 2 * opt.batch : 100);
  // Changes per streamed frame: a cut loses about half a frame, so frames
  // shrink after a cut in a round that pushed, and grow back after rounds
  // that were not cut. In protocol 3 a round's frames share one zstd stream,
  // so small frames compress nearly as well as large ones (each flush
  // costs its block's entropy tables, ~100-200 bytes: not below ~250
  // changes, ~6 KB): they start at 500 changes, 250 on a link that cut in
  // the last run, and grow up to --batch only while the run saw no cut.
  const size_t batch = std::max<size_t>(opt.batch, 1);
  const size_t frame_floor = protocol >= 3 ? std::min(batch, kCuttingFrameChanges) : std::min<size_t>(batch, 50);
  size_t frame_changes = protocol >= 3 ? std::min(batch, cut_seen ? kCuttingFrameChanges : 2 * kCuttingFrameChanges)
                                       : batch;

  for (int round = 0; round < opt.max_round_trips; ++round) {
    wire::SyncRequest base;
    base.initial = store.Meta("sync_initial") == "1";
    base.pull_cursor = MetaU64(store, "sync_cursor");
    base.pull_limit = opt.pull_limit;
    base.snapshot_after = store.Meta("snapshot_after");
    base.snapshot_seq = MetaU64(store, "snapshot_seq");
    // Before protocol 3 a frame cannot skip the pull, and a snapshot page
    // answers one frame only: no streaming before the first snapshot.
    const bool streaming = stream && (!base.initial || protocol >= 3);
    const size_t want = streaming ? link.batch : std::min(link.batch, opt.batch);
    const int level = wire::RequestLevel(send_rate);
    SIMPUL_ASSIGN_OR_RETURN(auto pending, ReadPending(store, want + doubts.seqs.size()));
    if (!doubts.empty())
      pending.erase(std::remove_if(pending.begin(), pending.end(),
                                   [&](const Pending& p) {
                                     return doubts.seqs.count(p.seq) ||
                                            doubts.rows.count({p.change.table, p.change.row_id});
                                   }),
                    pending.end());
    if (pending.size() > want) pending.resize(want);
    std::vector<Frame> frames;
    const size_t per_frame = streaming ? frame_changes : std::max<size_t>(pending.size(), 1);
    for (size_t i = 0; i < pending.size(); i += per_frame) {
      Frame f{base, {}, {}};
      f.req.batch_id = static_cast<uint64_t>(pending[i].seq);
      for (size_t j = i; j < std::min(pending.size(), i + per_frame); ++j) {
        f.req.push.push_back(pending[j].change);
        f.seqs.push_back(pending[j].seq);
      }
      frames.push_back(std::move(f));
    }
    if (frames.empty()) frames.push_back(Frame{base, {}, {}});
    // Protocol 4: the hub's own changes it lost in a restore go back with
    // the first frame (the hub applies them with the pushed changes in
    // version order), and every frame names the epoch this node has caught
    // up with: the hub's current one once nothing is left to give back.
    if (protocol >= 4) {
      SIMPUL_ASSIGN_OR_RETURN(auto handbacks, ReadHandbacks(store, want));
      for (auto& h : handbacks) {
        frames.front().req.handback.push_back(std::move(h.signed_change));
        frames.front().handbacks.push_back(std::move(h.version));
      }
      std::string seen = store.Meta("hub_epoch_seen");
      if (pending.empty() && doubts.empty() && handbacks.empty() && !seen.empty() && seen != CaughtUpEpoch(store)) {
        SIMPUL_ASSIGN_OR_RETURN(int64_t waiting, CountPending(store));
        if (waiting == 0) SIMPUL_RETURN_IF_ERROR(store.SetMeta("hub_epoch", seen));
      }
      for (auto& f : frames) f.req.epoch = CaughtUpEpoch(store);
    }
    // Protocol 5: every frame reports the changes left in the outbox once
    // this round's are sent (the villages page's "changes waiting").
    if (protocol >= 5) {
      SIMPUL_ASSIGN_OR_RETURN(int64_t waiting, CountPending(store));
      const uint64_t left = static_cast<uint64_t>(std::max<int64_t>(0, waiting - static_cast<int64_t>(pending.size())));
      for (auto& f : frames) f.req.outbox_waiting = left;
    }
    // Records before documents: documents move only once the outbox is
    // empty (changes in doubt count as not sent yet).
    bool doc_round = pending.empty() && doubts.seqs.empty() && !base.initial && (!docs.up.empty() || !docs.down.empty());
    std::set<std::string> chunks_sent;  // documents with bytes in this round
    if (doc_round) {
      for (const auto& sha : docs.up) {
        if (docs.queried.count(sha) || doubts.docs.count(sha)) continue;
        // A document this run has not sent yet goes at once, from offset 0,
        // without asking first when streaming (the question would cost a
        // round trip): the hub answers its chunk with its state, `complete`
        // if it already held it, or its resume point if it held a part.
        // Until that answer it sends at most its first kProbeBytes, so a
        // document the hub already holds (the same scan sent by another
        // laptop) costs at most that much of the link.
        if (streaming && !docs.ask.count(sha)) {
          docs.probe.insert(sha);
          docs.queried.insert(sha);
          continue;
        }
        if (frames.back().req.blob_query.size() < 200) frames.back().req.blob_query.push_back(sha);
      }
      if (frames.back().req.blob_query.empty()) {
        // Chunks at the hub's resume points, cut into frames of at most
        // kStreamSegment bytes when streaming; each frame's chunk of a
        // document starts where the previous frame's ended.
        uint64_t budget = link.chunk, in_frame = 0;
        // A cut loses half a frame on average (measured: 32 KiB frames
        // before the first cut cost more than they saved).
        // (4 KiB frames after a cut measured no better: a frame's headers
        // cost ~230 bytes.)
        const uint64_t segment = streaming ? kStreamSegment : link.chunk;
        for (const auto& sha : docs.up) {
          if (budget == 0) break;
          if (doubts.docs.count(sha)) continue;
          uint64_t have = docs.hub_has[sha], size = docs.size[sha];
          const uint64_t until = docs.probe.count(sha) ? std::min(size, have + kProbeBytes) : size;
          while (budget > 0 && have < until) {
            if (in_frame >= segment) {
              frames.push_back(Frame{base, {}, {}});
              in_frame = 0;
            }
            uint64_t n = std::min({budget, until - have, segment - in_frame});
            SIMPUL_ASSIGN_OR_RETURN(std::string data, blobs.Read(sha, have, n));
            if (data.empty()) break;
            budget -= data.size();
            in_frame += data.size();
            chunks_sent.insert(sha);
            frames.back().req.blob_chunks.push_back({sha, size, have, std::move(data)});
            have = frames.back().req.blob_chunks.back().offset + frames.back().req.blob_chunks.back().data.size();
          }
        }
      }
      uint64_t down_budget = link.chunk;
      for (const auto& sha : docs.down) {
        if (down_budget == 0) break;
        uint64_t want_bytes = std::min<uint64_t>(down_budget, 1u << 20);
        frames.back().req.blob_wants.push_back({sha, blobs.PartialSize(sha), static_cast<uint32_t>(want_bytes)});
        down_budget -= std::min(down_budget, std::max<uint64_t>(docs.size[sha], 1));
      }
    }
    // The last frame pulls (and asks the repair); the others skip the pull
    // (protocol 3) or pull at most one entry (the hub's minimum), which the
    // last one's reply repeats.
    for (size_t i = 0; i + 1 < frames.size(); ++i) {
      if (protocol >= 3) frames[i].req.skip_pull = true;
      else frames[i].req.pull_limit = 1;
    }
    frames.back().req.repair_buckets = std::move(repair_next);
    repair_next.clear();
    bool asked_repair = !frames.back().req.repair_buckets.empty();
    // The first frame asks what became of requests whose replies were lost.
    const bool recovering = !doubts.empty();
    if (recovering) frames.front().req.recover_from = doubts.sent.front().counter;
    // One frame goes as a plain request (a stream of one gains nothing).
    const bool multi = frames.size() > 1;

    SIMPUL_ASSIGN_OR_RETURN(uint64_t counter, NextCounters(store, frames.size()));
    std::vector<crypto::SealedRequest> sealed;
    sealed.reserve(frames.size());
    // Frames of changes share one compression stream (protocol 3); frames
    // of document bytes do not (random bytes gain nothing).
    std::optional<wire::SharedCompressor> shared;
    if (multi && protocol >= 3 && !pending.empty()) shared.emplace(level);
    for (size_t i = 0; i < frames.size(); ++i) {
      wire::RequestHeader header;
      header.node_id = store.node_id();
      header.counter = counter + i;
      header.schema_version = static_cast<uint32_t>(schema::LatestSchemaVersion());
      std::string body = shared ? shared->Next(frames[i].req, protocol) : wire::Encode(frames[i].req, protocol, level);
      SIMPUL_ASSIGN_OR_RETURN(crypto::SealedRequest one, crypto::SealRequest(identity, hub_pk, header, body));
      sealed.push_back(std::move(one));
    }
    std::vector<uint64_t> body_end;  // where each frame ends in the body
    for (const auto& sr : sealed) body_end.push_back((body_end.empty() ? 0 : body_end.back()) + sr.frame.size());
    transport.SetPacing(rtt_s >= kPacedMinRtt ? sync::PaceForLink(pace_rate, rtt_s, body_end.back(), kPacedMaxWrite)
                                              : sync::Pacing{});
    const double round_start = now_s();
    uint64_t sent_before = transport.bytes_sent(), received_before = transport.bytes_received();
    Result<std::string> reply_body = Status::Internal("not sent");
    if (multi) {
      std::vector<std::string> parts;
      for (const auto& sr : sealed) parts.push_back(sr.frame);
      reply_body = transport.RoundTrip("/v1/stream", wire::JoinFrames(parts));
      if (!reply_body.ok() && reply_body.status().code() == Code::kNotFound) {
        // An older hub: one request per round trip from now on.
        stream = false;
        (void)store.SetMeta("hub_no_stream", "1");
        link.batch = std::min(link.batch, opt.batch);
        continue;
      }
    } else {
      reply_body = transport.RoundTrip("/v1/sync", sealed.front().frame);
    }
    if (!reply_body.ok()) {
      if (!reply_body.status().IsUnavailable()) return reply_body.status();
      ++sum.cuts;
      // A cut: try again with new requests and new counters. Protocol 3:
      // what this round sent is in doubt until the next round's first
      // reply says what the hub made of it. Before: pushed changes go again
      // (the hub answers them from its record, never applies them twice),
      // and documents whose bytes were in flight are asked about (the hub
      // kept every whole frame).
      if (protocol >= 3) {
        // Frames that start well beyond what the link can have delivered
        // since the round began never reached the hub: not in doubt, they
        // go again at once. (A wrong guess costs bytes, never correctness:
        // a change sent twice is answered from the hub's record, a chunk at
        // a stale offset with the hub's resume point.)
        double after_s = now_s() - round_start;
        double reach = link_rate > 0 ? 1.25 * link_rate * after_s + (16 << 10) : 1e300;
        // A paced body was not all written: what never left cannot be in doubt.
        const uint64_t wrote = transport.bytes_sent() - sent_before;  // HTTP header included
        for (size_t i = 0; i < frames.size(); ++i) {
          uint64_t start = i == 0 ? 0 : body_end[i - 1];
          // Its changes and chunks are still to send.
          if (static_cast<double>(start) > reach || start >= wrote) continue;
          doubts.Add(counter + i, frames[i], body_end[i], after_s);
        }
      } else {
        for (const auto& sha : chunks_sent) {
          docs.queried.erase(sha);
          docs.ask.insert(sha);
        }
      }
      // Streamed rounds lose only the frame in transit: the round keeps its
      // size, but its frames of changes shrink. A single request was lost
      // whole: halve it.
      if (!pending.empty()) {
        if (multi) frame_changes = std::max(frame_floor, frame_changes / 2);
        else link.batch = std::max<size_t>(10, link.batch / 2);
      }
      if (!streaming || !frames.back().req.blob_wants.empty()) link.chunk = std::max(kMinChunk, link.chunk / 2);
      (void)SaveLinkSizes(store, link);
      (void)store.SetMeta("link_cut_seen", "1");
      cut_seen = cut_seen_this_run = true;
      if (++cuts_in_a_row > opt.max_retries_after_cut) return reply_body.status();
      continue;
    }
    cuts_in_a_row = 0;
    double round_s = now_s() - round_start;
    uint64_t round_bytes = transport.bytes_sent() - sent_before;
    // The link's round trip from small rounds, its upload rate from large
    // ones whose reply is small beside the body (the reply's bytes counted
    // as if the link carried them as fast down as up; a faster downlink
    // makes the estimate read at most an eighth high). A paced round that
    // the pacing held back measures a little above its pace, by what went
    // ahead: the estimate climbs to the link's rate within a few rounds.
    const uint64_t reply_bytes = transport.bytes_received() - received_before;
    if (round_bytes < kSmallRound) {
      rtt_s = rtt_s > 0 ? std::min(rtt_s, round_s) : round_s;
    } else if (rtt_s > 0 && round_bytes >= kRateSampleBytes && reply_bytes <= round_bytes / 8) {
      pace_rate = static_cast<double>(round_bytes + reply_bytes) / std::max(0.05, round_s - rtt_s);
    }
    {
      // A round of a few hundred bytes measures the latency, not the rate:
      // it may raise the estimate (a lower bound) but not lower it.
      // Requests go up: the rate up counts (the reply's time in it only
      // lowers the estimate, towards level 19).
      const double moved = static_cast<double>(round_bytes);
      const double measured = round_s > 0 ? moved / round_s : 0;
      if (measured > 0 && (moved >= kLevelSampleBytes || measured > send_rate || !(send_rate > 0))) {
        send_rate = measured;
        (void)store.SetMeta("link_send_rate", std::to_string(static_cast<uint64_t>(send_rate)));
      }
    }
    std::vector<std::string_view> reply_frames;
    if (multi) {
      auto split = wire::SplitFrames(*reply_body, /*allow_tail=*/false);
      if (!split.ok()) return split.status();
      reply_frames = std::move(split->frames);
      if (reply_frames.empty() || reply_frames.size() > frames.size())
        return Status::Corruption("hub answered " + std::to_string(reply_frames.size()) + " frames for " +
                                  std::to_string(frames.size()));
    } else {
      reply_frames.push_back(*reply_body);
    }
    // Grow only what this round actually used: the batch after a push,
    // the chunk after a round that moved document bytes. Like TCP: double
    // until the link has cut once in this run, then grow by a quarter, so
    // requests settle below the distance between cuts and a cut wastes
    // little. Streamed document rounds lose one frame per cut whatever
    // their size, so they double; a round stays within ~20 s of the rate
    // the link achieved (a request must finish within the timeout).
    auto grow = [&](auto v) { return cut_seen ? v + std::max<decltype(v)>(1, v / 4) : v * 2; };
    bool pushed = !pending.empty();
    bool moved_docs = !chunks_sent.empty() || !frames.back().req.blob_wants.empty();
    if (pushed) {
      link.batch = std::min(max_batch(), grow(link.batch));
      frame_changes = std::min(protocol >= 3 && cut_seen ? 2 * frame_floor : batch, grow(frame_changes));
      // At most ~20 s of the rate this round achieved (changes per second).
      if (round_s > 0)
        link.batch = std::min(link.batch, std::max<size_t>(10, static_cast<size_t>(20.0 * pending.size() / round_s)));
    }
    if (moved_docs) {
      uint64_t grown = streaming && frames.back().req.blob_wants.empty() ? link.chunk * 2 : grow(link.chunk);
      if (round_s > 0 && round_bytes > 0) {
        uint64_t cap = static_cast<uint64_t>(20.0 * static_cast<double>(round_bytes) / round_s);
        grown = std::min(grown, std::max<uint64_t>(cap, 64 << 10));
      }
      link.chunk = std::clamp(grown, kMinChunk, kMaxChunk);
    }

    bool doc_progress = false;
    wire::SyncReply reply;
    bool key_rotated = false;
    for (size_t i = 0; i < reply_frames.size(); ++i) {
      const wire::SyncRequest& req = frames[i].req;
      SIMPUL_ASSIGN_OR_RETURN(std::string body, crypto::OpenReply(sealed[i], hub_pk, reply_frames[i]));
      SIMPUL_ASSIGN_OR_RETURN(reply, wire::DecodeSyncReply(body));
      if (reply.results.size() != req.push.size())
        return Status::Corruption("hub answered " + std::to_string(reply.results.size()) + " results for " +
                                  std::to_string(req.push.size()) + " changes");
      if (!req.handback.empty()) {
        SIMPUL_ASSIGN_OR_RETURN(auto txn, schema::Transaction::Begin(store.db()));
        SIMPUL_RETURN_IF_ERROR(SettleHandbacks(store, frames[i].handbacks, reply.handback_results, &sum));
        SIMPUL_RETURN_IF_ERROR(txn.Commit());
      }
      SIMPUL_RETURN_IF_ERROR(wire::ResolveBlobStates(req, &reply.blob_states));
      if (i == 0) {
        // The hub speaks protocol 3 (or, after a downgrade, no longer does).
        uint16_t hub_says = reply.protocol >= 3 ? std::min<uint16_t>(reply.protocol, wire::kProtocolMax) : 2;
        if (hub_says != protocol) {
          protocol = hub_says;
          (void)store.SetMeta("hub_protocol", std::to_string(protocol));
        }
        if (recovering) {
          SIMPUL_RETURN_IF_ERROR(SettleDoubts(store, &doubts, reply, &docs, &sum, &link_rate));
          if (link_rate > 0) (void)store.SetMeta("link_rate", std::to_string(static_cast<uint64_t>(link_rate)));
          if (pace_rate <= 0) pace_rate = link_rate;
          // Settled documents may be sendable again: not a stall.
          doc_progress = true;
        }
      }
      if (!reply.notice.empty()) sum.notice = reply.notice;
      bool dp = false;
      const bool restored_before = sum.hub_restored;
      SIMPUL_RETURN_IF_ERROR(ApplyReply(store, merger, hub_id, counter + i, req, frames[i].seqs, reply, blobs, &docs,
                                        &sum, &link, &dp));
      if (sum.hub_restored && !restored_before) {
        // The hub may lack documents it had confirmed: ask about them all.
        SIMPUL_ASSIGN_OR_RETURN(docs, FindDocuments(store, blobs));
      }
      doc_progress = doc_progress || dp;
      if (!reply.pulled.empty() || !reply.repair.empty())
        (void)sync::DeletePurgedDocuments(store.db(), blobs);  // a purge may have arrived; best effort
      key_rotated = key_rotated || !reply.hub_key_succession.empty();
    }
    // The hub handed over a rotated key: the next round seals to it.
    if (key_rotated) {
      SIMPUL_ASSIGN_OR_RETURN(hub_pk, crypto::PublicKeyFromHex(store.Meta("hub_pk")));
    }
    if (reply_frames.size() < frames.size())
      return Status::Corruption("hub answered " + std::to_string(reply_frames.size()) + " of " +
                                std::to_string(frames.size()) + " frames without a refusal");
    const wire::SyncRequest& req = frames.back().req;

    // New attachments may have arrived with the records (a document of
    // another laptop of the village, a moved application).
    if (!reply.pulled.empty() || asked_repair) {
      SIMPUL_ASSIGN_OR_RETURN(DocumentWork fresh, FindDocuments(store, blobs));
      for (const auto& sha : fresh.down)
        if (std::find(docs.down.begin(), docs.down.end(), sha) == docs.down.end()) {
          docs.down.push_back(sha);
          docs.size[sha] = fresh.size[sha];
          ++prog.docs_total;
          prog.doc_bytes_total += fresh.size[sha];
        }
    }
    prog.pushed = sum.acked + sum.refused;
    prog.pulled = sum.received;
    prog.docs_done = sum.docs_sent + sum.docs_received + sum.docs_refused;
    prog.doc_bytes_done = sum.doc_bytes_sent + sum.doc_bytes_received;
    prog.bytes = (transport.bytes_sent() - base_sent) + (transport.bytes_received() - base_recv);
    prog.seconds = now_s() - start;
    if (opt.progress) opt.progress(prog);

    SIMPUL_ASSIGN_OR_RETURN(int64_t left, CountPending(store));
    SIMPUL_ASSIGN_OR_RETURN(int64_t to_give_back, CountHandbacks(store));
    left += to_give_back;
    // An initial request whose snapshot finished with nothing newer comes
    // back with more = false and the digests: caught up in that round.
    if (reply.more || (req.initial && !reply.snapshot_next.empty()) || left > 0) continue;
    // Records caught up both ways: prove agreement with the hub's digest.
    if (!digest_done && reply.bucket_digests.size() == sync::kDigestBuckets) {
      SIMPUL_ASSIGN_OR_RETURN(sync::BucketDigests mine, sync::ScopeDigest(store.db(), store.village()));
      for (uint32_t b = 0; b < sync::kDigestBuckets; ++b)
        if (mine[b] != reply.bucket_digests[b]) repair_next.push_back(b);
      if (repair_next.empty()) {
        sum.verified = true;
        digest_done = true;
      } else if (repair_tried) {
        repair_next.clear();
        digest_done = true;  // still differs after one repair: report, do not loop
      } else {
        repair_tried = true;
        continue;
      }
    }
    // Then the documents, as long as they move.
    bool docs_left = !docs.up.empty() || !docs.down.empty();
    if (docs_left && (doc_progress || !doc_round)) continue;
    sum.docs_pending = docs.up.size() + docs.down.size();
    break;
  }
  // A run without a cut lets the next one start fast again.
  if (!cut_seen_this_run) (void)store.SetMeta("link_cut_seen", "0");
  sum.bytes_sent = transport.bytes_sent() - base_sent;
  sum.bytes_received = transport.bytes_received() - base_recv;
  sum.round_trips = transport.round_trips() - base_rt;
  sum.seconds = now_s() - start;
  return sum;
}

Result<std::vector<ConflictRow>> ListConflicts(NodeStore& store, bool all) {
  SIMPUL_ASSIGN_OR_RETURN(auto st, store.db().Prepare(
      std::string("SELECT id,tbl,row_id,field,kind,winner_value,loser_value,winner_version,loser_version,status,"
                  "resolution,resolved_by FROM conflicts") + (all ? "" : " WHERE status='open'") + " ORDER BY id"));
  std::vector<ConflictRow> out;
  for (;;) {
    SIMPUL_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    ConflictRow r;
    for (int i = 0; i < st.ColumnCount(); ++i) r.emplace_back(st.ColumnName(i), st.Column(i));
    out.push_back(std::move(r));
  }
  return out;
}

Status ResolveConflict(NodeStore& store, const std::string& id, const std::string& keep, const std::string& value,
                       const std::optional<std::string>& expected_current) {
  SIMPUL_ASSIGN_OR_RETURN(auto txn, schema::Transaction::Begin(store.db()));
  SIMPUL_ASSIGN_OR_RETURN(auto st, store.db().Prepare(
      "SELECT tbl,row_id,field,winner_value,loser_value,village,status,resolution FROM conflicts WHERE id=?"));
  st.Bind(1, id);
  SIMPUL_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Status::NotFound("no conflict " + id).WithMsg(MsgId::kNotFoundId, {"@conflicts", id});
  std::string table = st.Text(0), row_id = st.Text(1), field = st.Text(2), village = st.Text(5);
  // Decided already (another tab, another operator, or Dinsos): a second
  // decision would overwrite the first one's value unseen.
  if (st.Text(6) != "open")
    return Status::Aborted("conflict " + id + " is " + st.Text(6) + " already; nothing was written")
        .WithField("id").WithMsg(MsgId::kConflictAlreadyResolved, {st.Text(7)});
  Value chosen = keep == "winner" ? st.Column(3) : keep == "loser" ? st.Column(4) : Value(value);
  if (keep != "winner" && keep != "loser" && keep != "value")
    return Status::InvalidArgument("--keep must be winner or loser, or give --value");
  const schema::TableDef* t = schema::FindTable(table);
  const schema::FieldDef* f = t ? schema::FindField(*t, field) : nullptr;
  if (!f) return Status::Corruption("conflict names an unknown field");
  if (expected_current) {
    // The column is the schema's own (FindField above), never the caller's.
    SIMPUL_ASSIGN_OR_RETURN(auto cur, store.db().Prepare("SELECT \"" + field + "\" FROM \"" + table + "\" WHERE id=?"));
    cur.Bind(1, row_id);
    SIMPUL_ASSIGN_OR_RETURN(bool found, cur.Step());
    std::string now = found && !schema::IsNull(cur.Column(0)) ? schema::ValueToDisplay(cur.Column(0)) : std::string();
    if (now != *expected_current)
      return Status::Aborted(table + "." + field + " changed meanwhile; nothing was written")
          .WithField("expected_current").WithMsg(MsgId::kConflictChangedMeanwhile, {now});
  }
  if (keep == "value" && (field == "relation" || field == "dtks_desil"))
    chosen = static_cast<int64_t>(std::atoll(value.c_str()));
  SIMPUL_RETURN_IF_ERROR(schema::ValidateStoredValue(table, field, chosen));
  if (keep != "winner") {
    if (!sync::MayWrite(sync::Role::kVillage, f->owner))
      return Status::PermissionDenied(table + "." + field + " belongs to the hub: resolve it at Dinsos");
    SIMPUL_ASSIGN_OR_RETURN(auto w, store.writer().Write(*t, row_id, village, {{field, chosen}}));
    (void)w;
  }
  std::string how = keep == "value" ? "set to a new value" : "kept the " + keep;
  SIMPUL_ASSIGN_OR_RETURN(auto w2, store.writer().Write(*schema::FindTable("conflicts"), id, village,
      {{"status", std::string("resolved")}, {"resolution", how}, {"resolved_by", "village:" + store.node_id()}}));
  (void)w2;
  SIMPUL_RETURN_IF_ERROR(store.Audit("resolve_conflict", id, how));
  return txn.Commit();
}

}  // namespace simpul::node
