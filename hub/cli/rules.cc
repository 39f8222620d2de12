// simpul-hub commands for what Dinsos owns and every village follows
// (hub/rules.h): `rules load FILE`, `rules list`, `rules show [VERSION]`
// and `indicators add FILE`.
#include <iostream>

#include "hub/cli/internal.h"
#include "hub/rules.h"
#include "schema/rules_store.h"
#include "schema/store_files.h"

namespace simpul::hub::cli {
namespace {

// Read a little past the limit so that a larger file is refused by size, not cut.
Result<std::string> ReadDefinition(const Args& a) {
  return schema::ReadFileBounded(a.words[0], schema::kMaxDefinitionBytes + 1);
}

void PrintLoaded(const Args& a, const Loaded& l, const char* what) {
  if (a.json) {
    std::cout << schema::JsonWriter().BeginObject().Field("loaded", true).Field("name", l.name)
                     .Field("version", l.version).Field("villages", static_cast<int64_t>(l.villages))
                     .EndObject().str() << "\n";
    return;
  }
  std::cout << what << l.name << " v" << l.version << "\n"
            << a.T("Each village receives it at its next sync (villages now: ") << l.villages << ").\n";
}

}  // namespace

Status CmdRulesLoad(Args& a) {
  SIMPUL_RETURN_IF_ERROR(Need(a, 1, {}));
  SIMPUL_ASSIGN_OR_RETURN(std::string text, ReadDefinition(a));
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenHub(a));
  SIMPUL_ASSIGN_OR_RETURN(Loaded l, LoadRules(*store, text, a.words[0]));
  PrintLoaded(a, l, a.T("Service rules loaded: "));
  return Status::Ok();
}

Status CmdIndicatorsAdd(Args& a) {
  SIMPUL_RETURN_IF_ERROR(Need(a, 1, {}));
  SIMPUL_ASSIGN_OR_RETURN(std::string text, ReadDefinition(a));
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenHub(a));
  SIMPUL_ASSIGN_OR_RETURN(Loaded l, AddIndicatorSet(*store, text, a.words[0]));
  PrintLoaded(a, l, a.T("Indicator set loaded: "));
  return Status::Ok();
}

Status CmdRulesList(Args& a) {
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenHub(a));
  SIMPUL_ASSIGN_OR_RETURN(auto versions, schema::ListRulesVersions(store->db()));
  const int newest = versions.back().version;
  schema::JsonWriter j;
  j.BeginArray();
  for (const auto& v : versions) {
    if (a.json) {
      j.BeginObject().Field("version", v.version).Field("name", v.name).Field("builtin", v.builtin)
          .Field("loaded_at", TimeIso(v.loaded_at_ms, "")).Field("loaded_by", v.loaded_by)
          .Field("current", v.version == newest).EndObject();
      continue;
    }
    std::cout << "v" << v.version << "  " << v.name << "  "
              << (v.builtin ? a.T("shipped with Simpul") : TimeText(a, v.loaded_at_ms, "") + "  " + v.loaded_by)
              << (v.version == newest ? a.T("  (current)") : "") << "\n";
  }
  if (a.json) std::cout << j.EndArray().str() << "\n";
  return Status::Ok();
}

Status CmdRulesShow(Args& a) {
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenHub(a));
  SIMPUL_ASSIGN_OR_RETURN(auto versions, schema::ListRulesVersions(store->db()));
  const schema::RulesVersion* chosen = &versions.back();
  if (!a.words.empty()) {
    chosen = nullptr;
    for (const auto& v : versions)
      if (std::to_string(v.version) == a.words[0]) chosen = &v;
    if (!chosen)
      return Status::NotFound("no service rules version " + a.words[0]).WithField("version")
          .WithMsg(MsgId::kRulesVersionMissing, {a.words[0]});
  }
  SIMPUL_ASSIGN_OR_RETURN(schema::ServiceRules rules, schema::ServiceRulesAt(store->db(), chosen->version));
  if (a.json) {
    schema::JsonWriter j;
    j.BeginObject().Field("version", rules.version).Field("name", rules.id).Field("builtin", chosen->builtin)
        .Field("loaded_at", TimeIso(chosen->loaded_at_ms, "")).Field("loaded_by", chosen->loaded_by)
        .Key("services").BeginArray();
    for (const auto& s : rules.services) {
      j.BeginObject().Field("code", s.code).Field("type", s.application_type).Field("service_type", s.service_type)
          .Field("title", a.lang == Lang::kId ? s.title_id : s.title_en).Key("documents").BeginArray();
      for (const auto& d : s.documents) j.BeginObject().Field("kind", d.kind).Field("required", d.required).EndObject();
      j.EndArray().Key("stages").BeginArray();
      for (const auto& st : s.stages)
        j.BeginObject().Field("code", st.code).Field("role", st.role).Field("sla_hours", st.sla_hours).EndObject();
      j.EndArray().Field("approval_sla_hours", s.approval_sla_hours).Field("indicator_set", s.indicator_set)
          .Field("letter_number", s.letter.number_format).EndObject();
    }
    std::cout << j.EndArray().Field("text", rules.text).EndObject().str() << "\n";
    return Status::Ok();
  }
  std::cout << a.T("Service rules ") << rules.id << " v" << rules.version << "  "
            << (chosen->builtin ? a.T("shipped with Simpul") : TimeText(a, chosen->loaded_at_ms, "")) << "\n";
  for (const auto& s : rules.services) {
    std::cout << "\n" << s.code << "  " << (a.lang == Lang::kId ? s.title_id : s.title_en) << "\n  "
              << a.T("documents: ");
    for (size_t i = 0; i < s.documents.size(); ++i)
      std::cout << (i ? ", " : "") << s.documents[i].kind << (s.documents[i].required ? "" : a.T(" (optional)"));
    std::cout << "\n  " << a.T("stages: ");
    for (size_t i = 0; i < s.stages.size(); ++i)
      std::cout << (i ? " -> " : "") << s.stages[i].code << " (" << s.stages[i].role << ", " << s.stages[i].sla_hours
                << " h)";
    if (s.stages.empty()) std::cout << "-";
    std::cout << "\n  " << a.T("letter: ") << s.letter.number_format << "\n";
  }
  return Status::Ok();
}

}  // namespace simpul::hub::cli
