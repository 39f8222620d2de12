// Edits of a registered household or person from the village app: what
// `simpul-node household edit` and `person edit` do (EditRecord: the same
// checks, change capture, the outbox). For each field it changes, the page
// sends the value it showed ("expected.FIELD"): a field changed meanwhile
// (another tab, a sync bringing Dinsos's edit) is refused naming it, with
// nothing written (409), instead of the last save silently winning.
#include <span>

#include "node/api/api_call.h"
#include "schema/field_labels.h"

namespace simpul::node::api {
namespace {

constexpr const char* kPersonFields[] = {"name", "nik", "birth_place", "birth_date", "sex", "relation",
                                         "disability", "phone"};
constexpr const char* kHouseholdFields[] = {"no_kk", "address", "rt", "rw"};

// The CLI option that writes `field` (EntityOptions).
std::string OptionOf(Entity e, const std::string& field) {
  for (const auto& spec : EntityOptions(e))
    if (field == spec.field) return spec.option;
  return field;
}

web::HttpResponse Edit(ApiCall& call, Entity e, const char* table, std::span<const char* const> fields) {
  auto body = Body(call);
  if (!body.ok()) return StatusReply(call, body.status());
  NodeStore& store = call.store();
  const std::string id = call.Param("id");
  auto txn = schema::Transaction::Begin(store.db());
  if (!txn.ok()) return StatusReply(call, txn.status());
  auto row = ReadRecord(store, e, id);
  if (!row.ok()) return StatusReply(call, row.status());
  Options opts;
  for (const char* field : fields) {
    if (!body->IsString(field)) continue;
    const std::string value = body->String(field), now = Col(*row, field);
    if (value == now) continue;  // unchanged: nothing to write
    const std::string expected_key = std::string("expected.") + field;
    if (!body->IsString(expected_key))
      return StatusReply(call, Status::InvalidArgument(expected_key + " is required")
                                   .WithMsg(MsgId::kFieldRequired, {expected_key}), field);
    if (body->String(expected_key) != now)
      return StatusReply(call, Status::Aborted(std::string(field) + " changed meanwhile; nothing was written")
                                   .WithMsg(MsgId::kWebChangedMeanwhile,
                                            {schema::FieldLabel(call.lang, table, field), now}), field);
    opts[OptionOf(e, field)] = value;
  }
  int changed = static_cast<int>(opts.size());
  std::vector<schema::Warning> warnings;
  if (changed > 0) {
    auto written = EditRecord(store, e, id, opts);
    if (!written.ok()) return StatusReply(call, written.status(), FormField(e, written.status().field()));
    warnings = written->warnings;
    if (Status st = txn->Commit(); !st.ok()) return StatusReply(call, st);
  }
  JsonWriter j;
  j.BeginObject().Field("id", id).Field("changed", changed).Key("warnings").BeginArray();
  for (const auto& w : warnings) j.String(Msg(call.lang, w.id, w.args));
  return JsonReply(200, j.EndArray().EndObject().str());
}

}  // namespace

web::HttpResponse EditPersonApi(ApiCall& call) { return Edit(call, Entity::kPerson, "persons", kPersonFields); }

web::HttpResponse EditHouseholdApi(ApiCall& call) {
  return Edit(call, Entity::kHousehold, "households", kHouseholdFields);
}

}  // namespace simpul::node::api
