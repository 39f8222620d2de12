// Times as the village operator reads them: in the office's zone (WIB/WITA/
// WIT from the village code), "6 Des 2026 14.05 WIB", never as HLC stamps;
// --json keeps the raw stamp and adds `time` (ISO 8601 with the offset).
// Also the outbox, whose changes are listed with the time they were made.
#include <iomanip>
#include <iostream>

#include "node/cli/internal.h"
#include "node/receipts.h"
#include "schema/json_writer.h"
#include "schema/local_time.h"
#include "sync/hlc.h"

namespace simpul::node {

std::string TimeText(const Invocation& inv, int64_t ms, const std::string& village) {
  if (ms <= 0) return "-";
  return schema::FormatShortDateTime(ms, schema::ZoneOfRegion(village), inv.lang == Lang::kId ? "id" : "en");
}

std::string TimeIso(int64_t ms, const std::string& village) {
  return ms > 0 ? schema::FormatIso(ms, schema::ZoneOfRegion(village)) : std::string();
}

int64_t VersionMs(const std::string& version) {
  sync::Stamp s;
  std::string writer;
  return sync::Hlc::ParseVersion(version, &s, &writer) ? static_cast<int64_t>(s.physical_ms()) : 0;
}

namespace {

// A field that holds a time: an HLC version (`at`, `signed_at`) or epoch
// milliseconds (`..._ms`, but not an offset). 0 for any other.
int64_t FieldTimeMs(const std::string& field, const schema::Value& v) {
  if ((field == "at" || field == "signed_at") && std::holds_alternative<std::string>(v))
    return VersionMs(std::get<std::string>(v));
  bool ms_field = field.size() > 3 && field.compare(field.size() - 3, 3, "_ms") == 0 && field != "clock_offset_ms";
  return ms_field && std::holds_alternative<int64_t>(v) ? std::get<int64_t>(v) : 0;
}

}  // namespace

Status EventJson(schema::JsonWriter& j, NodeStore& store, const schema::WorkflowEvent& e) {
  SIMPUL_ASSIGN_OR_RETURN(EventReceipt r, ReceiptOfEvent(store, e.id));
  j.Field("time", TimeIso(VersionMs(e.at), store.village()));
  if (r.here_ms) j.Field("received_time", TimeIso(r.here_ms, store.village()));
  if (r.at_hub_ms) j.Field("received_by_hub_time", TimeIso(r.at_hub_ms, store.village()));
  return Status::Ok();
}

Status EventLine(Invocation& inv, NodeStore& store, const schema::WorkflowEvent& e) {
  SIMPUL_ASSIGN_OR_RETURN(EventReceipt r, ReceiptOfEvent(store, e.id));
  auto& o = *inv.out;
  o << "    " << TimeText(inv, VersionMs(e.at), store.village()) << "  " << e.kind << " (" << e.actor_role << ")"
    << (e.reason.empty() ? "" : ": " + e.reason) << "\n";
  if (r.here_ms) o << "        " << inv.T("received here: ") << TimeText(inv, r.here_ms, store.village()) << "\n";
  if (r.at_hub_ms)
    o << "        " << inv.T("received by Dinsos: ") << TimeText(inv, r.at_hub_ms, store.village()) << "\n";
  return Status::Ok();
}

Status CmdOutbox(Invocation& inv) {
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenForCommand(inv));
  bool all = inv.opts.count("all") > 0;
  SIMPUL_ASSIGN_OR_RETURN(auto st, store->db().Prepare(
      std::string("SELECT seq,change_id,tbl,row_id,state,refusal FROM outbox") +
      (all ? "" : " WHERE state IN ('pending','refused')") + " ORDER BY seq"));
  SIMPUL_ASSIGN_OR_RETURN(auto fq, store->db().Prepare(
      "SELECT field,value,base FROM outbox_fields WHERE seq=? ORDER BY field"));
  schema::JsonWriter j;
  j.BeginArray();
  int n = 0;
  const std::string& village = store->village();
  for (;;) {
    SIMPUL_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    ++n;
    int64_t seq = st.Int(0);
    std::string tbl = st.Text(2), state = st.Text(4);
    int64_t made = VersionMs(st.Text(1));
    if (inv.json) {
      j.BeginObject().Field("seq", seq).Field("change_id", st.Text(1)).Field("time", TimeIso(made, village))
          .Field("table", tbl).Field("row_id", st.Text(3)).Field("state", state).Field("refusal", st.Text(5));
      j.Key("fields").BeginObject();
    } else {
      *inv.out << "#" << seq << "  " << TimeText(inv, made, village) << "  " << tbl << " " << st.Text(3) << "  ["
               << state << "]" << (st.IsNullAt(5) ? "" : "  " + st.Text(5)) << "\n";
    }
    fq.Bind(1, seq);
    for (;;) {
      SIMPUL_ASSIGN_OR_RETURN(bool f, fq.Step());
      if (!f) break;
      std::string field = fq.Text(0);
      schema::Value v = fq.Column(1);
      // Personal identifiers stay out of screens and logs (UU 27/2022).
      std::string shown = schema::IsNull(v) ? std::string() : schema::ValueToDisplay(v);
      if ((field == "nik" || field == "no_kk") && shown.size() == 16)
        shown = shown.substr(0, 4) + "xxxxxxxx" + shown.substr(12);
      int64_t ms = FieldTimeMs(field, v);
      if (inv.json) {
        j.Key(field).BeginObject().Field("value", shown).Key("base").Val(fq.Column(2));
        if (ms) j.Field("time", TimeIso(ms, village));
        j.EndObject();
      } else {
        *inv.out << "    " << std::left << std::setw(18) << field << (ms ? TimeText(inv, ms, village) : shown)
                 << (fq.IsNullAt(2) ? inv.T("  (new)") : "") << "\n";
      }
    }
    fq.Reset();
    if (inv.json) j.EndObject().EndObject();
  }
  if (inv.json) *inv.out << j.EndArray().str() << "\n";
  else *inv.out << n << inv.T(" change(s) in the outbox\n");
  return Status::Ok();
}

}  // namespace simpul::node
