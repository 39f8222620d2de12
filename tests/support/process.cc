#include "tests/support/process.h"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include "tests/support/temp_dir.h"

extern char** environ;

namespace simpul::testing {
namespace {

std::vector<char*> Argv(const std::vector<std::string>& v) {
  std::vector<char*> out;
  for (const auto& s : v) out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}


double NowS() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

}  // namespace

std::vector<std::string> ChildEnvironment(const std::vector<std::string>& env) {
  std::vector<std::string> out;
  for (char** e = environ; e && *e; ++e)
    if (std::strncmp(*e, "SIMPUL_", 7) != 0) out.emplace_back(*e);
  auto set = [&](const std::string& kv) {
    const size_t eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) throw std::invalid_argument("environment entry without NAME=: " + kv);
    const std::string name = kv.substr(0, eq + 1);
    for (auto& have : out)
      if (have.compare(0, name.size(), name) == 0) return void(have = kv);
    out.push_back(kv);
  };
  set(std::string("SIMPUL_PASSPHRASE=") + kTestPassphrase);
  for (const auto& kv : env) set(kv);
  return out;
}

int Spawn(const std::vector<std::string>& argv, const std::vector<std::string>& env, const ChildOutput& out,
          const ChildOutput& err) {
  const std::vector<std::string> environment = ChildEnvironment(env);  // may throw: before anything is held
  auto args = Argv(argv);
  auto envp = Argv(environment);
  posix_spawn_file_actions_t actions;
  if (posix_spawn_file_actions_init(&actions) != 0) throw std::runtime_error("posix_spawn_file_actions_init failed");
  int failed = posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  int target = 1;
  for (const ChildOutput* o : {&out, &err}) {
    if (o->fd >= 0) {
      failed |= posix_spawn_file_actions_adddup2(&actions, o->fd, target);
    } else if (!o->file.empty()) {
      failed |= posix_spawn_file_actions_addopen(&actions, target, o->file.c_str(), o->file_flags, 0600);
    }
    ++target;
  }
  if (failed != 0) {
    posix_spawn_file_actions_destroy(&actions);
    throw std::runtime_error("cannot prepare the file actions to start " + argv[0]);
  }
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(rc));
  return pid;
}

std::string BinPath(const std::string& name) {
  const char* dir = std::getenv("SIMPUL_BIN_DIR");
  return std::string(dir ? dir : "./bin") + "/" + name;
}

ProcessResult Run(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                  int timeout_s) {
  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  if (pipe2(err_pipe, O_CLOEXEC) != 0) {
    close(out_pipe[0]);
    close(out_pipe[1]);
    throw std::runtime_error("pipe failed");
  }
  pid_t pid = -1;
  try {
    pid = Spawn(argv, env, {out_pipe[1]}, {err_pipe[1]});
  } catch (...) {
    for (int fd : {out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]}) close(fd);
    throw;
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  ProcessResult r;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  double deadline = NowS() + timeout_s;
  int open_fds = 2;
  while (open_fds > 0) {
    int left_ms = static_cast<int>((deadline - NowS()) * 1000);
    if (left_ms <= 0) {
      kill(pid, SIGKILL);
      break;
    }
    if (poll(fds, 2, left_ms) < 0) continue;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP))) continue;
      char buf[8192];
      ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n <= 0) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      } else {
        (i == 0 ? r.out : r.err).append(buf, static_cast<size_t>(n));
      }
    }
  }
  for (auto& f : fds)
    if (f.fd >= 0) close(f.fd);
  int status = 0;
  waitpid(pid, &status, 0);
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
  return r;
}

Background::Background(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                       const std::string& log_path) {
  const ChildOutput log{-1, log_path, O_WRONLY | O_CREAT | O_APPEND};
  pid_ = Spawn(argv, env, log, log);
}

Background::~Background() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

void Background::Kill(int sig) {
  if (pid_ > 0) kill(pid_, sig);
}

int Background::Wait() {
  if (pid_ <= 0) return -1;
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace simpul::testing
