// End-to-end tests of sync bundles (node/bundle.h, hub/sync_service.h
// HandleBundle): the sync protocol carried as files when there is no link.
//
// Every test runs the REAL binaries: `simpul-hub` (a data dir created with
// `init`; `serve` on loopback, port 0, only to enrol nodes or for a live
// sync) and `simpul-node`. Bundles go node -> file -> hub -> reply file ->
// node with no server involved. The tests check what operators see (exit
// codes of node/cli/cli.h and hub/cli/cli.h, messages, --json output) and, where the
// CLI cannot show it, the stores themselves (hub.db, simpul.db, blob files)
// opened read-only.
//
// "Changes nothing" is checked by comparing a fingerprint of the store (row
// counts of every synced table, the change log, counters, cursors, pending
// bundle keys, blob files) taken before and after.
#include <doctest/doctest.h>

#include <signal.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "schema/db.h"
#include "tests/support/cluster.h"

namespace simpul::testing {
namespace {

// Exit codes: node/cli/cli.h (0 ok, 1 internal, 2 bad input, 3 store, 4 busy,
// 5 io, 6 refused by the hub) and hub/cli/cli.h (2 bad input or refused action).
constexpr int kHubRefused = 2;  // `simpul-hub bundle import` on refusal
constexpr int kNodeRefused = 6;

// A document as the hub in `dir` holds it (sealed under its data key), decrypted.
std::string HubDocument(const std::string& dir, const std::string& sha) { return testing::HubDocuments(dir)[sha]; }

// A document with every byte value (binary-safe check), `n` makes it distinct.
std::string DocumentBytes(int n, size_t size) {
  std::string d = "%PDF-1.4\n% dokumen " + std::to_string(n) + "\n";
  uint32_t x = 2463534242u + static_cast<uint32_t>(n);
  while (d.size() < size) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    d += static_cast<char>(x & 0xff);
  }
  return d;
}

// The node has nothing left to send; lists what remains if not.
#define CHECK_OUTBOX_EMPTY(node)                                                              \
  do {                                                                                        \
    Json ob_ = (node).Outbox();                                                               \
    std::string left_;                                                                        \
    for (const auto& c_ : ob_.a)                                                              \
      left_ += "  " + c_["table"].str() + " " + c_["row_id"].str() + " [" + c_["state"].str() + "] " + \
               c_["refusal"].str() + "\n";                                                    \
    CHECK_MESSAGE(ob_.size() == 0, "the outbox still holds:\n" << left_);                     \
  } while (0)

// A hub serving just long enough to enrol `nodes`; bundles need no server.
void EnrolOffline(Hub& hub, std::initializer_list<Node*> nodes) {
  hub.Start();
  for (Node* n : nodes) n->Enrol(hub);
  CHECK(hub.Stop() == 0);
}

// A byte of `path` at `pos` flipped.
void FlipByte(const std::string& path, size_t pos) {
  std::string b = ReadFile(path);
  REQUIRE(pos < b.size());
  b[pos] = static_cast<char>(b[pos] ^ 0x20);
  WriteFile(path, b);
}

std::string Copy(const std::string& from, const std::string& to) {
  WriteFile(to, ReadFile(from));
  REQUIRE(ReadFile(to) == ReadFile(from));
  return to;
}

// ============================================================================
// 1. Round trip with no link; documents (deduplicated); a hub decision back
// ============================================================================

TEST_CASE("bundle: round trip with no link carries rows and deduplicated documents; a hub decision comes back") {
  Hub hub;
  Node n(kSarongan);
  EnrolOffline(hub, {&n});

  // Offline work: two applicants; one KK scan shared by both applications
  // (the same file: one document), and one scan only the first has.
  Applicant a1 = n.DraftApplicant(1, "Siti Aminah");
  Applicant a2 = n.DraftApplicant(2, "Sri Wahyuni");
  const std::string shared_bytes = DocumentBytes(1, 150 * 1024), own_bytes = DocumentBytes(2, 40 * 1024);
  std::string shared = n.File("kk-krajan.pdf"), own = n.File("ktp-siti.pdf");
  WriteFile(shared, shared_bytes);
  WriteFile(own, own_bytes);
  std::string sha_shared = n.Attach(a1.application, "kk", shared);
  CHECK(n.Attach(a2.application, "kk", shared) == sha_shared);
  std::string sha_own = n.Attach(a1.application, "ktp", own);
  CHECK(sha_own != sha_shared);
  n.Attach(a2.application, "ktp", own);  // the rule requires a KTP too: the same scan, stored once
  CHECK(BlobFiles(n.dir()).size() == 2);  // deduplicated at the node
  n.Do({"application", "submit", a1.application});
  n.Do({"application", "submit", a2.application});
  const size_t before_export = n.OutboxSize();
  REQUIRE(before_export > 0);

  // Export: everything unacknowledged, both documents (once each).
  std::string bundle = n.File("ke-dinsos-1.smpl");
  Json ex = n.Export(bundle);
  CHECK(ex["file"].str() == bundle);
  // Every change pending at export time (the export's own audit record may
  // be one of them), nothing left behind.
  const size_t changes = static_cast<size_t>(ex["changes"].num());
  CHECK(changes >= before_export);
  CHECK(changes == n.OutboxSize());
  CHECK(ex["documents"].num() == 2);
  CHECK(ex["more_remain"].is_bool());
  CHECK_FALSE(ex["more_remain"].truthy());
  REQUIRE(std::filesystem::exists(bundle));
  CHECK(ex["bytes"].num() == static_cast<int64_t>(std::filesystem::file_size(bundle)));
  CHECK(ex["bytes"].num() > static_cast<int64_t>(shared_bytes.size() + own_bytes.size()));
  CHECK(ex["bytes"].num() < static_cast<int64_t>(2 * shared_bytes.size() + own_bytes.size()));  // not twice
  // The bundle is sealed: no personal data in clear.
  CHECK(ReadFile(bundle).find("Siti Aminah") == std::string::npos);
  CHECK(ReadFile(bundle).find("3510015508870001") == std::string::npos);
  // Exporting does not empty the outbox (nothing is acknowledged yet).
  CHECK(n.OutboxSize() >= before_export);

  // The hub applies it (no server running) and writes a reply.
  std::string reply = hub.File("balasan-1.smpl");
  ProcessResult hr = hub.Import(bundle, reply);
  CHECK_HAS(hr.out, n.id());
  CHECK_HAS(hr.out, std::to_string(changes) + " changes applied");
  CHECK_HAS(hr.out, "0 refused");
  for (const auto& a : {a1, a2}) {
    CHECK(hub.Count("SELECT count(*) FROM households WHERE id=? AND village=?", {a.household, kSarongan}) == 1);
    CHECK(hub.Count("SELECT count(*) FROM persons WHERE id=? AND village=?", {a.person, kSarongan}) == 1);
    CHECK(hub.Count("SELECT count(*) FROM applications WHERE id=? AND village=?", {a.application, kSarongan}) == 1);
    CHECK(hub.Count("SELECT count(*) FROM events WHERE subject_id=? AND kind='submitted'", {a.application}) == 1);
  }
  CHECK(hub.Count("SELECT count(*) FROM attachments WHERE sha256=?", {sha_shared}) == 2);
  CHECK(hub.Count("SELECT count(*) FROM attachments WHERE sha256=?", {sha_own}) == 2);  // both KTPs: one scan
  auto hub_blobs = BlobFiles(hub.dir());
  CHECK(hub_blobs.size() == 2);
  CHECK(HubDocument(hub.dir(), sha_shared) == shared_bytes);
  CHECK(HubDocument(hub.dir(), sha_own) == own_bytes);

  // The node applies the reply: everything acknowledged, verified.
  Json s = n.Import(reply);
  INFO(n.last());
  CHECK(s["sent"].num() == static_cast<int64_t>(changes));
  CHECK(s["acked"].num() == static_cast<int64_t>(changes));
  CHECK(s["refused"].num() == 0);
  CHECK(s["docs_sent"].num() == 2);
  CHECK(s["docs_pending"].num() == 0);
  CHECK_MESSAGE(s["verified"].truthy(),
                "the first bundle round trip of a freshly enrolled node should end verified:\n" << n.last());
  CHECK_OUTBOX_EMPTY(n);
  CHECK(n.Count("SELECT count(*) FROM blob_acks WHERE sha256 IN (?,?)", {sha_shared, sha_own}) == 2);
  // Nothing left to send: the next bundle carries no documents, and no
  // changes but (at most) the record of its own export and the audit head
  // that covers it.
  Json idle = n.Export(n.File("kosong.smpl"));
  CHECK_MESSAGE(idle["changes"].num() <= 2, n.last());
  CHECK(idle["changes"].num() == static_cast<int64_t>(n.OutboxSize()));
  CHECK(idle["documents"].num() == 0);

  // A hub decision travels back by the next round.
  hub.Do({"application", "return", a1.application, "--reason", "Lampirkan KK terbaru"});
  std::string bundle2 = n.File("ke-dinsos-2.smpl"), reply2 = hub.File("balasan-2.smpl");
  Json ex2 = n.Export(bundle2);
  // The idle bundle was never imported: its two changes go again, with this
  // export's record and head.
  CHECK_MESSAGE(ex2["changes"].num() <= 4, "nothing was changed at the node since the last round:\n" << n.last());
  CHECK(ex2["changes"].num() == static_cast<int64_t>(n.OutboxSize()));
  CHECK(ex2["documents"].num() == 0);
  hub.Import(bundle2, reply2);
  Json s2 = n.Import(reply2);
  INFO(n.last());
  CHECK(s2["received"].num() >= 1);
  CHECK(s2["refused"].num() == 0);
  Json shown = n.Ok({"application", "show", a1.application});
  CHECK(shown["status"].str() == "returned");
  CHECK(n.Ok({"application", "show", a2.application})["status"].str() == "submitted");
  // The village's receipt of the decision (when it arrived, PROTOCOL.md §25)
  // is its one new change: it travels with the next round, which verifies.
  Json pending = n.Ok({"outbox"});
  REQUIRE(pending.size() == 1);
  CHECK(pending[0]["table"].str() == "receipts");
  CHECK(pending[0]["fields"]["kind"]["value"].str() == "decision");
  CHECK(pending[0]["fields"]["via"]["value"].str() == "bundle");
  CHECK_FALSE(s2["verified"].truthy());
  std::string bundle3 = n.File("ke-dinsos-3.smpl"), reply3 = hub.File("balasan-3.smpl");
  n.Export(bundle3);
  hub.Import(bundle3, reply3);
  CHECK(n.Import(reply3)["verified"].truthy());
  CHECK(hub.Count("SELECT count(*) FROM receipts WHERE subject_id=? AND kind='decision'", {a1.application}) == 1);
  CHECK_OUTBOX_EMPTY(n);
}

// One full bundle round: the node exports, the hub imports, the node imports
// the reply. Returns the node's summary.
Json Round(Node& n, Hub& hub, const std::string& tag) {
  std::string bundle = n.File(tag + ".smpl"), reply = hub.File(tag + "-balasan.smpl");
  n.Export(bundle);
  hub.Import(bundle, reply);
  return n.Import(reply);
}

TEST_CASE("bundle: a second laptop of the village receives the rows and the documents it lacked") {
  Hub hub;
  Node a(kSarongan), b(kSarongan);
  EnrolOffline(hub, {&a, &b});
  Applicant x = a.DraftApplicant(3, "Siti Aminah");
  const std::string bytes = DocumentBytes(3, 64 * 1024);
  std::string doc = a.File("sktm.pdf");
  WriteFile(doc, bytes);
  std::string sha = a.Attach(x.application, "sktm", doc);
  a.Submit(x.application);  // with the KK and KTP the rule requires (cluster.h)
  Json sa = Round(a, hub, "laptop-a");
  CHECK(sa["refused"].num() == 0);
  CHECK_OUTBOX_EMPTY(a);
  REQUIRE(HubDocument(hub.dir(), sha) == bytes);

  // The other laptop has never heard of the application or its document.
  Json s1 = Round(b, hub, "laptop-b-1");
  INFO(b.last());
  CHECK(b.ApplicationIds() == std::set<std::string>{x.application});
  CHECK(b.Count("SELECT count(*) FROM attachments WHERE sha256=?", {sha}) == 1);
  // A bundle can only ask for documents the node knew of when it exported;
  // the ones the reply's rows name come with the next round at the latest.
  WARN_MESSAGE(BlobFiles(b.dir()).count(sha) == 1,
               "a document the node lacked did not arrive with the first reply that named it "
               "(a second bundle round trip is needed):\n" << b.last());
  Json s2 = Round(b, hub, "laptop-b-2");
  INFO(b.last());
  CHECK(s1["docs_received"].num() + s2["docs_received"].num() == 3);  // the SKTM, the KK and the KTP
  CHECK(s2["docs_pending"].num() == 0);
  CHECK(s2["verified"].truthy());
  REQUIRE(BlobFiles(b.dir()).count(sha) == 1);
  CHECK(BlobFiles(b.dir())[sha] == bytes);
  Json shown = b.Ok({"application", "show", x.application});
  REQUIRE(shown["attachments"].size() == 3);
  for (const auto& att : shown["attachments"].a) CHECK(att["state"].str() == "present");
}

// ============================================================================
// 2. The same bundle twice
// ============================================================================

TEST_CASE("bundle: importing the same bundle twice at the hub, or its reply twice at the node, is refused and changes nothing") {
  Hub hub;
  Node n(kSarongan);
  EnrolOffline(hub, {&n});
  Applicant a = n.DraftApplicant(4, "Siti Aminah");
  std::string doc = n.File("kk.pdf");
  WriteFile(doc, DocumentBytes(4, 20 * 1024));
  n.Attach(a.application, "kk", doc);
  n.Submit(a.application, {"ktp"});  // the KTP the rule requires too
  std::string bundle = n.File("b.smpl"), reply = hub.File("r.smpl"), reply_again = hub.File("r-again.smpl");
  const size_t changes = static_cast<size_t>(n.Export(bundle)["changes"].num());
  CHECK(changes == n.OutboxSize());
  hub.Import(bundle, reply);
  const std::string hub_after_first = hub.State();
  CHECK(hub.Count("SELECT count(*) FROM households WHERE village=?", {kSarongan}) == 1);

  // Twice at the hub: refused, explained, nothing applied.
  ProcessResult r = hub.Cli({"bundle", "import", bundle, "--reply", reply_again});
  {
    INFO(hub.last());
    CHECK(r.exit_code == kHubRefused);
    CHECK(r.exit_code != kInternal);
    CHECK_HAS(r.err, "already received");
    CHECK_HAS(r.err, "out-of-date");
    CHECK_HAS(r.err, "nothing applied");
    CHECK(std::filesystem::exists(reply_again));  // a signed refusal for the node
  }
  CHECK(hub.State() == hub_after_first);

  // The reply twice at the node: the second time refused, nothing changes.
  Json s = n.Import(reply);
  CHECK(s["acked"].num() == static_cast<int64_t>(changes));
  CHECK_OUTBOX_EMPTY(n);
  const std::string node_after_first = n.State();
  ProcessResult again = n.Cli({"bundle", "import", reply});
  {
    INFO(n.last());
    CHECK(again.exit_code != kOk);
    CHECK(again.exit_code != kInternal);
    CHECK_HAS(again.err, "already imported");
    // Said as what it is, not as one of three guesses.
    CHECK(again.err.find("not for this node") == std::string::npos);
    CHECK(again.err.find("damaged") == std::string::npos);
  }
  CHECK(n.State() == node_after_first);
  // The hub's refusal of the duplicate changes nothing either.
  ProcessResult refusal = n.Cli({"bundle", "import", reply_again});
  {
    INFO(n.last());
    CHECK(refusal.exit_code != kOk);
    CHECK(refusal.exit_code != kInternal);
    CHECK_HAS(refusal.err, "already imported");
  }
  CHECK(n.State() == node_after_first);
  CHECK(hub.State() == hub_after_first);
}

TEST_CASE("bundle: bundles whose replies never came back are forgotten beyond the 32 newest; nothing is lost") {
  // A stick lost on the river, again and again: the node keeps what each
  // open bundle asked (node/bundle.cc) only for the 32 newest.
  Hub hub;
  Node n(kSarongan);
  EnrolOffline(hub, {&n});
  Applicant a = n.DraftApplicant(6, "Siti Aminah");
  n.Submit(a.application);
  // A bundle exported before the node kept what each one asked: its key has
  // no such record, and is forgotten first.
  const std::string legacy_key = "bundle_key_" + std::string(48, 'a');
  {
    auto db = OpenStoreDb(n.db(), schema::Db::Mode::kReadWrite);
    REQUIRE(db.ok());
    REQUIRE(db->Exec("INSERT INTO meta(key,value) VALUES('" + legacy_key + "','" + std::string(64, 'b') + "')").ok());
  }
  std::vector<std::string> bundles;
  for (int i = 0; i < 34; ++i) {
    bundles.push_back(n.File("b" + std::to_string(i) + ".smpl"));
    n.Export(bundles.back());
  }
  CHECK(n.Count("SELECT count(*) FROM meta WHERE key LIKE 'bundle_asked_%'") == 32);
  CHECK(n.Count("SELECT count(*) FROM meta WHERE key LIKE 'bundle_key_%'") == 32);
  CHECK(n.Count("SELECT count(*) FROM meta WHERE key=?", {legacy_key}) == 0);
  // A damaged key (not hex) among them opens nothing and stops nothing.
  {
    auto db = OpenStoreDb(n.db(), schema::Db::Mode::kReadWrite);
    REQUIRE(db.ok());
    REQUIRE(db->Exec("INSERT INTO meta(key,value) VALUES('bundle_key_" + std::string(48, 'z') + "','" +
                     std::string(64, 'z') + "')").ok());
  }
  // The oldest comes back after all: the hub applies it, its reply no longer
  // opens at the node, and says so; nothing changes there.
  std::string old_reply = hub.File("r0.smpl");
  hub.Import(bundles[0], old_reply);
  const std::string before = n.State();
  ProcessResult r = n.Cli({"bundle", "import", old_reply});
  {
    INFO(n.last());
    CHECK(r.exit_code != kOk);
    CHECK(r.exit_code != kInternal);
    CHECK_HAS(r.err, "answers no bundle");
  }
  CHECK(n.State() == before);
  // The newest carried everything the forgotten ones did.
  std::string reply = hub.File("r33.smpl");
  hub.Import(bundles.back(), reply);
  Json s = n.Import(reply);
  INFO(n.last());
  CHECK(s["refused"].num() == 0);
  CHECK_OUTBOX_EMPTY(n);
  CHECK(hub.Count("SELECT count(*) FROM applications WHERE id=?", {a.application}) == 1);
  CHECK(n.Count("SELECT count(*) FROM meta WHERE key LIKE 'bundle_asked_%'") == 31);
  // Enrolled again (a new identity, its counters from 1): the old identity's
  // open bundles are forgotten, so none can crowd out the new ones.
  hub.Start();
  n.Enrol(hub);
  CHECK(hub.Stop() == 0);
  CHECK(n.Count("SELECT count(*) FROM meta WHERE key LIKE 'bundle_asked_%' OR key LIKE 'bundle_key_%'") == 0);
  n.Export(n.File("after-enrol.smpl"));
  CHECK(n.Count("SELECT count(*) FROM meta WHERE key LIKE 'bundle_asked_%'") == 1);
}

TEST_CASE("bundle: two bundles out when the first reply names the hub's epoch: the second's hub decisions are still kept, signed") {
  // The hub's signed changes are what a village gives back after a restore
  // (PROTOCOL.md §22); a reply read after the node learnt the epoch from
  // another must keep them.
  Hub hub;
  Node n(kSarongan);
  EnrolOffline(hub, {&n});
  Applicant a = n.DraftApplicant(7, "Siti Aminah");
  n.Submit(a.application);
  std::string b1 = n.File("b1.smpl"), b2 = n.File("b2.smpl"), r1 = hub.File("r1.smpl"), r2 = hub.File("r2.smpl");
  n.Export(b1);
  n.Export(b2);
  hub.Import(b1, r1);
  hub.Do({"application", "return", a.application, "--reason", "Lampirkan KK terbaru"});
  hub.Import(b2, r2);
  n.Import(r1);
  CHECK(n.Count("SELECT count(*) FROM hub_changes") == 0);
  Json s = n.Import(r2);
  INFO(n.last());
  CHECK_FALSE(s["stale_reply"].truthy());
  CHECK(n.Ok({"application", "show", a.application})["status"].str() == "returned");
  CHECK(n.Count("SELECT count(*) FROM hub_changes WHERE length(signature)=64") >= 1);
}

TEST_CASE("bundle: the hub's refusal of a duplicate import reaching the node first loses nothing") {
  // The Dinsos operator imports the same bundle twice, writing the reply to
  // the same file: the refusal does not replace the good reply.
  Hub hub;
  Node n(kSarongan);
  EnrolOffline(hub, {&n});
  Applicant a = n.DraftApplicant(5, "Siti Aminah");
  n.Submit(a.application);
  std::string bundle = n.File("b.smpl"), reply = hub.File("r.smpl");
  n.Export(bundle);
  hub.Import(bundle, reply);
  const std::string hub_after_first = hub.State();
  ProcessResult r = hub.Cli({"bundle", "import", bundle, "--reply", reply});
  CHECK(r.exit_code == kHubRefused);
  CHECK(hub.State() == hub_after_first);

  CHECK_HAS(r.err, "was kept");
  ProcessResult imp = n.Cli({"bundle", "import", reply});
  {
    INFO(n.last());
    CHECK(imp.exit_code == 0);  // the kept good reply applies
  }
  // Nothing lost, nothing twice: another round has nothing left to carry.
  Json s = Round(n, hub, "again");
  CHECK(s["refused"].num() == 0);
  CHECK(s["acked"].num() == s["sent"].num());
  CHECK_OUTBOX_EMPTY(n);
  CHECK(hub.Count("SELECT count(*) FROM applications WHERE id=?", {a.application}) == 1);
  CHECK(hub.Count("SELECT count(*) FROM changelog WHERE tbl='households' AND row_id=?", {a.household}) == 1);
  CHECK(s["verified"].truthy());
}

// ============================================================================
// 3. An old bundle after a newer contact
// ============================================================================

TEST_CASE("bundle: an old bundle after a newer live sync is refused and explained; the node loses nothing") {
  Hub hub;
  hub.Start();
  Node n(kSarongan);
  n.Enrol(hub);
  Applicant a1 = n.DraftApplicant(6, "Siti Aminah");
  std::string old_bundle = n.File("lama.smpl");
  Json ex = n.Export(old_bundle);
  CHECK(ex["changes"].num() > 0);
  Applicant a2 = n.DraftApplicant(7, "Sri Wahyuni");
  // The link came back: a live sync carries everything, the old bundle's too.
  Json live = n.Sync();
  {
    INFO(n.last());
    CHECK(live["refused"].num() == 0);
    CHECK(live["acked"].num() == live["sent"].num());
    CHECK(live["verified"].truthy());
  }
  CHECK_OUTBOX_EMPTY(n);
  for (const auto& a : {a1, a2}) {
    CHECK(hub.Count("SELECT count(*) FROM households WHERE id=?", {a.household}) == 1);
    CHECK(hub.Count("SELECT count(*) FROM applications WHERE id=?", {a.application}) == 1);
  }
  CHECK(hub.Stop() == 0);

  const std::string hub_before = hub.State();
  std::string reply = hub.File("lama-balasan.smpl");
  ProcessResult r = hub.Cli({"bundle", "import", old_bundle, "--reply", reply});
  {
    INFO(hub.last());
    CHECK(r.exit_code == kHubRefused);
    CHECK_HAS(r.err, "out-of-date");
    CHECK_HAS(r.err, "older than this node's last contact");
    CHECK_HAS(r.err, "nothing applied");
  }
  CHECK(hub.State() == hub_before);

  // The node hears of the refusal; it had nothing left to lose.
  const std::string node_before = n.State();
  ProcessResult imp = n.Cli({"bundle", "import", reply});
  {
    INFO(n.last());
    CHECK(imp.exit_code == kNodeRefused);
    CHECK_HAS(imp.err, "out-of-date");
  }
  CHECK_OUTBOX_EMPTY(n);
  CHECK(n.ApplicationIds() == std::set<std::string>{a1.application, a2.application});
  CHECK(n.Count("SELECT count(*) FROM meta WHERE key LIKE 'bundle_key_%'") == 0);
  CHECK(n.Count("SELECT count(*) FROM households") == 2);
  // Only the old bundle's key is gone (closed by the signed refusal).
  std::string expected = node_before;
  const std::string one_key = "bundle_keys=1 ";
  REQUIRE(expected.find(one_key) != std::string::npos);
  expected.replace(expected.find(one_key), one_key.size(), "bundle_keys=0 ");
  CHECK(n.State() == expected);
}

TEST_CASE("bundle: an old bundle after a newer bundle is refused; the newer one carried everything") {
  Hub hub;
  Node n(kSarongan);
  EnrolOffline(hub, {&n});
  Applicant a1 = n.DraftApplicant(8, "Siti Aminah");
  std::string bundle_a = n.File("a.smpl"), bundle_b = n.File("b.smpl");
  std::string reply_a = hub.File("a-balasan.smpl"), reply_b = hub.File("b-balasan.smpl");
  Json ea = n.Export(bundle_a);
  Applicant a2 = n.DraftApplicant(9, "Sri Wahyuni");
  Json eb = n.Export(bundle_b);
  CHECK(eb["changes"].num() > ea["changes"].num());  // B carries A's changes too

  hub.Import(bundle_b, reply_b);
  const std::string hub_after_b = hub.State();
  ProcessResult r = hub.Cli({"bundle", "import", bundle_a, "--reply", reply_a});
  {
    INFO(hub.last());
    CHECK(r.exit_code == kHubRefused);
    CHECK_HAS(r.err, "out-of-date");
  }
  CHECK(hub.State() == hub_after_b);

  Json sb = n.Import(reply_b);
  {
    INFO(n.last());
    CHECK(sb["acked"].num() == eb["changes"].num());
    CHECK(sb["refused"].num() == 0);
  }
  CHECK_OUTBOX_EMPTY(n);
  ProcessResult imp = n.Cli({"bundle", "import", reply_a});
  {
    INFO(n.last());
    CHECK(imp.exit_code == kNodeRefused);
  }
  CHECK_OUTBOX_EMPTY(n);
  for (const auto& a : {a1, a2}) {
    CHECK(hub.Count("SELECT count(*) FROM persons WHERE id=?", {a.person}) == 1);
    CHECK(hub.Count("SELECT count(*) FROM applications WHERE id=?", {a.application}) == 1);
  }
  Json s = Round(n, hub, "c");
  CHECK(s["verified"].truthy());
}

TEST_CASE("bundle: an older reply imported after a newer one applies what it can and says it was older") {
  Hub hub;
  Node n(kSarongan);
  EnrolOffline(hub, {&n});
  Applicant a1 = n.DraftApplicant(15, "Siti Aminah");
  std::string bundle_a = n.File("a.smpl"), bundle_b = n.File("b.smpl");
  std::string reply_a = hub.File("a-balasan.smpl"), reply_b = hub.File("b-balasan.smpl");
  n.Export(bundle_a);
  Applicant a2 = n.DraftApplicant(16, "Sri Wahyuni");
  n.Export(bundle_b);
  hub.Import(bundle_a, reply_a);
  hub.Do({"application", "edit", a1.application, "--notes", "Dicek Dinsos"});
  hub.Import(bundle_b, reply_b);  // newer: carries the hub's edit too

  // The newer reply first (the boat brought them out of order).
  Json sb = n.Import(reply_b);
  CHECK_FALSE(sb["stale_reply"].truthy());
  CHECK_OUTBOX_EMPTY(n);
  CHECK(n.Ok({"application", "show", a1.application})["notes"].str() == "Dicek Dinsos");

  ProcessResult r = n.Cli({"bundle", "import", reply_a});
  {
    INFO(n.last());
    CHECK(r.exit_code == kOk);
    CHECK_HAS(r.out, "older than what this node already received");
    CHECK_HAS(r.out, "Nothing is lost");
  }
  // Nothing of the newer state was undone, nothing is waiting.
  CHECK(n.Ok({"application", "show", a1.application})["notes"].str() == "Dicek Dinsos");
  CHECK(n.ApplicationIds() == std::set<std::string>{a1.application, a2.application});
  CHECK_OUTBOX_EMPTY(n);
  // Once more: recognised as imported, not as a stranger's or a damaged file.
  r = n.Cli({"bundle", "import", reply_a});
  {
    INFO(n.last());
    CHECK(r.exit_code == 2);
    CHECK_HAS(r.err, "already imported");
  }
  Json s = Round(n, hub, "c");
  CHECK(s["verified"].truthy());
}

// ============================================================================
// 4. A bundle for another hub
// ============================================================================

TEST_CASE("bundle: a bundle taken to another hub is refused there and applies nothing") {
  Hub hub1, hub2;  // two hubs: two identities
  Node n(kSarongan);
  EnrolOffline(hub1, {&n});
  Applicant a = n.DraftApplicant(10, "Siti Aminah");
  std::string doc = n.File("kk.pdf");
  WriteFile(doc, DocumentBytes(10, 16 * 1024));
  std::string sha = n.Attach(a.application, "kk", doc);
  std::string bundle = n.File("b.smpl");
  Json ex = n.Export(bundle);

  const std::string hub2_before = hub2.State();
  std::string wrong_reply = hub2.File("r.smpl");
  ProcessResult r = hub2.Cli({"bundle", "import", bundle, "--reply", wrong_reply});
  {
    INFO(hub2.last());
    CHECK(r.exit_code == kHubRefused);
    CHECK_HAS(r.err, "Unauthenticated");
    CHECK_HAS(r.err, "not enrolled at this hub");
  }
  CHECK(hub2.State() == hub2_before);
  CHECK(hub2.Count("SELECT count(*) FROM households") == 0);
  CHECK(hub2.Count("SELECT count(*) FROM applications") == 0);
  CHECK(BlobFiles(hub2.dir()).empty());

  // The other hub's refusal means nothing to the node: it is not from its hub.
  const std::string node_before = n.State();
  ProcessResult imp = n.Cli({"bundle", "import", wrong_reply});
  {
    INFO(n.last());
    CHECK(imp.exit_code != kOk);
    CHECK(imp.exit_code != kInternal);
  }
  CHECK(n.State() == node_before);

  // Its own hub takes the same bundle.
  std::string reply = hub1.File("r.smpl");
  hub1.Import(bundle, reply);
  Json s = n.Import(reply);
  CHECK(s["acked"].num() == ex["changes"].num());
  CHECK_OUTBOX_EMPTY(n);
  CHECK(HubDocument(hub1.dir(), sha) == ReadFile(doc));
}

// ============================================================================
// 5. A damaged bundle
// ============================================================================

TEST_CASE("bundle: a tampered or truncated bundle (or reply) is refused clearly, applies nothing, and the original still imports") {
  Hub hub;
  Node n(kSarongan);
  EnrolOffline(hub, {&n});
  Applicant a = n.DraftApplicant(11, "Siti Aminah");
  const std::string bytes = DocumentBytes(11, 32 * 1024);
  std::string doc = n.File("ktp.pdf");
  WriteFile(doc, bytes);
  std::string sha = n.Attach(a.application, "ktp", doc);
  n.Submit(a.application, {"kk"});  // the KK the rule requires too
  std::string bundle = n.File("asli.smpl");
  Json ex = n.Export(bundle);
  const size_t size = ReadFile(bundle).size();
  REQUIRE(size > 1000);

  const std::string hub_before = hub.State();
  struct Damage {
    const char* what;
    std::function<void(const std::string&)> apply;
  };
  const std::vector<Damage> damages = {
      {"one byte flipped in the middle", [&](const std::string& p) { FlipByte(p, size / 2); }},
      {"one byte flipped near the start (header)", [&](const std::string& p) { FlipByte(p, 20); }},
      {"one byte flipped at the end", [&](const std::string& p) { FlipByte(p, size - 1); }},
      {"truncated to half", [&](const std::string& p) { WriteFile(p, ReadFile(p).substr(0, size / 2)); }},
      {"truncated by one byte", [&](const std::string& p) { WriteFile(p, ReadFile(p).substr(0, size - 1)); }},
      {"empty", [&](const std::string& p) { WriteFile(p, ""); }},
  };
  int i = 0;
  for (const auto& d : damages) {
    INFO("bundle " << d.what);
    std::string bad = Copy(bundle, n.File("rusak-" + std::to_string(i) + ".smpl"));
    d.apply(bad);
    REQUIRE(ReadFile(bad) != ReadFile(bundle));
    ProcessResult r = hub.Cli({"bundle", "import", bad, "--reply", hub.File("rusak-" + std::to_string(i++) + ".r")});
    INFO(hub.last());
    CHECK(r.exit_code == kHubRefused);
    CHECK_HAS(r.err, "refused");
    CHECK(r.err.find("internal") == std::string::npos);
    CHECK(hub.State() == hub_before);
  }
  CHECK(hub.Count("SELECT count(*) FROM applications") == 0);
  CHECK(BlobFiles(hub.dir()).empty());

  // The untampered original still imports.
  std::string reply = hub.File("balasan.smpl");
  ProcessResult ok = hub.Import(bundle, reply);
  CHECK_HAS(ok.out, std::to_string(ex["changes"].num()) + " changes applied");
  CHECK(hub.Count("SELECT count(*) FROM applications WHERE id=?", {a.application}) == 1);
  CHECK(HubDocument(hub.dir(), sha) == bytes);

  // A damaged reply is refused at the node and does not use up the
  // bundle's key: the genuine reply still imports.
  const std::string node_before = n.State();
  const size_t rsize = ReadFile(reply).size();
  struct ReplyDamage {
    const char* what;
    std::function<void(const std::string&)> apply;
    const char* said;  // what the node must say
  };
  const std::vector<ReplyDamage> reply_damages = {
      {"one byte flipped in the middle", [&](const std::string& p) { FlipByte(p, rsize / 2); }, "altered"},
      {"truncated to half", [&](const std::string& p) { WriteFile(p, ReadFile(p).substr(0, rsize / 2)); }, "damaged"},
  };
  for (const auto& d : reply_damages) {
    INFO("reply " << d.what);
    std::string bad = Copy(reply, n.File("balasan-rusak-" + std::to_string(i++) + ".smpl"));
    d.apply(bad);
    ProcessResult r = n.Cli({"bundle", "import", bad});
    INFO(n.last());
    CHECK(r.exit_code != kOk);
    CHECK(r.exit_code != kInternal);
    CHECK_HAS(r.err, d.said);
    CHECK(r.err.find("already imported") == std::string::npos);
    CHECK(n.State() == node_before);
  }
  Json s = n.Import(reply);
  CHECK(s["acked"].num() == ex["changes"].num());
  CHECK_OUTBOX_EMPTY(n);
}

// ============================================================================
// 6. A reply bundle on another node; bundles fed to the wrong side
// ============================================================================

TEST_CASE("bundle: a reply imported on another village's node is refused and applies nothing there") {
  Hub hub;
  Node n1(kSarongan), n2(kPesanggaran);
  EnrolOffline(hub, {&n1, &n2});
  Applicant a1 = n1.DraftApplicant(12, "Siti Aminah");
  Applicant a2 = n2.DraftApplicant(13, "Sri Wahyuni");
  std::string b1 = n1.File("b1.smpl"), b2 = n2.File("b2.smpl");
  std::string r1 = hub.File("r1.smpl"), r2 = hub.File("r2.smpl");
  n1.Export(b1);
  Json e2 = n2.Export(b2);  // n2 waits for its own reply too
  hub.Import(b1, r1);

  const std::string n2_before = n2.State();
  ProcessResult r = n2.Cli({"bundle", "import", r1});
  {
    INFO(n2.last());
    CHECK(r.exit_code != kOk);
    CHECK(r.exit_code != kInternal);
    CHECK_HAS(r.err, "not for this node");
    CHECK(r.err.find("already imported") == std::string::npos);
  }
  CHECK(n2.State() == n2_before);
  CHECK(n2.ApplicationIds() == std::set<std::string>{a2.application});
  CHECK(n2.Count("SELECT count(*) FROM households WHERE village != ?", {kPesanggaran}) == 0);

  // A request bundle is not a reply; a reply is not a request.
  ProcessResult wrong_side = n2.Cli({"bundle", "import", b1});
  {
    INFO(n2.last());
    CHECK(wrong_side.exit_code == 2);
    CHECK_HAS(wrong_side.err, "not a reply bundle");
  }
  CHECK(n2.State() == n2_before);
  const std::string hub_before = hub.State();
  ProcessResult reply_at_hub = hub.Cli({"bundle", "import", r1, "--reply", hub.File("x.smpl")});
  {
    INFO(hub.last());
    CHECK(reply_at_hub.exit_code == kHubRefused);
  }
  CHECK(hub.State() == hub_before);

  // Both nodes still import their own replies.
  hub.Import(b2, r2);
  Json s2 = n2.Import(r2);
  CHECK(s2["acked"].num() == e2["changes"].num());
  CHECK_OUTBOX_EMPTY(n2);
  CHECK(n2.ApplicationIds() == std::set<std::string>{a2.application});
  Json s1 = n1.Import(r1);
  CHECK(s1["refused"].num() == 0);
  CHECK_OUTBOX_EMPTY(n1);
  CHECK(n1.ApplicationIds() == std::set<std::string>{a1.application});
}

// ============================================================================
// 7. Village scope: a node cannot write another village's rows by bundle
// ============================================================================

TEST_CASE("bundle: a change to a row moved to another village is refused per item; the rest is applied") {
  Hub hub;
  hub.Start();
  Node x(kSarongan);
  x.Enrol(hub);
  Applicant a = x.DraftApplicant(14, "Siti Aminah");
  Json first = x.Sync();
  CHECK(first["refused"].num() == 0);
  CHECK_OUTBOX_EMPTY(x);
  CHECK(hub.Stop() == 0);

  // Dinsos moves the application to Pesanggaran; the laptop does not know.
  {
    ProcessResult r = hub.Cli({"move", "application", a.application, "--to", kPesanggaran});
    INFO(hub.last());
    REQUIRE(r.exit_code == kOk);
  }
  const std::string hub_purpose =
      SqlText(hub.db(), "SELECT purpose FROM applications WHERE id=?", {a.application});
  x.Do({"application", "edit", a.application, "--purpose", "Biaya sekolah anak"});
  std::string other = x.AddHousehold("Dusun Baru 1");
  REQUIRE(x.OutboxSize() >= 2);

  std::string bundle = x.File("b.smpl"), reply = hub.File("r.smpl");
  Json ex = x.Export(bundle);
  const size_t pending = static_cast<size_t>(ex["changes"].num());
  CHECK(pending == x.OutboxSize());
  ProcessResult hr = hub.Import(bundle, reply);
  CHECK_HAS(hr.out, std::to_string(pending - 1) + " changes applied");
  CHECK_HAS(hr.out, "1 refused");
  // The rest was applied; the moved row was not touched.
  CHECK(hub.Count("SELECT count(*) FROM households WHERE id=? AND village=?", {other, kSarongan}) == 1);
  CHECK(hub.Count("SELECT count(*) FROM applications WHERE id=? AND village=?", {a.application, kPesanggaran}) == 1);
  CHECK(SqlText(hub.db(), "SELECT purpose FROM applications WHERE id=?", {a.application}) == hub_purpose);
  CHECK(hub_purpose != "Biaya sekolah anak");

  Json s = x.Import(reply);
  {
    INFO(x.last());
    CHECK(s["sent"].num() == static_cast<int64_t>(pending));
    CHECK(s["refused"].num() == 1);
    CHECK(s["acked"].num() == static_cast<int64_t>(pending - 1));
  }
  // The refused edit can never apply (the row lives in Pesanggaran now): the
  // reply's move settled it. Out of the outbox, listed with its reason.
  CHECK(s["settled"].num() == 1);
  CHECK_OUTBOX_EMPTY(x);
  Json refusals = x.Ok({"refusals"});
  REQUIRE(refusals.size() == 1);
  CHECK(refusals[0]["row_id"].str() == a.application);
  CHECK(refusals[0]["table"].str() == "applications");
  CHECK(refusals[0]["state"].str() == "settled");
  CHECK(refusals[0]["reason"].str() == "moved to village " + kPesanggaran);
  ProcessResult text = x.Cli({"refusals"});
  CHECK_HAS(text.out, "settled");
  CHECK_HAS(text.out, "moved to village " + kPesanggaran);
  // Nothing is left to send: the next round carries none of it.
  Json next = Round(x, hub, "next");
  CHECK(next["refused"].num() == 0);
  CHECK(next["verified"].truthy());
  // The application has left the village's laptop with the reply.
  CHECK(x.ApplicationIds().count(a.application) == 0);
}
}  // namespace
}  // namespace simpul::testing
