// The Sync page: the last sync and its result in words, "sync now" (run on
// its own thread: node/api/sync_job.h), the outbox count and the refusals
// with their reasons; and, with no link at all, the bundle for the USB
// stick: made and read by what `simpul-node bundle export` / `bundle import`
// call (node/bundle.h), under the same sync lock.
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "node/api/api_call.h"
#include "node/bundle.h"
#include "node/refusals.h"
#include "node/sync_run.h"
#include "node/ui_texts.h"
#include "schema/ids.h"
#include "schema/local_time.h"
#include "schema/store_files.h"
#include "web/escape.h"

namespace simpul::node::api {
namespace {

int64_t Count(NodeStore& store, const char* sql) {
  auto st = store.db().Prepare(sql);
  if (!st.ok()) return 0;
  auto row = st->Step();
  return row.ok() && *row ? st->Int(0) : 0;
}

// A bundle's file in the data directory while the web app works on it;
// removed when the request ends, whatever happened.
class TempFile {
 public:
  explicit TempFile(std::string path) : path_(std::move(path)) {}
  ~TempFile() {
    std::error_code ec;
    std::filesystem::remove(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// "simpul-35.10.01.2001-2026-12-06-1405.bundle": the village and the
// office's time, so the stick's files tell themselves apart.
std::string BundleName(ApiCall& call) {
  NodeStore& store = call.store();
  const auto zone = schema::ZoneOfRegion(store.village());
  const auto t = schema::ToLocal(static_cast<int64_t>(store.NowMs()), zone);
  char hm[8];
  std::snprintf(hm, sizeof hm, "%02d%02d", t.hour, t.minute);
  return "simpul-" + store.village() + "-" + schema::FormatDate(static_cast<int64_t>(store.NowMs()), zone) + "-" +
         hm + ".bundle";
}

// The file name the operator chose, for messages ("" -> "bundle").
std::string ShownName(const std::string& name) {
  std::string out;
  for (char c : name.substr(0, 100))
    if (static_cast<unsigned char>(c) >= 0x20 && c != '/' && c != '\\') out += c;
  return out.empty() ? "bundle" : out;
}

// A refusal naming the temporary file names the operator's file instead.
Status Renamed(Status st, const std::string& path, const std::string& shown) {
  if (!st.msg_id()) return st;
  std::vector<std::string> args = st.args();
  for (auto& a : args)
    if (a == path) a = shown;
  return Status(st).WithMsg(*st.msg_id(), args);
}

}  // namespace

web::HttpResponse SyncStatus(ApiCall& call) {
  NodeStore& store = call.store();
  SyncJob::State job = call.app.sync.Get();
  LastSync last = ReadLastSync(store);
  JsonWriter j;
  j.BeginObject().Field("enrolled", IsEnrolled(store)).Field("hub_url", store.Meta("hub_url"))
      .Field("running", job.running);
  if (job.running) {
    const SyncProgress& p = job.progress;
    j.Key("progress").BeginObject().Field("pushed", static_cast<int64_t>(p.pushed))
        .Field("push_total", static_cast<int64_t>(p.push_total)).Field("docs_done", static_cast<int64_t>(p.docs_done))
        .Field("docs_total", static_cast<int64_t>(p.docs_total)).Field("bytes", static_cast<int64_t>(p.bytes))
        .Field("doc_bytes_done", static_cast<int64_t>(p.doc_bytes_done))
        .Field("doc_bytes_total", static_cast<int64_t>(p.doc_bytes_total))
        .Field("seconds", static_cast<int64_t>(p.seconds)).EndObject();
  }
  if (last.at_ms > 0) {
    j.Key("last").BeginObject().Field("at_ms", last.at_ms).Field("when", ShowTime(call, last.at_ms))
        .Field("ago", schema::FormatAgo(last.at_ms, static_cast<int64_t>(store.NowMs()), web::LangCode(call.lang)))
        .Field("ok", last.ok).Field("code", last.code)
        .Field("text", call.lang == Lang::kId ? last.text_id : last.text_en)
        .Field("verified", last.verified).EndObject();
  }
  j.Field("outbox_pending", Count(store, "SELECT count(*) FROM outbox WHERE state='pending'"))
      .Field("bundle_max_bytes", static_cast<int64_t>(call.app.options.max_bundle_bytes));
  j.Key("refusals").BeginArray();
  auto st = store.db().Prepare(
      "SELECT tbl,row_id,state,refusal FROM outbox WHERE state IN ('refused','settled') ORDER BY seq DESC LIMIT 200");
  if (!st.ok()) return StatusReply(call, st.status());
  for (;;) {
    auto row = st->Step();
    if (!row.ok()) return StatusReply(call, row.status());
    if (!*row) break;
    j.BeginObject().Field("what", RecordLabel(call, st->Text(0), st->Text(1)))
        .Field("settled", st->Text(2) == kSettledState).Field("reason", RefusalText(call.lang, st->Text(3)))
        .EndObject();
  }
  return JsonReply(200, j.EndArray().EndObject().str());
}

web::HttpResponse SyncNow(ApiCall& call) {
  NodeStore& store = call.store();
  if (!call.app.sync.Start(store.dir(), call.app.clock, store.data_key(), call.user() + " (" + call.session->role + ")",
                           call.app.options.sync_timeout_ms, call.now_ms))
    return ErrorReply(409, "sync_running", Msg(call.lang, MsgId::kSyncAlreadyRunning));
  return JsonReply(202, "{\"running\":true}");
}

web::HttpResponse ExportBundleFile(ApiCall& call) {
  NodeStore& store = call.store();
  auto lock = SyncLock::Take(store.dir());
  if (!lock.ok()) return StatusReply(call, lock.status());
  const std::string name = BundleName(call);
  TempFile file(store.dir() + "/" + name);
  auto made = ExportBundle(store, file.path(), kDefaultBundleBytes);
  if (!made.ok()) return StatusReply(call, made.status());
  std::ifstream in(file.path(), std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) return StatusReply(call, Status::IoError("cannot read the bundle just written"));
  web::HttpResponse r(200, "application/octet-stream", std::move(bytes));
  r.Set("content-disposition", web::ContentDisposition("attachment", name));
  // What the page says once the file is saved.
  r.Set("x-bundle-changes", std::to_string(made->changes));
  r.Set("x-bundle-documents", std::to_string(made->documents));
  r.Set("x-bundle-more", made->more_remain ? "1" : "0");
  return r;
}

web::HttpResponse ImportBundleFile(ApiCall& call) {
  NodeStore& store = call.store();
  const uint64_t max = call.app.options.max_bundle_bytes;
  const std::string shown = ShownName(call.req.Query("name"));
  auto mb = [](uint64_t bytes) { return std::to_string((bytes + (1u << 20) - 1) >> 20); };
  if (call.req.body.size() > max)
    return StatusReply(call, Status::ResourceExhausted("bundle over " + std::to_string(max) + " bytes")
                                 .WithMsg(MsgId::kWebBundleTooLarge, {mb(call.req.body.size()), mb(max)}), "file");
  if (call.req.body.empty())
    return StatusReply(call, Status::InvalidArgument("no bundle sent")
                                 .WithMsg(MsgId::kFieldRequired, {Tr(call.lang, "Reply bundle from Dinsos")}), "file");
  auto lock = SyncLock::Take(store.dir());
  if (!lock.ok()) return StatusReply(call, lock.status());
  TempFile file(store.dir() + "/web-import-" + schema::NewRowId(store.NowMs()) + ".bundle");
  if (Status st = schema::WriteFileAtomically(file.path(), call.req.body, 0600); !st.ok()) return StatusReply(call, st);
  // Applied exactly as `simpul-node bundle import` applies it: a damaged,
  // foreign or repeated file is refused before anything is written.
  auto sum = ImportReplyBundle(store, file.path());
  if (!sum.ok()) return StatusReply(call, Renamed(sum.status(), file.path(), shown), "file");
  std::string text = Msg(call.lang, MsgId::kWebBundleRead, {std::to_string(sum->acked), std::to_string(sum->received),
                                                            std::to_string(sum->refused), std::to_string(sum->conflicts)});
  if (sum->stale_reply) text += " " + Msg(call.lang, MsgId::kBundleReplyStale, {std::to_string(sum->stale_skipped)});
  JsonWriter j;
  j.BeginObject().Field("text", text).Field("acked", static_cast<int64_t>(sum->acked))
      .Field("received", static_cast<int64_t>(sum->received)).Field("refused", static_cast<int64_t>(sum->refused))
      .Field("conflicts", static_cast<int64_t>(sum->conflicts)).Field("verified", sum->verified)
      .Field("outbox_pending", Count(store, "SELECT count(*) FROM outbox WHERE state='pending'"));
  return JsonReply(200, j.EndObject().str());
}

}  // namespace simpul::node::api
