// Cases (B'DESUT) at the village: the village's cases by due time (open
// ones first, overdue ones flagged), a new case, one case with its steps and
// follow-up notes, and a follow-up note. Everything goes through what
// `simpul-node case ...` calls: CreateRecord(Entity::kComplaint) for a new
// case, node/cases.h RecordCaseStep for a note, schema/case_store.h to read.
#include <algorithm>

#include "node/api/api_call.h"
#include "node/cases.h"
#include "node/ui_texts.h"
#include "node/web/page_strings.h"
#include "schema/case_store.h"
#include "schema/local_time.h"
#include "schema/model.h"

namespace simpul::node::api {
namespace {

template <size_t N>
std::string Label(Lang lang, const schema::CodeLabel (&table)[N], const std::string& code) {
  const schema::CodeLabel* c = schema::FindCode(table, code);
  return c ? (lang == Lang::kId ? c->label_id : c->label_en) : code;
}

template <size_t N>
void WriteCodes(JsonWriter& j, Lang lang, const char* key, const schema::CodeLabel (&table)[N]) {
  j.Key(key).BeginArray();
  for (const auto& c : table)
    j.BeginObject().Field("code", c.code).Field("label", lang == Lang::kId ? c.label_id : c.label_en).EndObject();
  j.EndArray();
}

std::string PersonName(NodeStore& store, const std::string& id) {
  if (id.empty()) return {};
  auto st = store.db().Prepare("SELECT name FROM persons WHERE id=?");
  if (!st.ok()) return {};
  st->Bind(1, id);
  auto row = st->Step();
  return row.ok() && *row ? st->Text(0) : std::string();
}

// The fields a list shows, inside the caller's object: times in the
// office's zone, the due time and how late in words.
void WriteBrief(ApiCall& call, JsonWriter& j, const schema::CaseView& c, int64_t now) {
  const Lang lang = call.lang;
  const std::string code = web::LangCode(lang);
  const auto zone = schema::ZoneOfRegion(c.village);
  j.Field("id", c.id).Field("number", c.number).Field("category", c.category)
      .Field("category_label", Label(lang, schema::kComplaintCategories, c.category)).Field("urgency", c.urgency)
      .Field("urgency_label", Label(lang, schema::kUrgencies, c.urgency)).Field("status", c.state.status)
      .Field("status_label", VillageCaseStatusLabel(lang, c.state.status))
      .Field("settled", schema::IsCaseSettled(c.state.status))
      .Field("person_name", PersonName(call.store(), c.person_id))
      .Field("opened_text", c.opened_ms > 0 ? schema::FormatShortDateTime(c.opened_ms, zone, code) : std::string())
      .Field("due_text", c.due_ms > 0 ? schema::FormatShortDateTime(c.due_ms, zone, code) : std::string())
      .Field("overdue", c.overdue)
      .Field("overdue_text", c.overdue ? schema::FormatDuration(now - c.due_ms, code) : std::string());
}

web::HttpResponse CaseReply(ApiCall& call, const std::string& id, int status) {
  NodeStore& store = call.store();
  const int64_t now = static_cast<int64_t>(store.NowMs());
  auto c = schema::LoadCase(store.db(), id, now);
  if (!c.ok()) return StatusReply(call, c.status());
  const Lang lang = call.lang;
  const std::string code = web::LangCode(lang);
  const auto zone = schema::ZoneOfRegion(c->village);
  auto when = [&](int64_t ms) { return ms > 0 ? schema::FormatShortDateTime(ms, zone, code) : std::string(); };
  JsonWriter j;
  j.BeginObject();
  WriteBrief(call, j, *c, now);
  j.Field("description", c->description).Field("facilitator", c->state.facilitator)
      .Field("resolution", c->state.resolution)
      .Field("opened_ago", c->opened_ms > 0 ? schema::FormatAgo(c->opened_ms, now, code) : std::string());
  j.Key("referrals").BeginArray();
  for (const auto& r : c->state.referrals)
    j.BeginObject().Field("partner_label", Label(lang, schema::kCasePartners, r.partner))
        .Field("partner_name", r.partner_name).Field("note", r.note).Field("outcome", r.outcome)
        .Field("at_text", when(r.at_ms)).EndObject();
  j.EndArray().Key("history").BeginArray();
  for (const auto& e : c->state.history) {
    std::string who = e.actor_role == "hub" ? std::string(Tr(lang, "Dinsos")) : std::string(Tr(lang, "village office"));
    if (!e.operator_name.empty()) who += " (" + e.operator_name + ")";
    j.BeginObject().Field("kind", e.kind).Field("label", VillageCaseStepLabel(lang, e.kind)).Field("who", who)
        .Field("at_text", when(e.at_ms)).Field("facilitator", e.facilitator)
        .Field("partner_label", e.partner.empty() ? std::string() : Label(lang, schema::kCasePartners, e.partner))
        .Field("partner_name", e.partner_name).Field("note", e.note).Field("outcome", e.outcome).EndObject();
  }
  j.EndArray();
  // A note is what the village adds here; the steps themselves are taken
  // at Dinsos or with `simpul-node case ...`.
  auto allowed = schema::AllowedCaseSteps(c->state);
  j.Field("may_note", sync::RoleAllows(call.session->role, sync::Permission::kRecord) &&
                          std::find(allowed.begin(), allowed.end(), "noted") != allowed.end());
  return JsonReply(status, j.EndObject().str());
}

// A refusal of RecordCaseStep as the page says it: the note's field, not
// the CLI's option.
Status ForPage(Lang lang, Status st) {
  if (st.field() != "--text" && st.field() != "--note") return st;
  Status out = Status(st).WithField("note");
  if (st.msg_id() == MsgId::kMissingOption) return std::move(out).WithMsg(MsgId::kFieldRequired, {Tr(lang, "Note")});
  return out;
}

}  // namespace

web::HttpResponse ListCases(ApiCall& call) {
  NodeStore& store = call.store();
  const int64_t now = static_cast<int64_t>(store.NowMs());
  schema::CaseQuery q;
  q.village = store.village();
  auto cases = schema::LoadCases(store.db(), q, now);
  if (!cases.ok()) return StatusReply(call, cases.status());
  // Open cases first, soonest due first; then the settled ones, latest first.
  std::stable_sort(cases->begin(), cases->end(), [](const schema::CaseView& a, const schema::CaseView& b) {
    bool sa = schema::IsCaseSettled(a.state.status), sb = schema::IsCaseSettled(b.state.status);
    if (sa != sb) return !sa;
    return sa ? a.due_ms > b.due_ms : a.due_ms < b.due_ms;
  });
  int overdue = 0;
  JsonWriter j;
  j.BeginObject().Key("items").BeginArray();
  for (const auto& c : *cases) {
    j.BeginObject();
    WriteBrief(call, j, c, now);
    j.EndObject();
    overdue += c.overdue ? 1 : 0;
  }
  j.EndArray().Field("overdue", overdue);
  WriteCodes(j, call.lang, "categories", schema::kComplaintCategories);
  WriteCodes(j, call.lang, "urgencies", schema::kUrgencies);
  return JsonReply(200, j.EndObject().str());
}

web::HttpResponse OpenCase(ApiCall& call) {
  auto body = Body(call);
  if (!body.ok()) return StatusReply(call, body.status());
  // The form's fields are the complaints columns, as `case open` takes them.
  Options opts = FormOptions(Entity::kComplaint, *body, "");
  auto written = CreateRecord(call.store(), Entity::kComplaint, opts);
  if (!written.ok())
    return StatusReply(call, written.status(), FormField(Entity::kComplaint, written.status().field()));
  return CaseReply(call, written->id, 201);
}

web::HttpResponse ShowCase(ApiCall& call) { return CaseReply(call, call.Param("id"), 200); }

web::HttpResponse AddCaseNote(ApiCall& call) {
  auto body = Body(call);
  if (!body.ok()) return StatusReply(call, body.status());
  const std::string id = call.Param("id");
  schema::CaseEvent step;
  step.kind = "noted";
  step.note = body->String("note");
  auto done = RecordCaseStep(call.store(), id, step);
  if (!done.ok()) return StatusReply(call, ForPage(call.lang, done.status()));
  return CaseReply(call, id, 201);
}

}  // namespace simpul::node::api
