// The Sync page: the last sync and its result in words, "sync now" (run on
// its own thread: node/api/sync_job.h), the outbox count and the refusals
// with their reasons.
#include "node/api/api_call.h"
#include "node/refusals.h"
#include "node/sync_run.h"
#include "schema/local_time.h"

namespace simpul::node::api {
namespace {

int64_t Count(NodeStore& store, const char* sql) {
  auto st = store.db().Prepare(sql);
  if (!st.ok()) return 0;
  auto row = st->Step();
  return row.ok() && *row ? st->Int(0) : 0;
}

// What a refused change was about, as the operator knows it: the person's
// name, the household's address, the application's type and applicant.
std::string RecordLabel(ApiCall& call, const std::string& table, const std::string& row_id) {
  NodeStore& store = call.store();
  auto text = [&](const std::string& sql) -> std::string {
    auto st = store.db().Prepare(sql);
    if (!st.ok()) return {};
    st->Bind(1, row_id);
    auto row = st->Step();
    return row.ok() && *row ? st->Text(0) : std::string();
  };
  if (table == "persons") return Tr(call.lang, "Person") + std::string(": ") + text("SELECT name FROM persons WHERE id=?");
  if (table == "households")
    return Tr(call.lang, "Household") + std::string(": ") + text("SELECT address FROM households WHERE id=?");
  if (table == "applications")
    return Tr(call.lang, "Application") + std::string(": ") +
           text("SELECT p.name FROM applications a LEFT JOIN persons p ON p.id=a.applicant_id WHERE a.id=?");
  if (table == "events")
    return Tr(call.lang, "Application") + std::string(": ") +
           text("SELECT p.name FROM events e JOIN applications a ON a.id=e.subject_id"
                " LEFT JOIN persons p ON p.id=a.applicant_id WHERE e.id=?");
  return table;
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
        .Field("seconds", static_cast<int64_t>(p.seconds)).EndObject();
  }
  if (last.at_ms > 0) {
    j.Key("last").BeginObject().Field("at_ms", last.at_ms).Field("when", ShowTime(call, last.at_ms))
        .Field("ago", schema::FormatAgo(last.at_ms, static_cast<int64_t>(store.NowMs()), web::LangCode(call.lang)))
        .Field("ok", last.ok).Field("code", last.code)
        .Field("text", call.lang == Lang::kId ? last.text_id : last.text_en)
        .Field("verified", last.verified).EndObject();
  }
  j.Field("outbox_pending", Count(store, "SELECT count(*) FROM outbox WHERE state='pending'"));
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

}  // namespace simpul::node::api
