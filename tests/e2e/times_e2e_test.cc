// End-to-end: times people can read and measure (issue 11, item 2).
//
// With the real binaries: a village submits and syncs, the hub approves and
// issues the letter, the village syncs (the decision and the letter's PDF
// arrive) and syncs again (its receipts reach the hub); then
// `simpul-hub report times --json` gives every interval from submission to
// the letter in the village. The villages' laptops have wrong clocks
// (SIMPUL_CLOCK_OFFSET_MS): three days fast, and reset to 1970; neither may
// give a negative, absurd or flagged duration. Human output shows times in
// the office's zone and never an HLC stamp or epoch milliseconds.
#include <doctest/doctest.h>

#include <string>

#include "tests/e2e/link_harness.h"

namespace simpul::testing {
namespace {

constexpr int64_t kDayMs = 86400000;
constexpr int kBadInput = 2;  // schema/exit_codes.h

std::string Offset(int64_t ms) { return "SIMPUL_CLOCK_OFFSET_MS=" + std::to_string(ms); }

int64_t WallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string Submit(Node& n, const std::string& kk, const std::string& nik) {
  std::string hh = n.Id({"household", "add", "--address", "Dusun Krajan", "--kk", kk});
  std::string person = n.Id({"person", "add", "--household", hh, "--name", "Siti Aminah", "--nik", nik,
                             "--birth-date", "1965-11-12", "--sex", "P"});
  std::string app = n.Id({"application", "new", "--type", "poverty_statement", "--applicant", person,
                          "--purpose", "Berobat"});
  n.Do({"application", "answer", app, "no_shelter=tidak", "head_not_working=ya", "food_insecure=ya"});
  n.Submit(app);         // with the KK and KTP its rule requires
  n.VillageStages(app);  // the village's field check
  return app;
}

void Sync(Node& n) {
  Json s = n.Ok({"sync"});
  CHECK_MESSAGE(s["refused"].num() == 0, n.last());
}

// No HLC stamp ("0192f3a4b5c6d7e8", or a version "0192f3a4b5c6d7e8.nodeid"
// where node ids, also 16 hex digits, are shown) and no epoch milliseconds
// where a person reads a time.
void CheckNoRawTimes(const std::string& text, bool node_ids_shown = false) {
  auto hex = [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); };
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  for (size_t i = 0; i < text.size(); ++i) {
    if (i > 0 && (hex(text[i - 1]) || digit(text[i - 1]))) continue;  // runs start here only
    size_t h = i, d = i;
    while (h < text.size() && hex(text[h])) ++h;
    while (d < text.size() && digit(text[d])) ++d;
    CHECK_MESSAGE(!(h - i == 16 && (!node_ids_shown || (h < text.size() && text[h] == '.'))), "an HLC stamp at " << i << ":\n" << text);
    CHECK_MESSAGE(!(d - i == 13 && text[i] == '1'), "epoch milliseconds at " << i << ":\n" << text);
  }
}

TEST_CASE("times: submission to letter in the village, measured with wrong village clocks") {
  Hub hub;
  hub.Start();
  Node fast(kSarongan, {Offset(3 * kDayMs)});
  fast.Enrol(hub, hub.url());
  Node reset(kPesanggaran, {Offset(-WallMs())});
  reset.Enrol(hub, hub.url());
  const int64_t started = WallMs();
  std::string app_fast = Submit(fast, "3510011211870001", "3510015211650002");
  std::string app_reset = Submit(reset, "3510011211870002", "3510014211650004");
  Sync(fast);
  Sync(reset);
  for (const auto& app : {app_fast, app_reset}) {
    hub.Approve(app);  // Dinsos's stages first
    hub.Do({"application", "letter", app});
  }
  Sync(fast);  // the decision, the letter row and its PDF arrive; the receipts go back in the same run
  Sync(reset);
  Sync(fast);  // nothing left: the hub holds the receipts
  Sync(reset);
  const int64_t elapsed = WallMs() - started + 60'000;

  // What the villages reported, as the hub holds it.
  for (const auto& [app, offset] : {std::pair{app_fast, 3 * kDayMs}, std::pair{app_reset, -started}}) {
    // Acked: the submission and the village's field check; decisions: Dinsos's three stages, the
    // approval and the letter.
    CHECK(hub.Count("SELECT count(*) FROM receipts WHERE subject_id=? AND kind='acked' AND via='sync'", {app}) == 2);
    CHECK(hub.Count("SELECT count(*) FROM receipts WHERE subject_id=? AND kind='decision'", {app}) == 5);
    CHECK(hub.Count("SELECT count(*) FROM receipts WHERE subject_id=? AND kind='letter'", {app}) == 1);
    // The laptop's clock offset, measured against the hub's in each live sync.
    int64_t measured = hub.Count("SELECT clock_offset_ms FROM receipts WHERE subject_id=? AND kind='letter'", {app});
    CHECK(std::llabs(measured - offset) < elapsed);
  }

  Json report = hub.Ok({"report", "times", "--by", "kecamatan"});
  CHECK(report["by"].str() == "kecamatan");
  CHECK(report["clocks"]["received_to_decided"].str() == "hub");
  REQUIRE(report["groups"].size() == 1);  // both villages are in Pesanggaran's kecamatan 35.10.01
  const Json& total = report["total"];
  CHECK(total["applications"].num() == 2);
  for (const char* interval : {"submitted_to_received", "received_to_decided", "decided_to_letter",
                               "letter_to_delivered", "submitted_to_letter", "submitted_to_delivered"}) {
    const Json& f = total["intervals"][interval];
    INFO(interval);
    CHECK(f["count"].num() == 2);
    CHECK(f["flagged"].num() == 0);
    CHECK(f["median_ms"].num() >= 0);
    CHECK(f["p90_ms"].num() >= f["median_ms"].num());
    CHECK(f["p90_ms"].num() < elapsed);  // no absurd duration from a 1970 or +3 days clock
  }
  CHECK(total["intervals"]["submitted_to_delivered"]["p90_ms"].num() >=
        total["intervals"]["submitted_to_letter"]["p90_ms"].num());
  // SLA of the poverty statement's decision stage (approval_sla_hours).
  bool decision_sla = false;
  for (size_t i = 0; i < total["sla"].size(); ++i)
    if (total["sla"][i]["stage"].str() == "decision") {
      decision_sla = true;
      CHECK(total["sla"][i]["measured"].num() == 2);
      CHECK(total["sla"][i]["within"].num() == 2);
    }
  CHECK(decision_sla);

  // Monthly and per-service views of the same applications; a range that
  // excludes them, and a bad date.
  CHECK(hub.Ok({"report", "times", "--by", "month"})["total"]["applications"].num() == 2);
  CHECK(hub.Ok({"report", "times", "--by", "service"})["groups"][0]["key"].str() == "spm");
  CHECK(hub.Ok({"report", "times", "--to", "2020-01-01"})["total"]["applications"].num() == 0);
  ProcessResult bad = hub.Cli({"report", "times", "--from", "2026-02-30"});
  CHECK(bad.exit_code == kBadInput);
  ProcessResult human = hub.Cli({"--lang", "id", "report", "times"});
  REQUIRE(human.exit_code == kOk);
  LH_CHECK_HAS(human.out, "diajukan -> surat terbit");

  // Every event of the history carries its time in the office's zone (WIB
  // for Banyuwangi), on both sides, and the hub's receipt of the submission.
  Json shown = hub.Ok({"application", "show", app_fast});
  // submitted, the four stages of its rule (the village's field check first), approved, letter_issued
  REQUIRE(shown["events"].size() == 7);
  const size_t approved = 5;
  REQUIRE(shown["events"][approved]["kind"].str() == "approved");
  for (size_t i = 0; i < shown["events"].size(); ++i) {
    CHECK(shown["events"][i]["time"].str().find("+07:00") != std::string::npos);
    CHECK(!shown["events"][i]["at"].str().empty());  // the raw stamp stays
  }
  CHECK(shown["events"][0]["kind"].str() == "submitted");
  CHECK(shown["events"][0]["received_time"].str().find("+07:00") != std::string::npos);
  CHECK(shown["events"][approved]["delivered_time"].str().find("+07:00") != std::string::npos);
  Json local = fast.Ok({"application", "show", app_fast});
  REQUIRE(local["events"].size() == 7);
  CHECK(local["events"][0]["received_by_hub_time"].str().find("+07:00") != std::string::npos);
  CHECK(local["events"][approved]["received_time"].str().find("+07:00") != std::string::npos);

  ProcessResult hub_text = hub.Cli({"--lang", "id", "application", "show", app_fast});
  REQUIRE(hub_text.exit_code == kOk);
  LH_CHECK_HAS(hub_text.out, " WIB");
  LH_CHECK_HAS(hub_text.out, "diterima Dinsos: ");
  CheckNoRawTimes(hub_text.out);
  ProcessResult node_text = fast.Cli({"--lang", "en", "application", "show", app_fast});
  REQUIRE(node_text.exit_code == kOk);
  LH_CHECK_HAS(node_text.out, " WIB");
  LH_CHECK_HAS(node_text.out, "received here: ");
  CheckNoRawTimes(node_text.out);
  for (const std::vector<std::string>& cmd : {std::vector<std::string>{"node", "list"}, {"audit", "--limit", "20"}}) {
    ProcessResult r = hub.Cli(cmd);
    REQUIRE(r.exit_code == kOk);
    CheckNoRawTimes(r.out, true);
  }
  ProcessResult nodes = hub.Cli({"--lang", "en", "node", "list"});
  LH_CHECK_HAS(nodes.out, "last contact: just now");
  ProcessResult outbox = fast.Cli({"outbox", "--all"});
  REQUIRE(outbox.exit_code == kOk);
  CheckNoRawTimes(outbox.out, true);  // audit entries name their writer, a node id
  hub.Stop();
}

}  // namespace
}  // namespace simpul::testing
