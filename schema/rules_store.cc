#include "schema/rules_store.h"

#include <algorithm>

#include "schema/messages.h"

namespace simpul::schema {
namespace {

Result<ServiceRules> Builtin() { return ParseServiceRules(BuiltinServiceRules()); }

// The text of the newest version at or below `at` (0: any), or "".
Result<std::string> TextAtOrBelow(Db& db, int64_t at) {
  SIMPUL_ASSIGN_OR_RETURN(Stmt * st, db.Cached("SELECT text FROM rules_versions WHERE (?1=0 OR version<=?1)"
                                               " ORDER BY version DESC LIMIT 1"));
  st->Bind(1, at);
  auto row = st->Step();
  if (!row.ok()) {
    st->Reset();
    return row.status();
  }
  std::string text = *row ? st->Text(0) : std::string();
  st->Reset();
  return text;
}

Result<ServiceRules> ParseStored(const std::string& text) {
  auto rules = ParseServiceRules(text);
  if (!rules.ok())
    return Status::Corruption("a stored service rules version does not parse: " + rules.status().message())
        .WithField("rules");
  return rules;
}

}  // namespace

Result<ServiceRules> NewestServiceRules(Db& db) {
  SIMPUL_ASSIGN_OR_RETURN(std::string text, TextAtOrBelow(db, 0));
  if (text.empty()) return Builtin();
  SIMPUL_ASSIGN_OR_RETURN(ServiceRules loaded, ParseStored(text));
  SIMPUL_ASSIGN_OR_RETURN(ServiceRules builtin, Builtin());
  return loaded.version > builtin.version ? std::move(loaded) : std::move(builtin);
}

Result<ServiceRules> ServiceRulesAt(Db& db, std::optional<int64_t> version) {
  SIMPUL_ASSIGN_OR_RETURN(ServiceRules builtin, Builtin());
  if (!version || *version <= builtin.version) return builtin;
  SIMPUL_ASSIGN_OR_RETURN(std::string text, TextAtOrBelow(db, *version));
  if (text.empty()) return builtin;
  return ParseStored(text);
}

Result<std::vector<RulesVersion>> ListRulesVersions(Db& db) {
  SIMPUL_ASSIGN_OR_RETURN(ServiceRules builtin, Builtin());
  std::vector<RulesVersion> out;
  out.push_back(RulesVersion{builtin.version, builtin.id, 0, "", true});
  SIMPUL_ASSIGN_OR_RETURN(Stmt st, db.Prepare("SELECT version, name, coalesce(loaded_at_ms,0), coalesce(loaded_by,'')"
                                              " FROM rules_versions ORDER BY version"));
  for (;;) {
    SIMPUL_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back(RulesVersion{static_cast<int>(st.Int(0)), st.Text(1), st.Int(2), st.Text(3), false});
  }
  return out;
}

Result<ServiceRules> CheckNewServiceRules(Db& db, std::string_view text) {
  if (text.size() > kMaxDefinitionBytes)
    return Status::InvalidArgument("the rules file is larger than " + std::to_string(kMaxDefinitionBytes) + " bytes")
        .WithField("rules")
        .WithMsg(MsgId::kDefinitionTooLarge, {std::to_string(kMaxDefinitionBytes)});
  SIMPUL_ASSIGN_OR_RETURN(ServiceRules rules, ParseServiceRules(text));
  SIMPUL_ASSIGN_OR_RETURN(ServiceRules newest, NewestServiceRules(db));
  if (rules.version <= newest.version)
    return Status::FailedPrecondition("version " + std::to_string(rules.version) + " is not higher than version " +
                                      std::to_string(newest.version) + " (" + newest.id + "), the newest known")
        .WithField("version")
        .WithMsg(MsgId::kRulesVersionNotHigher,
                 {std::to_string(rules.version), std::to_string(newest.version), newest.id});
  return rules;
}

Result<IndicatorSet> CheckNewIndicatorSet(Db& db, std::string_view text) {
  if (text.size() > kMaxDefinitionBytes)
    return Status::InvalidArgument("the indicator set is larger than " + std::to_string(kMaxDefinitionBytes) + " bytes")
        .WithField("indicators")
        .WithMsg(MsgId::kDefinitionTooLarge, {std::to_string(kMaxDefinitionBytes)});
  SIMPUL_ASSIGN_OR_RETURN(IndicatorSet set, ParseIndicatorSet(text));
  int newest = 0;
  for (auto builtin : BuiltinIndicatorSets()) {
    auto b = ParseIndicatorSet(builtin);
    if (b.ok() && b->id == set.id) newest = std::max(newest, b->version);
  }
  SIMPUL_ASSIGN_OR_RETURN(Stmt * st, db.Cached("SELECT max(version) FROM indicator_sets WHERE set_id=?"));
  st->Bind(1, set.id);
  auto row = st->Step();
  if (!row.ok()) {
    st->Reset();
    return row.status();
  }
  if (*row && !st->IsNullAt(0)) newest = std::max(newest, static_cast<int>(st->Int(0)));
  st->Reset();
  if (set.version <= newest)
    return Status::FailedPrecondition("indicator set " + set.id + " version " + std::to_string(set.version) +
                                      " is not higher than version " + std::to_string(newest) + ", the newest known")
        .WithField("version")
        .WithMsg(MsgId::kRulesVersionNotHigher, {std::to_string(set.version), std::to_string(newest), set.id});
  return set;
}

}  // namespace simpul::schema
