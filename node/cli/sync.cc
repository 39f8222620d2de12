// simpul-node commands that talk to the hub: enrol, sync, daemon, conflicts,
// resolve.
#include <signal.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <iomanip>
#include <iostream>
#include <random>
#include <thread>

#include "node/cli/internal.h"
#include "node/bundle.h"
#include "node/sync_client.h"
#include "node/sync_run.h"
#include "schema/command_line.h"
#include "schema/json_writer.h"
#include "sync/crypto/envelope.h"
#include "sync/transport/http_transport.h"

namespace simpul::node {
namespace {

volatile sig_atomic_t g_stop = 0;
void OnSignal(int) { g_stop = 1; }


// Seconds per round trip, at most a day.
Result<int> TimeoutMs(Invocation& inv) {
  SIMPUL_ASSIGN_OR_RETURN(int64_t s, schema::IntOption(inv.opts, "timeout", 60, 1, 86'400));
  return static_cast<int>(s * 1000);
}

std::string Kb(uint64_t b) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f KB", b / 1024.0);
  return buf;
}

// The daemon log's time: the office's wall clock and zone, whatever the
// laptop's TZ ("2026-12-08 06:05:09 WIB").
std::string ZoneStamp(schema::OfficeZone zone) {
  const schema::LocalTime t = schema::ToLocal(schema::WallNowMs(), zone);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d %s", t.year, t.month, t.day, t.hour, t.minute,
                t.second, zone.name);
  return buf;
}

Status CmdEnrol(Invocation& inv) {
  for (const char* o : {"hub", "code"})
    if (!inv.opts.count(o))
      return Status::InvalidArgument(std::string("--") + o + " is required")
          .WithMsg(MsgId::kMissingOption, {std::string("--") + o});
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenForCommand(inv));
  SIMPUL_ASSIGN_OR_RETURN(auto target, sync::ParseHubUrl(inv.opts["hub"]));
  SIMPUL_ASSIGN_OR_RETURN(int timeout_ms, TimeoutMs(inv));
  sync::HttpTransport transport(target, timeout_ms);
  SIMPUL_RETURN_IF_ERROR(Enrol(*store, transport, inv.opts["hub"], inv.opts["code"]));
  SIMPUL_ASSIGN_OR_RETURN(auto pk, sync::crypto::PublicKeyFromHex(store->Meta("hub_pk")));
  *inv.out << inv.T("Node enrolled at hub ") << inv.opts["hub"] << "\n  "
           << inv.T("Hub key fingerprint: ") << sync::crypto::Fingerprint(pk)
           << inv.T("  (compare with the one the Dinsos operator showed)\n");
  return Status::Ok();
}

// The run's options, read (and refused) before any run: the daemon would
// otherwise take a bad value for a failed sync and retry it forever.
Result<SyncRunOptions> RunOptions(Invocation& inv) {
  SyncRunOptions opt;
  SIMPUL_ASSIGN_OR_RETURN(opt.timeout_ms, TimeoutMs(inv));
  SIMPUL_ASSIGN_OR_RETURN(int64_t batch, schema::IntOption(inv.opts, "batch", 0, 1, 1'000'000));
  opt.batch = static_cast<size_t>(batch);  // 0 (absent): SyncOptions' default
  // Changes asked for per reply (the hub caps it too): smaller replies for a
  // link that cuts long ones.
  SIMPUL_ASSIGN_OR_RETURN(int64_t pull_limit, schema::IntOption(inv.opts, "pull-limit", 0, 1, 100'000));
  opt.pull_limit = static_cast<uint32_t>(pull_limit);
  return opt;
}

// The same run as the daemon and the village web app (node/sync_run.h):
// it takes the sync lock and records its outcome for the Sync page.
Result<SyncSummary> RunOnce(Invocation& inv, SyncRunOptions opt, NodeStore& store, bool show_progress) {
  if (show_progress)
    opt.progress = [&inv](const SyncProgress& p) {
      double rate = p.seconds > 0 ? p.bytes / p.seconds : 0;
      uint64_t left = p.doc_bytes_total > p.doc_bytes_done ? p.doc_bytes_total - p.doc_bytes_done : 0;
      std::fprintf(stderr, "\r%s %llu/%llu  %s %llu/%llu  %s  %s/s  %.0f s, ~%.0f s %s   ",
                   inv.T("records"), static_cast<unsigned long long>(p.pushed),
                   static_cast<unsigned long long>(p.push_total), inv.T("documents"),
                   static_cast<unsigned long long>(p.docs_done), static_cast<unsigned long long>(p.docs_total),
                   Kb(p.bytes).c_str(), Kb(static_cast<uint64_t>(rate)).c_str(), p.seconds,
                   rate > 0 ? left / rate : 0.0, inv.T("left"));
    };
  auto r = RunSync(store, opt);
  if (show_progress) std::fprintf(stderr, "\n");
  return r;
}

void PrintSummary(Invocation& inv, const SyncSummary& s) {
  if (inv.json) {
    schema::JsonWriter j;
    j.BeginObject().Field("sent", static_cast<int64_t>(s.sent)).Field("acked", static_cast<int64_t>(s.acked))
        .Field("refused", static_cast<int64_t>(s.refused)).Field("settled", static_cast<int64_t>(s.settled))
        .Field("received", static_cast<int64_t>(s.received))
        .Field("stale_reply", s.stale_reply).Field("stale_skipped", static_cast<int64_t>(s.stale_skipped))
        .Field("conflicts", static_cast<int64_t>(s.conflicts)).Field("repaired", static_cast<int64_t>(s.repaired))
        .Field("docs_sent", static_cast<int64_t>(s.docs_sent)).Field("docs_received", static_cast<int64_t>(s.docs_received))
        .Field("docs_refused", static_cast<int64_t>(s.docs_refused)).Field("docs_pending", static_cast<int64_t>(s.docs_pending))
        .Field("doc_bytes_sent", static_cast<int64_t>(s.doc_bytes_sent))
        .Field("doc_bytes_received", static_cast<int64_t>(s.doc_bytes_received))
        .Field("bytes_sent", static_cast<int64_t>(s.bytes_sent))
        .Field("bytes_received", static_cast<int64_t>(s.bytes_received))
        .Field("round_trips", static_cast<int64_t>(s.round_trips)).Field("cuts", static_cast<int64_t>(s.cuts))
        .Field("recovered", static_cast<int64_t>(s.recovered)).Field("hub_restored", s.hub_restored)
        .Field("handed_back", static_cast<int64_t>(s.handed_back)).Key("seconds").Number(s.seconds)
        .Field("verified", s.verified).Field("notice", s.notice);
    *inv.out << j.EndObject().str() << "\n";
    return;
  }
  auto& o = *inv.out;
  o << inv.T("Sync done: ") << s.acked << inv.T(" changes sent");
  if (s.refused) o << ", " << s.refused << inv.T(" refused by the hub (see: simpul-node refusals)");
  if (s.settled) o << ", " << s.settled << inv.T(" settled: the record moved to another village (see: simpul-node refusals)");
  o << ", " << s.received << inv.T(" received");
  if (s.conflicts) o << ", " << s.conflicts << inv.T(" conflict(s) (see: simpul-node conflicts)");
  if (s.hub_restored)
    o << "\n  " << inv.T("The hub was restored from a backup: this village gives back what it lost.");
  if (s.handed_back) o << "\n  " << s.handed_back << inv.T(" decision(s) of the hub given back to it");
  if (s.docs_sent || s.docs_received || s.docs_pending || s.docs_refused)
    o << "\n  " << inv.T("Documents: ") << s.docs_sent << inv.T(" sent, ") << s.docs_received << inv.T(" received")
      << (s.docs_pending ? ", " + std::to_string(s.docs_pending) + inv.T(" still pending") : std::string())
      << (s.docs_refused ? ", " + std::to_string(s.docs_refused) + inv.T(" refused by the hub") : std::string());
  if (s.stale_reply) o << "\n  " << Msg(inv.lang, MsgId::kBundleReplyStale, {std::to_string(s.stale_skipped)});
  o << "\n  " << Kb(s.bytes_sent) << inv.T(" up, ") << Kb(s.bytes_received)
    << inv.T(" down, ") << s.round_trips << inv.T(" round trip(s), ")
    << std::fixed << std::setprecision(1) << s.seconds << " s\n  "
    << (s.verified ? inv.T("Village and hub data verified equal.")
                   : inv.T("Data not yet verified equal; sync again later."))
    << "\n";
  if (!s.notice.empty()) o << "  hub: " << s.notice << "\n";
}

Status CmdSync(Invocation& inv) {
  SIMPUL_ASSIGN_OR_RETURN(SyncRunOptions options, RunOptions(inv));
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenForCommand(inv));
  SIMPUL_ASSIGN_OR_RETURN(auto s, RunOnce(inv, options, *store, !inv.json && isatty(2)));
  PrintSummary(inv, s);
  return Status::Ok();
}

// Sleeps up to `seconds`, waking early on SIGTERM/SIGINT.
void Nap(double seconds) {
  auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (!g_stop && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
}

Status CmdDaemon(Invocation& inv) {
  SyncWindow window;
  if (inv.opts.count("window")) {
    SIMPUL_ASSIGN_OR_RETURN(window, ParseSyncWindow(inv.opts["window"]));
  }
  // Seconds, from 0.1 (tests) to a week.
  constexpr double kWeek = 7 * 86'400;
  SIMPUL_ASSIGN_OR_RETURN(double interval, schema::SecondsOption(inv.opts, "interval", 3600, 0.1, kWeek));
  SIMPUL_ASSIGN_OR_RETURN(double backoff_min, schema::SecondsOption(inv.opts, "backoff-min", 30, 0.1, kWeek));
  SIMPUL_ASSIGN_OR_RETURN(double backoff_max, schema::SecondsOption(inv.opts, "backoff-max", 1800, 0.1, kWeek));
  if (backoff_max < backoff_min)
    return Status::InvalidArgument("--interval, --backoff-min and --backoff-max must be positive (max >= min)");
  SIMPUL_ASSIGN_OR_RETURN(const SyncRunOptions run_options, RunOptions(inv));
  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenForCommand(inv));
  const schema::OfficeZone zone = schema::ZoneOfRegion(store->village());
  auto Stamp = [zone] { return ZoneStamp(zone); };
  std::mt19937 rng(std::random_device{}());
  double backoff = backoff_min;
  std::fprintf(stderr, "%s daemon started for village %s (window %s, every %.0f s)\n", Stamp().c_str(),
               store->village().c_str(), inv.opts.count("window") ? inv.opts["window"].c_str() : "always", interval);
  while (!g_stop) {
    if (!InSyncWindow(window, schema::WallNowMs(), zone)) {
      Nap(60);
      continue;
    }
    Status st;
    SyncSummary s;
    if (auto r = RunOnce(inv, run_options, *store, false); r.ok()) s = *r;
    else st = r.status();
    if (st.ok()) {
      std::fprintf(stderr, "%s synced: %llu sent, %llu refused, %llu received, %llu conflict(s), %s up, %s down, %s\n",
                   Stamp().c_str(), static_cast<unsigned long long>(s.acked), static_cast<unsigned long long>(s.refused),
                   static_cast<unsigned long long>(s.received), static_cast<unsigned long long>(s.conflicts),
                   Kb(s.bytes_sent).c_str(), Kb(s.bytes_received).c_str(),
                   s.verified ? "verified equal with the hub" : "not yet verified");
      if (!s.notice.empty()) std::fprintf(stderr, "%s hub says: %s\n", Stamp().c_str(), s.notice.c_str());
      backoff = backoff_min;
      Nap(interval);
    } else if (st.IsVersionMismatch() || st.code() == Code::kUnauthenticated ||
               st.code() == Code::kFailedPrecondition) {
      // Retrying cannot help: an operator must act (upgrade, re-enrol).
      std::fprintf(stderr, "%s sync refused, an operator must act: %s\n", Stamp().c_str(), st.ToString().c_str());
      Nap(backoff_max);
    } else {
      // Link down or cut: exponential backoff with +-25% jitter.
      std::uniform_real_distribution<double> jitter(0.75, 1.25);
      double wait = std::min(backoff, backoff_max) * jitter(rng);
      std::fprintf(stderr, "%s sync failed (%s); retrying in %.0f s\n", Stamp().c_str(), st.ToString().c_str(), wait);
      backoff = std::min(backoff * 2, backoff_max);
      Nap(wait);
    }
    std::fflush(stderr);
  }
  std::fprintf(stderr, "%s daemon stopped cleanly\n", Stamp().c_str());
  return Status::Ok();
}

std::string S(const ConflictRow& r, const std::string& col) {
  for (const auto& [k, v] : r)
    if (k == col) return schema::IsNull(v) ? "" : schema::ValueToDisplay(v);
  return {};
}

Status CmdConflicts(Invocation& inv) {
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenForCommand(inv));
  SIMPUL_ASSIGN_OR_RETURN(auto rows, ListConflicts(*store, inv.opts.count("all") > 0));
  schema::JsonWriter j;
  j.BeginArray();
  for (const auto& r : rows) {
    if (inv.json) {
      j.BeginObject();
      for (const auto& [k, v] : r) j.Field(k, v);
      j.Field("winner_time", TimeIso(VersionMs(S(r, "winner_version")), store->village()))
          .Field("loser_time", TimeIso(VersionMs(S(r, "loser_version")), store->village()));
      j.EndObject();
      continue;
    }
    auto when = [&](const char* col) { return "  (" + TimeText(inv, VersionMs(S(r, col)), store->village()) + ")"; };
    *inv.out << S(r, "id") << "  " << S(r, "tbl") << " " << S(r, "row_id") << "  " << S(r, "field") << "\n    "
             << inv.T("kept:   ") << "'" << S(r, "winner_value") << "'" << when("winner_version") << "\n    "
             << inv.T("lost:   ") << "'" << S(r, "loser_value") << "'" << when("loser_version") << "  [" << S(r, "status") << "]"
             << (S(r, "resolution").empty() ? "" : " " + S(r, "resolution")) << "\n";
  }
  if (inv.json) *inv.out << j.EndArray().str() << "\n";
  else if (rows.empty()) *inv.out << inv.T("No open conflicts.\n");
  return Status::Ok();
}

Status CmdResolve(Invocation& inv) {
  if (inv.words.empty()) return Status::InvalidArgument("ID is required").WithMsg(MsgId::kFieldRequired, {"ID"});
  std::string keep = inv.opts.count("value") ? "value" : inv.opts.count("keep") ? inv.opts["keep"] : "";
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenForCommand(inv));
  SIMPUL_RETURN_IF_ERROR(ResolveConflict(*store, inv.words[0], keep, inv.opts.count("value") ? inv.opts["value"] : ""));
  *inv.out << inv.T("Conflict resolved; the decision goes out at the next sync: ")
           << inv.words[0] << "\n";
  return Status::Ok();
}

Status CmdBundleExport(Invocation& inv) {
  if (inv.words.empty()) return Status::InvalidArgument("FILE is required").WithMsg(MsgId::kFieldRequired, {"FILE"});
  uint64_t max_mb = inv.opts.count("max-mb") ? std::strtoull(inv.opts["max-mb"].c_str(), nullptr, 10) : (kDefaultBundleBytes >> 20);
  if (max_mb == 0 || max_mb > 400) return Status::InvalidArgument("--max-mb must be 1..400");
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenForCommand(inv));
  SIMPUL_ASSIGN_OR_RETURN(SyncLock lock, SyncLock::Take(store->dir()));
  SIMPUL_ASSIGN_OR_RETURN(BundleExport b, ExportBundle(*store, inv.words[0], max_mb << 20));
  if (inv.json) {
    *inv.out << schema::JsonWriter().BeginObject().Field("file", inv.words[0])
                    .Field("changes", static_cast<int64_t>(b.changes)).Field("documents", static_cast<int64_t>(b.documents))
                    .Field("bytes", static_cast<int64_t>(b.bytes)).Field("more_remain", b.more_remain).EndObject().str()
             << "\n";
    return Status::Ok();
  }
  *inv.out << inv.T("Bundle written: ") << inv.words[0] << " (" << b.changes << inv.T(" changes, ") << b.documents
           << inv.T(" documents, ") << Kb(b.bytes) << ")\n  "
           << inv.T("Take it to Dinsos; import the reply bundle with: simpul-node bundle import FILE") << "\n";
  if (b.more_remain) *inv.out << "  " << inv.T("More remains: export another bundle after importing the reply.") << "\n";
  return Status::Ok();
}

Status CmdBundleImport(Invocation& inv) {
  if (inv.words.empty()) return Status::InvalidArgument("FILE is required").WithMsg(MsgId::kFieldRequired, {"FILE"});
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenForCommand(inv));
  SIMPUL_ASSIGN_OR_RETURN(SyncLock lock, SyncLock::Take(store->dir()));
  SIMPUL_ASSIGN_OR_RETURN(SyncSummary s, ImportReplyBundle(*store, inv.words[0]));
  PrintSummary(inv, s);
  return Status::Ok();
}

}  // namespace

Handler BundleExportHandler() { return CmdBundleExport; }
Handler BundleImportHandler() { return CmdBundleImport; }
Handler EnrolHandler() { return CmdEnrol; }
Handler SyncHandler() { return CmdSync; }
Handler DaemonHandler() { return CmdDaemon; }
Handler ConflictsHandler() { return CmdConflicts; }
Handler ResolveHandler() { return CmdResolve; }

}  // namespace simpul::node
