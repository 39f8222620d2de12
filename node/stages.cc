#include "node/stages.h"

#include "node/records.h"
#include "schema/db.h"
#include "schema/rules_store.h"
#include "schema/stages.h"
#include "schema/validate.h"

namespace simpul::node {
namespace {

// The service rules an application follows (schema/rules_store.h): the
// version it was submitted under (applications.rules_version); before its
// first submission, the newest this node holds (what Submit will record); an
// application submitted before schema 17 has none and follows the built-in
// rules.
Result<schema::ServiceRules> RulesOf(NodeStore& store, const std::string& app_id, std::string* type,
                                     std::string* service_type) {
  SIMPUL_ASSIGN_OR_RETURN(auto* st, store.db().Cached("SELECT type, service_type, rules_version FROM applications WHERE id=?"));
  st->Bind(1, app_id);
  auto row = st->Step();
  if (!row.ok()) {
    st->Reset();
    return row.status();
  }
  if (!*row) {
    st->Reset();
    return Status::NotFound("no application " + app_id).WithField("id");
  }
  *type = st->Text(0);
  *service_type = st->Text(1);
  std::optional<int64_t> version;
  if (!st->IsNullAt(2)) version = st->Int(2);
  st->Reset();
  if (version) return schema::ServiceRulesAt(store.db(), version);
  SIMPUL_ASSIGN_OR_RETURN(auto state, ApplicationState(store, app_id));
  if (state.status == "draft") return schema::NewestServiceRules(store.db());
  return schema::ServiceRulesAt(store.db(), std::nullopt);
}

// The rules of the application and the rule among them governing it (nullptr: none).
struct Governing {
  schema::ServiceRules rules;
  std::string type, service_type;
  const schema::ServiceRule* rule() const { return rules.Find(type, service_type); }
};

Result<Governing> RuleOf(NodeStore& store, const std::string& app_id) {
  Governing g;
  SIMPUL_ASSIGN_OR_RETURN(g.rules, RulesOf(store, app_id, &g.type, &g.service_type));
  return g;
}

}  // namespace

Status RecordVillageStage(NodeStore& store, const std::string& app_id, const std::string& stage_code,
                          const std::string& note) {
  SIMPUL_RETURN_IF_ERROR(schema::CheckLength("note", note, 1000));
  SIMPUL_ASSIGN_OR_RETURN(auto txn, schema::Transaction::Begin(store.db()));
  SIMPUL_ASSIGN_OR_RETURN(Governing g, RuleOf(store, app_id));
  const schema::ServiceRule* rule = g.rule();
  if (!rule)
    return Status::FailedPrecondition("no service rule governs application " + app_id).WithField("stage");
  SIMPUL_ASSIGN_OR_RETURN(auto state, ApplicationState(store, app_id));
  SIMPUL_RETURN_IF_ERROR(schema::CheckStage(*rule, state, stage_code, "village"));
  SIMPUL_RETURN_IF_ERROR(AppendApplicationEvent(store, app_id, "stage_done", note, stage_code));
  return txn.Commit();
}

Result<std::optional<schema::StageRule>> NextStageOf(NodeStore& store, const std::string& app_id) {
  SIMPUL_ASSIGN_OR_RETURN(Governing g, RuleOf(store, app_id));
  const schema::ServiceRule* rule = g.rule();
  SIMPUL_ASSIGN_OR_RETURN(auto state, ApplicationState(store, app_id));
  if (!rule || (state.status != "submitted" && state.status != "in_review")) return std::optional<schema::StageRule>();
  const schema::StageRule* next = schema::MissingStage(*rule, state);
  if (!next) return std::optional<schema::StageRule>();
  return std::optional<schema::StageRule>(*next);
}

Result<std::vector<std::string>> MissingDocumentsOf(NodeStore& store, const std::string& app_id) {
  SIMPUL_ASSIGN_OR_RETURN(Governing g, RuleOf(store, app_id));
  const schema::ServiceRule* rule = g.rule();
  if (!rule) return std::vector<std::string>();
  SIMPUL_ASSIGN_OR_RETURN(
      auto* st, store.db().Cached("SELECT DISTINCT kind FROM attachments WHERE application_id=? AND deleted=0"));
  st->Bind(1, app_id);
  std::vector<std::string> attached;
  for (;;) {
    auto row = st->Step();
    if (!row.ok()) {
      st->Reset();
      return row.status();
    }
    if (!*row) break;
    attached.push_back(st->Text(0));
  }
  st->Reset();
  return schema::MissingDocuments(*rule, attached);
}

Result<std::vector<schema::DocumentRequirement>> DocumentsNamedBy(NodeStore& store, const std::string& app_id) {
  SIMPUL_ASSIGN_OR_RETURN(Governing g, RuleOf(store, app_id));
  const schema::ServiceRule* rule = g.rule();
  if (!rule) return std::vector<schema::DocumentRequirement>();
  return rule->documents;
}

Result<std::optional<schema::ServiceRule>> ServiceRuleOf(NodeStore& store, const std::string& app_id) {
  Governing g;
  SIMPUL_ASSIGN_OR_RETURN(g.rules, RulesOf(store, app_id, &g.type, &g.service_type));
  const schema::ServiceRule* rule = g.rule();
  return rule ? std::optional<schema::ServiceRule>(*rule) : std::nullopt;
}

}  // namespace simpul::node
