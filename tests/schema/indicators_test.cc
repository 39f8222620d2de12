// Tests for schema/indicators.h: the shipped poverty-indicator sets, scoring,
// answer validation and encoding, and refusal of malformed set texts.
#include "schema/indicators.h"

#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "schema/messages.h"

namespace simpul::schema {
namespace {

IndicatorSet ParseOrDie(std::string_view text) {
  auto r = ParseIndicatorSet(text);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  return std::move(r).value();
}

IndicatorSet Builtin(const std::string& id) {
  for (auto text : BuiltinIndicatorSets()) {
    auto set = ParseOrDie(text);
    if (set.id == id) return set;
  }
  FAIL("no builtin set " << id);
  return {};
}

// Answers "ya" to the first `n_yes` of `items` and "tidak" to the rest.
Answers YesNo(const std::vector<std::string>& items, int n_yes) {
  Answers a;
  for (size_t i = 0; i < items.size(); ++i)
    a[items[i]] = static_cast<int>(i) < n_yes ? "ya" : "tidak";
  return a;
}

const std::vector<std::string> kKepmensosCriteria = {
    "head_not_working", "food_insecure", "food_share_high", "no_clothing_spend",
    "earth_floor",      "poor_walls",    "no_toilet",       "low_power"};

const std::vector<std::string> kBps14Items = {
    "floor_area", "floor_type",   "wall_type", "no_toilet", "no_electricity",
    "unsafe_water", "cooking_fuel", "protein", "clothing",  "meals",
    "health_cost", "income",       "education", "no_savings"};

// A small valid set the malformed cases are derived from.
const char* kMiniSet = R"(# comment
set = mini
version = 2
title = Mini
source = test
auto_band = top
band = 0 | 1 | low | Rendah | Low
band = 1 | 10 | high | Tinggi | High

item = a
text_id = A
text_en = A
weight = 2
auto_qualify = ya
option = ya | 1 | Ya | Yes
option = tidak | 0 | Tidak | No

item = b
text_id = B
text_en = B
option = ya | 0.5 | Ya | Yes
option = tidak | 0 | Tidak | No
)";

TEST_CASE("both builtin indicator sets parse") {
  auto texts = BuiltinIndicatorSets();
  REQUIRE(texts.size() == 2);
  std::vector<std::string> ids;
  for (auto text : texts) {
    CHECK_FALSE(text.empty());
    auto set = ParseOrDie(text);
    ids.push_back(set.id);
    CHECK(set.version == 1);
    CHECK_FALSE(set.title.empty());
    CHECK_FALSE(set.source.empty());
    CHECK(set.text == text);
    for (const auto& item : set.items) {
      CAPTURE(item.code);
      CHECK_FALSE(item.text_id.empty());
      CHECK_FALSE(item.text_en.empty());
      REQUIRE(item.options.size() == 2);
      CHECK(item.options[0].code == "ya");
      CHECK(item.options[1].code == "tidak");
      CHECK(set.Find(item.code) == &item);
    }
    // Bands are contiguous and ordered.
    REQUIRE_FALSE(set.bands.empty());
    CHECK(set.bands.front().min == 0);
    for (size_t i = 1; i < set.bands.size(); ++i) CHECK(set.bands[i].min == set.bands[i - 1].max);
  }
  CHECK(ids == std::vector<std::string>{"kepmensos-262", "bps-14"});
  CHECK(std::string(kDefaultIndicatorSet) == "kepmensos-262");

  auto k = Builtin("kepmensos-262");
  CHECK(k.items.size() == 9);
  CHECK(k.auto_band == "fakir_miskin");
  REQUIRE(k.Find("no_shelter"));
  CHECK(k.Find("no_shelter")->auto_qualify == std::optional<std::string>("ya"));
  CHECK(k.bands.size() == 4);
  CHECK(k.Find("nope") == nullptr);

  auto b = Builtin("bps-14");
  CHECK(b.items.size() == 14);
  CHECK(b.auto_band.empty());
  CHECK(b.bands.size() == 2);
  for (const auto& code : kBps14Items) CHECK_MESSAGE(b.Find(code), code);
}

TEST_CASE("Kepmensos 262: no shelter qualifies outright") {
  auto set = Builtin("kepmensos-262");
  SUBCASE("only no_shelter answered") {
    auto r = ComputeScore(set, {{"no_shelter", "ya"}});
    CHECK(r.auto_qualified);
    CHECK(r.band == "fakir_miskin");
    CHECK(r.score == 0);
    CHECK(r.answered == 1);
  }
  SUBCASE("no_shelter with no other criterion met") {
    Answers a = YesNo(kKepmensosCriteria, 0);
    a["no_shelter"] = "ya";
    auto r = ComputeScore(set, a);
    CHECK(r.auto_qualified);
    CHECK(r.band == "fakir_miskin");
    CHECK(r.answered == 9);
  }
  SUBCASE("no_shelter = tidak does not qualify") {
    auto r = ComputeScore(set, {{"no_shelter", "tidak"}});
    CHECK_FALSE(r.auto_qualified);
    CHECK(r.band == "tidak_miskin");
  }
}

TEST_CASE("Kepmensos 262: counting criteria gives the band") {
  auto set = Builtin("kepmensos-262");
  struct Case {
    int yes;
    const char* band;
  };
  const Case cases[] = {{0, "tidak_miskin"}, {1, "tidak_miskin"}, {2, "rentan"},
                        {3, "rentan"},       {4, "miskin"},       {5, "miskin"},
                        {6, "fakir_miskin"}, {7, "fakir_miskin"}, {8, "fakir_miskin"}};
  for (const auto& c : cases) {
    CAPTURE(c.yes);
    Answers a = YesNo(kKepmensosCriteria, c.yes);
    a["no_shelter"] = "tidak";
    REQUIRE(ValidateAnswers(set, a).ok());
    auto r = ComputeScore(set, a);
    CHECK(r.score == doctest::Approx(c.yes));
    CHECK(r.band == c.band);
    CHECK_FALSE(r.auto_qualified);
    CHECK(r.answered == 9);
  }
  // Which criteria are met does not matter, only how many.
  Answers a;
  a["low_power"] = "ya";
  a["earth_floor"] = "ya";
  auto r = ComputeScore(set, a);
  CHECK(r.score == doctest::Approx(2));
  CHECK(r.band == "rentan");
  CHECK(r.answered == 2);
}

TEST_CASE("BPS-14: nine criteria or more is poor") {
  auto set = Builtin("bps-14");
  struct Case {
    int yes;
    const char* band;
  };
  const Case cases[] = {{0, "tidak_miskin"}, {1, "tidak_miskin"}, {8, "tidak_miskin"},
                        {9, "miskin"},       {10, "miskin"},      {14, "miskin"}};
  for (const auto& c : cases) {
    CAPTURE(c.yes);
    Answers a = YesNo(kBps14Items, c.yes);
    REQUIRE(ValidateAnswers(set, a).ok());
    auto r = ComputeScore(set, a);
    CHECK(r.score == doctest::Approx(c.yes));
    CHECK(r.band == c.band);
    CHECK(r.answered == 14);
    CHECK_FALSE(r.auto_qualified);
  }
  // The order of the items answered "ya" does not matter.
  Answers a = YesNo(kBps14Items, 14);
  for (int i = 0; i < 5; ++i) a[kBps14Items[i * 2]] = "tidak";
  CHECK(ComputeScore(set, a).band == "miskin");  // 9 left
  a[kBps14Items[1]] = "tidak";
  CHECK(ComputeScore(set, a).band == "tidak_miskin");  // 8 left
}

TEST_CASE("ComputeScore applies weights and ignores unknown answers") {
  auto set = ParseOrDie(kMiniSet);
  auto r = ComputeScore(set, {{"b", "ya"}});
  CHECK(r.score == doctest::Approx(0.5));
  CHECK(r.band == "low");
  r = ComputeScore(set, {{"a", "tidak"}, {"b", "ya"}});
  CHECK(r.score == doctest::Approx(0.5));
  CHECK(r.answered == 2);
  r = ComputeScore(set, {{"a", "ya"}});
  CHECK(r.score == doctest::Approx(2));  // weight 2 x 1
  CHECK(r.auto_qualified);
  CHECK(r.band == "top");
  // ComputeScore does not validate: unknown items/options count for nothing.
  r = ComputeScore(set, {{"zzz", "ya"}, {"b", "maybe"}});
  CHECK(r.answered == 0);
  CHECK(r.score == 0);
  // No answers: score 0 in the lowest band.
  r = ComputeScore(set, {});
  CHECK(r.answered == 0);
  CHECK(r.band == "low");
  // A score outside every band has no band.
  auto wide = ParseOrDie(std::string(kMiniSet) + "weight = 100\n");
  r = ComputeScore(wide, {{"b", "ya"}});
  CHECK(r.score == doctest::Approx(50));
  CHECK(r.band == "");
}

TEST_CASE("ValidateAnswers refuses unknown items and options") {
  auto set = Builtin("kepmensos-262");
  CHECK(ValidateAnswers(set, {}).ok());
  CHECK(ValidateAnswers(set, {{"no_toilet", "ya"}}).ok());  // partial is fine

  struct Case {
    const char* name;
    Answers answers;
    MsgId id;
    std::vector<std::string> args;
  };
  const Case cases[] = {
      {"unknown item", {{"owns_phone", "ya"}}, MsgId::kIndicatorUnknown,
       {"owns_phone", "kepmensos-262 v1"}},
      {"unknown option", {{"no_toilet", "mungkin"}}, MsgId::kIndicatorAnswer,
       {"no_toilet", "mungkin", "ya, tidak"}},
      {"option of another case", {{"no_toilet", "Ya"}}, MsgId::kIndicatorAnswer,
       {"no_toilet", "Ya", "ya, tidak"}},
      {"empty option", {{"no_toilet", ""}}, MsgId::kIndicatorAnswer,
       {"no_toilet", "", "ya, tidak"}},
      {"a BPS item in the Kepmensos set", {{"floor_area", "ya"}, {"no_toilet", "ya"}},
       MsgId::kIndicatorUnknown, {"floor_area", "kepmensos-262 v1"}},
  };
  for (const auto& c : cases) {
    CAPTURE(std::string(c.name));
    Status st = ValidateAnswers(set, c.answers);
    REQUIRE_FALSE(st.ok());
    CHECK(st.code() == Code::kInvalidArgument);
    CHECK(st.field() == "indicators");
    REQUIRE(st.msg_id().has_value());
    CHECK(*st.msg_id() == c.id);
    CHECK(st.args() == c.args);
    std::string id_text = Msg(Lang::kId, *st.msg_id(), st.args());
    std::string en_text = Msg(Lang::kEn, *st.msg_id(), st.args());
    CHECK(id_text.find(c.args[0]) != std::string::npos);
    CHECK(en_text.find(c.args[0]) != std::string::npos);
    CHECK(id_text != en_text);
  }
}

TEST_CASE("EncodeAnswers / DecodeAnswers round trip") {
  auto set = Builtin("bps-14");
  const Answers cases[] = {
      {},
      {{"a", "x"}},
      {{"b", "y"}, {"a", "x"}},
      YesNo(kBps14Items, 9),
      YesNo(kKepmensosCriteria, 3),
      {{"item-1", "opt_2"}, {"z9", "0"}},
  };
  for (const auto& a : cases) {
    std::string enc = EncodeAnswers(a);
    CAPTURE(std::string(enc));
    auto dec = DecodeAnswers(enc);
    REQUIRE_MESSAGE(dec.ok(), dec.status().ToString());
    CHECK(*dec == a);
    CHECK(EncodeAnswers(*dec) == enc);  // encode -> decode -> encode is stable
  }
  CHECK(EncodeAnswers({}) == "");
  CHECK(EncodeAnswers({{"b", "y"}, {"a", "x"}}) == "a=x;b=y");  // sorted by item
  // Empty pairs (a trailing ';') are tolerated.
  auto dec = DecodeAnswers("a=x;;b=y;");
  REQUIRE(dec.ok());
  CHECK(*dec == Answers{{"a", "x"}, {"b", "y"}});
}

TEST_CASE("DecodeAnswers refuses malformed encodings") {
  const char* cases[] = {
      "a",   "a=",       "=x",         "a=x;b",     "A=x",        "a=X",
      "a=x y", "a==x",   "a=x=y",      "a b=x",     "a=x;=y",     "a=ä",
      "a=x,b=y",
  };
  for (const char* enc : cases) {
    CAPTURE(std::string(enc));
    auto r = DecodeAnswers(enc);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Code::kInvalidArgument);
    CHECK(r.status().field() == "indicators");
  }
}

TEST_CASE("ParseIndicatorSet accepts the mini set") {
  auto set = ParseOrDie(kMiniSet);
  CHECK(set.id == "mini");
  CHECK(set.version == 2);
  CHECK(set.title == "Mini");
  CHECK(set.source == "test");
  REQUIRE(set.items.size() == 2);
  CHECK(set.items[0].weight == 2);
  CHECK(set.items[1].weight == 1);
  CHECK(set.items[1].options[0].score == doctest::Approx(0.5));
  CHECK(set.items[1].options[0].label_id == "Ya");
  CHECK(set.items[1].options[0].label_en == "Yes");
  REQUIRE(set.bands.size() == 2);
  CHECK(set.bands[1].label_en == "High");
  // CRLF line endings are accepted.
  std::string crlf;
  for (char c : std::string(kMiniSet)) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  auto r = ParseIndicatorSet(crlf);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  CHECK(r->items.size() == 2);
  CHECK(r->items[0].options[0].label_en == "Yes");
}

// Replaces the first occurrence of `from` in the mini set.
std::string MiniWith(const std::string& from, const std::string& to) {
  std::string s = kMiniSet;
  size_t at = s.find(from);
  REQUIRE_MESSAGE(at != std::string::npos, from);
  s.replace(at, from.size(), to);
  return s;
}

TEST_CASE("ParseIndicatorSet refuses malformed sets with InvalidArgument") {
  struct Case {
    const char* name;
    std::string text;
  };
  const Case cases[] = {
      {"empty text", ""},
      {"only comments", "# nothing\n# here\n"},
      {"missing set", MiniWith("set = mini\n", "")},
      {"bad set id", MiniWith("set = mini", "set = Mini Set")},
      {"missing version", MiniWith("version = 2\n", "")},
      {"version 0", MiniWith("version = 2", "version = 0")},
      {"version negative", MiniWith("version = 2", "version = -1")},
      {"version fractional", MiniWith("version = 2", "version = 1.5")},
      {"version text", MiniWith("version = 2", "version = two")},
      {"no items", "set = x\nversion = 1\n"},
      {"duplicate item", std::string(kMiniSet) +
                             "item = a\ntext_id = A\ntext_en = A\n"
                             "option = ya | 1 | Ya | Yes\noption = tidak | 0 | Tidak | No\n"},
      {"item with one option", MiniWith("option = tidak | 0 | Tidak | No\n\nitem = b",
                                        "\nitem = b")},
      {"duplicate option", MiniWith("option = tidak | 0 | Tidak | No",
                                    "option = ya | 0 | Tidak | No")},
      {"option with a word for a score", MiniWith("option = ya | 0.5 |", "option = ya | half |")},
      {"option with an empty score", MiniWith("option = ya | 0.5 |", "option = ya |  |")},
      {"option score with trailing junk", MiniWith("option = ya | 0.5 |", "option = ya | 0.5x |")},
      {"option with too few fields", MiniWith("option = ya | 0.5 | Ya | Yes", "option = ya | 0.5")},
      {"option with too many fields",
       MiniWith("option = ya | 0.5 | Ya | Yes", "option = ya | 0.5 | Ya | Yes | extra")},
      {"option with a bad code", MiniWith("option = ya | 0.5 |", "option = Ya! | 0.5 |")},
      {"auto_qualify naming no option", MiniWith("auto_qualify = ya", "auto_qualify = yes")},
      {"auto_qualify without auto_band", MiniWith("auto_band = top\n", "")},
      {"option before the first item", MiniWith("band = 0 | 1 |", "option = ya | 1 | Ya | Yes\nband = 0 | 1 |")},
      {"text before the first item", MiniWith("title = Mini", "text_id = Mini")},
      {"unknown key", MiniWith("text_en = B", "text_fr = B")},
      {"line without '='", MiniWith("title = Mini", "title Mini")},
      {"band with max <= min", MiniWith("band = 1 | 10 |", "band = 10 | 1 |")},
      {"band with equal bounds", MiniWith("band = 1 | 10 |", "band = 1 | 1 |")},
      {"band with a word", MiniWith("band = 1 | 10 |", "band = one | 10 |")},
      {"band with four fields", MiniWith("band = 1 | 10 | high | Tinggi | High", "band = 1 | 10 | high | Tinggi")},
      {"weight not a number", MiniWith("weight = 2", "weight = heavy")},
      {"bad item code", MiniWith("item = b", "item = B")},
  };
  for (const auto& c : cases) {
    CAPTURE(std::string(c.name));
    auto r = ParseIndicatorSet(c.text);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Code::kInvalidArgument);
    CHECK(r.status().field() == "indicator_set");
    CHECK(r.status().message().find("indicator set line") != std::string::npos);
  }
}

TEST_CASE("ParseIndicatorSet names the offending line") {
  // Line 7 of the mini set is the first band; line 20 is item b's text_en.
  auto r = ParseIndicatorSet(MiniWith("band = 0 | 1 |", "band = 1 | 0 |"));
  REQUIRE_FALSE(r.ok());
  CHECK_MESSAGE(r.status().message().find("line 7:") != std::string::npos, r.status().message());
  r = ParseIndicatorSet(MiniWith("text_en = B", "text_fr = B"));
  REQUIRE_FALSE(r.ok());
  CHECK_MESSAGE(r.status().message().find("line 20:") != std::string::npos, r.status().message());
}

TEST_CASE("ParseIndicatorSet refuses scores and weights that are not finite numbers") {
  // strtod accepts "nan" and "inf"; a set with such a score would score every
  // household NaN (no band) or infinity.
  struct Case {
    const char* name;
    std::string text;
  };
  const Case cases[] = {
      {"option score nan", MiniWith("option = ya | 0.5 |", "option = ya | nan |")},
      {"option score inf", MiniWith("option = ya | 0.5 |", "option = ya | inf |")},
      {"weight nan", MiniWith("weight = 2", "weight = nan")},
      {"band min nan", MiniWith("band = 1 | 10 |", "band = nan | 10 |")},
  };
  for (const auto& c : cases) {
    CAPTURE(std::string(c.name));
    auto r = ParseIndicatorSet(c.text);
    if (r.ok()) {
      auto score = ComputeScore(*r, {{"a", "tidak"}, {"b", "ya"}});
      FAIL_CHECK("accepted; scoring {a=tidak, b=ya} gives score " << score.score << ", band '"
                                                                  << score.band << "'");
    } else {
      CHECK(r.status().code() == Code::kInvalidArgument);
    }
  }
}

TEST_CASE("ParseIndicatorSet refuses sets larger than 1 MiB") {
  std::string big = std::string(kMiniSet) + std::string(1 << 20, '#');
  auto r = ParseIndicatorSet(big);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Code::kResourceExhausted);
}

}  // namespace
}  // namespace simpul::schema
