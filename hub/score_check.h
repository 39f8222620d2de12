// The service rule's poverty-score threshold at the hub (schema::
// StandingOf). The hub scores the application again from its answers under
// the indicator set they were given in (the store's copy, or the one Simpul
// ships), so a score typed into a village's store by hand does not count.
//
// The approval rule: approving an application whose rule names a threshold
// it does not meet, or that has no score under the rule's indicator set, is
// refused unless the approving operator gives an override reason (the same
// one a held benefit asks for, hub/duplicates.h); the override is recorded
// in the hub's audit log ("score_override"). The score advises; a person
// decides, and says why.
//
// Thread-safety: like HubStore, one thread at a time.
#ifndef SIMPUL_HUB_SCORE_CHECK_H_
#define SIMPUL_HUB_SCORE_CHECK_H_

#include <optional>
#include <string>

#include "hub/operations.h"
#include "hub/store.h"
#include "schema/indicators.h"
#include "schema/messages.h"
#include "schema/service_rules.h"

namespace simpul::hub {

// The indicator set `set_id` version `version`: the store's copy (loaded
// with `simpul-hub indicators add`), else Simpul's own; nullopt when
// neither has it (a set a laptop loaded before its enrolment).
Result<std::optional<schema::IndicatorSet>> IndicatorSetAt(HubStore& store, const std::string& set_id,
                                                           const std::string& version);

struct ScoreCheck {
  schema::ScoreStanding standing;
  std::optional<double> score;  // as the hub computes it (else as recorded)
  std::string set;              // the set the application was scored under
  std::string rule_set;         // the set its rule asks for
  std::optional<schema::IndicatorSet> answered_under;  // the set of the answers, when the hub has it
};

// `app`'s standing under the rules it was submitted under (RulesOf).
Result<ScoreCheck> CheckScore(HubStore& store, const Row& app);

// schema::DescribeStanding of the check: "Ambang layanan >= 2: terpenuhi (skor 3)"; "" when the
// rule names no threshold.
std::string DescribeScoreCheck(Lang lang, const ScoreCheck& check);

// The approval rule above, inside the caller's transaction.
Status CheckScoreApproval(HubStore& store, const Row& app, const std::string& override_reason);

}  // namespace simpul::hub

#endif  // SIMPUL_HUB_SCORE_CHECK_H_
