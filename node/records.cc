#include "node/records.h"
#include "node/records_internal.h"

#include <algorithm>
#include <cctype>
#include <ctime>

#include "node/stages.h"
#include "node/ui_texts.h"
#include "schema/ids.h"
#include "schema/model.h"
#include "schema/regions.h"
#include "schema/rules_store.h"
#include "schema/tables.h"
#include "schema/local_time.h"

namespace simpul::node {

using schema::Value;
using sync::FieldWrite;

const char* EntityNoun(Entity e, Lang lang) {
  switch (e) {
    case Entity::kHousehold: return Tr(lang, "Household");
    case Entity::kPerson: return Tr(lang, "Person");
    case Entity::kApplication: return Tr(lang, "Application");
    case Entity::kComplaint: return Tr(lang, "Complaint");
  }
  return "";
}

// Shared with applications.cc (records_internal.h).
namespace records_internal {

using sync::FindValue;
using sync::RecordColumn;
using sync::TextOf;

std::string UtcNow(NodeStore& store) { return schema::FormatUtcIso(static_cast<int64_t>(store.NowMs())); }

// The node checks records as the village's own: every row in its store is.
sync::RecordContext Context(NodeStore& store) { return {store.db(), UtcNow(store).substr(0, 10), ""}; }

Status NotFound(Entity e, const std::string& id) { return sync::RecordNotFound(e, id); }

Result<bool> Exists(NodeStore& store, Entity e, const std::string& id) {
  return sync::RecordExists(Context(store), e, id);
}

Status RequireExists(NodeStore& store, Entity e, const std::string& id) {
  SIMPUL_ASSIGN_OR_RETURN(bool ok, Exists(store, e, id));
  return ok ? Status::Ok() : NotFound(e, id);
}

Result<Value> ColumnOf(NodeStore& store, Entity e, const std::string& id, const std::string& col) {
  return RecordColumn(store.db(), e, id, col);
}

Result<std::vector<FieldWrite>> BuildFields(NodeStore& store, Entity e, const Options& opts, bool creating,
                                            std::vector<schema::Warning>* warnings) {
  return sync::BuildRecordFields(Context(store), e, opts, creating, warnings);
}

void PersonWarnings(NodeStore& store, const std::string& id, std::vector<FieldWrite>& fields,
                    std::vector<schema::Warning>* warnings) {
  sync::AddPersonWarnings(Context(store), id, fields, warnings);
}

// Inside the caller's transaction.
Result<Written> WriteFieldsIn(NodeStore& store, Entity e, const std::string& id,
                              const std::vector<FieldWrite>& fields, std::vector<schema::Warning> warnings) {
  const schema::TableDef* table = schema::FindTable(EntityTable(e));
  SIMPUL_ASSIGN_OR_RETURN(auto out, store.writer().Write(*table, id, store.village(), fields));
  return Written{id, std::move(warnings), out.fields_changed};
}

Result<Written> WriteFields(NodeStore& store, Entity e, const std::string& id,
                            std::vector<FieldWrite> fields, std::vector<schema::Warning> warnings) {
  SIMPUL_ASSIGN_OR_RETURN(auto txn, schema::Transaction::Begin(store.db()));
  SIMPUL_ASSIGN_OR_RETURN(auto out, WriteFieldsIn(store, e, id, fields, std::move(warnings)));
  SIMPUL_RETURN_IF_ERROR(txn.Commit());
  return out;
}

Status AppendEvent(NodeStore& store, const std::string& subject, const char* subject_kind,
                   const std::string& kind, const std::string& reason, const std::string& stage) {
  const schema::TableDef* events = schema::FindTable("events");
  std::string id = schema::NewRowId(store.NowMs());
  // `after` names the state the operator acted on (schema/workflow.h): the
  // fold orders this event after it, whatever any clock says. `at` only
  // orders it among events it did not see.
  SIMPUL_ASSIGN_OR_RETURN(auto seen, ReadEvents(store, subject));
  std::string after = seen.empty() ? std::string() : seen.back().id;
  // Past what another process of this node stamped (read under the write
  // lock), as the change's own version will be.
  SIMPUL_ASSIGN_OR_RETURN(sync::Stamp stored, sync::LoadLastStamp(store.db()));
  store.hlc().Witness(stored);
  std::string at = store.hlc().Version(store.hlc().Now());
  std::vector<FieldWrite> f = {{"subject_id", subject}, {"subject_kind", std::string(subject_kind)},
                               {"kind", kind},          {"actor", store.node_id()},
                               {"actor_role", std::string("village")},
                               {"at", at},              {"after", after}};
  if (!reason.empty()) f.push_back({"reason", reason});
  if (!stage.empty()) f.push_back({"stage", stage});
  SIMPUL_ASSIGN_OR_RETURN(auto out, store.writer().Write(*events, id, store.village(), f));
  (void)out;
  return Status::Ok();
}

}  // namespace records_internal

using namespace records_internal;

Status AppendApplicationEvent(NodeStore& store, const std::string& app_id, const std::string& kind,
                              const std::string& reason, const std::string& stage) {
  return AppendEvent(store, app_id, "application", kind, reason, stage);
}

Result<Written> CreateRecord(NodeStore& store, Entity e, const Options& opts) {
  // One transaction from the first check to the commit: the checks' reads
  // see what the write builds on, and cost no read transactions of their own.
  SIMPUL_ASSIGN_OR_RETURN(auto txn, schema::Transaction::Begin(store.db()));
  std::vector<schema::Warning> warnings;
  SIMPUL_ASSIGN_OR_RETURN(auto fields, BuildFields(store, e, opts, true, &warnings));
  if (e == Entity::kPerson) PersonWarnings(store, "", fields, &warnings);
  if (e == Entity::kApplication) {
    if (!FindValue(fields, "household_id")) {
      SIMPUL_ASSIGN_OR_RETURN(Value hh, ColumnOf(store, Entity::kPerson,
                                                 TextOf(*FindValue(fields, "applicant_id")),
                                                 "household_id"));
      fields.push_back({"household_id", hh});
    }
    fields.push_back({"created_at", UtcNow(store)});
  }
  if (e == Entity::kComplaint) {
    if (!FindValue(fields, "urgency")) fields.push_back({"urgency", std::string("normal")});
    fields.push_back({"created_at", UtcNow(store)});
  }
  SIMPUL_ASSIGN_OR_RETURN(auto out, WriteFieldsIn(store, e, schema::NewRowId(store.NowMs()), fields,
                                                  std::move(warnings)));
  SIMPUL_RETURN_IF_ERROR(txn.Commit());
  return out;
}

Result<Written> EditRecord(NodeStore& store, Entity e, const std::string& id, const Options& opts) {
  SIMPUL_ASSIGN_OR_RETURN(auto txn, schema::Transaction::Begin(store.db()));  // as in CreateRecord
  SIMPUL_RETURN_IF_ERROR(RequireExists(store, e, id));
  std::vector<schema::Warning> warnings;
  SIMPUL_ASSIGN_OR_RETURN(auto fields, BuildFields(store, e, opts, false, &warnings));
  if (e == Entity::kApplication) {
    SIMPUL_ASSIGN_OR_RETURN(auto state, ApplicationState(store, id));
    // The applicant's data is frozen once submitted; the fields the village
    // shares with Dinsos (notes, DTKS status) stay open until a decision.
    const schema::TableDef* t = schema::FindTable("applications");
    bool only_shared = std::all_of(fields.begin(), fields.end(), [&](const FieldWrite& f) {
      return schema::FindField(*t, f.field)->owner == schema::Owner::kShared;
    });
    bool open = state.status == "submitted" || state.status == "in_review";
    if (!schema::VillageMayEdit(state.status) && !(only_shared && open))
      return Status::FailedPrecondition("application is " + state.status)
          .WithMsg(MsgId::kNotEditable, {id, state.status});
  }
  if (e == Entity::kPerson) PersonWarnings(store, id, fields, &warnings);
  SIMPUL_ASSIGN_OR_RETURN(auto out, WriteFieldsIn(store, e, id, fields, std::move(warnings)));
  SIMPUL_RETURN_IF_ERROR(txn.Commit());
  return out;
}

Result<Row> ReadRecord(NodeStore& store, Entity e, const std::string& id) {
  SIMPUL_ASSIGN_OR_RETURN(auto st, store.db().Prepare(std::string("SELECT * FROM ") +
                                                      EntityTable(e) + " WHERE id=?"));
  st.Bind(1, id);
  SIMPUL_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return NotFound(e, id);
  Row out;
  for (int i = 0; i < st.ColumnCount(); ++i)
    out.emplace_back(st.ColumnName(i), st.Column(i));
  return out;
}

}  // namespace simpul::node

namespace simpul::node {

Result<std::vector<Row>> ListRecords(NodeStore& store, Entity e, const ListFilter& filter) {
  std::string sql = std::string("SELECT * FROM ") + EntityTable(e) + " WHERE deleted=0";
  std::vector<std::string> binds;
  if (!filter.type.empty() && e == Entity::kApplication) {
    sql += " AND type=?";
    binds.push_back(filter.type);
  }
  if (!filter.household.empty() && e != Entity::kHousehold) {
    sql += " AND household_id=?";
    binds.push_back(filter.household);
  }
  if (!filter.category.empty() && e == Entity::kComplaint) {
    sql += " AND category=?";
    binds.push_back(filter.category);
  }
  sql += " ORDER BY id";
  SIMPUL_ASSIGN_OR_RETURN(auto st, store.db().Prepare(sql));
  for (size_t i = 0; i < binds.size(); ++i) st.Bind(static_cast<int>(i) + 1, binds[i]);
  std::vector<Row> rows;
  for (;;) {
    SIMPUL_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    Row r;
    for (int i = 0; i < st.ColumnCount(); ++i) r.emplace_back(st.ColumnName(i), st.Column(i));
    if (e == Entity::kApplication && !filter.status.empty()) {
      SIMPUL_ASSIGN_OR_RETURN(auto state, ApplicationState(store, TextOf(r[0].second)));
      if (state.status != filter.status) continue;
    }
    rows.push_back(std::move(r));
    if (static_cast<int>(rows.size()) >= filter.limit) break;
  }
  return rows;
}

}  // namespace simpul::node
