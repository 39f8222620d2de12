#include "hub/enrolment.h"

#include <array>

#include "hub/audit.h"
#include "hub/operations.h"
#include "hub/sync_service.h"
#include "hub/rules.h"
#include "schema/messages.h"
#include "schema/validate.h"
#include "sync/crypto/envelope.h"
#include "sync/wire/codec.h"

namespace simpul::hub {

namespace wire = sync::wire;
namespace crypto = sync::crypto;

Result<EnrolmentSlip> IssueEnrolment(HubStore& store, const std::string& village, int days) {
  SIMPUL_ASSIGN_OR_RETURN(auto level, schema::ValidateRegionCode(village, nullptr));
  if (level != schema::RegionLevel::kVillage)
    return Status::InvalidArgument(village + " is not a village code").WithField("village")
        .WithMsg(MsgId::kRegionNotVillage, {village});
  SIMPUL_ASSIGN_OR_RETURN(auto known, QueryRows(store, "SELECT 1 FROM regions WHERE code=?", {village}));
  if (known.empty())
    return Status::NotFound("village " + village + " is not in the Kemendagri lists").WithField("village");
  if (days < 1 || days > 90)
    return Status::InvalidArgument("--days must be 1..90").WithField("days")
        .WithMsg(MsgId::kNumberRange, {"days", "1", "90"});
  sync::crypto::EnrolCode code = sync::crypto::NewEnrolCode();
  // One reading of the clock: the code lives exactly `days` (two readings a
  // millisecond apart made it flaky under load).
  const auto now = static_cast<int64_t>(store.NowMs());
  EnrolmentSlip slip{village, code.Text(), now + days * 86'400'000LL,
                     sync::crypto::Fingerprint(store.identity().sign_pk)};
  SIMPUL_ASSIGN_OR_RETURN(auto txn, store.BeginWrite());
  SIMPUL_ASSIGN_OR_RETURN(schema::Stmt * ins, store.db().Cached(
      "INSERT INTO enrolments(code_id,mac_key,village,created_at_ms,expires_at_ms) VALUES(?,?,?,?,?)"));
  ins->Bind(1, code.id).Bind(2, sync::crypto::EnrolMacKeyHex(code.secret)).Bind(3, village)
      .Bind(4, now).Bind(5, slip.expires_ms);
  SIMPUL_RETURN_IF_ERROR(ins->Run());
  // The service rules and indicator sets Dinsos loaded reach the village at
  // its first sync (hub/rules.h).
  SIMPUL_RETURN_IF_ERROR(CopyRulesToVillage(store, village));
  SIMPUL_RETURN_IF_ERROR(store.Audit("enrolment_code", village, code.id, "valid " + std::to_string(days) + " days"));
  SIMPUL_RETURN_IF_ERROR(txn.Commit());
  return slip;
}

std::string NodeEnrolCommand(const std::string& hub_url, const std::string& code) {
  return "simpul-node enrol --hub " + hub_url + " --code " + code;
}

std::string HandleEnrol(HubStore& store, const std::string& frame, RequestLog* log) {
  RequestLog scratch;
  if (!log) log = &scratch;
  (void)store.RefreshKeys();  // enrol under the key current now
  std::array<uint8_t, 24> zero_nonce{};
  auto refuse = [&](const Status& st) {
    log->outcome = st.ToString();
    return crypto::SignedError(store.identity(), zero_nonce, HubErrorReply(st));
  };
  auto req = crypto::PeekEnrolRequest(frame);
  if (!req.ok()) return refuse(req.status());
  log->node_id = req->node_id;
  log->village = req->village;
  auto txn = store.BeginWrite();
  if (!txn.ok()) return refuse(txn.status());
  auto st = store.db().Cached(
      "SELECT mac_key,village,expires_at_ms,used_by FROM enrolments WHERE code_id=?");
  if (!st.ok()) return refuse(st.status());
  (*st)->Bind(1, req->code_id);
  auto row = (*st)->Step();
  if (!row.ok() || !*row) {
    (*st)->Reset();
    return refuse(Status::Unauthenticated("unknown enrolment code"));
  }
  std::string mac_key = (*st)->Text(0), village = (*st)->Text(1), used_by = (*st)->Text(3);
  uint64_t expires = static_cast<uint64_t>((*st)->Int(2));
  (*st)->Reset();
  if (Status v = crypto::VerifyEnrolRequest(frame, mac_key); !v.ok()) return refuse(v);
  if (!used_by.empty() && used_by != req->node_id)
    return refuse(Status::Unauthenticated("this enrolment code was already used"));
  {
    // An existing node id: a retry of this enrolment, or a re-enrolment
    // with a new code. Never a takeover of another village's node, and a
    // used code never undoes a revocation.
    auto ex = store.db().Cached("SELECT village,status FROM nodes WHERE node_id=?");
    if (!ex.ok()) return refuse(ex.status());
    (*ex)->Bind(1, req->node_id);
    auto has = (*ex)->Step();
    std::string ex_village = has.ok() && *has ? (*ex)->Text(0) : "", ex_status = has.ok() && *has ? (*ex)->Text(1) : "";
    (*ex)->Reset();
    if (!ex_village.empty() && ex_village != village)
      return refuse(Status::PermissionDenied("node " + req->node_id + " is enrolled for another village"));
    if (!used_by.empty() && ex_status == "revoked")
      return refuse(Status::Unauthenticated("this node was revoked; a new enrolment code is needed"));
  }
  if (store.NowMs() > expires) return refuse(Status::Unauthenticated("this enrolment code has expired"));
  if (req->village != village)
    return refuse(Status::PermissionDenied("this code is for village " + village + ", the node is " + req->village));
  if (req->proto_max < wire::kProtocolMin || req->schema_version < static_cast<uint32_t>(kMinNodeSchemaVersion))
    return refuse(Status::VersionTooOld("upgrade simpul-node before enrolling"));
  auto ins = store.db().Cached(
      "INSERT INTO nodes(node_id,village,sign_pk,status,enrolled_at_ms,hub_pk) VALUES(?,?,?,'active',?,?)"
      " ON CONFLICT(node_id) DO UPDATE SET village=excluded.village, sign_pk=excluded.sign_pk,"
      " status='active', enrolled_at_ms=excluded.enrolled_at_ms, revoked_at_ms=NULL, revoke_reason=NULL,"
      " last_counter=0, hub_pk=excluded.hub_pk");  // a new identity starts its request counter again
  if (!ins.ok()) return refuse(ins.status());
  (*ins)->Bind(1, req->node_id).Bind(2, village).Bind(3, crypto::ToHex(req->node_sign_pk))
      .Bind(4, static_cast<int64_t>(store.NowMs())).Bind(5, crypto::ToHex(store.identity().sign_pk));
  if (Status s = (*ins)->Run(); !s.ok()) return refuse(s);
  // A new identity counts its requests from 1 again: outcomes of the old one
  // must not answer them.
  auto forget = store.db().Cached("DELETE FROM request_outcomes WHERE node_id=?");
  if (!forget.ok()) return refuse(forget.status());
  (*forget)->Bind(1, req->node_id);
  if (Status s = (*forget)->Run(); !s.ok()) return refuse(s);
  auto use = store.db().Cached("UPDATE enrolments SET used_by=?, used_at_ms=? WHERE code_id=?");
  if (!use.ok()) return refuse(use.status());
  (*use)->Bind(1, req->node_id).Bind(2, static_cast<int64_t>(store.NowMs())).Bind(3, req->code_id);
  if (Status s = (*use)->Run(); !s.ok()) return refuse(s);
  if (Status s = RecordNodeKey(store, req->node_id, req->node_sign_pk); !s.ok()) return refuse(s);
  if (Status s = store.Audit("enrolled", village, req->node_id, "code " + req->code_id); !s.ok()) return refuse(s);
  if (Status s = txn->Commit(); !s.ok()) return refuse(s);
  wire::EnrolReply reply;
  reply.hub_sign_pk = store.identity().sign_pk;
  reply.hub_id = store.hub_id();
  reply.village = village;
  reply.hub_time_ms = store.NowMs();
  if (req->proto_max >= 3) reply.protocol = wire::kProtocolMax;
  log->outcome = "enrolled";
  return crypto::SealEnrolReply(store.identity(), mac_key, frame, reply);
}

}  // namespace simpul::hub
