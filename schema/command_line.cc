#include "schema/command_line.h"

#include <algorithm>

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

}  // namespace simpul::schema
