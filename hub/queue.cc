#include "hub/queue.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <map>
#include <optional>

#include "hub/app_index.h"
#include "hub/operations.h"
#include "hub/rules.h"
#include "schema/messages.h"
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

// NN.NN.NN
bool IsKecamatanCode(const std::string& s) {
  if (s.size() != 8) return false;
  for (size_t i = 0; i < s.size(); ++i)
    if (i == 2 || i == 5 ? s[i] != '.' : !std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  return true;
}

// The stage the item waits for and when it is due (QueueItem): the rule's
// stages in order, each due `sla_hours` after the last one recorded before
// it; with every stage passed, the decision's.
void SetDue(QueueItem& item, const schema::ServiceRule* rule, int64_t received_ms,
            const std::vector<reports::StageMark>& marks) {
  if (!rule || received_ms <= 0 || (item.status != "submitted" && item.status != "in_review")) return;
  constexpr int64_t kHourMs = 3'600'000;
  int64_t prev = received_ms;
  for (const auto& stage : rule->stages) {
    auto mark = std::find_if(marks.begin(), marks.end(), [&](const reports::StageMark& m) { return m.code == stage.code; });
    if (mark == marks.end()) {
      item.next_stage = stage.code;
      item.next_stage_title_id = stage.title_id;
      item.next_stage_title_en = stage.title_en;
      item.due_ms = prev + stage.sla_hours * kHourMs;
      return;
    }
    prev = std::max(prev, mark->at_ms);
  }
  item.due_ms = prev + rule->approval_sla_hours * kHourMs;
}

// Applications waiting at Dinsos for `stage`: for each rule naming it, those
// the rule governs whose stages before it have passed and it has not
// (the index's stage marks, ",code=ms,...": matched whole with instr).
std::string WaitingForStage(const schema::ServiceRules& rules, const std::string& stage, const std::string& status,
                            std::vector<std::string>* binds) {
  auto passed = [](const std::string& code) {
    return "instr(',' || coalesce(x.stages,'') || ',', '," + code + "=')>0";
  };
  std::string any;
  for (const auto& rule : rules.services) {
    auto at = std::find_if(rule.stages.begin(), rule.stages.end(),
                           [&](const schema::StageRule& s) { return s.code == stage; });
    if (at == rule.stages.end()) continue;
    std::string cond = "(a.type=?";
    binds->push_back(rule.application_type);
    if (!rule.service_type.empty()) {
      cond += " AND coalesce(a.service_type,'')=?";
      binds->push_back(rule.service_type);
    } else {  // the type's other service types, those no rule of their own names
      for (const auto& other : rules.services)
        if (other.application_type == rule.application_type && !other.service_type.empty()) {
          cond += " AND coalesce(a.service_type,'')!=?";
          binds->push_back(other.service_type);
        }
    }
    // Stage codes are [a-z0-9_] (the rules parser), safe inside the literal.
    for (auto it = rule.stages.begin(); it != at; ++it) cond += " AND " + passed(it->code);
    cond += " AND NOT " + passed(stage) + ")";
    any += (any.empty() ? "" : " OR ") + cond;
  }
  return " AND " + status + " IN ('submitted','in_review') AND (" + (any.empty() ? "0" : any) + ")";
}

}  // namespace

Result<QueueResult> QueryQueue(HubStore& store, const QueueFilter& f) {
  if (!f.status.empty())
    SIMPUL_RETURN_IF_ERROR(schema::CheckEnum("status", f.status, schema::KnownStatuses(), schema::IsKnownStatus(f.status)));
  if (!f.type.empty())
    SIMPUL_RETURN_IF_ERROR(schema::CheckEnum("type", f.type, schema::ListCodes(schema::kApplicationTypes),
                                             schema::FindCode(schema::kApplicationTypes, f.type)));
  if (f.search.size() > 100) return Status::InvalidArgument("search text over 100 characters").WithField("q");
  // The newest rules only for a stage filter: every queue request would
  // otherwise read and parse them for nothing (deadlines use each
  // application's own version, below).
  schema::ServiceRules rules;
  if (!f.stage.empty()) {
    SIMPUL_ASSIGN_OR_RETURN(rules, CurrentRules(store));
    bool known = false;
    for (const auto& rule : rules.services)
      for (const auto& s : rule.stages) known |= s.code == f.stage;
    if (!known) return Status::InvalidArgument("no service rule has a stage '" + f.stage + "'").WithField("stage")
        .WithMsg(MsgId::kBadOptionValue, {"stage", f.stage});
  }
  if (!f.kecamatan.empty() && !IsKecamatanCode(f.kecamatan))
    return Status::InvalidArgument("kecamatan must be a code NN.NN.NN").WithField("kecamatan")
        .WithMsg(MsgId::kBadOptionValue, {"kecamatan", f.kecamatan});
  // Statuses come from the application index (hub/app_index.h): no history
  // is folded here. An application without a row has no event: a draft.
  SIMPUL_RETURN_IF_ERROR(SettleAppIndex(store));
  const std::string status = "coalesce(x.status,'draft')";
  // The joins the stage filter reads are the index's own (x).
  // The person and household are joined to filter only when searching, and
  // to show only for the rows of the page.
  const std::string people = " LEFT JOIN persons p ON p.id=a.applicant_id LEFT JOIN households h ON h.id=a.household_id";
  std::string from = " FROM applications a LEFT JOIN app_index x ON x.app_id=a.id" + (f.search.empty() ? "" : people);
  std::string where = " WHERE a.deleted=0";
  std::vector<std::string> binds;
  if (!f.type.empty()) {
    where += " AND a.type=?";
    binds.push_back(f.type);
  }
  if (!f.village.empty()) {
    where += " AND a.village=?";
    binds.push_back(f.village);
  }
  if (!f.kecamatan.empty()) {  // its villages: "NN.NN.NN.NNNN"
    where += " AND a.village LIKE ?";
    binds.push_back(f.kecamatan + ".%");
  }
  if (!f.stage.empty()) where += WaitingForStage(rules, f.stage, status, &binds);
  if (!f.search.empty()) {
    if (AllDigits(f.search) && f.search.size() >= 4 && f.search.size() <= 16) {
      where += " AND (p.nik LIKE ? ESCAPE '\\' OR h.no_kk LIKE ? ESCAPE '\\')";
      binds.push_back(LikeLiteral(f.search) + "%");
      binds.push_back(LikeLiteral(f.search) + "%");
    } else {
      where += " AND p.name LIKE ? ESCAPE '\\'";  // SQLite's LIKE ignores ASCII case
      binds.push_back("%" + LikeLiteral(f.search) + "%");
    }
  }
  QueueResult out;
  // The tabs: every status among the applications the other filters match.
  SIMPUL_ASSIGN_OR_RETURN(auto counts, QueryRows(store, "SELECT " + status + " AS status, count(*) AS n" + from +
                                                            where + " GROUP BY 1", binds));
  for (const auto& r : counts) {
    int64_t n = std::atoll(RowText(r, "n").c_str());
    out.counts[RowText(r, "status")] = n;
    if (f.status.empty() || RowText(r, "status") == f.status) out.matched += n;
  }
  if (!f.status.empty()) {
    where += " AND " + status + "=?";
    binds.push_back(f.status);
  }
  // Longest waiting first; ties by id so the order is stable.
  const std::string order = " ORDER BY coalesce(x.since_ms,0), a.id";
  SIMPUL_ASSIGN_OR_RETURN(auto rows, QueryRows(store,
      "SELECT a.id, a.village, coalesce(r.name,'') AS village_name, a.type, coalesce(p.name,'') AS applicant_name,"
      " coalesce(a.letter_number,'') AS letter_number, a.score, coalesce(p.nik,'') AS nik,"
      " coalesce(h.no_kk,'') AS no_kk, " + status + " AS status, coalesce(x.since_ms,0) AS since_ms,"
      " coalesce(x.received_ms,0) AS received_ms, coalesce(x.stages,'') AS stages,"
      " coalesce(a.service_type,'') AS service_type, coalesce(a.rules_version,'') AS rules_version"
      " FROM (SELECT a.id" + from + where + order + (f.limit > 0 ? " LIMIT " + std::to_string(f.limit) : std::string()) +
      ") page JOIN applications a ON a.id=page.id LEFT JOIN app_index x ON x.app_id=a.id" + people +
      " LEFT JOIN regions r ON r.code=a.village" + order, binds));
  // Each application's deadlines come from the rules it was submitted under.
  std::map<std::string, schema::ServiceRules> rules_at;  // by rules_version ("": from before schema 17)
  for (const auto& r : rows) {
    QueueItem item{RowText(r, "id"), RowText(r, "village"), RowText(r, "village_name"), RowText(r, "type"),
                   RowText(r, "applicant_name"), RowText(r, "status"), RowText(r, "letter_number")};
    item.since_ms = std::atoll(RowText(r, "since_ms").c_str());
    item.nik = RowText(r, "nik");
    item.no_kk = RowText(r, "no_kk");
    std::string score = RowText(r, "score");
    if (!score.empty()) {
      item.has_score = true;
      item.score = std::atof(score.c_str());
    }
    const std::string version = RowText(r, "rules_version");
    auto at = rules_at.find(version);
    if (at == rules_at.end()) {
      std::optional<int64_t> v;
      if (!version.empty()) v = std::atoll(version.c_str());
      SIMPUL_ASSIGN_OR_RETURN(schema::ServiceRules those, schema::ServiceRulesAt(store.db(), v));
      at = rules_at.emplace(version, std::move(those)).first;
    }
    SetDue(item, at->second.Find(item.type, RowText(r, "service_type")), std::atoll(RowText(r, "received_ms").c_str()),
           DecodeStages(RowText(r, "stages")));
    out.items.push_back(std::move(item));
  }
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
