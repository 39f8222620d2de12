// An approval is refused while a stage of the application's service rule is
// not passed (hub/stages.h, RecordDecision): FailedPrecondition with
// MsgId::kDecisionSkipsStage naming the first stage missing, nothing written.
// Returning and rejecting stay allowed at any stage; an application that
// arrives without its documents (a village of an older version) is held by
// the same check.
#include <doctest/doctest.h>

#include <string>

#include "hub/operations.h"
#include "hub/stages.h"
#include "schema/messages.h"
#include "tests/support/hub_fixture.h"

namespace simpul::hub {
namespace {

const std::string kSarongan = "35.10.01.2001";
const std::string kNik = "3510015211870001";

int64_t Count(testing::HubFixture& hub, const std::string& sql) {
  auto rows = QueryRows(*hub.store, sql, {});
  REQUIRE(rows.ok());
  return std::get<int64_t>(rows->front().front().second);
}

Status ApproveNow(testing::HubFixture& hub, const std::string& app) {
  return RecordDecision(*hub.store, app, "approved", "Memenuhi kriteria", "hub", "tester");
}

TEST_CASE("approval names the first stage not passed, in the rule's order, and writes nothing") {
  testing::HubFixture hub;
  std::string app = hub.Submitted(kSarongan, kNik, "poverty_statement");  // SPM: four stages

  auto expect_missing = [&](const std::string& stage) {
    int64_t events = Count(hub, "SELECT count(*) FROM events");
    int64_t audits = Count(hub, "SELECT count(*) FROM hub_audit");
    int64_t versions = Count(hub, "SELECT count(*) FROM field_versions");
    Status refused = ApproveNow(hub, app);
    CHECK(refused.code() == Code::kFailedPrecondition);
    REQUIRE(refused.msg_id() == MsgId::kDecisionSkipsStage);
    CHECK(refused.args().at(0) == stage);
    CHECK(refused.args().at(2) == app);
    CHECK(Msg(Lang::kEn, *refused.msg_id(), refused.args()).find("application stage " + app + " " + stage) !=
          std::string::npos);
    CHECK(Count(hub, "SELECT count(*) FROM events") == events);
    CHECK(Count(hub, "SELECT count(*) FROM hub_audit") == audits);
    CHECK(Count(hub, "SELECT count(*) FROM field_versions") == versions);
    CHECK(ApplicationState(*hub.store, app)->status != "approved");
  };
  expect_missing("field_check");
  // The village's stage does not count when the hub writes it.
  CHECK(RecordStage(*hub.store, app, "field_check", "oleh hub", "tester").code() == Code::kPermissionDenied);
  hub.VillageStage(app, "field_check");
  expect_missing("kecamatan");
  REQUIRE(RecordStage(*hub.store, app, "kecamatan", "rekomendasi camat", "tester").ok());
  expect_missing("dinsos_verification");
  REQUIRE(RecordStage(*hub.store, app, "dinsos_verification", "berkas lengkap", "tester").ok());
  expect_missing("health_recheck");
  REQUIRE(RecordStage(*hub.store, app, "health_recheck", "sesuai", "tester").ok());
  Status ok = ApproveNow(hub, app);
  CHECK_MESSAGE(ok.ok(), ok.ToString());
  CHECK(ApplicationState(*hub.store, app)->status == "approved");
}

TEST_CASE("returning and rejecting are allowed before any stage") {
  testing::HubFixture hub;
  std::string returned = hub.Submitted(kSarongan, kNik, "poverty_statement");
  CHECK(RecordDecision(*hub.store, returned, "returned", "Lengkapi KK", "hub", "tester").ok());
  CHECK(ApplicationState(*hub.store, returned)->status == "returned");
  std::string rejected = hub.Submitted(kSarongan, kNik, "pbi_jkn");
  CHECK(RecordDecision(*hub.store, rejected, "rejected", "desil 9", "hub", "tester").ok());
  CHECK(ApplicationState(*hub.store, rejected)->status == "rejected");
}

TEST_CASE("an application that arrived without documents is held by the stages, then decided") {
  testing::HubFixture hub;
  std::string app = hub.Submitted(kSarongan, kNik, "pbi_jkn");  // no attachments rows
  CHECK(ApproveNow(hub, app).msg_id() == MsgId::kDecisionSkipsStage);
  hub.PassStages(app);
  CHECK(ApproveNow(hub, app).ok());
}

}  // namespace
}  // namespace simpul::hub
