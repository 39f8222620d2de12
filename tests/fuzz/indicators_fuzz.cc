// Fuzzes the indicator-set files and stored answers (schema/indicators.h).
// Byte 0 picks:
//   0: ParseIndicatorSet(payload); an accepted set is scored with each
//      item's first option, and its own text must parse to the same set;
//   1: DecodeAnswers(payload), validated and scored against the built-in
//      sets; decoded answers must re-encode to answers that decode the same;
//   2: payload = set text, NUL, answers: both, then ValidateAnswers and
//      ComputeScore.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "schema/indicators.h"
#include "tests/fuzz/fuzz_common.h"

namespace simpul::fuzz {
namespace {

const std::vector<schema::IndicatorSet>& Builtins() {
  static const auto* sets = [] {
    auto* v = new std::vector<schema::IndicatorSet>();
    for (auto text : schema::BuiltinIndicatorSets()) {
      auto s = schema::ParseIndicatorSet(text);
      if (!s.ok()) Die("builtin indicator set: " + s.status().ToString());
      v->push_back(std::move(s).value());
    }
    return v;
  }();
  return *sets;
}

void Score(const schema::IndicatorSet& set, const schema::Answers& answers) {
  Status st = schema::ValidateAnswers(set, answers);
  schema::ScoreResult r = schema::ComputeScore(set, answers);
  SIMPUL_FUZZ_CHECK(r.answered >= 0 && static_cast<size_t>(r.answered) <= answers.size(), "answered count");
  if (st.ok()) (void)set.Find(answers.empty() ? "" : answers.begin()->first);
}

void CheckAnswersRoundTrip(const schema::Answers& a) {
  auto again = schema::DecodeAnswers(schema::EncodeAnswers(a));
  SIMPUL_FUZZ_CHECK(again.ok() && *again == a, "answers do not round-trip");
}

void Run(uint8_t sel, std::string_view in) {
  switch (sel) {
    case 0: {
      auto set = schema::ParseIndicatorSet(in);
      if (!set.ok()) break;
      schema::Answers first;
      for (const auto& item : set->items)
        if (!item.options.empty()) first[item.code] = item.options.front().code;
      Score(*set, first);
      auto again = schema::ParseIndicatorSet(set->text);
      SIMPUL_FUZZ_CHECK(again.ok(), "a set's own text does not parse: " + again.status().ToString());
      SIMPUL_FUZZ_CHECK(again->id == set->id && again->version == set->version &&
                            again->items.size() == set->items.size() && again->bands.size() == set->bands.size(),
                        "a set's own text parses to another set");
      break;
    }
    case 1: {
      auto answers = schema::DecodeAnswers(in);
      if (!answers.ok()) break;
      CheckAnswersRoundTrip(*answers);
      for (const auto& set : Builtins()) Score(set, *answers);
      break;
    }
    case 2: {
      size_t nul = in.find('\0');
      if (nul == std::string_view::npos) break;
      auto set = schema::ParseIndicatorSet(in.substr(0, nul));
      auto answers = schema::DecodeAnswers(in.substr(nul + 1));
      if (set.ok() && answers.ok()) Score(*set, *answers);
      break;
    }
    default:
      break;
  }
}

}  // namespace
}  // namespace simpul::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  simpul::fuzz::Run(data[0] % 3, std::string_view(reinterpret_cast<const char*>(data + 1), size - 1));
  return 0;
}
