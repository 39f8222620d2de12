#include "hub/sync_service.h"

#include "hub/epoch.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <new>

#include "hub/audit.h"
#include "hub/schema_compat.h"
#include "hub/sync_inbound.h"
#include "hub/sync_outbound.h"
#include "schema/migrations.h"
#include "schema/tables.h"
#include "sync/blobs.h"
#include "sync/crypto/signed_change.h"
#include "sync/digest.h"
#include "sync/merge.h"
#include "sync/session/hub_steps.h"
#include "sync/wire/codec.h"
#include "sync/wire/stream.h"

namespace simpul::hub {

using schema::Stmt;
using schema::Value;
namespace wire = sync::wire;
namespace crypto = sync::crypto;
namespace session = sync::session;

namespace {

// Request outcomes kept per node for recovery (protocol 3): more than the
// frames of several cut rounds in a row.
constexpr uint64_t kKeptOutcomes = wire::kRecoveryWindow;

struct NodeRecord {
  std::string village, status, revoke_reason;
  crypto::PublicKey pk{};
  uint64_t last_counter = 0;
  std::string hub_pk;  // hex of the hub key it last sealed to ("" = unknown)
};

Result<NodeRecord> FindNode(HubStore& store, const std::string& node_id) {
  SIMPUL_ASSIGN_OR_RETURN(Stmt * st, store.db().Cached(
      "SELECT village,status,sign_pk,last_counter,revoke_reason,hub_pk FROM nodes WHERE node_id=?"));
  st->Bind(1, node_id);
  SIMPUL_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) {
    st->Reset();
    return Status::Unauthenticated("node " + node_id + " is not enrolled at this hub");
  }
  NodeRecord n{st->Text(0), st->Text(1), st->Text(4), {}, static_cast<uint64_t>(st->Int(3)), st->Text(5)};
  std::string pk_hex = st->Text(2);
  st->Reset();
  SIMPUL_ASSIGN_OR_RETURN(n.pk, crypto::PublicKeyFromHex(pk_hex));
  return n;
}

// The replay guard, checked again under the write lock, and the node's
// contact recorded. Returns the counter of the node's previous request.
Result<uint64_t> AcceptRequest(HubStore& store, const std::string& node_id, const wire::RequestHeader& header,
                               const wire::SyncRequest& req) {
  SIMPUL_ASSIGN_OR_RETURN(Stmt * ctr, store.db().Cached("SELECT last_counter FROM nodes WHERE node_id=?"));
  ctr->Bind(1, node_id);
  SIMPUL_ASSIGN_OR_RETURN(bool has, ctr->Step());
  uint64_t last = has ? static_cast<uint64_t>(ctr->Int(0)) : 0;
  ctr->Reset();
  SIMPUL_RETURN_IF_ERROR(session::CheckStanding(header, {.active = true, .last_counter = last}));
  SIMPUL_ASSIGN_OR_RETURN(Stmt * upd, store.db().Cached(
      "UPDATE nodes SET last_counter=?, last_seen_ms=?, last_protocol=?, last_schema=? WHERE node_id=?"));
  upd->Bind(1, static_cast<int64_t>(header.counter)).Bind(2, static_cast<int64_t>(store.NowMs()))
      .Bind(3, static_cast<int64_t>(std::min(header.proto_max, wire::kProtocolMax)))
      .Bind(4, static_cast<int64_t>(header.schema_version)).Bind(5, node_id);
  SIMPUL_RETURN_IF_ERROR(upd->Run());
  if (req.outbox_waiting) {
    // Protocol 5: what waits at the village, as the node said (hub/fleet.h).
    SIMPUL_ASSIGN_OR_RETURN(Stmt * outbox, store.db().Cached(
        "UPDATE nodes SET outbox_waiting=?, outbox_reported_ms=? WHERE node_id=?"));
    outbox->Bind(1, static_cast<int64_t>(std::min<uint64_t>(*req.outbox_waiting, INT64_MAX)))
        .Bind(2, static_cast<int64_t>(store.NowMs())).Bind(3, node_id);
    SIMPUL_RETURN_IF_ERROR(outbox->Run());
  }
  return last;
}

// Protocol 3: the outcomes of requests whose replies the node lost, from
// the first it names through `last`, the node's previous counter.
Status RecoverOutcomes(HubStore& store, const std::string& node_id, const wire::SyncRequest& req, uint64_t last,
                       wire::SyncReply* reply) {
  reply->handled_through = last;
  SIMPUL_ASSIGN_OR_RETURN(Stmt * rq, store.db().Cached(
      "SELECT outcome FROM request_outcomes WHERE node_id=? AND counter>=? AND counter<=? ORDER BY counter"
      " LIMIT " + std::to_string(kKeptOutcomes)));
  rq->Bind(1, node_id).Bind(2, static_cast<int64_t>(req.recover_from)).Bind(3, static_cast<int64_t>(last));
  for (;;) {
    auto r = rq->Step();
    if (!r.ok()) {
      rq->Reset();
      return r.status();
    }
    if (!*r) break;
    auto one = wire::DecodeRecovered(rq->Text(0));
    if (one.ok()) reply->recovered.push_back(std::move(one).value());  // a damaged row: the node re-sends
  }
  rq->Reset();
  return Status::Ok();
}

// Kept for recovery (RecoverOutcomes), in the same transaction as what it
// records.
Status KeepOutcome(HubStore& store, const std::string& node_id, const wire::RequestHeader& header,
                   const wire::SyncReply& reply) {
  wire::RecoveredReply outcome{header.counter, reply.results, reply.blob_states};
  SIMPUL_ASSIGN_OR_RETURN(Stmt * ins, store.db().Cached(
      "INSERT OR REPLACE INTO request_outcomes(node_id,counter,outcome) VALUES(?,?,?)"));
  ins->Bind(1, node_id).Bind(2, static_cast<int64_t>(header.counter)).Bind(3, schema::Blob{wire::EncodeRecovered(outcome)});
  SIMPUL_RETURN_IF_ERROR(ins->Run());
  if (header.counter > kKeptOutcomes) {
    SIMPUL_ASSIGN_OR_RETURN(Stmt * prune, store.db().Cached(
        "DELETE FROM request_outcomes WHERE node_id=? AND counter<=?"));
    prune->Bind(1, node_id).Bind(2, static_cast<int64_t>(header.counter - kKeptOutcomes));
    SIMPUL_RETURN_IF_ERROR(prune->Run());
  }
  return Status::Ok();
}

session::HubLimits Limits(const SyncServiceOptions& opt) {
  return {.node_schema_min = static_cast<uint32_t>(kMinNodeSchemaVersion),
          .node_schema_max = static_cast<uint32_t>(schema::LatestSchemaVersion()),
          .max_push = opt.max_push,
          .max_pull = opt.max_pull};
}

// The plan's steps (sync/session/hub_steps.h), in one transaction.
Result<wire::SyncReply> Serve(HubStore& store, const std::string& node_id, const NodeRecord& node,
                              const wire::RequestHeader& header, const wire::SyncRequest& req,
                              const SyncServiceOptions& opt) {
  SIMPUL_ASSIGN_OR_RETURN(const session::ReplyPlan plan,
                          session::PlanReply(header, req, Limits(opt), schema::LatestSchemaVersion()));
  wire::SyncReply reply;
  SIMPUL_ASSIGN_OR_RETURN(auto txn, store.BeginWrite());
  SIMPUL_ASSIGN_OR_RETURN(const uint64_t last, AcceptRequest(store, node_id, header, req));
  SIMPUL_RETURN_IF_ERROR(ApplyChanges(store, node_id, node.village, header, req, opt, &reply));
  if (plan.recover) SIMPUL_RETURN_IF_ERROR(RecoverOutcomes(store, node_id, req, last, &reply));
  switch (plan.pull) {
    case session::PullFrom::kNothing:
      reply.cursor = req.pull_cursor;
      break;
    case session::PullFrom::kSnapshot:
      SIMPUL_RETURN_IF_ERROR(ServeSnapshot(store, node.village, node_id, req, plan.pull_limit, &reply));
      break;
    case session::PullFrom::kLog:
      SIMPUL_RETURN_IF_ERROR(ServeLog(store, node.village, node_id, req, plan.pull_limit, &reply));
      break;
  }
  const int node_schema = static_cast<int>(header.schema_version);
  if (plan.SendDigests(reply.more)) SIMPUL_RETURN_IF_ERROR(AddDigests(store, node.village, node_schema, &reply));
  if (plan.trim_fields) {
    KeepFieldsKnownAt(node_schema, &reply.pulled);
    KeepFieldsKnownAt(node_schema, &reply.repair);
  }
  // After the records (an attachment row arrives before its bytes).
  SIMPUL_RETURN_IF_ERROR(ServeDocuments(store, node.village, req, opt, &reply));
  if (plan.KeepOutcome(req.push.size(), reply.blob_states.size()))
    SIMPUL_RETURN_IF_ERROR(KeepOutcome(store, node_id, header, reply));
  if (plan.protocol_in_reply) reply.protocol = plan.protocol;
  if (plan.epoch_and_signatures) {
    SIMPUL_RETURN_IF_ERROR(FillEpoch(store, node_id, req, &reply));
    SignHubChanges(store, &reply);
  }
  SIMPUL_RETURN_IF_ERROR(txn.Commit());
  reply.hub_time_ms = store.NowMs();
  return reply;
}

// One sealed request; `shared`: the decompressor of the streamed body it
// belongs to (its frames may share one zstd stream, PROTOCOL.md §16).
std::string HandleOne(HubStore& store, const std::string& frame, const SyncServiceOptions& opt, RequestLog* log,
                      wire::SharedDecompressor* shared) {
  RequestLog scratch;
  if (!log) log = &scratch;
  std::array<uint8_t, 24> zero_nonce{};
  (void)store.RefreshKeys();  // a rotation by the CLI takes effect here; on failure the loaded keys stay
  auto header = crypto::PeekRequestHeader(frame);
  if (!header.ok()) {
    log->outcome = header.status().ToString();
    return crypto::SignedError(store.identity(), zero_nonce, HubErrorReply(header.status()));
  }
  const wire::RequestHeader& h = *header;
  log->node_id = h.node_id;
  // Refusals are signed with the key the node trusts (it may not have
  // learnt of a rotation yet), else the current one.
  const crypto::Identity* signer = &store.identity();
  auto refuse = [&](const Status& st) {
    log->outcome = st.ToString();
    if (st.code() == Code::kUnauthenticated) {
      // Identity problems (unknown, revoked, forged, replayed) are audited
      // where they reached the hub; best effort, the refusal stands anyway.
      if (auto txn = store.BeginWrite(); txn.ok()) {
        if (store.Audit("refused_request", log->village, h.node_id.substr(0, 64), st.message()).ok())
          (void)txn->Commit();
      }
    }
    return crypto::SignedError(*signer, h.nonce, HubErrorReply(st));
  };
  if (Status versions = session::CheckVersions(h, Limits(opt)); !versions.ok()) return refuse(versions);
  try {
    auto node = FindNode(store, h.node_id);
    if (!node.ok()) return refuse(node.status());
    log->village = node->village;
    if (auto pinned = crypto::PublicKeyFromHex(node->hub_pk); pinned.ok())
      if (const crypto::Identity* id = store.IdentityFor(*pinned)) signer = id;
    if (node->status != "active")  // before opening: a revoked node's key is not used
      return refuse(session::CheckStanding(h, {.active = false}));
    // Sealed to the current key, or (before the node learnt of a rotation)
    // to one the hub has retired.
    const crypto::Identity* used = &store.identity();
    auto opened = crypto::OpenRequest(frame, *used, node->pk);
    for (size_t i = 0; !opened.ok() && i < store.retired_identities().size(); ++i) {
      auto retry = crypto::OpenRequest(frame, store.retired_identities()[i], node->pk);
      if (retry.ok()) {
        used = &store.retired_identities()[i];
        opened = std::move(retry);
      }
    }
    if (!opened.ok()) return refuse(opened.status());
    signer = used;
    if (Status standing = session::CheckStanding(h, {.active = true, .last_counter = node->last_counter});
        !standing.ok())
      return refuse(standing);
    auto req = shared ? shared->Decode(opened->body) : wire::DecodeSyncRequest(opened->body);
    if (!req.ok()) return refuse(req.status());
    auto reply = Serve(store, h.node_id, *node, h, *req, opt);
    if (!reply.ok()) return refuse(reply.status());
    if (used != &store.identity()) {
      // Tell the node the hub's key history from the key it used.
      auto chain = store.SuccessionFrom(used->sign_pk);
      if (chain.ok()) reply->hub_key_succession = std::move(chain).value();
    }
    if (std::string used_hex = crypto::ToHex(used->sign_pk); used_hex != node->hub_pk) {
      auto mark = store.db().Cached("UPDATE nodes SET hub_pk=? WHERE node_id=?");
      if (mark.ok()) {
        (*mark)->Bind(1, used_hex).Bind(2, h.node_id);
        (void)(*mark)->Run();  // bookkeeping for signing refusals; best effort
      }
    }
    log->outcome = "ok";
    log->pushed = req->push.size();
    for (const auto& r : reply->results) (r.code == 0 ? log->applied : log->refused)++;
    log->pushed += req->handback.size();
    for (const auto& r : reply->handback_results) (r.code == 0 ? log->applied : log->refused)++;
    log->pulled = reply->pulled.size() + reply->repair.size();
    return crypto::SealReply(*opened, wire::Encode(*reply));
  } catch (const std::bad_alloc&) {
    return refuse(Status::ResourceExhausted("hub out of memory for this request"));
  } catch (const std::exception& e) {
    return refuse(Status::Internal(std::string("hub error: ") + e.what()));
  }
}

}  // namespace

wire::ErrorReply HubErrorReply(const Status& st) {
  wire::ErrorReply e = crypto::StatusToError(st);
  e.hub_schema_version = static_cast<uint32_t>(schema::LatestSchemaVersion());
  return e;
}

std::string HandleSync(HubStore& store, const std::string& frame, const SyncServiceOptions& opt,
                       RequestLog* log) {
  return HandleOne(store, frame, opt, log, nullptr);
}

std::string HandleStream(HubStore& store, const std::string& body, const SyncServiceOptions& opt,
                         RequestLog* log, bool truncated) {
  RequestLog scratch;
  if (!log) log = &scratch;
  std::array<uint8_t, 24> zero_nonce{};
  auto split = wire::SplitFrames(body, truncated);
  if (split.ok() && split->frames.empty() && !truncated) split = Status::Corruption("stream: no frame");
  if (!split.ok()) {
    log->outcome = split.status().ToString();
    return truncated ? std::string() : crypto::SignedError(store.identity(), zero_nonce, HubErrorReply(split.status()));
  }
  std::vector<std::string> replies;
  log->outcome = "ok";
  wire::SharedDecompressor shared;
  for (std::string_view f : split->frames) {
    RequestLog one;
    replies.push_back(HandleOne(store, std::string(f), opt, &one, &shared));
    ++log->frames;
    if (log->node_id.empty()) {
      log->node_id = one.node_id;
      log->village = one.village;
    }
    log->pushed += one.pushed;
    log->applied += one.applied;
    log->refused += one.refused;
    log->pulled += one.pulled;
    if (one.outcome != "ok") {
      log->outcome = one.outcome;  // refused: the frames after it are not handled
      break;
    }
  }
  if (truncated) log->outcome += " (body cut after " + std::to_string(split->frames.size()) + " whole frame(s))";
  return wire::JoinFrames(replies);
}

std::string HandleBundle(HubStore& store, const std::string& frame, RequestLog* log) {
  SyncServiceOptions opt;
  opt.max_pull = 100000;
  opt.max_reply_blob_bytes = 256ull << 20;
  return HandleSync(store, frame, opt, log);
}

}  // namespace simpul::hub
