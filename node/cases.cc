#include "node/cases.h"

#include "schema/ids.h"
#include "schema/tables.h"

namespace simpul::node {

Result<schema::CaseEvent> RecordCaseStep(NodeStore& store, const std::string& id, schema::CaseEvent step) {
  SIMPUL_ASSIGN_OR_RETURN(auto txn, schema::Transaction::Begin(store.db()));
  // Read under the write lock: the state this step applies to.
  SIMPUL_ASSIGN_OR_RETURN(schema::CaseView c, schema::LoadCase(store.db(), id, static_cast<int64_t>(store.NowMs())));
  SIMPUL_RETURN_IF_ERROR(schema::CheckCaseStep(c.state, step, c.number.empty() ? id : c.number));
  // Past what another process of this node stamped, as the change's own
  // version will be.
  SIMPUL_ASSIGN_OR_RETURN(sync::Stamp stored, sync::LoadLastStamp(store.db()));
  store.hlc().Witness(stored);
  step.id = schema::NewRowId(store.NowMs());
  step.actor = store.node_id();
  step.actor_role = "village";
  step.operator_name = store.Actor();
  step.at = store.hlc().Version(store.hlc().Now());
  step.at_ms = static_cast<int64_t>(store.NowMs());
  step.after = c.state.head;
  std::vector<sync::FieldWrite> f = {
      {"case_id", id},          {"kind", step.kind},   {"actor", step.actor},
      {"actor_role", step.actor_role}, {"operator", step.operator_name}, {"at", step.at},
      {"at_ms", step.at_ms},    {"after", *step.after}};
  for (const auto& [name, v] : {std::pair<const char*, const std::string*>{"facilitator", &step.facilitator},
                                {"partner", &step.partner}, {"partner_name", &step.partner_name},
                                {"note", &step.note}, {"outcome", &step.outcome}})
    if (!v->empty()) f.push_back({name, *v});
  SIMPUL_ASSIGN_OR_RETURN(auto w, store.writer().Write(*schema::FindTable("case_events"), step.id, store.village(), f));
  (void)w;
  SIMPUL_RETURN_IF_ERROR(store.Audit("case:" + step.kind, id, c.number));
  SIMPUL_RETURN_IF_ERROR(txn.Commit());
  return step;
}

}  // namespace simpul::node
