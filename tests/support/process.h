// Runs the real simpul binaries from tests, as an operator or daemon would.
#ifndef SIMPUL_TESTS_SUPPORT_PROCESS_H_
#define SIMPUL_TESTS_SUPPORT_PROCESS_H_

#include <sstream>
#include <string>
#include <vector>

namespace simpul::testing {

struct ProcessResult {
  int exit_code = -1;  // -1 if killed by a signal
  int signal = 0;
  std::string out, err;
};

// Path of a built binary (from SIMPUL_BIN_DIR, set by ctest).
std::string BinPath(const std::string& name);

// The environment every child a test starts runs with: the test's own
// environment minus every SIMPUL_* variable (the shell running the tests may
// be an operator's, holding SIMPUL_PASSPHRASE, SIMPUL_USER, SIMPUL_DATA... as
// the README tells them to), then SIMPUL_PASSPHRASE = kTestPassphrase, then
// `env` ("K=V", later entries win).
std::vector<std::string> ChildEnvironment(const std::vector<std::string>& env);

// Where a spawned child's stdout and stderr go: an open descriptor (a pipe)
// or a file opened with `file_flags` (mode 0600); stdin is /dev/null.
struct ChildOutput {
  int fd = -1;
  std::string file;
  int file_flags = 0;
};

// Starts `argv` with ChildEnvironment(env). posix_spawn, not fork(): an
// ASan test process maps terabytes of shadow memory, and fork() copied its
// page tables for every command an e2e test ran. Throws if it cannot start.
// Every child a test starts goes through here (Run, Background, AsyncProc).
int Spawn(const std::vector<std::string>& argv, const std::vector<std::string>& env, const ChildOutput& out,
          const ChildOutput& err);

// Runs `argv` to completion with extra environment entries ("K=V"),
// capturing stdout and stderr. Kills it after `timeout_s` seconds.
ProcessResult Run(const std::vector<std::string>& argv, const std::vector<std::string>& env = {},
                  int timeout_s = 60);

// A child left running (a server); killed in the destructor.
class Background {
 public:
  Background(const std::vector<std::string>& argv, const std::vector<std::string>& env,
             const std::string& log_path);
  ~Background();
  Background(const Background&) = delete;
  Background& operator=(const Background&) = delete;
  int pid() const { return pid_; }
  void Kill(int sig);
  // Waits for exit; returns the exit status as in ProcessResult.
  int Wait();

 private:
  int pid_ = -1;
};

// A command and what came of it, for a failing check's message.
inline std::string Describe(const std::string& bin, const std::vector<std::string>& args, const ProcessResult& r) {
  std::ostringstream o;
  o << "$ " << bin;
  for (const auto& a : args) o << " " << a;
  o << "\n[exit " << r.exit_code << (r.signal ? " signal " + std::to_string(r.signal) : "") << "]\n"
    << "stdout: " << r.out << "\nstderr: " << r.err;
  return o.str();
}

}  // namespace simpul::testing

#endif  // SIMPUL_TESTS_SUPPORT_PROCESS_H_
