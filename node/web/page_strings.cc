#include "node/web/page_strings.h"

#include "node/ui_texts.h"
#include "schema/model.h"

namespace simpul::node {
namespace {

struct PageString {
  const char* key;
  const char* en;  // the catalogue's key
};

// Keys are used by node/web/*.html and assets/*.js: never rename one
// without them.
constexpr PageString kPageStrings[] = {
    {"app.title", "Simpul · Village office"},
    {"app.sign_out", "Sign out"},
    {"app.lock", "Lock"},
    {"app.saving", "Saving..."},
    {"app.cancel", "Cancel"},
    {"app.choose", "(choose)"},
    {"nav.find", "Find"},
    {"nav.register", "Register a household"},
    {"nav.board", "Applications"},
    {"nav.sync", "Sync"},
    {"nav.messages", "Messages"},
    {"p.phone_consent", "Messages to this phone"},
    {"p.consent_yes", "Agrees"},
    {"p.consent_no", "Does not agree"},
    {"error.network", "The village app does not answer. Is simpul-node ui still running?"},
    {"error.status", "The village app answered with an error (HTTP {0})."},
    {"unlock.intro", "The village data is encrypted. Type the office passphrase to open it."},
    {"unlock.passphrase", "Office passphrase"},
    {"unlock.submit", "Unlock"},
    {"unlock.working", "Opening..."},
    {"signin.intro", "Sign in with your village operator account."},
    {"signin.name", "Operator name"},
    {"signin.password", "Password"},
    {"signin.language", "Language"},
    {"signin.submit", "Sign in"},
    {"signin.working", "Checking..."},
    {"find.title", "Find a household or person"},
    {"find.q", "Name, NIK or No. KK"},
    {"find.hint", "e.g. Siti or 3510..."},
    {"find.submit", "Find"},
    {"find.none", "Nobody matches. Check the spelling, or register the household."},
    {"find.short", "Type at least 2 characters."},
    {"find.count", "{0} household(s) found"},
    {"hh.title", "Household"},
    {"hh.kk", "No. KK"},
    {"hh.address", "Address"},
    {"hh.rt", "RT"},
    {"hh.rw", "RW"},
    {"hh.members", "Members"},
    {"hh.open", "Open"},
    {"hh.applications", "Applications"},
    {"hh.no_applications", "No applications yet."},
    {"hh.new_application", "New application"},
    {"hh.edit_person", "Change"},
    {"hh.edit_household", "Change address or KK"},
    {"hh.editing_person", "Change the data of {0}"},
    {"hh.save", "Save the change"},
    {"hh.cancel", "Cancel"},
    {"hh.saved", "Saved; it goes to Dinsos at the next sync."},
    {"reg.title", "Register a household"},
    {"reg.add_member", "Add a member"},
    {"reg.remove_member", "Remove"},
    {"reg.member_n", "Member {0}"},
    {"reg.save", "Save the household"},
    {"reg.saved", "Household saved; it goes to Dinsos at the next sync."},
    {"p.name", "Name"},
    {"p.nik", "NIK"},
    {"p.birth_place", "Place of birth"},
    {"p.birth_date", "Date of birth"},
    {"p.date_hint", "year-month-day, e.g. 1987-11-12"},
    {"p.sex", "Sex"},
    {"p.relation", "Relation to the head"},
    {"p.phone", "Phone"},
    {"p.disability", "Disability"},
    {"nik.decoded", "{0}, born {1}, registered in {2}"},
    {"nik.registered", "Already registered in this village: {0}"},
    {"app.new_title", "New application"},
    {"app.title_of", "Application of {0}"},
    {"app.type", "Type"},
    {"app.applicant", "Applicant"},
    {"app.dtks", "DTKS"},
    {"app.purpose", "Purpose"},
    {"app.service", "Service"},
    {"app.device", "Assistive device"},
    {"app.notes", "Notes"},
    {"app.indicators", "Poverty indicators and score"},
    {"app.score", "Score {0} ({1})"},
    {"app.save", "Save draft"},
    {"app.saved", "Saved."},
    {"app.edit", "Change"},
    {"app.submit", "Submit to Dinsos"},
    {"app.submitted", "Submitted; it goes to Dinsos at the next sync."},
    {"app.checklist", "Before submitting"},
    {"app.complete", "Complete: it can be submitted."},
    {"app.status", "Status"},
    {"app.reason_is", "Reason: {0}"},
    {"app.created", "Opened {0}"},
    {"app.history", "History"},
    {"app.when", "When"},
    {"app.event", "What happened"},
    {"app.by", "By"},
    {"app.letters", "Letters"},
    {"app.print", "Print the letter (PDF)"},
    {"app.pdf_pending", "The PDF arrives with the next sync."},
    {"app.revoked", "Revoked by Dinsos: {0}"},
    {"app.no_letters", "No letter issued yet."},
    {"board.title", "Applications"},
    {"board.draft", "Drafts"},
    {"board.to_send", "Waiting to be sent (next sync)"},
    {"board.at_dinsos", "Waiting at Dinsos"},
    {"board.returned", "Returned: fix and resubmit"},
    {"board.approved", "Approved"},
    {"board.letter", "Letters to print"},
    {"board.closed", "Rejected or withdrawn"},
    {"board.empty", "None."},
    {"board.since", "since {0}"},
    {"messages.title", "Messages to residents"},
    {"messages.intro", "Open the chat, press send on the office phone, then mark the message as sent."},
    {"messages.none", "No messages to send."},
    {"messages.show_all", "Show sent ones and those waiting for a phone number or consent"},
    {"messages.open_chat", "Open WhatsApp"},
    {"messages.mark_sent", "Mark as sent"},
    {"messages.sent_by", "Sent {0} by {1}"},
    {"messages.state.pending", "to send"},
    {"messages.state.sent", "sent"},
    {"messages.state.no_phone", "no phone number"},
    {"messages.state.no_consent", "no consent to messages"},
    {"messages.marked", "Recorded as sent."},
    {"sync.title", "Sync with Dinsos"},
    {"sync.last", "Last sync"},
    {"sync.never", "This office has not synced yet."},
    {"sync.now", "Sync now"},
    {"sync.running", "Syncing: {0} of {1} change(s) sent, {2} KB..."},
    {"sync.left_s", "about {0} s left"},
    {"sync.left_min", "about {0} min left"},
    {"sync.outbox", "{0} change(s) wait in the outbox."},
    {"sync.refusals", "Refused by the hub"},
    {"sync.no_refusals", "No refusals."},
    {"sync.settled", "settled"},
    {"sync.hub", "Hub: {0}"},
    {"nav.cases", "Cases"},
    {"nav.conflicts", "Conflicts"},
    {"cases.title", "Cases (B'DESUT)"},
    {"cases.new", "Record a new case"},
    {"cases.category", "Category"},
    {"cases.urgency", "Urgency"},
    {"cases.reporter", "Reported by (name or NIK)"},
    {"cases.find_person", "Find"},
    {"cases.person", "Person"},
    {"cases.no_person", "(not a registered resident)"},
    {"cases.description", "What was reported"},
    {"cases.save", "Record the case"},
    {"cases.saved", "Case recorded; it goes to Dinsos at the next sync."},
    {"cases.list", "The village's cases, by due time"},
    {"cases.none", "No cases yet."},
    {"cases.number", "Number"},
    {"cases.number_pending", "(number comes from Dinsos at the next sync)"},
    {"cases.status", "Status"},
    {"cases.due", "due {0}"},
    {"cases.overdue", "overdue by {0}"},
    {"cases.overdue_count", "{0} case(s) overdue"},
    {"cases.open", "Open"},
    {"case.title", "Case"},
    {"case.opened", "Opened {0}"},
    {"case.facilitator", "Facilitator: {0}"},
    {"case.resolution", "Resolution: {0}"},
    {"case.referrals", "Referrals"},
    {"case.outcome_waiting", "outcome: (waiting)"},
    {"case.history", "Steps and follow-up notes"},
    {"case.no_history", "No step yet."},
    {"case.follow_up", "Add a follow-up note"},
    {"case.note", "Note"},
    {"case.add_note", "Save the note"},
    {"case.noted", "Note saved; it goes to Dinsos at the next sync."},
    {"case.closed", "This case is closed: nothing more can be added."},
    {"conflicts.title", "Conflicts to decide"},
    {"conflicts.intro", "The same field was changed here and at Dinsos before they synced. Choose which value is right, or write the right one."},
    {"conflicts.none", "No open conflicts."},
    {"conflicts.kept", "Value kept now"},
    {"conflicts.other", "The other value"},
    {"conflicts.written", "written {0} by {1}"},
    {"conflicts.here", "this village office"},
    {"conflicts.dinsos", "Dinsos"},
    {"conflicts.keep", "Keep this value"},
    {"conflicts.new_value", "Or write the right value"},
    {"conflicts.save_value", "Save this value"},
    {"conflicts.empty", "(empty)"},
    {"conflicts.resolved", "Decided; the decision goes to Dinsos at the next sync."},
    {"conflicts.hub_only", "This field belongs to Dinsos: it decides there. You can only keep the value kept now."},
    {"bundle.title", "No signal? Sync with a USB stick"},
    {"bundle.intro", "Make a bundle file, take it to Dinsos on a USB stick, and read the reply bundle Dinsos gives back."},
    {"bundle.export", "Make a bundle"},
    {"bundle.exporting", "Making the bundle..."},
    {"bundle.exported", "Bundle made: {0} change(s), {1} document(s), {2} KB. Take the file to Dinsos."},
    {"bundle.more", "More remains: make another bundle after reading the reply."},
    {"bundle.file", "Reply bundle from Dinsos"},
    {"bundle.import", "Read the reply bundle"},
    {"bundle.importing", "Reading the reply bundle..."},
    {"bundle.choose", "Choose the reply bundle file first."},
    {"bundle.too_large", "This file is {0} MB; a reply bundle read here can be at most {1} MB. Nothing was applied."},
    {"doc.title", "Documents"},
    {"doc.kind", "Document kind"},
    {"doc.file", "Scan attached"},
    {"doc.required", "required"},
    {"doc.optional", "optional"},
    {"doc.missing", "not attached yet"},
    {"doc.view", "View"},
    {"doc.attach", "Attach a scan (file or camera)"},
    {"camera.open", "Camera"},
    {"camera.title", "{0}: hold the paper flat in front of the camera, then take the photo."},
    {"camera.take", "Take the photo"},
    {"camera.cancel", "Cancel"},
    {"camera.none", "The camera cannot be used (none found, or not allowed). Choose a file instead."},
    {"doc.replace", "Replace the scan (file or camera)"},
    {"doc.sending", "Sending the scan..."},
    {"doc.attached", "Attached: {0} ({1})."},
    {"doc.downscaled", "The photo was made smaller before sending: {0} to {1} pixels, {2}."},
    {"doc.hint", "Photos are made smaller in this browser (long side at most 2000 pixels, JPEG) before they are sent; a PDF is sent as it is, up to {0}."},
    {"doc.too_large", "The scan for '{0}' is too large ({1}, over the limit of {2}). Nothing was sent."},
    {"doc.unreadable", "This photo cannot be read by the browser. Take it again or choose another file."},
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

constexpr CodeText kCaseStatusLabels[] = {
    {"received", "received"}, {"assigned", "assigned"}, {"referred", "referred"},
    {"in_progress", "in progress"}, {"resolved", "resolved"}, {"closed", "closed"}};

constexpr CodeText kCaseStepLabels[] = {
    {"assigned", "facilitator assigned"}, {"referred", "referred to"}, {"started", "handling started"},
    {"noted", "follow-up note"}, {"referral_outcome", "referral outcome"}, {"resolved", "resolved"},
    {"reopened", "reopened"}, {"closed", "case closed"}};

template <size_t N>
std::string Find(Lang lang, const CodeText (&table)[N], const std::string& code) {
  for (const auto& c : table)
    if (code == c.code) return Tr(lang, c.en);
  return code;
}

}  // namespace

void WriteVillagePageStrings(Lang lang, schema::JsonWriter& j) {
  j.BeginObject();
  for (const auto& s : kPageStrings) j.Field(s.key, Tr(lang, s.en));
  for (const auto& r : schema::kRoles)
    j.Field(std::string("role.") + r.code, lang == Lang::kId ? r.label_id : r.label_en);
  for (const auto& s : kStatusLabels) j.Field(std::string("status.") + s.code, Tr(lang, s.en));
  AddKioskReviewStrings(lang, j);
  j.EndObject();
}

std::string VillageStatusLabel(Lang lang, const std::string& status) { return Find(lang, kStatusLabels, status); }

std::string VillageEventLabel(Lang lang, const std::string& kind) { return Find(lang, kEventLabels, kind); }

std::string VillageCaseStatusLabel(Lang lang, const std::string& status) {
  return Find(lang, kCaseStatusLabels, status);
}

std::string VillageCaseStepLabel(Lang lang, const std::string& kind) { return Find(lang, kCaseStepLabels, kind); }

}  // namespace simpul::node
