// Screen texts, keyed by their English text (gettext style): one catalogue
// in three tables. The texts both apps show, or that schema/ and sync/ show,
// are in schema/ui_texts.cc; the village node's own are in node/ui_texts.cc,
// the hub's in hub/ui_texts.cc, beside the code that shows them. An app looks
// a text up in its own table first, then in the shared one (simpul::Tr);
// tools/check_catalogue.py checks that every text shown has its Bahasa
// Indonesia entry in a table the showing code reaches, and that each entry
// sits in the narrowest table.
#ifndef SIMPUL_SCHEMA_UI_TEXTS_H_
#define SIMPUL_SCHEMA_UI_TEXTS_H_

#include <span>
#include <string_view>
#include <unordered_map>

#include "schema/messages.h"

namespace simpul {

struct UiText {
  const char* en;
  const char* id;  // Bahasa Indonesia
};

// A table of texts indexed by their English text.
class UiTextIndex {
 public:
  explicit UiTextIndex(std::span<const UiText> texts);
  // The Bahasa Indonesia text for `english`, or nullptr when the table has none.
  const char* Find(const char* english) const;

 private:
  std::unordered_map<std::string_view, const char*> index_;
};

// An app's lookup: its own table's text for `english`, else the shared
// catalogue's (Tr), else `english`.
const char* TrWith(const UiTextIndex& own, Lang lang, const char* english);

}  // namespace simpul

#endif  // SIMPUL_SCHEMA_UI_TEXTS_H_
