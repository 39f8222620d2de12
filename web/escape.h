// Escaping for the few things the server itself writes into HTML or headers.
// The pages never build HTML from data on the server: their scripts write
// every value with textContent. What the server does write (an error page
// before the scripts run, a file name in Content-Disposition) goes through
// these.
//
// Thread-safety: pure functions.
#ifndef SIMPUL_WEB_ESCAPE_H_
#define SIMPUL_WEB_ESCAPE_H_

#include <string>
#include <string_view>

namespace simpul::web {

// & < > " ' as character references: safe in element content and in quoted
// attribute values.
std::string HtmlEscape(std::string_view s);

// A Content-Disposition value (RFC 6266): `disposition` is "inline" or
// "attachment"; the file name's ASCII form (quotes, backslashes, control
// and non-ASCII characters replaced by '_', path separators dropped) in
// filename="...", and the exact UTF-8 name in filename*=UTF-8''... .
std::string ContentDisposition(std::string_view disposition, std::string_view filename);

}  // namespace simpul::web

#endif  // SIMPUL_WEB_ESCAPE_H_
