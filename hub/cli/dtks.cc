// simpul-hub commands for the DTKS register and duplicate beneficiaries:
// `dtks import FILE.csv`, `dtks show NIK`, `duplicates`, and what
// `application show` says about the applicant's DTKS status, other records
// of the same NIK and the same benefit held elsewhere.
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>

#include "hub/cli/internal.h"
#include "hub/dtks_import.h"
#include "hub/duplicates.h"
#include "hub/score_check.h"
#include "schema/dtks.h"
#include "schema/duplicates.h"
#include "schema/store_files.h"

namespace simpul::hub::cli {
namespace {

// A snapshot of every NIK of a province is ~50 MB; more is not a CSV export.
constexpr uint64_t kMaxDtksFileBytes = 256ull << 20;

std::string Delimiter(char d) { return d == ';' ? "semicolon" : d == '\t' ? "tab" : "comma"; }

}  // namespace

Status CmdDtksImport(Args& a) {
  SIMPUL_RETURN_IF_ERROR(Need(a, 1, {}));
  SIMPUL_ASSIGN_OR_RETURN(std::string bytes, schema::ReadFileBounded(a.words[0], kMaxDtksFileBytes));
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenHub(a));
  DtksImportOptions options;
  options.source = Opt(a, "source", schema::kSourceDtks);
  options.file_name = a.words[0];
  SIMPUL_ASSIGN_OR_RETURN(DtksImportReport r, ImportDtks(*store, std::move(bytes), options));
  const char* encoding = r.encoding == schema::TextEncoding::kUtf8 ? "UTF-8" : "Windows-1252";
  if (r.error_count > 0) {
    if (a.json) {
      schema::JsonWriter j;
      j.BeginObject().Field("imported", false).Field("problems", static_cast<int64_t>(r.error_count)).Key("errors").BeginArray();
      for (const auto& e : r.errors)
        j.BeginObject().Field("line", e.line).Field("column", e.column).Field("message", Describe(a.lang, e.status)).EndObject();
      std::cout << j.EndArray().EndObject().str() << "\n";
    } else {
      for (const auto& e : r.errors)
        std::cerr << Msg(a.lang, MsgId::kSheetLineError, {std::to_string(e.line), e.column.empty() ? "-" : e.column,
                                                         Describe(a.lang, e.status)}) << "\n";
      if (r.error_count > r.errors.size())
        std::cerr << "... " << (r.error_count - r.errors.size()) << a.T(" more problem(s) not shown") << "\n";
    }
    return Status::InvalidArgument("the DTKS file has problems; nothing was imported")
        .WithMsg(MsgId::kSheetFileRefused, {std::to_string(r.error_count)});
  }
  if (a.json) {
    std::cout << schema::JsonWriter().BeginObject().Field("imported", true).Field("source", options.source)
                     .Field("encoding", encoding).Field("delimiter", Delimiter(r.delimiter))
                     .Field("rows", static_cast<int64_t>(r.rows)).Field("villages", static_cast<int64_t>(r.villages))
                     .Field("created", static_cast<int64_t>(r.created)).Field("updated", static_cast<int64_t>(r.updated))
                     .Field("unchanged", static_cast<int64_t>(r.unchanged)).Field("moved", static_cast<int64_t>(r.moved))
                     .Field("skipped_older", static_cast<int64_t>(r.skipped_older))
                     .Field("oldest_snapshot", r.oldest_snapshot).Field("newest_snapshot", r.newest_snapshot)
                     .EndObject().str() << "\n";
    return Status::Ok();
  }
  const char* dialect = r.delimiter == ';'    ? a.T("semicolon-separated")
                        : r.delimiter == '\t' ? a.T("tab-separated")
                                              : a.T("comma-separated");
  std::cout << a.T("DTKS snapshot imported: ") << r.rows << a.T(" rows in ") << r.villages << a.T(" villages (")
            << encoding << ", " << dialect
            << ")\n  " << r.created << a.T(" new, ") << r.updated << a.T(" changed, ") << r.unchanged
            << a.T(" unchanged, ") << r.moved << a.T(" moved to another village, ") << r.skipped_older
            << a.T(" older than what the hub holds (kept)") << "\n  " << a.T("Snapshot date: ") << r.oldest_snapshot
            << (r.oldest_snapshot == r.newest_snapshot ? "" : " .. " + r.newest_snapshot) << "\n"
            << a.T("Each village receives its own rows at its next sync.") << "\n";
  return Status::Ok();
}

Status CmdDtksShow(Args& a) {
  SIMPUL_RETURN_IF_ERROR(Need(a, 1, {}));
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenHub(a));
  SIMPUL_ASSIGN_OR_RETURN(schema::NikInfo nik, schema::ValidateNik(a.words[0], nullptr, nullptr));
  SIMPUL_ASSIGN_OR_RETURN(schema::DtksStatus s, schema::LookupDtks(store->db(), nik.nik));
  SIMPUL_RETURN_IF_ERROR(AuditNow(*store, "read_dtks", s.village, "nik:" + nik.nik.substr(0, 4) + "********" +
                                  nik.nik.substr(12), s.listed ? "listed" : "not listed"));
  if (a.json) {
    schema::JsonWriter j;
    schema::DtksJson(j, s);
    std::cout << j.str() << "\n";
    return Status::Ok();
  }
  std::cout << schema::DescribeDtks(a.lang, s) << "\n";
  if (s.listed) std::cout << "  " << s.name << "  " << a.T("village ") << s.village << "\n";
  return Status::Ok();
}

Status CmdDuplicates(Args& a) {
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenHub(a));
  SIMPUL_ASSIGN_OR_RETURN(auto dups, schema::ListDuplicateNiks(store->db(), Opt(a, "village")));
  // A list of residents' names and NIKs: audited like reading a person.
  SIMPUL_RETURN_IF_ERROR(AuditNow(*store, "read_duplicates", Opt(a, "village"), "",
                                  std::to_string(dups.size()) + " NIKs"));
  schema::JsonWriter j;
  j.BeginArray();
  for (const auto& d : dups) {
    if (a.json) {
      j.BeginObject().Field("nik", d.nik).Key("persons").BeginArray();
      for (const auto& p : d.persons)
        j.BeginObject().Field("id", p.id).Field("village", p.village).Field("household_id", p.household_id)
            .Field("name", p.name).EndObject();
      j.EndArray().EndObject();
      continue;
    }
    std::cout << "NIK " << d.nik << "  " << d.persons.size() << a.T(" records") << "\n";
    for (const auto& p : d.persons)
      std::cout << "    " << p.id << "  " << a.T("village ") << p.village << "  " << a.T("household ")
                << (p.household_id.empty() ? "-" : p.household_id) << "  " << p.name << "\n";
  }
  if (a.json) std::cout << j.EndArray().str() << "\n";
  else if (dups.empty()) std::cout << a.T("No NIK is recorded twice.") << "\n";
  else std::cout << a.T("Never merged automatically: check each and correct or remove the wrong record.") << "\n";
  return Status::Ok();
}

Status PrintApplicationBeneficiary(const Args& a, HubStore& store, const Row& app, schema::JsonWriter* j) {
  std::string nik;
  if (auto p = ReadRow(store, "persons", Get(app, "applicant_id")); p.ok()) nik = Get(*p, "nik");
  SIMPUL_ASSIGN_OR_RETURN(schema::DtksStatus dtks, schema::LookupDtks(store.db(), nik));
  SIMPUL_ASSIGN_OR_RETURN(auto others, schema::PersonsWithNik(store.db(), nik, Get(app, "applicant_id")));
  SIMPUL_ASSIGN_OR_RETURN(auto held, BenefitsHeld(store, app));
  SIMPUL_ASSIGN_OR_RETURN(ScoreCheck score, CheckScore(store, app));
  if (j) {
    if (score.standing.applies)
      j->Key("threshold").BeginObject().Field("text", score.standing.threshold)
          .Field("scored", score.standing.answered).Field("met", score.standing.meets).EndObject();
    j->Key("dtks");
    schema::DtksJson(*j, dtks);
    j->Key("duplicates").BeginArray();
    for (const auto& p : others)
      j->BeginObject().Field("person_id", p.id).Field("village", p.village).Field("household_id", p.household_id)
          .Field("name", p.name).EndObject();
    j->EndArray().Key("benefits_held").BeginArray();
    for (const auto& h : held)
      j->BeginObject().Field("application_id", h.app_id).Field("village", h.village).Field("type", h.type)
          .Field("service_type", h.service_type).Field("status", h.status).EndObject();
    j->EndArray();
    return Status::Ok();
  }
  if (score.standing.applies) std::cout << "  " << DescribeScoreCheck(a.lang, score) << "\n";
  if (nik.empty()) return Status::Ok();
  std::cout << "  " << schema::DescribeDtks(a.lang, dtks) << "\n";
  for (const auto& p : others) std::cout << "  " << schema::DescribeDuplicate(a.lang, nik, p) << "\n";
  for (const auto& h : held)
    std::cout << "  " << a.T("ALREADY HELD: ") << h.type << (h.service_type.empty() ? "" : "/" + h.service_type)
              << " " << h.app_id << " (" << a.T("village ") << h.village << ", " << h.status << ")\n";
  return Status::Ok();
}

}  // namespace simpul::hub::cli
