#include "schema/key_value_text.h"

#include <cmath>
#include <cstdlib>

namespace simpul::schema {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::vector<std::string> SplitBar(std::string_view s) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (;;) {
    size_t bar = s.find('|', start);
    parts.emplace_back(Trim(s.substr(start, bar == std::string_view::npos ? bar : bar - start)));
    if (bar == std::string_view::npos) break;
    start = bar + 1;
  }
  return parts;
}

bool ParseNumber(const std::string& s, double* out) {
  if (s.empty() || s.size() > 32) return false;
  char* end = nullptr;
  *out = std::strtod(s.c_str(), &end);
  return end && *end == '\0' && std::isfinite(*out);  // no nan/inf in a data file
}

bool IsCode(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
  return true;
}

Status ForEachKeyValue(std::string_view text,
                       const std::function<Status(int, const std::string&, std::string_view)>& fn,
                       const std::function<Status(int, const std::string&)>& bad) {
  int line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = Trim(text.substr(pos, end - pos));
    pos = end + 1;
    ++line_no;
    if (line.empty() || line.front() == '#') continue;
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) return bad(line_no, "expected 'key = value'");
    SIMPUL_RETURN_IF_ERROR(fn(line_no, std::string(Trim(line.substr(0, eq))), Trim(line.substr(eq + 1))));
  }
  return Status::Ok();
}

}  // namespace simpul::schema
