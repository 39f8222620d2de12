#include "schema/case_store.h"

#include "schema/messages.h"

namespace simpul::schema {
namespace {

constexpr const char* kCaseColumns =
    "SELECT id,village,case_number,category,urgency,description,person_id,household_id,created_at FROM complaints";

Result<CaseView> FromRow(Db& db, Stmt& st, int64_t now_ms) {
  CaseView c;
  c.id = st.Text(0);
  c.village = st.Text(1);
  c.number = st.IsNullAt(2) ? "" : st.Text(2);
  c.category = st.Text(3);
  c.urgency = st.IsNullAt(4) ? "normal" : st.Text(4);
  c.description = st.Text(5);
  c.person_id = st.Text(6);
  c.household_id = st.Text(7);
  c.created_at = st.Text(8);
  SIMPUL_ASSIGN_OR_RETURN(auto events, ReadCaseEvents(db, c.id));
  c.state = FoldCase(std::move(events));
  c.opened_ms = ParseUtcIso(c.created_at).value_or(0);
  SetCaseOpened(&c, c.opened_ms, now_ms);
  return c;
}

}  // namespace

void SetCaseOpened(CaseView* c, int64_t opened_ms, int64_t now_ms) {
  c->opened_ms = opened_ms;
  c->due_ms = CaseDueMs(opened_ms, c->urgency, ZoneOfRegion(c->village));
  c->overdue = CaseOverdue(c->state, c->due_ms, now_ms);
}

Result<std::vector<CaseEvent>> ReadCaseEvents(Db& db, const std::string& case_id) {
  SIMPUL_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT id,kind,actor,actor_role,operator,at,at_ms,after,facilitator,partner,partner_name,note,outcome"
      " FROM case_events WHERE case_id=?"));
  st.Bind(1, case_id);
  std::vector<CaseEvent> out;
  for (;;) {
    SIMPUL_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    CaseEvent e;
    e.id = st.Text(0);
    e.kind = st.Text(1);
    e.actor = st.Text(2);
    e.actor_role = st.Text(3);
    e.operator_name = st.Text(4);
    e.at = st.Text(5);
    e.at_ms = st.IsNullAt(6) ? 0 : st.Int(6);
    if (!st.IsNullAt(7)) e.after = st.Text(7);
    e.facilitator = st.Text(8);
    e.partner = st.Text(9);
    e.partner_name = st.Text(10);
    e.note = st.Text(11);
    e.outcome = st.Text(12);
    out.push_back(std::move(e));
  }
  return out;
}

Result<CaseView> LoadCase(Db& db, const std::string& id, int64_t now_ms) {
  SIMPUL_ASSIGN_OR_RETURN(auto st, db.Prepare(std::string(kCaseColumns) + " WHERE id=? AND deleted=0"));
  st.Bind(1, id);
  SIMPUL_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row)
    return Status::NotFound("case " + id + " not found").WithField("id").WithMsg(MsgId::kNotFoundId, {"@complaints", id});
  return FromRow(db, st, now_ms);
}

Result<std::vector<CaseView>> LoadCases(Db& db, const CaseQuery& q, int64_t now_ms) {
  std::string sql = std::string(kCaseColumns) + " WHERE deleted=0";
  std::vector<std::string> binds;
  if (!q.village.empty()) {
    sql += " AND village=?";
    binds.push_back(q.village);
  }
  if (!q.category.empty()) {
    sql += " AND category=?";
    binds.push_back(q.category);
  }
  SIMPUL_ASSIGN_OR_RETURN(auto st, db.Prepare(sql + " ORDER BY id"));
  for (size_t i = 0; i < binds.size(); ++i) st.Bind(static_cast<int>(i) + 1, binds[i]);
  std::vector<CaseView> out;
  for (;;) {
    SIMPUL_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    SIMPUL_ASSIGN_OR_RETURN(CaseView c, FromRow(db, st, now_ms));
    if (!q.status.empty() && c.state.status != q.status) continue;
    if (q.open_only && IsCaseSettled(c.state.status)) continue;
    if (q.overdue_only && !c.overdue) continue;
    out.push_back(std::move(c));
  }
  return out;
}

void WriteCaseJson(JsonWriter& j, const CaseView& c, bool brief) {
  const OfficeZone zone = ZoneOfRegion(c.village);
  auto iso = [&](int64_t ms) { return ms > 0 ? FormatIso(ms, zone) : std::string(); };
  j.BeginObject().Field("id", c.id).Field("number", c.number).Field("number_pending", c.number.empty())
      .Field("village", c.village).Field("category", c.category).Field("urgency", c.urgency)
      .Field("status", c.state.status).Field("facilitator", c.state.facilitator)
      .Field("opened", iso(c.opened_ms)).Field("due", iso(c.due_ms)).Field("overdue", c.overdue)
      .Field("zone", zone.name);
  if (brief) {
    j.EndObject();
    return;
  }
  j.Field("description", c.description).Field("person_id", c.person_id).Field("household_id", c.household_id)
      .Field("resolution", c.state.resolution).Field("resolved", iso(c.state.resolved_at_ms))
      .Field("closed", iso(c.state.closed_at_ms));
  j.Key("referrals").BeginArray();
  for (const auto& r : c.state.referrals)
    j.BeginObject().Field("partner", r.partner).Field("partner_name", r.partner_name).Field("note", r.note)
        .Field("outcome", r.outcome).Field("time", iso(r.at_ms)).EndObject();
  j.EndArray().Key("history").BeginArray();
  for (const auto& e : c.state.history)
    j.BeginObject().Field("id", e.id).Field("kind", e.kind).Field("time", iso(e.at_ms)).Field("at", e.at)
        .Field("actor_role", e.actor_role).Field("operator", e.operator_name).Field("facilitator", e.facilitator)
        .Field("partner", e.partner).Field("partner_name", e.partner_name).Field("note", e.note)
        .Field("outcome", e.outcome).EndObject();
  j.EndArray().Key("anomalies").BeginArray();
  for (const auto& a : c.state.anomalies) j.String(a);
  j.EndArray().EndObject();
}

}  // namespace simpul::schema
