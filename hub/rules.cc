#include "hub/rules.h"

#include "schema/ids.h"
#include "schema/messages.h"
#include "schema/tables.h"

namespace simpul::hub {
namespace {

// Every village the hub serves or is about to: enrolled nodes' villages and
// those issued an enrolment code.
Result<std::vector<std::string>> KnownVillages(HubStore& store) {
  SIMPUL_ASSIGN_OR_RETURN(auto rows, QueryRows(store, "SELECT village FROM nodes UNION SELECT village FROM enrolments"
                                                      " ORDER BY 1", {}));
  std::vector<std::string> out;
  for (const auto& r : rows) out.push_back(RowText(r, "village"));
  return out;
}

Result<bool> VillageHolds(HubStore& store, const std::string& sql, const std::string& village, const std::string& name,
                          int64_t version) {
  SIMPUL_ASSIGN_OR_RETURN(schema::Stmt * st, store.db().Cached(sql));
  st->Bind(1, village).Bind(2, name).Bind(3, version);
  auto row = st->Step();
  st->Reset();
  if (!row.ok()) return row.status();
  return *row;
}

// A file refused by its parser names its line; said with the file's name.
Status Refused(const Status& st, const std::string& file_name) {
  if (st.msg_id()) return st;
  return Status(st.code(), file_name + ": " + st.message()).WithField("file")
      .WithMsg(MsgId::kDefinitionFileRefused, {file_name, st.message()});
}

Result<size_t> CopyToVillages(HubStore& store) {
  SIMPUL_ASSIGN_OR_RETURN(auto villages, KnownVillages(store));
  for (const auto& v : villages) SIMPUL_RETURN_IF_ERROR(CopyRulesToVillage(store, v));
  return villages.size();
}

}  // namespace

Result<schema::ServiceRules> CurrentRules(HubStore& store) { return schema::NewestServiceRules(store.db()); }

Result<schema::ServiceRules> RulesOf(HubStore& store, const Row& app) {
  std::optional<int64_t> version;
  for (const auto& [k, v] : app)
    if (k == "rules_version" && std::holds_alternative<int64_t>(v)) version = std::get<int64_t>(v);
  return schema::ServiceRulesAt(store.db(), version);
}

Status CopyRulesToVillage(HubStore& store, const std::string& village) {
  const schema::TableDef* rules_table = schema::FindTable("service_rules");
  const schema::TableDef* sets_table = schema::FindTable("indicator_releases");
  if (!rules_table || !sets_table) return Status::Internal("no service_rules or indicator_releases table");
  SIMPUL_ASSIGN_OR_RETURN(auto rules, QueryRows(store, "SELECT version, name, text, coalesce(loaded_at_ms,0) AS at_ms,"
                                                       " coalesce(loaded_by,'') AS loader FROM rules_versions ORDER BY version", {}));
  for (const auto& r : rules) {
    const int64_t version = std::stoll(RowText(r, "version"));
    SIMPUL_ASSIGN_OR_RETURN(bool held, VillageHolds(store, "SELECT 1 FROM service_rules WHERE village=?1 AND name=?2"
                                                           " AND version=?3", village, RowText(r, "name"), version));
    if (held) continue;
    std::vector<sync::FieldWrite> f = {{"name", RowText(r, "name")},
                                       {"version", version},
                                       {"text", RowText(r, "text")},
                                       {"loaded_at_ms", static_cast<int64_t>(std::stoll(RowText(r, "at_ms")))},
                                       {"loaded_by", RowText(r, "loader")}};
    SIMPUL_RETURN_IF_ERROR(store.writer().Write(*rules_table, schema::NewRowId(store.NowMs()), village, f).status());
  }
  SIMPUL_ASSIGN_OR_RETURN(auto sets, QueryRows(store, "SELECT set_id, version, title, definition FROM indicator_sets"
                                                      " ORDER BY set_id, version", {}));
  for (const auto& s : sets) {
    const int64_t version = std::stoll(RowText(s, "version"));
    SIMPUL_ASSIGN_OR_RETURN(bool held, VillageHolds(store, "SELECT 1 FROM indicator_releases WHERE village=?1"
                                                           " AND set_code=?2 AND version=?3", village,
                                                    RowText(s, "set_id"), version));
    if (held) continue;
    std::vector<sync::FieldWrite> f = {{"set_code", RowText(s, "set_id")},
                                       {"version", version},
                                       {"title", RowText(s, "title")},
                                       {"definition", RowText(s, "definition")},
                                       {"loaded_at_ms", static_cast<int64_t>(store.NowMs())},
                                       {"loaded_by", store.actor()}};
    SIMPUL_RETURN_IF_ERROR(store.writer().Write(*sets_table, schema::NewRowId(store.NowMs()), village, f).status());
  }
  return Status::Ok();
}

Result<Loaded> LoadRules(HubStore& store, std::string_view text, const std::string& file_name) {
  SIMPUL_ASSIGN_OR_RETURN(auto txn, store.BeginWrite());
  // Checked under the write lock: a version loaded meanwhile counts.
  auto checked = schema::CheckNewServiceRules(store.db(), text);
  if (!checked.ok()) return Refused(checked.status(), file_name);
  const schema::ServiceRules& rules = *checked;
  SIMPUL_ASSIGN_OR_RETURN(schema::Stmt * ins, store.db().Cached(
      "INSERT INTO rules_versions(version,name,text,loaded_at_ms,loaded_by) VALUES(?,?,?,?,?)"));
  ins->Bind(1, rules.version).Bind(2, rules.id).Bind(3, std::string(text))
      .Bind(4, static_cast<int64_t>(store.NowMs())).Bind(5, store.actor());
  SIMPUL_RETURN_IF_ERROR(ins->Run());
  Loaded out{rules.id, rules.version, 0};
  SIMPUL_ASSIGN_OR_RETURN(out.villages, CopyToVillages(store));
  SIMPUL_RETURN_IF_ERROR(store.Audit("rules_load", "", rules.id + " v" + std::to_string(rules.version),
                                     file_name + ": " + std::to_string(rules.services.size()) + " services, " +
                                         std::to_string(out.villages) + " villages"));
  SIMPUL_RETURN_IF_ERROR(txn.Commit());
  return out;
}

Result<Loaded> AddIndicatorSet(HubStore& store, std::string_view text, const std::string& file_name) {
  SIMPUL_ASSIGN_OR_RETURN(auto txn, store.BeginWrite());
  auto checked = schema::CheckNewIndicatorSet(store.db(), text);
  if (!checked.ok()) return Refused(checked.status(), file_name);
  const schema::IndicatorSet& set = *checked;
  SIMPUL_ASSIGN_OR_RETURN(schema::Stmt * ins, store.db().Cached(
      "INSERT INTO indicator_sets(set_id,version,title,definition) VALUES(?,?,?,?)"));
  ins->Bind(1, set.id).Bind(2, set.version).Bind(3, set.title).Bind(4, std::string(text));
  SIMPUL_RETURN_IF_ERROR(ins->Run());
  Loaded out{set.id, set.version, 0};
  SIMPUL_ASSIGN_OR_RETURN(out.villages, CopyToVillages(store));
  SIMPUL_RETURN_IF_ERROR(store.Audit("indicators_add", "", set.id + " v" + std::to_string(set.version),
                                     file_name + ": " + std::to_string(set.items.size()) + " indicators, " +
                                         std::to_string(out.villages) + " villages"));
  SIMPUL_RETURN_IF_ERROR(txn.Commit());
  return out;
}

}  // namespace simpul::hub
