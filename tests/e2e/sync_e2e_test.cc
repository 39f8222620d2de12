// End-to-end tests of sync: every test starts the REAL simpul-hub server
// (loopback, a port the kernel picks, read back from the hub's log) and runs
// real simpul-node binaries against it, the way district and village
// operators would. They check what operators see (exit codes from
// node/cli/cli.h and hub/cli/cli.h, messages, --json output) and, where the CLI
// cannot show it, the stores themselves (hub.db, simpul.db) read-only.
//
// Waiting is always by polling with a bound (never a fixed sleep standing in
// for readiness); a failed wait is a failed check, not a hang.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <cstdint>
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

// --- raw HTTP over loopback ------------------------------------------------------------

struct RawReply {
  int status = 0;  // 0: no status line (connection closed without a reply)
  std::string headers, body;
};

RawReply RawPost(int port, const std::string& request) {
  RawReply out;
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  size_t sent = 0;
  while (sent < request.size()) {
    ssize_t n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server may close early on garbage; read what it said
    sent += static_cast<size_t>(n);
  }
  std::string all;
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < until) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 200) <= 0) {
      // A complete reply (Content-Length satisfied) is enough; the server
      // may keep the connection open.
      size_t he = all.find("\r\n\r\n");
      if (he != std::string::npos) {
        size_t cl = all.find("Content-Length: ");
        if (cl != std::string::npos && cl < he &&
            all.size() - he - 4 >= static_cast<size_t>(std::atol(all.c_str() + cl + 16)))
          break;
      }
      continue;
    }
    char buf[8192];
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    all.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  if (all.rfind("HTTP/1.1 ", 0) == 0) out.status = std::atoi(all.c_str() + 9);
  size_t he = all.find("\r\n\r\n");
  out.headers = all.substr(0, he);
  if (he != std::string::npos) out.body = all.substr(he + 4);
  return out;
}

std::string HttpPost(const std::string& target, const std::string& body) {
  return "POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\n" +
         "Content-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
}

// "SMPL" | version 1 | kind | u32 big-endian length | body
std::string Frame(uint8_t version, uint8_t kind, const std::string& body, int64_t claimed_len = -1) {
  uint32_t len = claimed_len >= 0 ? static_cast<uint32_t>(claimed_len) : static_cast<uint32_t>(body.size());
  std::string f = "SMPL";
  f += static_cast<char>(version);
  f += static_cast<char>(kind);
  for (int s = 24; s >= 0; s -= 8) f += static_cast<char>((len >> s) & 0xFF);
  return f + body;
}

std::string Noise(size_t n, uint32_t seed) {
  std::string s(n, '\0');
  uint32_t x = seed * 2654435761u + 1;
  for (auto& c : s) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    c = static_cast<char>(x & 0xFF);
  }
  return s;
}

// ============================================================================
// 1. Offline edits on all sides; every village sees only its own rows
// ============================================================================

TEST_CASE("sync: offline edits at three villages and the hub converge; each village sees only its own rows") {
  Hub hub;
  hub.Start();
  Node n1(kSarongan), n2(kPesanggaran), n3(kSumberagung);
  std::vector<Node*> nodes = {&n1, &n2, &n3};
  for (Node* n : nodes) n->Enrol(hub);

  // Offline work at every village before any sync.
  Applicant a1 = n1.SubmittedApplicant(2, "Siti Aminah");
  Applicant a2 = n2.SubmittedApplicant(3, "Sri Wahyuni");
  Applicant a3 = n3.SubmittedApplicant(4, "Dewi Lestari");
  n2.VillageStages(a2.application);  // the field check, so Dinsos can approve it
  for (Node* n : nodes) {
    Json s = n->Sync();
    CheckClean(s, n->last());
    CHECK(s["sent"].num() >= 5);  // household, person, application, answers, submitted event
  }
  auto apps = hub.Applications();
  CHECK(apps.size() == 3);
  CHECK(apps[a1.application] == kSarongan);
  CHECK(apps[a2.application] == kPesanggaran);
  CHECK(apps[a3.application] == kSumberagung);

  // Now edits everywhere, each side offline from the others.
  hub.Do({"application", "edit", a1.application, "--notes", "Dicek Dinsos: lengkap"});
  hub.Approve(a2.application);
  hub.Do({"application", "return", a3.application, "--reason", "Lampirkan KK terbaru"});
  std::string b1 = n1.Id({"application", "new", "--type", "poverty_statement", "--applicant", a1.person,
                          "--purpose", "Sekolah anak"});
  std::string h2 = n2.AddHousehold("Dusun Sumberrejo RT 1");
  n3.Do({"household", "edit", a3.household, "--address", "Dusun Roworejo RT 4"});

  for (int round = 0; round < 2; ++round)
    for (Node* n : nodes) CheckClean(n->Sync(), n->last());

  // The hub has everything, from every village.
  apps = hub.Applications();
  CHECK(apps.size() == 4);
  CHECK(apps[b1] == kSarongan);
  CHECK(hub.Count("SELECT count(*) FROM households WHERE id=? AND village=?", {h2, kPesanggaran}) == 1);
  CHECK(hub.Count("SELECT count(*) FROM households WHERE id=? AND address='Dusun Roworejo RT 4'", {a3.household}) == 1);
  CHECK(hub.Count("SELECT count(*) FROM households") == 4);
  CHECK(n1.HouseholdCount() == 1);
  Json show2 = hub.Ok({"application", "show", a2.application});
  CHECK(show2["status"].str() == "approved");

  // Every village got the hub's decisions about its own applications...
  CHECK(n1.Ok({"application", "show", a1.application})["notes"].str() == "Dicek Dinsos: lengkap");
  CHECK(n2.Ok({"application", "show", a2.application})["status"].str() == "approved");
  Json r3 = n3.Ok({"application", "show", a3.application});
  CHECK(r3["status"].str() == "returned");
  CHECK(r3["status_reason"].str().rfind("Lampirkan KK terbaru", 0) == 0);  // "... [operator]"

  // ...and nothing of any other village.
  std::map<const Node*, std::set<std::string>> expected = {
      {&n1, {a1.application, b1}}, {&n2, {a2.application}}, {&n3, {a3.application}}};
  for (Node* n : nodes) {
    INFO("village " << n->village());
    std::set<std::string> listed = n->ApplicationIds();
    CHECK(listed == expected[n]);
    for (const auto& id : listed) CHECK(apps[id] == n->village());
    for (const char* t : {"households", "persons", "applications", "events", "attachments", "conflicts"}) {
      INFO("table " << t);
      CHECK(n->Count(std::string("SELECT count(*) FROM ") + t + " WHERE village != ?", {n->village()}) == 0);
    }
    CHECK(n->OutboxSize() == 0);
  }
  CHECK(n2.HouseholdCount() == 2);
  CHECK(n3.HouseholdCount() == 1);
}

// ============================================================================
// 2. The same field edited at the hub and at the village
// ============================================================================

TEST_CASE("sync: a field edited at the hub and at the village is a conflict on both sides; resolution replicates") {
  Hub hub;
  hub.Start();
  Node n(kSarongan);
  n.Enrol(hub);
  Applicant a = n.SubmittedApplicant(5, "Siti Aminah");
  CheckClean(n.Sync(), n.last());

  hub.Do({"application", "edit", a.application, "--notes", "Catatan Dinsos"});
  n.Do({"application", "edit", a.application, "--notes", "Catatan desa"});
  Json s = n.Sync();
  CHECK(s["conflicts"].num() >= 1);

  Json hub_conflicts = hub.Ok({"conflicts"});
  Json node_conflicts = n.Ok({"conflicts"});
  REQUIRE(hub_conflicts.size() == 1);
  REQUIRE(node_conflicts.size() == 1);
  std::string cid = hub_conflicts[0]["id"].str();
  CHECK(!cid.empty());
  CHECK(node_conflicts[0]["id"].str() == cid);
  for (const Json* c : {&hub_conflicts[0], &node_conflicts[0]}) {
    CHECK((*c)["row_id"].str() == a.application);
    CHECK((*c)["field"].str() == "notes");
    CHECK((*c)["status"].str() == "open");
    std::set<std::string> sides = {(*c)["winner_value"].str(), (*c)["loser_value"].str()};
    CHECK(sides == std::set<std::string>{"Catatan Dinsos", "Catatan desa"});
  }
  CHECK(hub_conflicts[0]["winner_value"].str() == node_conflicts[0]["winner_value"].str());

  // Both replicas hold the same (winning) value.
  CheckClean(n.Sync(), n.last());
  std::string hub_notes = hub.Ok({"application", "show", a.application})["notes"].str();
  std::string node_notes = n.Ok({"application", "show", a.application})["notes"].str();
  CHECK(hub_notes == node_notes);
  CHECK(hub_notes == hub_conflicts[0]["winner_value"].str());

  // The village decides; the decision reaches the hub.
  n.Do({"resolve", cid, "--value", "Disepakati: cek lapangan"});
  CHECK(n.Ok({"conflicts"}).size() == 0);
  CheckClean(n.Sync(), n.last());
  CHECK(hub.Ok({"conflicts"}).size() == 0);
  Json all = hub.Ok({"conflicts", "--all"});
  REQUIRE(all.size() == 1);
  CHECK(all[0]["id"].str() == cid);
  CHECK(all[0]["status"].str() == "resolved");
  CHECK(all[0]["resolved_by"].str().find(n.id()) != std::string::npos);
  CHECK(hub.Ok({"application", "show", a.application})["notes"].str() == "Disepakati: cek lapangan");
  CheckClean(n.Sync(), n.last());
  CHECK(n.Ok({"application", "show", a.application})["notes"].str() == "Disepakati: cek lapangan");
  CHECK(n.Ok({"conflicts"}).size() == 0);
}

// ============================================================================
// 3 + 4. SIGKILL of the hub mid-push, then of a node mid-pull
// ============================================================================

TEST_CASE("sync: hub SIGKILLed mid-push and nodes SIGKILLed mid-pull lose nothing and duplicate nothing") {
  // More rows than a pull reply carries (kPull, asked for with --pull-limit),
  // so a pull needs several round trips, and far more than the push batches
  // (kBatch) the hub must be killed among. The property (whole pages, whole
  // batches, nothing lost or doubled) does not depend on the page size; 300
  // rows instead of the default page's 1000+ take a third of the time (each
  // row is one simpul-node process, ~0.2 s under ASan).
  constexpr int kRows = 300;
  constexpr int kPull = 200;
  constexpr int kBatch = 10;
  Hub hub;
  hub.Start();
  Node a(kKandangan);      // pushes the rows
  Node b(kKandangan);      // same village, enrolled early: pulls from the change log
  a.Enrol(hub);
  b.Enrol(hub);
  CheckClean(b.Sync(), b.last());
  // The outbox may already hold the node's own audit entries (its enrolment).
  const size_t before_rows = a.OutboxSize();
  for (int i = 1; i <= kRows; ++i) {
    ProcessResult r = a.Cli({"household", "add", "--address", "Rumah " + std::to_string(i)});
    INFO(a.last());
    REQUIRE(r.exit_code == kOk);
  }
  REQUIRE(a.OutboxSize() == before_rows + static_cast<size_t>(kRows));

  // --- 3. the hub dies with a push under way --------------------------------
  const int port = hub.port();
  // Pushes after the first travel as streamed rounds (/v1/stream, several
  // batches of kBatch, each its own sealed request and transaction).
  const std::string push_node = " node=" + a.id() + " ";
  auto push_lines = [&] {
    return LinesWith(hub.log(), {push_node, "applied=10 "}) + LinesWith(hub.log(), {push_node, "applied=20 "}) +
           LinesWith(hub.log(), {push_node, "applied=40 "}) + LinesWith(hub.log(), {push_node, "applied=80 "});
  };
  const int64_t applied_before = hub.Count("SELECT count(*) FROM applied WHERE node_id=?", {a.id()});
  {
    std::string log = a.File("sync-1.log");
    Background sync(a.Argv({"--json", "sync", "--batch", std::to_string(kBatch), "--timeout", "10"}),
                    BaseEnv(a.Home()), log);
    bool seen = WaitFor([&] { return push_lines() >= 2; }, 20, 1);
    hub.Kill9();
    INFO("hub log:\n" << hub.log());
    REQUIRE(seen);
    int rc = sync.Wait();
    INFO("node sync log:\n" << ReadFile(log));
    CHECK_MESSAGE(rc != kOk, "the sync was expected to be cut by the hub's death");
  }
  // Each batch is one transaction: a dead hub holds whole batches only.
  int64_t partial = hub.Count("SELECT count(*) FROM households WHERE village=?", {kKandangan});
  CHECK(partial > 0);
  CHECK(partial < kRows);
  CHECK((hub.Count("SELECT count(*) FROM applied WHERE node_id=?", {a.id()}) - applied_before) % kBatch == 0);
  CHECK(hub.Count("SELECT count(*) FROM changelog WHERE tbl='households' AND village=?", {kKandangan}) == partial);

  hub.Start(port);
  Json s;
  bool done = false;
  for (int i = 0; i < 4 && !done; ++i) {
    ProcessResult r = a.Cli({"--json", "sync", "--batch", "100", "--timeout", "20"});
    INFO(a.last());
    if (r.exit_code == kOk) {
      s = ParseJson(r.out);
      done = s["verified"].truthy();
    }
  }
  INFO(a.last());
  REQUIRE(done);
  CHECK(s["refused"].num() == 0);
  CHECK(a.OutboxSize() == 0);
  CHECK(hub.Count("SELECT count(*) FROM households WHERE village=?", {kKandangan}) == kRows);
  CHECK(hub.Count("SELECT count(DISTINCT address) FROM households WHERE village=?", {kKandangan}) == kRows);
  // Re-sent batches were no-ops: one change-log entry and one applied
  // record per household, not two.
  CHECK(hub.Count("SELECT count(*) FROM changelog WHERE tbl='households' AND village=?", {kKandangan}) == kRows);
  // (+1: the head of its audit chain, signed as its first sync began.)
  CHECK(hub.Count("SELECT count(*) FROM applied WHERE node_id=?", {a.id()}) - applied_before ==
        static_cast<int64_t>(before_rows) + kRows + 1);
  CHECK(a.Count("SELECT count(*) FROM households WHERE village=?", {kKandangan}) == kRows);

  // --- 4. a node dies with a pull under way ---------------------------------
  // b pulls the change log; c (enrolled now) pulls a snapshot.
  Node c(kKandangan);
  c.Enrol(hub);
  for (Node* n : {&b, &c}) {
    INFO("node " << n->id());
    const std::string line = "/v1/sync node=" + n->id();
    // Killed twice: once as soon as the hub has answered its first pull
    // (kPull rows, likely mid-apply), once as it asks for the next page
    // (the previous one committed, the next not yet applied).
    for (int kill_at = 1; kill_at <= 2; ++kill_at) {
      std::string log = n->File("pull-" + std::to_string(kill_at) + ".log");
      size_t before = LinesWith(hub.log(), {line});
      Background sync(n->Argv({"--json", "sync", "--pull-limit", std::to_string(kPull), "--timeout", "10"}),
                      BaseEnv(n->Home()), log);
      bool seen = WaitFor([&] { return LinesWith(hub.log(), {line}) >= before + kill_at; }, 20, 1);
      sync.Kill(SIGKILL);
      int rc = sync.Wait();
      // The run may finish in fewer round trips than the kill point (the
      // last snapshot page carries the digests): then it was not killed.
      REQUIRE((seen || rc == 0));
      int64_t held = n->Count("SELECT count(*) FROM households");
      MESSAGE("node " << n->id() << " held " << held << " of " << kRows << " households when killed at reply "
                      << kill_at);
      // Each reply is applied in one transaction with its cursor: whole pages
      // only. A snapshot page is kPull rows (households come first); a log
      // page is kPull entries of the village, which may include other rows
      // (e.g. the other laptop's audit entries).
      int64_t log_page = hub.Count(
          "SELECT count(*) FROM (SELECT tbl FROM changelog WHERE village=? AND origin!=? ORDER BY seq LIMIT " +
              std::to_string(kPull) + ") WHERE tbl='households'",
          {kKandangan, n->id()});
      CHECK((held == 0 || held == kPull || held == log_page || held == kRows));
    }

    Json f = n->SyncUntilVerified();
    INFO(n->last());
    CHECK(f["verified"].truthy());
    // (household list stops at 1000 rows; count in the store.)
    CHECK(n->Count("SELECT count(*) FROM households WHERE village=? AND deleted=0", {kKandangan}) == kRows);
    CHECK(n->Count("SELECT count(DISTINCT address) FROM households WHERE village=?", {kKandangan}) == kRows);
    CHECK(n->OutboxSize() == 0);
  }
  CHECK(hub.Count("SELECT count(*) FROM households WHERE village=?", {kKandangan}) == kRows);
}

// ============================================================================
// 5. An idle sync is one cheap round trip and changes nothing
// ============================================================================

TEST_CASE("sync: an idle sync is one small round trip and writes nothing to the hub's change log") {
  Hub hub;
  hub.Start();
  Node n(kSarongan);
  n.Enrol(hub);
  n.SubmittedApplicant(6, "Siti Aminah");
  CheckClean(n.Sync(), n.last());
  CheckClean(n.Sync(), n.last());
  int64_t changelog = hub.Count("SELECT count(*) FROM changelog");
  int64_t applied = hub.Count("SELECT count(*) FROM applied");
  CHECK(changelog > 0);
  for (int i = 0; i < 2; ++i) {
    Json s = n.Sync();
    INFO(n.last());
    CHECK(s["sent"].num() == 0);
    CHECK(s["received"].num() == 0);
    CHECK(s["conflicts"].num() == 0);
    CHECK(s["round_trips"].num() == 1);
    CHECK(s["bytes_sent"].num() + s["bytes_received"].num() < 1024);
    CHECK(s["verified"].truthy());
    CHECK(hub.Count("SELECT count(*) FROM changelog") == changelog);
    CHECK(hub.Count("SELECT count(*) FROM applied") == applied);
  }
}

// ============================================================================
// 6. Security: revoked, unenrolled, re-enrolled nodes; garbage on the wire
// ============================================================================

TEST_CASE("sync: a revoked node is refused and says so, and a new code lets it back in") {
  Hub hub;
  hub.Start();
  Node lost(kSarongan);
  lost.Enrol(hub);
  CheckClean(lost.Sync(), lost.last());
  hub.Do({"node", "revoke", lost.id(), "--reason", "laptop hilang"});
  Json nodes = hub.Ok({"node", "list"});
  REQUIRE(nodes.size() == 1);
  CHECK(nodes[0]["status"].str() == "revoked");
  // The laptop reported its outbox at that sync (protocol 5): nothing left.
  CHECK(nodes[0]["outbox_waiting"].num() == 0);
  CHECK(!nodes[0]["outbox_reported_time"].str().empty());

  std::string hh = lost.AddHousehold("Dusun Krajan 9");
  ProcessResult r = lost.Cli({"sync"});
  {
    INFO(lost.last());
    CHECK(r.exit_code != kOk);
    CHECK_MESSAGE(r.exit_code != kInternal,
                  "a revoked node is an expected refusal, not 'internal error (a bug)' (node/cli/cli.h)");
    CHECK_HAS(r.err, "revoked");
    CHECK(r.exit_code == 6);  // node/cli/cli.h: refused by the hub
  }
  // Nothing of it was taken; the change waits in its outbox.
  CHECK(hub.Count("SELECT count(*) FROM households WHERE id=?", {hh}) == 0);
  CHECK(lost.OutboxSize() == 1);

  // The refusal tells the operator to re-enrol with a new code: that works.
  lost.Enrol(hub);
  r = lost.Cli({"--json", "sync"});
  {
    INFO(lost.last());
    CHECK_MESSAGE(r.exit_code == kOk, "a node re-enrolled with a new code after revocation must sync");
  }
  if (r.exit_code == kOk) CheckClean(ParseJson(r.out), lost.last());
  CHECK(hub.Count("SELECT count(*) FROM households WHERE id=?", {hh}) == 1);
}

TEST_CASE("sync: unenrolled nodes and misused enrolment codes are refused with clear messages") {
  Hub hub;
  hub.Start();
  Node stray(kPesanggaran);
  ProcessResult r = stray.Cli({"sync"});
  {
    INFO(stray.last());
    CHECK(r.exit_code != kOk);
    CHECK(r.exit_code != kInternal);
    CHECK_HAS(r.err, "not enrolled");
    CHECK_HAS(r.err, "simpul-node enrol");
  }

  // A code bound to another village is refused; a used code cannot be reused.
  std::string other = hub.EnrolCode(kSarongan);
  r = stray.Cli({"enrol", "--hub", hub.url(), "--code", other});
  {
    INFO(stray.last());
    CHECK(r.exit_code != kOk);
    CHECK(r.exit_code != kInternal);
    CHECK_HAS(r.err, kSarongan);
  }
  Node first(kPesanggaran);
  std::string code = hub.EnrolCode(kPesanggaran);
  first.Do({"enrol", "--hub", hub.url(), "--code", code});
  r = stray.Cli({"enrol", "--hub", hub.url(), "--code", code});
  {
    INFO(stray.last());
    CHECK(r.exit_code != kOk);
    CHECK(r.exit_code != kInternal);
  }
  r = stray.Cli({"sync"});
  CHECK(r.exit_code != kOk);
  Json nodes = hub.Ok({"node", "list"});
  CHECK(nodes.size() == 1);
  CHECK(nodes[0]["node_id"].str() == first.id());
}

TEST_CASE("sync: garbage POSTed to /v1/sync gets a signed error or a 4xx, and the hub keeps serving") {
  Hub hub;
  hub.Start();
  Node good(kSumberagung);
  good.Enrol(hub);
  CheckClean(good.Sync(), good.last());

  const std::vector<std::pair<std::string, std::string>> bodies = {
      {"text", "hello world"},
      {"empty", ""},
      {"magic only", "SMPL"},
      {"random", Noise(2000, 1)},
      {"bad frame version", Frame(9, 1, Noise(100, 2))},
      {"bad frame kind", Frame(1, 77, Noise(100, 3))},
      {"length says more", Frame(1, 1, Noise(100, 4), 5000)},
      {"length says less", Frame(1, 1, Noise(100, 5), 10)},
      {"length over the limit", Frame(1, 1, Noise(16, 6), 0xFFFFFFF0)},
      {"sealed request of noise", Frame(1, 1, Noise(300, 7))},
      {"sealed request of zeros", Frame(1, 1, std::string(600, '\0'))},
      {"tiny sealed request", Frame(1, 1, "x")},
      {"enrol frame on /v1/sync", Frame(1, 4, Noise(200, 8))},
      {"reply frame as a request", Frame(1, 2, Noise(200, 9))},
      {"error frame as a request", Frame(1, 3, Noise(200, 10))},
  };
  for (const auto& [what, body] : bodies) {
    INFO("payload: " << what);
    RawReply rep = RawPost(hub.port(), HttpPost("/v1/sync", body));
    INFO("headers: " << rep.headers);
    bool client_error = rep.status >= 400 && rep.status < 500;
    bool signed_error = rep.status == 200 && rep.body.size() > 10 && rep.body.compare(0, 4, "SMPL") == 0 &&
                        rep.body[4] == 1 && rep.body[5] == 3;  // kind 3: signed error
    CHECK((client_error || signed_error));
  }
  // Not HTTP at all, an absurd Content-Length, an unknown endpoint.
  for (const auto& [what, raw] : std::vector<std::pair<std::string, std::string>>{
           {"not HTTP", Noise(500, 11) + "\r\n\r\n"},
           {"huge content-length", "POST /v1/sync HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\nxx"},
           {"unknown endpoint", HttpPost("/v1/admin", "x")}}) {
    INFO("request: " << what);
    RawReply rep = RawPost(hub.port(), raw);
    INFO("headers: " << rep.headers);
    CHECK(rep.status >= 400);
    CHECK(rep.status < 500);
  }
  RawReply health = RawPost(hub.port(), "GET /v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  CHECK(health.status == 200);

  // The hub is still up and still serves a real node.
  std::string hh = good.AddHousehold("Dusun Sumberagung 1");
  CheckClean(good.Sync(), good.last());
  CHECK(hub.Count("SELECT count(*) FROM households WHERE id=? AND village=?", {hh, kSumberagung}) == 1);
  CHECK(hub.running());
  CHECK_HAS(hub.log(), "not a Simpul frame");
}

// ============================================================================
// 7. Moving an application to another village
// ============================================================================

TEST_CASE("sync: an application moved by the hub leaves the old village and reaches the new one") {
  Hub hub;
  hub.Start();
  Node from(kSarongan), to(kPesanggaran);
  from.Enrol(hub);
  to.Enrol(hub);
  Applicant a = from.SubmittedApplicant(7, "Siti Aminah");
  CheckClean(from.Sync(), from.last());
  CheckClean(to.Sync(), to.last());
  CHECK(to.ApplicationIds().empty());
  CHECK(from.ApplicationIds().count(a.application) == 1);

  ProcessResult r = hub.Cli({"move", "application", a.application, "--to", kPesanggaran});
  {
    INFO(hub.last());
    REQUIRE(r.exit_code == kOk);
  }
  CHECK(hub.Applications()[a.application] == kPesanggaran);

  for (int round = 0; round < 2; ++round) {
    CheckClean(from.Sync(), from.last());
    CheckClean(to.Sync(), to.last());
  }
  CHECK(from.ApplicationIds().count(a.application) == 0);
  CHECK(from.Count("SELECT count(*) FROM applications WHERE id=?", {a.application}) == 0);
  CHECK(from.Count("SELECT count(*) FROM events WHERE subject_id=? OR village != ?", {a.application, kSarongan}) == 0);
  CHECK(to.ApplicationIds() == std::set<std::string>{a.application});
  Json shown = to.Ok({"application", "show", a.application});
  CHECK(shown["village"].str() == kPesanggaran);
  CHECK(shown["status"].str() == "submitted");
}

TEST_CASE("sync: a moved person arrives with a household the new village holds; the old village's edit settles") {
  Hub hub;
  hub.Start();
  Node from(kSarongan), to(kPesanggaran);
  from.Enrol(hub);
  to.Enrol(hub);
  // Sarongan: Siti lives with her mother; Sri lives alone. Pesanggaran: the
  // household Siti marries into.
  Applicant siti = from.SubmittedApplicant(21, "Siti Aminah");
  std::string mother = from.Id({"person", "add", "--household", siti.household, "--name", "Sumiati",
                                "--birth-date", "1960-02-01", "--sex", "P"});
  Applicant sri = from.SubmittedApplicant(22, "Sri Wahyuni");
  std::string joins = to.AddHousehold("Dusun Sumberagung", "3510011211870023");
  CheckClean(from.Sync(), from.last());
  CheckClean(to.Sync(), to.last());

  // Siti's mother stays: Dinsos must say which household Siti joins.
  ProcessResult r = hub.Cli({"move", "person", siti.person, "--to", kPesanggaran});
  {
    INFO(hub.last());
    CHECK(r.exit_code == 2);
    CHECK_HAS(r.err, "--household");
    CHECK_HAS(r.err, siti.household);
  }
  CHECK(hub.Count("SELECT count(*) FROM persons WHERE id=? AND village=?", {siti.person, kSarongan}) == 1);
  // A household of another village is not one she can join there.
  r = hub.Cli({"move", "person", siti.person, "--to", kPesanggaran, "--household", sri.household});
  {
    INFO(hub.last());
    CHECK(r.exit_code == 2);
    CHECK_HAS(r.err, kSarongan);
  }
  hub.Do({"move", "person", siti.person, "--to", kPesanggaran, "--household", joins});
  // Sri moves alone: her household (no one stays in it) goes with her.
  hub.Do({"move", "person", sri.person, "--to", kPesanggaran});

  // Meanwhile, offline, Sarongan corrects Siti's name.
  from.Do({"person", "edit", siti.person, "--name", "Siti Aminah Wulandari"});
  Json first = from.Sync();
  {
    INFO(from.last());
    CHECK(first["refused"].num() == 1);  // the hub refused the edit...
    CHECK(first["settled"].num() == 1);  // ...and the move it learnt of settled it
  }
  // Settled: not waiting in the outbox, listed among the refusals with why.
  CHECK(from.OutboxSize() == 0);
  Json refusals = from.Ok({"refusals"});
  REQUIRE(refusals.size() == 1);
  CHECK(refusals[0]["row_id"].str() == siti.person);
  CHECK(refusals[0]["state"].str() == "settled");
  CHECK(refusals[0]["reason"].str() == "moved to village " + kPesanggaran);
  Json status = from.Ok({"status"});
  CHECK(status["outbox_pending"].num() == 0);
  CHECK(status["outbox_refused"].num() == 0);
  CHECK(status["outbox_settled"].num() == 1);
  {
    ProcessResult id = from.Cli({"--lang", "id", "refusals"});
    CHECK_HAS(id.out, "dipindahkan ke desa " + kPesanggaran);
  }
  Json again = from.Sync();
  {
    INFO(from.last());
    CHECK(again["sent"].num() == 0);  // never pushed again
    CHECK(again["verified"].truthy());
  }
  CHECK(from.Count("SELECT count(*) FROM persons WHERE id IN (?,?)", {siti.person, sri.person}) == 0);
  CHECK(from.Count("SELECT count(*) FROM persons WHERE id=?", {mother}) == 1);
  CHECK(from.Count("SELECT count(*) FROM households WHERE id=?", {sri.household}) == 0);

  // Pesanggaran can open every household its new residents name.
  CheckClean(to.Sync(), to.last());
  Json p = to.Ok({"person", "show", siti.person});
  CHECK(p["household_id"].str() == joins);
  CHECK(to.Ok({"application", "show", siti.application})["household_id"].str() == joins);
  Json q = to.Ok({"person", "show", sri.person});
  CHECK(q["household_id"].str() == sri.household);
  Json h = to.Ok({"household", "show", sri.household});
  CHECK(h["village"].str() == kPesanggaran);
  for (const std::string& app : {siti.application, sri.application}) {
    Json a = to.Ok({"application", "show", app});
    CHECK(a["village"].str() == kPesanggaran);
    INFO(app);
    CHECK(to.Count("SELECT count(*) FROM households WHERE id=?", {a["household_id"].str()}) == 1);
  }
  CHECK(to.Count("SELECT count(*) FROM persons p LEFT JOIN households h ON h.id=p.household_id"
                 " WHERE p.household_id IS NOT NULL AND h.id IS NULL") == 0);
}

TEST_CASE("sync: the hub operator's answers: --json letter, a mistyped --status, messages in Bahasa Indonesia") {
  Hub hub;
  hub.Start();
  Node n(kSarongan);
  n.Enrol(hub);
  Applicant a = n.SubmittedApplicant(31, "Siti Aminah");
  Applicant b = n.SubmittedApplicant(32, "Sri Wahyuni");
  n.VillageStages(a.application);
  CheckClean(n.Sync(), n.last());
  hub.Approve(a.application);

  // --json gives JSON for the letter too.
  Json letter = hub.Ok({"application", "letter", a.application});
  CHECK(letter["id"].str() == a.application);
  REQUIRE(!letter["letter_number"].str().empty());
  CHECK(hub.Count("SELECT count(*) FROM applications WHERE id=? AND letter_number=?",
                  {a.application, letter["letter_number"].str()}) == 1);

  // A mistyped --status names the valid ones, at the hub and at the village.
  ProcessResult typo = hub.Cli({"application", "list", "--status", "aproved"});
  {
    INFO(hub.last());
    CHECK(typo.exit_code == 2);
    CHECK_HAS(typo.err, "--status");
    CHECK_HAS(typo.err, "aproved");
    CHECK_HAS(typo.err, "letter_issued");
    CHECK(typo.out.find("(none)") == std::string::npos);
  }
  CHECK(hub.Ok({"application", "list", "--status", "letter_issued"}).size() == 1);
  typo = n.Cli({"application", "list", "--status", "aproved"});
  {
    INFO(n.last());
    CHECK(typo.exit_code == 2);
    CHECK_HAS(typo.err, "--status");
    CHECK_HAS(typo.err, "submitted");
    CHECK(typo.out.find("(none)") == std::string::npos);
  }
  CHECK(n.Ok({"application", "list", "--status", "submitted"}).size() == 1);  // b; a's field check: in review
  CHECK(n.Ok({"application", "list", "--status", "in_review"}).size() == 1);

  // LANG=id_ID.UTF-8: the hub's errors are Bahasa Indonesia, all of them.
  auto in_bahasa = [&](const std::vector<std::string>& args) {
    std::vector<std::string> argv = {BinPath("simpul-hub"), "--data", hub.dir()};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<std::string> env = BaseEnv(n.Home());
    env.push_back("LANG=id_ID.UTF-8");
    return Run(argv, env, 30);
  };
  struct Case {
    std::vector<std::string> args;
    const char* expected;
    const char* english;
    bool opens_store;  // refused after opening the hub: the setup-mode warning comes first
  };
  const Case cases[] = {
      {{"application", "approve", "nope"}, "Permohonan dengan id 'nope' tidak ditemukan", "no applications row", true},
      {{"application", "return", b.application}, "--reason wajib diisi", "is required", true},
      {{"application", "letter", b.application}, "Surat hanya diterbitkan", "a letter is issued", true},
      {{"application", "reject", a.application, "--reason", "x"}, "Tidak bisa mencatat", "cannot record", true},
      {{"resolve", "nope", "--keep", "winner"}, "Konflik dengan id 'nope' tidak ditemukan", "no conflict", true},
      {{"application", "show"}, "Argumen ID kurang", "missing argument", false},
      {{"node", "enrol"}, "Opsi --village wajib diisi", "is required", false},
      {{"application", "list", "--status", "aproved"}, "pilihan: draft", "choose one of", false},
  };
  for (const auto& c : cases) {
    ProcessResult r = in_bahasa(c.args);
    INFO(c.args[0] << " " << c.args[1] << ": exit " << r.exit_code << "\n" << r.err);
    CHECK(r.exit_code == 2);
    CHECK_HAS(r.err, "Gagal: ");
    CHECK_HAS(r.err, c.expected);
    CHECK(r.err.find(c.english) == std::string::npos);
    if (c.opens_store) CHECK_HAS(r.err, "Peringatan: Hub ini belum punya akun petugas");  // setup mode, in Bahasa too
  }
  ProcessResult unknown = in_bahasa({"aprove"});
  CHECK(unknown.exit_code == 2);
  CHECK_HAS(unknown.err, "Perintah 'aprove' tidak dikenal");

  // One exit-code map for both tools: a hub store written by a newer Simpul
  // is "store unusable" (3), as for a node, not "refused by a peer".
  CHECK(hub.Stop() == 0);
  {
    auto db = testing::OpenStoreDb(hub.db(), schema::Db::Mode::kReadWrite);
    REQUIRE(db.ok());
    REQUIRE(db->Exec("PRAGMA user_version=99").ok());
  }
  ProcessResult newer = hub.Cli({"node", "list"});
  INFO(hub.last());
  CHECK(newer.exit_code == 3);
  CHECK_HAS(newer.err, "newer Simpul");
}

TEST_CASE("sync: a hub without accounts warns on every command and in the server log, until an administrator exists") {
  Hub hub;  // init, then serve: no account yet
  hub.Start();
  CHECK_HAS(hub.log(), "WARNING: This hub has no operator accounts (setup mode)");
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"node", "list"}, {"application", "list"}, {"conflicts"}, {"audit", "--verify"}}) {
    ProcessResult r = hub.Cli(args);
    INFO(hub.last());
    CHECK(r.exit_code == 0);
    CHECK_HAS(r.err, "setup mode");
    CHECK_HAS(r.err, "simpul-hub user add NAME --role administrator");
  }
  CHECK(hub.Stop() == 0);

  // The first administrator ends setup mode: no warning, on the console or
  // in the log.
  std::vector<std::string> env = BaseEnv(hub.dir() + "/..");
  env.push_back("SIMPUL_NEW_PASSWORD=passw0rd-root");
  ProcessResult add = Run({BinPath("simpul-hub"), "--data", hub.dir(), "user", "add", "root", "--role", "administrator"},
                          env, 60);
  REQUIRE(add.exit_code == 0);
  env.push_back("SIMPUL_USER=root");
  env.push_back("SIMPUL_PASSWORD=passw0rd-root");
  ProcessResult list = Run({BinPath("simpul-hub"), "--data", hub.dir(), "node", "list"}, env, 60);
  CHECK(list.exit_code == 0);
  CHECK(list.err.find("setup mode") == std::string::npos);
  size_t before = hub.log().size();
  hub.Start();
  CHECK(hub.log().substr(before).find("setup mode") == std::string::npos);
}

// ============================================================================
// 8. The daemon: retries while the hub is down, syncs when it is back
// ============================================================================

TEST_CASE("sync: the daemon retries while the hub is down, syncs when it returns and stops cleanly") {
  Hub hub;
  hub.Start();
  const int port = hub.port();
  Node n(kSarongan);
  n.Enrol(hub);
  CHECK(hub.Stop() == 0);
  CHECK_HAS(hub.log(), "stopped cleanly");

  // A bad option stops the daemon at once, named: not a failed sync retried forever.
  {
    ProcessResult bad = n.Cli({"daemon", "--timeout", "5s"}, 30);
    INFO(bad.err);
    CHECK(bad.exit_code == 2);
    CHECK_HAS(bad.err, "--timeout");
  }
  std::string hh = n.AddHousehold("Dusun Krajan 12");
  std::string log = n.File("daemon.log");
  Background daemon(n.Argv({"daemon", "--interval", "1", "--backoff-min", "1", "--backoff-max", "2"}),
                    BaseEnv(n.Home()), log);
  bool retrying = WaitFor([&] { return LinesWith(ReadFile(log), {"sync failed", "retrying"}) >= 1; }, 10);
  {
    INFO("daemon log:\n" << ReadFile(log));
    CHECK(retrying);
    CHECK(ReadFile(log).find("synced") == std::string::npos);
  }

  hub.Start(port);
  // At least the household (and the node's audit entries) went up.
  bool synced = WaitFor([&] { return ReadFile(log).find("synced: ") != std::string::npos &&
                                     ReadFile(log).find("synced: 0 sent") == std::string::npos; }, 10);
  {
    INFO("daemon log:\n" << ReadFile(log));
    CHECK(synced);
    CHECK_HAS(ReadFile(log), "verified equal with the hub");
  }
  CHECK(hub.Count("SELECT count(*) FROM households WHERE id=?", {hh}) == 1);

  daemon.Kill(SIGTERM);
  int rc = daemon.Wait();
  INFO("daemon log:\n" << ReadFile(log));
  CHECK(rc == 0);
  CHECK_HAS(ReadFile(log), "stopped cleanly");
  // Its times are the office's (a Banyuwangi village: WIB), whatever the TZ.
  CHECK_HAS(ReadFile(log), " WIB daemon started");
  CHECK_HAS(ReadFile(log), " WIB daemon stopped cleanly");
  CHECK(n.OutboxSize() == 0);
}

}  // namespace
}  // namespace simpul::testing
