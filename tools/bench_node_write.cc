// Node write benchmark: 10,000 applications created through the operator's
// code path (validation + row + per-field versions + change record, one
// transaction each), on a real store in WAL mode. Prints applications/s and
// peak RSS. Targets (issue "Foundation"): >= 10,000 applications/s, < 100 MB.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "node/records.h"
#include "node/store.h"
#include "tools/bench_util.h"

using namespace simpul;

int main(int argc, char** argv) {
  int n = argc > 1 ? std::atoi(argv[1]) : 10000;
  std::string dir = tools::MakeTempDir();
  auto store = node::NodeStore::Init(dir, "35.10.01.2001", sync::SystemClock::Default(), tools::kBenchPassphrase);
  if (!store.ok()) {
    std::fprintf(stderr, "init: %s\n", store.status().ToString().c_str());
    return 1;
  }
  node::NodeStore& s = **store;
  // Applicants: one household of 4 persons per 4 applications, made up front.
  std::vector<std::string> persons;
  for (int h = 0; h < n / 4 + 1; ++h) {
    auto hh = node::CreateRecord(s, node::Entity::kHousehold,
                                 {{"address", "Dusun " + std::to_string(h)}, {"kk", "3510011211870001"}});
    if (!hh.ok()) return 1;
    for (int p = 0; p < 4; ++p) {
      auto person = node::CreateRecord(s, node::Entity::kPerson,
                                       {{"household", hh->id}, {"name", "Warga"}, {"nik", "3510015211870002"}});
      if (!person.ok()) return 1;
      persons.push_back(person->id);
    }
  }
  static const char* kTypes[] = {"pbi_jkn", "pbi_apbd", "poverty_statement", "recommendation"};
  double start = tools::NowSeconds();
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
      return 1;
    }
  }
  double secs = tools::NowSeconds() - start;
  auto count = s.db().Prepare("SELECT count(*) FROM outbox WHERE tbl='applications'");
  int64_t changes = count.ok() && *count->Step() ? count->Int(0) : -1;
  std::printf("machine: %s\n", tools::MachineSummary().c_str());
  std::printf("node write: %d applications (each with its change record, %lld records) in %.3f s\n",
              n, static_cast<long long>(changes), secs);
  std::printf("node write: %.0f applications/s (target >= 10000)\n", n / secs);
  std::printf("node write: peak RSS %.1f MB (target < 100)\n", tools::PeakRssKb() / 1024.0);
  store->reset();  // close before removing
  tools::RemoveTree(dir);
  return changes == n ? 0 : 1;
}
