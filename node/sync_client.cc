// A node's sync run: one round after another until both sides are caught
// up. The session (sync/session/session.h) decides what each round sends
// and what cuts and delivered rounds teach; this file reads the store,
// seals, sends and applies (node/sync_apply.cc).
#include "node/sync_client.h"

#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <optional>

#include "node/sync_internal.h"
#include "schema/migrations.h"
#include "sync/blobs.h"
#include "sync/crypto/envelope.h"
#include "sync/digest.h"
#include "sync/purge.h"
#include "sync/wire/codec.h"
#include "sync/wire/stream.h"

namespace simpul::node {

namespace wire = sync::wire;
namespace crypto = sync::crypto;
using sync::session::Round;
using sync::session::Session;
using namespace internal;

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
  // Bundles made under the old identity: their replies (refusals, for a
  // revoked node) are not for this one, and their counters restart below
  // the new ones (node/bundle.cc forgets the oldest open bundles by counter).
  SIMPUL_RETURN_IF_ERROR(store.db().Exec("DELETE FROM meta WHERE key LIKE 'bundle\\_key\\_%' ESCAPE '\\'"
                                         " OR key LIKE 'bundle\\_asked\\_%' ESCAPE '\\'"));
  SIMPUL_RETURN_IF_ERROR(store.SetMeta("hub_protocol", std::to_string(
      reply.protocol >= 3 ? std::min<uint16_t>(reply.protocol, wire::kProtocolMax) : 2)));
  store.hlc().Witness(sync::Stamp::Make(reply.hub_time_ms, 0));
  SIMPUL_RETURN_IF_ERROR(sync::SaveLastStamp(store.db(), store.hlc().last()));
  SIMPUL_RETURN_IF_ERROR(store.Audit("enrolled", hub_url, "hub key " + crypto::Fingerprint(reply.hub_sign_pk)));
  return txn.Commit();
}

namespace {

// What one run holds besides the session.
struct Run {
  NodeStore& store;
  sync::Transport& transport;
  const SyncOptions& opt;
  std::function<double()> clock;
  crypto::Identity identity;
  crypto::PublicKey hub_pk;  // re-read when the hub hands over a rotated key
  std::string hub_id;
  sync::BlobDir blobs;
  sync::Merger merger;
  SyncSummary sum;
  SyncProgress prog;
  uint64_t base_sent, base_recv, base_rt;
  double start;
};

// The fields every frame of the next round shares: where the pull and the
// snapshot stand.
wire::SyncRequest RequestBase(NodeStore& store, const SyncOptions& opt) {
  wire::SyncRequest base;
  base.initial = store.Meta("sync_initial") == "1";
  base.pull_cursor = MetaU64(store, "sync_cursor");
  base.pull_limit = opt.pull_limit;
  base.snapshot_after = store.Meta("snapshot_after");
  base.snapshot_seq = MetaU64(store, "snapshot_seq");
  return base;
}

// Seals the round's frames under consecutive counters, durable first (a
// replayed counter would be refused). Frames of changes share one
// compression stream (protocol 3); frames of document bytes do not (random
// bytes gain nothing).
Result<std::vector<crypto::SealedRequest>> SealRound(Run& run, Session& session, Round* round) {
  SIMPUL_ASSIGN_OR_RETURN(uint64_t counter, NextCounters(run.store, round->frames.size()));
  std::optional<wire::SharedCompressor> shared;
  if (round->multi() && session.protocol() >= 3 && round->pushed > 0) shared.emplace(round->level);
  std::vector<crypto::SealedRequest> sealed;
  sealed.reserve(round->frames.size());
  std::vector<size_t> sizes;
  for (size_t i = 0; i < round->frames.size(); ++i) {
    wire::RequestHeader header;
    header.node_id = run.store.node_id();
    header.counter = counter + i;
    header.schema_version = static_cast<uint32_t>(schema::LatestSchemaVersion());
    const auto& req = round->frames[i].req;
    std::string body = shared ? shared->Next(req, session.protocol()) : wire::Encode(req, session.protocol(), round->level);
    SIMPUL_ASSIGN_OR_RETURN(crypto::SealedRequest one, crypto::SealRequest(run.identity, run.hub_pk, header, body));
    sizes.push_back(one.frame.size());
    sealed.push_back(std::move(one));
  }
  run.transport.SetPacing(session.Sending(round, counter, sizes));
  return sealed;
}

// Streamed requests (PROTOCOL.md §16): several sealed requests back to back
// in one body; the hub handles every frame it received whole, so a cut
// loses only the frame in transit. One frame goes as a plain request.
Result<std::string> SendRound(Run& run, const std::vector<crypto::SealedRequest>& sealed) {
  if (sealed.size() == 1) return run.transport.RoundTrip("/v1/sync", sealed.front().frame);
  std::vector<std::string> parts;
  for (const auto& sr : sealed) parts.push_back(sr.frame);
  return run.transport.RoundTrip("/v1/stream", wire::JoinFrames(parts));
}

// Opens and applies each reply of a delivered round, in order; returns the
// last one.
Result<wire::SyncReply> ApplyReplies(Run& run, Session& session, const Round& round,
                                     const std::vector<crypto::SealedRequest>& sealed, const std::string& body,
                                     bool* doc_progress) {
  NodeStore& store = run.store;
  std::vector<std::string_view> replies;
  if (round.multi()) {
    SIMPUL_ASSIGN_OR_RETURN(auto split, wire::SplitFrames(body, /*allow_tail=*/false));
    replies = std::move(split.frames);
    if (replies.empty() || replies.size() > round.frames.size())
      return Status::Corruption("hub answered " + std::to_string(replies.size()) + " frames for " +
                                std::to_string(round.frames.size()));
  } else {
    replies.push_back(body);
  }
  wire::SyncReply reply;
  bool key_rotated = false;
  for (size_t i = 0; i < replies.size(); ++i) {
    const auto& frame = round.frames[i];
    SIMPUL_ASSIGN_OR_RETURN(std::string plain, crypto::OpenReply(sealed[i], run.hub_pk, replies[i]));
    SIMPUL_ASSIGN_OR_RETURN(reply, wire::DecodeSyncReply(plain));
    if (reply.results.size() != frame.req.push.size())
      return Status::Corruption("hub answered " + std::to_string(reply.results.size()) + " results for " +
                                std::to_string(frame.req.push.size()) + " changes");
    if (!frame.req.handback.empty()) {
      SIMPUL_ASSIGN_OR_RETURN(auto txn, schema::Transaction::Begin(store.db()));
      SIMPUL_RETURN_IF_ERROR(SettleHandbacks(store, frame.handbacks, reply.handback_results, &run.sum));
      SIMPUL_RETURN_IF_ERROR(txn.Commit());
    }
    SIMPUL_RETURN_IF_ERROR(wire::ResolveBlobStates(frame.req, &reply.blob_states));
    if (i == 0) {
      // The hub speaks protocol 3 or later (or, after a downgrade, no longer does).
      const uint16_t hub_says = reply.protocol >= 3 ? std::min<uint16_t>(reply.protocol, wire::kProtocolMax) : 2;
      if (hub_says != session.protocol()) {
        session.SetProtocol(hub_says);
        (void)store.SetMeta("hub_protocol", std::to_string(hub_says));
      }
      if (round.recovering) {
        SIMPUL_RETURN_IF_ERROR(SettleDoubts(store, session, reply, &run.sum));
        *doc_progress = true;  // settled documents may be sendable again: not a stall
      }
    }
    if (!reply.notice.empty()) run.sum.notice = reply.notice;
    bool dp = false;
    const bool restored_before = run.sum.hub_restored;
    const sync::session::LinkMemory memory = session.link().memory();
    SIMPUL_RETURN_IF_ERROR(ApplyReply(store, run.merger, run.hub_id, round.counter + i, frame.req, frame.seqs, reply,
                                      run.blobs, &session.documents(), &run.sum, &memory, &dp));
    if (run.sum.hub_restored && !restored_before) {
      // The hub may lack documents it had confirmed: ask about them all.
      SIMPUL_ASSIGN_OR_RETURN(session.documents(), FindDocuments(store, run.blobs));
    }
    *doc_progress = *doc_progress || dp;
    if (!reply.pulled.empty() || !reply.repair.empty())
      (void)sync::DeletePurgedDocuments(store.db(), run.blobs);  // a purge may have arrived; best effort
    key_rotated = key_rotated || !reply.hub_key_succession.empty();
  }
  // The hub handed over a rotated key: the next round seals to it.
  if (key_rotated) {
    SIMPUL_ASSIGN_OR_RETURN(run.hub_pk, crypto::PublicKeyFromHex(store.Meta("hub_pk")));
  }
  if (replies.size() < round.frames.size())
    return Status::Corruption("hub answered " + std::to_string(replies.size()) + " of " +
                              std::to_string(round.frames.size()) + " frames without a refusal");
  return reply;
}

void ReportProgress(Run& run) {
  auto& p = run.prog;
  const auto& s = run.sum;
  p.pushed = s.acked + s.refused;
  p.pulled = s.received;
  p.docs_done = s.docs_sent + s.docs_received + s.docs_refused;
  p.doc_bytes_done = s.doc_bytes_sent + s.doc_bytes_received;
  p.bytes = (run.transport.bytes_sent() - run.base_sent) + (run.transport.bytes_received() - run.base_recv);
  p.seconds = run.clock() - run.start;
  if (run.opt.progress) run.opt.progress(p);
}

}  // namespace

Result<SyncSummary> SyncOnce(NodeStore& store, sync::Transport& transport, const SyncOptions& opt) {
  SIMPUL_RETURN_IF_ERROR(crypto::InitSodium());
  if (!IsEnrolled(store))
    return Status::FailedPrecondition("this node is not enrolled: run simpul-node enrol --hub URL --code CODE");
  SIMPUL_ASSIGN_OR_RETURN(crypto::Identity identity, LoadIdentity(store));
  // The audit chain's signed head goes with the entries it covers.
  SIMPUL_RETURN_IF_ERROR(store.SignAuditHead(identity));
  SIMPUL_ASSIGN_OR_RETURN(crypto::PublicKey hub_pk, crypto::PublicKeyFromHex(store.Meta("hub_pk")));
  auto clock = opt.monotonic_s ? opt.monotonic_s : [] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
  };
  Run run{.store = store,
          .transport = transport,
          .opt = opt,
          .clock = clock,
          .identity = std::move(identity),
          .hub_pk = hub_pk,
          .hub_id = store.Meta("hub_id"),
          .blobs = store.blobs(),
          .merger = sync::Merger(store.db()),
          .sum = SyncSummary{},
          .prog = SyncProgress{},
          .base_sent = transport.bytes_sent(),
          .base_recv = transport.bytes_received(),
          .base_rt = transport.round_trips(),
          .start = clock()};
  SIMPUL_ASSIGN_OR_RETURN(int64_t total_pending, CountPending(store));
  run.prog.push_total = static_cast<uint64_t>(total_pending);
  SIMPUL_ASSIGN_OR_RETURN(DocumentWork docs, FindDocuments(store, run.blobs));
  run.prog.docs_total = docs.left();
  for (const auto& sha : docs.up) run.prog.doc_bytes_total += docs.size[sha];
  for (const auto& sha : docs.down) run.prog.doc_bytes_total += docs.size[sha];
  SIMPUL_RETURN_IF_ERROR(PruneRestoreHistory(store));
  // Requests are encoded for the protocol the hub last said it speaks
  // (PROTOCOL.md §19), at least 2, which every hub of protocol >= 2 reads.
  sync::session::SessionSetup setup;
  setup.batch_option = opt.batch;
  setup.max_retries_after_cut = opt.max_retries_after_cut;
  setup.protocol = static_cast<uint16_t>(std::clamp<uint64_t>(MetaU64(store, "hub_protocol"), 2, wire::kProtocolMax));
  setup.stream = transport.streams() && store.Meta("hub_no_stream") != "1";
  setup.clock = clock;
  Session session(setup, LoadLinkMemory(store), std::move(docs));
  const sync::session::BlobSource source(run.blobs);

  for (int round_no = 0; round_no < opt.max_round_trips; ++round_no) {
    const wire::SyncRequest base = RequestBase(store, opt);
    SIMPUL_ASSIGN_OR_RETURN(auto pending, ReadPending(store, session.ChangesToRead(base.initial)));
    SIMPUL_ASSIGN_OR_RETURN(Round round, session.NextRequest(base, std::move(pending), source));
    const RoundFacts facts{.protocol = session.protocol(),
                           .pushed = round.pushed,
                           .handback_limit = session.RoundChanges(round.frames.front().req.initial),
                           .in_doubt = session.doubts().seqs.size(),
                           .nothing_in_doubt = session.doubts().empty()};
    SIMPUL_RETURN_IF_ERROR(AddStoreFields(store, facts, &round.frames));
    SIMPUL_ASSIGN_OR_RETURN(auto sealed, SealRound(run, session, &round));
    const uint64_t sent_before = transport.bytes_sent(), received_before = transport.bytes_received();
    Result<std::string> body = SendRound(run, sealed);
    if (!body.ok() && round.multi() && body.status().code() == Code::kNotFound) {
      session.StopStreaming();  // an older hub: one request per round trip from now on
      (void)store.SetMeta("hub_no_stream", "1");
      continue;
    }
    if (!body.ok()) {
      if (!body.status().IsUnavailable()) return body.status();
      // A cut: the next round goes with new requests and new counters.
      ++run.sum.cuts;
      const bool go_on = session.OnCut(round, transport.bytes_sent() - sent_before);
      (void)SaveLinkMemory(store, session.link().memory());
      if (!go_on) return body.status();
      continue;
    }
    session.OnDelivered(round, transport.bytes_sent() - sent_before, transport.bytes_received() - received_before);
    bool doc_progress = false;
    SIMPUL_ASSIGN_OR_RETURN(wire::SyncReply reply, ApplyReplies(run, session, round, sealed, *body, &doc_progress));
    // New attachments may have arrived with the records (a document of
    // another laptop of the village, a moved application).
    if (!reply.pulled.empty() || round.asked_repair) {
      SIMPUL_ASSIGN_OR_RETURN(DocumentWork fresh, FindDocuments(store, run.blobs));
      for (const auto& sha : session.documents().AddDownloads(fresh)) {
        ++run.prog.docs_total;
        run.prog.doc_bytes_total += fresh.size[sha];
      }
    }
    ReportProgress(run);

    Session::RoundEnd end;
    // An initial request whose snapshot finished with nothing newer comes
    // back with more = false and the digests: caught up in that round.
    end.more = reply.more || (round.frames.back().req.initial && !reply.snapshot_next.empty());
    SIMPUL_ASSIGN_OR_RETURN(int64_t left, CountPending(store));
    SIMPUL_ASSIGN_OR_RETURN(int64_t to_give_back, CountHandbacks(store));
    end.left = left + to_give_back;
    end.doc_progress = doc_progress;
    end.has_digests = reply.bucket_digests.size() == sync::kDigestBuckets;
    end.digests_withheld = session.protocol() >= 6 && !end.has_digests &&
                           round.frames.back().req.outbox_waiting.value_or(0) > 0;
    end.differing = [&]() -> Result<std::vector<uint32_t>> {
      SIMPUL_ASSIGN_OR_RETURN(sync::BucketDigests mine, sync::ScopeDigest(store.db(), store.village()));
      std::vector<uint32_t> differ;
      for (uint32_t b = 0; b < sync::kDigestBuckets; ++b)
        if (mine[b] != reply.bucket_digests[b]) differ.push_back(b);
      return differ;
    };
    SIMPUL_ASSIGN_OR_RETURN(bool again, session.AfterRound(round, end));
    if (!again) {
      run.sum.docs_pending = session.documents().left();
      break;
    }
  }
  // A run without a cut lets the next one start fast again.
  if (!session.link().cut_this_run()) (void)store.SetMeta("link_cut_seen", "0");
  run.sum.verified = session.verified();
  run.sum.bytes_sent = transport.bytes_sent() - run.base_sent;
  run.sum.bytes_received = transport.bytes_received() - run.base_recv;
  run.sum.round_trips = transport.round_trips() - run.base_rt;
  run.sum.seconds = clock() - run.start;
  return run.sum;
}

}  // namespace simpul::node
