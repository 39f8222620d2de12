// `simpul-node refusals`: the changes the hub refused, with their reasons:
// those waiting for a person (state refused) and those settled because
// their record moved to another village (node/refusals.h). `outbox` shows
// what still waits to be sent; this shows what will never be.
#include <iostream>

#include "node/cli/internal.h"
#include "node/refusals.h"
#include "schema/json_writer.h"

namespace simpul::node {
namespace {

Status CmdRefusals(Invocation& inv) {
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenForCommand(inv));
  SIMPUL_ASSIGN_OR_RETURN(auto st, store->db().Prepare(
      "SELECT seq,change_id,tbl,row_id,state,refusal FROM outbox WHERE state IN ('refused','settled')"
      " ORDER BY seq"));
  schema::JsonWriter j;
  j.BeginArray();
  int n = 0;
  for (;;) {
    SIMPUL_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    ++n;
    std::string state = st.Text(4), reason = RefusalText(inv.lang, st.Text(5));
    if (inv.json) {
      j.BeginObject().Field("seq", st.Int(0)).Field("change_id", st.Text(1))
          .Field("time", TimeIso(VersionMs(st.Text(1)), store->village())).Field("table", st.Text(2))
          .Field("row_id", st.Text(3)).Field("state", state).Field("reason", reason)
          .Field("refusal", st.Text(5)).EndObject();
    } else {
      *inv.out << "#" << st.Int(0) << "  " << TimeText(inv, VersionMs(st.Text(1)), store->village()) << "  " << st.Text(2) << " " << st.Text(3) << "  ["
               << (state == kSettledState ? inv.T("settled") : inv.T("refused")) << "]  " << reason << "\n";
    }
  }
  if (inv.json) *inv.out << j.EndArray().str() << "\n";
  else if (n == 0) *inv.out << inv.T("(none)\n");
  return Status::Ok();
}

}  // namespace

Handler RefusalsHandler() { return CmdRefusals; }

}  // namespace simpul::node
