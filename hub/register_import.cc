#include "hub/register_import.h"

#include "hub/operations.h"
#include "schema/ids.h"
#include "schema/regions.h"
#include "schema/tables.h"
#include "schema/local_time.h"
#include "sync/change_capture.h"
#include "sync/wire/messages.h"

namespace simpul::hub {
namespace {

std::string TodayUtc(HubStore& store) { return schema::FormatUtcDate(static_cast<int64_t>(store.NowMs())); }

// The hub writing records of `village` as that village's operator would:
// the village's checks (sync/record_input.h, scoped to the village's rows),
// its fields, snapshot changes in the hub's log (see register_import.h).
class HubRegisterTarget : public sync::RegisterTarget {
 public:
  HubRegisterTarget(HubStore& store, std::string village)
      : store_(store),
        village_(std::move(village)),
        today_(TodayUtc(store)),
        writer_(store.db(), store.hlc(), sync::Role::kVillage, sync::ChangeSink::kChangelog,
                sync::wire::kFlagSnapshot) {}

  schema::Db& db() override { return store_.db(); }
  const std::string& village() const override { return village_; }

  Result<Created> Create(sync::Entity e, const sync::Options& opts) override {
    sync::RecordContext ctx{store_.db(), today_, village_};
    Created made;
    SIMPUL_ASSIGN_OR_RETURN(auto fields, sync::BuildRecordFields(ctx, e, opts, /*creating=*/true, &made.warnings));
    if (e == sync::Entity::kPerson) sync::AddPersonWarnings(ctx, "", fields, &made.warnings);
    if (e == sync::Entity::kApplication) {
      // As node/records.cc CreateRecord: the applicant's household, and when.
      if (!sync::FindValue(fields, "household_id")) {
        SIMPUL_ASSIGN_OR_RETURN(schema::Value hh,
                                sync::RecordColumn(store_.db(), sync::Entity::kPerson,
                                                   sync::TextOf(*sync::FindValue(fields, "applicant_id")),
                                                   "household_id"));
        fields.push_back({"household_id", hh});
      }
      fields.push_back({"created_at", UtcNow()});
    }
    made.id = schema::NewRowId(store_.NowMs());
    SIMPUL_ASSIGN_OR_RETURN(auto out, writer_.Write(*schema::FindTable(sync::EntityTable(e)), made.id, village_, fields));
    (void)out;
    return made;
  }

  Status SetHead(const std::string& household, const std::string& person) override {
    sync::RecordContext ctx{store_.db(), today_, village_};
    SIMPUL_ASSIGN_OR_RETURN(auto fields, sync::BuildRecordFields(ctx, sync::Entity::kHousehold,
                                                                 {{"head", person}}, /*creating=*/false, nullptr));
    return writer_.Write(*schema::FindTable("households"), household, village_, fields).status();
  }

 private:
  std::string UtcNow() { return schema::FormatUtcIso(static_cast<int64_t>(store_.NowMs())); }

  HubStore& store_;
  const std::string village_;
  const std::string today_;
  sync::ChangeWriter writer_;
};

// A village code of the Kemendagri lists with an active laptop enrolled:
// only then does anyone receive what is imported for it.
Status CheckVillage(HubStore& store, const std::string& village) {
  auto level = schema::ValidateRegionCode(village, nullptr);
  if (!level.ok() || *level != schema::RegionLevel::kVillage)
    return Status::InvalidArgument(village + " is not a village code")
        .WithField("--village")
        .WithMsg(MsgId::kRegionNotVillage, {village});
  SIMPUL_ASSIGN_OR_RETURN(auto enrolled,
                          QueryRows(store, "SELECT 1 FROM nodes WHERE village=? AND status='active' LIMIT 1", {village}));
  if (enrolled.empty())
    return Status::FailedPrecondition("village " + village + " has no enrolled node")
        .WithField("--village")
        .WithMsg(MsgId::kImportVillageNotEnrolled, {village});
  return Status::Ok();
}

}  // namespace

Result<sync::RegisterImport> ImportVillageRegister(HubStore& store, const std::string& village, std::string bytes,
                                                   const sync::RegisterImportOptions& options, Lang lang,
                                                   const std::string& file_name) {
  SIMPUL_RETURN_IF_ERROR(CheckVillage(store, village));
  SIMPUL_ASSIGN_OR_RETURN(HubWrite w, store.BeginWrite());
  HubRegisterTarget target(store, village);
  SIMPUL_ASSIGN_OR_RETURN(sync::RegisterImport report,
                          sync::ImportRegisterLines(target, std::move(bytes), options, lang));
  if (!sync::ShouldCommit(report, options)) return report;  // `w` rolls back
  SIMPUL_RETURN_IF_ERROR(store.Audit(
      "register_import", village, file_name,
      std::to_string(report.lines) + " lines: " + std::to_string(report.households) + " households, " +
          std::to_string(report.persons) + " persons, " + std::to_string(report.applications) +
          " applications, " + std::to_string(report.households_joined) + " households joined, " +
          std::to_string(report.error_count) + " bad lines skipped"));
  SIMPUL_RETURN_IF_ERROR(w.Commit());
  report.written = true;
  return report;
}

}  // namespace simpul::hub
