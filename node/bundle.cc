#include "node/bundle.h"

#include <cstring>
#include <fstream>

#include "node/bundle_records.h"
#include "node/sync_internal.h"
#include "schema/messages.h"
#include "schema/migrations.h"
#include "schema/store_files.h"
#include "sync/digest.h"
#include "sync/purge.h"
#include "sync/wire/codec.h"

namespace simpul::node {

namespace wire = sync::wire;
namespace crypto = sync::crypto;
using namespace internal;

namespace {

constexpr uint64_t kMaxBundleFile = 512ull << 20;

Result<std::string> ReadBundle(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return Status::IoError("cannot read " + path).WithMsg(MsgId::kFileUnreadable, {path, "cannot open"});
  auto size = static_cast<uint64_t>(in.tellg());
  if (size > kMaxBundleFile) return Status::ResourceExhausted(path + " is larger than any bundle can be");
  in.seekg(0);
  std::string bytes(size, '\0');
  if (!in.read(bytes.data(), static_cast<std::streamsize>(size)))
    return Status::IoError("cannot read " + path).WithMsg(MsgId::kFileUnreadable, {path, "read failed"});
  return bytes;
}

}  // namespace

Result<BundleExport> ExportBundle(NodeStore& store, const std::string& path, uint64_t max_bytes) {
  SIMPUL_RETURN_IF_ERROR(crypto::InitSodium());
  if (!IsEnrolled(store))
    return Status::Unauthenticated("this node is not enrolled: run simpul-node enrol --hub URL --code CODE");
  SIMPUL_ASSIGN_OR_RETURN(crypto::Identity identity, LoadIdentity(store));
  SIMPUL_ASSIGN_OR_RETURN(crypto::PublicKey hub_pk, crypto::PublicKeyFromHex(store.Meta("hub_pk")));
  BundleExport out;
  {
    // Audited first, so the record of this export travels in it.
    SIMPUL_ASSIGN_OR_RETURN(auto txn, schema::Transaction::Begin(store.db()));
    SIMPUL_RETURN_IF_ERROR(store.Audit("bundle_export", path, "written for the hub"));
    SIMPUL_RETURN_IF_ERROR(txn.Commit());
  }
  SIMPUL_RETURN_IF_ERROR(store.SignAuditHead(identity));
  // One frame at the protocol the hub last said it speaks (at least 2): the
  // same request a live sync's round makes, with everything pending.
  const auto protocol =
      static_cast<uint16_t>(std::clamp<uint64_t>(MetaU64(store, "hub_protocol"), 2, wire::kProtocolMax));
  SIMPUL_ASSIGN_OR_RETURN(auto pending, ReadPending(store, wire::kMaxPushChanges));
  SIMPUL_ASSIGN_OR_RETURN(int64_t total, CountPending(store));
  out.more_remain = static_cast<int64_t>(pending.size()) < total;
  std::vector<Frame> frames(1);
  Frame& frame = frames.front();
  wire::SyncRequest& req = frame.req;
  for (auto& p : pending) {
    req.push.push_back(std::move(p.change));
    frame.seqs.push_back(p.seq);
  }
  out.changes = req.push.size();
  req.initial = store.Meta("sync_initial") == "1";
  req.pull_cursor = MetaU64(store, "sync_cursor");
  req.pull_limit = 100000;  // a bundle reply should carry all that is new
  req.snapshot_after = store.Meta("snapshot_after");
  req.snapshot_seq = MetaU64(store, "snapshot_seq");
  // Documents the hub has not confirmed, whole, while they fit.
  sync::BlobDir blobs = store.blobs();
  SIMPUL_ASSIGN_OR_RETURN(DocumentWork docs, FindDocuments(store, blobs));
  uint64_t budget = max_bytes;
  for (const auto& sha : docs.up) {
    uint64_t size = docs.size[sha];
    if (size > budget) {
      out.more_remain = true;
      continue;
    }
    SIMPUL_ASSIGN_OR_RETURN(std::string data, blobs.Read(sha, 0, size));
    budget -= data.size();
    req.blob_chunks.push_back({sha, size, 0, std::move(data)});
    ++out.documents;
  }
  for (const auto& sha : docs.down) req.blob_wants.push_back({sha, blobs.PartialSize(sha), 64u << 20});
  // The hub's changes to give back after a restore, the epoch, the outbox
  // left (PROTOCOL.md §22, §28): what a live round adds. The hub takes at
  // most kMaxPushChanges pushed and handed back together.
  const RoundFacts facts{.protocol = protocol,
                         .pushed = req.push.size(),
                         .handback_limit = wire::kMaxPushChanges - req.push.size()};
  SIMPUL_RETURN_IF_ERROR(AddStoreFields(store, facts, &frames));
  if (protocol >= 4) {
    SIMPUL_ASSIGN_OR_RETURN(int64_t handbacks, CountHandbacks(store));
    if (static_cast<size_t>(handbacks) > frame.handbacks.size()) out.more_remain = true;
  }

  SIMPUL_ASSIGN_OR_RETURN(uint64_t counter, NextCounter(store));
  wire::RequestHeader header;
  header.node_id = store.node_id();
  header.counter = counter;
  header.schema_version = static_cast<uint32_t>(schema::LatestSchemaVersion());
  // As a live round: the body at the protocol the hub last said it speaks,
  // the header offering ours, so the reply says what the hub speaks now.
  std::string body = wire::Encode(req, protocol);
  SIMPUL_ASSIGN_OR_RETURN(crypto::SealedRequest sealed, crypto::SealRequest(identity, hub_pk, header, body));
  // Remember how to open the reply, and what was asked (to apply it).
  std::string nonce = crypto::ToHex(sealed.nonce);
  SIMPUL_ASSIGN_OR_RETURN(auto txn, schema::Transaction::Begin(store.db()));
  SIMPUL_RETURN_IF_ERROR(store.SetMeta(kOpenPrefix + nonce, crypto::ToHex(sealed.reply_key)));
  SIMPUL_RETURN_IF_ERROR(store.SetMeta(kAskedPrefix + nonce, EncodeAsked(frame, counter, store.Meta("hub_epoch_seen"))));
  SIMPUL_RETURN_IF_ERROR(ForgetOldOpenBundles(store));
  SIMPUL_RETURN_IF_ERROR(schema::WriteFileAtomically(path, sealed.frame, 0600));
  SIMPUL_RETURN_IF_ERROR(txn.Commit());
  out.bytes = sealed.frame.size();
  return out;
}

Result<SyncSummary> ImportReplyBundle(NodeStore& store, const std::string& path) {
  SIMPUL_RETURN_IF_ERROR(crypto::InitSodium());
  if (!IsEnrolled(store))
    return Status::Unauthenticated("this node is not enrolled: run simpul-node enrol --hub URL --code CODE");
  SIMPUL_ASSIGN_OR_RETURN(crypto::PublicKey hub_pk, crypto::PublicKeyFromHex(store.Meta("hub_pk")));
  SIMPUL_ASSIGN_OR_RETURN(std::string frame, ReadBundle(path));
  auto view = crypto::ParseFrame(frame);
  if (!view.ok())  // cut short, or not a frame at all
    return Status::InvalidArgument(path + " is damaged: " + view.status().message())
        .WithMsg(MsgId::kBundleReplyDamaged, {path});
  if (view->kind != crypto::FrameKind::kSealedReply && view->kind != crypto::FrameKind::kSignedError)
    return Status::InvalidArgument(path + " is not a reply bundle (a request bundle goes to the hub)");
  // Try the key of every bundle this node exported and has not closed.
  SIMPUL_ASSIGN_OR_RETURN(Probe open, ProbeKeys(store, hub_pk, frame, kOpenPrefix));
  if (open.key.empty()) {
    // Not a reply to an open bundle: one already imported, or none of ours.
    SIMPUL_ASSIGN_OR_RETURN(Probe done, ProbeKeys(store, hub_pk, frame, kDonePrefix));
    if (!done.key.empty())
      return Status::AlreadyExists("this reply bundle was already imported")
          .WithMsg(MsgId::kBundleReplyAlreadyImported, {path});
    return Status::NotFound("this reply bundle answers no bundle of this node (or was altered)")
        .WithMsg(MsgId::kBundleReplyNotOurs, {path});
  }
  std::string body = std::move(open.body), used_key = open.key;
  Status last = open.refusal;
  if (body.empty()) {
    // The hub refused the bundle: nothing to apply; its changes wait in the outbox.
    SIMPUL_ASSIGN_OR_RETURN(auto txn, schema::Transaction::Begin(store.db()));
    SIMPUL_RETURN_IF_ERROR(CloseKey(store, used_key));
    SIMPUL_RETURN_IF_ERROR(txn.Commit());
    return last;
  }
  SIMPUL_ASSIGN_OR_RETURN(wire::SyncReply reply, wire::DecodeSyncReply(body));
  SyncSummary sum;
  wire::SyncRequest req;
  std::vector<int64_t> seqs;
  uint64_t counter = MetaU64(store, "sync_counter");  // at least the bundle's
  bool epoch_superseded = false;
  const std::string asked_text = store.Meta(kAskedPrefix + used_key.substr(std::strlen(kOpenPrefix)));
  if (!asked_text.empty()) {
    // What the bundle asked, to read the reply by position, as a live sync does.
    SIMPUL_ASSIGN_OR_RETURN(Asked asked, DecodeAsked(asked_text));
    if (reply.results.size() != asked.req.push.size())
      return Status::Corruption("hub answered " + std::to_string(reply.results.size()) + " results for " +
                                std::to_string(asked.req.push.size()) + " changes");
    SIMPUL_RETURN_IF_ERROR(wire::ResolveBlobStates(asked.req, &reply.blob_states));
    counter = asked.counter;
    if (!asked.handbacks.empty()) {
      SIMPUL_ASSIGN_OR_RETURN(auto txn, schema::Transaction::Begin(store.db()));
      SIMPUL_RETURN_IF_ERROR(SettleHandbacks(store, asked.handbacks, reply.handback_results, &sum));
      SIMPUL_RETURN_IF_ERROR(txn.Commit());
    }
    // Changes a later sync or bundle settled are left as they are.
    SIMPUL_ASSIGN_OR_RETURN(auto* state, store.db().Cached("SELECT state FROM outbox WHERE seq=?"));
    std::vector<wire::ItemResult> results;
    for (size_t i = 0; i < asked.seqs.size(); ++i) {
      state->Bind(1, asked.seqs[i]);
      SIMPUL_ASSIGN_OR_RETURN(bool row, state->Step());
      const bool pending = row && state->Text(0) == "pending";
      state->Reset();
      if (!pending) continue;
      req.push.push_back(std::move(asked.req.push[i]));
      seqs.push_back(asked.seqs[i]);
      results.push_back(std::move(reply.results[i]));
    }
    reply.results = std::move(results);
    // The hub speaks protocol 3 or later (or, after a downgrade, no longer does).
    SIMPUL_RETURN_IF_ERROR(store.SetMeta(
        "hub_protocol", std::to_string(reply.protocol >= 3 ? std::min(reply.protocol, wire::kProtocolMax) : 2)));
    // The node learnt of another epoch since the export (a live sync, or
    // another bundle's reply): this reply's is not news, or is older.
    epoch_superseded = asked.epoch_seen != store.Meta("hub_epoch_seen");
  } else {
    // A bundle exported before the node kept what it asked (protocol 1):
    // the results name their versions; they map to outbox rows.
    std::map<std::string, int64_t> seq_of;
    SIMPUL_ASSIGN_OR_RETURN(auto st, store.db().Prepare("SELECT seq, change_id FROM outbox WHERE state='pending'"));
    for (;;) {
      SIMPUL_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      seq_of[st.Text(1)] = st.Int(0);
    }
    wire::SyncReply kept = reply;
    kept.results.clear();
    for (const auto& r : reply.results) {
      auto it = seq_of.find(r.version);
      if (it == seq_of.end()) continue;  // already acknowledged by a later sync
      wire::Change c;
      c.version = r.version;
      req.push.push_back(std::move(c));
      seqs.push_back(it->second);
      kept.results.push_back(r);
    }
    reply = std::move(kept);
  }
  req.initial = store.Meta("sync_initial") == "1";
  req.pull_cursor = MetaU64(store, "sync_cursor");
  sync::BlobDir blobs = store.blobs();
  SIMPUL_ASSIGN_OR_RETURN(DocumentWork docs, FindDocuments(store, blobs));
  // Document states in the reply answer the chunks the bundle carried.
  sync::Merger merger(store.db());
  bool progress = false;
  if (!req.initial && reply.cursor < req.pull_cursor) {
    // A reply older than what this node already has (another bundle or a
    // live sync came after it): its pulled changes are stale; apply only
    // acknowledgements and documents.
    sum.stale_reply = true;
    sum.stale_skipped = reply.pulled.size();
    reply.pulled.clear();
    reply.bucket_digests.clear();  // they, and its epoch, describe the hub of that older time
    reply.cursor = req.pull_cursor;
  }
  if (sum.stale_reply) {
    reply.signatures.clear();
    reply.epoch.clear();
    reply.lineage.clear();
  } else if (epoch_superseded) {
    // Not followed (FollowEpoch needs the lineage), so the node cannot step
    // back to an older epoch; the hub's changes are kept with their
    // signatures, for a later restore.
    reply.lineage.clear();
  }
  SIMPUL_RETURN_IF_ERROR(ApplyReply(store, merger, store.Meta("hub_id"), counter, req, seqs, reply, blobs, &docs, &sum,
                                    nullptr, &progress));
  (void)sync::DeletePurgedDocuments(store.db(), blobs);  // a purge may have arrived; best effort
  SIMPUL_ASSIGN_OR_RETURN(auto txn, schema::Transaction::Begin(store.db()));
  SIMPUL_RETURN_IF_ERROR(CloseKey(store, used_key));
  SIMPUL_RETURN_IF_ERROR(txn.Commit());
  sum.docs_pending = docs.up.size() + docs.down.size();
  // The reply reached the end of the hub's log: prove agreement as a live sync does.
  SIMPUL_ASSIGN_OR_RETURN(int64_t left, CountPending(store));
  if (left == 0 && !reply.more && reply.bucket_digests.size() == sync::kDigestBuckets) {
    SIMPUL_ASSIGN_OR_RETURN(sync::BucketDigests mine, sync::ScopeDigest(store.db(), store.village()));
    sum.verified = std::equal(mine.begin(), mine.end(), reply.bucket_digests.begin());
  }
  return sum;
}

}  // namespace simpul::node
