#include "hub/duplicates.h"

#include "schema/messages.h"

namespace simpul::hub {

Result<std::vector<HeldBenefit>> BenefitsHeld(HubStore& store, const Row& app) {
  std::vector<HeldBenefit> out;
  SIMPUL_ASSIGN_OR_RETURN(auto applicant, QueryRows(store, "SELECT nik FROM persons WHERE id=?",
                                                    {RowText(app, "applicant_id")}));
  const std::string nik = applicant.empty() ? "" : RowText(applicant[0], "nik");
  if (nik.empty()) return out;
  SIMPUL_ASSIGN_OR_RETURN(auto others, QueryRows(store,
      "SELECT a.id,a.village,a.type,coalesce(a.service_type,'') AS service_type,a.applicant_id FROM applications a"
      " JOIN persons p ON p.id=a.applicant_id"
      " WHERE p.nik=? AND p.deleted=0 AND a.deleted=0 AND a.id!=? AND a.type=? AND coalesce(a.service_type,'')=?"
      " ORDER BY a.village,a.id",
      {nik, RowText(app, "id"), RowText(app, "type"), RowText(app, "service_type")}));
  for (const auto& o : others) {
    SIMPUL_ASSIGN_OR_RETURN(auto state, ApplicationState(store, RowText(o, "id")));
    if (state.status != "approved" && state.status != "letter_issued") continue;
    out.push_back({RowText(o, "id"), RowText(o, "village"), RowText(o, "type"), RowText(o, "service_type"),
                   state.status, RowText(o, "applicant_id")});
  }
  return out;
}

Status CheckBenefitApproval(HubStore& store, const Row& app, const std::string& override_reason) {
  SIMPUL_ASSIGN_OR_RETURN(auto held, BenefitsHeld(store, app));
  if (held.empty()) return Status::Ok();
  SIMPUL_ASSIGN_OR_RETURN(auto applicant, QueryRows(store, "SELECT nik FROM persons WHERE id=?",
                                                    {RowText(app, "applicant_id")}));
  const std::string nik = RowText(applicant.at(0), "nik");
  const HeldBenefit& first = held.front();
  std::string service = first.type + (first.service_type.empty() ? "" : "/" + first.service_type);
  if (override_reason.empty())
    return Status::FailedPrecondition("NIK already holds an approved " + service + " (application " + first.app_id +
                                      "); approve only with --override-reason")
        .WithField("override-reason")
        .WithMsg(MsgId::kBenefitHeld, {nik, service, first.app_id, first.village, first.status});
  std::string overridden;
  for (const auto& h : held) overridden += (overridden.empty() ? "" : ", ") + h.app_id + " (" + h.village + ")";
  return store.Audit("benefit_override", RowText(app, "village"), RowText(app, "id"),
                     service + " already held by NIK in " + overridden + "; reason: " + override_reason);
}

}  // namespace simpul::hub
