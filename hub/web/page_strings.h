// The texts of the Dinsos web pages, in the operator's language, through
// the project's one catalogue (schema/messages.h: the English text is the
// key, Tr() gives Bahasa Indonesia). The pages fetch them from
// GET /api/v1/strings as {key: text}; page files carry keys only
// (data-t="queue.title"), never words of their own.
//
// Thread-safety: constant tables and pure functions.
#ifndef SIMPUL_HUB_WEB_PAGE_STRINGS_H_
#define SIMPUL_HUB_WEB_PAGE_STRINGS_H_

#include <span>
#include <string>

#include "schema/json_writer.h"
#include "schema/messages.h"

namespace simpul::hub {

struct PageString {
  const char* key;
  const char* en;  // the catalogue's key
};
// The strings of the cases, exports, villages and audit pages
// (page_strings_office.cc).
std::span<const PageString> OfficePageStrings();

// Writes the object {key: text} of every page string (roles included).
void WritePageStrings(Lang lang, schema::JsonWriter& j);

// The label of a workflow status ("under review") / event kind.
const char* StatusLabel(Lang lang, const std::string& status);
const char* EventLabel(Lang lang, const std::string& kind);

// The statuses the queue has tabs for, in tab order.
inline constexpr const char* kQueueStatuses[] = {"submitted", "in_review", "returned", "approved",
                                                 "letter_issued", "rejected", "withdrawn", "draft"};

}  // namespace simpul::hub

#endif  // SIMPUL_HUB_WEB_PAGE_STRINGS_H_
