#include "hub/audit_log.h"

#include <algorithm>

#include "hub/audit.h"
#include "hub/operations.h"
#include "schema/local_time.h"
#include "sync/hlc.h"

namespace simpul::hub {
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

}  // namespace

const char* AuditProblemName(sync::AuditProblemKind k) {
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

Result<std::vector<Row>> ReadAuditLog(HubStore& store, const AuditLogFilter& f) {
  std::string sql =
      "SELECT at,'hub' AS source,writer,actor,action,village,subject,detail FROM hub_audit WHERE 1=1 {F}"
      " UNION ALL SELECT at,'village',writer,actor,action,village,subject,detail FROM audit WHERE 1=1 {F}"
      " ORDER BY at DESC LIMIT " + std::to_string(std::max(1, f.limit));
  std::string filter;
  std::vector<std::string> binds;
  if (!f.village.empty()) filter += " AND village=?";
  if (!f.action.empty()) filter += " AND action LIKE ? ESCAPE '\\'";
  for (size_t p; (p = sql.find("{F}")) != std::string::npos;) sql.replace(p, 3, filter);
  std::string action_like;
  for (char c : f.action) {
    if (c == '%' || c == '_' || c == '\\') action_like += '\\';
    action_like += c;
  }
  for (int pass = 0; pass < 2; ++pass) {
    if (!f.village.empty()) binds.push_back(f.village);
    if (!f.action.empty()) binds.push_back(action_like + "%");
  }
  return QueryRows(store, sql, binds);
}

std::string HubRegion(HubStore& store) {
  auto rows = QueryRows(store, "SELECT village FROM nodes ORDER BY enrolled_at_ms LIMIT 1", {});
  return rows.ok() && !rows->empty() ? RowText(rows->front(), "village") : std::string();
}

Result<AuditVerification> VerifyAuditChains(HubStore& store, Lang lang) {
  AuditVerification out;
  const std::string region = HubRegion(store);
  for (const char* table : {"hub_audit", "audit"}) {
    SIMPUL_ASSIGN_OR_RETURN(sync::AuditReport report, VerifyHubAudit(store, table));
    out.intact &= report.intact();
    for (const auto& p : report.problems)
      out.problems.push_back({table, AuditProblemName(p.kind), p.writer, p.entry,
                              Msg(lang, MsgFor(p.kind), {p.writer, p.entry, std::to_string(p.from), std::to_string(p.to)}),
                              static_cast<int64_t>(p.from), static_cast<int64_t>(p.to)});
    for (const auto& [writer, h] : report.last_heads) {
      sync::Stamp stamp;
      std::string stamp_writer;
      const int64_t ms = sync::Hlc::ParseVersion(h.signed_at, &stamp, &stamp_writer)
                             ? static_cast<int64_t>(stamp.physical_ms()) : 0;
      const std::string when =
          ms > 0 ? schema::FormatShortDateTime(ms, schema::ZoneOfRegion(region), lang == Lang::kId ? "id" : "en") : "-";
      out.heads.push_back({.table = table,
                           .writer = writer,
                           .hash = h.hash,
                           .signed_at = h.signed_at,
                           .text = Msg(lang, MsgId::kAuditLastHead, {writer, std::to_string(h.seq), h.hash, when}),
                           .signed_ms = ms,
                           .seq = static_cast<int64_t>(h.seq)});
    }
  }
  return out;
}

}  // namespace simpul::hub
