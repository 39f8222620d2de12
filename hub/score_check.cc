#include "hub/score_check.h"

#include <sstream>

#include "hub/rules.h"

namespace simpul::hub {
namespace {

std::string NumberText(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

}  // namespace

Result<std::optional<schema::IndicatorSet>> IndicatorSetAt(HubStore& store, const std::string& set_id,
                                                           const std::string& version) {
  SIMPUL_ASSIGN_OR_RETURN(auto defs, QueryRows(store, "SELECT definition FROM indicator_sets"
                                                      " WHERE set_id=? AND version=?", {set_id, version}));
  if (!defs.empty()) {
    if (auto parsed = schema::ParseIndicatorSet(RowText(defs[0], "definition")); parsed.ok())
      return std::optional<schema::IndicatorSet>(std::move(*parsed));
  }
  for (auto text : schema::BuiltinIndicatorSets()) {
    auto parsed = schema::ParseIndicatorSet(text);
    if (parsed.ok() && parsed->id == set_id && std::to_string(parsed->version) == version)
      return std::optional<schema::IndicatorSet>(std::move(*parsed));
  }
  return std::optional<schema::IndicatorSet>();
}

Result<ScoreCheck> CheckScore(HubStore& store, const Row& app) {
  ScoreCheck out;
  out.set = RowText(app, "indicator_set");
  SIMPUL_ASSIGN_OR_RETURN(out.answered_under, IndicatorSetAt(store, out.set, RowText(app, "indicator_version")));
  const std::optional<schema::IndicatorSet>& set = out.answered_under;
  SIMPUL_ASSIGN_OR_RETURN(schema::ServiceRules rules, RulesOf(store, app));
  const schema::ServiceRule* rule = rules.Find(RowText(app, "type"), RowText(app, "service_type"));
  if (!rule) return out;
  out.rule_set = rule->indicator_set;
  bool auto_qualified = false;
  auto answers = schema::DecodeAnswers(RowText(app, "indicator_answers"));
  if (set && answers.ok() && !answers->empty()) {
    schema::ScoreResult r = schema::ComputeScore(*set, *answers);
    out.score = r.score;
    auto_qualified = r.auto_qualified;
  } else if (!set && !RowText(app, "score").empty()) {
    // A set the hub does not hold: the village's figure is all there is.
    try {
      out.score = std::stod(RowText(app, "score"));
    } catch (...) {
    }
  }
  out.standing = schema::StandingOf(*rule, out.set, out.score, auto_qualified);
  return out;
}

std::string DescribeScoreCheck(Lang lang, const ScoreCheck& check) {
  return schema::DescribeStanding(lang, check.standing, check.score);
}

Status CheckScoreApproval(HubStore& store, const Row& app, const std::string& override_reason) {
  SIMPUL_ASSIGN_OR_RETURN(ScoreCheck check, CheckScore(store, app));
  const schema::ScoreStanding& s = check.standing;
  if (!s.applies || s.meets) return Status::Ok();
  const std::string score = check.score ? NumberText(*check.score) : "-";
  if (override_reason.empty()) {
    if (!s.answered)
      return Status::FailedPrecondition("no score under the service's indicator set (threshold " + s.threshold +
                                        "); approve only with --override-reason")
          .WithField("override-reason")
          .WithMsg(MsgId::kScoreNotRecorded, {check.rule_set, s.threshold, "--override-reason"});
    return Status::FailedPrecondition("poverty score " + score + " does not meet the threshold " + s.threshold +
                                      "; approve only with --override-reason")
        .WithField("override-reason")
        .WithMsg(MsgId::kScoreBelowThreshold, {score, check.set, s.threshold, "--override-reason"});
  }
  return store.Audit("score_override", RowText(app, "village"), RowText(app, "id"),
                     "score " + score + " (" + (check.set.empty() ? "-" : check.set) + "), threshold " + s.threshold +
                         "; reason: " + override_reason);
}

}  // namespace simpul::hub
