#include "hub/duplicates.h"

#include "schema/dtks.h"
#include "schema/messages.h"

namespace simpul::hub {
namespace {

bool IsPbi(const std::string& type) { return type == "pbi_jkn" || type == "pbi_apbd"; }

}  // namespace

Result<std::vector<HeldBenefit>> BenefitsHeld(HubStore& store, const Row& app) {
  std::vector<HeldBenefit> out;
  SIMPUL_ASSIGN_OR_RETURN(auto applicant, QueryRows(store, "SELECT nik FROM persons WHERE id=?",
                                                    {RowText(app, "applicant_id")}));
  const std::string nik = applicant.empty() ? "" : RowText(applicant[0], "nik");
  if (nik.empty()) return out;
  // One benefit group: PBI-JKN and PBI-APBD are both the premium paid for
  // the same health cover (by the state or by the district).
  const std::string type = RowText(app, "type");
  const std::string same_benefit = IsPbi(type) ? "a.type IN ('pbi_jkn','pbi_apbd')" : "a.type=?";
  std::vector<std::string> binds = {nik, RowText(app, "id"), RowText(app, "service_type")};
  if (!IsPbi(type)) binds.push_back(type);
  SIMPUL_ASSIGN_OR_RETURN(auto others, QueryRows(store,
      "SELECT a.id,a.village,a.type,coalesce(a.service_type,'') AS service_type,a.applicant_id FROM applications a"
      " JOIN persons p ON p.id=a.applicant_id"
      " WHERE p.nik=? AND p.deleted=0 AND a.deleted=0 AND a.id!=? AND coalesce(a.service_type,'')=? AND " +
          same_benefit + " ORDER BY a.village,a.id",
      binds));
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
  SIMPUL_ASSIGN_OR_RETURN(auto applicant, QueryRows(store, "SELECT nik FROM persons WHERE id=?",
                                                    {RowText(app, "applicant_id")}));
  const std::string nik = applicant.empty() ? "" : RowText(applicant[0], "nik");
  // DTKS saying the NIK already takes part in PBI counts for a PBI approval.
  schema::DtksStatus dtks;
  if (!nik.empty() && IsPbi(RowText(app, "type"))) {
    SIMPUL_ASSIGN_OR_RETURN(dtks, schema::LookupDtks(store.db(), nik));
  }
  const bool dtks_active = dtks.listed && dtks.pbi_status == schema::kPbiActive;
  if (held.empty() && !dtks_active) return Status::Ok();
  const std::string desil = dtks.desil > 0 ? std::to_string(dtks.desil) : "-";
  std::string service;
  if (!held.empty())
    service = held.front().type + (held.front().service_type.empty() ? "" : "/" + held.front().service_type);
  if (override_reason.empty()) {
    if (held.empty())
      return Status::FailedPrecondition("DTKS (" + dtks.snapshot_date + ") lists the NIK as an active PBI participant;"
                                        " approve only with --override-reason")
          .WithField("override-reason")
          .WithMsg(MsgId::kBenefitDtksPbiActive, {nik, dtks.snapshot_date, desil});
    const HeldBenefit& first = held.front();
    return Status::FailedPrecondition("NIK already holds an approved " + service + " (application " + first.app_id +
                                      "); approve only with --override-reason")
        .WithField("override-reason")
        .WithMsg(MsgId::kBenefitHeld, {nik, service, first.app_id, first.village, first.status});
  }
  std::string detail;
  if (!held.empty()) {
    std::string overridden;
    for (const auto& h : held) overridden += (overridden.empty() ? "" : ", ") + h.app_id + " (" + h.village + ")";
    detail = service + " already held by NIK in " + overridden;
  }
  if (dtks_active)
    detail += (detail.empty() ? "" : "; ") + std::string("DTKS snapshot ") + dtks.snapshot_date +
              " lists NIK as PBI active";
  return store.Audit("benefit_override", RowText(app, "village"), RowText(app, "id"),
                     detail + "; reason: " + override_reason);
}

}  // namespace simpul::hub
