// Applications: the form's vocabularies (types and what each needs, the
// poverty indicators), the status board, one application with its history,
// checklist and letters, new / edit / submit, and the letter PDF to print.
#include "node/api/api_call.h"
#include "node/letters.h"
#include "node/ui_texts.h"
#include "node/web/page_strings.h"
#include "schema/dtks.h"
#include "schema/field_labels.h"
#include "schema/indicators.h"
#include "schema/local_time.h"
#include "schema/model.h"
#include "schema/rules_store.h"
#include "web/escape.h"
#include "web/security_headers.h"

namespace simpul::node::api {
namespace {

template <size_t N>
void WriteCodes(JsonWriter& j, Lang lang, const char* key, const schema::CodeLabel (&table)[N]) {
  j.Key(key).BeginArray();
  for (const auto& c : table)
    j.BeginObject().Field("code", c.code).Field("label", lang == Lang::kId ? c.label_id : c.label_en).EndObject();
  j.EndArray();
}

template <size_t N>
std::string Label(Lang lang, const schema::CodeLabel (&table)[N], const std::string& code) {
  const schema::CodeLabel* c = schema::FindCode(table, code);
  return c ? (lang == Lang::kId ? c->label_id : c->label_en) : code;
}

// Workflow events of the application still in the outbox: its submission
// has not reached Dinsos yet.
bool WaitingToSend(NodeStore& store, const std::string& app_id) {
  auto st = store.db().Cached(
      "SELECT 1 FROM outbox o JOIN events e ON o.tbl='events' AND o.row_id=e.id"
      " WHERE e.subject_id=? AND o.state='pending' LIMIT 1");
  if (!st.ok()) return false;
  (*st)->Bind(1, app_id);
  auto row = (*st)->Step();
  bool waiting = row.ok() && *row;
  (*st)->Reset();
  return waiting;
}

// The board's column of a status.
const char* Group(const std::string& status, bool waiting_to_send) {
  if (status == "draft") return "draft";
  if (status == "submitted" || status == "in_review") return waiting_to_send ? "to_send" : "at_dinsos";
  if (status == "returned") return "returned";
  if (status == "approved") return "approved";
  if (status == "letter_issued") return "letter";
  return "closed";  // rejected, withdrawn
}

// ms of "2026-12-06T14:05:09Z" (created_at), 0 when malformed.
int64_t UtcIsoMs(const std::string& iso) {
  int64_t day = 0;
  int h = 0, m = 0, s = 0;
  if (iso.size() < 20 || !schema::ParseDate(iso.substr(0, 10), schema::OfficeZone{"UTC", 0}, &day)) return 0;
  if (std::sscanf(iso.c_str() + 11, "%d:%d:%d", &h, &m, &s) != 3) return 0;
  return day + ((h * 60 + m) * 60 + s) * 1000LL;
}

// The indicator set of the new-application form: the store's default.
Result<schema::IndicatorSet> DefaultSet(NodeStore& store) {
  return LoadIndicatorSet(store, store.Meta("indicator_set_default"), 0);
}

// The answers "ans.<item>" of `body` for `set` (empty ones left out).
schema::Answers AnswersOf(const web::JsonObject& body, const schema::IndicatorSet& set) {
  schema::Answers answers;
  for (const auto& item : set.items)
    if (std::string v = body.String("ans." + item.code); !v.empty()) answers[item.code] = v;
  return answers;
}

void WriteSet(JsonWriter& j, Lang lang, const schema::IndicatorSet& set) {
  j.BeginObject().Field("set", set.id).Field("version", set.version).Field("title", set.title).Key("items").BeginArray();
  for (const auto& item : set.items) {
    j.BeginObject().Field("code", item.code).Field("text", lang == Lang::kId ? item.text_id : item.text_en);
    j.Key("options").BeginArray();
    for (const auto& o : item.options)
      j.BeginObject().Field("code", o.code).Field("label", lang == Lang::kId ? o.label_id : o.label_en).EndObject();
    j.EndArray().EndObject();
  }
  j.EndArray().EndObject();
}

// Creates or edits the application of `body`, and its answers, in one write.
web::HttpResponse SaveApplication(ApiCall& call, const std::string& existing_id) {
  auto body = Body(call);
  if (!body.ok()) return StatusReply(call, body.status());
  NodeStore& store = call.store();
  const bool creating = existing_id.empty();
  Options opts = FormOptions(Entity::kApplication, *body, "", /*keep_empty=*/!creating);
  if (!creating) {  // who and what are fixed once opened
    opts.erase("applicant");
    opts.erase("household");
    opts.erase("type");
    // An emptied text clears its field; an unchosen code changes nothing.
    for (auto it = opts.begin(); it != opts.end();)
      it = it->second.empty() && it->first != "purpose" && it->first != "device" && it->first != "notes"
               ? opts.erase(it) : std::next(it);
  } else {
    if (!opts.count("applicant"))
      return StatusReply(call, Status::InvalidArgument("applicant").WithMsg(MsgId::kFieldRequired,
                                                                            {Tr(call.lang, "Applicant")}),
                         "applicant_id");
    if (!opts.count("type"))
      return StatusReply(call, Status::InvalidArgument("type").WithMsg(MsgId::kFieldRequired, {Tr(call.lang, "Type")}),
                         "type");
  }
  auto txn = schema::Transaction::Begin(store.db());
  if (!txn.ok()) return StatusReply(call, txn.status());
  if (!creating) {
    // A field the page changes, sent with the value it showed
    // ("expected.FIELD"): changed meanwhile (another tab, Dinsos's edit
    // arriving by sync) is refused naming it, nothing written.
    auto row = ReadRecord(store, Entity::kApplication, existing_id);
    if (!row.ok()) return StatusReply(call, row.status());
    for (const auto& spec : EntityOptions(Entity::kApplication)) {
      const std::string field = spec.field, expected = "expected." + field, now = Col(*row, field);
      if (!body->IsString(expected) || !body->IsString(field) || body->String(field) == now) continue;
      if (body->String(expected) != now)
        return StatusReply(call, Status::Aborted(field + " changed meanwhile; nothing was written")
                                     .WithMsg(MsgId::kWebChangedMeanwhile,
                                              {schema::FieldLabel(call.lang, "applications", field), now}), field);
    }
  }
  auto written = creating ? CreateRecord(store, Entity::kApplication, opts)
                          : EditRecord(store, Entity::kApplication, existing_id, opts);
  if (!written.ok())
    return StatusReply(call, written.status(), FormField(Entity::kApplication, written.status().field()));
  // Answers are scored against the set the application already uses (or
  // the default one for a new application).
  std::string set_id = store.Meta("indicator_set_default");
  if (!creating)
    if (auto row = ReadRecord(store, Entity::kApplication, existing_id); row.ok() && !Col(*row, "indicator_set").empty())
      set_id = Col(*row, "indicator_set");
  auto set = LoadIndicatorSet(store, set_id, 0);
  if (!set.ok()) return StatusReply(call, set.status());
  schema::Answers answers = AnswersOf(*body, *set);
  if (!answers.empty()) {
    auto score = AnswerIndicators(store, written->id, "", answers);
    if (!score.ok()) return StatusReply(call, score.status(), "indicators");
  }
  if (Status st = txn->Commit(); !st.ok()) return StatusReply(call, st);
  JsonWriter j;
  j.BeginObject().Field("id", written->id).Key("warnings").BeginArray();
  for (const auto& w : written->warnings) j.String(Msg(call.lang, w.id, w.args));
  return JsonReply(creating ? 201 : 200, j.EndArray().EndObject().str());
}

}  // namespace

web::HttpResponse Forms(ApiCall& call) {
  // The newest rules: what a new application is submitted under. A type
  // asks for indicators when one of its rules (e.g. one per recommendation
  // kind) names an indicator set.
  auto rules = schema::NewestServiceRules(call.store().db());
  if (!rules.ok()) return StatusReply(call, rules.status());
  JsonWriter j;
  j.BeginObject().Key("types").BeginArray();
  for (const auto& t : schema::kApplicationTypes) {
    const schema::ServiceRule* rule = nullptr;
    for (const auto& r : rules->services)
      if (r.application_type == t.code && (!rule || !r.indicator_set.empty())) rule = &r;
    TypeNeeds n = NeedsOf(t.code, rule);
    j.BeginObject().Field("code", t.code).Field("label", call.lang == Lang::kId ? t.label_id : t.label_en);
    j.Key("needs").BeginObject().Field("applicant_nik", n.applicant_nik).Field("household_kk", n.household_kk)
        .Field("applicant_disability", n.applicant_disability).Field("purpose", n.purpose)
        .Field("service", n.service).Field("device", n.device).Field("indicators", n.indicators).EndObject();
    j.EndObject();
  }
  j.EndArray();
  WriteCodes(j, call.lang, "services", schema::kServiceTypes);
  WriteCodes(j, call.lang, "relations", schema::kRelations);
  WriteCodes(j, call.lang, "sexes", schema::kSexes);
  auto set = DefaultSet(call.store());
  if (!set.ok()) return StatusReply(call, set.status());
  j.Key("indicators");
  WriteSet(j, call.lang, *set);
  return JsonReply(200, j.EndObject().str());
}

web::HttpResponse Board(ApiCall& call) {
  NodeStore& store = call.store();
  ListFilter f;
  f.limit = 2000;
  auto apps = ListRecords(store, Entity::kApplication, f);
  if (!apps.ok()) return StatusReply(call, apps.status());
  JsonWriter j;
  j.BeginObject().Key("applications").BeginArray();
  // Newest first: ids are time-ordered (UUIDv7).
  for (auto it = apps->rbegin(); it != apps->rend(); ++it) {
    const Row& a = *it;
    const std::string id = Col(a, "id");
    auto events = ReadEvents(store, id);
    if (!events.ok()) return StatusReply(call, events.status());
    auto state = schema::FoldWorkflow(*events);
    bool waiting = WaitingToSend(store, id);
    int64_t since = events->empty() ? UtcIsoMs(Col(a, "created_at")) : VersionMs(events->back().at);
    std::string applicant;
    if (auto p = ReadRecord(store, Entity::kPerson, Col(a, "applicant_id")); p.ok()) applicant = Col(*p, "name");
    j.BeginObject().Field("id", id).Field("applicant_name", applicant).Field("type", Col(a, "type"))
        .Field("type_label", Label(call.lang, schema::kApplicationTypes, Col(a, "type")))
        .Field("status", state.status).Field("status_label", VillageStatusLabel(call.lang, state.status))
        .Field("group", Group(state.status, waiting)).Field("reason", state.last_reason)
        .Field("since", ShowTime(call, since)).Field("household_id", Col(a, "household_id"));
    if (state.status == "letter_issued") {
      auto letters = LettersOf(store, id);
      if (letters.ok() && !letters->empty())
        j.Key("letter").BeginObject().Field("number", letters->front().number)
            .Field("pdf_here", letters->front().pdf_here).Field("revoked", letters->front().revoked).EndObject();
    }
    j.EndObject();
  }
  return JsonReply(200, j.EndArray().EndObject().str());
}

web::HttpResponse ShowApplication(ApiCall& call) {
  NodeStore& store = call.store();
  const std::string id = call.Param("id");
  auto app = ReadRecord(store, Entity::kApplication, id);
  if (!app.ok()) return StatusReply(call, app.status());
  auto events = ReadEvents(store, id);
  if (!events.ok()) return StatusReply(call, events.status());
  auto state = schema::FoldWorkflow(*events);
  const bool editable = schema::VillageMayEdit(state.status);
  const bool waiting = WaitingToSend(store, id);
  JsonWriter j;
  j.BeginObject().Field("id", id).Field("type", Col(*app, "type"))
      .Field("type_label", Label(call.lang, schema::kApplicationTypes, Col(*app, "type")))
      .Field("status", state.status).Field("status_label", VillageStatusLabel(call.lang, state.status))
      .Field("group", Group(state.status, waiting)).Field("reason", state.last_reason)
      .Field("contested", state.contested).Field("editable", editable).Field("waiting_to_send", waiting);
  for (const char* col : {"purpose", "service_type", "device_kind", "notes", "household_id", "applicant_id",
                          "score_band", "indicator_set", "indicator_answers"})
    j.Field(col, Col(*app, col));
  j.Field("created", ShowTime(call, UtcIsoMs(Col(*app, "created_at"))));
  if (auto p = ReadRecord(store, Entity::kPerson, Col(*app, "applicant_id")); p.ok()) {
    j.Key("applicant").BeginObject().Field("name", Col(*p, "name")).Field("nik", Col(*p, "nik")).EndObject();
    // The applicant's DTKS row in the village's snapshot, offline.
    if (auto dtks = schema::LookupDtks(store.db(), Col(*p, "nik")); dtks.ok() && !Col(*p, "nik").empty())
      j.Field("dtks_text", schema::DescribeDtks(call.lang, *dtks));
  }
  // The score with its band's label, from the set version it was scored with.
  if (!Col(*app, "indicator_set").empty()) {
    auto set = LoadIndicatorSet(store, Col(*app, "indicator_set"), std::atoi(Col(*app, "indicator_version").c_str()));
    if (set.ok()) {
      std::string band = Col(*app, "score_band");
      for (const auto& b : set->bands)
        if (b.code == band) band = call.lang == Lang::kId ? b.label_id : b.label_en;
      j.Field("score", Col(*app, "score")).Field("score_band_label", band);
      j.Key("indicators");
      WriteSet(j, call.lang, *set);
    }
  }
  // The documents and the rule's checklist of them; a required one missing
  // is a problem like any other (Submit refuses it).
  std::vector<std::string> missing_docs;
  if (Status st = WriteDocuments(j, call, id, &missing_docs); !st.ok()) return StatusReply(call, st);
  j.Key("problems").BeginArray();
  if (editable) {
    auto problems = SubmissionProblems(store, id, call.lang);
    if (!problems.ok()) return StatusReply(call, problems.status());
    for (const auto& p : *problems) j.String(p);
    std::string kinds;
    for (const auto& k : missing_docs) kinds += (kinds.empty() ? "" : ", ") + k;
    if (!kinds.empty()) j.String(Msg(call.lang, MsgId::kSubmitMissingDocuments, {kinds}));
  }
  j.EndArray().Key("history").BeginArray();
  for (const auto& e : *events)
    j.BeginObject().Field("kind", e.kind).Field("label", VillageEventLabel(call.lang, e.kind))
        .Field("when", ShowTime(call, VersionMs(e.at)))
        .Field("by", e.actor_role == "village" ? Tr(call.lang, "village office") : Tr(call.lang, "Dinsos"))
        .Field("reason", e.reason).EndObject();
  j.EndArray().Key("letters").BeginArray();
  auto letters = LettersOf(store, id);
  if (!letters.ok()) return StatusReply(call, letters.status());
  for (const auto& l : *letters)
    j.BeginObject().Field("number", l.number).Field("issued", ShowTime(call, l.issued_at_ms))
        .Field("pdf_here", l.pdf_here).Field("revoked", l.revoked).Field("revoke_reason", l.revoke_reason).EndObject();
  return JsonReply(200, j.EndArray().EndObject().str());
}

web::HttpResponse NewApplication(ApiCall& call) { return SaveApplication(call, ""); }

web::HttpResponse EditApplication(ApiCall& call) { return SaveApplication(call, call.Param("id")); }

web::HttpResponse SubmitApplication(ApiCall& call) {
  const std::string id = call.Param("id");
  if (Status st = Submit(call.store(), id, call.lang); !st.ok()) return StatusReply(call, st);
  auto state = ApplicationState(call.store(), id);
  if (!state.ok()) return StatusReply(call, state.status());
  return JsonReply(200, JsonWriter().BeginObject().Field("id", id).Field("status", state->status)
                            .Field("status_label", VillageStatusLabel(call.lang, state->status)).EndObject().str());
}

web::HttpResponse GetLetterPdf(ApiCall& call) {
  NodeStore& store = call.store();
  const std::string id = call.Param("id");
  auto letters = LettersOf(store, id);
  if (!letters.ok()) return StatusReply(call, letters.status());
  if (letters->empty()) return ErrorReply(404, "not_found", Msg(call.lang, MsgId::kWebNotFound));
  auto pdf = LetterPdf(store, id);
  if (!pdf.ok()) {
    if (pdf.status().code() == Code::kUnavailable)
      return ErrorReply(503, "unavailable", Msg(call.lang, MsgId::kWebLetterNotArrived, {letters->front().number}));
    return StatusReply(call, pdf.status());
  }
  // Printed as the CLI's `letter get` prints: audited.
  AuditNow(store, "letter_printed", id, letters->front().number + " (web)");
  web::HttpResponse r(200, "application/pdf", std::move(pdf).value());
  r.Set("content-security-policy", web::kDocumentCsp);
  r.Set("content-disposition", web::ContentDisposition("inline", "surat-" + letters->front().number + ".pdf"));
  return r;
}

}  // namespace simpul::node::api
