// End-to-end: service rules and indicator sets are Dinsos's data (issue 11,
// item 1; hub/rules.h). Dinsos loads a version 2 of the rules that makes the
// SKTM required for PBI-JKN and adds a kecamatan stage; the village receives
// it at its next sync, and its submit is refused naming the SKTM. An
// application submitted under version 1 keeps version 1's stages at the hub,
// one submitted under version 2 follows version 2's. An indicator set added
// at the hub reaches the village, and the village can no longer add one.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "schema/indicators.h"
#include "schema/service_rules.h"
#include "tests/support/cluster.h"

namespace simpul::testing {
namespace {

constexpr int kBadInput = 2;  // README: 2 = bad input or not allowed now

std::string Replace(std::string s, const std::string& from, const std::string& to) {
  size_t at = s.find(from);
  REQUIRE(at != std::string::npos);
  return s.replace(at, from.size(), to);
}

// The shipped rules as version 2: PBI-JKN needs the SKTM, and the kecamatan
// recommends before Dinsos verifies.
std::string RulesV2() {
  std::string text(schema::BuiltinServiceRules());
  text = Replace(text, "version = 1\n", "version = 2\n");
  text = Replace(text, "document = sktm | optional",
                 "document = sktm | required\n"
                 "stage = kecamatan | kecamatan_verifier | 24 | Rekomendasi kecamatan | Kecamatan recommendation");
  return text;
}

std::string PbiJkn(Node& village, int n, const std::string& name) {
  Applicant a = village.DraftApplicant(n, name);
  return village.Id({"application", "new", "--type", "pbi_jkn", "--applicant", a.person});
}

TEST_CASE("service rules from Dinsos: loaded at the hub, followed by the village, kept by each application") {
  Hub hub;
  hub.Start();
  Node village(kSarongan);
  village.Enrol(hub);

  // Submitted under the shipped rules (version 1): KK and KTP suffice.
  const std::string under_v1 = PbiJkn(village, 61, "Siti Aminah");
  village.Submit(under_v1);
  CheckClean(village.Sync(), village.last());

  // Dinsos loads version 2; loading a version not higher is refused.
  const std::string v2 = hub.File("aturan-v2.txt");
  WriteFile(v2, RulesV2());
  const int64_t audit_before = hub.Count("SELECT count(*) FROM hub_audit");
  Json loaded = hub.Ok({"rules", "load", v2});
  CHECK(loaded["version"].num() == 2);
  CHECK(loaded["villages"].num() == 1);
  const std::string state = hub.State();
  ProcessResult again = hub.Cli({"rules", "load", v2});
  CHECK(again.exit_code == kBadInput);
  CHECK_HAS(again.err, "Version 2 is not higher than version 2");
  CHECK(hub.State() == state);
  CHECK(hub.Count("SELECT count(*) FROM hub_audit") == audit_before + 1);
  Json list = hub.Ok({"rules", "list"});
  REQUIRE(list.size() == 2);
  CHECK(list[1]["version"].num() == 2);
  CHECK(list[1]["current"].truthy());
  CHECK(hub.Ok({"rules", "show", "1"})["version"].num() == 1);

  // An indicator set added at the hub.
  const std::string set_v2 = hub.File("kepmensos-v2.txt");
  WriteFile(set_v2, Replace(std::string(schema::BuiltinIndicatorSets()[0]), "version = 1\n", "version = 2\n"));
  CHECK(hub.Ok({"indicators", "add", set_v2})["version"].num() == 2);

  // The village receives both at its next sync.
  CheckClean(village.Sync(), village.last());
  bool has_v2 = false;
  for (const auto& s : village.Ok({"indicators", "list"}).a)
    if (s["set"].str() == "kepmensos-262" && s["version"].num() == 2) has_v2 = true;
  CHECK(has_v2);
  ProcessResult own_set = village.Cli({"indicators", "add", set_v2});
  CHECK(own_set.exit_code == kBadInput);
  CHECK_HAS(own_set.err, "simpul-hub indicators add");

  // A new PBI-JKN follows version 2: refused without the SKTM, naming it.
  const std::string under_v2 = PbiJkn(village, 62, "Sri Wahyuni");
  village.AttachDocuments(under_v2, {"kk", "ktp"});
  const std::string before = village.State();
  ProcessResult refused = village.Cli({"application", "submit", under_v2});
  CHECK(refused.exit_code == kBadInput);
  CHECK_HAS(refused.err, "required documents not attached: sktm.");
  CHECK(village.State() == before);
  village.Submit(under_v2, {"sktm"});
  CheckClean(village.Sync(), village.last());

  // At the hub each keeps the rules it was submitted under.
  Json shown_v1 = hub.Ok({"application", "show", under_v1});
  Json shown_v2 = hub.Ok({"application", "show", under_v2});
  CHECK(shown_v1["rules_version"].num() == 1);
  CHECK(shown_v2["rules_version"].num() == 2);
  CHECK(shown_v1["next_stage"].str() == "dinsos_verification");
  CHECK(shown_v2["next_stage"].str() == "kecamatan");
  ProcessResult skips = hub.Cli({"application", "approve", under_v2});
  CHECK(skips.exit_code == kBadInput);
  CHECK_HAS(skips.err, "stage 'kecamatan'");
  hub.Approve(under_v1);
  hub.Approve(under_v2);
  CHECK(hub.Ok({"application", "show", under_v1})["status"].str() == "approved");
  CHECK(hub.Ok({"application", "show", under_v2})["status"].str() == "approved");
}

}  // namespace
}  // namespace simpul::testing
