#include "node/letters.h"

namespace simpul::node {

Result<std::vector<VillageLetter>> LettersOf(NodeStore& store, const std::string& app_id) {
  SIMPUL_ASSIGN_OR_RETURN(auto q, store.db().Prepare(
      "SELECT id,application_id,service,number,statement,sha256,size,issued_at_ms,revoked,revoke_reason"
      " FROM letters WHERE application_id=? AND deleted=0 ORDER BY issued_at_ms DESC, id DESC"));
  q.Bind(1, app_id);
  std::vector<VillageLetter> out;
  for (;;) {
    SIMPUL_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    VillageLetter l;
    l.id = q.Text(0);
    l.application_id = q.Text(1);
    l.service = q.Text(2);
    l.number = q.Text(3);
    l.statement = q.Text(4);
    l.sha256 = q.Text(5);
    l.size = q.Int(6);
    l.issued_at_ms = q.Int(7);
    l.revoked = q.Int(8) != 0;
    l.revoke_reason = q.Text(9);
    l.pdf_here = !l.sha256.empty() && store.blobs().Has(l.sha256);
    out.push_back(std::move(l));
  }
  return out;
}

Result<std::string> LetterPdf(NodeStore& store, const std::string& app_id) {
  SIMPUL_ASSIGN_OR_RETURN(auto letters, LettersOf(store, app_id));
  if (letters.empty()) return Status::NotFound("application " + app_id + " has no letter yet");
  const VillageLetter& l = letters.front();
  if (!l.pdf_here)
    return Status::Unavailable("the PDF of letter " + l.number + " has not arrived yet: it comes with the next sync");
  return store.blobs().Read(l.sha256, 0, static_cast<uint64_t>(l.size));
}

Result<std::vector<sync::crypto::PublicKey>> TrustedHubKeys(NodeStore& store) {
  std::vector<sync::crypto::PublicKey> keys;
  std::string current = store.Meta("hub_pk");
  if (current.empty()) return Status::FailedPrecondition("this node is not enrolled: it knows no hub key yet");
  SIMPUL_ASSIGN_OR_RETURN(auto pk, sync::crypto::PublicKeyFromHex(current));
  keys.push_back(pk);
  std::string history = store.Meta("hub_pk_history");
  for (size_t start = 0; start < history.size();) {
    size_t comma = history.find(',', start);
    if (comma == std::string::npos) comma = history.size();
    SIMPUL_ASSIGN_OR_RETURN(auto old_pk, sync::crypto::PublicKeyFromHex(history.substr(start, comma - start)));
    keys.push_back(old_pk);
    start = comma + 1;
  }
  return keys;
}

Result<std::set<std::string>> RevokedLetterNumbers(NodeStore& store) {
  SIMPUL_ASSIGN_OR_RETURN(auto q, store.db().Prepare("SELECT number FROM letters WHERE revoked=1"));
  std::set<std::string> out;
  for (;;) {
    SIMPUL_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    out.insert(q.Text(0));
  }
  return out;
}

Result<sync::LetterCheck> VerifyLetter(NodeStore& store, const std::string& qr_text) {
  SIMPUL_ASSIGN_OR_RETURN(auto keys, TrustedHubKeys(store));
  SIMPUL_ASSIGN_OR_RETURN(auto revoked, RevokedLetterNumbers(store));
  return sync::VerifyLetterStatement(qr_text, keys, revoked);
}

}  // namespace simpul::node
