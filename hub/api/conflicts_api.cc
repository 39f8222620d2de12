// Conflicts on the Dinsos application page: the open ones on the
// application, its applicant and its household (what `simpul-hub conflicts`
// lists), both values side by side in words with who wrote each and when,
// and the decision (what `simpul-hub resolve` does: replicated to the
// village). The page sends the field's value as it showed it: a conflict
// decided meanwhile, or a field changed meanwhile, is refused with nothing
// written (409).
#include "hub/api/api_call.h"
#include "hub/ui_texts.h"
#include "schema/field_labels.h"
#include "schema/local_time.h"
#include "schema/tables.h"
#include "schema/validate.h"
#include "sync/accounts.h"
#include "sync/change_capture.h"
#include "sync/hlc.h"

namespace simpul::hub::api {
namespace {

// "Dinsos" or the village office, and when, from a field version.
void WriteSide(web::JsonWriter& j, ApiCall& call, const char* key, const std::string& field,
               const std::string& value, const std::string& version, const std::string& village_name,
               const std::string& village) {
  sync::Stamp stamp;
  std::string writer;
  const bool parsed = !version.empty() && sync::Hlc::ParseVersion(version, &stamp, &writer);
  std::string by;
  if (parsed)
    by = writer == call.store.hub_id() ? std::string(Tr(call.lang, "Dinsos"))
                                       : std::string(Tr(call.lang, "village office")) + " " + village_name;
  const auto ms = static_cast<int64_t>(stamp.physical_ms());
  j.Key(key).BeginObject().Field("value", value).Field("text", schema::FieldValueText(call.lang, field, value))
      .Field("when", parsed ? schema::FormatShortDateTime(ms, schema::ZoneOfRegion(village), LangCode(call.lang))
                            : std::string())
      .Field("by", by).EndObject();
}

}  // namespace

Status WriteConflicts(web::JsonWriter& j, ApiCall& call, const Row& app) {
  const std::string village = RowText(app, "village");
  SIMPUL_ASSIGN_OR_RETURN(auto region, QueryRows(call.store, "SELECT name FROM regions WHERE code=?", {village}));
  const std::string village_name = region.empty() ? village : RowText(region[0], "name");
  const std::pair<const char*, std::string> records[] = {{"applications", RowText(app, "id")},
                                                         {"persons", RowText(app, "applicant_id")},
                                                         {"households", RowText(app, "household_id")}};
  j.Key("conflicts").BeginArray();
  for (const auto& [table, row_id] : records) {
    if (row_id.empty()) continue;
    SIMPUL_ASSIGN_OR_RETURN(auto rows, QueryRows(call.store,
        "SELECT id,field,winner_value,loser_value,winner_version,loser_version FROM conflicts"
        " WHERE status='open' AND tbl=? AND row_id=? ORDER BY id", {table, row_id}));
    const schema::TableDef* t = schema::FindTable(table);
    for (const auto& c : rows) {
      const std::string field = RowText(c, "field");
      const schema::FieldDef* f = t ? schema::FindField(*t, field) : nullptr;
      if (!f) continue;  // a field this version does not know: the CLI shows it
      auto target = ReadRow(call.store, table, row_id);
      j.BeginObject().Field("id", RowText(c, "id")).Field("table", table).Field("field", field)
          .Field("field_label", schema::FieldLabel(call.lang, table, field))
          .Field("current", target.ok() ? RowText(*target, field) : std::string())
          .Field("hub_may_write", sync::MayWrite(sync::Role::kHub, f->owner));
      WriteSide(j, call, "winner", field, RowText(c, "winner_value"), RowText(c, "winner_version"), village_name,
                village);
      WriteSide(j, call, "loser", field, RowText(c, "loser_value"), RowText(c, "loser_version"), village_name,
                village);
      j.EndObject();
    }
  }
  j.EndArray();
  return Status::Ok();
}

web::HttpResponse ResolveConflictApi(ApiCall& call) {
  auto body = JsonBody(call);
  if (!body.ok()) return StatusReply(call, body.status());
  const std::string keep = body->String("keep"), value = body->String("value");
  if (keep != "winner" && keep != "loser" && keep != "value")
    return StatusReply(call, Status::InvalidArgument("keep must be winner, loser or value")
                                 .WithField("keep").WithMsg(MsgId::kBadOptionValue, {"keep", keep}));
  const Lang lang = call.lang;
  if (keep == "value" && value.empty())
    return StatusReply(call, Status::InvalidArgument("value is required").WithField("value")
                                 .WithMsg(MsgId::kFieldRequired, {Tr(lang, "New value")}));
  if (Status st = schema::CheckLength("value", value, 1000); !st.ok()) return StatusReply(call, st);
  // The value the page showed: without it a stale page could not be told.
  if (!body->IsString("expected_current"))
    return StatusReply(call, Status::InvalidArgument("expected_current is required")
                                 .WithField("expected_current").WithMsg(MsgId::kFieldRequired, {"expected_current"}));
  Status st = ResolveConflict(call.store, call.Param("id"), keep, value, call.user(), body->String("expected_current"));
  if (!st.ok()) {
    if (st.code() == Code::kInvalidArgument && keep == "value") st = std::move(st).WithField("value");
    return StatusReply(call, st);
  }
  return JsonReply(200, web::JsonWriter().BeginObject().Field("id", call.Param("id")).Field("resolved", true)
                            .EndObject().str());
}

}  // namespace simpul::hub::api
