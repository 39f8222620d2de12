#include "node/sync_client.h"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "schema/field_rules.h"
#include "schema/messages.h"
#include "schema/migrations.h"
#include "schema/store_files.h"
#include "schema/tables.h"
#include "sync/crypto/envelope.h"
#include "sync/digest.h"
#include "sync/merge.h"
#include "sync/wire/codec.h"

namespace simpul::node {

using schema::Stmt;
using schema::Value;
namespace wire = sync::wire;
namespace crypto = sync::crypto;

namespace {

std::string IdentityPath(NodeStore& s) { return s.dir() + "/identity.key"; }

Result<crypto::Identity> LoadIdentity(NodeStore& s) {
  std::ifstream in(IdentityPath(s), std::ios::binary);
  if (!in) return Status::FailedPrecondition("this node has no identity: enrol it first (simpul-node enrol)");
  std::stringstream ss;
  ss << in.rdbuf();
  return crypto::ImportIdentity(ss.str());
}

Status SaveIdentity(NodeStore& s, const crypto::Identity& id) {
  return schema::WriteFileAtomically(IdentityPath(s), crypto::ExportIdentity(id), 0600);
}

uint64_t MetaU64(NodeStore& s, const std::string& key) {
  return std::strtoull(s.Meta(key).c_str(), nullptr, 10);
}

// The next request counter, durable before the request leaves (a replayed
// counter would be refused by the hub).
Result<uint64_t> NextCounter(NodeStore& s) {
  SIMPUL_ASSIGN_OR_RETURN(auto txn, schema::Transaction::Begin(s.db()));
  uint64_t c = MetaU64(s, "sync_counter") + 1;
  SIMPUL_RETURN_IF_ERROR(s.SetMeta("sync_counter", std::to_string(c)));
  SIMPUL_RETURN_IF_ERROR(txn.Commit());
  return c;
}

struct Pending {
  int64_t seq;
  wire::Change change;
};

Result<std::vector<Pending>> ReadPending(NodeStore& s, size_t limit) {
  SIMPUL_ASSIGN_OR_RETURN(auto st, s.db().Prepare(
      "SELECT seq,change_id,tbl,row_id,village FROM outbox WHERE state='pending' ORDER BY seq LIMIT ?"));
  st.Bind(1, static_cast<int64_t>(limit));
  SIMPUL_ASSIGN_OR_RETURN(Stmt * fq, s.db().Cached(
      "SELECT field,value,base FROM outbox_fields WHERE seq=? ORDER BY field"));
  std::vector<Pending> out;
  for (;;) {
    SIMPUL_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    Pending p{st.Int(0), wire::Change{st.Text(1), st.Text(2), st.Text(3), st.Text(4), wire::kFlagNone, {}}};
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

// A conflict this node saw itself; the hub's record of it (same id) will
// replace these fields when it arrives.
Status RecordLocalConflict(NodeStore& s, const sync::Conflict& k) {
  SIMPUL_ASSIGN_OR_RETURN(Stmt * ins, s.db().Cached(
      "INSERT INTO conflicts(id,village,tbl,row_id,field,kind,winner_version,winner_value,loser_version,"
      "loser_value,status) VALUES(?,?,?,?,?,?,?,?,?,?,'open') ON CONFLICT(id) DO NOTHING"));
  ins->Bind(1, k.id).Bind(2, k.village).Bind(3, k.table).Bind(4, k.row_id).Bind(5, k.field)
      .Bind(6, sync::ConflictKindName(k.kind)).Bind(7, k.winner_version).Bind(8, k.winner_value)
      .Bind(9, k.loser_version).Bind(10, k.loser_value);
  return ins->Run();
}

// Rows of this village in `bucket` that the hub's repair did not mention:
// they exist only here (the hub lost them, e.g. restored from a backup), so
// they are queued again as new changes instead of being dropped.
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

}  // namespace

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
  store.hlc().Witness(sync::Stamp::Make(reply.hub_time_ms, 0));
  SIMPUL_RETURN_IF_ERROR(sync::SaveLastStamp(store.db(), store.hlc().last()));
  return txn.Commit();
}

Result<SyncSummary> SyncOnce(NodeStore& store, sync::Transport& transport, const SyncOptions& opt) {
  auto start = std::chrono::steady_clock::now();
  SIMPUL_RETURN_IF_ERROR(crypto::InitSodium());
  if (!IsEnrolled(store))
    return Status::FailedPrecondition("this node is not enrolled: run simpul-node enrol --hub URL --code CODE");
  SIMPUL_ASSIGN_OR_RETURN(crypto::Identity identity, LoadIdentity(store));
  SIMPUL_ASSIGN_OR_RETURN(crypto::PublicKey hub_pk, crypto::PublicKeyFromHex(store.Meta("hub_pk")));
  const std::string hub_id = store.Meta("hub_id");
  uint64_t base_sent = transport.bytes_sent(), base_recv = transport.bytes_received(),
           base_rt = transport.round_trips();
  SyncSummary sum;
  SyncProgress prog;
  SIMPUL_ASSIGN_OR_RETURN(int64_t total_pending, CountPending(store));
  prog.push_total = static_cast<uint64_t>(total_pending);
  std::vector<uint32_t> repair_next;
  bool repair_tried = false;
  sync::Merger merger(store.db());

  for (int round = 0; round < opt.max_round_trips; ++round) {
    SIMPUL_ASSIGN_OR_RETURN(auto pending, ReadPending(store, opt.batch));
    wire::SyncRequest req;
    req.batch_id = pending.empty() ? 0 : static_cast<uint64_t>(pending.front().seq);
    for (const auto& p : pending) req.push.push_back(p.change);
    req.initial = store.Meta("sync_initial") == "1";
    req.pull_cursor = MetaU64(store, "sync_cursor");
    req.pull_limit = opt.pull_limit;
    req.snapshot_after = store.Meta("snapshot_after");
    req.snapshot_seq = MetaU64(store, "snapshot_seq");
    req.repair_buckets = std::move(repair_next);
    repair_next.clear();
    bool asked_repair = !req.repair_buckets.empty();

    SIMPUL_ASSIGN_OR_RETURN(uint64_t counter, NextCounter(store));
    wire::RequestHeader header;
    header.node_id = store.node_id();
    header.counter = counter;
    header.schema_version = static_cast<uint32_t>(schema::LatestSchemaVersion());
    SIMPUL_ASSIGN_OR_RETURN(crypto::SealedRequest sealed,
                            crypto::SealRequest(identity, hub_pk, header, wire::Encode(req)));
    SIMPUL_ASSIGN_OR_RETURN(std::string reply_frame, transport.RoundTrip("/v1/sync", sealed.frame));
    SIMPUL_ASSIGN_OR_RETURN(std::string body, crypto::OpenReply(sealed, hub_pk, reply_frame));
    SIMPUL_ASSIGN_OR_RETURN(wire::SyncReply reply, wire::DecodeSyncReply(body));
    if (reply.results.size() != req.push.size())
      return Status::Corruption("hub answered " + std::to_string(reply.results.size()) + " results for " +
                                std::to_string(req.push.size()) + " changes");
    if (!reply.notice.empty()) sum.notice = reply.notice;

    SIMPUL_ASSIGN_OR_RETURN(auto txn, schema::Transaction::Begin(store.db()));
    SIMPUL_ASSIGN_OR_RETURN(Stmt * del_f, store.db().Cached("DELETE FROM outbox_fields WHERE seq=?"));
    SIMPUL_ASSIGN_OR_RETURN(Stmt * del_o, store.db().Cached("DELETE FROM outbox WHERE seq=?"));
    SIMPUL_ASSIGN_OR_RETURN(Stmt * refuse, store.db().Cached(
        "UPDATE outbox SET state='refused', refusal=? WHERE seq=?"));
    // Acked rows leave the outbox; keep the clock's memory of them first.
    SIMPUL_RETURN_IF_ERROR(sync::SaveLastStamp(store.db(), store.hlc().last()));
    for (size_t i = 0; i < pending.size(); ++i) {
      const auto& r = reply.results[i];
      if (r.version != pending[i].change.version) return Status::Corruption("hub results out of order");
      ++sum.sent;
      if (r.code == 0) {
        del_f->Bind(1, pending[i].seq);
        SIMPUL_RETURN_IF_ERROR(del_f->Run());
        del_o->Bind(1, pending[i].seq);
        SIMPUL_RETURN_IF_ERROR(del_o->Run());
        ++sum.acked;
      } else {
        // Never silently dropped: stays in the outbox, visible, with the reason.
        refuse->Bind(1, std::string(CodeName(static_cast<Code>(r.code))) + ": " + r.message).Bind(2, pending[i].seq);
        SIMPUL_RETURN_IF_ERROR(refuse->Run());
        ++sum.refused;
      }
    }
    auto apply = [&](const wire::Change& c) -> Status {
      std::string writer;
      sync::Stamp stamp;
      if (!sync::Hlc::ParseVersion(c.version, &stamp, &writer)) {
        ++sum.skipped_invalid;
        return Status::Ok();
      }
      if (writer == store.node_id() && !(c.flags & (wire::kFlagRepair | wire::kFlagSnapshot)))
        return Status::Ok();  // our own change, already here
      store.hlc().Witness(stamp);  // the hub's clock is trusted; ours may be 1970
      auto res = merger.Apply(c, sync::WriterRole(c.version, hub_id), "");
      if (!res.ok()) {
        if (res.status().code() == Code::kInternal || res.status().code() == Code::kIoError ||
            res.status().code() == Code::kUnavailable)
          return res.status();
        std::fprintf(stderr, "simpul-node: skipped a change from the hub (%s %s): %s\n", c.table.c_str(),
                     c.row_id.c_str(), res.status().ToString().c_str());
        ++sum.skipped_invalid;
        return Status::Ok();
      }
      for (const auto& k : res->conflicts) {
        SIMPUL_RETURN_IF_ERROR(RecordLocalConflict(store, k));
        ++sum.conflicts;
      }
      return Status::Ok();
    };
    for (const auto& c : reply.pulled) {
      SIMPUL_RETURN_IF_ERROR(apply(c));
      ++sum.received;
    }
    if (asked_repair) {
      std::set<uint32_t> buckets(req.repair_buckets.begin(), req.repair_buckets.end());
      std::set<std::pair<std::string, std::string>> hub_rows;
      for (const auto& c : reply.repair) {
        if (!buckets.count(sync::BucketOf(c.row_id))) return Status::Corruption("repair outside the asked buckets");
        hub_rows.insert({c.table, c.row_id});
        SIMPUL_RETURN_IF_ERROR(apply(c));
        ++sum.repaired;
      }
      SIMPUL_RETURN_IF_ERROR(RequeueLocalOnly(store, buckets, hub_rows, &sum.repaired));
    }
    // Cursor and snapshot state advance in the same transaction.
    if (req.initial) {
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
    SIMPUL_RETURN_IF_ERROR(sync::SaveLastStamp(store.db(), store.hlc().last()));
    SIMPUL_RETURN_IF_ERROR(store.SetMeta("last_sync_ms", std::to_string(reply.hub_time_ms)));
    SIMPUL_RETURN_IF_ERROR(txn.Commit());

    prog.pushed = sum.acked + sum.refused;
    prog.pulled = sum.received;
    prog.bytes = (transport.bytes_sent() - base_sent) + (transport.bytes_received() - base_recv);
    prog.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (opt.progress) opt.progress(prog);

    SIMPUL_ASSIGN_OR_RETURN(int64_t left, CountPending(store));
    if (req.initial || reply.more || left > 0) continue;
    // Caught up both ways: prove agreement with the hub's digest.
    if (reply.bucket_digests.size() == sync::kDigestBuckets) {
      SIMPUL_ASSIGN_OR_RETURN(sync::BucketDigests mine, sync::ScopeDigest(store.db(), store.village()));
      for (uint32_t b = 0; b < sync::kDigestBuckets; ++b)
        if (mine[b] != reply.bucket_digests[b]) repair_next.push_back(b);
      if (repair_next.empty()) {
        sum.verified = true;
        break;
      }
      if (repair_tried) {
        repair_next.clear();
        break;  // still differs after one repair: report, do not loop
      }
      repair_tried = true;
      continue;
    }
    break;
  }
  sum.bytes_sent = transport.bytes_sent() - base_sent;
  sum.bytes_received = transport.bytes_received() - base_recv;
  sum.round_trips = transport.round_trips() - base_rt;
  sum.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
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

Status ResolveConflict(NodeStore& store, const std::string& id, const std::string& keep, const std::string& value) {
  SIMPUL_ASSIGN_OR_RETURN(auto txn, schema::Transaction::Begin(store.db()));
  SIMPUL_ASSIGN_OR_RETURN(auto st, store.db().Prepare(
      "SELECT tbl,row_id,field,winner_value,loser_value,village FROM conflicts WHERE id=?"));
  st.Bind(1, id);
  SIMPUL_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Status::NotFound("no conflict " + id).WithMsg(MsgId::kNotFoundId, {"@conflicts", id});
  std::string table = st.Text(0), row_id = st.Text(1), field = st.Text(2), village = st.Text(5);
  Value chosen = keep == "winner" ? st.Column(3) : keep == "loser" ? st.Column(4) : Value(value);
  if (keep != "winner" && keep != "loser" && keep != "value")
    return Status::InvalidArgument("--keep must be winner or loser, or give --value");
  const schema::TableDef* t = schema::FindTable(table);
  const schema::FieldDef* f = t ? schema::FindField(*t, field) : nullptr;
  if (!f) return Status::Corruption("conflict names an unknown field");
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
  return txn.Commit();
}

}  // namespace simpul::node
