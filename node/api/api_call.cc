#include "node/api/api_call.h"

#include <cstdio>

#include "node/ui_texts.h"
#include "schema/local_time.h"
#include "sync/hlc.h"

namespace simpul::node::api {

void AppState::Lock() {
  if (store) {
    if (auto ops = sync::ListOperators(store->db()); ops.ok())
      for (const auto& op : *ops) sessions.DestroyUser(op.name);
  }
  store.reset();  // closes the database; the DataKey wipes itself
}

std::string ApiCall::Param(const std::string& name) const {
  auto it = params.find(name);
  return it == params.end() ? std::string() : it->second;
}

namespace {

// The page's name of a form field (the records' column), for "X is
// required" under it: the CLI's "Option --category is required. See --help"
// means nothing in a page. Unknown fields fall back to the column's name.
std::string FieldLabel(Lang lang, const std::string& field) {
  static const std::pair<const char*, const char*> kLabels[] = {
      {"category", "Category"},     {"description", "What is reported"}, {"urgency", "Urgency"},
      {"person_id", "Person"},      {"address", "Address"},              {"name", "Name"},
      {"nik", "NIK"},               {"birth_date", "Date of birth"},     {"sex", "Sex"},
      {"no_kk", "No. KK"},          {"type", "Type"},                    {"purpose", "Purpose"}};
  for (const auto& [column, label] : kLabels)
    if (field == column) return Tr(lang, label);
  return field;
}

}  // namespace

web::HttpResponse StatusReply(const ApiCall& call, const Status& status, const std::string& field) {
  if (!field.empty() && status.msg_id() == MsgId::kMissingOption)
    return ErrorReply(web::StatusToHttp(status.code()), web::ApiCodeName(status.code()),
                      Msg(call.lang, MsgId::kFieldRequired, {FieldLabel(call.lang, field)}), field);
  int http = web::StatusToHttp(status.code());
  if (http == 500) {
    // The technical text goes to the log, not to the page.
    std::fprintf(stderr, "village web api: %s %.*s: %s\n", call.req.method.c_str(),
                 static_cast<int>(call.req.Path().size()), call.req.Path().data(), status.ToString().c_str());
    return ErrorReply(500, web::ApiCodeName(status.code()), Describe(call.lang, status));
  }
  return ErrorReply(http, web::ApiCodeName(status.code()), Describe(call.lang, status),
                    field.empty() ? status.field() : field);
}

std::string Col(const Row& row, const std::string& col) {
  for (const auto& [k, v] : row)
    if (k == col) return schema::IsNull(v) ? std::string() : schema::ValueToDisplay(v);
  return {};
}

Result<web::JsonObject> Body(const ApiCall& call) { return web::JsonBody(call.req); }

void AuditNow(NodeStore& store, const std::string& action, const std::string& subject, const std::string& detail) {
  auto txn = schema::Transaction::Begin(store.db());
  if (!txn.ok()) return;
  if (store.Audit(action, subject, detail).ok()) (void)txn->Commit();
}

std::string ShowTime(const ApiCall& call, int64_t ms) {
  if (ms <= 0) return {};
  return schema::FormatShortDateTime(ms, schema::ZoneOfRegion(call.store().village()), web::LangCode(call.lang));
}

int64_t VersionMs(const std::string& version) {
  sync::Stamp stamp;
  if (version.empty() || !sync::Hlc::ParseVersion(version, &stamp, nullptr)) return 0;
  return static_cast<int64_t>(stamp.physical_ms());
}

// What a refused change was about, as the operator knows it: the person's
// name, the household's address, the application's type and applicant.
std::string RecordLabel(const ApiCall& call, const std::string& table, const std::string& row_id) {
  NodeStore& store = call.store();
  auto text = [&](const std::string& sql) -> std::string {
    auto st = store.db().Prepare(sql);
    if (!st.ok()) return {};
    st->Bind(1, row_id);
    auto row = st->Step();
    return row.ok() && *row ? st->Text(0) : std::string();
  };
  if (table == "persons") return Tr(call.lang, "Person") + std::string(": ") + text("SELECT name FROM persons WHERE id=?");
  if (table == "households")
    return Tr(call.lang, "Household") + std::string(": ") + text("SELECT address FROM households WHERE id=?");
  if (table == "applications")
    return Tr(call.lang, "Application") + std::string(": ") +
           text("SELECT p.name FROM applications a LEFT JOIN persons p ON p.id=a.applicant_id WHERE a.id=?");
  if (table == "complaints")
    return Tr(call.lang, "Complaint") + std::string(": ") +
           text("SELECT COALESCE(NULLIF(case_number,''), description) FROM complaints WHERE id=?");
  if (table == "events")
    return Tr(call.lang, "Application") + std::string(": ") +
           text("SELECT p.name FROM events e JOIN applications a ON a.id=e.subject_id"
                " LEFT JOIN persons p ON p.id=a.applicant_id WHERE e.id=?");
  return table;
}

std::string FormField(Entity e, const std::string& status_field) {
  for (const auto& spec : EntityOptions(e))
    if (status_field == spec.option || status_field == spec.field) return spec.field;
  return {};
}

Options FormOptions(Entity e, const web::JsonObject& body, const std::string& prefix, bool keep_empty) {
  Options opts;
  for (const auto& spec : EntityOptions(e)) {
    std::string key = prefix + spec.field;
    if (!body.IsString(key)) continue;
    std::string v = body.String(key);
    if (!v.empty() || keep_empty) opts[spec.option] = v;
  }
  return opts;
}

}  // namespace simpul::node::api
