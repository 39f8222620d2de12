// Tests for schema/service_rules.h: the shipped rules parse, bad rules files
// are refused naming the line, and an application's missing documents and
// next stage follow from its rule.
#include "schema/service_rules.h"

#include <doctest/doctest.h>

#include <string>

namespace simpul::schema {
namespace {

const char* kMinimal = R"(rules = test
version = 2
letterhead = DINAS SOSIAL
service = spm
type = poverty_statement
title_id = SPM
title_en = Poverty statement
document = kk | required
document = referral | optional
stage = field_check | village_operator | 72 | Cek lapangan | Field check
stage = kecamatan | kecamatan_verifier | 48 | Kecamatan | Kecamatan
letter_title = SURAT PERNYATAAN MISKIN
letter_number = 400.9/{seq}/SPM/{year}
signer = Kepala Dinas | Budi | NIP. 1
)";

TEST_CASE("the rules shipped with Simpul parse and cover every application type") {
  auto rules = ParseServiceRules(BuiltinServiceRules());
  REQUIRE_MESSAGE(rules.ok(), rules.status().message());
  CHECK(rules->id == "dinsos-default");
  for (const char* type : {"pbi_jkn", "pbi_apbd", "poverty_statement", "recommendation", "disability_registration",
                           "assistive_device"})
    CHECK_MESSAGE(rules->Find(type, "") != nullptr, type);
  // SUPERMISKOL's stages, in order.
  const ServiceRule* spm = rules->FindCode("spm");
  REQUIRE(spm);
  REQUIRE(spm->stages.size() == 4);
  CHECK(spm->stages[0].code == "field_check");
  CHECK(spm->stages[3].code == "health_recheck");
  // A recommendation kind finds its own rule, an unknown kind the general one.
  CHECK(rules->Find("recommendation", "hospital_bill")->code == "rek_rs");
  CHECK(rules->Find("recommendation", "dtks_statement")->code == "rek_lain");
}

TEST_CASE("missing documents and the next stage follow the rule") {
  auto rules = ParseServiceRules(kMinimal);
  REQUIRE(rules.ok());
  const ServiceRule& spm = rules->services[0];
  CHECK(MissingDocuments(spm, {}) == std::vector<std::string>{"kk"});
  CHECK(MissingDocuments(spm, {"kk"}).empty());
  CHECK(MissingDocuments(spm, {"referral"}) == std::vector<std::string>{"kk"});
  REQUIRE(NextStage(spm, {}));
  CHECK(NextStage(spm, {})->code == "field_check");
  CHECK(NextStage(spm, {"field_check"})->code == "kecamatan");
  CHECK(NextStage(spm, {"field_check", "kecamatan"}) == nullptr);
  CHECK(spm.stages[0].sla_hours == 72);
}

TEST_CASE("bad rules files are refused naming the line") {
  struct Case {
    std::string replace, with, expect;
  };
  const Case cases[] = {
      {"stage = kecamatan | kecamatan_verifier", "stage = kecamatan | camat", "line 11: unknown stage role 'camat'"},
      {"document = kk | required", "document = kartu | required", "line 8: unknown document kind 'kartu'"},
      {"type = poverty_statement", "type = sembako", "line 5: unknown application type 'sembako'"},
      {"stage = kecamatan | kecamatan_verifier | 48", "stage = field_check | kecamatan_verifier | 48",
       "line 11: stage field_check listed twice"},
      {"| 72 |", "| 0 |", "line 10: SLA hours"},
      {"letter_number = 400.9/{seq}/SPM/{year}", "letter_number = 400.9/SPM", "must contain {seq}"},
      {"title_en = Poverty statement", "colour = blue", "line 7: unknown key 'colour'"},
      {"version = 2", "version = two", "line 2: version"},
      {"signer = Kepala Dinas | Budi | NIP. 1", "signer = Kepala Dinas", "signer = title | name"},
      {"letterhead = DINAS SOSIAL", "", "missing 'letterhead'"},
      {"title_en = Poverty statement", "", "missing title_id or title_en"},
  };
  for (const auto& c : cases) {
    std::string text = kMinimal;
    auto at = text.find(c.replace);
    REQUIRE_MESSAGE(at != std::string::npos, c.replace);
    text.replace(at, c.replace.size(), c.with);
    auto r = ParseServiceRules(text);
    REQUIRE_MESSAGE(!r.ok(), c.expect);
    CHECK_MESSAGE(r.status().message().find(c.expect) != std::string::npos,
                  r.status().message() << " should say " << c.expect);
    CHECK(r.status().code() == Code::kInvalidArgument);
  }
}

TEST_CASE("two services may not govern the same application type") {
  std::string text = std::string(kMinimal) +
                     "service = spm2\ntype = poverty_statement\ntitle_id = a\ntitle_en = b\n"
                     "letter_title = X\nletter_number = {seq}\nsigner = a | b | c\n";
  auto r = ParseServiceRules(text);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find("already governs type poverty_statement") != std::string::npos);
}

TEST_CASE("a rules file larger than 1 MiB is refused before parsing") {
  auto r = ParseServiceRules(std::string(2 << 20, '#'));
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Code::kResourceExhausted);
}

TEST_CASE("a score stands against the rule's threshold: at least, below, both, auto-qualified, another set") {
  ServiceRule rule;
  rule.indicator_set = "kepmensos-262";
  CHECK_FALSE(StandingOf(rule, "kepmensos-262", 0.0, false).applies);  // no threshold: nothing to stand against

  rule.score_at_least = 2;
  ScoreStanding s = StandingOf(rule, "kepmensos-262", 2.0, false);
  CHECK(s.applies);
  CHECK(s.answered);
  CHECK(s.meets);
  CHECK(s.threshold == ">= 2");
  CHECK_FALSE(StandingOf(rule, "kepmensos-262", 1.5, false).meets);
  CHECK(StandingOf(rule, "kepmensos-262", 0.0, true).meets);  // an answer that qualifies outright
  // Scored under another set, or not at all: not answered, so not met.
  CHECK_FALSE(StandingOf(rule, "bps-14", 9.0, false).answered);
  CHECK_FALSE(StandingOf(rule, "bps-14", 9.0, false).meets);
  CHECK_FALSE(StandingOf(rule, "kepmensos-262", std::nullopt, false).answered);

  rule.score_at_least.reset();
  rule.score_below = 2.107;  // Banyuwangi's SPM: poorer scores lower
  CHECK(StandingOf(rule, "kepmensos-262", 2.1, false).meets);
  CHECK_FALSE(StandingOf(rule, "kepmensos-262", 2.107, false).meets);
  CHECK(StandingOf(rule, "kepmensos-262", 2.1, false).threshold == "< 2.107");
  rule.score_at_least = 1;
  CHECK(StandingOf(rule, "kepmensos-262", 1.0, false).threshold == ">= 1, < 2.107");
  CHECK_FALSE(StandingOf(rule, "kepmensos-262", 0.5, false).meets);
}

}  // namespace
}  // namespace simpul::schema
