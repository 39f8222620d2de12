#include "hub/web/page_strings.h"

#include "hub/ui_texts.h"
#include "schema/model.h"

namespace simpul::hub {
namespace {

// Keys are used by hub/web/*.html and *.js: never rename one without them.
constexpr PageString kPageStrings[] = {
    {"app.title", "Simpul · Dinsos"},
    {"app.back_to_queue", "← Back to the queue"},
    {"app.sign_out", "Sign out"},
    {"app.actions", "Decision"},
    {"app.reason", "Reason"},
    {"app.no_actions", "Your role cannot act on this application in its current status."},
    {"app.applicant", "Applicant"},
    {"app.name", "Name"},
    {"app.birth", "Place and date of birth"},
    {"app.birth_date", "Date of birth"},
    {"app.sex", "Sex"},
    {"app.phone", "Phone"},
    {"app.disability", "Disability"},
    {"app.household", "Household"},
    {"app.address", "Address"},
    {"app.relation", "Relation to the head"},
    {"app.indicators", "Poverty indicators and score"},
    {"app.question", "Indicator"},
    {"app.answer", "Answer"},
    {"app.score_line", "Score {0} ({1}); indicator set {2}, version {3}"},
    {"app.history", "History"},
    {"app.when", "When"},
    {"app.event", "What happened"},
    {"app.by", "By"},
    {"app.received_at", "received at Dinsos {0}"},
    {"app.documents", "Documents"},
    {"app.doc_kind", "Kind"},
    {"app.doc_file", "File"},
    {"app.doc_size", "Size"},
    {"app.no_documents", "No documents attached."},
    {"app.view", "View"},
    {"app.download", "Download"},
    {"app.not_received", "not yet received"},
    {"app.close", "Close"},
    {"app.letters", "Letters"},
    {"app.no_letters", "No letter issued yet."},
    {"app.open_pdf", "Open the PDF"},
    {"app.village", "Village"},
    {"app.purpose", "Purpose"},
    {"app.waiting", "Waiting in this status"},
    {"app.letter_number", "Letter number"},
    {"app.dtks", "DTKS status"},
    {"app.notes", "Notes"},
    {"app.no_name", "(no name)"},
    {"app.reason_needed", "Write the reason first: the village must know why."},
    {"conflicts.title", "Conflicts to decide"},
    {"conflicts.intro", "The same field was changed at the village and here before they synced. Choose which value is right, or write the right one."},
    {"conflicts.kept", "Value kept now"},
    {"conflicts.other", "The other value"},
    {"conflicts.written", "written {0} by {1}"},
    {"conflicts.keep", "Keep this value"},
    {"conflicts.new_value", "Or write the right value"},
    {"conflicts.save_value", "Save this value"},
    {"conflicts.empty", "(empty)"},
    {"conflicts.resolved", "Decided; the village receives the decision at its next sync."},
    {"conflicts.village_only", "This field belongs to the village office: it decides there. You can only keep the value kept now."},
    {"app.duplicates", "This NIK elsewhere"},
    {"app.held", "Already holds {0} ({1}, village {2})."},
    {"app.open", "Open"},
    {"app.never_merged", "Records are never merged automatically: check with the villages and correct the wrong record."},
    {"app.override_reason", "Override reason (the benefit is already held, or the score does not meet the threshold; recorded in the audit log)"},
    {"app.reason_is", "Reason: {0}"},
    {"app.cancel", "Cancel"},
    {"app.confirm", "Yes, record it"},
    {"action.return", "Return to the village"},
    {"action.approve", "Approve"},
    {"action.reject", "Reject"},
    {"action.visit", "Record the field visit"},
    {"action.recommend", "Record the recommendation"},
    {"action.letter", "Issue the letter"},
    {"confirm.return", "Return {0}'s application to the village for completion?"},
    {"confirm.approve", "Approve {0}'s application?"},
    {"confirm.reject", "Reject {0}'s application? The village is told the reason."},
    {"confirm.visit", "Record the field visit for {0}'s application?"},
    {"confirm.recommend", "Record the recommendation for {0}'s application?"},
    {"confirm.letter", "Issue the numbered letter for {0}? A number is never reused."},
    {"done.return", "Returned; the village sees it at its next sync."},
    {"done.approve", "Approved."},
    {"done.reject", "Rejected; the village sees it at its next sync."},
    {"done.visit", "Field visit recorded."},
    {"done.recommend", "Recommendation recorded."},
    {"done.letter", "Letter {0} issued."},
    {"action.stage", "Record the stage: passed"},
    {"confirm.stage", "Record that {0}'s application passed this stage?"},
    {"done.stage", "Stage recorded."},
    {"app.stages", "Stages of the service rule"},
    {"app.stage", "Stage"},
    {"app.stage_role", "Recorded by"},
    {"app.stage_state", "State"},
    {"app.stage_passed", "passed: {0}, {1}"},
    {"app.stage_missing", "not passed yet"},
    {"app.stage_next", "Next: {0} (recorded by: {1}). Approval waits until every stage is passed."},
    {"queue.title", "Applications at Dinsos"},
    {"queue.all", "All"},
    {"queue.type", "Type"},
    {"queue.village", "Village"},
    {"queue.kecamatan", "Kecamatan"},
    {"queue.stage", "Waiting for"},
    {"queue.col_due", "Waiting for (due)"},
    {"queue.overdue", "overdue"},
    {"queue.overdue_count", "{0} on this page overdue against the stage's time limit."},
    {"queue.any", "(any)"},
    {"queue.search", "Name, NIK or No. KK"},
    {"queue.search_hint", "e.g. Siti or 3510..."},
    {"queue.apply", "Show"},
    {"queue.col_applicant", "Applicant"},
    {"queue.col_village", "Village"},
    {"queue.col_type", "Type"},
    {"queue.col_status", "Status"},
    {"queue.col_since", "In this status since"},
    {"queue.col_waiting", "Waiting"},
    {"queue.col_score", "Score"},
    {"queue.empty", "No application matches."},
    {"queue.summary", "{0} application(s), longest waiting first"},
    {"signin.intro", "Dinsos web application: sign in with your hub operator account."},
    {"signin.name", "Operator name"},
    {"signin.password", "Password"},
    {"signin.language", "Language"},
    {"signin.submit", "Sign in"},
    {"signin.working", "Checking..."},
    {"signin.ended", "Your session ended after a while without use. Sign in again to go on where you were."},
    {"error.network", "The hub cannot be reached. Check the connection and try again."},
    {"error.status", "The hub answered with an error (HTTP {0})."},
};

struct CodeText {
  const char* code;
  const char* en;
};

constexpr CodeText kStatusLabels[] = {
    {"draft", "draft"},       {"submitted", "submitted"}, {"returned", "returned for completion"},
    {"in_review", "under review"}, {"approved", "approved"}, {"rejected", "rejected"},
    {"letter_issued", "letter issued"}, {"withdrawn", "withdrawn"}};

constexpr CodeText kEventLabels[] = {
    {"submitted", "submitted"},          {"resubmitted", "resubmitted after completion"},
    {"returned", "returned to the village"}, {"field_visited", "field visit recorded"},
    {"recommended", "recommendation recorded"}, {"approved", "approved"}, {"rejected", "rejected"},
    {"letter_issued", "letter issued"},  {"withdrawn", "withdrawn"}};

template <size_t N>
const char* Find(Lang lang, const CodeText (&table)[N], const std::string& code) {
  for (const auto& c : table)
    if (code == c.code) return Tr(lang, c.en);
  return nullptr;
}

}  // namespace

void WritePageStrings(Lang lang, schema::JsonWriter& j) {
  j.BeginObject();
  for (const auto& s : kPageStrings) j.Field(s.key, Tr(lang, s.en));
  for (const auto& s : OfficePageStrings()) j.Field(s.key, Tr(lang, s.en));
  for (const auto& r : schema::kRoles)
    j.Field(std::string("role.") + r.code, lang == Lang::kId ? r.label_id : r.label_en);
  j.EndObject();
}

const char* StatusLabel(Lang lang, const std::string& status) {
  const char* label = Find(lang, kStatusLabels, status);
  return label ? label : "?";
}

const char* EventLabel(Lang lang, const std::string& kind) {
  const char* label = Find(lang, kEventLabels, kind);
  return label ? label : "?";
}

}  // namespace simpul::hub
