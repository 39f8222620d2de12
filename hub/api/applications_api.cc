// The queue, the villages of the filter, and one application as its page
// shows it (audited: it shows a person's record).
#include <cmath>
#include <set>

#include "hub/api/api_call.h"
#include "hub/decision_rules.h"
#include "hub/duplicates.h"
#include "hub/history.h"
#include "hub/letters/issue.h"
#include "hub/operations.h"
#include "hub/queue.h"
#include "hub/rules.h"
#include "hub/score_check.h"
#include "hub/ui_texts.h"
#include "hub/web/page_strings.h"
#include "schema/dtks.h"
#include "schema/duplicates.h"
#include "schema/indicators.h"
#include "schema/local_time.h"
#include "schema/model.h"
#include "sync/blobs.h"

namespace simpul::hub::api {
namespace {

std::string Label(Lang lang, const schema::CodeLabel* c, const std::string& code) {
  return c ? (lang == Lang::kId ? c->label_id : c->label_en) : code;
}

// "6 Des 2026 14.05 WIB" in the zone of `village`'s office ("" for 0).
std::string When(Lang lang, int64_t ms, const std::string& village) {
  return ms > 0 ? schema::FormatShortDateTime(ms, schema::ZoneOfRegion(village), LangCode(lang)) : std::string();
}

void WriteItem(web::JsonWriter& j, const QueueItem& it, Lang lang, int64_t now_ms) {
  j.BeginObject().Field("id", it.id).Field("village", it.village).Field("village_name", it.village_name)
      .Field("type", it.type).Field("type_label", Label(lang, schema::FindCode(schema::kApplicationTypes, it.type), it.type))
      .Field("applicant_name", it.applicant_name).Field("status", it.status)
      .Field("status_label", StatusLabel(lang, it.status)).Field("letter_number", it.letter_number)
      .Field("since_text", When(lang, it.since_ms, it.village))
      .Field("waiting_ms", it.since_ms > 0 ? std::max<int64_t>(0, now_ms - it.since_ms) : 0)
      .Field("waiting_text", it.since_ms > 0 ? schema::FormatDuration(std::max<int64_t>(0, now_ms - it.since_ms),
                                                                        LangCode(lang))
                                             : std::string());
  if (it.has_score) j.Key("score").Number(it.score);
  // Waiting at Dinsos: for which stage, due when, overdue against its SLA.
  if (it.due_ms > 0)
    j.Field("next_stage", it.next_stage)
        .Field("next_stage_title", it.next_stage.empty() ? std::string(Tr(lang, "Decision"))
                                   : lang == Lang::kId ? it.next_stage_title_id : it.next_stage_title_en)
        .Field("due_text", When(lang, it.due_ms, it.village)).Field("overdue", it.due_ms < now_ms);
  j.EndObject();
}

}  // namespace

web::HttpResponse ListQueue(ApiCall& call) {
  QueueFilter f{call.req.Query("status"), call.req.Query("type"), call.req.Query("village"), call.req.Query("q")};
  f.kecamatan = call.req.Query("kecamatan");
  f.stage = call.req.Query("stage");
  auto limit = call.IntQuery("limit", f.limit, 1, 1000);
  if (!limit.ok()) return StatusReply(call, limit.status());
  f.limit = *limit;
  auto result = QueryQueue(call.store, f);
  if (!result.ok()) return StatusReply(call, result.status());
  web::JsonWriter j;
  j.BeginObject().Key("counts").BeginObject();
  int64_t all = 0;
  for (const auto& [status, n] : result->counts) {
    j.Field(status, n);
    all += n;
  }
  j.EndObject().Field("all", all).Field("matched", result->matched).Key("items").BeginArray();
  for (const auto& it : result->items) WriteItem(j, it, call.lang, call.now_ms);
  j.EndArray().EndObject();
  return JsonReply(200, j.str());
}

web::HttpResponse ListVillages(ApiCall& call) {
  auto villages = QueueVillages(call.store);
  if (!villages.ok()) return StatusReply(call, villages.status());
  web::JsonWriter j;
  j.BeginObject().Key("villages").BeginArray();
  for (const auto& [code, name] : *villages) j.BeginObject().Field("code", code).Field("name", name).EndObject();
  // Their kecamatan (the code's first three parts), named from the regions.
  j.EndArray().Key("kecamatan").BeginArray();
  std::set<std::string> kecamatan;
  for (const auto& v : *villages)
    if (v.first.size() > 8) kecamatan.insert(v.first.substr(0, 8));
  for (const auto& kec : kecamatan) {
    auto named = QueryRows(call.store, "SELECT name FROM regions WHERE code=?", {kec});
    j.BeginObject().Field("code", kec)
        .Field("name", named.ok() && !named->empty() ? RowText(named->front(), "name") : kec).EndObject();
  }
  // The stages of the service rules, each once, in the rules' order.
  j.EndArray().Key("stages").BeginArray();
  if (auto rules = CurrentRules(call.store); rules.ok()) {
    std::set<std::string> seen;
    for (const auto& rule : rules->services)
      for (const auto& s : rule.stages)
        if (seen.insert(s.code).second)
          j.BeginObject().Field("code", s.code)
              .Field("title", call.lang == Lang::kId ? s.title_id : s.title_en).EndObject();
  }
  j.EndArray().Key("types").BeginArray();
  for (const auto& t : schema::kApplicationTypes)
    j.BeginObject().Field("code", t.code).Field("label", Label(call.lang, &t, t.code)).EndObject();
  j.EndArray().Key("statuses").BeginArray();
  for (const char* s : kQueueStatuses)
    j.BeginObject().Field("code", s).Field("label", StatusLabel(call.lang, s)).EndObject();
  return JsonReply(200, j.EndArray().EndObject().str());
}

namespace {

Status WritePerson(web::JsonWriter& j, const Row& p, Lang lang) {
  j.BeginObject().Field("id", RowText(p, "id")).Field("name", RowText(p, "name")).Field("nik", RowText(p, "nik"))
      .Field("birth_place", RowText(p, "birth_place")).Field("birth_date", RowText(p, "birth_date"))
      .Field("sex", Label(lang, schema::FindCode(schema::kSexes, RowText(p, "sex")), RowText(p, "sex")))
      .Field("relation", Label(lang, schema::FindCode(schema::kRelations, RowText(p, "relation")), RowText(p, "relation")))
      .Field("phone", RowText(p, "phone")).Field("disability", RowText(p, "disability"))
      .EndObject();
  return Status::Ok();
}

Status WriteIndicators(web::JsonWriter& j, const Row& app, const ScoreCheck& check, Lang lang) {
  std::string set_id = RowText(app, "indicator_set"), version = RowText(app, "indicator_version");
  j.Key("indicators").BeginObject().Field("set", set_id).Field("version", version)
      .Field("score", RowText(app, "score")).Field("band", RowText(app, "score_band"));
  // The set the answers were given under (hub/score_check.h). A set a
  // standalone laptop loaded before its enrolment is not at the hub: the
  // score and band arrive, the set's titles do not.
  const std::optional<schema::IndicatorSet>& set = check.answered_under;
  // The rule's threshold, as the hub scores the answers (the approval asks
  // for an override reason when it is not met).
  j.Field("threshold_text", DescribeScoreCheck(lang, check))
      .Field("threshold_met", !check.standing.applies || check.standing.meets);
  if (set) {
    j.Field("title", set->title);
    for (const auto& b : set->bands)
      if (b.code == RowText(app, "score_band")) j.Field("band_label", lang == Lang::kId ? b.label_id : b.label_en);
  }
  j.Key("answers").BeginArray();
  auto answers = schema::DecodeAnswers(RowText(app, "indicator_answers"));
  if (answers.ok()) {
    for (const auto& [item, option] : *answers) {
      std::string question = item, answer = option;
      if (const schema::Indicator* ind = set ? set->Find(item) : nullptr) {
        question = lang == Lang::kId ? ind->text_id : ind->text_en;
        for (const auto& o : ind->options)
          if (o.code == option) answer = lang == Lang::kId ? o.label_id : o.label_en;
      }
      j.BeginObject().Field("item", item).Field("question", question).Field("answer", answer).EndObject();
    }
  }
  j.EndArray().EndObject();
  return Status::Ok();
}

// The applicant's DTKS row (the newest snapshot), the other records of the
// same NIK and the benefits it already holds (hub/duplicates.h): shown with
// the application, never merged. `override_needed`: approving it needs an
// override reason (CheckBenefitApproval's rule, asked before, not after).
Status WriteBeneficiary(web::JsonWriter& j, HubStore& store, const Row& app, const std::string& nik,
                        const ScoreCheck& score, Lang lang) {
  SIMPUL_ASSIGN_OR_RETURN(schema::DtksStatus dtks, schema::LookupDtks(store.db(), nik));
  j.Field("dtks_text", nik.empty() ? std::string() : schema::DescribeDtks(lang, dtks));
  SIMPUL_ASSIGN_OR_RETURN(auto others, schema::PersonsWithNik(store.db(), nik, RowText(app, "applicant_id")));
  j.Key("duplicates").BeginArray();
  for (const auto& p : others)
    j.BeginObject().Field("person_id", p.id).Field("village", p.village).Field("name", p.name)
        .Field("text", schema::DescribeDuplicate(lang, nik, p)).EndObject();
  j.EndArray();
  SIMPUL_ASSIGN_OR_RETURN(auto held, BenefitsHeld(store, app));
  j.Key("benefits_held").BeginArray();
  for (const auto& h : held)
    j.BeginObject().Field("application_id", h.app_id).Field("village", h.village)
        .Field("type_label", Label(lang, schema::FindCode(schema::kApplicationTypes, h.type), h.type))
        .Field("status_label", StatusLabel(lang, h.status)).EndObject();
  j.EndArray();
  const std::string type = RowText(app, "type");
  const bool pbi_active = (type == "pbi_jkn" || type == "pbi_apbd") && dtks.listed && dtks.pbi_status == schema::kPbiActive;
  const bool below = score.standing.applies && !score.standing.meets;
  j.Field("override_needed", !held.empty() || pbi_active || below);
  return Status::Ok();
}

Status WriteApplication(web::JsonWriter& j, ApiCall& call, const Row& app, const History& history) {
  const std::string id = RowText(app, "id"), village = RowText(app, "village");
  HubStore& store = call.store;
  Lang lang = call.lang;
  SIMPUL_ASSIGN_OR_RETURN(auto region, QueryRows(store, "SELECT name FROM regions WHERE code=?", {village}));
  j.BeginObject().Field("id", id).Field("village", village)
      .Field("village_name", region.empty() ? std::string() : RowText(region[0], "name"))
      .Field("zone", schema::ZoneOfRegion(village).name).Field("type", RowText(app, "type"))
      .Field("type_label", Label(lang, schema::FindCode(schema::kApplicationTypes, RowText(app, "type")), RowText(app, "type")))
      .Field("service_type", RowText(app, "service_type")).Field("purpose", RowText(app, "purpose"))
      .Field("notes", RowText(app, "notes")).Field("dtks_status", RowText(app, "dtks_status"))
      .Field("dtks_desil", RowText(app, "dtks_desil")).Field("letter_number", RowText(app, "letter_number"))
      .Field("status", history.state.status).Field("status_label", StatusLabel(lang, history.state.status))
      .Field("head", history.state.head).Field("contested", history.state.contested)
      .Field("waiting_text", history.since_ms > 0
                                 ? schema::FormatDuration(std::max<int64_t>(0, call.now_ms - history.since_ms), LangCode(lang))
                                 : std::string());
  // Applicant and household.
  j.Key("applicant");
  auto applicant = ReadRow(store, "persons", RowText(app, "applicant_id"));
  if (applicant.ok()) SIMPUL_RETURN_IF_ERROR(WritePerson(j, *applicant, lang));
  else j.Null();
  // The score against the rule's threshold: shown with the indicators, and
  // part of whether approving needs an override reason.
  SIMPUL_ASSIGN_OR_RETURN(ScoreCheck score, CheckScore(store, app));
  SIMPUL_RETURN_IF_ERROR(
      WriteBeneficiary(j, store, app, applicant.ok() ? RowText(*applicant, "nik") : "", score, lang));
  j.Key("household");
  auto household = ReadRow(store, "households", RowText(app, "household_id"));
  if (household.ok()) {
    j.BeginObject().Field("id", RowText(*household, "id")).Field("no_kk", RowText(*household, "no_kk"))
        .Field("address", RowText(*household, "address")).Field("rt", RowText(*household, "rt"))
        .Field("rw", RowText(*household, "rw")).Key("members").BeginArray();
    SIMPUL_ASSIGN_OR_RETURN(auto members, QueryRows(store, "SELECT * FROM persons WHERE household_id=? AND deleted=0"
                                                           " ORDER BY relation, name", {RowText(*household, "id")}));
    for (const auto& m : members) SIMPUL_RETURN_IF_ERROR(WritePerson(j, m, lang));
    j.EndArray().EndObject();
  } else {
    j.Null();
  }
  SIMPUL_RETURN_IF_ERROR(WriteIndicators(j, app, score, lang));
  SIMPUL_RETURN_IF_ERROR(WriteConflicts(j, call, app));
  // History: who and when (the writer's clock and the hub's receipt).
  j.Key("history").BeginArray();
  for (const auto& e : history.entries) {
    std::string who = e.by_hub ? (e.person.empty() ? Tr(lang, "Dinsos") : e.person)
                               : std::string(Tr(lang, "village office")) + " " +
                                     (region.empty() ? village : RowText(region[0], "name"));
    j.BeginObject().Field("kind", e.event.kind).Field("label", EventLabel(lang, e.event.kind)).Field("by_hub", e.by_hub)
        .Field("who", who).Field("role", e.event.actor_role).Field("reason", e.reason)
        .Field("at_text", When(lang, e.at_ms, village))
        .Field("received_text", std::llabs(e.received_ms - e.at_ms) > 10 * 60 * 1000 ? When(lang, e.received_ms, village)
                                                                                      : std::string())
        .EndObject();
  }
  j.EndArray();
  // Documents, viewable when the hub holds them whole.
  SIMPUL_ASSIGN_OR_RETURN(auto docs, QueryRows(store, "SELECT id,kind,filename,media_type,sha256,size FROM attachments"
                                                      " WHERE application_id=? AND deleted=0 ORDER BY rowid", {id}));
  j.Key("documents").BeginArray();
  for (const auto& d : docs) {
    std::string sha = RowText(d, "sha256");
    j.BeginObject().Field("id", RowText(d, "id")).Field("kind", RowText(d, "kind"))
        .Field("kind_label", Label(lang, schema::FindCode(schema::kAttachmentKinds, RowText(d, "kind")), RowText(d, "kind")))
        .Field("filename", RowText(d, "filename")).Field("media_type", RowText(d, "media_type"))
        .Field("size", static_cast<int64_t>(std::atoll(RowText(d, "size").c_str())))
        .Field("received", sync::IsSha256Hex(sha) && store.blobs().Has(sha)).EndObject();
  }
  j.EndArray();
  SIMPUL_ASSIGN_OR_RETURN(auto letters, LettersOf(store, id));
  j.Key("letters").BeginArray();
  for (const auto& l : letters)
    j.BeginObject().Field("id", l.id).Field("number", l.number).Field("issued_text", When(lang, l.issued_at_ms, village))
        .EndObject();
  j.EndArray();
  // The rule's stages; what the signed-in role may do now (no approval
  // while a stage is missing; the next stage to the role it names).
  SIMPUL_ASSIGN_OR_RETURN(std::optional<schema::StageRule> next, WriteStages(j, call, app, history));
  std::vector<schema::WorkflowEvent> events;
  for (const auto& e : history.entries) events.push_back(e.event);
  j.Key("actions").BeginArray();
  for (const auto& a : AvailableActions(call.role(), events, next ? &*next : nullptr)) j.String(a);
  j.EndArray().EndObject();
  return Status::Ok();
}

}  // namespace

web::HttpResponse ShowApplication(ApiCall& call) {
  const std::string id = call.Param("id");
  auto app = ReadRow(call.store, "applications", id);
  if (!app.ok()) return StatusReply(call, app.status());
  if (RowText(*app, "deleted") == "1")
    return StatusReply(call, Status::NotFound("no application " + id).WithMsg(MsgId::kNotFoundId, {"@applications", id}));
  auto history = ReadHistory(call.store, id);
  if (!history.ok()) return StatusReply(call, history.status());
  // Showing an application shows its applicant's personal data: audited,
  // as `simpul-hub application show` does.
  if (Status st = AuditNow(call.store, "read_person", RowText(*app, "village"), RowText(*app, "applicant_id"),
                           "application " + id + " (web)");
      !st.ok())
    return StatusReply(call, st);
  web::JsonWriter j;
  if (Status st = WriteApplication(j, call, *app, *history); !st.ok()) return StatusReply(call, st);
  return JsonReply(200, j.str());
}

}  // namespace simpul::hub::api
