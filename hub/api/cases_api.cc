// B'DESUT cases at Dinsos (docs/API.md "Cases"): the inbox by due time, one
// case with its history and the steps the role may take now, the steps
// themselves, and the front office's walk-in case. Everything goes through
// hub/cases.h, the same functions `simpul-hub case ...` calls.
//
// A step carries the head of the case as the page showed it
// (expected_head): a case that changed since is refused (409, nothing
// written) with what happened meanwhile, as stale decisions are.
#include <map>
#include <span>

#include "hub/api/api_call.h"
#include "hub/cases.h"
#include "hub/operations.h"
#include "hub/ui_texts.h"
#include "schema/local_time.h"
#include "schema/model.h"
#include "schema/validate.h"

namespace simpul::hub::api {
namespace {

std::string Label(Lang lang, const schema::CodeLabel* c, const std::string& code) {
  return c ? (lang == Lang::kId ? c->label_id : c->label_en) : code;
}

std::string When(Lang lang, int64_t ms, const std::string& village) {
  return ms > 0 ? schema::FormatShortDateTime(ms, schema::ZoneOfRegion(village), LangCode(lang)) : std::string();
}

// Village names, read once per request.
class VillageNames {
 public:
  explicit VillageNames(HubStore& store) : store_(store) {}
  const std::string& Of(const std::string& code) {
    auto it = names_.find(code);
    if (it != names_.end()) return it->second;
    auto rows = QueryRows(store_, "SELECT name FROM regions WHERE code=?", {code});
    return names_[code] = rows.ok() && !rows->empty() ? RowText(rows->front(), "name") : std::string();
  }

 private:
  HubStore& store_;
  std::map<std::string, std::string> names_;
};

// The page's names for the CLI's options (hub/cases.h validates as the CLI
// does and names its options).
struct CaseFieldLabel {
  const char* option;
  const char* en;
};
constexpr CaseFieldLabel kCaseFieldLabels[] = {
    {"--facilitator", "Facilitator"}, {"--partner", "Partner"},     {"--partner-name", "Partner's name"},
    {"--text", "Note"},               {"--note", "Note"},           {"--resolution", "Resolution"},
    {"--reason", "Reason"},           {"--outcome", "Outcome"},     {"--village", "Village code"},
    {"--category", "Category"},       {"--urgency", "Urgency"},     {"--description", "What was reported"},
};

// The body field a CLI option is sent as.
std::string BodyField(const std::string& option) {
  if (option == "--text" || option == "--resolution" || option == "--reason") return "note";
  std::string f = option.substr(option.rfind("--", 0) == 0 ? 2 : 0);
  for (char& ch : f)
    if (ch == '-') ch = '_';
  return f;
}

// A validation error of hub/cases.h as the page says it: the field's label
// instead of the CLI's option, the body's field name.
Status ForPage(Lang lang, Status st) {
  if (st.field().rfind("--", 0) != 0) return st;
  const std::string option = st.field();
  std::string label = option;
  for (const auto& l : kCaseFieldLabels)
    if (option == l.option) label = Tr(lang, l.en);
  Status out = Status(st).WithField(BodyField(option));
  if (!st.msg_id()) return out;
  if (*st.msg_id() == MsgId::kMissingOption) return std::move(out).WithMsg(MsgId::kFieldRequired, {label});
  std::vector<std::string> args = st.args();
  for (auto& a : args)
    if (a == option) a = label;
  return std::move(out).WithMsg(*st.msg_id(), args);
}

// The fields a list shows, inside the caller's object.
void WriteBriefFields(web::JsonWriter& j, const schema::CaseView& c, Lang lang, VillageNames& names, int64_t now) {
  j.Field("id", c.id).Field("number", c.number).Field("village", c.village)
      .Field("village_name", names.Of(c.village)).Field("category", c.category)
      .Field("category_label", Label(lang, schema::FindCode(schema::kComplaintCategories, c.category), c.category))
      .Field("urgency", c.urgency)
      .Field("urgency_label", Label(lang, schema::FindCode(schema::kUrgencies, c.urgency), c.urgency))
      .Field("status", c.state.status).Field("status_label", CaseStatusLabel(lang, c.state.status))
      .Field("facilitator", c.state.facilitator).Field("opened_text", When(lang, c.opened_ms, c.village))
      .Field("due_text", When(lang, c.due_ms, c.village)).Field("overdue", c.overdue)
      .Field("zone", schema::ZoneOfRegion(c.village).name)
      .Field("overdue_text", c.overdue ? schema::FormatDuration(now - c.due_ms, LangCode(lang)) : std::string());
}

void WriteOptions(web::JsonWriter& j, const char* key, Lang lang, std::span<const schema::CodeLabel> table) {
  j.Key(key).BeginArray();
  for (const auto& c : table) j.BeginObject().Field("code", c.code).Field("label", Label(lang, &c, c.code)).EndObject();
  j.EndArray();
}

web::HttpResponse CaseReply(ApiCall& call, const std::string& id, int status) {
  auto c = LoadHubCase(call.store, id);
  if (!c.ok()) return StatusReply(call, c.status());
  const Lang lang = call.lang;
  const int64_t now = static_cast<int64_t>(call.store.NowMs());
  VillageNames names(call.store);
  web::JsonWriter j;
  j.BeginObject().Key("case").BeginObject();
  WriteBriefFields(j, *c, lang, names, now);
  j.Field("description", c->description).Field("resolution", c->state.resolution).Field("head", c->state.head)
      .Field("opened_ago", c->opened_ms > 0 ? schema::FormatAgo(c->opened_ms, now, LangCode(lang)) : std::string());
  j.EndObject().Key("referrals").BeginArray();
  for (const auto& r : c->state.referrals)
    j.BeginObject().Field("partner", r.partner)
        .Field("partner_label", Label(lang, schema::FindCode(schema::kCasePartners, r.partner), r.partner))
        .Field("partner_name", r.partner_name).Field("note", r.note).Field("outcome", r.outcome)
        .Field("at_text", When(lang, r.at_ms, c->village)).EndObject();
  j.EndArray().Key("history").BeginArray();
  for (const auto& e : c->state.history) {
    std::string who = e.actor_role == "hub" ? (e.operator_name.empty() ? Tr(lang, "Dinsos") : e.operator_name)
                                            : std::string(Tr(lang, "village office")) + " " + names.Of(c->village);
    j.BeginObject().Field("kind", e.kind).Field("label", CaseStepLabel(lang, e.kind)).Field("who", who)
        .Field("at_text", When(lang, e.at_ms, c->village)).Field("facilitator", e.facilitator)
        .Field("partner_label", e.partner.empty() ? std::string()
                                                  : Label(lang, schema::FindCode(schema::kCasePartners, e.partner), e.partner))
        .Field("partner_name", e.partner_name).Field("note", e.note).Field("outcome", e.outcome).EndObject();
  }
  j.EndArray().Key("anomalies").BeginArray();
  for (const auto& a : c->state.anomalies) j.String(a);
  // The steps this role may take now (every step needs what `simpul-hub
  // case assign` etc. need).
  j.EndArray().Key("steps").BeginArray();
  if (sync::RoleAllows(call.role(), sync::Permission::kReview))
    for (const auto& s : schema::AllowedCaseSteps(c->state)) j.String(s);
  j.EndArray();
  WriteOptions(j, "partners", lang, schema::kCasePartners);
  j.EndObject();
  return JsonReply(status, j.str());
}

// Filters of the list, checked (a typo must not read as "no cases").
Result<schema::CaseQuery> Filters(const ApiCall& call) {
  schema::CaseQuery q;
  q.village = call.req.Query("village");
  q.status = call.req.Query("status");
  q.category = call.req.Query("category");
  q.overdue_only = call.req.Query("overdue") == "1";
  if (!q.status.empty())
    SIMPUL_RETURN_IF_ERROR(schema::CheckEnum("status", q.status, schema::kCaseStatusList,
                                             schema::IsKnownCaseStatus(q.status)));
  if (!q.category.empty())
    SIMPUL_RETURN_IF_ERROR(schema::CheckEnum("category", q.category, schema::ListCodes(schema::kComplaintCategories),
                                             schema::FindCode(schema::kComplaintCategories, q.category) != nullptr));
  SIMPUL_RETURN_IF_ERROR(schema::CheckLength("village", q.village, 20));
  return q;
}


}  // namespace

web::HttpResponse ListCases(ApiCall& call) {
  auto q = Filters(call);
  if (!q.ok()) return StatusReply(call, q.status());
  const bool all = call.req.Query("view") == "all";
  auto cases = all ? LoadHubCases(call.store, *q) : LoadCaseInbox(call.store, *q);
  if (!cases.ok()) return StatusReply(call, cases.status());
  const int64_t now = static_cast<int64_t>(call.store.NowMs());
  VillageNames names(call.store);
  int overdue = 0;
  web::JsonWriter j;
  j.BeginObject().Field("view", all ? "all" : "inbox").Key("items").BeginArray();
  for (const auto& c : *cases) {
    j.BeginObject();
    WriteBriefFields(j, c, call.lang, names, now);
    j.EndObject();
    overdue += c.overdue ? 1 : 0;
  }
  j.EndArray().Field("matched", static_cast<int64_t>(cases->size())).Field("overdue", overdue);
  WriteOptions(j, "categories", call.lang, schema::kComplaintCategories);
  WriteOptions(j, "urgencies", call.lang, schema::kUrgencies);
  WriteOptions(j, "partners", call.lang, schema::kCasePartners);
  j.Key("statuses").BeginArray();
  for (const char* s : {"received", "assigned", "referred", "in_progress", "resolved", "closed"})
    j.BeginObject().Field("code", s).Field("label", CaseStatusLabel(call.lang, s)).EndObject();
  j.EndArray().Field("may_open", sync::RoleAllows(call.role(), sync::Permission::kReview));
  return JsonReply(200, j.EndObject().str());
}

web::HttpResponse ShowCase(ApiCall& call) { return CaseReply(call, call.Param("id"), 200); }

web::HttpResponse OpenWalkInCase(ApiCall& call) {
  auto body = JsonBody(call);
  if (!body.ok()) return StatusReply(call, body.status());
  NewCase c{body->String("village"), body->String("category"),
            body->IsString("urgency") && !body->String("urgency").empty() ? body->String("urgency") : "normal",
            body->String("description")};
  auto id = OpenCase(call.store, c);
  if (!id.ok()) return StatusReply(call, ForPage(call.lang, id.status()));
  return CaseReply(call, *id, 201);
}

web::HttpResponse TakeCaseStep(ApiCall& call) {
  const std::string id = call.Param("id"), kind = call.Param("step");
  if (!schema::IsKnownCaseStep(kind))
    return StatusReply(call, Status::NotFound("unknown step " + kind).WithMsg(MsgId::kWebActionUnknown, {kind}));
  auto body = JsonBody(call);
  if (!body.ok()) return StatusReply(call, body.status());
  if (!body->IsString("expected_head"))
    return StatusReply(call, Status::InvalidArgument("expected_head is required")
                                 .WithField("expected_head")
                                 .WithMsg(MsgId::kFieldRequired, {"expected_head"}));
  const std::string expected = body->String("expected_head");
  schema::CaseEvent step;
  step.kind = kind;
  step.facilitator = body->String("facilitator");
  step.partner = body->String("partner");
  step.partner_name = body->String("partner_name");
  step.note = body->String("note");
  step.outcome = body->String("outcome");
  auto done = RecordHubCaseStep(call.store, id, step, &expected);
  if (!done.ok()) {
    const Status& st = done.status();
    if (st.code() != Code::kAborted) return StatusReply(call, ForPage(call.lang, st));
    // Changed since it was shown: the case as it is now, under the error.
    auto now = LoadHubCase(call.store, id);
    std::string label = now.ok() ? CaseStatusLabel(call.lang, now->state.status) : std::string();
    std::string number = now.ok() && !now->number.empty() ? now->number : id;
    return ErrorReply(409, ApiCodeName(st.code()), Msg(call.lang, MsgId::kCaseStale, {number, label}), "expected_head");
  }
  return CaseReply(call, id, 200);
}

}  // namespace simpul::hub::api
