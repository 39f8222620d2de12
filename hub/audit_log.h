// Reading the audit log as people do: the latest entries of the hub's own
// chain and the villages' (filtered by village and action prefix), and the
// verification of every chain with each problem in words. `simpul-hub
// audit` and the web app's audit page (hub/api/audit_api.cc) both use it.
//
// Thread-safety: as HubStore.
#ifndef SIMPUL_HUB_AUDIT_LOG_H_
#define SIMPUL_HUB_AUDIT_LOG_H_

#include <string>
#include <vector>

#include "hub/operations.h"
#include "hub/store.h"
#include "schema/messages.h"
#include "sync/audit_heads.h"

namespace simpul::hub {

struct AuditLogFilter {
  std::string village;  // "" any
  std::string action;   // "" any; else a prefix ("case:" matches every case step)
  int limit = 100;      // 1..
};

// Newest first: columns at, source ("hub" | "village"), writer, actor,
// action, village, subject, detail.
Result<std::vector<Row>> ReadAuditLog(HubStore& store, const AuditLogFilter& f);

struct AuditChainProblem {
  std::string table, kind, writer, entry, text;  // kind: a stable name (AuditProblemName)
  int64_t from = 0, to = 0;
};
struct AuditChainHead {
  std::string table, writer, hash, signed_at, text;  // text: the signing time in the district's zone
  int64_t signed_ms = 0;                              // the signing time (from the stamp), 0 unknown
  int64_t seq = 0;
};
struct AuditVerification {
  bool intact = true;
  std::vector<AuditChainProblem> problems;
  std::vector<AuditChainHead> heads;  // the last signed head of each chain
};

// Checks every chain the hub holds (hub_audit and the villages' audit),
// each problem and head described in `lang`.
Result<AuditVerification> VerifyAuditChains(HubStore& store, Lang lang);

// The district's region code, for the zone of times that belong to no
// village (the hub's own entries): the village of the first enrolled node.
std::string HubRegion(HubStore& store);

// Stable names of the problem kinds (persisted in operators' scripts and
// the API: never rename).
const char* AuditProblemName(sync::AuditProblemKind k);

}  // namespace simpul::hub

#endif  // SIMPUL_HUB_AUDIT_LOG_H_
