// The command-line grammar both tools share (simpul-node, simpul-hub): the
// global options, `--key value` or `--key=value`, flags that take no value,
// and the command as the longest run of leading words that names one in the
// tool's table. Exit codes: schema/exit_codes.h, also shared.
#ifndef SIMPUL_SCHEMA_COMMAND_LINE_H_
#define SIMPUL_SCHEMA_COMMAND_LINE_H_

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "schema/status.h"

namespace simpul::schema {

struct CommandLine {
  std::vector<std::string> words;              // everything that is not an option, in order
  std::map<std::string, std::string> options;  // the command's own options (flags: "1")
  std::string data, user, lang;                // --data, --user, --lang
  bool json = false, help = false;
  // The first option given without its value (kOptionNeedsValue); the rest
  // is parsed, so that --help still works.
  Status error;
};

// Parses `args` (without the program's name); `flags` are the options that
// take no value.
CommandLine ParseCommandLine(const std::vector<std::string>& args, std::initializer_list<std::string_view> flags);

// `text` as a whole decimal integer ("12", "-3"), or nothing ("", "12x",
// " 5", "1e9", out of range): the one reader of numbers typed by people,
// in options, query strings and forms.
std::optional<int64_t> WholeInt(std::string_view text);

// A command's number options, read whole: `fallback` when absent;
// InvalidArgument naming the option (kBadOptionValue) when the value is not
// a plain number ("abc", "1e9", " 5", "nan", "inf") or lies outside
// [min, max]. atoi() made "abc" 0 and the command went on with it.
Result<int64_t> IntOption(const std::map<std::string, std::string>& options, const std::string& name,
                          int64_t fallback, int64_t min, int64_t max);
// Seconds: digits with an optional fraction ("1800", "0.5").
Result<double> SecondsOption(const std::map<std::string, std::string>& options, const std::string& name,
                             double fallback, double min, double max);

// How many of `words` the command `path` ("application new") spells from
// the first word on; 0 if it does not.
size_t PathWords(std::string_view path, const std::vector<std::string>& words);

// The entry of `table` (anything with a `path`) whose path is the longest
// that the leading `words` spell, or nullptr; `used`: the words it took.
template <typename Table>
auto FindCommand(const Table& table, const std::vector<std::string>& words, size_t* used) -> decltype(&*std::begin(table)) {
  decltype(&*std::begin(table)) found = nullptr;
  *used = 0;
  for (const auto& c : table)
    if (size_t n = PathWords(c.path, words); n > *used) {
      found = &c;
      *used = n;
    }
  return found;
}

}  // namespace simpul::schema

#endif  // SIMPUL_SCHEMA_COMMAND_LINE_H_
