// Tests for hub/score_check.h: approving an application whose rule names a
// poverty-score threshold it does not meet (scored again at the hub from its
// answers), or that has no score under the rule's indicator set, needs an
// override reason, which is audited; an answer that qualifies outright
// meets it, and a rule without a threshold asks nothing.
#include "hub/score_check.h"

#include <doctest/doctest.h>

#include <string>

#include "hub/operations.h"
#include "schema/messages.h"
#include "tests/support/hub_fixture.h"

namespace simpul::hub {
namespace {

const std::string kSarongan = "35.10.01.2001";
using Hub = testing::HubFixture;  // tests/support/hub_fixture.h

TEST_CASE("a PBI-APBD scoring below its rule's threshold is approved only with an override reason, audited") {
  Hub hub;
  std::string app = hub.Submitted(kSarongan, "3510015211870001", "pbi_apbd");
  hub.Answer(app, "food_insecure=ya;head_not_working=tidak");  // one criterion: score 1, the rule asks >= 2
  // A village's own figure does not count: the hub scores the answers.
  hub.Exec("UPDATE applications SET score='9', score_band='miskin' WHERE id=?", {app});
  auto check = CheckScore(*hub.store, *ReadRow(*hub.store, "applications", app));
  REQUIRE(check.ok());
  CHECK(check->standing.applies);
  CHECK(check->standing.answered);
  CHECK_FALSE(check->standing.meets);
  REQUIRE(check->score);
  CHECK(*check->score == 1.0);
  CHECK(DescribeScoreCheck(Lang::kId, *check) == "Ambang layanan >= 2: tidak terpenuhi (skor 1)");

  Status refused = hub.Approve(app);
  REQUIRE(refused.msg_id() == MsgId::kScoreBelowThreshold);
  CHECK(refused.field() == "override-reason");
  CHECK(refused.args() == std::vector<std::string>{"1", "kepmensos-262", ">= 2", "--override-reason"});
  CHECK(ApplicationState(*hub.store, app)->status == "in_review");
  CHECK(hub.Audits("score_override") == 0);

  REQUIRE(hub.Approve(app, "Kepala keluarga baru saja di-PHK; survei ulang belum sempat").ok());
  CHECK(ApplicationState(*hub.store, app)->status == "approved");
  auto audit = QueryRows(*hub.store, "SELECT subject,detail FROM hub_audit WHERE action='score_override'", {});
  REQUIRE(audit.ok());
  REQUIRE(audit->size() == 1);
  CHECK(RowText(audit->front(), "subject") == app);
  CHECK(RowText(audit->front(), "detail").find("score 1") != std::string::npos);
  CHECK(RowText(audit->front(), "detail").find("di-PHK") != std::string::npos);
}

TEST_CASE("no score under the rule's own indicator set needs the override too") {
  Hub hub;
  std::string unanswered = hub.Submitted(kSarongan, "3510015211870001", "poverty_statement");
  hub.Exec("UPDATE applications SET indicator_set=NULL, indicator_version=NULL, indicator_answers=NULL WHERE id=?",
           {unanswered});
  Status refused = hub.Approve(unanswered);
  REQUIRE(refused.msg_id() == MsgId::kScoreNotRecorded);
  CHECK(refused.args()[0] == "kepmensos-262");
  CHECK(Msg(Lang::kEn, MsgId::kScoreNotRecorded, refused.args()).find("kepmensos-262") != std::string::npos);

  // Answered under another set: not scored against this rule.
  std::string other = hub.Submitted(kSarongan, "3510015211870002", "poverty_statement");
  hub.Exec("UPDATE applications SET indicator_set='bps-14' WHERE id=?", {other});
  CHECK(hub.Approve(other).msg_id() == MsgId::kScoreNotRecorded);
}

TEST_CASE("an answer that qualifies outright meets the threshold; a rule without one asks nothing") {
  Hub hub;
  std::string homeless = hub.Submitted(kSarongan, "3510015211870001", "poverty_statement");
  hub.Answer(homeless, "no_shelter=ya");
  CHECK(hub.Approve(homeless).ok());

  std::string pbi = hub.Submitted(kSarongan, "3510015211870002", "pbi_jkn");
  hub.Exec("UPDATE applications SET indicator_set=NULL, indicator_answers=NULL WHERE id=?", {pbi});
  auto check = CheckScore(*hub.store, *ReadRow(*hub.store, "applications", pbi));
  REQUIRE(check.ok());
  CHECK_FALSE(check->standing.applies);
  CHECK(DescribeScoreCheck(Lang::kEn, *check).empty());
  CHECK(hub.Approve(pbi).ok());
  CHECK(hub.Audits("score_override") == 0);
}

}  // namespace
}  // namespace simpul::hub
