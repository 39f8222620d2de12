#include "node/kiosk_store.h"

#include <sodium.h>

#include "node/documents.h"
#include "schema/messages.h"
#include "schema/model.h"

namespace simpul::node {
namespace {

std::string KindLabel(Lang lang, const std::string& kind) {
  const schema::CodeLabel* c = schema::FindCode(schema::kAttachmentKinds, kind);
  return c ? (lang == Lang::kId ? c->label_id : c->label_en) : kind;
}

bool KnownKind(const std::string& kind) {
  for (const char* k : kKioskPhotoKinds)
    if (kind == k) return true;
  return false;
}

// Eight characters a resident can read out without confusion (no 0/O, 1/I/L).
std::string NewReceipt() {
  static constexpr char kAlphabet[] = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
  std::string out;
  for (int i = 0; i < 8; ++i) {
    if (i == 4) out += '-';
    out += kAlphabet[randombytes_uniform(sizeof kAlphabet - 1)];
  }
  return out;
}

Status CheckPhoto(const KioskPhoto& p, const KioskLimits& limits, Lang lang) {
  const std::string field = "photo_" + p.kind;
  if (!KnownKind(p.kind))
    return Status::InvalidArgument("unknown photo kind").WithField("photo")
        .WithMsg(MsgId::kWebUploadNotScan, {p.kind});
  const std::string label = KindLabel(lang, p.kind);
  if (p.bytes.empty())
    return Status::InvalidArgument("empty photo").WithField(field).WithMsg(MsgId::kWebUploadEmpty, {label});
  if (p.bytes.size() > limits.max_photo_bytes)
    return Status::ResourceExhausted("photo too large").WithField(field)
        .WithMsg(MsgId::kWebUploadTooLarge, {label, SizeText(p.bytes.size()), SizeText(limits.max_photo_bytes)});
  std::string type = DocumentMediaType(std::string_view(p.bytes).substr(0, 8));
  if (type != "image/jpeg" && type != "image/png")
    return Status::InvalidArgument("not a photo").WithField(field).WithMsg(MsgId::kWebUploadNotScan, {label});
  return Status::Ok();
}

PendingRegistration FromRow(schema::Stmt& st) {
  PendingRegistration r;
  r.id = st.Int(0);
  r.receipt = st.Text(1);
  r.submitted_at_ms = st.Int(2);
  r.client = st.Text(3);
  r.fields = st.Text(4);
  r.bytes = st.Int(5);
  r.state = st.Text(6);
  r.reviewer = st.Text(7);
  r.reason = st.Text(8);
  r.handled_at_ms = st.Int(9);
  r.household_id = st.Text(10);
  r.application_id = st.Text(11);
  return r;
}

constexpr const char* kColumns =
    "SELECT id, receipt, submitted_at_ms, client, fields, bytes, state, coalesce(reviewer,''), coalesce(reason,''),"
    " coalesce(handled_at_ms,0), coalesce(household_id,''), coalesce(application_id,'') FROM pending_registrations";

Status LoadPhotoKinds(NodeStore& store, PendingRegistration& r) {
  SIMPUL_ASSIGN_OR_RETURN(auto st, store.db().Prepare(
                                       "SELECT kind FROM pending_photos WHERE registration_id=? ORDER BY kind"));
  st.Bind(1, r.id);
  for (;;) {
    SIMPUL_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Status::Ok();
    r.photo_kinds.push_back(st.Text(0));
  }
}

}  // namespace

Result<PendingTotals> PendingTotalsOf(NodeStore& store) {
  SIMPUL_ASSIGN_OR_RETURN(auto st, store.db().Prepare(
                                       "SELECT count(*), coalesce(sum(bytes),0) FROM pending_registrations"
                                       " WHERE state='pending'"));
  SIMPUL_RETURN_IF_ERROR(st.Step().status());
  return PendingTotals{st.Int(0), st.Int(1)};
}

Result<std::string> SubmitRegistration(NodeStore& store, const KioskSubmission& s, const KioskLimits& limits,
                                       Lang lang) {
  if (s.fields.size() > limits.max_fields_bytes)
    return Status::InvalidArgument("form too large").WithField("fields")
        .WithMsg(MsgId::kKioskFormTooLarge, {SizeText(limits.max_fields_bytes)});
  uint64_t bytes = s.fields.size();
  for (size_t i = 0; i < s.photos.size(); ++i) {
    SIMPUL_RETURN_IF_ERROR(CheckPhoto(s.photos[i], limits, lang));
    for (size_t k = 0; k < i; ++k)
      if (s.photos[k].kind == s.photos[i].kind)
        return Status::InvalidArgument("photo sent twice").WithField("photo_" + s.photos[i].kind)
            .WithMsg(MsgId::kWebUploadNotScan, {KindLabel(lang, s.photos[i].kind)});
    bytes += s.photos[i].bytes.size();
  }
  SIMPUL_ASSIGN_OR_RETURN(auto txn, schema::Transaction::Begin(store.db()));
  // Counted under the write lock: two submissions cannot both take the last place.
  SIMPUL_ASSIGN_OR_RETURN(PendingTotals totals, PendingTotalsOf(store));
  if (totals.count + 1 > limits.max_pending ||
      static_cast<uint64_t>(totals.bytes) + bytes > limits.max_pending_bytes)
    return Status::ResourceExhausted("pending registrations full").WithMsg(MsgId::kKioskQueueFull);
  SIMPUL_ASSIGN_OR_RETURN(auto ins, store.db().Prepare(
                                        "INSERT INTO pending_registrations(receipt, submitted_at_ms, client, fields,"
                                        " bytes) VALUES(?,?,?,?,?) ON CONFLICT(receipt) DO NOTHING"));
  std::string receipt;
  for (int attempt = 0; attempt < 5 && receipt.empty(); ++attempt) {
    std::string candidate = NewReceipt();
    ins.Reset();
    ins.Bind(1, candidate).Bind(2, s.now_ms).Bind(3, s.client).Bind(4, s.fields).Bind(5, static_cast<int64_t>(bytes));
    SIMPUL_RETURN_IF_ERROR(ins.Run());
    if (store.db().Changes() == 1) receipt = candidate;
  }
  if (receipt.empty()) return Status::Internal("no free receipt number");
  const int64_t id = store.db().LastInsertRowid();
  SIMPUL_ASSIGN_OR_RETURN(auto photo, store.db().Prepare(
                                          "INSERT INTO pending_photos(registration_id, kind, media_type, bytes)"
                                          " VALUES(?,?,?,?)"));
  for (const auto& p : s.photos) {
    photo.Reset();
    photo.Bind(1, id).Bind(2, p.kind).Bind(3, DocumentMediaType(std::string_view(p.bytes).substr(0, 8)))
        .Bind(4, schema::Value(schema::Blob{p.bytes}));
    SIMPUL_RETURN_IF_ERROR(photo.Run());
  }
  SIMPUL_RETURN_IF_ERROR(txn.Commit());
  return receipt;
}

Result<std::vector<PendingRegistration>> ListRegistrations(NodeStore& store, const std::string& state, int limit) {
  SIMPUL_ASSIGN_OR_RETURN(auto st, store.db().Prepare(std::string(kColumns) +
                                                      " WHERE ?1='' OR state=?1 ORDER BY submitted_at_ms, id LIMIT ?2"));
  st.Bind(1, state).Bind(2, limit);
  std::vector<PendingRegistration> out;
  for (;;) {
    SIMPUL_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back(FromRow(st));
  }
  for (auto& r : out) SIMPUL_RETURN_IF_ERROR(LoadPhotoKinds(store, r));
  return out;
}

Result<PendingRegistration> ReadRegistration(NodeStore& store, int64_t id) {
  SIMPUL_ASSIGN_OR_RETURN(auto st, store.db().Prepare(std::string(kColumns) + " WHERE id=?"));
  st.Bind(1, id);
  SIMPUL_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row)
    return Status::NotFound("no such registration").WithField("registration")
        .WithMsg(MsgId::kWebNotFound);
  PendingRegistration r = FromRow(st);
  SIMPUL_RETURN_IF_ERROR(LoadPhotoKinds(store, r));
  return r;
}

Result<KioskPhoto> ReadRegistrationPhoto(NodeStore& store, int64_t id, const std::string& kind) {
  SIMPUL_ASSIGN_OR_RETURN(auto st, store.db().Prepare(
                                       "SELECT media_type, bytes FROM pending_photos WHERE registration_id=? AND kind=?"));
  st.Bind(1, id).Bind(2, kind);
  SIMPUL_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row)
    return Status::NotFound("no such photo").WithField("photo").WithMsg(MsgId::kWebNotFound);
  KioskPhoto p;
  p.kind = kind;
  p.media_type = st.Text(0);
  schema::Value v = st.Column(1);
  if (auto* b = std::get_if<schema::Blob>(&v)) p.bytes = std::move(b->bytes);
  return p;
}

Status MarkRegistrationHandled(NodeStore& store, int64_t id, const std::string& state, const std::string& reviewer,
                               const std::string& reason, int64_t now_ms, const std::string& household_id,
                               const std::string& application_id) {
  if (state != "accepted" && state != "rejected") return Status::InvalidArgument("state must be accepted or rejected");
  SIMPUL_ASSIGN_OR_RETURN(auto txn, schema::Transaction::Begin(store.db()));
  SIMPUL_ASSIGN_OR_RETURN(PendingRegistration r, ReadRegistration(store, id));
  if (r.state != "pending")
    return Status::FailedPrecondition("registration already " + r.state).WithField("registration")
        .WithMsg(MsgId::kKioskAlreadyHandled, {r.receipt, r.reviewer});
  SIMPUL_ASSIGN_OR_RETURN(auto up, store.db().Prepare(
                                       "UPDATE pending_registrations SET state=?, reviewer=?, reason=?, handled_at_ms=?,"
                                       " household_id=?, application_id=? WHERE id=? AND state='pending'"));
  up.Bind(1, state).Bind(2, reviewer).Bind(3, reason).Bind(4, now_ms).Bind(5, household_id)
      .Bind(6, application_id).Bind(7, id);
  SIMPUL_RETURN_IF_ERROR(up.Run());
  SIMPUL_ASSIGN_OR_RETURN(auto del, store.db().Prepare("DELETE FROM pending_photos WHERE registration_id=?"));
  del.Bind(1, id);
  SIMPUL_RETURN_IF_ERROR(del.Run());
  return txn.Commit();
}

}  // namespace simpul::node
