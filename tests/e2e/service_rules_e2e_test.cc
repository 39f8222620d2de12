// End-to-end: the service rules hold (issue 11, item 1). A village cannot
// submit an application without the documents its rule requires (the list
// of what is missing, exit 2, nothing written, in the operator's language);
// Dinsos cannot approve one whose stages are not all passed (the first stage
// missing named with the command that records it, exit 2, nothing written),
// while returning it stays possible at any stage.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/support/cluster.h"

namespace simpul::testing {
namespace {

constexpr int kBadInput = 2;  // README: 2 = bad input or not allowed now

std::string HubWrites(Hub& hub) {
  return hub.State() + " hub_audit=" + std::to_string(hub.Count("SELECT count(*) FROM hub_audit"));
}

TEST_CASE("service rules: no submit without the required documents, no approval with a stage skipped") {
  Hub hub;
  hub.Start();
  Node village(kSarongan);
  village.Enrol(hub);

  // A poverty statement (SPM) needs a KK and a KTP; a referral is optional.
  Applicant a = village.DraftApplicant(41, "Siti Aminah");
  std::string referral = village.File("rujukan.pdf");
  WriteFile(referral, "%PDF-1.4 rujukan puskesmas\n");
  village.Attach(a.application, "referral", referral);
  const std::string before = village.State();
  ProcessResult refused = village.Cli({"application", "submit", a.application});
  {
    INFO(village.last());
    CHECK(refused.exit_code == kBadInput);
    CHECK_HAS(refused.err, "required documents not attached: kk, ktp.");
    CHECK(refused.err.find("referral") == std::string::npos);
  }
  ProcessResult in_bahasa = village.CliWith({"LANG=id_ID.UTF-8"}, {"application", "submit", a.application});
  CHECK(in_bahasa.exit_code == kBadInput);
  CHECK_HAS(in_bahasa.err, "dokumen wajib belum dilampirkan: kk, ktp.");
  CHECK(village.State() == before);
  Json draft = village.Ok({"application", "show", a.application});
  CHECK(draft["status"].str() == "draft");
  CHECK(draft["missing_documents"].size() == 2);
  village.Submit(a.application);  // the KK and the KTP, then submitted
  CHECK(village.Ok({"application", "show", a.application})["status"].str() == "submitted");
  CheckClean(village.Sync(), village.last());

  // Dinsos: approval refused while a stage is missing, naming the first.
  auto approve_refused = [&](const std::string& stage) {
    const std::string hub_before = HubWrites(hub);
    ProcessResult r = hub.Cli({"application", "approve", a.application, "--reason", "Memenuhi kriteria"});
    INFO(hub.last());
    CHECK(r.exit_code == kBadInput);
    CHECK_HAS(r.err, "stage '" + stage + "'");
    CHECK_HAS(r.err, "application stage " + a.application + " " + stage);
    CHECK(HubWrites(hub) == hub_before);
    CHECK(hub.Ok({"application", "show", a.application})["status"].str() != "approved");
  };
  approve_refused("field_check");  // the village's own stage comes first
  village.VillageStages(a.application);
  CheckClean(village.Sync(), village.last());
  approve_refused("kecamatan");
  hub.Do({"application", "stage", a.application, "kecamatan", "--note", "Direkomendasikan camat"});
  approve_refused("dinsos_verification");
  ProcessResult hub_bahasa = hub.CliWith({"LANG=id_ID.UTF-8"}, {"application", "approve", a.application});
  CHECK(hub_bahasa.exit_code == kBadInput);
  CHECK_HAS(hub_bahasa.err, "tahap 'dinsos_verification'");
  hub.Approve(a.application);  // the two remaining Dinsos stages, then the approval
  CHECK(hub.Ok({"application", "show", a.application})["status"].str() == "approved");
  CheckClean(village.Sync(), village.last());
  CHECK(village.Ok({"application", "show", a.application})["status"].str() == "approved");

  // Returning needs no stage; the village completes and resubmits (its
  // documents are still attached), and the stages are still required.
  Applicant b = village.SubmittedApplicant(42, "Sri Wahyuni");
  CheckClean(village.Sync(), village.last());
  hub.Do({"application", "return", b.application, "--reason", "Lengkapi foto rumah"});
  CheckClean(village.Sync(), village.last());
  REQUIRE(village.Ok({"application", "show", b.application})["status"].str() == "returned");
  village.Do({"application", "submit", b.application});
  CheckClean(village.Sync(), village.last());
  ProcessResult again = hub.Cli({"application", "approve", b.application});
  CHECK(again.exit_code == kBadInput);
  CHECK_HAS(again.err, "field_check");
}

}  // namespace
}  // namespace simpul::testing
