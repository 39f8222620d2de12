// The node's side of the hub's epochs (PROTOCOL.md §22): what a village
// keeps so that it can give a hub restored from a backup what the hub lost,
// and how it does so when a reply names a new epoch.
//
// Kept (schema 8, for kHistoryDays): the changes this node pushed, once
// acknowledged (outbox state 'acked', with the counter of the request the hub
// acknowledged them in), and the changes the hub wrote, as received, with the
// hub's signature, epoch and (at most) log sequence (`hub_changes`).
// On a new epoch, in the reply's transaction:
//   - acknowledged changes with a counter above the one the restored store
//     had handled are pending again: pushed again as they were first made
//     (same version and base), so the hub applies them as it first did;
//   - the hub's changes from a part of the log the restored hub lacks (an
//     epoch not in its lineage, or a sequence past where its epoch ended)
//     are marked to hand back; the hub takes them because it signed them;
//   - documents the hub confirmed are asked about again (it may lack them).
#include <algorithm>
#include <map>

#include "node/sync_internal.h"
#include "sync/crypto/signed_change.h"

namespace simpul::node::internal {

using schema::Stmt;
namespace wire = sync::wire;
namespace crypto = sync::crypto;

namespace {

// How long the history above is kept: restoring a backup older than this
// recovers the villages' older changes only through the digest repair.
constexpr uint64_t kHistoryDays = 180;

// Whether the hub of `lineage` holds an entry received at (epoch, seq).
bool HubHolds(const std::vector<wire::EpochLink>& lineage, const std::string& epoch, uint64_t seq) {
  for (size_t i = 0; i < lineage.size(); ++i)
    if (lineage[i].epoch == epoch) return i + 1 == lineage.size() || seq <= lineage[i].through;
  return false;
}

}  // namespace

std::string CaughtUpEpoch(NodeStore& s) { return s.Meta("hub_epoch"); }

Status FollowEpoch(NodeStore& s, const wire::SyncReply& reply, bool* restored) {
  *restored = false;
  if (reply.protocol < 4 || reply.epoch.empty() || s.Meta("hub_epoch_seen") == reply.epoch) return Status::Ok();
  if (reply.lineage.empty()) return Status::Ok();  // the hub will say it again with its history
  if (reply.lineage.back().epoch != reply.epoch) return Status::Corruption("hub epoch history does not end at its epoch");
  SIMPUL_RETURN_IF_ERROR(s.SetMeta("hub_epoch_seen", reply.epoch));
  // A hub that was never restored: nothing was lost.
  if (reply.lineage.size() == 1) return Status::Ok();
  *restored = true;
  SIMPUL_ASSIGN_OR_RETURN(Stmt * again, s.db().Cached(
      "UPDATE outbox SET state='pending', ack_counter=NULL, acked_at_ms=NULL WHERE state='acked' AND ack_counter>?"));
  again->Bind(1, static_cast<int64_t>(reply.restored_counter));
  SIMPUL_RETURN_IF_ERROR(again->Run());
  int64_t resent = s.db().Changes();
  std::vector<std::string> lost;
  {
    SIMPUL_ASSIGN_OR_RETURN(auto q, s.db().Prepare("SELECT version,epoch,seq FROM hub_changes WHERE handback=0"));
    for (;;) {
      SIMPUL_ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) break;
      if (!HubHolds(reply.lineage, q.Text(1), static_cast<uint64_t>(q.Int(2)))) lost.push_back(q.Text(0));
    }
  }
  SIMPUL_ASSIGN_OR_RETURN(Stmt * mark, s.db().Cached("UPDATE hub_changes SET handback=1 WHERE version=?"));
  for (const auto& v : lost) {
    mark->Bind(1, v);
    SIMPUL_RETURN_IF_ERROR(mark->Run());
  }
  SIMPUL_RETURN_IF_ERROR(s.db().Exec("DELETE FROM blob_acks"));
  return s.Audit("hub_restored", reply.epoch,
                 std::to_string(resent) + " own changes to send again, " + std::to_string(lost.size()) +
                     " hub changes to give back");
}

Status KeepHubChange(NodeStore& s, const wire::SyncReply& reply, const wire::Change& c,
                     const std::array<uint8_t, 64>& signature) {
  SIMPUL_ASSIGN_OR_RETURN(Stmt * ins, s.db().Cached(
      "INSERT INTO hub_changes(version,tbl,row_id,epoch,seq,change,signature,received_at_ms,handback)"
      " VALUES(?,?,?,?,?,?,?,?,0) ON CONFLICT(version) DO UPDATE SET tbl=excluded.tbl, row_id=excluded.row_id,"
      " epoch=excluded.epoch, seq=excluded.seq, change=excluded.change, signature=excluded.signature,"
      " received_at_ms=excluded.received_at_ms, handback=0"));
  ins->Bind(1, c.version).Bind(2, c.table).Bind(3, c.row_id).Bind(4, reply.epoch)
      .Bind(5, static_cast<int64_t>(reply.cursor)).Bind(6, schema::Blob{crypto::CanonicalChange(c)})
      .Bind(7, schema::Blob{std::string(signature.begin(), signature.end())})
      .Bind(8, static_cast<int64_t>(s.NowMs()));
  return ins->Run();
}

Result<std::vector<Handback>> ReadHandbacks(NodeStore& s, size_t limit) {
  SIMPUL_ASSIGN_OR_RETURN(auto q, s.db().Prepare(
      "SELECT version,change,signature FROM hub_changes WHERE handback=1 ORDER BY version LIMIT ?"));
  q.Bind(1, static_cast<int64_t>(limit));
  std::vector<Handback> out;
  for (;;) {
    SIMPUL_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    Handback h;
    h.version = q.Text(0);
    auto change = q.Column(1), sig = q.Column(2);
    const auto* cb = std::get_if<schema::Blob>(&change);
    const auto* sb = std::get_if<schema::Blob>(&sig);
    if (!cb || !sb || sb->bytes.size() != 64) return Status::Corruption("damaged hub_changes row " + h.version);
    h.signed_change.canonical = cb->bytes;
    std::copy(sb->bytes.begin(), sb->bytes.end(), h.signed_change.signature.begin());
    out.push_back(std::move(h));
  }
  return out;
}

Result<int64_t> CountHandbacks(NodeStore& s) {
  SIMPUL_ASSIGN_OR_RETURN(auto q, s.db().Prepare("SELECT count(*) FROM hub_changes WHERE handback=1"));
  SIMPUL_ASSIGN_OR_RETURN(bool row, q.Step());
  return row ? q.Int(0) : 0;
}

Status SettleHandbacks(NodeStore& s, const std::vector<std::string>& versions,
                       const std::vector<wire::ItemResult>& results, SyncSummary* sum) {
  if (results.size() != versions.size())
    return Status::Corruption("hub answered " + std::to_string(results.size()) + " results for " +
                              std::to_string(versions.size()) + " handed-back changes");
  SIMPUL_ASSIGN_OR_RETURN(Stmt * done, s.db().Cached("UPDATE hub_changes SET handback=? WHERE version=?"));
  for (size_t i = 0; i < versions.size(); ++i) {
    if (results[i].code == 0) {
      ++sum->handed_back;
    } else {
      // Kept, not retried: a hub that refuses its own signed change will
      // refuse it again. The digest check reports what stays different.
      std::fprintf(stderr, "simpul-node: the hub refused a change it wrote (%s): %s\n", versions[i].c_str(),
                   results[i].message.c_str());
      ++sum->refused;
    }
    done->Bind(1, results[i].code == 0 ? 0 : 2).Bind(2, versions[i]);
    SIMPUL_RETURN_IF_ERROR(done->Run());
  }
  return Status::Ok();
}

Status PruneRestoreHistory(NodeStore& s) {
  const uint64_t now = s.NowMs(), keep = kHistoryDays * 24 * 3600 * 1000;
  if (now <= keep) return Status::Ok();
  const int64_t before = static_cast<int64_t>(now - keep);
  SIMPUL_ASSIGN_OR_RETURN(auto txn, schema::Transaction::Begin(s.db()));
  SIMPUL_RETURN_IF_ERROR(sync::SaveLastStamp(s.db(), s.hlc().last()));  // before outbox rows go
  SIMPUL_ASSIGN_OR_RETURN(Stmt * f, s.db().Cached(
      "DELETE FROM outbox_fields WHERE seq IN (SELECT seq FROM outbox WHERE state='acked' AND acked_at_ms<?)"));
  f->Bind(1, before);
  SIMPUL_RETURN_IF_ERROR(f->Run());
  SIMPUL_ASSIGN_OR_RETURN(Stmt * o, s.db().Cached("DELETE FROM outbox WHERE state='acked' AND acked_at_ms<?"));
  o->Bind(1, before);
  SIMPUL_RETURN_IF_ERROR(o->Run());
  SIMPUL_ASSIGN_OR_RETURN(Stmt * h, s.db().Cached("DELETE FROM hub_changes WHERE handback=0 AND received_at_ms<?"));
  h->Bind(1, before);
  SIMPUL_RETURN_IF_ERROR(h->Run());
  return txn.Commit();
}

}  // namespace simpul::node::internal
