#include "hub/queue.h"

#include <algorithm>
#include <cctype>

#include "hub/history.h"
#include "hub/operations.h"
#include "schema/model.h"
#include "schema/validate.h"
#include "schema/workflow.h"

namespace simpul::hub {
namespace {

bool AllDigits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

// A LIKE pattern matching `s` literally (with ESCAPE '\').
std::string LikeLiteral(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '%' || c == '_' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

// Above this many applications the queue reads every history in one query.
constexpr size_t kBulkHistoryFrom = 50;

}  // namespace

Result<QueueResult> QueryQueue(HubStore& store, const QueueFilter& f) {
  if (!f.status.empty())
    SIMPUL_RETURN_IF_ERROR(schema::CheckEnum("status", f.status, schema::KnownStatuses(), schema::IsKnownStatus(f.status)));
  if (!f.type.empty())
    SIMPUL_RETURN_IF_ERROR(schema::CheckEnum("type", f.type, schema::ListCodes(schema::kApplicationTypes),
                                             schema::FindCode(schema::kApplicationTypes, f.type)));
  if (f.search.size() > 100) return Status::InvalidArgument("search text over 100 characters").WithField("q");
  std::string sql =
      "SELECT a.id, a.village, coalesce(r.name,'') AS village_name, a.type, coalesce(p.name,'') AS applicant_name,"
      " coalesce(a.letter_number,'') AS letter_number, a.score, coalesce(p.nik,'') AS nik,"
      " coalesce(h.no_kk,'') AS no_kk"
      " FROM applications a LEFT JOIN persons p ON p.id=a.applicant_id"
      " LEFT JOIN households h ON h.id=a.household_id LEFT JOIN regions r ON r.code=a.village"
      " WHERE a.deleted=0";
  std::vector<std::string> binds;
  if (!f.type.empty()) {
    sql += " AND a.type=?";
    binds.push_back(f.type);
  }
  if (!f.village.empty()) {
    sql += " AND a.village=?";
    binds.push_back(f.village);
  }
  if (!f.search.empty()) {
    if (AllDigits(f.search) && f.search.size() >= 4 && f.search.size() <= 16) {
      sql += " AND (p.nik LIKE ? ESCAPE '\\' OR h.no_kk LIKE ? ESCAPE '\\')";
      binds.push_back(LikeLiteral(f.search) + "%");
      binds.push_back(LikeLiteral(f.search) + "%");
    } else {
      sql += " AND p.name LIKE ? ESCAPE '\\'";  // SQLite's LIKE ignores ASCII case
      binds.push_back("%" + LikeLiteral(f.search) + "%");
    }
  }
  SIMPUL_ASSIGN_OR_RETURN(auto rows, QueryRows(store, sql, binds));
  // Statuses: one query for all the events when the applications are many
  // (the whole district's queue), one per application when few (a search).
  std::map<std::string, History> histories;
  const bool bulk = rows.size() > kBulkHistoryFrom;
  if (bulk) {
    SIMPUL_ASSIGN_OR_RETURN(histories, ReadHistories(store, f.village));
  }
  QueueResult out;
  for (const auto& r : rows) {
    QueueItem item{RowText(r, "id"), RowText(r, "village"), RowText(r, "village_name"), RowText(r, "type"),
                   RowText(r, "applicant_name"), "", RowText(r, "letter_number")};
    History h;
    if (!bulk) {
      SIMPUL_ASSIGN_OR_RETURN(h, ReadHistory(store, item.id));
    } else if (auto it = histories.find(item.id); it != histories.end()) {
      h = std::move(it->second);
    } else {
      h.state = schema::FoldWorkflow({});
    }
    item.status = h.state.status;
    item.since_ms = h.since_ms;
    item.nik = RowText(r, "nik");
    item.no_kk = RowText(r, "no_kk");
    std::string score = RowText(r, "score");
    if (!score.empty()) {
      item.has_score = true;
      item.score = std::atof(score.c_str());
    }
    ++out.counts[item.status];
    if (!f.status.empty() && item.status != f.status) continue;
    ++out.matched;
    out.items.push_back(std::move(item));
  }
  // Longest waiting first; ties by id so the order is stable.
  std::sort(out.items.begin(), out.items.end(), [](const QueueItem& a, const QueueItem& b) {
    return a.since_ms != b.since_ms ? a.since_ms < b.since_ms : a.id < b.id;
  });
  if (f.limit > 0 && out.items.size() > static_cast<size_t>(f.limit)) out.items.resize(static_cast<size_t>(f.limit));
  return out;
}

Result<std::vector<std::pair<std::string, std::string>>> QueueVillages(HubStore& store) {
  SIMPUL_ASSIGN_OR_RETURN(auto rows, QueryRows(store,
      "SELECT DISTINCT a.village, coalesce(r.name,'') AS name FROM applications a"
      " LEFT JOIN regions r ON r.code=a.village WHERE a.deleted=0 ORDER BY name, a.village", {}));
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& r : rows) out.emplace_back(RowText(r, "village"), RowText(r, "name"));
  return out;
}

}  // namespace simpul::hub
