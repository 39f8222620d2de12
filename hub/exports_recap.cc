// The SIPERJAKE district recap (hub/exports.h): Indragiri Hilir's
// administrator "receives the data and recaps it in Microsoft Excel" per
// kecamatan and village; here the hub writes that recap from the
// applications themselves.
#include <map>
#include <tuple>

#include "hub/exports.h"
#include "hub/reports/times_source.h"
#include "hub/ui_texts.h"
#include "hub/web/page_strings.h"
#include "schema/local_time.h"
#include "schema/model.h"
#include "schema/regions.h"

namespace simpul::hub {
namespace {

ExportCell Cell(std::string s) { return {std::move(s), 0, ""}; }

std::string TypeLabel(Lang lang, const std::string& code) {
  const schema::CodeLabel* c = schema::FindCode(schema::kApplicationTypes, code);
  return c ? (lang == Lang::kId ? c->label_id : c->label_en) : code;
}

Status CheckDate(const char* field, const std::string& value) {
  int64_t ms = 0;
  if (value.empty() || schema::ParseDate(value, schema::ZoneOfRegion(""), &ms)) return Status::Ok();
  return Status::InvalidArgument(std::string(field) + " must be a date YYYY-MM-DD").WithField(field)
      .WithMsg(MsgId::kDateFormat, {field, value});
}

// Counts per status (kQueueStatuses order) and their total.
struct Tally {
  std::map<std::string, int64_t> by_status;
  int64_t total = 0;
  void Add(const std::string& status, int64_t n = 1) {
    by_status[status] += n;
    total += n;
  }
  void Add(const Tally& t) {
    for (const auto& [s, n] : t.by_status) Add(s, n);
  }
};

}  // namespace

Result<ExportTable> SiperjakeRecapExport(HubStore& store, const RecapPeriod& period, Lang lang) {
  SIMPUL_RETURN_IF_ERROR(CheckDate("from", period.from));
  SIMPUL_RETURN_IF_ERROR(CheckDate("to", period.to));
  if (!period.from.empty() && !period.to.empty() && period.from > period.to)
    return Status::InvalidArgument("from is after to").WithField("from")
        .WithMsg(MsgId::kDashboardPeriod, {"366"});
  // When Dinsos received each application (hub/reports/times_source.h), and
  // its status as the queue folds it.
  SIMPUL_ASSIGN_OR_RETURN(auto timelines, reports::LoadTimelines(store, nullptr));
  std::map<std::string, std::string> received_date;
  for (const auto& t : timelines)
    if (t.received_ms > 0) received_date[t.application_id] = schema::FormatDate(t.received_ms, schema::ZoneOfRegion(t.village));
  QueueFilter all;
  all.limit = 0;
  SIMPUL_ASSIGN_OR_RETURN(QueueResult q, QueryQueue(store, all));
  // (kecamatan, village, type) -> tally
  std::map<std::tuple<std::string, std::string, std::string>, Tally> rows;
  std::map<std::string, std::string> village_names;
  for (const auto& it : q.items) {
    auto date = received_date.find(it.id);
    if (date == received_date.end()) continue;  // not (yet) received at Dinsos
    if ((!period.from.empty() && date->second < period.from) || (!period.to.empty() && date->second > period.to)) continue;
    rows[{it.village.substr(0, 8), it.village, it.type}].Add(it.status);
    village_names[it.village] = it.village_name;
  }
  ExportTable t;
  t.name = std::string(lang == Lang::kId ? "rekap-siperjake" : "siperjake-recap") +
           (period.from.empty() ? "" : "-" + period.from) + (period.to.empty() ? "" : "-" + period.to);
  t.columns = {{Tr(lang, "Kecamatan code"), CellKind::kText, 12}, {Tr(lang, "Kecamatan"), CellKind::kText, 22},
               {Tr(lang, "Village code"), CellKind::kText, 15},   {Tr(lang, "Village"), CellKind::kText, 22},
               {Tr(lang, "Type"), CellKind::kText, 30}};
  for (const char* s : kQueueStatuses) t.columns.push_back({StatusLabel(lang, s), CellKind::kNumber, 11});
  t.columns.push_back({Tr(lang, "Total"), CellKind::kNumber, 10});
  schema::DbRegionLookup regions(store.db());
  auto emit = [&](const std::string& kec, const std::string& kec_name, const std::string& village,
                  const std::string& village_name, const std::string& type, const Tally& tally) {
    std::vector<ExportCell> row = {Cell(kec), Cell(kec_name), Cell(village), Cell(village_name), Cell(type)};
    for (const char* s : kQueueStatuses) {
      auto n = tally.by_status.find(s);
      row.push_back(Cell(std::to_string(n == tally.by_status.end() ? 0 : n->second)));
    }
    row.push_back(Cell(std::to_string(tally.total)));
    t.rows.push_back(std::move(row));
  };
  Tally district, kecamatan;
  std::string current;
  auto close_kecamatan = [&] {
    if (current.empty()) return;
    emit(current, regions.Name(current), "", Tr(lang, "Kecamatan total"), "", kecamatan);
    kecamatan = Tally{};
  };
  for (const auto& [key, tally] : rows) {
    const auto& [kec, village, type] = key;
    if (kec != current) {
      close_kecamatan();
      current = kec;
    }
    emit(kec, regions.Name(kec), village, village_names[village], TypeLabel(lang, type), tally);
    kecamatan.Add(tally);
    district.Add(tally);
  }
  close_kecamatan();
  emit("", Tr(lang, "District total"), "", "", "", district);
  return t;
}

}  // namespace simpul::hub
