// An operator's review of a resident's kiosk registration
// (node/kiosk_store.h): accepted, it becomes a household and its members
// (node/household_form.h) and, when the resident chose a service, a draft
// application with the KK/KTP photos attached as its documents
// (node/documents.h), all through change capture in ONE transaction with
// the registration marked accepted; or rejected with a reason. Either way
// the photos leave the pending store. A registration handled already (a
// second tab, another operator) is refused with MsgId::kKioskAlreadyHandled
// and nothing is written.
#ifndef SIMPUL_NODE_KIOSK_REVIEW_H_
#define SIMPUL_NODE_KIOSK_REVIEW_H_

#include <string>
#include <vector>

#include "node/household_form.h"
#include "node/kiosk_store.h"

namespace simpul::node {

struct KioskAcceptance {
  HouseholdForm form;     // as the operator corrected it
  std::string service;    // an application type (schema::kApplicationTypes), "" for none
  std::string purpose;    // the application's purpose, as typed
};

struct AcceptedRegistration {
  RegisteredHousehold household;
  std::string application_id;          // "" without a service
  std::vector<std::string> documents;  // attachment ids
};

// Where a refusal of AcceptRegistration comes from.
enum class AcceptStep { kRegistration, kHousehold, kApplication, kDocuments };

// `failed_member` as RegisterHouseholdForm's; `step` says which part was refused.
Result<AcceptedRegistration> AcceptRegistration(NodeStore& store, int64_t id, const KioskAcceptance& acceptance,
                                                const std::string& reviewer, int64_t now_ms, Lang lang,
                                                AcceptStep* step, int* failed_member);

// InvalidArgument (field "reason") without a reason.
Status RejectRegistration(NodeStore& store, int64_t id, const std::string& reason, const std::string& reviewer,
                          int64_t now_ms, Lang lang);

}  // namespace simpul::node

#endif  // SIMPUL_NODE_KIOSK_REVIEW_H_
