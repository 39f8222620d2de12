// End-to-end: a letter's life after the hub issues it (issue 11, item 3).
// The hub issues the letter; the hub and the village each write its PDF; the
// QR text the PDF carries verifies as valid at both; a flipped byte is
// forged at both; the hub revokes it, the village learns it at its next sync
// and both then say revoked; revoking twice is refused with nothing written.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/support/cluster.h"

namespace simpul::testing {
namespace {

std::string SubmittedApplication(Node& n) {
  std::string hh = n.Id({"household", "add", "--address", "Dusun Krajan", "--kk", "3510011211870001"});
  std::string person = n.Id({"person", "add", "--household", hh, "--name", "Siti Aminah Ba'u", "--nik",
                             "3510015211650002", "--birth-date", "1965-11-12", "--sex", "P"});
  std::string app = n.Id({"application", "new", "--type", "poverty_statement", "--applicant", person,
                          "--purpose", "Berobat"});
  n.Do({"application", "answer", app, "no_shelter=tidak", "head_not_working=ya", "food_insecure=ya"});
  n.Submit(app);  // with the KK and KTP the rule requires
  return app;
}

TEST_CASE("letters: printed at the hub and the village, verified offline, revoked everywhere") {
  Hub hub;
  hub.Start();
  Node village(kSarongan);
  village.Enrol(hub, hub.url());
  std::string app = SubmittedApplication(village);
  CHECK(village.Ok({"sync"})["refused"].num() == 0);
  // The service rule's stages: shown as next, recorded only in order and by their side.
  CHECK(hub.Ok({"application", "show", app})["next_stage"].str() == "field_check");
  ProcessResult early = hub.Cli({"application", "stage", app, "kecamatan"});
  CHECK(early.exit_code != kOk);
  LH_CHECK_HAS(early.err, "field_check");
  ProcessResult theirs = hub.Cli({"application", "stage", app, "field_check"});
  CHECK(theirs.exit_code != kOk);
  LH_CHECK_HAS(theirs.err, "village_operator");
  ProcessResult unknown = hub.Cli({"application", "stage", app, "lurah"});
  CHECK(unknown.exit_code == 2);
  LH_CHECK_HAS(unknown.err, "health_recheck");
  CHECK(hub.Count("SELECT count(*) FROM events WHERE subject_id=? AND kind='stage_done'", {app}) == 0);
  // The village records its own stage (another side's: refused), and it reaches the hub.
  ProcessResult village_early = village.Cli({"application", "stage", app, "kecamatan"});
  CHECK(village_early.exit_code != kOk);
  CHECK_HAS(village_early.err, "kecamatan_verifier");  // not the village's stage
  Json staged = village.Ok({"application", "stage", app, "field_check", "--note", "Rumah dikunjungi tim"});
  CHECK(staged["next_stage"].str() == "kecamatan");
  CHECK(village.Cli({"application", "stage", app, "field_check"}).exit_code != kOk);  // already recorded
  CHECK(village.Ok({"sync"})["refused"].num() == 0);
  CHECK(hub.Ok({"application", "show", app})["next_stage"].str() == "kecamatan");
  hub.Do({"application", "stage", app, "kecamatan", "--note", "Direkomendasikan camat"});
  CHECK(hub.Ok({"application", "show", app})["next_stage"].str() == "dinsos_verification");
  hub.Approve(app);  // Dinsos's two remaining stages, then the approval
  std::string number = hub.Ok({"application", "letter", app})["letter_number"].str();
  REQUIRE(!number.empty());

  // The hub prints it, by application or by number; the read is audited.
  std::string hub_pdf = village.File("hub-letter.pdf");
  Json got = hub.Ok({"letter", "get", app, "--out", hub_pdf});
  CHECK(got["number"].str() == number);
  CHECK(ReadFile(hub_pdf).rfind("%PDF-", 0) == 0);
  CHECK(hub.Count("SELECT count(*) FROM hub_audit WHERE action='read_letter' AND subject=?", {app}) == 1);
  CHECK(hub.Ok({"letter", "get", number, "--out", village.File("by-number.pdf")})["number"].str() == number);
  ProcessResult none = hub.Cli({"letter", "get", "nope", "--out", village.File("none.pdf")});
  CHECK(none.exit_code != kOk);
  LH_CHECK_HAS(none.err, "nope");
  CHECK(!fs::exists(village.File("none.pdf")));

  // The village receives it at its next sync and prints the same bytes.
  CHECK(village.Ok({"sync"})["refused"].num() == 0);
  std::string village_pdf = village.File("village-letter.pdf");
  village.Do({"letter", "get", app, "--out", village_pdf});
  CHECK(ReadFile(village_pdf) == ReadFile(hub_pdf));

  // The QR text verifies at both; one flipped character is forged at both.
  std::string qr = PdfQrText(village_pdf, village.Home());
  REQUIRE(!qr.empty());
  Json at_hub = hub.Ok({"letter", "verify", qr});
  CHECK(at_hub["verdict"].str() == "valid");
  CHECK(at_hub["number"].str() == number);
  CHECK(village.Ok({"letter", "verify", qr})["verdict"].str() == "valid");
  std::string forged = qr;
  forged[forged.size() / 2] = forged[forged.size() / 2] == 'A' ? 'B' : 'A';
  for (ProcessResult r : {hub.Cli({"--json", "letter", "verify", forged}),
                          village.Cli({"--json", "letter", "verify", forged})}) {
    CHECK(r.exit_code != kOk);
    bool named = r.out.find("forged") != std::string::npos || r.err.find("qr_text") != std::string::npos;
    CHECK_MESSAGE(named, r.out << r.err);
  }

  // Revoked at the hub: the hub says so at once, the village after its sync.
  ProcessResult no_reason = hub.Cli({"letter", "revoke", number});
  CHECK(no_reason.exit_code != kOk);
  hub.Do({"letter", "revoke", number, "--reason", "Data pemohon keliru"});
  CHECK(hub.Count("SELECT revoked FROM letters WHERE number=?", {number}) == 1);
  ProcessResult twice = hub.Cli({"letter", "revoke", number, "--reason", "lagi"});
  CHECK(twice.exit_code != kOk);
  LH_CHECK_HAS(twice.err, "already revoked");
  CHECK(hub.Count("SELECT count(*) FROM hub_audit WHERE action='letter_revoked'") == 1);
  ProcessResult hub_check = hub.Cli({"--json", "letter", "verify", qr});
  CHECK(hub_check.exit_code != kOk);
  CHECK(ParseJson(hub_check.out)["verdict"].str() == "revoked");

  CHECK(village.Ok({"letter", "verify", qr})["verdict"].str() == "valid");  // not heard yet: offline truth
  CHECK(village.Ok({"sync"})["refused"].num() == 0);
  ProcessResult village_check = village.Cli({"--json", "letter", "verify", qr});
  CHECK(village_check.exit_code != kOk);
  CHECK(ParseJson(village_check.out)["verdict"].str() == "revoked");
  ProcessResult reprint = village.Cli({"letter", "get", app, "--out", village.File("again.pdf")});
  LH_CHECK_HAS(reprint.out, "REVOKED");
}

}  // namespace
}  // namespace simpul::testing
