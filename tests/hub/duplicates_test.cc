// Tests for hub/duplicates.h: approving a service the applicant's NIK
// already holds (in another village, another household, or the same
// person) is refused naming the other application, unless an override
// reason is given, which is audited; other services, rejected or pending
// applications and persons without a NIK are no reason to refuse.
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
#include "tests/support/temp_dir.h"

namespace simpul::hub {
namespace {

constexpr uint64_t kT = 1'700'000'000'000ULL;
const std::string kSarongan = "35.10.01.2001", kPesanggaran = "35.10.01.2002";
const std::string kNik = "3510015211870001";

class FakeClock : public sync::Clock {
 public:
  uint64_t NowMs() override { return now += 10; }
  uint64_t now = kT;
};

struct Hub {
  Hub() {
    REQUIRE(sync::crypto::InitSodium().ok());
    auto r = HubStore::Init(dir.File("hub"), "Dinsos Uji", &clock);
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    store = std::move(r).value();
  }
  void Exec(const std::string& sql, const std::vector<std::string>& binds) {
    auto st = store->db().Prepare(sql);
    REQUIRE(st.ok());
    for (size_t i = 0; i < binds.size(); ++i) st->Bind(static_cast<int>(i) + 1, binds[i]);
    Status run = st->Run();
    REQUIRE_MESSAGE(run.ok(), run.ToString());
  }
  // A person as a village recorded it, with an application it submitted
  // (rows as they arrive from the village's node).
  std::string Submitted(const std::string& village, const std::string& nik, const std::string& type,
                        const std::string& service = "") {
    const std::string person = schema::NewRowId(clock.now += 1000);
    const std::string app = schema::NewRowId(clock.now += 1000);
    Exec("INSERT INTO persons(id,village,household_id,nik,name) VALUES(?,?,?,?,?)",
         {person, village, schema::NewRowId(clock.now += 1000), nik, "Siti"});
    if (nik.empty()) Exec("UPDATE persons SET nik=NULL WHERE id=?", {person});
    Exec("INSERT INTO applications(id,village,type,applicant_id,service_type) VALUES(?,?,?,?,?)",
         {app, village, type, person, service});
    if (service.empty()) Exec("UPDATE applications SET service_type=NULL WHERE id=?", {app});
    Exec("INSERT INTO events(id,village,subject_id,subject_kind,kind,actor,actor_role,at,after)"
         " VALUES(?,?,?,'application','submitted','node-x','village',?,'')",
         {schema::NewRowId(clock.now += 1000), village, app, "0000018bcfe5a000.node-x"});
    return app;
  }
  Status Approve(const std::string& app, const std::string& override_reason = "") {
    return RecordDecision(*store, app, "approved", "", "hub", "tester", nullptr, override_reason);
  }
  int64_t Audits(const std::string& action) {
    auto rows = QueryRows(*store, "SELECT count(*) AS n FROM hub_audit WHERE action=?", {action});
    REQUIRE(rows.ok());
    return std::get<int64_t>(rows->front().front().second);
  }
  simpul::testing::TempDir dir;
  FakeClock clock;
  std::unique_ptr<HubStore> store;
};

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
  CHECK(ApplicationState(*hub.store, second)->status == "submitted");  // nothing recorded
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
