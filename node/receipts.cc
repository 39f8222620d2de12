#include "node/receipts.h"

#include <charconv>

#include "schema/ids.h"
#include "schema/tables.h"

namespace simpul::node {
namespace {

using schema::Stmt;
using schema::Value;
namespace wire = sync::wire;

std::string FieldText(const wire::Change& c, const char* name) {
  for (const auto& f : c.fields)
    if (f.field == name && std::holds_alternative<std::string>(f.value)) return std::get<std::string>(f.value);
  return {};
}

Result<bool> HaveReceipt(NodeStore& store, const std::string& kind, const std::string& ref_id) {
  SIMPUL_ASSIGN_OR_RETURN(Stmt * st, store.db().Cached("SELECT 1 FROM receipts WHERE kind=? AND ref_id=? LIMIT 1"));
  st->Bind(1, kind).Bind(2, ref_id);
  SIMPUL_ASSIGN_OR_RETURN(bool row, st->Step());
  st->Reset();
  return row;
}

}  // namespace

void NoteAcked(const wire::SyncRequest& req, size_t n, const std::vector<wire::ItemResult>& results,
               ReceiptBatch* batch) {
  for (size_t i = 0; i < n && i < req.push.size() && i < results.size(); ++i) {
    const wire::Change& c = req.push[i];
    if (results[i].code != 0 || c.table != "events") continue;
    std::string subject = FieldText(c, "subject_id");
    if (!subject.empty()) batch->items.push_back({"acked", subject, c.row_id});
  }
}

void NotePulled(const wire::Change& c, bool hub_wrote, bool row_created, ReceiptBatch* batch) {
  if (!hub_wrote || !row_created || c.table != "events") return;
  if (c.flags & (wire::kFlagSnapshot | wire::kFlagRepair | wire::kFlagScopeOut)) return;
  std::string subject = FieldText(c, "subject_id");
  if (!subject.empty()) batch->items.push_back({"decision", subject, c.row_id});
}

Status RecordReceipts(NodeStore& store, const ReceiptBatch& batch, uint64_t hub_time_ms, bool live) {
  const int64_t now = static_cast<int64_t>(store.NowMs());
  Value offset;  // NULL: never measured
  if (live && hub_time_ms > 0) {
    offset = now - static_cast<int64_t>(hub_time_ms);
    SIMPUL_RETURN_IF_ERROR(store.SetMeta("clock_offset_ms", std::to_string(std::get<int64_t>(offset))));
  } else if (std::string kept = store.Meta("clock_offset_ms"); !kept.empty()) {
    int64_t kept_offset = 0;
    auto [end, ec] = std::from_chars(kept.data(), kept.data() + kept.size(), kept_offset);
    if (ec == std::errc() && end == kept.data() + kept.size()) offset = kept_offset;  // damaged: no offset known
  }
  std::vector<ReceiptBatch::Item> items = batch.items;
  SIMPUL_ASSIGN_OR_RETURN(Stmt * letter, store.db().Cached(
      "SELECT id,application_id FROM letters WHERE sha256=? AND deleted=0"));
  for (const auto& sha : batch.documents) {
    letter->Bind(1, sha);
    for (;;) {
      SIMPUL_ASSIGN_OR_RETURN(bool row, letter->Step());
      if (!row) break;
      items.push_back({"letter", letter->Text(1), letter->Text(0)});
    }
    letter->Reset();
  }
  const schema::TableDef* table = schema::FindTable("receipts");
  for (const auto& it : items) {
    // A reply bundle's time is when the hub made it, not when it applied
    // the village's event: the hub's own log says that better.
    if (it.kind == "acked" && !live) continue;
    SIMPUL_ASSIGN_OR_RETURN(bool have, HaveReceipt(store, it.kind, it.ref_id));
    if (have) continue;  // the first receipt is the one that counts
    std::vector<sync::FieldWrite> f = {
        {"subject_id", it.subject_id},
        {"kind", it.kind},
        {"ref_id", it.ref_id},
        {"received_at_ms", now},
        {"hub_time_ms", static_cast<int64_t>(hub_time_ms)},
        {"clock_offset_ms", offset},
        {"via", std::string(live ? "sync" : "bundle")},
    };
    SIMPUL_ASSIGN_OR_RETURN(auto out, store.writer().Write(*table, schema::NewRowId(store.NowMs()), store.village(), f));
    (void)out;
  }
  return Status::Ok();
}

Result<EventReceipt> ReceiptOfEvent(NodeStore& store, const std::string& event_id) {
  SIMPUL_ASSIGN_OR_RETURN(Stmt * st, store.db().Cached(
      "SELECT min(CASE WHEN kind='decision' THEN received_at_ms END),"
      " min(CASE WHEN kind='acked' AND via='sync' THEN hub_time_ms END) FROM receipts WHERE ref_id=?"));
  st->Bind(1, event_id);
  SIMPUL_ASSIGN_OR_RETURN(bool row, st->Step());
  EventReceipt r;
  if (row && !st->IsNullAt(0)) r.here_ms = st->Int(0);
  if (row && !st->IsNullAt(1)) r.at_hub_ms = st->Int(1);
  st->Reset();
  return r;
}

}  // namespace simpul::node
