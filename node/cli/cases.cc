// Case commands of the village (B'DESUT complaints, schema/cases.h): open a
// case offline, record its steps, see what is due and overdue. Registered in
// the command table through CaseCommands().
#include <iomanip>
#include <ostream>

#include "node/cases.h"
#include "node/cli/internal.h"
#include "schema/json_writer.h"
#include "schema/local_time.h"
#include "schema/model.h"
#include "schema/validate.h"

namespace simpul::node {
namespace {

std::string LangCode(const Invocation& inv) { return inv.lang == Lang::kId ? "id" : "en"; }

template <size_t N>
std::string Label(const Invocation& inv, const schema::CodeLabel (&table)[N], const std::string& code) {
  const schema::CodeLabel* c = schema::FindCode(table, code);
  if (!c) return code;
  return inv.lang == Lang::kId ? c->label_id : c->label_en;
}

const char* StatusLabel(const Invocation& inv, const std::string& s) {
  struct L { const char *code, *en; };
  static const L kLabels[] = {{"received", "received"},   {"assigned", "assigned"},
                              {"referred", "referred"},   {"in_progress", "in progress"},
                              {"resolved", "resolved"},   {"closed", "closed"}};
  for (const auto& l : kLabels)
    if (s == l.code) return inv.T(l.en);
  return s.c_str();
}

const char* StepLabel(const Invocation& inv, const std::string& k) {
  struct L { const char *code, *en; };
  static const L kLabels[] = {{"assigned", "facilitator assigned"}, {"referred", "referred to"},
                              {"started", "handling started"},      {"noted", "follow-up note"},
                              {"referral_outcome", "referral outcome"}, {"resolved", "resolved"},
                              {"reopened", "reopened"},             {"closed", "case closed"}};
  for (const auto& l : kLabels)
    if (k == l.code) return inv.T(l.en);
  return k.c_str();
}

std::string NumberText(const Invocation& inv, const schema::CaseView& c) {
  return c.number.empty() ? std::string(inv.T("(number pending)")) : c.number;
}

std::string Opt(const Invocation& inv, const char* k) {
  auto it = inv.opts.find(k);
  return it == inv.opts.end() ? std::string() : it->second;
}

void PrintCase(const Invocation& inv, const schema::CaseView& c, int64_t now) {
  const auto zone = schema::ZoneOfRegion(c.village);
  const std::string lang = LangCode(inv);
  auto& o = *inv.out;
  auto line = [&](const char* label, const std::string& v) {
    if (!v.empty()) o << "  " << std::left << std::setw(14) << label << v << "\n";
  };
  o << inv.T("Case ") << NumberText(inv, c) << "  (" << c.id << ")\n";
  line(inv.T("status"), StatusLabel(inv, c.state.status));
  line(inv.T("category"), Label(inv, schema::kComplaintCategories, c.category));
  line(inv.T("urgency"), Label(inv, schema::kUrgencies, c.urgency));
  line(inv.T("opened"), schema::FormatShortDateTime(c.opened_ms, zone, lang) + " (" +
                     schema::FormatAgo(c.opened_ms, now, lang) + ")");
  line(inv.T("due"), schema::FormatShortDateTime(c.due_ms, zone, lang) + (c.overdue ? inv.T("  OVERDUE") : ""));
  line(inv.T("facilitator"), c.state.facilitator);
  line(inv.T("description"), c.description);
  line(inv.T("resolution"), c.state.resolution);
  if (!c.state.referrals.empty()) o << inv.T("  Referrals:\n");
  for (const auto& r : c.state.referrals)
    o << "    " << Label(inv, schema::kCasePartners, r.partner) << (r.partner_name.empty() ? "" : " " + r.partner_name)
      << (r.note.empty() ? "" : ": " + r.note) << "\n      " << inv.T("outcome: ")
      << (r.outcome.empty() ? inv.T("(waiting)") : r.outcome) << "\n";
  if (!c.state.history.empty()) o << inv.T("  History:\n");
  for (const auto& e : c.state.history) {
    std::string what = e.facilitator + (e.partner.empty() ? "" : Label(inv, schema::kCasePartners, e.partner)) +
                       (e.partner_name.empty() ? "" : " " + e.partner_name);
    for (const std::string* t : {&e.note, &e.outcome})
      if (!t->empty()) what += (what.empty() ? "" : "; ") + *t;
    o << "    " << schema::FormatShortDateTime(e.at_ms, zone, lang) << "  " << StepLabel(inv, e.kind) << " ("
      << e.actor_role << ", " << e.operator_name << ")" << (what.empty() ? "" : ": " + what) << "\n";
  }
  for (const auto& a : c.state.anomalies) o << inv.T("  ATTENTION: ") << a << "\n";
}

Status CmdCaseOpen(Invocation& inv) {
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenForCommand(inv));
  SIMPUL_ASSIGN_OR_RETURN(auto w, CreateRecord(*store, Entity::kComplaint, inv.opts));
  const int64_t now = static_cast<int64_t>(store->NowMs());
  SIMPUL_ASSIGN_OR_RETURN(schema::CaseView c, schema::LoadCase(store->db(), w.id, now));
  if (inv.json) {
    schema::JsonWriter j;
    schema::WriteCaseJson(j, c, true);
    *inv.out << j.str() << "\n";
  } else {
    *inv.out << inv.T("Case recorded: ") << c.id << "  " << NumberText(inv, c) << "\n  " << inv.T("due") << " "
             << schema::FormatShortDateTime(c.due_ms, schema::ZoneOfRegion(c.village), LangCode(inv)) << "\n";
  }
  return Status::Ok();
}

Status CmdCaseList(Invocation& inv) {
  schema::CaseQuery q;
  q.status = Opt(inv, "status");
  q.category = Opt(inv, "category");
  q.overdue_only = inv.opts.count("overdue") > 0;
  if (!q.status.empty())  // a typo must not read as "no cases"
    SIMPUL_RETURN_IF_ERROR(schema::CheckEnum("--status", q.status, schema::kCaseStatusList,
                                             schema::IsKnownCaseStatus(q.status)));
  if (!q.category.empty())
    SIMPUL_RETURN_IF_ERROR(schema::CheckEnum("--category", q.category, schema::ListCodes(schema::kComplaintCategories),
                                             schema::FindCode(schema::kComplaintCategories, q.category) != nullptr));
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenForCommand(inv));
  const int64_t now = static_cast<int64_t>(store->NowMs());
  SIMPUL_ASSIGN_OR_RETURN(auto cases, schema::LoadCases(store->db(), q, now));
  schema::JsonWriter j;
  j.BeginArray();
  for (const auto& c : cases) {
    if (inv.json) {
      schema::WriteCaseJson(j, c, true);
      continue;
    }
    *inv.out << c.id << "  " << std::left << std::setw(18) << NumberText(inv, c) << std::setw(13)
             << StatusLabel(inv, c.state.status) << "[" << c.urgency << "] " << c.category << "  " << inv.T("due") << " "
             << schema::FormatShortDateTime(c.due_ms, schema::ZoneOfRegion(c.village), LangCode(inv))
             << (c.overdue ? inv.T("  OVERDUE") : "") << "\n";
  }
  if (inv.json) *inv.out << j.EndArray().str() << "\n";
  else if (cases.empty()) *inv.out << inv.T("(none)\n");
  return Status::Ok();
}

Status CmdCaseShow(Invocation& inv) {
  if (inv.words.empty()) return Status::InvalidArgument("ID is required").WithField("id").WithMsg(MsgId::kFieldRequired, {"ID"});
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenForCommand(inv));
  const int64_t now = static_cast<int64_t>(store->NowMs());
  SIMPUL_ASSIGN_OR_RETURN(schema::CaseView c, schema::LoadCase(store->db(), inv.words[0], now));
  if (inv.json) {
    schema::JsonWriter j;
    schema::WriteCaseJson(j, c, false);
    *inv.out << j.str() << "\n";
  } else {
    PrintCase(inv, c, now);
  }
  return Status::Ok();
}

// One step: the kind, its texts from the options.
Status Step(Invocation& inv, const char* kind) {
  if (inv.words.empty()) return Status::InvalidArgument("ID is required").WithField("id").WithMsg(MsgId::kFieldRequired, {"ID"});
  schema::CaseEvent step;
  step.kind = kind;
  step.facilitator = Opt(inv, "facilitator");
  step.partner = Opt(inv, "partner");
  step.partner_name = Opt(inv, "partner-name");
  step.outcome = Opt(inv, "outcome");
  step.note = std::string(kind) == "noted"      ? Opt(inv, "text")
              : std::string(kind) == "resolved" ? Opt(inv, "resolution")
              : std::string(kind) == "reopened" ? Opt(inv, "reason")
                                                : Opt(inv, "note");
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenForCommand(inv));
  SIMPUL_ASSIGN_OR_RETURN(schema::CaseEvent done, RecordCaseStep(*store, inv.words[0], step));
  SIMPUL_ASSIGN_OR_RETURN(schema::CaseView c, schema::LoadCase(store->db(), inv.words[0],
                                                               static_cast<int64_t>(store->NowMs())));
  if (inv.json) {
    schema::JsonWriter j;
    *inv.out << j.BeginObject().Field("id", c.id).Field("step", done.kind).Field("step_id", done.id)
                    .Field("status", c.state.status).Field("number", c.number).EndObject().str() << "\n";
  } else {
    *inv.out << StepLabel(inv, done.kind) << ": " << inv.T("case ") << NumberText(inv, c) << " -> "
             << StatusLabel(inv, c.state.status) << inv.T(" (goes to Dinsos at the next sync)\n");
  }
  return Status::Ok();
}

Status CmdCaseAssign(Invocation& inv) { return Step(inv, "assigned"); }
Status CmdCaseRefer(Invocation& inv) { return Step(inv, "referred"); }
Status CmdCaseStart(Invocation& inv) { return Step(inv, "started"); }
Status CmdCaseNote(Invocation& inv) { return Step(inv, "noted"); }
Status CmdCaseOutcome(Invocation& inv) { return Step(inv, "referral_outcome"); }
Status CmdCaseResolve(Invocation& inv) { return Step(inv, "resolved"); }
Status CmdCaseReopen(Invocation& inv) { return Step(inv, "reopened"); }
Status CmdCaseClose(Invocation& inv) { return Step(inv, "closed"); }

}  // namespace

const std::vector<Command>& CaseCommands() {
  static const std::vector<Command> kCases = {
      {"case open", "--category C --description TEXT [--urgency U]", "Open a case (B'DESUT complaint); its number comes from Dinsos at the next sync",
       CmdCaseOpen, static_cast<int>(Entity::kComplaint), {}},
      {"case list", "[--status S] [--category C] [--overdue]", "List cases with their due time (--overdue: only those past it)",
       CmdCaseList, -1, {"status", "category", "overdue"}},
      {"case show", "ID", "Show a case: status, due time, referrals, history", CmdCaseShow, -1, {}},
      {"case assign", "ID --facilitator NAME [--note T]", "Assign the case's facilitator", CmdCaseAssign, -1, {"facilitator", "note"}},
      {"case refer", "ID --partner P [--partner-name NAME] [--note T]",
       "Refer the case to a partner (hospital, puskesmas, health_office, bpjs, police, ppa_unit, baznas, zakat_body, education_office, housing_office, dukcapil, other)",
       CmdCaseRefer, -1, {"partner", "partner-name", "note"}},
      {"case start", "ID [--note T]", "Record that handling has started", CmdCaseStart, -1, {"note"}},
      {"case note", "ID --text T", "Add a follow-up note", CmdCaseNote, -1, {"text"}},
      {"case outcome", "ID --outcome T", "Record the outcome of the open referral", CmdCaseOutcome, -1, {"outcome"}},
      {"case resolve", "ID --resolution T", "Record the case's resolution", CmdCaseResolve, -1, {"resolution"}},
      {"case reopen", "ID --reason T", "Reopen a resolved case", CmdCaseReopen, -1, {"reason"}},
      {"case close", "ID [--note T]", "Close a resolved case", CmdCaseClose, -1, {"note"}},
  };
  return kCases;
}

}  // namespace simpul::node
