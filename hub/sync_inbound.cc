// What the hub does with what a village sends: pushed changes (each
// answered once, the same answer when sent again), hand-backs after a
// restore, conflicts recorded, the change log appended. The writing steps
// of hub/sync_service.cc's request handling (sync_outbound.cc: the reading
// ones).
#include "hub/sync_inbound.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "hub/cases.h"
#include "hub/epoch.h"
#include "schema/tables.h"
#include "sync/change_log.h"
#include "sync/crypto/signed_change.h"
#include "sync/hlc.h"
#include "sync/merge.h"

namespace simpul::hub {

using schema::Stmt;
using schema::Value;
namespace wire = sync::wire;
namespace crypto = sync::crypto;

// Records a conflict row (through the hub's writer, so it replicates).
Status RecordConflict(HubStore& store, const sync::Conflict& k) {
  const schema::TableDef* t = schema::FindTable("conflicts");
  std::vector<sync::FieldWrite> f = {
      {"tbl", k.table},
      {"row_id", k.row_id},
      {"field", k.field},
      {"kind", std::string(sync::ConflictKindName(k.kind))},
      {"winner_version", k.winner_version},
      {"winner_value", k.winner_value},
      {"loser_version", k.loser_version},
      {"loser_value", k.loser_value},
  };
  // A conflict already recorded (e.g. re-detected) keeps its status.
  SIMPUL_ASSIGN_OR_RETURN(Stmt * ex, store.db().Cached("SELECT 1 FROM conflicts WHERE id=?"));
  ex->Bind(1, k.id);
  SIMPUL_ASSIGN_OR_RETURN(bool exists, ex->Step());
  ex->Reset();
  if (!exists) f.push_back({"status", std::string("open")});
  SIMPUL_ASSIGN_OR_RETURN(auto w, store.writer().Write(*t, k.id, k.village, f));
  (void)w;
  return Status::Ok();
}

Status LogApplied(HubStore& store, const wire::Change& c, const std::vector<wire::FieldChange>& fields,
                  const std::string& origin, int64_t skew_ms) {
  sync::ChangeLogWriter log(store.db());
  SIMPUL_ASSIGN_OR_RETURN(int64_t seq, log.Append({c.version, c.table, c.row_id, c.village,
                                                   static_cast<uint32_t>(c.flags & ~wire::kFlagSnapshot), origin,
                                                   store.NowMs(), skew_ms}));
  return log.AddFields(seq, fields);
}

namespace {

Status RememberResult(HubStore& store, const std::string& version, const std::string& node,
                      const Status& st) {
  SIMPUL_ASSIGN_OR_RETURN(Stmt * ins, store.db().Cached(
      "INSERT INTO applied(version,node_id,code,message,at_ms) VALUES(?,?,?,?,?)"
      " ON CONFLICT(version) DO NOTHING"));
  ins->Bind(1, version).Bind(2, node).Bind(3, static_cast<int64_t>(st.code()))
      .Bind(4, st.message()).Bind(5, static_cast<int64_t>(store.NowMs()));
  return ins->Run();
}

// Applies one pushed change in its own savepoint; returns its item result.
Result<wire::ItemResult> ApplyPushed(HubStore& store, sync::Merger& merger, const wire::Change& c,
                                     const std::string& node_id, const std::string& village,
                                     const SyncServiceOptions& opt, uint64_t* max_skew) {
  wire::ItemResult r;
  r.version = c.version;
  SIMPUL_ASSIGN_OR_RETURN(Stmt * seen, store.db().Cached(
      "SELECT code,message,node_id FROM applied WHERE version=?"));
  seen->Bind(1, c.version);
  SIMPUL_ASSIGN_OR_RETURN(bool was_seen, seen->Step());
  if (was_seen) {
    // Re-sent after a cut: the same answer as the first time, nothing applied.
    r.code = static_cast<uint16_t>(seen->Int(0));
    r.message = seen->Text(1);
    bool same_node = seen->Text(2) == node_id;
    seen->Reset();
    if (!same_node) {
      r.code = static_cast<uint16_t>(Code::kPermissionDenied);
      r.message = "change id already used by another node";
    }
    return r;
  }
  seen->Reset();
  // The version names its writer: a node may only push its own changes.
  std::string writer;
  sync::Stamp stamp;
  Status st;
  if (!sync::Hlc::ParseVersion(c.version, &stamp, &writer)) {
    st = Status::InvalidArgument("malformed version");
  } else if (writer != node_id) {
    st = Status::PermissionDenied("change was written by " + writer + ", not by the sending node");
  }
  if (st.ok()) {
    uint64_t now = store.NowMs();
    // The receive rule (sync/hlc.h): a stamp too far ahead is accepted, not
    // adopted. The node is told its clock is ahead only when the stamp is a
    // reading of its wall clock: one counted on from a base a fast laptop
    // wrote says nothing about this node's clock.
    if (!store.hlc().Observe(stamp, opt.max_ahead_ms) && sync::Hlc::IsWallReading(stamp))
      *max_skew = std::max<uint64_t>(*max_skew, stamp.physical_ms() - now);
    // Merger::Apply validates everything before it writes, so a refused
    // change has written nothing and needs no savepoint; any later failure
    // is the store's, and aborts the whole request.
    auto applied = merger.Apply(c, sync::Role::kVillage, village);
    if (applied.ok()) {
      int64_t skew = stamp.physical_ms() > now ? static_cast<int64_t>(stamp.physical_ms() - now) : 0;
      if (!applied->applied.empty())
        SIMPUL_RETURN_IF_ERROR(LogApplied(store, c, applied->applied, node_id,
                                          skew > static_cast<int64_t>(opt.max_ahead_ms) ? skew : 0));
      for (const auto& k : applied->conflicts) SIMPUL_RETURN_IF_ERROR(RecordConflict(store, k));
    } else {
      st = applied.status();
      if (st.code() == Code::kInternal || st.code() == Code::kIoError || st.code() == Code::kUnavailable ||
          st.code() == Code::kResourceExhausted)
        return st;
    }
  }
  SIMPUL_RETURN_IF_ERROR(RememberResult(store, c.version, node_id, st));
  r.code = static_cast<uint16_t>(st.code());
  r.message = st.ok() ? "" : st.message();
  return r;
}

}  // namespace

// The pushed changes and hand-backs, each answered in `reply`.
Status ApplyChanges(HubStore& store, const std::string& node_id, const std::string& village,
                    const wire::RequestHeader& header, const wire::SyncRequest& req,
                    const SyncServiceOptions& opt, wire::SyncReply* reply) {
  sync::Merger merger(store.db());
  uint64_t max_skew = 0;
  // Protocol 2: results name their change by position, not by version
  // (a 26-byte version echoed per change was most of a push reply).
  const bool by_position = std::min(header.proto_max, wire::kProtocolMax) >= 2;
  // Protocol 4: changes the hub wrote, handed back after a restore (§22),
  // go with the pushed ones in version order: a change comes after the
  // versions it was based on, so history sent again lands as it was first
  // written, without conflicts that never were.
  std::vector<std::pair<std::string, size_t>> order;  // version, index (hand-backs after the pushes)
  for (size_t i = 0; i < req.push.size(); ++i) order.emplace_back(req.push[i].version, i);
  for (size_t i = 0; i < req.handback.size(); ++i) {
    auto c = crypto::ParseCanonicalChange(req.handback[i].canonical);
    order.emplace_back(c.ok() ? c->version : std::string(), req.push.size() + i);
  }
  if (!req.handback.empty()) std::stable_sort(order.begin(), order.end());
  reply->results.resize(req.push.size());
  reply->handback_results.resize(req.handback.size());
  for (const auto& [version, i] : order) {
    if (i >= req.push.size()) {
      SIMPUL_ASSIGN_OR_RETURN(reply->handback_results[i - req.push.size()],
                              ApplyHandback(store, merger, village, req.handback[i - req.push.size()]));
      continue;
    }
    SIMPUL_ASSIGN_OR_RETURN(auto r, ApplyPushed(store, merger, req.push[i], node_id, village, opt, &max_skew));
    if (by_position) r.version.clear();
    reply->results[i] = std::move(r);
  }
  SIMPUL_RETURN_IF_ERROR(NumberCasesOnReceipt(store, village));  // hub/cases.h
  if (max_skew > 0)
    reply->notice = "this node's clock is about " + std::to_string(max_skew / 3600000) +
                    " hours ahead of the hub's; its changes were accepted. Check this laptop's date and time;"
                    " if they are right, the hub's clock is wrong: tell Dinsos";
  return Status::Ok();
}

}  // namespace simpul::hub
