// Sync benchmark over loopback with the real simpul-hub binary:
//  1. one node pushes 10,000 applications (plus their households and
//     persons): changes/s at the hub, and bytes on the wire per application
//     against the zstd-compressed size of the same field values;
//  2. a no-op sync: bytes and round trips;
//  3. 300 simulated nodes (protocol-level clients) syncing at once, 100
//     changes each: all applied, none lost, total time, hub peak RSS.
//  0. the first push of N residents' applications (household, person,
//     application with indicator answers, every other one submitted: ~4.5
//     changes each) from a fresh node, end to end (issue 14 item 5);
//     only with SIMPUL_BENCH_ONLY=residents (it runs alone: its village
//     is the first section's).
// Targets (issue "Sync protocol v1"): wire <= 1.3x zstd payload; no-op < 1 KB;
// hub ingest >= 20,000 changes/s.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <sstream>
#include <thread>

#include "hub/operations.h"
#include "hub/store.h"
#include "node/records.h"
#include "node/store.h"
#include "node/sync_client.h"
#include "schema/db.h"
#include "schema/ids.h"
#include "schema/migrations.h"
#include "schema/regions.h"
#include "sync/crypto/envelope.h"
#include "sync/hlc.h"
#include "sync/transport/http_transport.h"
#include "sync/wire/codec.h"
#include "tools/bench_util.h"

using namespace simpul;

namespace {

std::string SelfDir() {
  char buf[4096];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  buf[n > 0 ? n : 0] = 0;
  std::string p(buf);
  return p.substr(0, p.rfind('/'));
}

long VmHwmKb(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("VmHWM:", 0) == 0) return std::atol(line.c_str() + 6);
  return -1;
}

struct HubProcess {
  pid_t pid = -1;
  uint16_t port = 0;
};

HubProcess StartHub(const std::string& bin, const std::string& dir) {
  std::string log = dir + "/hub.log";
  HubProcess h;
  h.pid = fork();
  if (h.pid == 0) {
    freopen(log.c_str(), "w", stderr);
    execl(bin.c_str(), bin.c_str(), "--data", dir.c_str(), "serve", "--listen", "127.0.0.1:0", nullptr);
    _exit(127);
  }
  for (int i = 0; i < 200 && h.port == 0; ++i) {
    usleep(50000);
    std::ifstream in(log);
    std::string text((std::istreambuf_iterator<char>(in)), {});
    auto at = text.find(" on 127.0.0.1:");
    if (at != std::string::npos) h.port = static_cast<uint16_t>(std::atoi(text.c_str() + at + 14));
  }
  return h;
}

int Fail(const char* what, const Status& st) {
  std::fprintf(stderr, "%s: %s\n", what, st.ToString().c_str());
  return 1;
}

}  // namespace

// n_apps applications (with a household of four persons per four
// applications), written through the operator's code path.
Status FillNode(node::NodeStore& store, int n_apps) {
  std::vector<std::string> persons;
  for (int h = 0; h < (n_apps + 3) / 4; ++h) {
    auto hh = node::CreateRecord(store, node::Entity::kHousehold,
                                 {{"address", "Dusun Krajan " + std::to_string(h)}, {"kk", "3510011211870001"},
                                  {"rt", std::to_string(h % 20 + 1)}, {"rw", std::to_string(h % 7 + 1)}});
    if (!hh.ok()) return hh.status();
    for (int p = 0; p < 4; ++p) {
      auto person = node::CreateRecord(store, node::Entity::kPerson,
                                       {{"household", hh->id}, {"name", "Warga " + std::to_string(h * 4 + p)},
                                        {"nik", "3510015211870002"}, {"sex", "P"}, {"birth-date", "1987-11-12"}});
      if (!person.ok()) return person.status();
      persons.push_back(person->id);
    }
  }
  static const char* kTypes[] = {"pbi_jkn", "pbi_apbd", "poverty_statement", "recommendation"};
  for (int i = 0; i < n_apps; ++i) {
    node::Options o = {{"type", kTypes[i % 4]}, {"applicant", persons[static_cast<size_t>(i)]},
                       {"purpose", "Berobat ke RSUD Blambangan"}, {"dtks-status", "registered"},
                       {"desil", std::to_string(i % 10 + 1)}, {"notes", "Rumah berdinding bambu, lantai tanah"}};
    if (i % 4 == 3) o["service"] = "hospital_bill";
    auto a = node::CreateRecord(store, node::Entity::kApplication, o);
    if (!a.ok()) return a.status();
  }
  return Status::Ok();
}

// One resident's application the way an office records it: a household, its
// person, an application with its poverty indicators answered, and every
// other one submitted (the event an operator's Submit writes; the document
// checks are not what this measures).
Status FillResidents(node::NodeStore& store, int n) {
  for (int i = 0; i < n; ++i) {
    auto hh = node::CreateRecord(store, node::Entity::kHousehold,
                                 {{"address", "Dusun Krajan " + std::to_string(i)}, {"kk", "3510011211870001"},
                                  {"rt", std::to_string(i % 20 + 1)}, {"rw", std::to_string(i % 7 + 1)}});
    if (!hh.ok()) return hh.status();
    auto person = node::CreateRecord(store, node::Entity::kPerson,
                                     {{"household", hh->id}, {"name", "Warga " + std::to_string(i)},
                                      {"nik", "3510015211870002"}, {"sex", "P"}, {"birth-date", "1987-11-12"}});
    if (!person.ok()) return person.status();
    auto app = node::CreateRecord(store, node::Entity::kApplication,
                                  {{"type", "poverty_statement"}, {"applicant", person->id},
                                   {"purpose", "Berobat ke RSUD Blambangan"}, {"notes", "Rumah berdinding bambu"}});
    if (!app.ok()) return app.status();
    auto scored = node::AnswerIndicators(store, app->id, "kepmensos-262",
                                         {{"head_not_working", i % 3 ? "ya" : "tidak"}, {"food_insecure", "ya"}});
    if (!scored.ok()) return scored.status();
    if (i % 2 == 0) {
      SIMPUL_ASSIGN_OR_RETURN(auto txn, schema::Transaction::Begin(store.db()));
      SIMPUL_RETURN_IF_ERROR(node::AppendApplicationEvent(store, app->id, "submitted", ""));
      SIMPUL_RETURN_IF_ERROR(txn.Commit());
    }
  }
  return Status::Ok();
}

// CPU time (user + system) process `pid` has used so far, in seconds.
double ProcessCpuSeconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), {});
  size_t close = stat.rfind(')');  // the command name may hold spaces
  if (close == std::string::npos) return -1;
  std::istringstream rest(stat.substr(close + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {  // fields 14 and 15 (1-based): utime, stime
    if (i == 14) utime = std::stoull(field);
    if (i == 15) stime = std::stoull(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// Hub-side time of its sync requests so far, from its log ("took=Xms" per request).
double HubSyncMillis(const std::string& log_path) {
  std::ifstream in(log_path);
  double ms = 0;
  for (std::string line; std::getline(in, line);) {
    auto at = line.find("took=");
    if (at != std::string::npos &&
        (line.find("/v1/sync") != std::string::npos || line.find("/v1/stream") != std::string::npos))
      ms += std::atof(line.c_str() + at + 5);
  }
  return ms;
}

// The first push of n residents from a fresh node, end to end.
Status ResidentsPush(hub::HubStore& hub_store, const sync::HttpTarget& target, const std::string& dir, int n,
                     const std::string& hub_log, pid_t hub_pid) {
  SIMPUL_ASSIGN_OR_RETURN(auto store, node::NodeStore::Init(dir, "35.10.01.2001", sync::SystemClock::Default(),
                                                            tools::kBenchPassphrase));
  SIMPUL_ASSIGN_OR_RETURN(std::string code, hub::CreateEnrolment(hub_store, "35.10.01.2001", 1));
  sync::HttpTransport transport(target, 120000);
  SIMPUL_RETURN_IF_ERROR(node::Enrol(*store, transport, "http://127.0.0.1", code));
  double f0 = tools::NowSeconds();
  SIMPUL_RETURN_IF_ERROR(FillResidents(*store, n));
  double fill_s = tools::NowSeconds() - f0;
  auto c = store->db().Prepare("SELECT count(*) FROM outbox");
  int64_t changes = c.ok() && *c->Step() ? c->Int(0) : -1;
  // SIMPUL_BENCH_SEND_RATE=1 pretends a measured 1 byte/s link: every
  // request at level 19, as before the level followed the link.
  if (const char* rate = std::getenv("SIMPUL_BENCH_SEND_RATE"))
    SIMPUL_RETURN_IF_ERROR(store->SetMeta("link_send_rate", rate));
  const double hub_before_ms = HubSyncMillis(hub_log), hub_cpu0 = ProcessCpuSeconds(hub_pid);
  const double cpu0 = tools::CpuSeconds();
  double t0 = tools::NowSeconds();
  SIMPUL_ASSIGN_OR_RETURN(auto sum, node::SyncOnce(*store, transport, node::SyncOptions{}));
  double secs = tools::NowSeconds() - t0;
  const double node_cpu = tools::CpuSeconds() - cpu0;
  usleep(200000);  // the hub logs (and finishes) a request after it answered it
  const double hub_cpu = ProcessCpuSeconds(hub_pid) - hub_cpu0;
  std::printf("residents: %d residents written in %.2f s; first push of %lld changes in %.2f s end to end "
              "(%.0f changes/s, %llu round trips, %.1f KB up, verified=%s; target < 1.2 s); "
              "the hub's handling %.2f s of it; CPU: hub %.2f s, node %.2f s\n",
              n, fill_s, static_cast<long long>(changes), secs, changes / secs,
              static_cast<unsigned long long>(sum.round_trips), sum.bytes_sent / 1024.0, sum.verified ? "yes" : "no",
              (HubSyncMillis(hub_log) - hub_before_ms) / 1000, hub_cpu, node_cpu);
  return sum.verified && sum.acked >= static_cast<uint64_t>(changes) ? Status::Ok()
                                                                      : Status::Internal("residents push incomplete");
}

// Time for a fresh node of `village`, stored `at_rest`, to push n_apps
// applications to the hub (the encryption-cost comparison).
Result<double> TimedPush(hub::HubStore& hub_store, const sync::HttpTarget& target, const std::string& dir,
                         const std::string& village, node::AtRest at_rest, int n_apps) {
  SIMPUL_ASSIGN_OR_RETURN(auto store, node::NodeStore::Init(dir, village, sync::SystemClock::Default(),
                                                            tools::kBenchPassphrase, at_rest));
  SIMPUL_ASSIGN_OR_RETURN(std::string code, hub::CreateEnrolment(hub_store, village, 1));
  sync::HttpTransport transport(target, 120000);
  SIMPUL_RETURN_IF_ERROR(node::Enrol(*store, transport, "http://127.0.0.1", code));
  SIMPUL_RETURN_IF_ERROR(FillNode(*store, n_apps));
  node::SyncOptions opt;
  opt.batch = 2000;
  double t0 = tools::NowSeconds();
  SIMPUL_ASSIGN_OR_RETURN(auto sum, node::SyncOnce(*store, transport, opt));
  if (!sum.verified) return Status::Internal("push did not verify");
  return tools::NowSeconds() - t0;
}

int main(int argc, char** argv) {
  int n_apps = argc > 1 ? std::atoi(argv[1]) : 10000;
  int n_nodes = argc > 2 ? std::atoi(argv[2]) : 300;
  std::string bin = SelfDir() + "/simpul-hub";
  std::string dir = tools::MakeTempDir();
  if (!sync::crypto::InitSodium().ok()) return 1;
  auto hub_store = hub::HubStore::Init(dir + "/hub", "bench hub", sync::SystemClock::Default());
  if (!hub_store.ok()) return Fail("hub init", hub_store.status());
  HubProcess hub = StartHub(bin, dir + "/hub");
  if (hub.port == 0) {
    std::fprintf(stderr, "hub did not start (see %s/hub/hub.log)\n", dir.c_str());
    return 1;
  }
  std::printf("machine: %s\n", tools::MachineSummary().c_str());
  sync::HttpTarget target{"127.0.0.1", hub.port, ""};
  const char* only = std::getenv("SIMPUL_BENCH_ONLY");
  if (only && std::string(only) == "residents") {  // village 2001 is the first section's otherwise
    Status st = ResidentsPush(**hub_store, target, dir + "/residents", n_apps, dir + "/hub/hub.log", hub.pid);
    kill(hub.pid, SIGTERM);
    waitpid(hub.pid, nullptr, 0);
    if (!std::getenv("SIMPUL_BENCH_KEEP")) tools::RemoveTree(dir);
    return st.ok() ? 0 : Fail("residents", st);
  }

  // --- 1. one node, n_apps applications --------------------------------------
  auto store_r = node::NodeStore::Init(dir + "/node", "35.10.01.2001", sync::SystemClock::Default(), tools::kBenchPassphrase);
  if (!store_r.ok()) return Fail("node init", store_r.status());
  node::NodeStore& store = **store_r;
  auto code = hub::CreateEnrolment(**hub_store, "35.10.01.2001", 1);
  if (!code.ok()) return Fail("enrol code", code.status());
  sync::HttpTransport transport(target, 120000);
  if (Status st = node::Enrol(store, transport, "http://127.0.0.1", *code); !st.ok()) return Fail("enrol", st);
  if (Status st = FillNode(store, n_apps); !st.ok()) return Fail("records", st);
  // The payload: every field value of every queued change, zstd-compressed.
  std::string values;
  int64_t changes = 0;
  {
    // A row's id is part of its data: the baseline carries it too.
    auto st = store.db().Prepare("SELECT o.row_id, f.value FROM outbox o JOIN outbox_fields f ON f.seq=o.seq"
                                 " ORDER BY o.seq, f.field");
    std::string last_row;
    while (*st->Step()) {
      if (st->Text(0) != last_row) values += (last_row = st->Text(0)) + '\x1e';
      values += schema::ValueToDisplay(st->Column(1)) + '\x1f';
    }
    auto c = store.db().Prepare("SELECT count(*) FROM outbox");
    if (c.ok())
      if (auto has = c->Step(); has.ok() && *has) changes = c->Int(0);
  }
  size_t zstd_payload = sync::wire::Compress(values, 3).size();
  node::SyncOptions opt;
  opt.batch = 2000;
  double t0 = tools::NowSeconds();
  auto sum = node::SyncOnce(store, transport, opt);
  double secs = tools::NowSeconds() - t0;
  if (!sum.ok()) return Fail("sync", sum.status());
  std::printf("push: %lld changes (%d applications with their households and persons) in %.2f s: %.0f changes/s "
              "end to end (target hub ingest >= 20000)\n",
              static_cast<long long>(changes), n_apps, secs, changes / secs);
  std::printf("push: %llu round trips, verified=%s, acked=%llu refused=%llu\n",
              static_cast<unsigned long long>(sum->round_trips), sum->verified ? "yes" : "no",
              static_cast<unsigned long long>(sum->acked), static_cast<unsigned long long>(sum->refused));
  std::printf("wire: %.1f bytes up per application (all its rows) vs %.1f bytes zstd of the same rows (ids + values): "
              "%.2fx (target <= 1.3x)\n",
              double(sum->bytes_sent) / n_apps, double(zstd_payload) / n_apps, double(sum->bytes_sent) / zstd_payload);
  {
    const double hub_ms = HubSyncMillis(dir + "/hub/hub.log");
    std::printf("hub ingest: %.0f changes/s of hub processing time (%.2f s for %lld changes; target >= 20000)\n",
                changes / (hub_ms / 1000), hub_ms / 1000, static_cast<long long>(changes));
  }
  usleep(200000);  // the hub logs a request after it answered it
  const double idle_before_ms = HubSyncMillis(dir + "/hub/hub.log");
  auto idle = node::SyncOnce(store, transport, opt);
  if (!idle.ok()) return Fail("idle sync", idle.status());
  usleep(200000);
  std::printf("no-op sync: %llu bytes up + %llu bytes down = %llu bytes in %llu round trip(s) (target < 1024, 1); "
              "the hub's handling %.1f ms (%lld applications in the village)\n",
              static_cast<unsigned long long>(idle->bytes_sent), static_cast<unsigned long long>(idle->bytes_received),
              static_cast<unsigned long long>(idle->bytes_sent + idle->bytes_received),
              static_cast<unsigned long long>(idle->round_trips), HubSyncMillis(dir + "/hub/hub.log") - idle_before_ms,
              static_cast<long long>(n_apps));

  // --- 2. what encryption at rest costs the push (fresh nodes, same data) ---------
  {
    int n = std::min(n_apps, 4000);
    double best_plain = 1e9, best_sealed = 1e9;
    const char* villages[] = {"35.10.01.2002", "35.10.01.2004", "35.10.01.2009", "35.10.01.2010"};
    for (int round = 0; round < 2; ++round) {
      auto plain = TimedPush(**hub_store, target, dir + "/plain" + std::to_string(round), villages[2 * round],
                             node::AtRest::kPlainForBenchmarks, n);
      if (!plain.ok()) return Fail("plain push", plain.status());
      auto sealed = TimedPush(**hub_store, target, dir + "/sealed" + std::to_string(round), villages[2 * round + 1],
                              node::AtRest::kEncrypted, n);
      if (!sealed.ok()) return Fail("encrypted push", sealed.status());
      best_plain = std::min(best_plain, *plain);
      best_sealed = std::min(best_sealed, *sealed);
    }
    std::printf("encryption at rest, sync push of %d applications: %.2f s encrypted vs %.2f s plain: %+.1f%% "
                "(target < +25%%)\n", n, best_sealed, best_plain, 100.0 * (best_sealed / best_plain - 1));
  }

  // --- 3. n_nodes simulated nodes at once ----------------------------------------
  auto regions = schema::ParseRegionCsv(schema::EmbeddedRegionCsv(schema::RegionEdition::k2025));
  std::vector<std::string> villages;
  for (const auto& r : *regions)
    if (r.level == 4 && r.code.rfind("35.", 0) == 0 && r.code.rfind("35.10.01.", 0) != 0 &&
        static_cast<int>(villages.size()) < n_nodes)
      villages.push_back(r.code);
  struct Sim {
    std::string village, node_id, code;
    sync::crypto::Identity id;
  };
  std::vector<Sim> sims(villages.size());
  for (size_t i = 0; i < villages.size(); ++i) {
    sims[i].village = villages[i];
    sims[i].node_id = schema::NewNodeId();
    auto c = hub::CreateEnrolment(**hub_store, villages[i], 1);
    if (!c.ok()) return Fail("enrol code", c.status());
    sims[i].code = *c;
    sims[i].id = sync::crypto::GenerateIdentity();
  }
  hub_store->reset();
  std::atomic<int> ok_nodes{0}, applied{0}, errors{0};
  std::string first_error;
  std::mutex err_mu;
  double t1 = tools::NowSeconds();
  std::vector<std::thread> threads;
  for (auto& s : sims) {
    threads.emplace_back([&, &s = s] {
      auto fail = [&](const std::string& why) {
        ++errors;
        std::lock_guard<std::mutex> l(err_mu);
        if (first_error.empty()) first_error = why;
      };
      sync::HttpTransport t(target, 300000);
      auto code = sync::crypto::ParseEnrolCode(s.code);
      sync::wire::EnrolRequest er;
      er.code_id = code->id;
      er.node_id = s.node_id;
      er.village = s.village;
      er.node_sign_pk = s.id.sign_pk;
      er.schema_version = static_cast<uint32_t>(schema::LatestSchemaVersion());
      std::string ef = sync::crypto::SealEnrolRequest(*code, er);
      auto erep = t.RoundTrip("/v1/enrol", ef);
      if (!erep.ok()) return fail(erep.status().ToString());
      auto enrolled = sync::crypto::OpenEnrolReply(*code, ef, *erep);
      if (!enrolled.ok()) return fail(enrolled.status().ToString());
      sync::wire::SyncRequest req;
      req.initial = false;
      uint64_t now = sync::SystemClock::Default()->NowMs();
      for (int k = 0; k < 100; ++k) {
        sync::wire::Change c;
        c.version = sync::Hlc::FormatVersion(sync::Stamp::Make(now, static_cast<uint32_t>(k)), s.node_id);
        c.table = "households";
        c.row_id = schema::NewRowId(now);
        c.village = s.village;
        c.fields = {{"address", std::string("Dusun ") + std::to_string(k), ""},
                    {"rt", std::string("001"), ""}, {"rw", std::string("002"), ""}};
        req.push.push_back(std::move(c));
      }
      sync::wire::RequestHeader h;
      h.node_id = s.node_id;
      h.counter = 1;
      h.schema_version = static_cast<uint32_t>(schema::LatestSchemaVersion());
      auto sealed = sync::crypto::SealRequest(s.id, enrolled->hub_sign_pk, h, sync::wire::Encode(req));
      auto rep = t.RoundTrip("/v1/sync", sealed->frame);
      if (!rep.ok()) return fail(rep.status().ToString());
      auto body = sync::crypto::OpenReply(*sealed, enrolled->hub_sign_pk, *rep);
      if (!body.ok()) return fail(body.status().ToString());
      auto reply = sync::wire::DecodeSyncReply(*body);
      if (!reply.ok()) return fail(reply.status().ToString());
      int good = 0;
      for (const auto& r : reply->results) good += r.code == 0;
      applied += good;
      if (good == 100) ++ok_nodes;
      else fail("refused items: " + (reply->results.empty() ? std::string("?") : reply->results[0].message));
    });
  }
  for (auto& th : threads) th.join();
  double all_secs = tools::NowSeconds() - t1;
  long hub_rss = VmHwmKb(hub.pid);
  // Count what the hub actually stored, from its database.
  kill(hub.pid, SIGTERM);
  waitpid(hub.pid, nullptr, 0);
  auto check = hub::HubStore::Open(dir + "/hub", sync::SystemClock::Default());
  int64_t stored = -1;
  if (check.ok()) {
    auto q = (*check)->db().Prepare("SELECT count(*) FROM households WHERE village NOT LIKE '35.10.01.%'");
    if (q.ok() && *q->Step()) stored = q->Int(0);
  }
  std::printf("%zu simulated nodes x 100 changes at once: %d nodes fully applied, %d changes acked, %lld stored "
              "at the hub, %d errors, in %.2f s (%.0f changes/s)\n",
              sims.size(), ok_nodes.load(), applied.load(), static_cast<long long>(stored), errors.load(), all_secs,
              applied.load() / all_secs);
  if (!first_error.empty()) std::printf("first error: %s\n", first_error.c_str());
  std::printf("hub peak RSS: %.1f MB\n", hub_rss / 1024.0);
  store_r->reset();
  if (check.ok()) check->reset();
  if (!std::getenv("SIMPUL_BENCH_KEEP")) tools::RemoveTree(dir); else std::printf("kept %s\n", dir.c_str());
  return errors == 0 && stored == static_cast<int64_t>(sims.size()) * 100 ? 0 : 1;
}
