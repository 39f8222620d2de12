// simpul-hub audit --verify: every chain the hub holds (its own and the
// villages'), checked link by link and against its signed heads
// (hub/audit_log.h, shared with the web app's audit page).
#include <iostream>

#include "hub/audit_log.h"
#include "hub/cli/internal.h"

namespace simpul::hub::cli {

Status VerifyAuditLog(Args& a, HubStore& store) {
  SIMPUL_ASSIGN_OR_RETURN(AuditVerification v, VerifyAuditChains(store, a.lang));
  schema::JsonWriter j;
  j.BeginObject().Key("chains").BeginArray();
  std::vector<std::string> lines;
  const std::string region = HubRegion(store);  // the district's zone
  for (const char* table : {"hub_audit", "audit"}) {
    for (const auto& p : v.problems) {
      if (p.table != table) continue;
      lines.push_back(p.table + ": " + p.text);
      j.BeginObject().Field("table", p.table).Field("problem", p.kind).Field("writer", p.writer)
          .Field("entry", p.entry).Field("from", p.from).Field("to", p.to).Field("text", p.text).EndObject();
    }
    for (const auto& h : v.heads) {
      if (h.table != table) continue;
      lines.push_back(h.table + ": " + h.text);
      j.BeginObject().Field("table", h.table).Field("writer", h.writer).Field("head_seq", h.seq)
          .Field("head_hash", h.hash).Field("signed_at", h.signed_at)
          .Field("signed_time", TimeIso(h.signed_ms, region)).EndObject();
    }
  }
  j.EndArray().Field("intact", v.intact).EndObject();
  if (a.json) {
    std::cout << j.str() << "\n";
  } else {
    for (const auto& l : lines) std::cout << l << "\n";
    if (v.intact) std::cout << a.T("Audit log intact: every chain verifies.") << "\n";
  }
  if (!v.intact) return Status::Corruption("the audit log was tampered with (see above)");
  return Status::Ok();
}

}  // namespace simpul::hub::cli
