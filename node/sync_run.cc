#include "node/sync_run.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cstdlib>

#include "sync/transport/http_transport.h"

namespace simpul::node {
namespace {

// Meta keys of the last run (node-local; the meta table never replicates).
constexpr const char* kLastAt = "last_sync_ms";
constexpr const char* kLastOk = "last_sync_ok";
constexpr const char* kLastCode = "last_sync_code";
constexpr const char* kLastTextId = "last_sync_text_id";
constexpr const char* kLastTextEn = "last_sync_text_en";
constexpr const char* kLastCounts = "last_sync_counts";  // "sent received refused conflicts verified"

int64_t PendingChanges(NodeStore& store) {
  auto st = store.db().Prepare("SELECT count(*) FROM outbox WHERE state='pending'");
  if (!st.ok()) return 0;
  auto row = st->Step();
  return row.ok() && *row ? st->Int(0) : 0;
}

std::string DoneText(Lang lang, const SyncSummary& s) {
  return Msg(lang, MsgId::kSyncDoneSummary,
             {std::to_string(s.acked), std::to_string(s.received), std::to_string(s.refused),
              std::to_string(s.conflicts)});
}

}  // namespace

Result<SyncLock> SyncLock::Take(const std::string& dir) {
  int fd = ::open((dir + "/sync.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return Status::IoError("cannot open " + dir + "/sync.lock");
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return Status::Unavailable("another sync of this store is running").WithMsg(MsgId::kSyncAlreadyRunning);
  }
  return SyncLock(fd);
}

SyncLock::~SyncLock() {
  if (fd_ >= 0) ::close(fd_);
}

Result<SyncSummary> RunSync(NodeStore& store, const SyncRunOptions& options) {
  SIMPUL_ASSIGN_OR_RETURN(SyncLock lock, SyncLock::Take(store.dir()));
  Result<SyncSummary> outcome = [&]() -> Result<SyncSummary> {
    if (!IsEnrolled(store))
      return Status::Unauthenticated("this node is not enrolled: run simpul-node enrol --hub URL --code CODE")
          .WithMsg(MsgId::kSyncNotEnrolled);
    SIMPUL_ASSIGN_OR_RETURN(auto target, sync::ParseHubUrl(store.Meta("hub_url")));
    sync::HttpTransport transport(target, options.timeout_ms);
    SyncOptions opt;
    if (options.batch > 0) opt.batch = options.batch;
    if (options.pull_limit > 0) opt.pull_limit = options.pull_limit;
    opt.progress = options.progress;
    return SyncOnce(store, transport, opt);
  }();
  RecordSyncOutcome(store, outcome);
  return outcome;
}

std::string SyncFailureText(Lang lang, const Status& status, int64_t pending) {
  if (status.msg_id() == MsgId::kSyncAlreadyRunning || status.msg_id() == MsgId::kSyncNotEnrolled ||
      status.msg_id() == MsgId::kStoreBusy)
    return Describe(lang, status);
  // The link, the hub process, a cut mid-run: try again later; nothing lost.
  if (status.code() == Code::kUnavailable || status.code() == Code::kIoError)
    return Msg(lang, MsgId::kSyncHubUnreachable, {std::to_string(pending)});
  return Describe(lang, status);
}

void RecordSyncOutcome(NodeStore& store, const Result<SyncSummary>& outcome) {
  auto txn = schema::Transaction::Begin(store.db());
  if (!txn.ok()) return;
  const std::string now = std::to_string(store.NowMs());
  std::string text_id, text_en, counts = "0 0 0 0 0";
  if (outcome.ok()) {
    text_id = DoneText(Lang::kId, *outcome);
    text_en = DoneText(Lang::kEn, *outcome);
    counts = std::to_string(outcome->acked) + " " + std::to_string(outcome->received) + " " +
             std::to_string(outcome->refused) + " " + std::to_string(outcome->conflicts) + " " +
             (outcome->verified ? "1" : "0");
  } else {
    int64_t pending = PendingChanges(store);
    text_id = SyncFailureText(Lang::kId, outcome.status(), pending);
    text_en = SyncFailureText(Lang::kEn, outcome.status(), pending);
  }
  const std::pair<const char*, std::string> values[] = {
      {kLastAt, now},
      {kLastOk, outcome.ok() ? "1" : "0"},
      {kLastCode, CodeName(outcome.ok() ? Code::kOk : outcome.status().code())},
      {kLastTextId, text_id},
      {kLastTextEn, text_en},
      {kLastCounts, counts}};
  for (const auto& [k, v] : values)
    if (!store.SetMeta(k, v).ok()) return;
  (void)txn->Commit();
}

LastSync ReadLastSync(NodeStore& store) {
  LastSync last;
  std::string at = store.Meta(kLastAt);
  if (at.empty()) return last;
  last.at_ms = std::atoll(at.c_str());
  last.ok = store.Meta(kLastOk) == "1";
  last.code = store.Meta(kLastCode);
  last.text_id = store.Meta(kLastTextId);
  last.text_en = store.Meta(kLastTextEn);
  unsigned long long c[5] = {0, 0, 0, 0, 0};
  std::sscanf(store.Meta(kLastCounts).c_str(), "%llu %llu %llu %llu %llu", &c[0], &c[1], &c[2], &c[3], &c[4]);
  last.sent = c[0];
  last.received = c[1];
  last.refused = c[2];
  last.conflicts = c[3];
  last.verified = c[4] != 0;
  return last;
}

Result<SyncWindow> ParseSyncWindow(const std::string& text) {
  auto bad = [&] {
    return Status::InvalidArgument("--window must look like 22:00-06:00").WithField("window")
        .WithMsg(MsgId::kBadOptionValue, {"--window", text});
  };
  // Digits where digits belong: sscanf's %d took " 5", "+5" and "-0".
  if (text.size() != 11 || text[2] != ':' || text[5] != '-' || text[8] != ':') return bad();
  for (size_t i : {0, 1, 3, 4, 6, 7, 9, 10})
    if (text[i] < '0' || text[i] > '9') return bad();
  auto two = [&](size_t at) { return (text[at] - '0') * 10 + (text[at + 1] - '0'); };
  const int h1 = two(0), m1 = two(3), h2 = two(6), m2 = two(9);
  if (h1 > 23 || m1 > 59 || m2 > 59 || h2 > 24 || (h2 == 24 && m2 != 0)) return bad();
  return SyncWindow{h1 * 60 + m1, h2 * 60 + m2};
}

bool InSyncWindow(SyncWindow window, int64_t now_ms, schema::OfficeZone zone) {
  if (window.start_min == window.end_min) return true;
  const schema::LocalTime local = schema::ToLocal(now_ms, zone);
  const int now = local.hour * 60 + local.minute;
  return window.start_min < window.end_min ? (now >= window.start_min && now < window.end_min)
                                           : (now >= window.start_min || now < window.end_min);
}

}  // namespace simpul::node
