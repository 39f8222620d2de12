// Node write benchmark: 10,000 applications created through the operator's
// code path (validation + row + per-field versions + change record, one
// transaction each), on a real store in WAL mode. Prints applications/s and
// peak RSS. Targets (issue "Foundation"): >= 10,000 applications/s, < 100 MB.
// Also what encryption at rest costs: the same writes into a plain store.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "node/records.h"
#include "node/store.h"
#include "tools/bench_util.h"

using namespace simpul;

namespace {

struct WriteRun {
  double secs = 0;
  double cpu_secs = 0;  // the rest of `secs` is waiting (mostly for fdatasync)
  int64_t changes = -1;
};

// n applications written through the operator's code path into a fresh
// store kept `at_rest`.
WriteRun RunWrites(int n, node::AtRest at_rest) {
  WriteRun out;
  std::string dir = tools::MakeTempDir();
  auto store = node::NodeStore::Init(dir, "35.10.01.2001", sync::SystemClock::Default(), tools::kBenchPassphrase,
                                     at_rest);
  if (!store.ok()) {
    std::fprintf(stderr, "init: %s\n", store.status().ToString().c_str());
    return out;
  }
  node::NodeStore& s = **store;
  // Applicants: one household of 4 persons per 4 applications, made up front.
  std::vector<std::string> persons;
  for (int h = 0; h < n / 4 + 1; ++h) {
    auto hh = node::CreateRecord(s, node::Entity::kHousehold,
                                 {{"address", "Dusun " + std::to_string(h)}, {"kk", "3510011211870001"}});
    if (!hh.ok()) return out;
    for (int p = 0; p < 4; ++p) {
      auto person = node::CreateRecord(s, node::Entity::kPerson,
                                       {{"household", hh->id}, {"name", "Warga"}, {"nik", "3510015211870002"}});
      if (!person.ok()) return out;
      persons.push_back(person->id);
    }
  }
  static const char* kTypes[] = {"pbi_jkn", "pbi_apbd", "poverty_statement", "recommendation"};
  double start = tools::NowSeconds(), cpu_start = tools::CpuSeconds();
  for (int i = 0; i < n; ++i) {
    node::Options opts = {{"type", kTypes[i % 4]},
                          {"applicant", persons[i]},
                          {"purpose", "Berobat ke RSUD Blambangan"},
                          {"dtks-status", "registered"},
                          {"desil", "2"},
                          {"notes", "Rumah berdinding bambu, lantai tanah"}};
    if (i % 4 == 3) opts["service"] = "hospital_bill";
    auto a = node::CreateRecord(s, node::Entity::kApplication, opts);
    if (!a.ok()) {
      std::fprintf(stderr, "write %d: %s\n", i, a.status().ToString().c_str());
      return out;
    }
  }
  out.secs = tools::NowSeconds() - start;
  out.cpu_secs = tools::CpuSeconds() - cpu_start;
  auto count = s.db().Prepare("SELECT count(*) FROM outbox WHERE tbl='applications'");
  out.changes = count.ok() && *count->Step() ? count->Int(0) : -1;
  store->reset();  // close before removing
  tools::RemoveTree(dir);
  return out;
}

// The disk's own ceiling for durable saves: 4 KiB written and fdatasync'd
// `n` times in the directory the stores use, per second. An encrypted store
// commits each application with one fdatasync of its WAL (synchronous=FULL,
// so a save survives a power cut), so its rate cannot exceed this. 0 on a
// failure (said on stderr).
double DurableWritesPerSecond(int n) {
  std::string dir = tools::MakeTempDir();
  std::string path = dir + "/probe";
  int fd = ::open(path.c_str(), O_CREAT | O_WRONLY | O_TRUNC, 0600);
  if (fd < 0) {
    std::perror("disk probe");
    return 0;
  }
  std::vector<char> page(4096, 'x');
  double start = tools::NowSeconds();
  bool ok = true;
  for (int i = 0; i < n && ok; ++i)
    ok = ::pwrite(fd, page.data(), page.size(), static_cast<off_t>(i % 64) * 4096) == 4096 && ::fdatasync(fd) == 0;
  double secs = tools::NowSeconds() - start;
  if (!ok) std::perror("disk probe");
  ::close(fd);
  tools::RemoveTree(dir);
  return ok ? n / secs : 0;
}

}  // namespace

int main(int argc, char** argv) {
  int n = argc > 1 ? std::atoi(argv[1]) : 10000;
  // Alternating runs, best of two each: the encrypted store is the product;
  // the plain one only measures what encryption costs.
  WriteRun sealed, plain;
  long rss_one_store_kb = 0;
  for (int round = 0; round < 2; ++round) {
    WriteRun e = RunWrites(n, node::AtRest::kEncrypted);
    if (round == 0) rss_one_store_kb = tools::PeakRssKb();  // the peak of one encrypted store's run
    WriteRun p = RunWrites(n, node::AtRest::kPlainForBenchmarks);
    if (p.changes != n || e.changes != n) return 1;
    if (round == 0 || p.secs < plain.secs) plain = p;
    if (round == 0 || e.secs < sealed.secs) sealed = e;
  }
  const double disk_ceiling = DurableWritesPerSecond(2000);
  std::printf("machine: %s\n", tools::MachineSummary().c_str());
  std::printf("node write: %d applications (each with its change record, %lld records) in %.3f s, encrypted at rest\n",
              n, static_cast<long long>(sealed.changes), sealed.secs);
  std::printf("node write: %.0f applications/s (target >= 10000)\n", n / sealed.secs);
  std::printf("node write: peak RSS %.1f MB (target < 100)\n", rss_one_store_kb / 1024.0);
  std::printf("encryption at rest, node write: %.0f applications/s encrypted vs %.0f plain: %+.1f%% time "
              "(target < +25%%)\n", n / sealed.secs, n / plain.secs, 100.0 * (sealed.secs / plain.secs - 1));
  // Wall time depends on the disk (one fdatasync per commit when encrypted);
  // CPU time per application is what the code costs.
  std::printf("node write: CPU %.1f us/application encrypted, %.1f plain (wall %.1f and %.1f)\n",
              1e6 * sealed.cpu_secs / n, 1e6 * plain.cpu_secs / n, 1e6 * sealed.secs / n, 1e6 * plain.secs / n);
  std::printf("disk: %.0f durable 4 KiB writes/s (pwrite + fdatasync, nothing else): the ceiling for one durable "
              "save each; encrypted writes reach %.0f%% of it\n",
              disk_ceiling, disk_ceiling > 0 ? 100.0 * (n / sealed.secs) / disk_ceiling : 0.0);
  return 0;
}
