// The village node's own screen texts (CLI, village web app and kiosk), keyed by their English
// text, in Bahasa Indonesia: the part of the one catalogue (schema/ui_texts.h)
// that only this app shows. Code in simpul::node calls Tr(lang, "...") and
// reaches this table first, then the shared one. Tr is an object, not a
// function, so inside simpul::node it hides simpul::Tr (which knows only the
// shared texts): argument-dependent lookup never adds a function beside an
// object. Every file here that calls Tr includes this header
// (tools/check_catalogue.py checks it).
#ifndef SIMPUL_NODE_UI_TEXTS_H_
#define SIMPUL_NODE_UI_TEXTS_H_

#include "schema/messages.h"

namespace simpul::node {

struct NodeTexts {
  const char* operator()(Lang lang, const char* english) const;
};
inline constexpr NodeTexts Tr{};

}  // namespace simpul::node

#endif  // SIMPUL_NODE_UI_TEXTS_H_
