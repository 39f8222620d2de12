// simpul-hub commands that show when things happened: an application's
// history, the nodes' last contact, conflicts and the audit log. Times are
// shown in the office's zone (WIB/WITA/WIT from the village code), never as
// HLC stamps or epoch milliseconds; --json keeps the raw stamp and adds
// `time` (ISO 8601 with the zone's offset) beside it.
#include <iomanip>
#include <iostream>

#include "hub/audit_log.h"
#include "hub/cli/internal.h"
#include "schema/command_line.h"
#include "hub/reports/times_source.h"
#include "hub/stages.h"
#include "schema/local_time.h"
#include "sync/hlc.h"

namespace simpul::hub::cli {
namespace {

int64_t ColumnMs(const Row& row, const std::string& col) {
  for (const auto& [k, v] : row)
    if (k == col)
      if (auto* ms = std::get_if<int64_t>(&v)) return *ms;
  return 0;
}

std::string WriterOf(const std::string& version) {
  auto dot = version.find('.');
  return dot == std::string::npos ? version : version.substr(dot + 1);
}

}  // namespace

std::string TimeText(const Args& a, int64_t ms, const std::string& region) {
  if (ms <= 0) return "-";
  return schema::FormatShortDateTime(ms, schema::ZoneOfRegion(region), a.lang == Lang::kId ? "id" : "en");
}

std::string TimeIso(int64_t ms, const std::string& region) {
  return ms > 0 ? schema::FormatIso(ms, schema::ZoneOfRegion(region)) : std::string();
}

int64_t VersionMs(const std::string& version) {
  sync::Stamp s;
  std::string writer;
  return sync::Hlc::ParseVersion(version, &s, &writer) ? static_cast<int64_t>(s.physical_ms()) : 0;
}

Status CmdAppShow(Args& a) {
  SIMPUL_RETURN_IF_ERROR(Need(a, 1, {}));
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenHub(a));
  SIMPUL_ASSIGN_OR_RETURN(Row app, ReadRow(*store, "applications", a.words[0]));
  // Showing an application shows its applicant's personal data: audited.
  SIMPUL_RETURN_IF_ERROR(AuditNow(*store, "read_person", Get(app, "village"), Get(app, "applicant_id"),
                                  "application " + a.words[0]));
  SIMPUL_ASSIGN_OR_RETURN(auto events, ReadEvents(*store, a.words[0]));
  auto state = schema::FoldWorkflow(events);
  SIMPUL_ASSIGN_OR_RETURN(auto conflicts, ListConflicts(*store, "", true));
  SIMPUL_ASSIGN_OR_RETURN(auto next_stage, NextStageOf(*store, app, state));
  const bool reviewing = state.status == "submitted" || state.status == "in_review";
  const std::string village = Get(app, "village");
  std::vector<reports::EventTimes> times;
  for (const auto& e : events) {
    SIMPUL_ASSIGN_OR_RETURN(auto t, reports::TimesOfEvent(*store, e));
    times.push_back(t);
  }
  if (a.json) {
    schema::JsonWriter j;
    j.BeginObject();
    for (const auto& [k, v] : app) j.Field(k, v);
    SIMPUL_RETURN_IF_ERROR(PrintApplicationDocuments(a, *store, a.words[0], &j));
    SIMPUL_RETURN_IF_ERROR(PrintApplicationBeneficiary(a, *store, app, &j));
    j.Field("status", state.status).Field("contested", state.contested).Key("events").BeginArray();
    for (size_t i = 0; i < events.size(); ++i) {
      const auto& e = events[i];
      j.BeginObject().Field("kind", e.kind).Field("actor_role", e.actor_role).Field("reason", e.reason)
          .Field("stage", e.stage).Field("id", e.id).Field("at", e.at)
          .Field("time", TimeIso(times[i].at_ms, village));
      if (times[i].received_ms) j.Field("received_time", TimeIso(times[i].received_ms, village));
      if (times[i].delivered_ms) j.Field("delivered_time", TimeIso(times[i].delivered_ms, village));
      j.EndObject();
    }
    j.EndArray().Field("next_stage", reviewing && next_stage ? next_stage->code : "")
        .Field("next_stage_role", reviewing && next_stage ? next_stage->role : "").Key("conflicts").BeginArray();
    for (const auto& c : conflicts)
      if (Get(c, "row_id") == a.words[0])
        j.BeginObject().Field("id", Get(c, "id")).Field("field", Get(c, "field")).Field("status", Get(c, "status"))
            .Field("winner_value", Get(c, "winner_value")).Field("loser_value", Get(c, "loser_value")).EndObject();
    std::cout << j.EndArray().EndObject().str() << "\n";
    return Status::Ok();
  }
  std::cout << a.T("Application ") << a.words[0] << "  " << a.T("status") << ": " << state.status << "\n";
  for (const auto& [k, v] : app)
    if (!schema::IsNull(v) && k != "deleted") std::cout << "  " << std::left << std::setw(18) << k << schema::ValueToDisplay(v) << "\n";
  SIMPUL_RETURN_IF_ERROR(PrintApplicationBeneficiary(a, *store, app, nullptr));
  for (size_t i = 0; i < events.size(); ++i) {
    const auto& e = events[i];
    std::cout << "  " << TimeText(a, times[i].at_ms, village) << "  " << a.T("event ") << e.kind << (e.stage.empty() ? "" : " " + e.stage) << " ("
              << e.actor_role << ")" << (e.reason.empty() ? "" : ": " + e.reason) << "\n";
    if (times[i].received_ms)
      std::cout << "      " << a.T("received by Dinsos: ") << TimeText(a, times[i].received_ms, village) << "\n";
    if (times[i].delivered_ms)
      std::cout << "      " << a.T("received by the village: ") << TimeText(a, times[i].delivered_ms, village) << "\n";
  }
  if (reviewing && next_stage)
    std::cout << "  " << a.T("Next stage: ") << next_stage->code << " ("
              << (a.lang == Lang::kId ? next_stage->title_id : next_stage->title_en) << ", " << next_stage->role << ")\n";
  for (const auto& c : conflicts)
    if (Get(c, "row_id") == a.words[0])
      std::cout << "  " << a.T("CONFLICT ") << Get(c, "id") << " " << Get(c, "field") << ": '"
                << Get(c, "winner_value") << "' vs '" << Get(c, "loser_value") << "' [" << Get(c, "status") << "]\n";
  return PrintApplicationDocuments(a, *store, a.words[0], nullptr);
}

Status CmdNodeList(Args& a) {
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenHub(a));
  SIMPUL_ASSIGN_OR_RETURN(auto rows, ListNodes(*store));
  const int64_t now = static_cast<int64_t>(store->NowMs());
  const std::string lang = a.lang == Lang::kId ? "id" : "en";
  if (a.json) {
    schema::JsonWriter j;
    j.BeginArray();
    for (const auto& r : rows) {
      j.BeginObject();
      for (const auto& [k, v] : r) j.Field(k, v);
      const std::string village = Get(r, "village");
      j.Field("enrolled_time", TimeIso(ColumnMs(r, "enrolled_at_ms"), village));
      if (int64_t seen = ColumnMs(r, "last_seen_ms")) j.Field("last_seen_time", TimeIso(seen, village));
      if (int64_t said = ColumnMs(r, "outbox_reported_ms")) j.Field("outbox_reported_time", TimeIso(said, village));
      j.EndObject();
    }
    std::cout << j.EndArray().str() << "\n";
    return Status::Ok();
  }
  for (const auto& r : rows) {
    const std::string village = Get(r, "village");
    int64_t seen = ColumnMs(r, "last_seen_ms");
    std::cout << Get(r, "node_id") << "  " << village << "  " << Get(r, "status") << "  " << a.T("enrolled ")
              << TimeText(a, ColumnMs(r, "enrolled_at_ms"), village) << "  " << a.T("last contact: ")
              << (seen ? schema::FormatAgo(seen, now, lang) + " (" + TimeText(a, seen, village) + ")" : a.T("never"));
    if (!Get(r, "epoch").empty()) std::cout << "  epoch " << Get(r, "epoch");
    // What waits at the village, as the laptop said at its last sync (protocol 5).
    std::cout << "  " << a.T("changes waiting: ");
    if (Get(r, "outbox_waiting").empty()) std::cout << a.T("not reported");
    else std::cout << Get(r, "outbox_waiting") << a.T(", reported ")
                   << schema::FormatAgo(ColumnMs(r, "outbox_reported_ms"), now, lang);
    if (!Get(r, "revoke_reason").empty()) std::cout << "  " << Get(r, "revoke_reason");
    std::cout << "\n";
  }
  if (rows.empty()) std::cout << a.T("(none)\n");
  return Status::Ok();
}

Status CmdConflicts(Args& a) {
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenHub(a));
  SIMPUL_ASSIGN_OR_RETURN(auto rows, ListConflicts(*store, Opt(a, "village"), a.opts.count("all") > 0));
  if (a.json) {
    schema::JsonWriter j;
    j.BeginArray();
    for (const auto& r : rows) {
      j.BeginObject();
      for (const auto& [k, v] : r) j.Field(k, v);
      j.Field("winner_time", TimeIso(VersionMs(Get(r, "winner_version")), Get(r, "village")))
          .Field("loser_time", TimeIso(VersionMs(Get(r, "loser_version")), Get(r, "village")));
      j.EndObject();
    }
    std::cout << j.EndArray().str() << "\n";
    return Status::Ok();
  }
  for (const auto& r : rows) {
    auto who = [&](const std::string& version) {
      return WriterOf(version) + ", " + TimeText(a, VersionMs(version), Get(r, "village"));
    };
    std::cout << Get(r, "id") << "  " << a.T("village ") << Get(r, "village") << "  " << Get(r, "tbl")
              << " " << Get(r, "row_id") << "  " << Get(r, "field") << " (" << Get(r, "kind") << ")\n    "
              << a.T("kept:   ") << "'" << Get(r, "winner_value") << "'  (" << who(Get(r, "winner_version"))
              << ")\n    " << a.T("lost:   ") << "'" << Get(r, "loser_value") << "'  ("
              << who(Get(r, "loser_version")) << ")  [" << Get(r, "status") << "]"
              << (Get(r, "resolution").empty() ? "" : " " + Get(r, "resolution") + " by " + Get(r, "resolved_by"))
              << "\n";
  }
  if (rows.empty()) std::cout << a.T("No open conflicts.\n");
  return Status::Ok();
}

Status CmdAudit(Args& a) {
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenHub(a));
  if (a.opts.count("verify")) return VerifyAuditLog(a, *store);
  std::string sql =
      "SELECT at,'hub' AS source,writer,actor,action,village,subject,detail FROM hub_audit WHERE 1=1 {F}"
      " UNION ALL SELECT at,'village',writer,actor,action,village,subject,detail FROM audit WHERE 1=1 {F}"
      " ORDER BY at DESC LIMIT ?";
  std::string filter;
  if (a.opts.count("village")) filter += " AND village=?";
  if (a.opts.count("action")) filter += " AND action LIKE ?";
  for (size_t p; (p = sql.find("{F}")) != std::string::npos;) sql.replace(p, 3, filter);
  SIMPUL_ASSIGN_OR_RETURN(auto st, store->db().Prepare(sql));
  int i = 1;
  for (int pass = 0; pass < 2; ++pass) {
    if (a.opts.count("village")) st.Bind(i++, a.opts.at("village"));
    if (a.opts.count("action")) st.Bind(i++, a.opts.at("action") + "%");
  }
  SIMPUL_ASSIGN_OR_RETURN(int64_t limit, schema::IntOption(a.opts, "limit", 100, 1, 1'000'000));
  st.Bind(i, limit);
  const std::string hub_region = HubRegion(*store);
  schema::JsonWriter j;
  j.BeginArray();
  int n = 0;
  for (;; ++n) {
    SIMPUL_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    Row r;
    for (int c = 0; c < st.ColumnCount(); ++c) r.emplace_back(st.ColumnName(c), st.Column(c));
    std::string region = Get(r, "village").empty() ? hub_region : Get(r, "village");
    int64_t ms = VersionMs(Get(r, "at"));
    if (a.json) {
      j.BeginObject();
      for (const auto& [k, v] : r) j.Field(k, v);
      j.Field("time", TimeIso(ms, region)).EndObject();
      continue;
    }
    std::cout << TimeText(a, ms, region) << "  " << Get(r, "source") << "  " << Get(r, "action");
    for (const char* k : {"village", "actor", "subject", "detail"})
      if (!Get(r, k).empty()) std::cout << "  " << k << "=" << Get(r, k);
    std::cout << "\n";
  }
  if (a.json) std::cout << j.EndArray().str() << "\n";
  else if (n == 0) std::cout << a.T("(none)\n");
  return Status::Ok();
}

}  // namespace simpul::hub::cli
