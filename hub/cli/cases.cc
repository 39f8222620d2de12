// simpul-hub case ...: B'DESUT complaint cases at Dinsos (hub/cases.h). One
// entry in the command table ("case"); the subcommands, each with its own
// permission, are here.
#include <algorithm>
#include <iomanip>
#include <iostream>

#include "hub/cases.h"
#include "hub/cli/internal.h"
#include "schema/local_time.h"
#include "schema/model.h"
#include "schema/validate.h"

namespace simpul::hub::cli {
namespace {

std::string LangCode(const Args& a) { return a.lang == Lang::kId ? "id" : "en"; }

template <size_t N>
std::string Label(const Args& a, const schema::CodeLabel (&table)[N], const std::string& code) {
  const schema::CodeLabel* c = schema::FindCode(table, code);
  if (!c) return code;
  return a.lang == Lang::kId ? c->label_id : c->label_en;
}

std::string StatusLabel(const Args& a, const std::string& s) { return CaseStatusLabel(a.lang, s); }
std::string StepLabel(const Args& a, const std::string& k) { return CaseStepLabel(a.lang, k); }

std::string NumberText(const Args& a, const schema::CaseView& c) {
  return c.number.empty() ? std::string(a.T("(number pending)")) : c.number;
}

std::string When(const Args& a, const schema::CaseView& c, int64_t ms) {
  return ms > 0 ? schema::FormatShortDateTime(ms, schema::ZoneOfRegion(c.village), LangCode(a)) : "";
}

void PrintLine(const Args& a, const schema::CaseView& c) {
  std::cout << c.id << "  " << std::left << std::setw(18) << NumberText(a, c) << c.village << "  " << std::setw(13)
            << StatusLabel(a, c.state.status) << "[" << c.urgency << "] " << c.category << "  " << a.T("due") << " "
            << When(a, c, c.due_ms) << (c.overdue ? a.T("  OVERDUE") : "") << "\n";
}

Status PrintCases(const Args& a, const std::vector<schema::CaseView>& cases) {
  schema::JsonWriter j;
  j.BeginArray();
  for (const auto& c : cases) {
    if (a.json) schema::WriteCaseJson(j, c, true);
    else PrintLine(a, c);
  }
  if (a.json) std::cout << j.EndArray().str() << "\n";
  else if (cases.empty()) std::cout << a.T("(none)\n");
  return Status::Ok();
}

Status CheckFilters(const Args& a, schema::CaseQuery* q) {
  q->village = Opt(a, "village");
  q->status = Opt(a, "status");
  q->category = Opt(a, "category");
  q->overdue_only = a.opts.count("overdue") > 0;
  if (!q->status.empty())  // a typo must not read as "no cases"
    SIMPUL_RETURN_IF_ERROR(schema::CheckEnum("--status", q->status, schema::kCaseStatusList,
                                             schema::IsKnownCaseStatus(q->status)));
  if (!q->category.empty())
    SIMPUL_RETURN_IF_ERROR(schema::CheckEnum("--category", q->category, schema::ListCodes(schema::kComplaintCategories),
                                             schema::FindCode(schema::kComplaintCategories, q->category) != nullptr));
  return Status::Ok();
}

Status CaseOpen(Args& a) {
  SIMPUL_RETURN_IF_ERROR(Need(a, 0, {"village", "category", "description"}));
  NewCase c{Opt(a, "village"), Opt(a, "category"), Opt(a, "urgency", "normal"), Opt(a, "description"),
            Opt(a, "person"), Opt(a, "household")};
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenHub(a));
  SIMPUL_ASSIGN_OR_RETURN(std::string id, OpenCase(*store, c));
  SIMPUL_ASSIGN_OR_RETURN(schema::CaseView v, LoadHubCase(*store, id));
  if (a.json) {
    schema::JsonWriter j;
    schema::WriteCaseJson(j, v, true);
    std::cout << j.str() << "\n";
  } else {
    std::cout << a.T("Case opened for village ") << v.village << ": " << NumberText(a, v) << "  (" << v.id << ")\n  "
              << a.T("due") << " " << When(a, v, v.due_ms) << a.T(" (goes to the village at its next sync)\n");
  }
  return Status::Ok();
}

Status CaseList(Args& a) {
  schema::CaseQuery q;
  SIMPUL_RETURN_IF_ERROR(CheckFilters(a, &q));
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenHub(a));
  SIMPUL_ASSIGN_OR_RETURN(auto cases, LoadHubCases(*store, q));
  return PrintCases(a, cases);
}

// Open cases, the soonest due first: what Dinsos handles next.
Status CaseInbox(Args& a) {
  schema::CaseQuery q;
  SIMPUL_RETURN_IF_ERROR(CheckFilters(a, &q));
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenHub(a));
  SIMPUL_ASSIGN_OR_RETURN(auto cases, LoadCaseInbox(*store, q));
  return PrintCases(a, cases);
}

Status CaseCounts(Args& a) {
  SIMPUL_RETURN_IF_ERROR(Need(a, 0, {"year"}));
  const std::string y = Opt(a, "year");
  int year = y.size() == 4 && y.find_first_not_of("0123456789") == std::string::npos ? std::stoi(y) : 0;
  if (year == 0)
    return Status::InvalidArgument("--year must be a year like 2026").WithField("--year")
        .WithMsg(MsgId::kBadOptionValue, {"--year", y});
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenHub(a));
  SIMPUL_ASSIGN_OR_RETURN(auto counts, CountCases(*store, year));
  CaseCount total{"total"};
  for (const auto& c : counts) {
    total.opened += c.opened;
    total.open += c.open;
    total.overdue += c.overdue;
    total.resolved += c.resolved;
    total.closed += c.closed;
    total.within_target += c.within_target;
  }
  if (a.json) {
    schema::JsonWriter j;
    auto one = [&](const CaseCount& c) {
      j.BeginObject().Field("category", c.category).Field("opened", c.opened).Field("open", c.open)
          .Field("overdue", c.overdue).Field("resolved", c.resolved).Field("closed", c.closed)
          .Field("within_target", c.within_target).EndObject();
    };
    j.BeginObject().Field("year", year).Key("categories").BeginArray();
    for (const auto& c : counts) one(c);
    j.EndArray().Key("total");
    one(total);
    std::cout << j.EndObject().str() << "\n";
    return Status::Ok();
  }
  std::cout << a.T("Cases opened in ") << year << "\n  " << std::left << std::setw(36) << a.T("category") << std::right
            << std::setw(8) << a.T("opened") << std::setw(8) << a.T("open") << std::setw(9) << a.T("overdue")
            << std::setw(10) << a.T("resolved") << std::setw(8) << a.T("closed") << std::setw(11) << a.T("on time") << "\n";
  for (const auto& c : counts) {
    std::string label = c.category == "total" ? a.T("total") : Label(a, schema::kComplaintCategories, c.category);
    std::cout << "  " << std::left << std::setw(36) << label << std::right << std::setw(8) << c.opened << std::setw(8)
              << c.open << std::setw(9) << c.overdue << std::setw(10) << c.resolved << std::setw(8) << c.closed
              << std::setw(11) << c.within_target << "\n";
  }
  std::cout << "  " << std::left << std::setw(36) << a.T("total") << std::right << std::setw(8) << total.opened
            << std::setw(8) << total.open << std::setw(9) << total.overdue << std::setw(10) << total.resolved
            << std::setw(8) << total.closed << std::setw(11) << total.within_target << "\n";
  return Status::Ok();
}

Status CaseShow(Args& a) {
  SIMPUL_RETURN_IF_ERROR(Need(a, 1, {}));
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenHub(a));
  SIMPUL_ASSIGN_OR_RETURN(schema::CaseView c, LoadHubCase(*store, a.words[0]));
  if (a.json) {
    schema::JsonWriter j;
    schema::WriteCaseJson(j, c, false);
    std::cout << j.str() << "\n";
    return Status::Ok();
  }
  const int64_t now = static_cast<int64_t>(store->NowMs());
  auto line = [&](const char* label, const std::string& v) {
    if (!v.empty()) std::cout << "  " << std::left << std::setw(14) << label << v << "\n";
  };
  std::cout << a.T("Case ") << NumberText(a, c) << "  (" << c.id << ")  " << a.T("village ") << c.village << "\n";
  line(a.T("status"), StatusLabel(a, c.state.status));
  line(a.T("category"), Label(a, schema::kComplaintCategories, c.category));
  line(a.T("urgency"), Label(a, schema::kUrgencies, c.urgency));
  line(a.T("opened"), When(a, c, c.opened_ms) + " (" + schema::FormatAgo(c.opened_ms, now, LangCode(a)) + ")");
  line(a.T("due"), When(a, c, c.due_ms) + (c.overdue ? a.T("  OVERDUE") : ""));
  line(a.T("facilitator"), c.state.facilitator);
  line(a.T("description"), c.description);
  line(a.T("resolution"), c.state.resolution);
  if (!c.state.referrals.empty()) std::cout << a.T("  Referrals:\n");
  for (const auto& r : c.state.referrals)
    std::cout << "    " << Label(a, schema::kCasePartners, r.partner) << (r.partner_name.empty() ? "" : " " + r.partner_name)
              << (r.note.empty() ? "" : ": " + r.note) << "\n      " << a.T("outcome: ")
              << (r.outcome.empty() ? a.T("(waiting)") : r.outcome) << "\n";
  if (!c.state.history.empty()) std::cout << a.T("  History:\n");
  for (const auto& e : c.state.history) {
    std::string what = e.facilitator + (e.partner.empty() ? "" : Label(a, schema::kCasePartners, e.partner)) +
                       (e.partner_name.empty() ? "" : " " + e.partner_name);
    for (const std::string* t : {&e.note, &e.outcome})
      if (!t->empty()) what += (what.empty() ? "" : "; ") + *t;
    std::cout << "    " << When(a, c, e.at_ms) << "  " << StepLabel(a, e.kind) << " (" << e.actor_role << ", "
              << e.operator_name << ")" << (what.empty() ? "" : ": " + what) << "\n";
  }
  for (const auto& an : c.state.anomalies) std::cout << a.T("  ATTENTION: ") << an << "\n";
  return Status::Ok();
}

Status Step(Args& a, const std::string& kind) {
  SIMPUL_RETURN_IF_ERROR(Need(a, 1, {}));
  schema::CaseEvent step;
  step.kind = kind;
  step.facilitator = Opt(a, "facilitator");
  step.partner = Opt(a, "partner");
  step.partner_name = Opt(a, "partner-name");
  step.outcome = Opt(a, "outcome");
  step.note = kind == "noted" ? Opt(a, "text") : kind == "resolved" ? Opt(a, "resolution")
              : kind == "reopened" ? Opt(a, "reason") : Opt(a, "note");
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenHub(a));
  SIMPUL_ASSIGN_OR_RETURN(schema::CaseEvent done, RecordHubCaseStep(*store, a.words[0], step));
  SIMPUL_ASSIGN_OR_RETURN(schema::CaseView c, LoadHubCase(*store, a.words[0]));
  if (a.json)
    std::cout << schema::JsonWriter().BeginObject().Field("id", c.id).Field("step", done.kind).Field("step_id", done.id)
                     .Field("status", c.state.status).Field("number", c.number).EndObject().str() << "\n";
  else
    std::cout << StepLabel(a, done.kind) << ": " << a.T("case ") << NumberText(a, c) << " -> "
              << StatusLabel(a, c.state.status) << a.T(" (goes to the village at its next sync)\n");
  return Status::Ok();
}

Status CaseAssign(Args& a) { return Step(a, "assigned"); }
Status CaseRefer(Args& a) { return Step(a, "referred"); }
Status CaseStart(Args& a) { return Step(a, "started"); }
Status CaseNote(Args& a) { return Step(a, "noted"); }
Status CaseOutcome(Args& a) { return Step(a, "referral_outcome"); }
Status CaseResolve(Args& a) { return Step(a, "resolved"); }
Status CaseReopen(Args& a) { return Step(a, "reopened"); }
Status CaseClose(Args& a) { return Step(a, "closed"); }

constexpr sync::Permission kR = sync::Permission::kRead, kW = sync::Permission::kReview;
const HubCommand kCaseCommands[] = {
    {"case open", "--village CODE --category C --description TEXT [--urgency U] [--person ID] [--household ID]", "open a case for a village (front office walk-in); numbered now, reaches the village at its next sync", CaseOpen, kW},
    {"case list", "[--village CODE] [--status S] [--category C] [--overdue]", "cases with their due time (--overdue: only those past it)", CaseList, kR},
    {"case inbox", "[--village CODE] [--category C]", "open cases, the soonest due first", CaseInbox, kR},
    {"case counts", "--year YYYY", "cases opened in a year, per category: open, overdue, resolved, closed, on time", CaseCounts, kR},
    {"case show", "ID", "a case: status, due time, referrals, history", CaseShow, kR},
    {"case assign", "ID --facilitator NAME [--note T]", "assign the case's facilitator", CaseAssign, kW},
    {"case refer", "ID --partner P [--partner-name NAME] [--note T]", "refer the case to a partner (hospital, puskesmas, health_office, bpjs, police, ppa_unit, baznas, zakat_body, education_office, housing_office, dukcapil, other)", CaseRefer, kW},
    {"case start", "ID [--note T]", "record that handling has started", CaseStart, kW},
    {"case note", "ID --text T", "add a follow-up note", CaseNote, kW},
    {"case outcome", "ID --outcome T", "record the outcome of the open referral", CaseOutcome, kW},
    {"case resolve", "ID --resolution T", "record the case's resolution", CaseResolve, kW},
    {"case reopen", "ID --reason T", "reopen a resolved case", CaseReopen, kW},
    {"case close", "ID [--note T]", "close a resolved case", CaseClose, kW},
};

}  // namespace

Status CmdCase(Args& a) {
  const HubCommand* sub = nullptr;
  if (!a.words.empty())
    for (const auto& c : kCaseCommands)
      if (std::string(c.path) == "case " + a.words[0]) sub = &c;
  if (!sub) {
    std::ostream& o = a.words.empty() ? std::cout : std::cerr;
    for (const auto& c : kCaseCommands) o << "  simpul-hub " << c.path << " " << c.usage << "\n      " << a.T(c.help) << "\n";
    if (a.words.empty()) return Status::Ok();
    return Status::InvalidArgument("unknown case command " + a.words[0]).WithMsg(MsgId::kHubUnknownCommand, {"case " + a.words[0]});
  }
  a.words.erase(a.words.begin());
  a.cmd = sub;  // its permission and name for OpenHub
  return sub->fn(a);
}

}  // namespace simpul::hub::cli
