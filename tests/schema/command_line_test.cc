// schema/command_line.h: the grammar both command-line tools share.
#include "schema/command_line.h"

#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

#include "schema/messages.h"

namespace simpul::schema {
namespace {

struct Entry {
  const char* path;
  int id;
};

TEST_CASE("WholeInt: a whole decimal integer or nothing") {
  CHECK(WholeInt("12") == 12);
  CHECK(WholeInt("-3") == -3);
  CHECK(WholeInt("0") == 0);
  for (const char* bad : {"", "12x", " 5", "5 ", "1e9", "0x10", "+5", "abc", "99999999999999999999"})
    CHECK_MESSAGE(!WholeInt(bad).has_value(), bad);
}

TEST_CASE("options: --key value, --key=value, flags, the global ones apart, words in order") {
  CommandLine c = ParseCommandLine({"--data", "/d", "application", "--json", "list", "--status=draft", "--all",
                                    "--user", "siti", "--lang", "id", "x", "--help"},
                                   {"json", "help", "all"});
  CHECK(c.error.ok());
  CHECK(c.words == std::vector<std::string>{"application", "list", "x"});
  CHECK(c.data == "/d");
  CHECK(c.user == "siti");
  CHECK(c.lang == "id");
  CHECK(c.json);
  CHECK(c.help);
  CHECK(c.options.size() == 2);
  CHECK(c.options["status"] == "draft");
  CHECK(c.options["all"] == "1");
}

TEST_CASE("a flag of one tool takes a value in the other; a value may start with dashes; '--' alone is a word") {
  CommandLine c = ParseCommandLine({"--all", "x", "--reason", "--lihat--", "--"}, {"json"});
  CHECK(c.options["all"] == "x");
  CHECK(c.options["reason"] == "--lihat--");
  CHECK(c.words == std::vector<std::string>{"--"});
}

TEST_CASE("an option without its value is the error, named; the rest is still read (for --help)") {
  CommandLine c = ParseCommandLine({"sync", "--help", "--batch"}, {"help"});
  REQUIRE_FALSE(c.error.ok());
  CHECK(c.error.code() == Code::kInvalidArgument);
  CHECK(c.error.field() == "--batch");
  CHECK(Describe(Lang::kEn, c.error) == "Option --batch needs a value.");
  CHECK(c.help);
  CHECK(c.words == std::vector<std::string>{"sync"});
}

TEST_CASE("the command is the longest path the leading words spell") {
  const std::vector<Entry> table = {{"application", 1}, {"application list", 2}, {"application list all", 3},
                                    {"case", 4}};
  size_t used = 99;
  const Entry* e = FindCommand(table, {"application", "list", "--x"}, &used);
  REQUIRE(e);
  CHECK(e->id == 2);
  CHECK(used == 2);
  e = FindCommand(table, {"application", "show", "A1"}, &used);
  REQUIRE(e);
  CHECK(e->id == 1);
  CHECK(used == 1);
  CHECK(FindCommand(table, {"applications"}, &used) == nullptr);
  CHECK(used == 0);
  CHECK(FindCommand(table, {}, &used) == nullptr);
  const Entry plain[] = {{"init", 5}, {"node enrol", 6}};
  const Entry* p = FindCommand(plain, {"node", "enrol", "x"}, &used);
  REQUIRE(p);
  CHECK(p->id == 6);
  CHECK(PathWords("node enrol", {"node"}) == 0);
}

TEST_CASE("number options are read whole: a typo is refused, named, never taken in part") {
  const std::map<std::string, std::string> opts = {
      {"days", "3650"}, {"typo", "36S0"}, {"empty", ""}, {"neg", "-1"}, {"plus", "+5"}, {"space", " 5"},
      {"huge", "99999999999999999999"}, {"sec", "0.5"}, {"exp", "1e3"}, {"nan", "nan"}, {"inf", "inf"},
      {"dot", "5."}, {"lead", ".5"}, {"two", "1.2.3"}};
  auto days = IntOption(opts, "days", 7, 1, 36'600);
  REQUIRE(days.ok());
  CHECK(*days == 3650);
  auto absent = IntOption(opts, "missing", 7, 1, 90);
  REQUIRE(absent.ok());
  CHECK(*absent == 7);
  for (const char* bad : {"typo", "empty", "neg", "plus", "space", "huge", "sec", "exp"}) {
    auto r = IntOption(opts, bad, 7, 1, 36'600);
    REQUIRE_MESSAGE(!r.ok(), bad);
    CHECK(r.status().code() == Code::kInvalidArgument);
    CHECK(r.status().field() == std::string("--") + bad);
  }
  CHECK_FALSE(IntOption(opts, "days", 7, 1, 90).ok());  // out of range: refused, not clamped
  auto half = SecondsOption(opts, "sec", 30, 0.1, 604'800);
  REQUIRE(half.ok());
  CHECK(*half == doctest::Approx(0.5));
  CHECK(*SecondsOption(opts, "days", 30, 0.1, 604'800) == doctest::Approx(3650));
  CHECK(*SecondsOption(opts, "missing", 30, 0.1, 604'800) == doctest::Approx(30));
  for (const char* bad : {"typo", "empty", "neg", "plus", "space", "exp", "nan", "inf", "dot", "lead", "two", "huge"})
    CHECK_MESSAGE(!SecondsOption(opts, bad, 30, 0.1, 604'800).ok(), bad);
}

}  // namespace
}  // namespace simpul::schema
