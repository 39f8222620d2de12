#include "hub/enrolment.h"

#include "hub/operations.h"
#include "hub/rules.h"
#include "schema/messages.h"
#include "schema/validate.h"
#include "sync/crypto/envelope.h"

namespace simpul::hub {

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

}  // namespace simpul::hub
