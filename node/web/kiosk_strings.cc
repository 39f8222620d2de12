// The texts of resident self-registration: the kiosk's form (served on the
// office network, node/api/kiosk_app.cc) and the operator's review pages
// (registrations.html, kiosk_poster.html, register.html in review mode).
// Same catalogue as every page (page_strings.h): the English text is the key.
#include "node/ui_texts.h"
#include "node/web/page_strings.h"

namespace simpul::node {
namespace {

struct PageString {
  const char* key;
  const char* en;
};

// Keys are used by node/web/kiosk.html and assets/kiosk.js.
constexpr PageString kKioskPageStrings[] = {
    {"kiosk.title", "Register at the village office"},
    {"kiosk.intro", "Fill in your household's data. An operator checks it with you before it is recorded."},
    {"kiosk.household", "Household"},
    {"kiosk.kk", "No. KK"},
    {"kiosk.address", "Address"},
    {"kiosk.rt", "RT"},
    {"kiosk.rw", "RW"},
    {"kiosk.members", "Members"},
    {"kiosk.member_n", "Member {0}"},
    {"kiosk.add_member", "Add a member"},
    {"kiosk.remove", "Remove"},
    {"kiosk.name", "Name"},
    {"kiosk.nik", "NIK"},
    {"kiosk.relation", "Relation to the head"},
    {"kiosk.birth_place", "Place of birth"},
    {"kiosk.birth_date", "Date of birth"},
    {"kiosk.date_hint", "year-month-day, e.g. 1987-11-12"},
    {"kiosk.sex", "Sex"},
    {"kiosk.phone", "Phone"},
    {"kiosk.phone_consent", "Messages to this phone"},
    {"kiosk.consent_yes", "Agrees"},
    {"kiosk.consent_no", "Does not agree"},
    {"kiosk.choose", "(choose)"},
    {"kiosk.service", "Service you need (optional)"},
    {"kiosk.no_service", "(none: only register)"},
    {"kiosk.purpose", "Purpose"},
    {"kiosk.photos", "Photos of your family card and identity card"},
    {"kiosk.photo_kk", "Family card (KK)"},
    {"kiosk.photo_ktp", "Identity card (KTP)"},
    {"kiosk.photo_hint", "Take a photo or choose one; it is made smaller on this phone before it is sent."},
    {"kiosk.send", "Send the registration"},
    {"kiosk.sending", "Sending..."},
    {"kiosk.again", "Register another household"},
    {"kiosk.network", "The office laptop does not answer. Please ask at the desk."},
    {"kiosk.error_status", "The office laptop answered with an error (HTTP {0})."},
    {"doc.downscaled", "The photo was made smaller before sending: {0} to {1} pixels, {2}."},
    {"doc.unreadable", "This photo cannot be read by the browser. Take it again or choose another file."},
    {"doc.too_large", "The scan for '{0}' is too large ({1}, over the limit of {2}). Nothing was sent."},
};

// The operator's side (village app pages).
constexpr PageString kReviewPageStrings[] = {
    {"nav.registrations", "Self-registration"},
    {"kreg.title", "Self-registration: waiting for review"},
    {"kreg.intro", "Residents registered themselves at the office kiosk. Open one, check it with the resident and the photos, correct it, then accept or reject it."},
    {"kreg.none", "No registrations wait for review."},
    {"kreg.receipt", "Number"},
    {"kreg.submitted", "Sent"},
    {"kreg.head", "Head of household"},
    {"kreg.photos", "Photos"},
    {"kreg.open", "Review"},
    {"kreg.poster", "Print the kiosk's QR code"},
    {"kreg.kiosk_at", "Kiosk address: {0}"},
    {"kreg.kiosk_off", "The kiosk is not running: start simpul-node ui --kiosk (see docs/OPERATIONS.md)."},
    {"kreg.review_title", "Review registration {0}"},
    {"kreg.review_intro", "Sent {0}. Check every field against the photos; what you save is what is recorded."},
    {"kreg.accept", "Accept and record"},
    {"kreg.accepted", "Registration accepted and recorded; it goes to Dinsos at the next sync."},
    {"kreg.reject", "Reject"},
    {"kreg.reject_reason", "Reason for rejecting"},
    {"kreg.rejected", "Registration rejected."},
    {"kreg.service", "Service chosen by the resident"},
    {"kreg.no_service", "(none: only register)"},
    {"kreg.no_photos", "No photos were sent."},
    {"kreg.poster_title", "Register yourself here"},
    {"kreg.poster_text", "Scan this code with your phone, on the office's Wi-Fi, or type the address:"},
    {"kreg.print", "Print"},
};

}  // namespace

void WriteKioskPageStrings(Lang lang, schema::JsonWriter& j) {
  j.BeginObject();
  for (const auto& s : kKioskPageStrings) j.Field(s.key, Tr(lang, s.en));
  j.EndObject();
}

void AddKioskReviewStrings(Lang lang, schema::JsonWriter& j) {
  for (const auto& s : kReviewPageStrings) j.Field(s.key, Tr(lang, s.en));
}

}  // namespace simpul::node
