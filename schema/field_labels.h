// Fields and values in the operator's words: "persons.nik" is "NIK", a sex
// code "P" is "Perempuan". Shared by the conflict views of the village and
// the Dinsos web apps, so both name a field the same way.
#ifndef SIMPUL_SCHEMA_FIELD_LABELS_H_
#define SIMPUL_SCHEMA_FIELD_LABELS_H_

#include <string>

#include "schema/messages.h"

namespace simpul::schema {

// The field's name in `lang` ("table", "column"); the column itself when it
// has no name of its own.
std::string FieldLabel(Lang lang, const std::string& table, const std::string& field);

// A stored value in words: the label of a code (sex, relation, service,
// complaint category, urgency), the text itself otherwise.
std::string FieldValueText(Lang lang, const std::string& field, const std::string& value);

}  // namespace simpul::schema

#endif  // SIMPUL_SCHEMA_FIELD_LABELS_H_
