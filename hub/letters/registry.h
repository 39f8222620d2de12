// The letters the hub has issued, after issuing: finding one by its number
// or its application, its PDF, checking a letter's QR text against the keys
// this hub has signed with (rotation included), and revoking one. A
// revocation is a change to the replicated `letters` row, so every village
// that holds the letter learns it at its next sync (PROTOCOL.md §21).
#ifndef SIMPUL_HUB_LETTERS_REGISTRY_H_
#define SIMPUL_HUB_LETTERS_REGISTRY_H_

#include <string>

#include "hub/store.h"
#include "schema/status.h"
#include "sync/letter_statement.h"

namespace simpul::hub {

struct IssuedLetter {
  std::string id, village, application_id, service, number, statement, sha256, issued_by, revoke_reason;
  int64_t size = 0, issued_at_ms = 0, revoked_at_ms = 0;
  bool revoked = false;
};

// The letter numbered `number_or_app`, else the newest letter of the
// application with that id. NotFound naming what was looked for.
Result<IssuedLetter> FindLetter(HubStore& store, const std::string& number_or_app);

// The letter's PDF from the hub's sealed documents, checked against its hash.
Result<std::string> LetterPdfAtHub(HubStore& store, const IssuedLetter& letter);

// Checks QR text against the hub's current and retired keys and the letters
// it has revoked.
Result<sync::LetterCheck> VerifyLetterAtHub(HubStore& store, const std::string& qr_text);

// Marks the letter revoked with a reason, in one hub write with its audit
// entry. FailedPrecondition when it is already revoked (nothing written).
Status RevokeLetter(HubStore& store, const IssuedLetter& letter, const std::string& reason);

}  // namespace simpul::hub

#endif  // SIMPUL_HUB_LETTERS_REGISTRY_H_
