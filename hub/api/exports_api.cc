// Exports (docs/API.md "Exports"): the queue with the queue page's filters,
// the PBI proposal lists (PBI-JKN, PBI-APBD) for BPJS / Dinkes and the SIPERJAKE district
// recap (counts per kecamatan, village and type by status), as XLSX or CSV
// (hub/exports.h). Each states its purpose (?purpose=) and is audited; NIKs
// are masked unless the role may see them (RoleSeesFullNik).
#include "hub/api/api_call.h"
#include "hub/exports.h"
#include "hub/xlsx.h"
#include "schema/local_time.h"
#include "web/escape.h"

namespace simpul::hub::api {
namespace {

web::HttpResponse Download(ApiCall& call, const ExportTable& table, const std::string& what, const std::string& purpose) {
  const std::string format = call.req.Query("format").empty() ? "xlsx" : call.req.Query("format");
  web::HttpResponse r;
  r.status = 200;
  if (format == "xlsx") {
    auto bytes = ToXlsx(table);
    if (!bytes.ok()) return StatusReply(call, bytes.status());
    r.body = std::move(*bytes);
    r.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  } else {
    r.body = ToCsv(table);
    r.content_type = "text/csv; charset=utf-8";
  }
  if (Status st = AuditExport(call.store, what + " " + format, table.rows.size(), purpose); !st.ok())
    return StatusReply(call, st);
  const std::string date = schema::FormatIso(call.now_ms, schema::ZoneOfRegion("")).substr(0, 10);
  r.Set("content-disposition", web::ContentDisposition("attachment", table.name + "-" + date + "." + format));
  return r;
}

// The format and the purpose, checked before anything is read.
Status CheckRequest(const ApiCall& call) {
  const std::string format = call.req.Query("format");
  if (!format.empty() && format != "xlsx" && format != "csv")
    return Status::InvalidArgument("format must be xlsx or csv").WithField("format")
        .WithMsg(MsgId::kEnumValue, {"format", format, "xlsx, csv"});
  return CheckExportPurpose(call.req.Query("purpose"));
}

}  // namespace

web::HttpResponse ExportQueue(ApiCall& call) {
  if (Status st = CheckRequest(call); !st.ok()) return StatusReply(call, st);
  QueueFilter f{call.req.Query("status"), call.req.Query("type"), call.req.Query("village"), call.req.Query("q")};
  f.kecamatan = call.req.Query("kecamatan");
  f.stage = call.req.Query("stage");
  auto table = QueueExport(call.store, f, call.lang, RoleSeesFullNik(call.role()), call.now_ms);
  if (!table.ok()) return StatusReply(call, table.status());
  std::string what = "queue (status=" + f.status + " type=" + f.type + " village=" + f.village + " q=" + f.search + ")";
  return Download(call, *table, what, call.req.Query("purpose"));
}

web::HttpResponse ExportPbiProposal(ApiCall& call) {
  if (Status st = CheckRequest(call); !st.ok()) return StatusReply(call, st);
  const std::string type = call.req.Query("type").empty() ? "pbi_jkn" : call.req.Query("type");
  auto table = PbiProposalExport(call.store, type, call.lang, RoleSeesFullNik(call.role()));
  if (!table.ok()) return StatusReply(call, table.status());
  return Download(call, *table, type + " proposal", call.req.Query("purpose"));
}

web::HttpResponse ExportSiperjakeRecap(ApiCall& call) {
  if (Status st = CheckRequest(call); !st.ok()) return StatusReply(call, st);
  RecapPeriod period{call.req.Query("from"), call.req.Query("to")};
  auto table = SiperjakeRecapExport(call.store, period, call.lang);
  if (!table.ok()) return StatusReply(call, table.status());
  return Download(call, *table, "siperjake recap (from=" + period.from + " to=" + period.to + ")",
                  call.req.Query("purpose"));
}

}  // namespace simpul::hub::api
