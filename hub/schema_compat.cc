#include "hub/schema_compat.h"

#include <algorithm>

#include "schema/tables.h"

namespace simpul::hub {

void KeepFieldsKnownAt(int schema_version, std::vector<sync::wire::Change>* changes) {
  auto unknown = [&](const std::string& table, const sync::wire::FieldChange& f) {
    const schema::TableDef* t = schema::FindTable(table);
    const schema::FieldDef* def = t ? schema::FindField(*t, f.field) : nullptr;
    return def && !schema::KnownAtSchema(*def, schema_version);
  };
  std::erase_if(*changes, [&](const sync::wire::Change& c) {
    const schema::TableDef* t = schema::FindTable(c.table);
    return t && !schema::KnownAtSchema(*t, schema_version);
  });
  for (auto& c : *changes)
    std::erase_if(c.fields, [&](const sync::wire::FieldChange& f) { return unknown(c.table, f); });
  std::erase_if(*changes, [](const sync::wire::Change& c) {
    return c.fields.empty() && !(c.flags & sync::wire::kFlagScopeOut);
  });
}

}  // namespace simpul::hub
