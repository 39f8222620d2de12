#include "hub/letters/registry.h"

#include <set>
#include <vector>

#include "hub/documents.h"
#include "schema/tables.h"

namespace simpul::hub {
namespace {

constexpr const char* kLetterColumns =
    "SELECT id,village,application_id,service,number,statement,sha256,issued_by,revoke_reason,size,issued_at_ms,"
    "revoked_at_ms,revoked FROM letters WHERE deleted=0 AND ";

Result<bool> ReadOne(schema::Stmt& q, IssuedLetter* out) {
  SIMPUL_ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) return false;
  out->id = q.Text(0);
  out->village = q.Text(1);
  out->application_id = q.Text(2);
  out->service = q.Text(3);
  out->number = q.Text(4);
  out->statement = q.Text(5);
  out->sha256 = q.Text(6);
  out->issued_by = q.Text(7);
  out->revoke_reason = q.Text(8);
  out->size = q.Int(9);
  out->issued_at_ms = q.Int(10);
  out->revoked_at_ms = q.Int(11);
  out->revoked = q.Int(12) != 0;
  return true;
}

}  // namespace

Result<IssuedLetter> FindLetter(HubStore& store, const std::string& number_or_app) {
  IssuedLetter letter;
  for (const char* where : {"number=? ORDER BY issued_at_ms DESC", "application_id=? ORDER BY issued_at_ms DESC"}) {
    SIMPUL_ASSIGN_OR_RETURN(auto q, store.db().Prepare(std::string(kLetterColumns) + where + " LIMIT 1"));
    q.Bind(1, number_or_app);
    SIMPUL_ASSIGN_OR_RETURN(bool found, ReadOne(q, &letter));
    if (found) return letter;
  }
  return Status::NotFound("no letter numbered " + number_or_app + " and no letter for an application with that id")
      .WithField("letter");
}

Result<std::string> LetterPdfAtHub(HubStore& store, const IssuedLetter& letter) {
  return ReadHubDocument(store, letter.sha256);
}

Result<sync::LetterCheck> VerifyLetterAtHub(HubStore& store, const std::string& qr_text) {
  std::vector<sync::crypto::PublicKey> keys = {store.identity().sign_pk};
  for (const auto& id : store.retired_identities()) keys.push_back(id.sign_pk);
  std::set<std::string> revoked;
  SIMPUL_ASSIGN_OR_RETURN(auto q, store.db().Prepare("SELECT number FROM letters WHERE revoked=1 AND deleted=0"));
  for (;;) {
    SIMPUL_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    revoked.insert(q.Text(0));
  }
  return sync::VerifyLetterStatement(qr_text, keys, revoked);
}

Status RevokeLetter(HubStore& store, const IssuedLetter& letter, const std::string& reason) {
  if (reason.empty()) return Status::InvalidArgument("a revocation needs a reason").WithField("reason");
  SIMPUL_ASSIGN_OR_RETURN(auto txn, store.BeginWrite());
  // Read again under the write lock: two operators revoking at once.
  SIMPUL_ASSIGN_OR_RETURN(IssuedLetter now, FindLetter(store, letter.number));
  if (now.revoked)
    return Status::FailedPrecondition("letter " + now.number + " is already revoked: " + now.revoke_reason)
        .WithField("letter");
  const schema::TableDef* t = schema::FindTable("letters");
  if (!t) return Status::Internal("no letters table");
  std::vector<sync::FieldWrite> f = {{"revoked", static_cast<int64_t>(1)},
                                     {"revoke_reason", reason},
                                     {"revoked_at_ms", static_cast<int64_t>(store.NowMs())}};
  SIMPUL_ASSIGN_OR_RETURN(auto written, store.writer().Write(*t, now.id, now.village, f));
  (void)written;
  SIMPUL_RETURN_IF_ERROR(store.Audit("letter_revoked", now.village, now.application_id, now.number + ": " + reason));
  return txn.Commit();
}

}  // namespace simpul::hub
