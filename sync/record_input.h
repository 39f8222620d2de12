// What an operator types for a record (household, person, application,
// complaint), checked and turned into the fields a ChangeWriter writes: the
// one set of rules for the village node's commands and web app
// (node/records.h) and for the hub writing a village's register
// (hub/register_import.h), so a record imported at Dinsos is held to
// exactly what a village operator typing it is.
//
// Pure over a database handle: reads (regions, the rows an option names),
// never writes. Thread-safety: as the Db it is given.
#ifndef SIMPUL_SYNC_RECORD_INPUT_H_
#define SIMPUL_SYNC_RECORD_INPUT_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "schema/db.h"
#include "schema/status.h"
#include "schema/validate.h"
#include "schema/value.h"
#include "sync/change_capture.h"

namespace simpul::sync {

enum class Entity { kHousehold, kPerson, kApplication, kComplaint };

const char* EntityTable(Entity e);

// Option name (without "--") -> value, as typed by the operator.
using Options = std::map<std::string, std::string>;

struct OptionSpec {
  const char* option;       // e.g. "kk"
  const char* field;        // column, e.g. "no_kk"
  bool required_on_create;
  const char* help;          // English; shown through the catalogue
};
// The options `add`/`new`/`edit` accept for an entity.
const std::vector<OptionSpec>& EntityOptions(Entity e);

// Where a record is checked. `db` must outlive the context.
struct RecordContext {
  schema::Db& db;
  std::string today;    // YYYY-MM-DD (UTC) by the writer's clock: no date after it
  std::string village;  // "" = every row is this store's (a node); else rows an option names must be in it
};

// NotFound naming the record.
Status RecordNotFound(Entity e, const std::string& id);
// Whether row `id` exists, is not deleted and (with a village) is in it.
Result<bool> RecordExists(const RecordContext& ctx, Entity e, const std::string& id);
// Column `col` of row `id` (deleted or not), or NotFound.
Result<schema::Value> RecordColumn(schema::Db& db, Entity e, const std::string& id, const std::string& col);

std::string TextOf(const schema::Value& v);
// Whether a typed relation to the head of household is 1 (the head) as the
// record stores it: spaces and tabs around, a leading "+" and zeros ("01")
// read as the integer field does.
bool IsHeadRelation(std::string_view typed);
schema::Value* FindValue(std::vector<FieldWrite>& fields, const char* name);

// Checks every option of `opts` for `e` (unknown ones refused, required ones
// on create) and returns the fields to write; errors name the option.
Result<std::vector<FieldWrite>> BuildRecordFields(const RecordContext& ctx, Entity e, const Options& opts,
                                                  bool creating, std::vector<schema::Warning>* warnings);
// Cross-field soft checks of a person (`id` "" when new): NIK against sex and
// birth date, as warnings.
void AddPersonWarnings(const RecordContext& ctx, const std::string& id, std::vector<FieldWrite>& fields,
                       std::vector<schema::Warning>* warnings);

}  // namespace simpul::sync

#endif  // SIMPUL_SYNC_RECORD_INPUT_H_
