// Poor-link benchmark (issue "Poor links"): a village node syncs to the real
// simpul-hub through the real simpul-linkemu (both forked from the binaries
// next to this one) at 64 kbit/s each way with 300 ms one-way latency, the
// river-region link. The node side runs in-process (node::SyncOnce over HTTP,
// exactly what `simpul-node sync` runs); a run that ends in a cut is retried
// at once, as `simpul-node sync` in a loop would be, with a new connection.
//
//  1. goodput for records only (1,000 applications; 6,000 and 3,000 with cuts
//     every ~200 KB and ~50 KB; the 3,000 again by a node that synced 2,000
//     over the same link before, so it paces from its link memory) and for
//     documents only, without and with cuts: goodput = payload bytes delivered / (link capacity x time);
//     capacity = 64 kbit/s = 8,000 bytes/s up (everything here flows up);
//     payload = for records, the zstd-compressed ids and field values of the
//     queued changes (the baseline of bench_sync); for documents, the
//     document bytes (the documents' attachment rows travel in the same
//     sync and count as overhead);
//  2. time to sync documents as a function of their size (3 sizes);
//  3. time to sync the largest size as a function of cut frequency: none,
//     a cut somewhere in every 150-250 KB of a connection (~200 KB), and in
//     every 25-75 KB (~50 KB) (fixed seed 42);
//  4. one 400 KB scan over a faster link (256 kbit/s each way, 300 ms), cut
//     somewhere in every 75-125 KB (~100 KB), and without cuts: what a cut
//     costs when a round's body is several times the bandwidth-delay product.
// Targets (issue "Poor links"): goodput >= 80%; time grows linearly with data
// and only slightly with cuts.
//
// Usage: bench_link [SCALE]   SCALE (default 1) multiplies every data size;
// SIMPUL_BENCH_ONLY=records or =scan runs those rows only (for tuning);
// the default run takes about 5 minutes (a scenario that cannot finish is
// stopped at 1.5 x its ideal time + 10 s and reported as incomplete).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <random>
#include <sstream>

#include "hub/operations.h"
#include "hub/store.h"
#include "node/documents.h"
#include "node/records.h"
#include "node/store.h"
#include "node/sync_client.h"
#include "schema/regions.h"
#include "sync/blobs.h"
#include "sync/crypto/envelope.h"
#include "sync/transport/http_transport.h"
#include "sync/wire/codec.h"
#include "tools/bench_util.h"

using namespace simpul;

namespace {

constexpr double kRateKbit = 64;
constexpr double kCapacityBps = kRateKbit * 1000 / 8;  // bytes per second, each way
constexpr int kLatencyMs = 300;
// The scan rows' faster link (issue 14, item 6).
constexpr double kScanRateKbit = 256;

std::string SelfDir() {
  char buf[4096];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  buf[n > 0 ? n : 0] = 0;
  std::string p(buf);
  return p.substr(0, p.rfind('/'));
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

long long JsonInt(const std::string& json, const std::string& key) {
  size_t at = json.find("\"" + key + "\":");
  return at == std::string::npos ? -1 : std::atoll(json.c_str() + at + key.size() + 3);
}

// A child process with stdout and stderr in `log`.
pid_t Spawn(const std::vector<std::string>& argv, const std::string& log) {
  pid_t pid = fork();
  if (pid == 0) {
    if (!freopen(log.c_str(), "w", stderr)) _exit(127);
    dup2(2, 1);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  return pid;
}

// Waits (bounded) for `pattern` in `log`; returns the integer after it.
int PortFromLog(const std::string& log, const std::string& pattern) {
  for (int i = 0; i < 200; ++i) {
    std::string text = ReadAll(log);
    auto at = text.find(pattern);
    if (at != std::string::npos) return std::atoi(text.c_str() + at + pattern.size());
    usleep(50000);
  }
  return 0;
}

std::string FormatRate(double kbit) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", kbit);
  return buf;
}

struct Link {
  pid_t pid = -1;
  uint16_t port = 0;
  std::string stats, log, settings;
};

Link StartLink(const std::string& bin, uint16_t upstream, const std::vector<std::string>& extra,
               const std::string& dir, const std::string& tag, double rate_kbit) {
  Link l;
  l.stats = dir + "/link-" + tag + ".json";
  l.log = dir + "/link-" + tag + ".log";
  std::vector<std::string> argv = {bin, "--listen", "127.0.0.1:0", "--upstream", "127.0.0.1:" + std::to_string(upstream),
                                   "--rate-up", FormatRate(rate_kbit), "--rate-down", FormatRate(rate_kbit),
                                   "--latency", std::to_string(kLatencyMs),
                                   "--shared", "--stats-file", l.stats};
  argv.insert(argv.end(), extra.begin(), extra.end());
  l.pid = Spawn(argv, l.log);
  l.port = static_cast<uint16_t>(PortFromLog(l.log, "linkemu listening on 127.0.0.1:"));
  std::string text = ReadAll(l.log);
  size_t eol = text.find('\n');
  if (eol != std::string::npos) l.settings = text.substr(eol + 1, text.find('\n', eol + 1) - eol - 1);
  return l;
}

// SIGTERM (final stats written), then the counters.
std::string StopLink(Link& l) {
  kill(l.pid, SIGTERM);
  waitpid(l.pid, nullptr, 0);
  return ReadAll(l.stats);
}

int Fail(const char* what, const Status& st) {
  std::fprintf(stderr, "%s: %s\n", what, st.ToString().c_str());
  return 1;
}

struct Row {
  std::string name;
  double payload = 0;        // bytes
  double delivered = 0;      // payload bytes at the hub at the end
  double seconds = 0;
  long long up = 0, down = 0, cuts = 0, connections = 0;
  // What the node wrote into its sockets (HTTP included): the link's bytes
  // plus what a cut dropped inside the link's buffers before delivery.
  long long written = 0;
  int runs = 0;
  bool complete = false;
  std::string note;
  double capacity = kCapacityBps;  // bytes per second up
  double goodput() const { return seconds > 0 ? delivered / (capacity * seconds) : 0; }
};

class Bench {
 public:
  Bench(std::string dir, std::string bin_dir) : dir_(std::move(dir)), bin_dir_(std::move(bin_dir)) {}

  Status Start() {
    SIMPUL_RETURN_IF_ERROR(sync::crypto::InitSodium());
    SIMPUL_ASSIGN_OR_RETURN(hub_, hub::HubStore::Init(dir_ + "/hub", "bench hub", sync::SystemClock::Default()));
    hub_pid_ = Spawn({bin_dir_ + "/simpul-hub", "--data", dir_ + "/hub", "serve", "--listen", "127.0.0.1:0"},
                     dir_ + "/hub.log");
    hub_port_ = static_cast<uint16_t>(PortFromLog(dir_ + "/hub.log", " on 127.0.0.1:"));
    if (hub_port_ == 0) return Status::Unavailable("hub did not start (see " + dir_ + "/hub.log)");
    SIMPUL_ASSIGN_OR_RETURN(auto regions, schema::ParseRegionCsv(schema::EmbeddedRegionCsv(schema::RegionEdition::k2025)));
    for (const auto& r : regions)
      if (r.level == 4 && r.code.rfind("35.10.", 0) == 0) villages_.push_back(r.code);
    return Status::Ok();
  }
  ~Bench() { Stop(); }
  void Stop() {
    if (hub_pid_ > 0) {
      kill(hub_pid_, SIGTERM);
      waitpid(hub_pid_, nullptr, 0);
      hub_pid_ = -1;
    }
    hub_.reset();
  }
  hub::HubStore& hub() { return *hub_; }
  const std::string& dir() const { return dir_; }

  // A fresh node of a village no other scenario uses, enrolled directly.
  Result<std::unique_ptr<node::NodeStore>> NewNode() {
    if (next_village_ >= villages_.size()) return Status::ResourceExhausted("out of villages");
    std::string village = villages_[next_village_++];
    SIMPUL_ASSIGN_OR_RETURN(auto store, node::NodeStore::Init(dir_ + "/node-" + std::to_string(next_village_), village,
                                                              sync::SystemClock::Default(), tools::kBenchPassphrase));
    SIMPUL_ASSIGN_OR_RETURN(std::string code, hub::CreateEnrolment(*hub_, village, 1));
    sync::HttpTransport direct(sync::HttpTarget{"127.0.0.1", hub_port_, ""}, 60000);
    SIMPUL_RETURN_IF_ERROR(node::Enrol(*store, direct, "http://127.0.0.1:" + std::to_string(hub_port_), code));
    // SIMPUL_BENCH_SEND_RATE=1: a link measured at 1 byte/s, every request
    // at level 19 from the first (as before the level followed the link).
    if (const char* rate = std::getenv("SIMPUL_BENCH_SEND_RATE"))
      SIMPUL_RETURN_IF_ERROR(store->SetMeta("link_send_rate", rate));
    return store;
  }
  // Syncs over the direct loopback link (setup, not measured).
  Status DirectSync(node::NodeStore& store) {
    sync::HttpTransport direct(sync::HttpTarget{"127.0.0.1", hub_port_, ""}, 60000);
    SIMPUL_ASSIGN_OR_RETURN(auto s, node::SyncOnce(store, direct, node::SyncOptions{}));
    return s.verified ? Status::Ok() : Status::Internal("direct setup sync not verified");
  }

  // Syncs `store` through a fresh emulator with `cut_args` until complete
  // (verified, no document pending) or `limit_s`; `delivered` says how much
  // of the payload the hub holds.
  Row Measure(const std::string& name, node::NodeStore& store, const std::vector<std::string>& cut_args,
              double payload, double limit_s, const std::function<double()>& delivered,
              double rate_kbit = kRateKbit) {
    Row row;
    row.name = name;
    row.payload = payload;
    row.capacity = rate_kbit * 1000 / 8;
    Link link = StartLink(bin_dir_ + "/simpul-linkemu", hub_port_, cut_args, dir_, std::to_string(++links_), rate_kbit);
    if (link.port == 0) {
      row.note = "linkemu did not start";
      return row;
    }
    double t0 = tools::NowSeconds();
    while (tools::NowSeconds() - t0 < limit_s) {
      ++row.runs;
      sync::HttpTransport t(sync::HttpTarget{"127.0.0.1", link.port, ""}, 30000);  // as --timeout 30
      auto s = node::SyncOnce(store, t, node::SyncOptions{});
      row.written += static_cast<long long>(t.bytes_sent());
      if (s.ok() && s->verified && s->docs_pending == 0) {
        row.complete = true;
        break;
      }
      if (!s.ok() && !s.status().IsUnavailable()) {
        row.note = s.status().ToString();
        break;
      }
    }
    row.seconds = tools::NowSeconds() - t0;
    std::string stats = StopLink(link);
    row.up = JsonInt(stats, "bytes_up");
    row.down = JsonInt(stats, "bytes_down");
    row.cuts = JsonInt(stats, "cuts");
    row.connections = JsonInt(stats, "connections");
    row.delivered = row.complete ? payload : delivered();
    if (!row.complete && row.note.empty()) {
      char buf[160];
      std::snprintf(buf, sizeof buf, "stopped at the limit of %.0f s; link_chunk=%s", limit_s,
                    store.Meta("link_chunk").c_str());
      row.note = buf;
    }
    return row;
  }

 private:
  std::string dir_, bin_dir_;
  std::unique_ptr<hub::HubStore> hub_;
  pid_t hub_pid_ = -1;
  uint16_t hub_port_ = 0;
  std::vector<std::string> villages_;
  size_t next_village_ = 0;
  int links_ = 0;
};

// `n_apps` applications with their households (4 applications each) and
// persons. Returns the zstd size of the queued changes' ids and values.
Result<size_t> MakeRecords(node::NodeStore& store, int n_apps, std::vector<std::string>* apps = nullptr) {
  std::vector<std::string> persons;
  for (int h = 0; h < (n_apps + 3) / 4; ++h) {
    SIMPUL_ASSIGN_OR_RETURN(auto hh, node::CreateRecord(store, node::Entity::kHousehold,
                                                        {{"address", "Dusun Krajan " + std::to_string(h)},
                                                         {"kk", "3510011211870001"},
                                                         {"rt", std::to_string(h % 20 + 1)},
                                                         {"rw", std::to_string(h % 7 + 1)}}));
    for (int p = 0; p < 4 && static_cast<int>(persons.size()) < n_apps; ++p) {
      SIMPUL_ASSIGN_OR_RETURN(auto person, node::CreateRecord(store, node::Entity::kPerson,
                                                              {{"household", hh.id},
                                                               {"name", "Warga " + std::to_string(h * 4 + p)},
                                                               {"nik", "3510015211870002"},
                                                               {"sex", "P"},
                                                               {"birth-date", "1987-11-12"}}));
      persons.push_back(person.id);
    }
  }
  static const char* kTypes[] = {"pbi_jkn", "pbi_apbd", "poverty_statement", "recommendation"};
  for (int i = 0; i < n_apps; ++i) {
    node::Options o = {{"type", kTypes[i % 4]}, {"applicant", persons[static_cast<size_t>(i)]},
                       {"purpose", "Berobat ke RSUD Blambangan"}, {"dtks-status", "registered"},
                       {"desil", std::to_string(i % 10 + 1)}, {"notes", "Rumah berdinding bambu, lantai tanah"}};
    if (i % 4 == 3) o["service"] = "hospital_bill";
    SIMPUL_ASSIGN_OR_RETURN(auto a, node::CreateRecord(store, node::Entity::kApplication, o));
    if (apps) apps->push_back(a.id);
  }
  std::string values;
  SIMPUL_ASSIGN_OR_RETURN(auto st, store.db().Prepare(
      "SELECT o.row_id, f.value FROM outbox o JOIN outbox_fields f ON f.seq=o.seq WHERE o.state='pending'"
      " ORDER BY o.seq, f.field"));
  std::string last_row;
  for (;;) {
    SIMPUL_ASSIGN_OR_RETURN(bool more, st.Step());
    if (!more) break;
    if (st.Text(0) != last_row) values += (last_row = st.Text(0)) + '\x1e';
    values += schema::ValueToDisplay(st.Column(1)) + '\x1f';
  }
  return sync::wire::Compress(values, 3).size();
}

// Documents of 2-12 KB of random bytes (incompressible, like JPEG scans)
// attached to `apps` in turn until `total` bytes. Returns their hashes and sizes.
Result<std::vector<std::pair<std::string, uint64_t>>> MakeDocuments(node::NodeStore& store,
                                                                    const std::vector<std::string>& apps,
                                                                    uint64_t total, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::pair<std::string, uint64_t>> docs;
  uint64_t made = 0;
  std::string file = store.dir() + "/incoming.bin";
  for (size_t i = 0; made < total; ++i) {
    uint64_t size = std::min<uint64_t>(2048 + rng() % (10 * 1024), total - made);
    std::string bytes(size, '\0');
    for (auto& c : bytes) c = static_cast<char>(rng());
    std::ofstream(file, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    SIMPUL_ASSIGN_OR_RETURN(auto w, node::AttachDocument(store, apps[i % apps.size()], i % 2 ? "ktp" : "kk", file));
    (void)w;
    made += size;
  }
  SIMPUL_ASSIGN_OR_RETURN(auto st, store.db().Prepare("SELECT sha256,size FROM attachments ORDER BY rowid"));
  for (;;) {
    SIMPUL_ASSIGN_OR_RETURN(bool more, st.Step());
    if (!more) break;
    docs.emplace_back(st.Text(0), static_cast<uint64_t>(st.Int(1)));
  }
  return docs;
}

// One document of `size` random bytes (a photographed scan: incompressible)
// attached to `app`. Returns its hash and size.
Result<std::pair<std::string, uint64_t>> MakeScan(node::NodeStore& store, const std::string& app, uint64_t size,
                                                  uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string bytes(size, '\0');
  for (auto& c : bytes) c = static_cast<char>(rng());
  std::string file = store.dir() + "/scan.bin";
  std::ofstream(file, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  SIMPUL_ASSIGN_OR_RETURN(auto w, node::AttachDocument(store, app, "kk", file));
  (void)w;
  SIMPUL_ASSIGN_OR_RETURN(auto docs, node::DocumentsOf(store, app));
  if (docs.empty()) return Status::Internal("the scan was not attached");
  return std::make_pair(docs.back().sha256, size);
}

void PrintRow(const Row& r) {
  double ideal = r.payload / r.capacity;
  std::printf("%-38s %8.1f %8.1f %8.1f %9.1f %7.2fx %7.2fx %7.1f%% %5d %5lld  %s%s\n", r.name.c_str(),
              r.payload / 1024, r.seconds, ideal, r.up / 1024.0, r.payload > 0 ? r.up / r.payload : 0.0,
              r.payload > 0 ? r.written / r.payload : 0.0, 100 * r.goodput(), r.runs, r.cuts,
              r.complete ? "yes" : "NO", r.note.empty() ? "" : ("  (" + r.note + ")").c_str());
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  double scale = argc > 1 ? std::atof(argv[1]) : 1.0;
  if (!(scale > 0)) {
    std::fprintf(stderr, "usage: bench_link [SCALE]   (SCALE > 0 multiplies the data sizes; default 1)\n");
    return 2;
  }
  const int record_apps = static_cast<int>(std::lround(1000 * scale));
  const uint64_t doc_max = static_cast<uint64_t>(200 * 1024 * scale);
  const std::vector<uint64_t> doc_sizes = {doc_max / 4, doc_max / 2, doc_max};
  const std::vector<std::string> no_cuts = {};
  const std::vector<std::string> cuts_200k = {"--cut-after-min", "150000", "--cut-after-max", "250000", "--seed", "42"};
  const std::vector<std::string> cuts_50k = {"--cut-after-min", "25000", "--cut-after-max", "75000", "--seed", "42"};
  auto limit_for = [](double payload) { return 1.5 * payload / kCapacityBps + 10; };

  const uint64_t scan_size = static_cast<uint64_t>(400 * 1024 * scale);
  const std::vector<std::string> cuts_100k = {"--cut-after-min", "75000", "--cut-after-max", "125000", "--seed", "42"};
  const char* only_env = std::getenv("SIMPUL_BENCH_ONLY");
  const std::string only = only_env ? only_env : "";

  std::string dir = tools::MakeTempDir();
  Bench bench(dir, SelfDir());
  if (Status st = bench.Start(); !st.ok()) return Fail("start", st);
  std::printf("machine: %s\n", tools::MachineSummary().c_str());
  std::printf("link: simpul-linkemu --rate-up 64 --rate-down 64 --latency %d --shared (capacity %.0f bytes/s each "
              "way); a cut run is retried at once; scale %.2f\n",
              kLatencyMs, kCapacityBps, scale);
  std::printf("scan rows: --rate-up %g --rate-down %g (capacity %.0f bytes/s each way), the same latency\n\n",
              kScanRateKbit, kScanRateKbit, kScanRateKbit * 1000 / 8);
  std::printf("%-38s %8s %8s %8s %9s %8s %8s %8s %5s %5s  %s\n", "scenario", "payld KB", "time s", "ideal s",
              "up KB", "up/payld", "wrt/payld", "goodput", "runs", "cuts", "complete");
  std::vector<Row> rows;

  // --- one 400 KB scan at 256 kbit/s, without and with cuts every ~100 KB --------------------
  // A fresh node per row: its attachment row goes first, then the scan.
  sync::BlobDir hub_blobs(dir + "/hub/blobs");
  auto run_scan = [&]() -> Result<std::vector<Row>> {
    std::vector<Row> out;
    uint64_t scan_seed = 400;
    for (const auto* cuts : {&no_cuts, &cuts_100k}) {
      SIMPUL_ASSIGN_OR_RETURN(auto store, bench.NewNode());
      std::vector<std::string> apps;
      SIMPUL_ASSIGN_OR_RETURN(size_t ignored, MakeRecords(*store, 1, &apps));
      (void)ignored;
      SIMPUL_RETURN_IF_ERROR(bench.DirectSync(*store));
      SIMPUL_ASSIGN_OR_RETURN(auto scan, MakeScan(*store, apps.front(), scan_size, scan_seed++));
      const double payload = static_cast<double>(scan.second);
      const double capacity = kScanRateKbit * 1000 / 8;
      char name[96];
      std::snprintf(name, sizeof name, "1 scan, %.0f KB, 256 kbit/s, %s", payload / 1024,
                    cuts == &no_cuts ? "no cuts" : "cuts ~100 KB");
      Row r = bench.Measure(name, *store, *cuts, payload, 1.5 * payload / capacity + 10, [&] {
        return hub_blobs.Has(scan.first) ? payload : static_cast<double>(hub_blobs.PartialSize(scan.first));
      }, kScanRateKbit);
      PrintRow(r);
      out.push_back(r);
    }
    return out;
  };
  auto print_scan_summary = [](const std::vector<Row>& scan) {
    auto per_cut = [&](long long with, long long without) {
      return scan[1].cuts > 0 ? static_cast<double>(with - without) / 1024.0 / static_cast<double>(scan[1].cuts) : 0.0;
    };
    std::printf("scan (256 kbit/s, 300 ms): delivered up %.2fx without cuts, %.2fx with %lld cuts (~%.1f KB lost per "
                "cut); written by the node %.2fx and %.2fx (~%.1f KB per cut); goodput %.0f%% and %.0f%%\n",
                scan[0].up / scan[0].payload, scan[1].up / scan[1].payload, scan[1].cuts, per_cut(scan[1].up, scan[0].up),
                scan[0].written / scan[0].payload, scan[1].written / scan[1].payload,
                per_cut(scan[1].written, scan[0].written), 100 * scan[0].goodput(), 100 * scan[1].goodput());
  };
  if (only == "scan") {
    auto scan = run_scan();
    if (!scan.ok()) return Fail("scan", scan.status());
    std::printf("\n");
    print_scan_summary(*scan);
    bench.Stop();
    if (!std::getenv("SIMPUL_BENCH_KEEP")) tools::RemoveTree(dir); else std::printf("kept %s\n", dir.c_str());
    return 0;
  }

  // --- records only ----------------------------------------------------------------------
  auto hub_changes = [&](const std::string& village) {
    auto q = bench.hub().db().Prepare("SELECT count(*) FROM changelog WHERE village=?");
    q->Bind(1, village);
    return q->Step().ok() ? q->Int(0) : 0;
  };
  for (const auto* cuts : {&no_cuts, &cuts_200k, &cuts_50k}) {
    auto store = bench.NewNode();
    if (!store.ok()) return Fail("node", store.status());
    // With cuts, more applications: the 1,000 applications' ~50 KB would
    // cross before the first cut (3,000: ~150 KB for cuts every ~50 KB;
    // 6,000: ~300 KB for cuts every ~200 KB).
    const int apps = cuts == &no_cuts ? record_apps : cuts == &cuts_200k ? 6 * record_apps : 3 * record_apps;
    auto payload = MakeRecords(**store, apps);
    if (!payload.ok()) return Fail("records", payload.status());
    auto c = (*store)->db().Prepare("SELECT count(*) FROM outbox");
    int64_t total = c->Step().ok() ? c->Int(0) : 1;
    std::string village = (*store)->village();
    Row r = bench.Measure(std::to_string(apps) + " applications, records" +
                              (cuts == &no_cuts ? ", no cuts" : cuts == &cuts_200k ? ", cuts ~200 KB" : ", cuts ~50 KB"),
                          **store, *cuts, static_cast<double>(*payload), limit_for(*payload),
                          [&] { return static_cast<double>(*payload) * hub_changes(village) / total; });
    PrintRow(r);
    rows.push_back(r);
  }
  // The cuts ~50 KB row again, by a node that synced over this cutting link
  // the day before (2,000 applications): the delivery rate it measured at
  // those cuts paces its bodies from the round after the one that measures
  // the round trip (a new node paces only once a whole round or a settled
  // cut measured the rate).
  {
    auto store = bench.NewNode();
    if (!store.ok()) return Fail("node", store.status());
    const std::string village = (*store)->village();
    auto primer = MakeRecords(**store, 2 * record_apps);
    if (!primer.ok()) return Fail("records", primer.status());
    Row before = bench.Measure("primer", **store, cuts_50k, static_cast<double>(*primer), limit_for(*primer),
                               [] { return 0.0; });
    if (!before.complete) return Fail("primer", Status::Internal(before.note));
    const int apps = 3 * record_apps;
    auto payload = MakeRecords(**store, apps);
    if (!payload.ok()) return Fail("records", payload.status());
    auto c = (*store)->db().Prepare("SELECT count(*) FROM outbox WHERE state='pending'");
    const int64_t total = c->Step().ok() ? c->Int(0) : 1;
    const int64_t held = hub_changes(village);
    Row r = bench.Measure(std::to_string(apps) + " apps, cuts ~50 KB, link kept", **store, cuts_50k,
                          static_cast<double>(*payload), limit_for(*payload), [&] {
                            return static_cast<double>(*payload) * static_cast<double>(hub_changes(village) - held) /
                                   static_cast<double>(total);
                          });
    PrintRow(r);  // printed only: the summary's rows are numbered
  }

  // SIMPUL_BENCH_ONLY=records stops here (for tuning; no summary).
  if (only == "records") {
    bench.Stop();
    if (!std::getenv("SIMPUL_BENCH_KEEP")) tools::RemoveTree(dir); else std::printf("kept %s\n", dir.c_str());
    return 0;
  }

  // --- documents only: 3 sizes without cuts, the largest with cuts --------------------------
  struct DocCase {
    uint64_t size;
    const std::vector<std::string>* cuts;
    std::string label;
  };
  std::vector<DocCase> cases;
  for (uint64_t s : doc_sizes) cases.push_back({s, &no_cuts, "no cuts"});
  cases.push_back({doc_max, &cuts_200k, "cuts ~200 KB"});
  cases.push_back({doc_max, &cuts_50k, "cuts ~50 KB"});
  uint64_t seed = 1;
  for (const auto& dc : cases) {
    auto store = bench.NewNode();
    if (!store.ok()) return Fail("node", store.status());
    std::vector<std::string> apps;
    if (auto p = MakeRecords(**store, 8, &apps); !p.ok()) return Fail("records", p.status());
    if (Status st = bench.DirectSync(**store); !st.ok()) return Fail("setup sync", st);
    auto docs = MakeDocuments(**store, apps, dc.size, seed++);
    if (!docs.ok()) return Fail("documents", docs.status());
    double payload = 0;
    for (const auto& d : *docs) payload += static_cast<double>(d.second);
    char name[96];
    std::snprintf(name, sizeof name, "%zu documents, %.0f KB, %s", docs->size(), payload / 1024, dc.label.c_str());
    Row r = bench.Measure(name, **store, *dc.cuts, payload, limit_for(payload), [&] {
      double at_hub = 0;
      for (const auto& [sha, size] : *docs)
        at_hub += hub_blobs.Has(sha) ? static_cast<double>(size) : static_cast<double>(hub_blobs.PartialSize(sha));
      return at_hub;
    });
    PrintRow(r);
    rows.push_back(r);
  }

  auto scan = run_scan();
  if (!scan.ok()) return Fail("scan", scan.status());

  // --- summary ---------------------------------------------------------------------------------
  // rows: records none, ~200 KB, ~50 KB; documents 3 sizes, then ~200 KB, ~50 KB.
  std::printf("\ngoodput (target >= 80%%): records %.0f%% without cuts, %.0f%% with cuts ~200 KB, %.0f%% with cuts "
              "~50 KB; documents %.0f%% without cuts, %.0f%% with cuts ~200 KB, %.0f%% with cuts ~50 KB\n",
              100 * rows[0].goodput(), 100 * rows[1].goodput(), 100 * rows[2].goodput(), 100 * rows[5].goodput(),
              100 * rows[6].goodput(), 100 * rows[7].goodput());
  bool all = true;
  for (const auto& r : rows) all = all && r.complete;
  rows.erase(rows.begin() + 1);  // below: records none, ~50 KB; documents from index 2
  std::printf("time vs size (documents, no cuts):");
  for (int i = 2; i <= 4; ++i)
    std::printf(" %.0f KB %.1f s%s", rows[i].payload / 1024, rows[i].seconds, i < 4 ? ";" : "");
  {
    // Least-squares line: seconds = a + b x KB.
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (int i = 2; i <= 4; ++i) {
      double x = rows[i].payload / 1024, y = rows[i].seconds;
      sx += x; sy += y; sxx += x * x; sxy += x * y;
    }
    double b = (3 * sxy - sx * sy) / (3 * sxx - sx * sx), a = (sy - b * sx) / 3;
    double worst = 0;
    for (int i = 2; i <= 4; ++i) {
      double fit = a + b * rows[i].payload / 1024;
      worst = std::max(worst, std::fabs(rows[i].seconds - fit) / fit);
    }
    std::printf("\n  fit: %.2f s + %.3f s per KB (marginal %.1f KB/s = %.0f%% of capacity; largest deviation from the "
                "line %.1f%%)\n", a, b, 1 / b, 100 * 1024 / b / kCapacityBps, 100 * worst);
  }
  if (rows[4].seconds > 0)
    std::printf("time vs cuts (documents, %.0f KB): none %.1f s; ~200 KB %.1f s (%.2fx%s); ~50 KB %.1f s (%.2fx%s)\n",
                rows[4].payload / 1024, rows[4].seconds, rows[5].seconds, rows[5].seconds / rows[4].seconds,
                rows[5].complete ? "" : ", incomplete", rows[6].seconds, rows[6].seconds / rows[4].seconds,
                rows[6].complete ? "" : ", incomplete");
  print_scan_summary(*scan);
  for (const auto& r : *scan) all = all && r.complete;
  bench.Stop();
  if (!std::getenv("SIMPUL_BENCH_KEEP")) tools::RemoveTree(dir); else std::printf("kept %s\n", dir.c_str());
  return all ? 0 : 1;
}
