// Duplicate beneficiaries at the hub: the same NIK holding the same benefit
// twice. The hub sees every village, so this is where a second PBI-JKN for
// one NIK (two households, two villages) is caught.
//
// The approval rule: approving an application whose applicant's NIK already
// holds the same service (an approved application, or one whose letter was
// issued, of the same type, and for recommendations the same service_type)
// is refused, naming the other application, unless the approving operator
// gives an override reason; an override is recorded in the hub's audit log
// ("benefit_override") with the reason and the applications it overrides.
// PBI-JKN and PBI-APBD are one benefit (the same health cover, paid by the
// state or by the district): either one held counts for the other. A PBI
// approval for a NIK whose DTKS row (the newest snapshot the hub holds) says
// it is an active PBI participant needs the override too, naming the
// snapshot date (MsgId::kBenefitDtksPbiActive).
// Records are never merged (schema/duplicates.h lists the persons).
//
// Thread-safety: like HubStore, one thread at a time.
#ifndef SIMPUL_HUB_DUPLICATES_H_
#define SIMPUL_HUB_DUPLICATES_H_

#include <string>
#include <vector>

#include "hub/operations.h"
#include "hub/store.h"

namespace simpul::hub {

struct HeldBenefit {
  std::string app_id, village, type, service_type, status, person_id;
};

// The other applications of the same service (for PBI: of either PBI type),
// for the applicant's NIK, that are approved or have their letter issued. Empty when the applicant has no
// NIK.
Result<std::vector<HeldBenefit>> BenefitsHeld(HubStore& store, const Row& app);

// The approval rule above, inside the caller's transaction (the one that
// records the approval): FailedPrecondition (MsgId::kBenefitHeld) without an
// override reason when a benefit is held; with one, the audit entry.
Status CheckBenefitApproval(HubStore& store, const Row& app, const std::string& override_reason);

}  // namespace simpul::hub

#endif  // SIMPUL_HUB_DUPLICATES_H_
