// Letters at the village: the letters the hub issued for this village's
// applications (the replicated `letters` table), their PDFs (documents
// fetched at sync), and checking a letter's QR text offline against the hub
// keys this node trusts (PROTOCOL.md §21).
#ifndef SIMPUL_NODE_LETTERS_H_
#define SIMPUL_NODE_LETTERS_H_

#include <set>
#include <string>
#include <vector>

#include "node/store.h"
#include "sync/letter_statement.h"

namespace simpul::node {

struct VillageLetter {
  std::string id, application_id, service, number, statement, sha256, revoke_reason;
  int64_t size = 0, issued_at_ms = 0;
  bool revoked = false;
  bool pdf_here = false;  // the PDF has arrived (else: at the next sync)
};

// The letters of an application, newest first.
Result<std::vector<VillageLetter>> LettersOf(NodeStore& store, const std::string& app_id);

// The newest letter's PDF. NotFound when the application has no letter;
// Unavailable (try after the next sync) when its PDF has not arrived yet.
Result<std::string> LetterPdf(NodeStore& store, const std::string& app_id);

// The hub's current key and every earlier one it rotated from.
Result<std::vector<sync::crypto::PublicKey>> TrustedHubKeys(NodeStore& store);
// Letter numbers the hub has revoked, as far as this node has heard.
Result<std::set<std::string>> RevokedLetterNumbers(NodeStore& store);

// Checks a letter's QR text offline.
Result<sync::LetterCheck> VerifyLetter(NodeStore& store, const std::string& qr_text);

}  // namespace simpul::node

#endif  // SIMPUL_NODE_LETTERS_H_
