#include "schema/command_line.h"

#include <algorithm>
#include <charconv>

#include "schema/messages.h"

namespace simpul::schema {

CommandLine ParseCommandLine(const std::vector<std::string>& args, std::initializer_list<std::string_view> flags) {
  CommandLine out;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.rfind("--", 0) != 0 || a.size() <= 2) {
      out.words.push_back(a);
      continue;
    }
    std::string name = a.substr(2), value;
    const size_t eq = name.find('=');
    if (eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
    } else if (std::find(flags.begin(), flags.end(), name) != flags.end()) {
      value = "1";
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      if (out.error.ok())
        out.error = Status::InvalidArgument("option --" + name + " needs a value")
                        .WithField("--" + name).WithMsg(MsgId::kOptionNeedsValue, {"--" + name});
      continue;
    }
    if (name == "data") out.data = value;
    else if (name == "user") out.user = value;
    else if (name == "lang") out.lang = value;
    else if (name == "json") out.json = true;
    else if (name == "help") out.help = true;
    else out.options[name] = value;
  }
  return out;
}

size_t PathWords(std::string_view path, const std::vector<std::string>& words) {
  size_t n = 0, start = 0;
  while (start <= path.size()) {
    size_t end = path.find(' ', start);
    if (end == std::string_view::npos) end = path.size();
    if (n >= words.size() || words[n] != path.substr(start, end - start)) return 0;
    ++n;
    start = end + 1;
  }
  return n;
}

namespace {

Status BadOption(const std::string& name, const std::string& value) {
  return Status::InvalidArgument("invalid value '" + value + "' for option --" + name)
      .WithField("--" + name)
      .WithMsg(MsgId::kBadOptionValue, {"--" + name, value});
}

}  // namespace

Result<int64_t> IntOption(const std::map<std::string, std::string>& options, const std::string& name,
                          int64_t fallback, int64_t min, int64_t max) {
  const auto it = options.find(name);
  if (it == options.end()) return fallback;
  const std::string& text = it->second;
  const std::optional<int64_t> v = WholeInt(text);
  if (!v || *v < min || *v > max) return BadOption(name, text);
  return *v;
}

std::optional<int64_t> WholeInt(std::string_view text) {
  int64_t v = 0;
  const char* end = text.data() + text.size();
  auto [at, ec] = std::from_chars(text.data(), end, v);
  if (text.empty() || ec != std::errc() || at != end) return std::nullopt;
  return v;
}

Result<double> SecondsOption(const std::map<std::string, std::string>& options, const std::string& name,
                             double fallback, double min, double max) {
  const auto it = options.find(name);
  if (it == options.end()) return fallback;
  const std::string& text = it->second;
  // Digits, then at most one point and digits: no sign, exponent, hex, inf or nan.
  const size_t point = text.find('.');
  const bool digits_only = !text.empty() && text.front() != '.' && text.back() != '.' &&
                           text.find_first_not_of("0123456789.") == std::string::npos &&
                           (point == std::string::npos || text.find('.', point + 1) == std::string::npos);
  double v = 0;
  if (!digits_only) return BadOption(name, text);
  auto [at, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || at != text.data() + text.size() || v < min || v > max) return BadOption(name, text);
  return v;
}

}  // namespace simpul::schema
