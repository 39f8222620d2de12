// Conflicts at the village: the open ones (what `simpul-node conflicts`
// lists, node/sync_client.h ListConflicts) with both values side by side in
// words, and the decision (what `simpul-node resolve` calls,
// ResolveConflict: change capture, the outbox). The page sends the field's
// value as it showed it: a conflict decided meanwhile, or a field changed
// meanwhile, is refused with nothing written (409).
#include "node/api/api_call.h"
#include "node/sync_client.h"
#include "node/ui_texts.h"
#include "schema/field_labels.h"
#include "schema/model.h"
#include "schema/tables.h"
#include "sync/hlc.h"
#include "sync/change_capture.h"

namespace simpul::node::api {
namespace {

// The field's value now ("" when the row or value is missing).
std::string CurrentValue(NodeStore& store, const schema::TableDef& t, const std::string& field, const std::string& id) {
  auto st = store.db().Prepare("SELECT \"" + field + "\" FROM \"" + std::string(t.name) + "\" WHERE id=?");
  if (!st.ok()) return {};
  st->Bind(1, id);
  auto row = st->Step();
  if (!row.ok() || !*row || schema::IsNull(st->Column(0))) return {};
  return schema::ValueToDisplay(st->Column(0));
}

void WriteSide(ApiCall& call, JsonWriter& j, const char* key, const std::string& field, const std::string& value,
               const std::string& version) {
  sync::Stamp stamp;
  std::string writer;
  bool parsed = !version.empty() && sync::Hlc::ParseVersion(version, &stamp, &writer);
  std::string by = !parsed ? std::string()
                   : writer == call.store().node_id() ? std::string(Tr(call.lang, "this village office"))
                                                      : std::string(Tr(call.lang, "Dinsos"));
  j.Key(key).BeginObject().Field("value", value).Field("text", schema::FieldValueText(call.lang, field, value))
      .Field("when", parsed ? ShowTime(call, static_cast<int64_t>(stamp.physical_ms())) : std::string())
      .Field("by", by).EndObject();
}

}  // namespace

web::HttpResponse ListOpenConflicts(ApiCall& call) {
  NodeStore& store = call.store();
  auto rows = ListConflicts(store, /*all=*/false);
  if (!rows.ok()) return StatusReply(call, rows.status());
  JsonWriter j;
  j.BeginObject().Key("items").BeginArray();
  for (const auto& r : *rows) {
    const std::string table = Col(r, "tbl"), field = Col(r, "field"), row_id = Col(r, "row_id");
    const schema::TableDef* t = schema::FindTable(table);
    const schema::FieldDef* f = t ? schema::FindField(*t, field) : nullptr;
    if (!f) continue;  // a table or field this version does not know: the CLI shows it
    j.BeginObject().Field("id", Col(r, "id")).Field("what", RecordLabel(call, table, row_id))
        .Field("table", table).Field("row_id", row_id).Field("field", field)
        .Field("field_label", schema::FieldLabel(call.lang, table, field))
        .Field("current", CurrentValue(store, *t, field, row_id))
        .Field("village_may_write", sync::MayWrite(sync::Role::kVillage, f->owner));
    WriteSide(call, j, "winner", field, Col(r, "winner_value"), Col(r, "winner_version"));
    WriteSide(call, j, "loser", field, Col(r, "loser_value"), Col(r, "loser_version"));
    j.EndObject();
  }
  return JsonReply(200, j.EndArray().EndObject().str());
}

web::HttpResponse ResolveOpenConflict(ApiCall& call) {
  auto body = Body(call);
  if (!body.ok()) return StatusReply(call, body.status());
  const std::string keep = body->String("keep");
  if (keep != "winner" && keep != "loser" && keep != "value")
    return StatusReply(call, Status::InvalidArgument("keep must be winner, loser or value")
                                 .WithMsg(MsgId::kBadOptionValue, {"keep", keep}), "keep");
  // The value the page showed: without it a stale page could not be told.
  if (!body->IsString("expected_current"))
    return StatusReply(call, Status::InvalidArgument("expected_current is required")
                                 .WithMsg(MsgId::kFieldRequired, {"expected_current"}), "expected_current");
  Status st = ResolveConflict(call.store(), call.Param("id"), keep, body->String("value"),
                              body->String("expected_current"));
  if (!st.ok()) return StatusReply(call, st, keep == "value" && st.code() == Code::kInvalidArgument ? "value" : "");
  return JsonReply(200, JsonWriter().BeginObject().Field("id", call.Param("id")).Field("resolved", true)
                            .EndObject().str());
}

}  // namespace simpul::node::api
