// Applying what the hub answered: a reply (live or from a bundle), and the
// outcomes of requests whose replies a cut lost.
#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include "node/receipts.h"
#include "node/refusals.h"
#include "node/sync_internal.h"
#include "schema/tables.h"
#include "sync/crypto/envelope.h"
#include "sync/digest.h"
#include "sync/hlc.h"

namespace simpul::node::internal {

using schema::Stmt;
namespace wire = sync::wire;
namespace crypto = sync::crypto;


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
  const sync::session::UploadNews news = docs->OnStates(states);
  for (const auto& [sha, why] : news.refused) {
    // Refused (too large, not in scope): reported, kept locally, not retried in this run.
    std::fprintf(stderr, "simpul-node: the hub refused document %s: %s\n", sha.substr(0, 12).c_str(), why.c_str());
    ++sum->docs_refused;
  }
  sum->doc_bytes_sent += news.bytes_confirmed;
  SIMPUL_ASSIGN_OR_RETURN(Stmt * ack, store.db().Cached(
      "INSERT INTO blob_acks(sha256,acked_at_ms) VALUES(?,?) ON CONFLICT DO NOTHING"));
  for (const auto& sha : news.complete) {
    ack->Bind(1, sha).Bind(2, static_cast<int64_t>(store.NowMs()));
    SIMPUL_RETURN_IF_ERROR(ack->Run());
    ++sum->docs_sent;
  }
  *doc_progress = news.progress;
  return Status::Ok();
}

// Applies one reply to the request it answers, in one transaction: results
// (acked changes leave the outbox, refused ones stay with their reason),
// pulled and repaired changes, documents, and the new cursor. `seqs` are
// the outbox rows of req.push, in order. Used by a live sync and by a reply
// bundle alike.
Status ApplyReply(NodeStore& store, sync::Merger& merger, const std::string& hub_id, uint64_t counter,
                  const wire::SyncRequest& req, const std::vector<int64_t>& seqs, const wire::SyncReply& reply,
                  sync::BlobDir& blobs, DocumentWork* docs, SyncSummary* sum, const sync::session::LinkMemory* link,
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
      docs->Downloaded(c.sha256);
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
  if (link) SIMPUL_RETURN_IF_ERROR(SaveLinkMemory(store, *link));
  SIMPUL_RETURN_IF_ERROR(txn.Commit());
  return disk;
}

// Settles the requests in doubt from the hub's answer to recover_from, in
// one transaction: those the hub handled get their outcome as if the reply
// had arrived; those it never received are simply not done (their changes
// are still in the outbox, their documents' resume points stand); those
// beyond its recovery window go again (sync/session/doubts.h).
Status SettleDoubts(NodeStore& store, sync::session::Session& session, const wire::SyncReply& reply,
                    SyncSummary* sum) {
  const std::vector<sync::session::Verdict> verdicts = session.Judge(reply);
  SIMPUL_ASSIGN_OR_RETURN(auto txn, schema::Transaction::Begin(store.db()));
  for (const auto& v : verdicts) {
    if (v.fate != sync::session::Verdict::Fate::kHandled) continue;
    bool progress = false;  // the caller counts any settlement as progress
    SIMPUL_RETURN_IF_ERROR(ApplyOutcome(store, v.sent->counter, v.sent->frame.req, v.sent->frame.seqs, v.results,
                                        v.states, &session.documents(), sum, &progress));
    ++sum->recovered;
  }
  SIMPUL_RETURN_IF_ERROR(txn.Commit());
  session.DoubtsSettled();
  return Status::Ok();
}

}  // namespace simpul::node::internal
