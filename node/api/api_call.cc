#include "node/api/api_call.h"

#include <cstdio>

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

web::HttpResponse StatusReply(const ApiCall& call, const Status& status, const std::string& field) {
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
