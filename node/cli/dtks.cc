// simpul-node: the DTKS status and duplicate NIKs, looked up offline in the
// village's own store (its `dtks` rows arrive from the hub at each sync):
// `dtks show --nik NIK`, and what `person add`, `person show` and
// `application show` say about the person's NIK.
#include <iostream>

#include "node/cli/internal.h"
#include "schema/dtks.h"
#include "schema/duplicates.h"
#include "schema/json_writer.h"
#include "schema/validate.h"

namespace simpul::node {
namespace {

void PrintChecks(Invocation& inv, const std::string& nik, const schema::DtksStatus& dtks,
                 const std::vector<schema::PersonRef>& others) {
  *inv.out << "  " << schema::DescribeDtks(inv.lang, dtks) << "\n";
  for (const auto& p : others) *inv.err << schema::DescribeDuplicate(inv.lang, nik, p) << "\n";
}

void ChecksJson(schema::JsonWriter& j, const schema::DtksStatus& dtks, const std::vector<schema::PersonRef>& others) {
  j.Key("dtks");
  schema::DtksJson(j, dtks);
  j.Key("duplicates").BeginArray();
  for (const auto& p : others)
    j.BeginObject().Field("person_id", p.id).Field("village", p.village).Field("household_id", p.household_id)
        .Field("name", p.name).EndObject();
  j.EndArray();
}

Status DtksShow(Invocation& inv) {
  if (!inv.opts.count("nik"))
    return Status::InvalidArgument("--nik is required").WithMsg(MsgId::kMissingOption, {"--nik"});
  SIMPUL_ASSIGN_OR_RETURN(schema::NikInfo nik, schema::ValidateNik(inv.opts["nik"], nullptr, nullptr));
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenForCommand(inv));
  SIMPUL_ASSIGN_OR_RETURN(schema::DtksStatus dtks, schema::LookupDtks(store->db(), nik.nik));
  SIMPUL_ASSIGN_OR_RETURN(auto others, schema::PersonsWithNik(store->db(), nik.nik));
  if (inv.json) {
    schema::JsonWriter j;
    j.BeginObject().Field("nik", nik.nik);
    ChecksJson(j, dtks, others);
    *inv.out << j.EndObject().str() << "\n";
    return Status::Ok();
  }
  *inv.out << "NIK " << nik.nik << "\n";
  PrintChecks(inv, nik.nik, dtks, {});
  for (const auto& p : others)
    *inv.out << "  " << inv.T("registered here: ") << p.name << " (" << p.id << ")\n";
  return Status::Ok();
}

}  // namespace

Handler DtksShowHandler() { return DtksShow; }

Status PrintBeneficiaryChecks(Invocation& inv, NodeStore& store, const std::string& person_id, schema::JsonWriter* j) {
  std::string nik;
  if (auto p = ReadRecord(store, Entity::kPerson, person_id); p.ok())
    for (const auto& [k, v] : *p)
      if (k == "nik" && std::holds_alternative<std::string>(v)) nik = std::get<std::string>(v);
  SIMPUL_ASSIGN_OR_RETURN(schema::DtksStatus dtks, schema::LookupDtks(store.db(), nik));
  SIMPUL_ASSIGN_OR_RETURN(auto others, schema::PersonsWithNik(store.db(), nik, person_id));
  if (j) {
    ChecksJson(*j, dtks, others);
  } else if (!nik.empty()) {
    PrintChecks(inv, nik, dtks, others);
  }
  return Status::Ok();
}

}  // namespace simpul::node
