#include "hub/resident_messages.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>

#include "hub/message_webhook.h"
#include "schema/ids.h"
#include "schema/tables.h"

namespace simpul::hub {
namespace {

// Runs `program phone text` with stdout and stderr to a pipe (first 2 KB
// kept), killed after `timeout_s`.
GatewayAttempt RunGateway(const std::string& program, const std::string& phone, const std::string& text,
                          int timeout_s) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return {false, "pipe failed"};
  pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return {false, "fork failed"};
  }
  if (pid == 0) {
    dup2(fds[1], 1);
    dup2(fds[1], 2);
    int null_in = open("/dev/null", O_RDONLY);
    if (null_in >= 0) dup2(null_in, 0);
    const char* argv[] = {program.c_str(), phone.c_str(), text.c_str(), nullptr};
    execv(program.c_str(), const_cast<char* const*>(argv));
    _exit(127);
  }
  close(fds[1]);
  std::string output;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  bool timed_out = false;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    pollfd p{fds[0], POLLIN, 0};
    int r = poll(&p, 1, static_cast<int>(left.count()));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) continue;
    char buf[512];
    ssize_t n = read(fds[0], buf, sizeof buf);
    if (n <= 0) break;  // the program closed its output: it is ending
    if (output.size() < 2048) output.append(buf, static_cast<size_t>(n));
  }
  close(fds[0]);
  if (timed_out) kill(pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  std::string first_line = output.substr(0, output.find('\n'));
  if (timed_out) return {false, "no answer within " + std::to_string(timeout_s) + " s"};
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return {true, first_line};
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && first_line.empty()) return {false, "could not be started"};
  std::string how = WIFEXITED(status) ? "exit " + std::to_string(WEXITSTATUS(status))
                                      : "signal " + std::to_string(WTERMSIG(status));
  return {false, first_line.empty() ? how : first_line + " (" + how + ")"};
}

Status Record(HubStore& store, const schema::ResidentMessage& m, const GatewayAttempt& outcome) {
  SIMPUL_ASSIGN_OR_RETURN(HubWrite w, store.BeginWrite());
  std::vector<sync::FieldWrite> fields = {
      {"event_id", m.event_id},
      {"person_id", m.person_id},
      {"channel", std::string("gateway")},
      {"outcome", std::string(outcome.sent ? "sent" : "failed")},
      {"detail", outcome.detail.substr(0, 500)},
      {"sent_at_ms", static_cast<int64_t>(store.NowMs())},
      {"sent_by", store.actor()}};
  SIMPUL_ASSIGN_OR_RETURN(auto out, store.writer().Write(*schema::FindTable("message_sends"),
                                                         schema::NewRowId(store.NowMs()), m.village, fields));
  (void)out;
  SIMPUL_RETURN_IF_ERROR(store.Audit(outcome.sent ? "message_sent" : "message_failed", m.village, m.person_id,
                                     "gateway " + m.kind + " " + m.event_id));
  return w.Commit();
}

}  // namespace

Result<GatewayRun> SendThroughGateway(HubStore& store, const GatewayOptions& options) {
  if (options.program.empty() && options.url.empty())
    return Status::FailedPrecondition("no message gateway configured").WithField("gateway")
        .WithMsg(MsgId::kMessageGatewayNone);
  if (!options.program.empty() && !options.url.empty())
    return Status::InvalidArgument("a gateway program and a webhook URL: give one").WithField("gateway");
  std::unique_ptr<MessageWebhook> webhook;
  if (!options.url.empty()) {
    SIMPUL_ASSIGN_OR_RETURN(webhook, MessageWebhook::Open(options.url, options.token, options.timeout_s, options.ca_file));
  } else if (options.program[0] != '/' || access(options.program.c_str(), X_OK) != 0) {
    return Status::InvalidArgument("the gateway must be an executable program given by its absolute path")
        .WithField("gateway")
        .WithMsg(MsgId::kBadOptionValue, {"--gateway", options.program});
  }
  schema::MessageFilter filter;
  filter.village = options.village;
  filter.include_settled = true;
  filter.limit = 0;
  uint64_t now = store.NowMs(), age = static_cast<uint64_t>(options.max_age_days) * 86400000ull;
  filter.since_version = sync::Hlc::FormatVersion(sync::Stamp::Make(now > age ? now - age : 0, 0), "");
  SIMPUL_ASSIGN_OR_RETURN(auto messages, schema::ListResidentMessages(store.db(), filter));
  GatewayRun run;
  for (const auto& m : messages) {
    if (m.state == schema::MessageState::kNoPhone || m.state == schema::MessageState::kNoConsent) ++run.waiting;
    if (m.state != schema::MessageState::kPending) continue;
    GatewayAttempt outcome =
        webhook ? webhook->Send(m) : RunGateway(options.program, m.phone, m.text, options.timeout_s);
    SIMPUL_RETURN_IF_ERROR(Record(store, m, outcome));
    if (outcome.sent) ++run.sent;
    else run.failures.push_back({m, outcome.detail});
  }
  return run;
}

}  // namespace simpul::hub
