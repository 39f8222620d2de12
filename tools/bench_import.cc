// Register import benchmark: a village register of 10,000 residents in
// 2,500 households, each resident with an application, as Excel writes it
// (semicolons, CRLF, DD/MM/YYYY dates), imported by `simpul-node import`'s
// code path into an encrypted store: from reading the file to the commit.
// Target (issue 11, item 8): under 5 s on the 2-core machine. Before the
// import existed, the same register took ~7 minutes of CLI calls.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "node/register_import.h"
#include "schema/store_files.h"
#include "tools/bench_util.h"

using namespace simpul;

namespace {

std::string Register(int residents) {
  static const char* kTypes[] = {"PBI-JKN", "PBI-APBD", "SKTM"};
  std::string csv = "No;No. KK;Alamat;RT;RW;Nama;NIK;Tanggal Lahir;Jenis Kelamin;Hubungan;Layanan;Keperluan\r\n";
  char line[400];
  for (int i = 0; i < residents; ++i) {
    int household = i / 4, member = i % 4;
    bool woman = member == 1 || member == 3;
    int day = 1 + i % 28, month = 1 + (i / 28) % 12, year = 50 + (i / 336) % 50;
    std::snprintf(line, sizeof line,
                  "%d;3510010101%06d;Dusun %d;%03d;%03d;Warga %d;351001%02d%02d%02d%04d;%02d/%02d/19%02d;%s;%s;%s;%s\r\n",
                  i + 1, household + 1, household % 40, 1 + household % 12, 1 + household % 5, i, day + (woman ? 40 : 0),
                  month, year, i % 9999 + 1, day, month, year, woman ? "P" : "L",
                  member == 0 ? "Kepala Keluarga" : member == 1 ? "Istri" : "Anak", kTypes[i % 3],
                  i % 3 == 2 ? "Berobat ke RSUD" : "");
    csv += line;
  }
  return csv;
}

}  // namespace

int main(int argc, char** argv) {
  int n = argc > 1 ? std::atoi(argv[1]) : 10000;
  std::string dir = tools::MakeTempDir();
  std::string file = dir + "/register.csv";
  if (!schema::WriteFileAtomically(file, Register(n), 0600).ok()) return 1;
  auto store = node::NodeStore::Init(dir + "/store", "35.10.01.2001", sync::SystemClock::Default(),
                                     tools::kBenchPassphrase);
  if (!store.ok()) {
    std::fprintf(stderr, "init: %s\n", store.status().ToString().c_str());
    return 1;
  }
  double start = tools::NowSeconds();
  auto bytes = schema::ReadFileBounded(file, 64ull << 20);
  if (!bytes.ok()) return 1;
  auto r = node::ImportRegister(**store, std::move(*bytes), {}, Lang::kEn);
  double secs = tools::NowSeconds() - start;
  if (!r.ok() || !r->written) {
    std::fprintf(stderr, "import: %s\n", r.ok() ? Describe(Lang::kEn, r->errors.at(0).status).c_str()
                                              : r.status().ToString().c_str());
    return 1;
  }
  std::printf("machine: %s\n", tools::MachineSummary().c_str());
  std::printf("register import: %d residents, %d households, %d applications in %.2f s (target < 5 s), "
              "%.0f residents/s\n",
              r->persons, r->households, r->applications, secs, r->persons / secs);
  std::printf("register import: peak RSS %.1f MB\n", tools::PeakRssKb() / 1024.0);
  store->reset();
  tools::RemoveTree(dir);
  return r->persons == n ? 0 : 1;
}
