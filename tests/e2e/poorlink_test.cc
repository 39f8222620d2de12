// Issue "Poor links": a village node with 200 applications and their
// documents syncs to the hub through simpul-linkemu at 64 kbit/s each way,
// 300 ms one-way latency, and a connection cut somewhere in every 30-120 KB.
// The operator's loop is `simpul-node --json sync --timeout 30` again and
// again (exit 4 = link cut: retry), bounded in attempts and time.
//
// Checked at the end:
//  - every document is at the hub, verified: the hub's blobs/<ab>/<rest>
//    files hash (SHA-256, computed here) to their names, and they are exactly
//    the unique documents the node attached (one KK file shared by the 4
//    applications of a household is stored once);
//  - nothing is duplicated: the hub holds exactly the node's households,
//    persons, applications and attachments, and applied each change once;
//  - bytes on the wire stay within 1.15x of the payload (definition below),
//    which a document restarted from zero after each cut would blow: the cut
//    range is well below the bytes of documents one sync run has to move,
//    so cuts land in the middle of document transfers;
//  - the requests a cut left in doubt were settled from the hub's record
//    (protocol 3, PROTOCOL.md §19), not sent again.
//
// The link's seed is printed; SIMPUL_POORLINK_SEED=N replays a run (it also
// fixes the documents' sizes and bytes); SIMPUL_POORLINK_HUBLOG=1 prints the
// hub's request log (one line per request, with the bytes it received).
#include "tests/support/cluster.h"

namespace simpul::testing {
namespace {

constexpr int kHouseholds = 50;         // x 4 applications = 200
constexpr int kPerHousehold = 4;
// The target. A cut costs half an 8 KiB frame on average (the frame
// in transit); the recovery of protocol 3 costs a few bytes instead of a
// question per document or a second push. Measured 1.10-1.13x over seeds
// 1-5 (5-7 cuts each; docs/BENCHMARKS.md); before protocol 3 1.13-1.22x,
// ~1.4x before streamed requests, 2.3-2.5x before that.
constexpr double kWireBound = 1.15;
constexpr double kSyncBudgetS = 130;    // all sync attempts together
constexpr int kMaxAttempts = 40;

struct SyncTotals {
  int attempts = 0, cut = 0, ok = 0, other = 0;
  bool done = false;
  Json last;  // the summary of the last successful run
  std::string transcript;
};

// Sums of the reference hub's log for one node: "in=NNNB" per /v1/sync or
// /v1/stream request (HTTP body), in total and for requests that pushed changes.
struct HubLogBytes {
  uint64_t requests = 0, in_total = 0, push_requests = 0, push_in = 0;
};
HubLogBytes SumHubLog(const std::string& log, const std::string& node_id) {
  HubLogBytes s;
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);) {
    if (line.find("/v1/sync node=" + node_id + " ") == std::string::npos &&
        line.find("/v1/stream node=" + node_id + " ") == std::string::npos)
      continue;
    size_t at = line.find(" in=");
    size_t pushed = line.find(" pushed=");
    if (at == std::string::npos || pushed == std::string::npos) continue;
    uint64_t bytes = std::strtoull(line.c_str() + at + 4, nullptr, 10);
    ++s.requests;
    s.in_total += bytes;
    if (std::atoi(line.c_str() + pushed + 8) > 0) {
      ++s.push_requests;
      s.push_in += bytes;
    }
  }
  return s;
}

TEST_CASE("poor link: 200 applications with 400 documents reach the hub through 64 kbit/s, 300 ms and cuts; "
          "complete, verified, deduplicated, wire within 1.15x of the payload") {
  const uint64_t seed = SeedFrom("SIMPUL_POORLINK_SEED");
  MESSAGE("poor link seed " << seed << " (replay: SIMPUL_POORLINK_SEED=" << seed << ")");
  std::mt19937_64 rng(seed);

  Hub hub;
  hub.Start();
  Node node(kSarongan);

  // --- the village's data: 50 households x 4 applications x 2 documents ------------
  // Each application: the household's family card (KK, 2.0-3.0 KB, the SAME
  // file for the 4 applications of the household) and the applicant's own
  // KTP (1.0-1.4 KB). 250 unique documents, about 365 KB.
  std::map<std::string, uint64_t> unique_docs;  // sha -> size
  int attachments = 0;
  fs::create_directories(node.File("docs"));
  for (int h = 1; h <= kHouseholds; ++h) {
    char kk[32];
    std::snprintf(kk, sizeof kk, "351001121187%04d", h);
    std::string hh = node.Id({"household", "add", "--address", "Dusun Krajan RT " + std::to_string(h), "--kk", kk});
    std::string kk_bytes = RandomBytes(rng, 2000 + rng() % 1001);
    std::string kk_file = node.File("docs/kk-" + std::to_string(h) + ".bin");
    WriteFile(kk_file, kk_bytes);
    unique_docs[Sha256Hex(kk_bytes)] = kk_bytes.size();
    for (int p = 1; p <= kPerHousehold; ++p) {
      int n = (h - 1) * kPerHousehold + p;
      char nik[32];
      std::snprintf(nik, sizeof nik, "351001550887%04d", n);
      std::string person = node.Id({"person", "add", "--household", hh, "--name", "Warga " + std::to_string(n),
                                    "--nik", nik, "--birth-date", "1987-08-15", "--sex", "P"});
      std::string app = node.Id({"application", "new", "--type", "poverty_statement", "--applicant", person,
                                 "--purpose", "Berobat ke RSUD Blambangan"});
      std::string ktp_bytes = RandomBytes(rng, 1000 + rng() % 401);
      std::string ktp_file = node.File("docs/ktp-" + std::to_string(n) + ".bin");
      WriteFile(ktp_file, ktp_bytes);
      unique_docs[Sha256Hex(ktp_bytes)] = ktp_bytes.size();
      Json a1 = node.Ok({"application", "attach", app, "--kind", "kk", "--file", kk_file});
      Json a2 = node.Ok({"application", "attach", app, "--kind", "ktp", "--file", ktp_file});
      CHECK(unique_docs.count(a1["sha256"].str()) == 1);
      CHECK(unique_docs.count(a2["sha256"].str()) == 1);
      attachments += 2;
    }
  }
  const int64_t kApps = kHouseholds * kPerHousehold;
  REQUIRE(unique_docs.size() == static_cast<size_t>(kHouseholds + kApps));
  uint64_t doc_bytes = 0;
  for (const auto& [sha, size] : unique_docs) doc_bytes += size;
  const int64_t changes = node.Count("SELECT count(*) FROM outbox WHERE state='pending'");
  // The node stores each document once too.
  CHECK(ListBlobs(node.dir() + "/blobs").files.size() == unique_docs.size());

  // --- the payload -------------------------------------------------------------------
  // payload = the unique document bytes
  //         + the bytes the records need on their own: the request bytes
  //           (HTTP included) of the round trips that pushed changes, in one
  //           uninterrupted sync of a byte-for-byte copy of this node's store
  //           to a fresh hub over a direct loopback link.
  // Records go first and documents only once the outbox is empty, so the
  // pushing round trips carry no document bytes. The copy's HTTP header bytes
  // per request are its bytes_sent minus the frames the hub logged ("in="),
  // divided by its round trips. Everything else the node sends (document
  // queries and chunk headers, digests, resends after cuts, HTTP of the
  // document round trips) is overhead, and must fit in the 15%.
  uint64_t records_bytes = 0, direct_total = 0;
  {
    Node copy(node, "reference");
    Hub ref_hub;
    ref_hub.Start();
    copy.Enrol(ref_hub, ref_hub.url());
    uint64_t sent = 0, trips = 0;
    Json s;
    for (int i = 0; i < 5; ++i) {
      s = copy.Ok({"sync", "--timeout", "30"});
      sent += static_cast<uint64_t>(s["bytes_sent"].num());
      trips += static_cast<uint64_t>(s["round_trips"].num());
      if (s["verified"].truthy() && s["docs_pending"].num() == 0) break;
    }
    INFO(copy.last());
    REQUIRE(s["verified"].truthy());
    REQUIRE(s["docs_pending"].num() == 0);
    HubLogBytes hl = SumHubLog(ref_hub.log(), copy.id());
    REQUIRE(hl.requests == trips);
    REQUIRE(hl.push_requests > 0);
    uint64_t header = (sent - hl.in_total) / trips;
    records_bytes = hl.push_in + hl.push_requests * header;
    direct_total = sent;
    CHECK(ref_hub.Count("SELECT count(*) FROM applied WHERE node_id=?", {copy.id()}) >= changes);
  }
  const uint64_t payload = doc_bytes + records_bytes;
  MESSAGE("payload: " << unique_docs.size() << " unique documents, " << doc_bytes << " bytes, + records "
                      << records_bytes << " bytes (" << changes << " changes) = " << payload
                      << " bytes; the same store over a direct link sent " << direct_total << " bytes");

  // --- the poor link -----------------------------------------------------------------
  Linkemu emu(hub.port(), {"--rate-up", "64", "--rate-down", "64", "--latency", "300", "--cut-after-min", "30000",
                           "--cut-after-max", "120000", "--seed", std::to_string(seed % 4294967296ull), "--shared"});
  MESSAGE(emu.settings());
  node.Enrol(hub, emu.url());
  const long long up_before = emu.Stat("bytes_up");

  SyncTotals t;
  int64_t recovered = 0;
  const double t0 = MonoNow();
  while (!t.done && t.attempts < kMaxAttempts) {
    double left = kSyncBudgetS - (MonoNow() - t0);
    if (left <= 5) break;
    ++t.attempts;
    // A run still going when the budget ends is killed; that ends the loop.
    ProcessResult r = node.Cli({"--json", "sync", "--timeout", "30"}, static_cast<int>(left) + 1);
    std::ostringstream line;
    line << "attempt " << t.attempts << " at " << static_cast<int>(MonoNow() - t0) << " s: exit " << r.exit_code
         << ", up " << emu.Stat("bytes_up") - up_before << " B, cuts " << emu.Stat("cuts") << ": ";
    auto first_line = [](const std::string& s) { return s.substr(0, std::min<size_t>(s.find('\n'), 200)); };
    if (r.exit_code == kOk) {
      ++t.ok;
      t.last = ParseJson(r.out);
      recovered += static_cast<int64_t>(t.last["recovered"].num());
      t.done = t.last["verified"].truthy() && t.last["docs_pending"].num() == 0;
      line << first_line(r.out);
    } else if (r.exit_code == kUnavailable) {
      ++t.cut;
      line << first_line(r.err);
    } else if (r.signal == SIGKILL && MonoNow() - t0 >= kSyncBudgetS - 1) {
      line << "still running at the end of the time budget: stopped";
    } else {
      ++t.other;  // a bug (e.g. 6: a resend taken for a replay); keep going, it is checked below
      line << first_line(r.err);
    }
    t.transcript += line.str() + "\n";
  }
  const double elapsed = MonoNow() - t0;
  emu.Stop();
  const long long bytes_up = emu.Stat("bytes_up") - up_before;
  const double ratio = static_cast<double>(bytes_up) / static_cast<double>(payload);
  std::string link_chunk = SqlText(node.db(), "SELECT value FROM meta WHERE key='link_chunk'");
  std::string link_batch = SqlText(node.db(), "SELECT value FROM meta WHERE key='link_batch'");
  MESSAGE("poor link: " << std::string(t.done ? "complete" : "NOT complete") << " after " << t.attempts << " attempt(s) ("
                        << t.cut << " cut, " << t.ok << " ok) in " << elapsed << " s; " << emu.Stat("cuts")
                        << " cuts, " << emu.Stat("connections") << " connections; bytes up " << bytes_up
                        << " = " << ratio << "x payload (bound " << kWireBound << "x), bytes down "
                        << emu.Stat("bytes_down") << "; node link_chunk=" << link_chunk << " link_batch="
                        << link_batch << "\n"
                        << t.transcript);

  if (std::getenv("SIMPUL_POORLINK_HUBLOG")) MESSAGE(hub.log());
  // --- every run ended as a cut (retry) or a success ----------------------------------
  CHECK_MESSAGE(t.other == 0, "a sync ended other than ok or 'link cut, retry' (exit 4); see the transcript above");
  CHECK_MESSAGE(t.done, "not everything arrived within " << kMaxAttempts << " attempts / " << kSyncBudgetS
                                                         << " s of syncing; see the transcript above");
  if (t.done) {
    CHECK(t.last["refused"].num() == 0);
    CHECK(t.last["docs_refused"].num() == 0);
  }
  CHECK(node.Count("SELECT count(*) FROM outbox WHERE state!='acked'") == 0);  // acknowledged rows stay (§22)

  // --- every document at the hub, verified, stored once -------------------------------
  BlobListing blobs = ListBlobs(hub.dir() + "/blobs");
  size_t bad_hash = 0, unexpected = 0;
  for (const auto& [name, hash] : blobs.files) {
    bad_hash += name != hash;
    unexpected += unique_docs.count(name) == 0;
  }
  size_t missing = 0;
  for (const auto& [sha, size] : unique_docs) missing += blobs.files.count(sha) == 0;
  CHECK_MESSAGE(bad_hash == 0, bad_hash << " hub documents do not hash to their names");
  CHECK(unexpected == 0);
  CHECK_MESSAGE(missing == 0, missing << " of " << unique_docs.size() << " documents are not at the hub ("
                                      << blobs.partial.size() << " partial files)");
  CHECK(blobs.files.size() == unique_docs.size());
  if (missing == 0) CHECK(blobs.bytes == doc_bytes);
  CHECK_MESSAGE(blobs.partial.empty(), blobs.partial.size() << " partial document files left at the hub");

  // --- nothing duplicated, nothing lost --------------------------------------------------
  const std::map<std::string, int64_t> expected = {
      {"households", kHouseholds}, {"persons", kApps}, {"applications", kApps}, {"attachments", attachments}};
  for (const auto& [table, n] : expected) {
    INFO("table " << table);
    const std::string q = "SELECT count(*) FROM " + table + " WHERE village=?";
    CHECK(node.Count(q, {kSarongan}) == n);
    CHECK(hub.Count(q, {kSarongan}) == n);
    CHECK(hub.Count("SELECT count(DISTINCT id) FROM " + table + " WHERE village=?", {kSarongan}) == n);
  }
  // Same attachment rows on both sides (id, application, document).
  const std::string att = "SELECT id,application_id,kind,sha256,size FROM attachments WHERE village=? ORDER BY id";
  CHECK(SqlRows(hub.db(), att, {kSarongan}) == SqlRows(node.db(), att, {kSarongan}));
  // Each change applied once, however often it was re-sent after a cut.
  CHECK(hub.Count("SELECT count(*) FROM applied WHERE node_id=? AND code=0", {node.id()}) >= changes);
  CHECK(hub.Count("SELECT count(*) FROM changelog WHERE origin=?", {node.id()}) ==
        hub.Count("SELECT count(DISTINCT version) FROM changelog WHERE origin=?", {node.id()}));

  // --- cuts settled from the hub's record ------------------------------------------------
  // Every cut after the records lands in a round of document frames, the
  // whole ones of which the hub handled: settled, not sent again.
  if (emu.Stat("cuts") >= 2) CHECK_MESSAGE(recovered > 0, "no request was settled from the hub's record");

  // --- the wire: no restart from zero ---------------------------------------------------
  CHECK_MESSAGE(static_cast<double>(bytes_up) <= kWireBound * static_cast<double>(payload),
                "bytes up " << bytes_up << " = " << ratio << "x the payload of " << payload << " bytes (bound "
                            << kWireBound << "x)");
}

}  // namespace
}  // namespace simpul::testing
