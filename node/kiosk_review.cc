#include "node/kiosk_review.h"

#include "node/documents.h"
#include "node/ui_texts.h"
#include "schema/messages.h"

namespace simpul::node {

Result<AcceptedRegistration> AcceptRegistration(NodeStore& store, int64_t id, const KioskAcceptance& acceptance,
                                                const std::string& reviewer, int64_t now_ms, Lang lang,
                                                AcceptStep* step, int* failed_member) {
  *step = AcceptStep::kRegistration;
  *failed_member = -1;
  SIMPUL_ASSIGN_OR_RETURN(auto txn, schema::Transaction::Begin(store.db()));
  SIMPUL_ASSIGN_OR_RETURN(PendingRegistration reg, ReadRegistration(store, id));
  if (reg.state != "pending")
    return Status::FailedPrecondition("registration already " + reg.state).WithField("registration")
        .WithMsg(MsgId::kKioskAlreadyHandled, {reg.receipt, reg.reviewer});
  std::vector<KioskPhoto> photos;
  for (const auto& kind : reg.photo_kinds) {
    SIMPUL_ASSIGN_OR_RETURN(KioskPhoto p, ReadRegistrationPhoto(store, id, kind));
    photos.push_back(std::move(p));
  }
  *step = AcceptStep::kHousehold;
  AcceptedRegistration out;
  SIMPUL_ASSIGN_OR_RETURN(out.household, RegisterHouseholdForm(store, acceptance.form, lang, failed_member));
  if (!acceptance.service.empty()) {
    *step = AcceptStep::kApplication;
    Options app{{"type", acceptance.service},
                {"applicant", out.household.head.empty() ? out.household.members.front() : out.household.head},
                {"household", out.household.id}};
    if (!acceptance.purpose.empty()) app["purpose"] = acceptance.purpose;
    SIMPUL_ASSIGN_OR_RETURN(Written written, CreateRecord(store, Entity::kApplication, app));
    out.application_id = written.id;
    *step = AcceptStep::kDocuments;
    for (const auto& p : photos) {
      const std::string name = "kiosk-" + reg.receipt + "-" + p.kind + (p.media_type == "image/png" ? ".png" : ".jpg");
      SIMPUL_ASSIGN_OR_RETURN(Written doc, AttachDocumentBytes(store, out.application_id, p.kind, name, p.bytes));
      out.documents.push_back(doc.id);
    }
  }
  *step = AcceptStep::kRegistration;
  SIMPUL_RETURN_IF_ERROR(MarkRegistrationHandled(store, id, "accepted", reviewer, "", now_ms, out.household.id,
                                                 out.application_id));
  SIMPUL_RETURN_IF_ERROR(store.Audit("kiosk_accepted", out.household.id, "registration " + reg.receipt));
  SIMPUL_RETURN_IF_ERROR(txn.Commit());
  return out;
}

Status RejectRegistration(NodeStore& store, int64_t id, const std::string& reason, const std::string& reviewer,
                          int64_t now_ms, Lang lang) {
  if (reason.find_first_not_of(" \t\r\n") == std::string::npos)
    return Status::InvalidArgument("a reason is required").WithField("reason")
        .WithMsg(MsgId::kFieldRequired, {Tr(lang, "Reason")});
  // Not audited in the replicated chain: a rejected registration never
  // leaves this laptop (its row keeps who rejected it and why).
  return MarkRegistrationHandled(store, id, "rejected", reviewer, reason, now_ms);
}

}  // namespace simpul::node
