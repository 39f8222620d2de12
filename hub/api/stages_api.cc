// The stages of an application's service rule on its page: each with passed
// or missing, and who passed it when (in the office's zone); the next one,
// which only the role it names may record ("stage" among the actions), and
// which holds back the approval (hub/decision_rules.h).
#include "hub/api/api_call.h"
#include "hub/rules.h"
#include "hub/stages.h"
#include "hub/ui_texts.h"
#include "schema/local_time.h"
#include "schema/model.h"
#include "schema/stages.h"

namespace simpul::hub::api {
namespace {

std::string RoleLabel(Lang lang, const std::string& role) {
  const schema::CodeLabel* c = schema::FindCode(schema::kRoles, role);
  return c ? (lang == Lang::kId ? c->label_id : c->label_en) : role;
}

}  // namespace

Result<std::optional<schema::StageRule>> WriteStages(web::JsonWriter& j, ApiCall& call, const Row& app,
                                                     const History& history) {
  const Lang lang = call.lang;
  const std::string village = RowText(app, "village");
  SIMPUL_ASSIGN_OR_RETURN(schema::ServiceRules rules, RulesOf(call.store, app));
  const schema::ServiceRule* rule = rules.Find(RowText(app, "type"), RowText(app, "service_type"));
  SIMPUL_ASSIGN_OR_RETURN(std::optional<schema::StageRule> next, NextStageOf(call.store, app, history.state));
  j.Key("stages").BeginArray();
  for (size_t i = 0; rule && i < rule->stages.size(); ++i) {
    const schema::StageRule& s = rule->stages[i];
    j.BeginObject().Field("code", s.code).Field("title", lang == Lang::kId ? s.title_id : s.title_en)
        .Field("role", s.role).Field("role_label", RoleLabel(lang, s.role));
    const HistoryEntry* by = nullptr;
    for (const auto& e : history.entries)
      if (schema::StageOfEvent(e.event) == s.code && schema::StageFitsRole(s, e.event.actor_role)) by = &e;
    j.Field("passed", by != nullptr);
    if (by) {
      std::string who = by->by_hub ? (by->person.empty() ? Tr(lang, "Dinsos") : by->person)
                                   : Tr(lang, "village office");
      j.Field("who", who).Field("note", by->reason)
          .Field("at_text", by->at_ms > 0 ? schema::FormatShortDateTime(by->at_ms, schema::ZoneOfRegion(village),
                                                                         LangCode(lang))
                                          : std::string());
    }
    j.EndObject();
  }
  j.EndArray().Key("next_stage");
  const bool reviewing = history.state.status == "submitted" || history.state.status == "in_review";
  if (next && reviewing)
    j.BeginObject().Field("code", next->code).Field("title", lang == Lang::kId ? next->title_id : next->title_en)
        .Field("role", next->role).Field("role_label", RoleLabel(lang, next->role)).EndObject();
  else
    j.Null();
  return next;
}

}  // namespace simpul::hub::api
