// Poverty-indicator sets: versioned data, not code.
//
// Districts change their instruments over time (Banyuwangi dropped phone
// ownership and scores against a threshold), so a set is a text file with an
// id and a version (format: schema/data/indicators/README.md). An application
// stores the set id, version, its answers and the computed score, and the
// store keeps every version's definition, so a score can always be
// recomputed with the instrument it was made with. Scores are advisory: a
// person decides (UU 27/2022 Pasal 10).
#ifndef SIMPUL_SCHEMA_INDICATORS_H_
#define SIMPUL_SCHEMA_INDICATORS_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "schema/messages.h"
#include "schema/status.h"

namespace simpul::schema {

struct IndicatorOption {
  std::string code;
  double score = 0;
  std::string label_id, label_en;
};

struct Indicator {
  std::string code;
  std::string text_id, text_en;
  double weight = 1;
  std::vector<IndicatorOption> options;
  std::optional<std::string> auto_qualify;  // this answer qualifies outright
};

struct ScoreBand {
  double min = 0, max = 0;  // min inclusive, max exclusive
  std::string code, label_id, label_en;
};

struct IndicatorSet {
  std::string id;
  int version = 0;
  std::string title;
  std::string source;  // legal basis, as stated
  std::vector<Indicator> items;
  std::vector<ScoreBand> bands;
  std::string auto_band;  // band code when an auto_qualify answer is given
  std::string text;       // the definition as parsed

  const Indicator* Find(std::string_view code) const;
};

struct ScoreResult {
  double score = 0;
  std::string band;  // band code ("" when no band matches)
  bool auto_qualified = false;
  int answered = 0;
};

// item code -> option code
using Answers = std::map<std::string, std::string>;

Result<IndicatorSet> ParseIndicatorSet(std::string_view text);

// Checks each answer names a known item and option; missing items are
// allowed (partial scoring while the operator works).
Status ValidateAnswers(const IndicatorSet& set, const Answers& answers);
ScoreResult ComputeScore(const IndicatorSet& set, const Answers& answers);

// "item=option;item=option" (sorted by item) and back.
std::string EncodeAnswers(const Answers& answers);
Result<Answers> DecodeAnswers(std::string_view encoded);

// The sets shipped with Simpul (embedded from schema/data/indicators/).
std::vector<std::string_view> BuiltinIndicatorSets();
inline constexpr const char* kDefaultIndicatorSet = "kepmensos-262";

}  // namespace simpul::schema

#endif  // SIMPUL_SCHEMA_INDICATORS_H_
