// Tests for hub/rules.h: Dinsos's service rules and indicator sets are data
// it loads, versioned: a file that does not parse is refused naming its
// line, a version not higher than the newest known is refused, and either
// refusal writes nothing at all; a load writes the version, a copy into the
// scope of every village the hub knows (and of a village enrolled later),
// and an audit entry, in one transaction. An application follows the rules
// version it was submitted under.
#include "hub/rules.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hub/enrolment.h"
#include "hub/operations.h"
#include "hub/schema_compat.h"
#include "hub/store.h"
#include "schema/indicators.h"
#include "schema/messages.h"
#include "schema/service_rules.h"
#include "sync/crypto/envelope.h"
#include "sync/hlc.h"
#include "sync/wire/messages.h"
#include "tests/support/hub_fixture.h"

namespace simpul::hub {
namespace {

const std::string kSarongan = "35.10.01.2001", kPesanggaran = "35.10.01.2002";

// tests/support/hub_fixture.h: a new hub store on a clock that stands still.
struct Hub : testing::StillHub {
  // Everything a load could write.
  std::string Writes() {
    return std::to_string(Int("SELECT count(*) FROM rules_versions")) + "/" +
           std::to_string(Int("SELECT count(*) FROM indicator_sets")) + "/" +
           std::to_string(Int("SELECT count(*) FROM service_rules")) + "/" +
           std::to_string(Int("SELECT count(*) FROM indicator_releases")) + "/" +
           std::to_string(Int("SELECT count(*) FROM changelog")) + "/" +
           std::to_string(Int("SELECT count(*) FROM hub_audit"));
  }
};

std::string Replace(std::string s, const std::string& from, const std::string& to) {
  size_t at = s.find(from);
  REQUIRE(at != std::string::npos);
  return s.replace(at, from.size(), to);
}

// The shipped rules as version 2, with PBI-JKN's SKTM required.
std::string RulesV2() {
  std::string text(schema::BuiltinServiceRules());
  text = Replace(text, "version = 1\n", "version = 2\n");
  return Replace(text, "document = sktm | optional", "document = sktm | required");
}

int LineOf(const std::string& text, const std::string& needle) {
  size_t at = text.find(needle);
  REQUIRE(at != std::string::npos);
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(at), '\n'));
}

std::string IndicatorSetV2() {
  std::string text(schema::BuiltinIndicatorSets()[0]);
  return Replace(text, "version = 1\n", "version = 2\n");
}

TEST_CASE("rules load: a file that does not parse is refused naming its line, and nothing is written") {
  Hub hub;
  REQUIRE(IssueEnrolment(*hub.store, kSarongan, 7).ok());
  const std::string before = hub.Writes();
  std::string bad = Replace(RulesV2(), "stage = dinsos_verification | hub_verifier | 48",
                            "stage = dinsos_verification | lurah | 48");
  const int line = LineOf(bad, "| lurah |");
  auto r = LoadRules(*hub.store, bad, "aturan-v2.txt");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Code::kInvalidArgument);
  CHECK(r.status().message().find("line " + std::to_string(line) + ":") != std::string::npos);
  const std::string said = Describe(Lang::kEn, r.status());
  CHECK(said.find("aturan-v2.txt") != std::string::npos);
  CHECK(said.find("line " + std::to_string(line)) != std::string::npos);
  CHECK(said.find("Nothing was loaded") != std::string::npos);
  CHECK(hub.Writes() == before);
}

TEST_CASE("rules load: a version not higher than the newest known is refused, and nothing is written") {
  Hub hub;
  REQUIRE(IssueEnrolment(*hub.store, kSarongan, 7).ok());
  const std::string before = hub.Writes();
  // The shipped rules are version 1: a v1 (whatever its text) is not newer.
  std::string v1 = Replace(RulesV2(), "version = 2\n", "version = 1\n");
  auto same = LoadRules(*hub.store, v1, "v1.txt");
  REQUIRE_FALSE(same.ok());
  CHECK(same.status().msg_id() == MsgId::kRulesVersionNotHigher);
  CHECK(hub.Writes() == before);

  REQUIRE(LoadRules(*hub.store, RulesV2(), "v2.txt").ok());
  const std::string after_v2 = hub.Writes();
  auto again = LoadRules(*hub.store, RulesV2(), "v2.txt");
  REQUIRE_FALSE(again.ok());
  CHECK(again.status().msg_id() == MsgId::kRulesVersionNotHigher);
  CHECK(Describe(Lang::kEn, again.status()).find("Version 2 is not higher than version 2") != std::string::npos);
  CHECK(hub.Writes() == after_v2);
}

TEST_CASE("rules load: the version, a copy per village and the audit entry; applications keep their version") {
  Hub hub;
  REQUIRE(IssueEnrolment(*hub.store, kSarongan, 7).ok());
  auto loaded = LoadRules(*hub.store, RulesV2(), "v2.txt");
  REQUIRE_MESSAGE(loaded.ok(), loaded.status().ToString());
  CHECK(loaded->version == 2);
  CHECK(loaded->villages == 1);
  CHECK(hub.Int("SELECT count(*) FROM rules_versions WHERE version=2") == 1);
  CHECK(hub.Int("SELECT count(*) FROM service_rules WHERE village=? AND version=2", {kSarongan}) == 1);
  CHECK(hub.Int("SELECT count(*) FROM changelog WHERE tbl='service_rules' AND village=?", {kSarongan}) == 1);
  CHECK(hub.Int("SELECT count(*) FROM hub_audit WHERE action='rules_load' AND subject='dinsos-default v2'") == 1);

  // A village issued its first code later receives every version then.
  REQUIRE(IssueEnrolment(*hub.store, kPesanggaran, 7).ok());
  CHECK(hub.Int("SELECT count(*) FROM service_rules WHERE village=? AND version=2", {kPesanggaran}) == 1);
  REQUIRE(IssueEnrolment(*hub.store, kSarongan, 7).ok());  // a second code copies nothing twice
  CHECK(hub.Int("SELECT count(*) FROM service_rules WHERE village=?", {kSarongan}) == 1);

  auto current = CurrentRules(*hub.store);
  REQUIRE(current.ok());
  CHECK(current->version == 2);
  auto sktm_required = [](const schema::ServiceRules& rules) {
    for (const auto& d : rules.Find("pbi_jkn", "")->documents)
      if (d.kind == "sktm") return d.required;
    return false;
  };
  CHECK(sktm_required(*current));
  auto with_version = [&](std::optional<int64_t> v) {
    Row app = {{"type", std::string("pbi_jkn")}};
    if (v) app.push_back({"rules_version", *v});
    auto rules = RulesOf(*hub.store, app);
    REQUIRE(rules.ok());
    return *rules;
  };
  CHECK(with_version(std::nullopt).version == 1);  // submitted before schema 17: the shipped rules
  CHECK_FALSE(sktm_required(with_version(std::nullopt)));
  CHECK(with_version(1).version == 1);
  CHECK(with_version(2).version == 2);
  CHECK(sktm_required(with_version(2)));

  // A node of schema 16 is sent none of it (hub/schema_compat.h).
  std::vector<sync::wire::Change> changes(1);
  changes[0].table = "service_rules";
  changes[0].fields.push_back({"version", schema::Value(int64_t{2}), ""});
  KeepFieldsKnownAt(16, &changes);
  CHECK(changes.empty());
}

TEST_CASE("indicators add: refused when it does not parse or is not newer; a new version reaches every village") {
  Hub hub;
  REQUIRE(IssueEnrolment(*hub.store, kSarongan, 7).ok());
  const std::string before = hub.Writes();
  std::string builtin(schema::BuiltinIndicatorSets()[0]);
  auto same = AddIndicatorSet(*hub.store, builtin, "set.txt");  // the shipped v1
  REQUIRE_FALSE(same.ok());
  CHECK(same.status().msg_id() == MsgId::kRulesVersionNotHigher);
  std::string bad = IndicatorSetV2() + "nonsense without an equals sign\n";
  const int line = LineOf(bad, "nonsense without");
  auto broken = AddIndicatorSet(*hub.store, bad, "set.txt");
  REQUIRE_FALSE(broken.ok());
  CHECK(Describe(Lang::kEn, broken.status()).find("line " + std::to_string(line)) != std::string::npos);
  CHECK(hub.Writes() == before);

  auto added = AddIndicatorSet(*hub.store, IndicatorSetV2(), "set-v2.txt");
  REQUIRE_MESSAGE(added.ok(), added.status().ToString());
  CHECK(added->version == 2);
  CHECK(hub.Int("SELECT count(*) FROM indicator_releases WHERE village=? AND version=2", {kSarongan}) == 1);
  CHECK(hub.Int("SELECT count(*) FROM hub_audit WHERE action='indicators_add'") == 1);
  CHECK_FALSE(AddIndicatorSet(*hub.store, IndicatorSetV2(), "set-v2.txt").ok());
}

}  // namespace
}  // namespace simpul::hub
