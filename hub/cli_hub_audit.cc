// simpul-hub audit --verify: every chain the hub holds (its own and the
// villages'), checked link by link and against its signed heads.
#include <iostream>

#include "hub/audit.h"
#include "hub/cli_internal.h"

namespace simpul::hub::cli {
namespace {

MsgId MsgFor(sync::AuditProblemKind k) {
  switch (k) {
    case sync::AuditProblemKind::kAltered: return MsgId::kAuditAltered;
    case sync::AuditProblemKind::kUnlinked: return MsgId::kAuditUnlinked;
    case sync::AuditProblemKind::kSeqTwice: return MsgId::kAuditSeqTwice;
    case sync::AuditProblemKind::kMissing: return MsgId::kAuditMissing;
    case sync::AuditProblemKind::kTruncated: return MsgId::kAuditTruncated;
    case sync::AuditProblemKind::kHeadForged: return MsgId::kAuditHeadForged;
    case sync::AuditProblemKind::kHeadUnknownKey: return MsgId::kAuditHeadUnknownKey;
    case sync::AuditProblemKind::kHeadMismatch: return MsgId::kAuditHeadMismatch;
  }
  return MsgId::kAuditAltered;
}

// Stable names for --json (persisted in operators' scripts: never rename).
const char* KindName(sync::AuditProblemKind k) {
  switch (k) {
    case sync::AuditProblemKind::kAltered: return "altered";
    case sync::AuditProblemKind::kUnlinked: return "unlinked";
    case sync::AuditProblemKind::kSeqTwice: return "numbered_twice";
    case sync::AuditProblemKind::kMissing: return "missing";
    case sync::AuditProblemKind::kTruncated: return "truncated";
    case sync::AuditProblemKind::kHeadForged: return "head_forged";
    case sync::AuditProblemKind::kHeadUnknownKey: return "head_unknown_key";
    case sync::AuditProblemKind::kHeadMismatch: return "head_mismatch";
  }
  return "?";
}

}  // namespace

Status VerifyAuditLog(Args& a, HubStore& store) {
  bool intact = true;
  schema::JsonWriter j;
  j.BeginObject().Key("chains").BeginArray();
  std::vector<std::string> lines;
  const std::string region = HubRegion(store);  // the district's zone
  for (const char* table : {"hub_audit", "audit"}) {
    SIMPUL_ASSIGN_OR_RETURN(sync::AuditReport report, VerifyHubAudit(store, table));
    intact &= report.intact();
    for (const auto& p : report.problems) {
      std::string text = Msg(a.lang, MsgFor(p.kind), {p.writer, p.entry, std::to_string(p.from), std::to_string(p.to)});
      lines.push_back(std::string(table) + ": " + text);
      j.BeginObject().Field("table", table).Field("problem", KindName(p.kind)).Field("writer", p.writer)
          .Field("entry", p.entry).Field("from", p.from).Field("to", p.to).Field("text", text).EndObject();
    }
    for (const auto& [writer, h] : report.last_heads) {
      lines.push_back(std::string(table) + ": " +
                      Msg(a.lang, MsgId::kAuditLastHead,
                          {writer, std::to_string(h.seq), h.hash, TimeText(a, VersionMs(h.signed_at), region)}));
      j.BeginObject().Field("table", table).Field("writer", writer).Field("head_seq", h.seq)
          .Field("head_hash", h.hash).Field("signed_at", h.signed_at)
          .Field("signed_time", TimeIso(VersionMs(h.signed_at), region)).EndObject();
    }
  }
  j.EndArray().Field("intact", intact).EndObject();
  if (a.json) {
    std::cout << j.str() << "\n";
  } else {
    for (const auto& l : lines) std::cout << l << "\n";
    if (intact) std::cout << a.T("Audit log intact: every chain verifies.") << "\n";
  }
  if (!intact) return Status::Corruption("the audit log was tampered with (see above)");
  return Status::Ok();
}

}  // namespace simpul::hub::cli
