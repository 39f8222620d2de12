#include "hub/epoch.h"

#include <algorithm>
#include <string>

#include "schema/ids.h"
#include "sync/crypto/signed_change.h"

namespace simpul::hub {

using schema::Stmt;
namespace wire = sync::wire;
namespace crypto = sync::crypto;

namespace {

// "epoch:through,epoch:through,...": oldest first, the current one last.
std::string FormatLineage(const std::vector<wire::EpochLink>& lineage) {
  std::string out;
  for (const auto& l : lineage) out += (out.empty() ? "" : ",") + l.epoch + ":" + std::to_string(l.through);
  return out;
}

}  // namespace

Result<std::vector<wire::EpochLink>> LoadLineage(HubStore& store) {
  std::string text = store.Meta("epoch_lineage");
  std::vector<wire::EpochLink> out;
  size_t at = 0;
  while (at < text.size()) {
    size_t comma = text.find(',', at);
    std::string part = text.substr(at, comma == std::string::npos ? std::string::npos : comma - at);
    size_t colon = part.find(':');
    if (colon == std::string::npos || colon == 0) return Status::Corruption("damaged meta.epoch_lineage");
    out.push_back({part.substr(0, colon), std::strtoull(part.c_str() + colon + 1, nullptr, 10)});
    if (comma == std::string::npos) break;
    at = comma + 1;
  }
  if (out.empty()) return Status::Corruption("the hub store has no epoch (meta.epoch_lineage)");
  return out;
}

Result<std::string> StartEpoch(HubStore& store) {
  SIMPUL_ASSIGN_OR_RETURN(auto txn, store.BeginWrite());
  SIMPUL_ASSIGN_OR_RETURN(auto lineage, LoadLineage(store));
  // The last sequence the restored log ever issued (deleted entries too).
  SIMPUL_ASSIGN_OR_RETURN(Stmt * q, store.db().Cached(
      "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name='changelog'),0),"
      " coalesce((SELECT max(seq) FROM changelog),0))"));
  SIMPUL_ASSIGN_OR_RETURN(bool row, q->Step());
  uint64_t through = row ? static_cast<uint64_t>(q->Int(0)) : 0;
  q->Reset();
  lineage.back().through = through;
  std::string epoch = schema::NewNodeId();
  lineage.push_back({epoch, 0});
  SIMPUL_RETURN_IF_ERROR(store.SetMeta("epoch_lineage", FormatLineage(lineage)));
  // Sequences of the new epoch start where no hub of an earlier epoch (this
  // one's past, or another restore of the same backup) can have reached:
  // at the restore's time in ms x 2^20. Nodes of any protocol then pull the
  // new epoch's changes whatever cursor they hold.
  uint64_t start = std::max<uint64_t>(through, store.NowMs() << 20);
  SIMPUL_RETURN_IF_ERROR(store.db().Exec("INSERT OR IGNORE INTO sqlite_sequence(name,seq) VALUES('changelog',0)"));
  SIMPUL_ASSIGN_OR_RETURN(Stmt * up, store.db().Cached("UPDATE sqlite_sequence SET seq=? WHERE name='changelog'"));
  up->Bind(1, static_cast<int64_t>(start));
  SIMPUL_RETURN_IF_ERROR(up->Run());
  SIMPUL_RETURN_IF_ERROR(store.db().Exec("UPDATE nodes SET restored_counter=last_counter, epoch=NULL"));
  SIMPUL_RETURN_IF_ERROR(store.Audit("restored", "", epoch, "epoch " + lineage[lineage.size() - 2].epoch +
                                                                " ended at sequence " + std::to_string(through)));
  SIMPUL_RETURN_IF_ERROR(txn.Commit());
  return epoch;
}

Status FillEpoch(HubStore& store, const std::string& node_id, const wire::SyncRequest& req, wire::SyncReply* reply) {
  SIMPUL_ASSIGN_OR_RETURN(auto lineage, LoadLineage(store));
  reply->epoch = lineage.back().epoch;
  SIMPUL_ASSIGN_OR_RETURN(Stmt * mark, store.db().Cached(
      "UPDATE nodes SET epoch=? WHERE node_id=? AND epoch IS NOT ?"));
  mark->Bind(1, req.epoch).Bind(2, node_id).Bind(3, req.epoch);
  SIMPUL_RETURN_IF_ERROR(mark->Run());
  if (req.epoch == reply->epoch) return Status::Ok();
  reply->lineage = std::move(lineage);
  SIMPUL_ASSIGN_OR_RETURN(Stmt * q, store.db().Cached("SELECT restored_counter FROM nodes WHERE node_id=?"));
  q->Bind(1, node_id);
  SIMPUL_ASSIGN_OR_RETURN(bool row, q->Step());
  reply->restored_counter = row ? static_cast<uint64_t>(q->Int(0)) : 0;
  q->Reset();
  return Status::Ok();
}

void SignHubChanges(HubStore& store, wire::SyncReply* reply) {
  const std::string suffix = "." + store.hub_id();
  auto sign = [&](const wire::Change& c, uint64_t index) {
    if (c.flags & wire::kFlagScopeOut) return;
    if (c.version.size() <= suffix.size() ||
        c.version.compare(c.version.size() - suffix.size(), suffix.size(), suffix) != 0)
      return;
    reply->signatures.push_back({index, crypto::SignChange(store.identity(), crypto::CanonicalChange(c))});
  };
  uint64_t i = 0;
  for (const auto& c : reply->pulled) sign(c, i++);
  for (const auto& c : reply->repair) sign(c, i++);
}

Result<wire::ItemResult> ApplyHandback(HubStore& store, sync::Merger& merger, const std::string& village,
                                       const wire::SignedChange& sc) {
  wire::ItemResult r;
  auto refuse = [&](const Status& st) {
    r.code = static_cast<uint16_t>(st.code());
    r.message = st.message();
    return r;
  };
  bool signed_here = crypto::VerifyChange(store.identity().sign_pk, sc.canonical, sc.signature);
  for (size_t i = 0; !signed_here && i < store.retired_identities().size(); ++i)
    signed_here = crypto::VerifyChange(store.retired_identities()[i].sign_pk, sc.canonical, sc.signature);
  if (!signed_here) return refuse(Status::Unauthenticated("handed-back change is not signed by this hub"));
  auto parsed = crypto::ParseCanonicalChange(sc.canonical);
  if (!parsed.ok()) return refuse(parsed.status());
  wire::Change c = std::move(parsed).value();
  std::string writer;
  sync::Stamp stamp;
  if (!sync::Hlc::ParseVersion(c.version, &stamp, &writer) || writer != store.hub_id())
    return refuse(Status::PermissionDenied("handed-back change was not written by this hub"));
  if (c.village != village)
    return refuse(Status::PermissionDenied("handed-back change belongs to village " + c.village));
  // The hub never signs a move out of a village (SignHubChanges): one would
  // drop the row here with nothing in the change log, behind the digests.
  if (c.flags & wire::kFlagScopeOut)
    return refuse(Status::InvalidArgument("a handed-back change never moves a row out of its village"));
  // The hub's past state is not authoritative over its present: a repair
  // entry lands as a snapshot does, never over a newer version.
  if (c.flags & wire::kFlagRepair) c.flags = wire::kFlagSnapshot;
  store.hlc().Witness(stamp);  // its own stamp: later hub writes order after it
  auto applied = merger.Apply(c, sync::Role::kHub, village);
  if (!applied.ok()) {
    Code code = applied.status().code();
    if (code == Code::kInternal || code == Code::kIoError || code == Code::kUnavailable) return applied.status();
    return refuse(applied.status());
  }
  if (!applied->applied.empty()) SIMPUL_RETURN_IF_ERROR(LogApplied(store, c, applied->applied, store.hub_id(), 0));
  for (const auto& k : applied->conflicts) SIMPUL_RETURN_IF_ERROR(RecordConflict(store, k));
  return r;
}

}  // namespace simpul::hub
