// Tests for hub/duplicates.h: approving a service the applicant's NIK
// already holds (in another village, another household, or the same
// person) is refused naming the other application, unless an override
// reason is given, which is audited; PBI-JKN and PBI-APBD count as one
// benefit, and DTKS saying the NIK is an active PBI participant needs the
// override too; other services, rejected or pending applications and persons
// without a NIK are no reason to refuse.
#include "hub/duplicates.h"

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "hub/operations.h"
#include "hub/store.h"
#include "schema/ids.h"
#include "schema/messages.h"
#include "sync/crypto/envelope.h"
#include "tests/support/hub_fixture.h"

namespace simpul::hub {
namespace {

const std::string kSarongan = "35.10.01.2001", kPesanggaran = "35.10.01.2002";
const std::string kNik = "3510015211870001";

using Hub = testing::HubFixture;  // tests/support/hub_fixture.h: approvals pass the rule's stages first

TEST_CASE("a second PBI-JKN for one NIK needs an override reason, which is audited") {
  Hub hub;
  std::string first = hub.Submitted(kSarongan, kNik, "pbi_jkn");
  std::string second = hub.Submitted(kPesanggaran, kNik, "pbi_jkn");
  REQUIRE(hub.Approve(first).ok());

  Status refused = hub.Approve(second);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.code() == Code::kFailedPrecondition);
  REQUIRE(refused.msg_id() == MsgId::kBenefitHeld);
  CHECK(refused.args()[0] == kNik);
  CHECK(refused.args()[1] == "pbi_jkn");
  CHECK(refused.args()[2] == first);
  CHECK(refused.args()[3] == kSarongan);
  CHECK(Msg(Lang::kEn, MsgId::kBenefitHeld, refused.args()).find("--override-reason") != std::string::npos);
  CHECK(ApplicationState(*hub.store, second)->status == "in_review");  // its stages passed; no approval recorded
  CHECK(hub.Audits("benefit_override") == 0);

  auto held = BenefitsHeld(*hub.store, *ReadRow(*hub.store, "applications", second));
  REQUIRE(held.ok());
  REQUIRE(held->size() == 1);
  CHECK((*held)[0].app_id == first);
  CHECK((*held)[0].status == "approved");

  REQUIRE(hub.Approve(second, "KK baru setelah pindah; kartu lama dinonaktifkan").ok());
  CHECK(ApplicationState(*hub.store, second)->status == "approved");
  CHECK(hub.Audits("benefit_override") == 1);
  auto audit = QueryRows(*hub.store, "SELECT subject,detail FROM hub_audit WHERE action='benefit_override'", {});
  CHECK(RowText(audit->front(), "subject") == second);
  CHECK(RowText(audit->front(), "detail").find(first) != std::string::npos);
  CHECK(RowText(audit->front(), "detail").find("KK baru setelah pindah") != std::string::npos);
}

TEST_CASE("the same person applying again in the same village is held too") {
  Hub hub;
  std::string first = hub.Submitted(kSarongan, kNik, "pbi_apbd");
  std::string second = hub.Submitted(kSarongan, kNik, "pbi_apbd");
  REQUIRE(hub.Approve(first).ok());
  CHECK(hub.Approve(second).msg_id() == MsgId::kBenefitHeld);
}

TEST_CASE("PBI-JKN and PBI-APBD are one benefit: the other held in any village needs an override") {
  Hub hub;
  std::string jkn = hub.Submitted(kSarongan, kNik, "pbi_jkn");
  std::string apbd = hub.Submitted(kPesanggaran, kNik, "pbi_apbd");
  REQUIRE(hub.Approve(jkn).ok());

  Status refused = hub.Approve(apbd);
  REQUIRE(refused.msg_id() == MsgId::kBenefitHeld);
  CHECK(refused.args()[1] == "pbi_jkn");  // the benefit held, not the one asked for
  CHECK(refused.args()[2] == jkn);
  CHECK(refused.args()[3] == kSarongan);
  CHECK(ApplicationState(*hub.store, apbd)->status == "in_review");

  REQUIRE(hub.Approve(apbd, "PBI-JKN dinonaktifkan Kemensos; dialihkan ke APBD").ok());
  CHECK(hub.Audits("benefit_override") == 1);
  auto audit = QueryRows(*hub.store, "SELECT detail FROM hub_audit WHERE action='benefit_override'", {});
  CHECK(RowText(audit->front(), "detail").find(jkn) != std::string::npos);

  // And the other way round, in the same village.
  std::string jkn_again = hub.Submitted(kPesanggaran, kNik, "pbi_jkn");
  Status back = hub.Approve(jkn_again);
  REQUIRE(back.msg_id() == MsgId::kBenefitHeld);
  CHECK(back.args()[0] == kNik);
}

TEST_CASE("an active PBI participant in DTKS needs an override for a PBI approval, naming the snapshot") {
  Hub hub;
  hub.Exec("INSERT INTO dtks(id,village,nik,name,desil,pbi_status,snapshot_date,source) VALUES(?,?,?,?,?,?,?,?)",
           {schema::NewRowId(hub.clock.now += 1000), kSarongan, kNik, "Siti", "2", "active", "2025-03-31", "dtks"});
  std::string apbd = hub.Submitted(kPesanggaran, kNik, "pbi_apbd");

  Status refused = hub.Approve(apbd);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.code() == Code::kFailedPrecondition);
  REQUIRE(refused.msg_id() == MsgId::kBenefitDtksPbiActive);
  CHECK(refused.args()[0] == kNik);
  CHECK(refused.args()[1] == "2025-03-31");
  CHECK(Msg(Lang::kEn, MsgId::kBenefitDtksPbiActive, refused.args()).find("2025-03-31") != std::string::npos);
  CHECK(Msg(Lang::kId, MsgId::kBenefitDtksPbiActive, refused.args()).find("--override-reason") != std::string::npos);
  CHECK(hub.Audits("benefit_override") == 0);

  REQUIRE(hub.Approve(apbd, "Kartu KIS tidak aktif di faskes; DTKS belum diperbarui").ok());
  auto audit = QueryRows(*hub.store, "SELECT detail FROM hub_audit WHERE action='benefit_override'", {});
  REQUIRE(audit->size() == 1);
  CHECK(RowText(audit->front(), "detail").find("2025-03-31") != std::string::npos);
  CHECK(RowText(audit->front(), "detail").find("DTKS belum diperbarui") != std::string::npos);

  SUBCASE("not for a service that is not PBI, nor when DTKS says inactive") {
    std::string spm = hub.Submitted(kSarongan, kNik, "poverty_statement");
    CHECK(hub.Approve(spm).ok());
    const std::string other = "3510015211870002";
    hub.Exec("INSERT INTO dtks(id,village,nik,name,desil,pbi_status,snapshot_date,source) VALUES(?,?,?,?,?,?,?,?)",
             {schema::NewRowId(hub.clock.now += 1000), kSarongan, other, "Ani", "1", "inactive", "2025-03-31", "dtks"});
    CHECK(hub.Approve(hub.Submitted(kSarongan, other, "pbi_jkn")).ok());
  }
}

TEST_CASE("no refusal: another service, a pending or rejected one, no NIK") {
  Hub hub;
  SUBCASE("another type, or another recommendation service") {
    std::string pbi = hub.Submitted(kSarongan, kNik, "pbi_jkn");
    std::string spm = hub.Submitted(kPesanggaran, kNik, "poverty_statement");
    std::string hospital = hub.Submitted(kSarongan, kNik, "recommendation", "hospital_bill");
    std::string education = hub.Submitted(kPesanggaran, kNik, "recommendation", "education");
    for (const auto& app : {pbi, spm, hospital, education}) CHECK(hub.Approve(app).ok());
    std::string hospital_again = hub.Submitted(kPesanggaran, kNik, "recommendation", "hospital_bill");
    CHECK(hub.Approve(hospital_again).msg_id() == MsgId::kBenefitHeld);
  }
  SUBCASE("the other application is still pending, or was rejected") {
    std::string pending = hub.Submitted(kSarongan, kNik, "pbi_jkn");
    std::string rejected = hub.Submitted(kSarongan, kNik, "pbi_jkn");
    REQUIRE(RecordDecision(*hub.store, rejected, "rejected", "desil 9", "hub", "tester").ok());
    std::string now = hub.Submitted(kPesanggaran, kNik, "pbi_jkn");
    CHECK(hub.Approve(now).ok());
    (void)pending;
  }
  SUBCASE("applicants without a NIK are never each other's duplicates") {
    std::string a = hub.Submitted(kSarongan, "", "pbi_jkn");
    std::string b = hub.Submitted(kSarongan, "", "pbi_jkn");
    CHECK(hub.Approve(a).ok());
    CHECK(hub.Approve(b).ok());
  }
  CHECK(hub.Audits("benefit_override") == 0);
}

}  // namespace
}  // namespace simpul::hub
