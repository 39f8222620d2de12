// `simpul-node export recap`: the village's applications as a CSV recap.
#include <climits>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <fcntl.h>
#include <unistd.h>
#include <cctype>
#include <cerrno>
#include <cstring>
#include "node/cli/internal.h"
#include "node/documents.h"
#include "node/stages.h"
#include "sync/crypto/envelope.h"
#include "schema/json_writer.h"
#include "schema/model.h"
#include "schema/regions.h"
#include "schema/tables.h"
#include "schema/validate.h"
#include "schema/workflow.h"

namespace simpul::node {

using namespace cli_util;
using schema::JsonWriter;

namespace {

std::string CsvField(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

Status CmdExportRecap(Invocation& inv) {
  if (!inv.opts.count("out"))
    return Status::InvalidArgument("--out is required").WithMsg(MsgId::kMissingOption, {"--out"});
  {
    // The format follows the file name: CSV only for now. Any other
    // extension (x.xlsx) is refused rather than silently written as CSV.
    std::string name = inv.opts["out"];
    name = name.substr(name.find_last_of('/') == std::string::npos ? 0 : name.find_last_of('/') + 1);
    size_t dot = name.find_last_of('.');
    std::string ext = dot == std::string::npos || dot == 0 ? "" : name.substr(dot + 1);
    for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!ext.empty() && ext != "csv")
      return Status::InvalidArgument("only CSV for now: --out " + inv.opts["out"])
          .WithField("out")
          .WithMsg(MsgId::kExportFormat, {"--out", ext});
  }
  // Minimisation (UU 27/2022 Pasal 16): NIK and No. KK are masked unless the
  // export states a purpose that needs them; either way the export is audited.
  std::string purpose = inv.opts.count("purpose") ? inv.opts["purpose"] : "";
  if (inv.opts.count("purpose") && purpose.size() < 5)
    return Status::InvalidArgument("--purpose must say why the full numbers are needed")
        .WithMsg(MsgId::kBadOptionValue, {"--purpose", purpose});
  auto mask = [&](const std::string& v) {
    return purpose.empty() && v.size() == 16 ? v.substr(0, 4) + "xxxxxxxx" + v.substr(12) : v;
  };
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenForCommand(inv));
  SIMPUL_ASSIGN_OR_RETURN(auto apps, ListRecords(*store, Entity::kApplication, ListFilter{"", "", "", "", 1 << 30}));
  std::string path = inv.opts["out"], tmp = path + ".tmp";
  auto fail = [&](const char* why) {
    std::remove(tmp.c_str());  // never leave personal data in a stray file
    return Status::IoError(std::string("cannot write ") + path + ": " + why)
        .WithMsg(MsgId::kFileWriteFailed, {path, why});
  };
  {
    // Personal data: created owner-only before anything is written to it.
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return fail(std::strerror(errno));
    ::close(fd);
  }
  std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
  if (!out) return fail("cannot open");
  // NIK and No. KK are written as quoted text. Spreadsheets still guess
  // types on open: import the CSV with those columns set to Text.
  out << "id,type,status,applicant_name,nik,no_kk,birth_date,sex,address,rt,rw,village,"
         "service_type,purpose,indicator_set,score,score_band,dtks_status,dtks_desil,documents\r\n";
  int n = 0;
  for (const auto& a : apps) {
    std::string id = GetS(a, "id");
    SIMPUL_ASSIGN_OR_RETURN(auto state, ApplicationState(*store, id));
    Row person, household;
    if (auto p = ReadRecord(*store, Entity::kPerson, GetS(a, "applicant_id")); p.ok()) person = *p;
    if (auto h = ReadRecord(*store, Entity::kHousehold, GetS(a, "household_id")); h.ok()) household = *h;
    SIMPUL_ASSIGN_OR_RETURN(auto atts, DocumentsOf(*store, id));
    std::string docs;
    for (const auto& d : atts) docs += (docs.empty() ? "" : " ") + d.kind;
    std::vector<std::string> cols = {
        id, GetS(a, "type"), state.status, GetS(person, "name"), mask(GetS(person, "nik")),
        mask(GetS(household, "no_kk")), GetS(person, "birth_date"), GetS(person, "sex"),
        GetS(household, "address"), GetS(household, "rt"), GetS(household, "rw"), store->village(),
        GetS(a, "service_type"), GetS(a, "purpose"),
        GetS(a, "indicator_set") + (GetS(a, "indicator_version").empty() ? "" : " v" + GetS(a, "indicator_version")),
        GetS(a, "score"), GetS(a, "score_band"), GetS(a, "dtks_status"), GetS(a, "dtks_desil"), docs};
    for (size_t i = 0; i < cols.size(); ++i) out << (i ? "," : "") << CsvField(cols[i]);
    out << "\r\n";
    ++n;
  }
  out.flush();
  if (!out) return fail("write failed (disk full?)");
  out.close();
  {
    SIMPUL_ASSIGN_OR_RETURN(auto txn, schema::Transaction::Begin(store->db()));
    SIMPUL_RETURN_IF_ERROR(store->Audit(purpose.empty() ? "export_masked" : "export_full", "recap",
                                        std::to_string(n) + " applications" +
                                            (purpose.empty() ? std::string() : "; purpose: " + purpose)));
    if (std::rename(tmp.c_str(), path.c_str()) != 0) return fail(std::strerror(errno));
    SIMPUL_RETURN_IF_ERROR(txn.Commit());
  }
  if (inv.json) *inv.out << JsonWriter().BeginObject().Field("file", path).Field("applications", n).EndObject().str() << "\n";
  else *inv.out << inv.T("Recap written: ") << path << " (" << n
                << inv.T(" applications)\n");
  return Status::Ok();
}


}  // namespace simpul::node
