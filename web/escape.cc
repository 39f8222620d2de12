#include "web/escape.h"

#include "web/http.h"

namespace simpul::web {

std::string HtmlEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 16);
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string ContentDisposition(std::string_view disposition, std::string_view filename) {
  // Only the last path component: a name never points anywhere.
  auto slash = filename.find_last_of("/\\");
  if (slash != std::string_view::npos) filename.remove_prefix(slash + 1);
  if (filename.empty() || filename == "." || filename == "..") filename = "document";
  std::string ascii;
  for (unsigned char c : filename) {
    bool plain = c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != ';' && c != '%';
    ascii.push_back(plain ? static_cast<char>(c) : '_');
  }
  std::string out(disposition == "inline" ? "inline" : "attachment");
  out += "; filename=\"" + ascii + "\"";
  if (ascii != filename) out += "; filename*=UTF-8''" + PercentEncode(filename);
  return out;
}

}  // namespace simpul::web
