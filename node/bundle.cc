#include "node/bundle.h"

#include <sodium.h>

#include <cstdio>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>

#include "node/sync_internal.h"
#include "schema/messages.h"
#include "schema/migrations.h"
#include "schema/store_files.h"
#include "sync/digest.h"
#include "sync/purge.h"
#include "sync/wire/codec.h"

#include <algorithm>
#include <functional>

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

std::string Hex(const uint8_t* p, size_t n) { return crypto::ToHex(p, n); }

// The key of each exported bundle waits in meta as `bundle_key_<nonce>`
// until its reply is imported; then it becomes `bundle_done_<nonce>`
// (value `<ms>:<key>`, the newest kKeptDone kept), so importing the same
// reply again is recognised as such rather than as a stranger's file.
constexpr const char* kOpenPrefix = "bundle_key_";
constexpr const char* kDonePrefix = "bundle_done_";
constexpr int kKeptDone = 64;

// What a bundle asked, kept until its reply is imported (meta
// `bundle_asked_<nonce>`): as in a live sync, the hub answers pushed changes
// and handed-back ones by position (protocol 2) and names documents by their
// place in the request (protocol 3). Only what reading the reply needs is
// kept: the pushed changes' versions, tables and rows, the documents' ids.
constexpr const char* kAskedPrefix = "bundle_asked_";

struct Asked {
  uint64_t counter = 0;
  std::vector<int64_t> seqs;           // outbox rows of req.push, in order
  std::vector<std::string> handbacks;  // versions of req.handback, in order
  std::string epoch_seen;              // the hub's epoch this node knew of at export
  wire::SyncRequest req;               // the changes without values, the documents without bytes
};

std::string EncodeAsked(const Frame& frame, uint64_t counter, const std::string& epoch_seen) {
  wire::SyncRequest kept;
  for (const auto& c : frame.req.push) {
    wire::Change k;
    k.version = c.version;
    k.table = c.table;
    k.row_id = c.row_id;
    kept.push.push_back(std::move(k));
  }
  for (const auto& c : frame.req.blob_chunks) kept.blob_chunks.push_back({c.sha256, c.total_size, c.offset, ""});
  kept.blob_wants = frame.req.blob_wants;
  std::string out = std::to_string(counter) + "\n";
  for (size_t i = 0; i < frame.seqs.size(); ++i) out += (i ? "," : "") + std::to_string(frame.seqs[i]);
  out += "\n";
  for (size_t i = 0; i < frame.handbacks.size(); ++i) out += (i ? "," : "") + frame.handbacks[i];
  out += "\n" + epoch_seen;
  const std::string body = wire::Encode(kept, wire::kProtocolMax, 3);
  return out + "\n" + crypto::ToHex(reinterpret_cast<const uint8_t*>(body.data()), body.size());
}

Result<Asked> DecodeAsked(const std::string& text) {
  const Status damaged = Status::Corruption("the record of what this bundle asked is damaged");
  std::vector<std::string> lines;
  std::stringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  if (lines.size() != 5) return damaged;
  auto number = [](std::string_view s, auto* v) {
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *v);
    return !s.empty() && ec == std::errc() && end == s.data() + s.size();
  };
  Asked a;
  if (!number(lines[0], &a.counter)) return damaged;
  std::stringstream seqs(lines[1]);
  for (std::string s; std::getline(seqs, s, ',');) {
    int64_t seq = 0;
    if (!number(s, &seq)) return damaged;
    a.seqs.push_back(seq);
  }
  std::stringstream hb(lines[2]);
  for (std::string v; std::getline(hb, v, ',');) a.handbacks.push_back(v);
  a.epoch_seen = lines[3];
  std::string body(lines[4].size() / 2, '\0');
  size_t len = 0;
  if (sodium_hex2bin(reinterpret_cast<unsigned char*>(body.data()), body.size(), lines[4].data(), lines[4].size(),
                     nullptr, &len, nullptr) != 0)
    return damaged;
  body.resize(len);
  auto req = wire::DecodeSyncRequest(body);
  if (!req.ok() || req->push.size() != a.seqs.size()) return damaged;
  a.req = std::move(req).value();
  return a;
}

struct Probe {
  std::string key;   // the meta key that opened the frame ("" = none)
  std::string body;  // the reply's plaintext; empty for a signed refusal
  Status refusal;    // the hub's signed refusal of that bundle
};

Result<Probe> ProbeKeys(NodeStore& store, const crypto::PublicKey& hub_pk, const std::string& frame,
                        const std::string& prefix) {
  SIMPUL_ASSIGN_OR_RETURN(auto keys, store.db().Prepare("SELECT key, value FROM meta WHERE key LIKE ?"));
  keys.Bind(1, prefix + "%");
  for (;;) {
    SIMPUL_ASSIGN_OR_RETURN(bool row, keys.Step());
    if (!row) break;
    std::string name = keys.Text(0), key_hex = keys.Text(1), nonce_hex = name.substr(prefix.size());
    if (auto colon = key_hex.find(':'); colon != std::string::npos) key_hex = key_hex.substr(colon + 1);
    if (nonce_hex.size() != 48 || key_hex.size() != 64) continue;
    crypto::SealedRequest probe;
    for (size_t i = 0; i < 24; ++i) probe.nonce[i] = static_cast<uint8_t>(std::stoi(nonce_hex.substr(2 * i, 2), nullptr, 16));
    for (size_t i = 0; i < 32; ++i) probe.reply_key[i] = static_cast<uint8_t>(std::stoi(key_hex.substr(2 * i, 2), nullptr, 16));
    auto opened = crypto::OpenReply(probe, hub_pk, frame);
    if (opened.ok()) return Probe{name, std::move(opened).value(), Status::Ok()};
    if (!opened.status().IsCorruption()) return Probe{name, "", opened.status()};  // a signed refusal for it
  }
  return Probe{};
}

// Closes an open bundle key (inside the caller's transaction).
Status CloseKey(NodeStore& store, const std::string& open_key) {
  std::string key_hex = store.Meta(open_key);
  SIMPUL_ASSIGN_OR_RETURN(auto* del, store.db().Cached("DELETE FROM meta WHERE key=?"));
  del->Bind(1, open_key);
  SIMPUL_RETURN_IF_ERROR(del->Run());
  del->Bind(1, kAskedPrefix + open_key.substr(std::strlen(kOpenPrefix)));
  SIMPUL_RETURN_IF_ERROR(del->Run());
  char ms[24];
  std::snprintf(ms, sizeof ms, "%020llu", static_cast<unsigned long long>(store.NowMs()));
  SIMPUL_RETURN_IF_ERROR(store.SetMeta(kDonePrefix + open_key.substr(std::strlen(kOpenPrefix)),
                                       std::string(ms) + ":" + key_hex));
  SIMPUL_ASSIGN_OR_RETURN(auto* prune, store.db().Cached(
      "DELETE FROM meta WHERE key LIKE 'bundle_done_%' AND key NOT IN"
      " (SELECT key FROM meta WHERE key LIKE 'bundle_done_%' ORDER BY value DESC LIMIT ?)"));
  prune->Bind(1, kKeptDone);
  return prune->Run();
}

// Bundles whose replies never came back (a stick lost on the river) are
// forgotten beyond the newest kKeptOpen, by counter: a reply to an older one
// is then refused as answering no bundle of this node, and nothing is lost
// (its changes and hand-backs were still waiting and went with the newer
// bundles). Runs inside the export's transaction.
constexpr size_t kKeptOpen = 32;

Status ForgetOldOpenBundles(NodeStore& store) {
  std::vector<std::pair<uint64_t, std::string>> open;  // counter, nonce
  {
    SIMPUL_ASSIGN_OR_RETURN(auto q, store.db().Prepare("SELECT key, value FROM meta WHERE key LIKE ?"));
    q.Bind(1, std::string(kAskedPrefix) + "%");
    for (;;) {
      SIMPUL_ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) break;
      const std::string value = q.Text(1);
      uint64_t counter = 0;  // damaged: 0, forgotten first
      std::from_chars(value.data(), value.data() + std::min(value.find('\n'), value.size()), counter);
      open.emplace_back(counter, q.Text(0).substr(std::strlen(kAskedPrefix)));
    }
  }
  if (open.size() <= kKeptOpen) return Status::Ok();
  std::sort(open.begin(), open.end(), std::greater<>());
  SIMPUL_ASSIGN_OR_RETURN(auto* del, store.db().Cached("DELETE FROM meta WHERE key=?"));
  for (size_t i = kKeptOpen; i < open.size(); ++i) {
    for (const char* prefix : {kAskedPrefix, kOpenPrefix}) {
      del->Bind(1, prefix + open[i].second);
      SIMPUL_RETURN_IF_ERROR(del->Run());
    }
  }
  return Status::Ok();
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
  std::string nonce = Hex(sealed.nonce.data(), sealed.nonce.size());
  SIMPUL_ASSIGN_OR_RETURN(auto txn, schema::Transaction::Begin(store.db()));
  SIMPUL_RETURN_IF_ERROR(store.SetMeta(kOpenPrefix + nonce, Hex(sealed.reply_key.data(), 32)));
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
