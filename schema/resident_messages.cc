#include "schema/resident_messages.h"

#include <algorithm>

#include "schema/messages.h"
#include "schema/model.h"
#include "schema/regions.h"

namespace simpul::schema {
namespace {

std::string TypeName(const std::string& type) {
  const CodeLabel* c = FindCode(kApplicationTypes, type);
  return c ? c->label_id : type;
}

// The text a resident reads. Plain words, what to do and where; no ids.
std::string Compose(const ResidentMessage& m, const std::string& village_name, const std::string& type,
                    const std::string& reason, const std::string& letter_number, const std::string& case_number,
                    const std::string& partner) {
  std::string to = "Yth. Bapak/Ibu " + m.person_name + ", ";
  std::string office = "kantor desa " + village_name;
  if (m.kind == "returned")
    return to + "permohonan " + TypeName(type) + " Anda dikembalikan oleh Dinas Sosial untuk dilengkapi" +
           (reason.empty() ? "" : ": " + reason) + ". Mohon bawa kelengkapannya ke " + office + ".";
  if (m.kind == "approved")
    return to + "permohonan " + TypeName(type) + " Anda telah disetujui Dinas Sosial. Kami kabari lagi bila suratnya " +
           "siap diambil di " + office + ".";
  if (m.kind == "rejected")
    return to + "permohonan " + TypeName(type) + " Anda belum dapat disetujui Dinas Sosial" +
           (reason.empty() ? "" : ": " + reason) + ". Silakan datang ke " + office + " untuk penjelasan.";
  if (m.kind == "letter_issued")
    return to + "surat " + TypeName(type) + " Anda" + (letter_number.empty() ? "" : " nomor " + letter_number) +
           " sudah terbit. Silakan ambil di " + office + " dengan membawa KTP.";
  std::string complaint = "pengaduan Anda" + (case_number.empty() ? std::string() : " nomor " + case_number);
  if (m.kind == "referred")
    return to + complaint + " telah dirujuk ke " + (partner.empty() ? "mitra layanan" : partner) + "." +
           (reason.empty() ? "" : " " + reason);
  return to + complaint + " telah ditangani" + (reason.empty() ? "" : ": " + reason) + ". Terima kasih.";
}

// "SUMBER AGUNG" or "sumber agung" -> "Sumber Agung".
std::string TitleCase(std::string s) {
  bool start = true;
  for (char& c : s) {
    if (c >= 'a' && c <= 'z' && start) c = static_cast<char>(c - 'a' + 'A');
    else if (c >= 'A' && c <= 'Z' && !start) c = static_cast<char>(c - 'A' + 'a');
    start = c == ' ' || c == '-';
  }
  return s;
}

// The sends of `m`: the state and when and how it went.
Status FillState(Db& db, ResidentMessage* m, const std::string& consent) {
  SIMPUL_ASSIGN_OR_RETURN(Stmt * q, db.Cached("SELECT channel, sent_by, sent_at_ms, outcome, detail FROM message_sends"
                                              " WHERE event_id=? ORDER BY sent_at_ms, id"));
  q->Bind(1, m->event_id);
  for (;;) {
    auto row = q->Step();
    if (!row.ok()) {
      q->Reset();
      return row.status();
    }
    if (!*row) break;
    if (q->Text(3) == "sent") {
      m->state = MessageState::kSent;
      m->sent_channel = q->Text(0);
      m->sent_by = q->Text(1);
      m->sent_at_ms = q->Int(2);
    } else {
      m->last_failure = q->Text(4);
    }
  }
  q->Reset();
  if (m->state == MessageState::kSent) return Status::Ok();
  if (m->phone.empty()) m->state = MessageState::kNoPhone;
  else if (consent.empty()) m->state = MessageState::kNoConsent;
  return Status::Ok();
}

constexpr const char* kApplicationSql =
    "SELECT e.id, e.subject_id, e.kind, e.reason, e.at, a.village, a.type, p.id, p.name, p.phone, p.phone_consent,"
    " (SELECT number FROM letters l WHERE l.application_id=a.id AND (l.revoked IS NULL OR l.revoked=0)"
    "  ORDER BY issued_at_ms DESC LIMIT 1)"
    " FROM events e JOIN applications a ON a.id=e.subject_id JOIN persons p ON p.id=a.applicant_id"
    " WHERE e.subject_kind='application' AND e.kind IN ('returned','approved','rejected','letter_issued')"
    " AND a.deleted=0 AND p.deleted=0 AND (?1='' OR a.village=?1) AND (?2='' OR e.id=?2) AND (?3='' OR e.at>=?3)";
constexpr const char* kCaseSql =
    "SELECT ce.id, ce.case_id, ce.kind, ce.note, ce.at, c.village, ce.at_ms, p.id, p.name, p.phone, p.phone_consent,"
    " c.case_number, ce.partner_name"
    " FROM case_events ce JOIN complaints c ON c.id=ce.case_id JOIN persons p ON p.id=c.person_id"
    " WHERE ce.kind IN ('referred','resolved') AND c.deleted=0 AND p.deleted=0"
    " AND (?1='' OR c.village=?1) AND (?2='' OR ce.id=?2) AND (?3='' OR ce.at>=?3)";

Status Collect(Db& db, const std::string& village, const std::string& event_id, const std::string& since,
               std::vector<ResidentMessage>* out) {
  DbRegionLookup regions(db);
  for (bool cases : {false, true}) {
    SIMPUL_ASSIGN_OR_RETURN(Stmt * q, db.Cached(cases ? kCaseSql : kApplicationSql));
    q->Bind(1, village).Bind(2, event_id).Bind(3, since);
    std::vector<std::pair<ResidentMessage, std::string>> found;  // with the consent
    for (;;) {
      auto row = q->Step();
      if (!row.ok()) {
        q->Reset();
        return row.status();
      }
      if (!*row) break;
      ResidentMessage m;
      m.event_id = q->Text(0);
      m.subject_id = q->Text(1);
      m.subject_kind = cases ? "case" : "application";
      m.kind = q->Text(2);
      m.at = q->Text(4);
      m.village = q->Text(5);
      if (cases) m.at_ms = q->Int(6);
      m.person_id = q->Text(7);
      m.person_name = q->Text(8);
      m.phone = q->Text(9);
      std::string reason = q->Text(3);
      m.text = cases ? Compose(m, TitleCase(regions.Name(m.village)), "", reason, "", q->Text(11), q->Text(12))
                     : Compose(m, TitleCase(regions.Name(m.village)), q->Text(6), reason, q->Text(11), "", "");
      found.push_back({std::move(m), q->Text(10)});
    }
    q->Reset();
    for (auto& [m, consent] : found) {
      SIMPUL_RETURN_IF_ERROR(FillState(db, &m, consent));
      out->push_back(std::move(m));
    }
  }
  return Status::Ok();
}

}  // namespace

const char* MessageStateCode(MessageState s) {
  switch (s) {
    case MessageState::kPending: return "pending";
    case MessageState::kSent: return "sent";
    case MessageState::kNoPhone: return "no_phone";
    case MessageState::kNoConsent: return "no_consent";
  }
  return "pending";
}

Result<std::vector<ResidentMessage>> ListResidentMessages(Db& db, const MessageFilter& filter) {
  std::vector<ResidentMessage> all;
  SIMPUL_RETURN_IF_ERROR(Collect(db, filter.village, "", filter.since_version, &all));
  std::erase_if(all, [&](const ResidentMessage& m) {
    return !filter.include_settled && m.state != MessageState::kPending;
  });
  std::sort(all.begin(), all.end(), [](const ResidentMessage& a, const ResidentMessage& b) { return a.at > b.at; });
  if (filter.limit > 0 && all.size() > static_cast<size_t>(filter.limit)) all.resize(filter.limit);
  return all;
}

Result<ResidentMessage> FindResidentMessage(Db& db, const std::string& event_id) {
  std::vector<ResidentMessage> found;
  if (!event_id.empty()) SIMPUL_RETURN_IF_ERROR(Collect(db, "", event_id, "", &found));
  if (found.empty())
    return Status::NotFound("no message for event " + event_id).WithMsg(MsgId::kMessageUnknown, {event_id});
  return found.front();
}

std::string ClickToChatUrl(const ResidentMessage& m) {
  std::string digits;
  for (char c : m.phone)
    if (c >= '0' && c <= '9') digits += c;
  std::string url = "https://wa.me/" + digits + "?text=";
  // Its own percent-encoder (RFC 3986 unreserved kept), not web::PercentEncode
  // (Boost.URL): schema/ uses no Boost and sits below web/.
  static const char* kHex = "0123456789ABCDEF";
  for (unsigned char c : m.text) {
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                 c == '_' || c == '.' || c == '~';
    if (plain) {
      url += static_cast<char>(c);
    } else {
      url += '%';
      url += kHex[c >> 4];
      url += kHex[c & 15];
    }
  }
  return url;
}

void WriteMessageFields(JsonWriter& j, const ResidentMessage& m) {
  j.Field("event_id", m.event_id)
      .Field("subject_id", m.subject_id)
      .Field("subject_kind", m.subject_kind)
      .Field("kind", m.kind)
      .Field("village", m.village)
      .Field("person_id", m.person_id)
      .Field("name", m.person_name)
      .Field("phone", m.phone)
      .Field("state", MessageStateCode(m.state))
      .Field("text", m.text)
      .Field("link", m.state == MessageState::kPending ? ClickToChatUrl(m) : std::string())
      .Field("sent_channel", m.sent_channel)
      .Field("sent_by", m.sent_by)
      .Field("last_failure", m.last_failure);
}

Status CheckSendable(const ResidentMessage& m) {
  switch (m.state) {
    case MessageState::kPending: return Status::Ok();
    case MessageState::kSent:
      return Status::FailedPrecondition("message already sent").WithMsg(MsgId::kMessageAlreadySent, {m.person_name});
    case MessageState::kNoPhone:
      return Status::FailedPrecondition("no phone on record").WithMsg(MsgId::kMessageNoPhone, {m.person_name});
    case MessageState::kNoConsent:
      return Status::FailedPrecondition("no consent").WithMsg(MsgId::kMessageNoConsent, {m.person_name});
  }
  return Status::Ok();
}

}  // namespace simpul::schema
