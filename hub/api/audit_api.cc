// The audit log viewer (docs/API.md "Audit log"): the latest entries of the
// hub's chain and the villages', and the verification of every chain, with
// the permission `simpul-hub audit` needs (audit: auditor, administrator).
// Both through hub/audit_log.h, as the command.

#include "hub/api/api_call.h"
#include "hub/audit_log.h"
#include "hub/operations.h"
#include "hub/ui_texts.h"
#include "schema/validate.h"

namespace simpul::hub::api {

web::HttpResponse ListAudit(ApiCall& call) {
  AuditLogFilter f{call.req.Query("village"), call.req.Query("action"), 200};
  auto limit = call.IntQuery("limit", 200, 1, 1000);
  if (!limit.ok()) return StatusReply(call, limit.status());
  f.limit = *limit;
  for (const auto& [name, value] : {std::pair<const char*, const std::string*>{"village", &f.village}, {"action", &f.action}})
    if (Status st = schema::CheckLength(name, *value, 60); !st.ok()) return StatusReply(call, st);
  auto rows = ReadAuditLog(call.store, f);
  if (!rows.ok()) return StatusReply(call, rows.status());
  web::JsonWriter j;
  j.BeginObject().Key("entries").BeginArray();
  for (const auto& r : *rows) {
    j.BeginObject();
    for (const char* col : {"at", "source", "writer", "actor", "action", "village", "subject", "detail"})
      j.Field(col, RowText(r, col));
    j.EndObject();
  }
  j.EndArray();
  if (call.req.Query("verify") != "0") {
    const Lang lang = call.lang;
    auto v = VerifyAuditChains(call.store, lang);
    if (!v.ok()) return StatusReply(call, v.status());
    j.Key("verification").BeginObject().Field("intact", v->intact)
        .Field("text", v->intact ? Tr(lang, "Audit log intact: every chain verifies.")
                                 : Tr(lang, "The audit log was altered: see the problems below."))
        .Key("problems").BeginArray();
    for (const auto& p : v->problems)
      j.BeginObject().Field("table", p.table).Field("kind", p.kind).Field("writer", p.writer).Field("entry", p.entry)
          .Field("text", p.text).EndObject();
    j.EndArray().Key("heads").BeginArray();
    for (const auto& h : v->heads)
      j.BeginObject().Field("table", h.table).Field("writer", h.writer).Field("seq", h.seq).Field("text", h.text)
          .EndObject();
    j.EndArray().EndObject();
  }
  return JsonReply(200, j.EndObject().str());
}

}  // namespace simpul::hub::api
