// The hub's own screen texts (CLI, Dinsos web app, exports and reports), keyed by their English
// text, in Bahasa Indonesia: the part of the one catalogue (schema/ui_texts.h)
// that only this app shows. Code in simpul::hub calls Tr(lang, "...") and
// reaches this table first, then the shared one. Tr is an object, not a
// function, so inside simpul::hub it hides simpul::Tr (which knows only the
// shared texts): argument-dependent lookup never adds a function beside an
// object. Every file here that calls Tr includes this header
// (tools/check_catalogue.py checks it).
#ifndef SIMPUL_HUB_UI_TEXTS_H_
#define SIMPUL_HUB_UI_TEXTS_H_

#include "schema/messages.h"

namespace simpul::hub {

struct HubTexts {
  const char* operator()(Lang lang, const char* english) const;
};
inline constexpr HubTexts Tr{};

}  // namespace simpul::hub

#endif  // SIMPUL_HUB_UI_TEXTS_H_
