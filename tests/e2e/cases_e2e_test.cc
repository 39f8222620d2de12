// End-to-end: a B'DESUT emergency case through the real binaries (issue 11,
// item 4). A kelurahan of Pontianak (WIB) opens it offline; it shows
// "(number pending)" until its sync, where the hub numbers it; Dinsos
// assigns a facilitator and refers it to the hospital; the village adds a
// follow-up note and the referral's outcome; past its 1x24 h it is overdue on
// both sides (the clock moved on with SIMPUL_CLOCK_OFFSET_MS, no sleeping);
// Dinsos resolves and closes it; closing it twice is refused on both sides
// with nothing written. The front office opens a walk-in case for the same
// kelurahan, which reaches it at its next sync; yearly counts by category.
#include <string>
#include <vector>

#include "tests/support/cluster.h"

namespace simpul::testing {
namespace {

constexpr int kBadInput = 2;  // README: 2 = bad input or not allowed now
const std::string kKelurahan = "61.71.01.1002";  // Benuamelayu Laut, Pontianak Selatan
const std::string kLater = "SIMPUL_CLOCK_OFFSET_MS=" + std::to_string(25LL * 3600 * 1000);  // 25 h on

Json Sync(Node& n) {
  Json s = n.Ok({"sync"});
  CHECK_MESSAGE(s["refused"].num() == 0, n.last());
  return s;
}

bool Lists(const Json& cases, const std::string& id) {
  for (size_t i = 0; i < cases.size(); ++i)
    if (cases[i]["id"].str() == id) return true;
  return false;
}

TEST_CASE("cases: a B'DESUT emergency case opened offline, numbered, referred, overdue, resolved and closed once") {
  Hub hub;
  hub.Start();
  Node node(kKelurahan);
  node.Enrol(hub, hub.url());

  // --- the kelurahan, offline ------------------------------------------------------
  std::string hh = node.Id({"household", "add", "--address", "Gang Sepakat 2", "--kk", "6171011211870001"});
  std::string person = node.Id({"person", "add", "--household", hh, "--name", "Siti Aminah", "--nik",
                                "6171015211870002", "--birth-date", "1987-11-12", "--sex", "P"});
  Json opened = node.Ok({"case", "open", "--category", "health", "--urgency", "emergency", "--person", person,
                         "--description", "Ibu Siti sesak napas, tidak punya KIS aktif, butuh rujukan RSUD"});
  const std::string id = opened["id"].str();
  REQUIRE(!id.empty());
  CHECK(opened["number_pending"].truthy());
  CHECK(opened["status"].str() == "received");
  CHECK(opened["zone"].str() == "WIB");
  CHECK(opened["due"].str().size() == 25);  // ISO 8601 with +07:00
  LH_CHECK_HAS(opened["due"].str(), "+07:00");
  ProcessResult shown = node.Cli({"case", "show", id});
  REQUIRE(shown.exit_code == kOk);
  LH_CHECK_HAS(shown.out, "(number pending)");
  LH_CHECK_HAS(shown.out, "WIB");
  // A step out of order: nobody took the case yet.
  ProcessResult early = node.Cli({"case", "resolve", id, "--resolution", "selesai"});
  CHECK(early.exit_code == kBadInput);
  LH_CHECK_HAS(early.err, "status");
  LH_CHECK_HAS(early.err, "'received'");

  // --- sync: the hub numbers it, the number comes back ---------------------------
  Sync(node);
  Json at_hub = hub.Ok({"case", "show", id});
  const std::string number = at_hub["number"].str();
  const std::string year = at_hub["opened"].str().substr(0, 4);
  CHECK(number == "KASUS/" + year + "/00001");
  Json at_node = node.Ok({"case", "show", id});
  CHECK(at_node["number"].str() == number);
  CHECK(!at_node["number_pending"].truthy());

  // --- Dinsos assigns and refers ----------------------------------------------------
  hub.Do({"case", "assign", id, "--facilitator", "Bu Rina (fasilitator Benuamelayu Laut)"});
  ProcessResult bad_partner = hub.Cli({"case", "refer", id, "--partner", "dukun"});
  CHECK(bad_partner.exit_code == kBadInput);
  LH_CHECK_HAS(bad_partner.err, "--partner");
  ProcessResult no_name = hub.Cli({"case", "refer", id, "--partner", "other"});
  CHECK(no_name.exit_code == kBadInput);
  LH_CHECK_HAS(no_name.err, "--partner-name");
  hub.Do({"case", "refer", id, "--partner", "hospital", "--note", "RSUD Sultan Syarif Mohamad Alkadrie, IGD"});
  Sync(node);
  at_node = node.Ok({"case", "show", id});
  CHECK(at_node["status"].str() == "referred");
  CHECK(at_node["facilitator"].str() == "Bu Rina (fasilitator Benuamelayu Laut)");
  REQUIRE(at_node["referrals"].size() == 1);
  CHECK(at_node["referrals"][0]["partner"].str() == "hospital");

  // --- the kelurahan follows up --------------------------------------------------------
  node.Do({"case", "note", id, "--text", "Keluarga dikunjungi; surat keterangan tidak mampu dibuat"});
  node.Do({"case", "outcome", id, "--outcome", "Diterima di IGD, dirawat inap kelas 3"});
  Sync(node);
  at_hub = hub.Ok({"case", "show", id});
  CHECK(at_hub["status"].str() == "in_progress");
  CHECK(at_hub["referrals"][0]["outcome"].str() == "Diterima di IGD, dirawat inap kelas 3");
  REQUIRE(at_hub["history"].size() == 4);
  CHECK(at_hub["history"][2]["kind"].str() == "noted");
  CHECK(at_hub["history"][2]["actor_role"].str() == "village");
  CHECK(at_hub["anomalies"].size() == 0);

  // --- overdue, on both sides, once past 1x24 h ---------------------------------------
  CHECK(hub.Ok({"case", "list", "--overdue"}).size() == 0);
  ProcessResult late_hub = hub.CliWith({kLater}, {"--json", "case", "list", "--overdue"});
  REQUIRE(late_hub.exit_code == kOk);
  Json overdue = ParseJson(late_hub.out);
  REQUIRE(overdue.size() == 1);
  CHECK(overdue[0]["id"].str() == id);
  CHECK(overdue[0]["overdue"].truthy());
  ProcessResult inbox = hub.CliWith({kLater}, {"case", "inbox"});
  REQUIRE(inbox.exit_code == kOk);
  LH_CHECK_HAS(inbox.out, number);
  LH_CHECK_HAS(inbox.out, "OVERDUE");
  ProcessResult late_node = node.CliWith({kLater}, {"case", "list", "--overdue"});
  REQUIRE(late_node.exit_code == kOk);
  LH_CHECK_HAS(late_node.out, number);
  LH_CHECK_HAS(late_node.out, "OVERDUE");
  ProcessResult id_lang = node.CliWith({kLater}, {"--lang", "id", "case", "show", id});
  LH_CHECK_HAS(id_lang.out, "LEWAT TENGGAT");

  // --- resolved and closed at Dinsos; closing twice is refused, nothing written ------
  hub.Do({"case", "resolve", id, "--resolution", "Biaya rawat inap ditanggung Baznas; KIS-PBI APBD diusulkan"});
  hub.Do({"case", "close", id});
  const int64_t log_before = hub.Count("SELECT count(*) FROM changelog");
  ProcessResult twice = hub.Cli({"case", "close", id});
  CHECK(twice.exit_code == kBadInput);
  LH_CHECK_HAS(twice.err, "already closed");
  CHECK(hub.Count("SELECT count(*) FROM changelog") == log_before);
  // Resolved: no longer overdue, even later.
  late_hub = hub.CliWith({kLater}, {"--json", "case", "list", "--overdue"});
  CHECK(ParseJson(late_hub.out).size() == 0);
  Sync(node);
  at_node = node.Ok({"case", "show", id});
  CHECK(at_node["status"].str() == "closed");
  CHECK(at_node["resolution"].str() == "Biaya rawat inap ditanggung Baznas; KIS-PBI APBD diusulkan");
  const int64_t outbox_before = node.Count("SELECT count(*) FROM outbox");
  ProcessResult twice_node = node.Cli({"case", "close", id});
  CHECK(twice_node.exit_code == kBadInput);
  LH_CHECK_HAS(twice_node.err, "already closed");
  CHECK(node.Count("SELECT count(*) FROM outbox") == outbox_before);
  ProcessResult bad_status = node.Cli({"case", "list", "--status", "open"});
  CHECK(bad_status.exit_code == kBadInput);
  LH_CHECK_HAS(bad_status.err, "--status");

  // --- a walk-in at the front office reaches the kelurahan ------------------------------
  Json walk_in = hub.Ok({"case", "open", "--village", kKelurahan, "--category", "education", "--description",
                         "Tunggakan SPP tiga bulan, anak terancam tidak ikut ujian", "--person", person});
  CHECK(walk_in["number"].str() == "KASUS/" + year + "/00002");
  CHECK(walk_in["status"].str() == "received");
  Sync(node);
  Json listed = node.Ok({"case", "list"});
  REQUIRE(Lists(listed, walk_in["id"].str()));
  at_node = node.Ok({"case", "show", walk_in["id"].str()});
  CHECK(at_node["number"].str() == walk_in["number"].str());
  CHECK(at_node["description"].str() == "Tunggakan SPP tiga bulan, anak terancam tidak ikut ujian");
  CHECK(at_node["person_id"].str() == person);
  node.Do({"case", "assign", walk_in["id"].str(), "--facilitator", "Pak Hendra"});
  Sync(node);
  CHECK(hub.Ok({"case", "show", walk_in["id"].str()})["status"].str() == "assigned");

  // --- yearly counts by category ------------------------------------------------------
  Json counts = hub.Ok({"case", "counts", "--year", year});
  CHECK(counts["total"]["opened"].num() == 2);
  for (size_t i = 0; i < counts["categories"].size(); ++i) {
    const Json& c = counts["categories"][i];
    if (c["category"].str() == "health") {
      CHECK(c["opened"].num() == 1);
      CHECK(c["closed"].num() == 1);
      CHECK(c["within_target"].num() == 1);
    }
    if (c["category"].str() == "education") {
      CHECK(c["opened"].num() == 1);
      CHECK(c["open"].num() == 1);
    }
  }
  ProcessResult bad_year = hub.Cli({"case", "counts", "--year", "26"});
  CHECK(bad_year.exit_code == kBadInput);
  LH_CHECK_HAS(bad_year.err, "--year");
  // The village and the hub hold the same case steps.
  CHECK(node.Count("SELECT count(*) FROM case_events") == hub.Count("SELECT count(*) FROM case_events"));
}

}  // namespace
}  // namespace simpul::testing
