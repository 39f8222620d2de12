// The texts of the cases, exports, villages and audit pages (the Dinsos
// office's pages beside the queue), in the same form as kPageStrings
// (page_strings.cc): {key, English catalogue key}. Keys are used by
// hub/web/*.html and *.js: never rename one without them.
#include "hub/web/page_strings.h"

namespace simpul::hub {
namespace {

constexpr PageString kOfficePageStrings[] = {
    {"nav.queue", "Applications"},
    {"nav.cases", "Cases"},
    {"cases.title", "Complaint cases (B'DESUT)"},
    {"cases.view", "Show"},
    {"cases.view_inbox", "Open cases, soonest due first"},
    {"cases.view_all", "All cases"},
    {"cases.village", "Village code"},
    {"cases.category", "Category"},
    {"cases.status", "Status"},
    {"cases.urgency", "Urgency"},
    {"cases.overdue_only", "Only overdue"},
    {"cases.col_number", "Case number"},
    {"cases.col_village", "Village"},
    {"cases.col_facilitator", "Facilitator"},
    {"cases.col_opened", "Opened"},
    {"cases.col_due", "Due"},
    {"cases.overdue", "OVERDUE"},
    {"cases.overdue_by", "overdue by {0}"},
    {"cases.summary", "{0} case(s); {1} overdue"},
    {"cases.empty", "No case matches."},
    {"cases.number_pending", "(number pending)"},
    {"cases.open_title", "Open a case for a walk-in resident"},
    {"cases.description", "What was reported"},
    {"cases.open_submit", "Open the case"},
    {"cases.opened_msg", "Case {0} opened; the village receives it at its next sync."},
    {"case.back", "← Back to the cases"},
    {"case.title", "Case {0}"},
    {"case.resolution", "Resolution"},
    {"case.referrals", "Referrals"},
    {"case.partner", "Partner"},
    {"case.partner_name", "Partner's name"},
    {"case.note", "Note"},
    {"case.outcome", "Outcome"},
    {"case.waiting", "(waiting)"},
    {"case.no_referrals", "No referral yet."},
    {"case.history", "History"},
    {"case.no_history", "No step recorded yet."},
    {"case.details", "Details"},
    {"case.attention", "Attention: {0}"},
    {"case.steps", "Next steps"},
    {"case.no_steps", "Your role cannot take a step on this case in its current status."},
    {"case.reason", "Reason"},
    {"case.confirm", "Record \"{0}\" on case {1}?"},
    {"case.done", "Recorded: {0}. The village sees it at its next sync."},
    {"step.assigned", "Assign a facilitator"},
    {"step.referred", "Refer to a partner"},
    {"step.started", "Start handling"},
    {"step.noted", "Add a follow-up note"},
    {"step.referral_outcome", "Record the referral's outcome"},
    {"step.resolved", "Resolve"},
    {"step.reopened", "Reopen"},
    {"step.closed", "Close the case"},
    {"export.title", "Export this list"},
    {"export.purpose", "Purpose (recorded in the audit log)"},
    {"export.purpose_hint", "e.g. monthly recap for the head of office"},
    {"export.xlsx", "Download XLSX"},
    {"export.csv", "Download CSV"},
    {"export.pbi", "PBI-JKN proposal list for BPJS / Dinkes (XLSX)"},
    {"export.masked", "NIKs are masked for your role."},
    {"export.started", "Downloaded: {0}"},
};

}  // namespace

std::span<const PageString> OfficePageStrings() { return kOfficePageStrings; }

}  // namespace simpul::hub
