// Small helpers for the benchmark programs: wall time, peak RSS, machine.
#ifndef SIMPUL_TOOLS_BENCH_UTIL_H_
#define SIMPUL_TOOLS_BENCH_UTIL_H_

#include <string>

namespace simpul::tools {

// The office passphrase of the node stores the benchmarks make.
inline constexpr const char* kBenchPassphrase = "bench-office-passphrase";

double NowSeconds();           // monotonic
double CpuSeconds();           // this process's CPU time (user + system)
long PeakRssKb();              // this process's peak resident set
std::string MachineSummary();  // cores, CPU model, date
std::string MakeTempDir();
void RemoveTree(const std::string& path);

}  // namespace simpul::tools

#endif  // SIMPUL_TOOLS_BENCH_UTIL_H_
