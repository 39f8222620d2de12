// The node's side of sync state kept in its store: identity, request
// counters, the outbox, the documents to move, the link's memory.
#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "node/sync_internal.h"
#include "schema/store_files.h"
#include "schema/tables.h"
#include "sync/blobs.h"
#include "sync/crypto/at_rest.h"
#include "sync/crypto/envelope.h"
#include "sync/digest.h"

namespace simpul::node::internal {

using schema::Stmt;
using schema::Value;
namespace wire = sync::wire;
namespace crypto = sync::crypto;

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
// row's changes in the order they were made: ordered by the row's lowest
// pending priority, then by seq. SQLite orders and cuts at `limit` (each
// round of a large push used to copy, map and sort every pending head in
// C++); when every pending change has the same priority (the usual case)
// the order is plain seq.
Result<std::vector<Pending>> ReadPending(NodeStore& s, size_t limit) {
  std::vector<int64_t> heads;
  {
    SIMPUL_ASSIGN_OR_RETURN(Stmt * range, s.db().Cached(
        "SELECT min(priority), max(priority) FROM outbox WHERE state='pending'"));
    SIMPUL_ASSIGN_OR_RETURN(bool got, range->Step());
    const bool one_priority = !got || range->IsNullAt(0) || range->Int(0) == range->Int(1);
    range->Reset();
    SIMPUL_ASSIGN_OR_RETURN(Stmt * st, s.db().Cached(
        one_priority ? "SELECT seq FROM outbox WHERE state='pending' ORDER BY seq LIMIT ?"
                     : "SELECT seq FROM (SELECT seq, min(priority) OVER (PARTITION BY row_id) AS row_priority"
                       " FROM outbox WHERE state='pending') ORDER BY row_priority, seq LIMIT ?"));
    st->Bind(1, static_cast<int64_t>(std::min<size_t>(limit, INT64_MAX)));
    for (;;) {
      auto row = st->Step();
      if (!row.ok()) {
        st->Reset();
        return row.status();
      }
      if (!*row) break;
      heads.push_back(st->Int(0));
    }
    st->Reset();
  }
  SIMPUL_ASSIGN_OR_RETURN(Stmt * oq, s.db().Cached(
      "SELECT change_id,tbl,row_id,village FROM outbox WHERE seq=?"));
  SIMPUL_ASSIGN_OR_RETURN(Stmt * fq, s.db().Cached(
      "SELECT field,value,base FROM outbox_fields WHERE seq=? ORDER BY field"));
  std::vector<Pending> out;
  out.reserve(heads.size());
  for (int64_t seq : heads) {
    oq->Bind(1, seq);
    auto row = oq->Step();
    if (!row.ok() || !*row) {
      oq->Reset();
      return row.ok() ? Status::Internal("outbox row vanished") : row.status();
    }
    Pending p{seq, wire::Change{oq->Text(0), oq->Text(1), oq->Text(2), oq->Text(3), wire::kFlagNone, {}}};
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

// The link's memory (sync/session/link.h), kept between runs.
sync::session::LinkMemory LoadLinkMemory(NodeStore& s) {
  sync::session::LinkMemory m;
  m.batch = std::strtoull(s.Meta("link_batch").c_str(), nullptr, 10);
  m.chunk = std::strtoull(s.Meta("link_chunk").c_str(), nullptr, 10);
  m.cut_seen = s.Meta("link_cut_seen") == "1";
  m.cut_rate = std::strtod(s.Meta("link_rate").c_str(), nullptr);
  m.send_rate = std::strtod(s.Meta("link_send_rate").c_str(), nullptr);
  return m;
}

Status SaveLinkMemory(NodeStore& s, const sync::session::LinkMemory& m) {
  SIMPUL_RETURN_IF_ERROR(s.SetMeta("link_batch", std::to_string(m.batch)));
  SIMPUL_RETURN_IF_ERROR(s.SetMeta("link_chunk", std::to_string(m.chunk)));
  SIMPUL_RETURN_IF_ERROR(s.SetMeta("link_cut_seen", m.cut_seen ? "1" : "0"));
  if (m.cut_rate > 0 && std::isfinite(m.cut_rate))
    SIMPUL_RETURN_IF_ERROR(s.SetMeta("link_rate", std::to_string(static_cast<uint64_t>(m.cut_rate))));
  if (m.send_rate > 0 && std::isfinite(m.send_rate))
    SIMPUL_RETURN_IF_ERROR(s.SetMeta("link_send_rate", std::to_string(static_cast<uint64_t>(m.send_rate))));
  return Status::Ok();
}

// Protocol 4: the hub's own changes it lost in a restore go back with the
// first frame (the hub applies them with the pushed changes in version
// order), and every frame names the epoch this node has caught up with: the
// hub's current one once nothing is left to give back. Protocol 5: every
// frame reports the changes left in the outbox once this round's are sent
// (the villages page's "changes waiting").
Status AddStoreFields(NodeStore& store, const RoundFacts& round, std::vector<Frame>* frames_out) {
  auto& frames = *frames_out;
  if (round.protocol >= 4) {
    SIMPUL_ASSIGN_OR_RETURN(auto handbacks,
                            ReadHandbacks(store, round.handback_limit));
    for (auto& h : handbacks) {
      frames.front().req.handback.push_back(std::move(h.signed_change));
      frames.front().handbacks.push_back(std::move(h.version));
    }
    const std::string seen = store.Meta("hub_epoch_seen");
    if (round.pushed == 0 && round.nothing_in_doubt && handbacks.empty() && !seen.empty() &&
        seen != CaughtUpEpoch(store)) {
      // Counted, not inferred from this round's: a round may carry none
      // (its limit 0) while hand-backs wait.
      SIMPUL_ASSIGN_OR_RETURN(int64_t waiting, CountPending(store));
      SIMPUL_ASSIGN_OR_RETURN(int64_t to_hand_back, CountHandbacks(store));
      if (waiting == 0 && to_hand_back == 0) SIMPUL_RETURN_IF_ERROR(store.SetMeta("hub_epoch", seen));
    }
    const std::string epoch = CaughtUpEpoch(store);
    for (auto& f : frames) f.req.epoch = epoch;
  }
  if (round.protocol >= 5) {
    // Protocol 6: changes in doubt are not counted: the hub may hold them
    // already, and if it does not they go in the next round anyway.
    // (Counted, they would keep the hub from sending the digests a
    // recovering round needs to end verified in one trip.)
    SIMPUL_ASSIGN_OR_RETURN(int64_t waiting, CountPending(store));
    const size_t in_doubt = round.protocol >= 6 ? round.in_doubt : 0;
    const auto besides = static_cast<int64_t>(round.pushed + in_doubt);
    const auto left = static_cast<uint64_t>(std::max<int64_t>(0, waiting - besides));
    for (auto& f : frames) f.req.outbox_waiting = left;
  }
  return Status::Ok();
}

}  // namespace simpul::node::internal
