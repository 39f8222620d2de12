// The texts of the village web pages, in the operator's language, through
// the project's one catalogue (schema/messages.h: the English text is the
// key, Tr() gives Bahasa Indonesia). The pages fetch them from
// GET /api/v1/strings as {key: text}; page files carry keys only
// (data-t="find.title"), never words of their own.
//
// Thread-safety: constant tables and pure functions.
#ifndef SIMPUL_NODE_WEB_PAGE_STRINGS_H_
#define SIMPUL_NODE_WEB_PAGE_STRINGS_H_

#include <string>

#include "schema/json_writer.h"
#include "schema/messages.h"

namespace simpul::node {

// Writes the object {key: text} of every page string (roles and workflow
// statuses included: "role.village_operator", "status.returned").
void WriteVillagePageStrings(Lang lang, schema::JsonWriter& j);

// kiosk_strings.cc: the kiosk form's object {key: text}, and the operator's
// review pages' strings written into an open object.
void WriteKioskPageStrings(Lang lang, schema::JsonWriter& j);
void AddKioskReviewStrings(Lang lang, schema::JsonWriter& j);

// The label of a workflow status ("returned for completion") / event kind;
// the code itself when unknown.
std::string VillageStatusLabel(Lang lang, const std::string& status);
std::string VillageEventLabel(Lang lang, const std::string& kind);
// The label of a case's status ("in progress") / step ("follow-up note").
std::string VillageCaseStatusLabel(Lang lang, const std::string& status);
std::string VillageCaseStepLabel(Lang lang, const std::string& kind);

}  // namespace simpul::node

#endif  // SIMPUL_NODE_WEB_PAGE_STRINGS_H_
