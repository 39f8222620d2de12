// A letter's verifiable statement: the text in the QR code printed on every
// letter the hub issues, signed with the hub's Ed25519 key.
//
// The statement is compact (it must fit a QR code a phone or a 2015 webcam
// reads off paper) and carries only what identifies the letter and whom it is
// for: number, service type, name, masked NIK, date and the signing key's id.
// Anyone holding the hub keys a node trusts (its pinned key and every key of
// the signed succession, so letters signed before a rotation stay valid) can
// check it offline. Revocation is a separate, replicated fact: the verifier
// passes the revoked numbers it knows.
//
// Text form (docs/PROTOCOL.md §21; persisted on paper, never change v1):
//   SPL1|<number>|<type>|<name>|<masked nik>|<YYYY-MM-DD>|<key id>|<signature>
// key id = the first 8 bytes of the signing public key in hex; signature =
// Ed25519 over "simpul/v1/letter\n" + everything before the last '|',
// base64url without padding.
//
// Thread-safety: free functions over values.
#ifndef SIMPUL_SYNC_LETTER_STATEMENT_H_
#define SIMPUL_SYNC_LETTER_STATEMENT_H_

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "schema/status.h"
#include "sync/crypto/envelope.h"

namespace simpul::sync {

struct LetterStatement {
  std::string number;      // the letter number as printed
  std::string type;        // service type code (e.g. pbi_apbd)
  std::string name;        // resident's name as printed
  std::string masked_nik;  // MaskNik(nik)
  std::string date;        // issue date in the office's zone, YYYY-MM-DD
  std::string key_id;      // KeyId(signing key); filled in by SignLetterStatement
};

// "3510********0002": the first four and last four digits; other lengths
// keep nothing but the last two.
std::string MaskNik(std::string_view nik);
// Hex of the first 8 bytes of `pk`.
std::string LetterKeyId(const crypto::PublicKey& pk);

// The QR text for `st`, signed with `hub`. InvalidArgument naming the field
// when a field is empty, too long or holds '|' or a control character.
Result<std::string> SignLetterStatement(LetterStatement st, const crypto::Identity& hub);

// The structure of a QR text, unverified: Corruption naming the part that is
// malformed.
Result<LetterStatement> ParseLetterStatement(std::string_view text);

enum class LetterVerdict {
  kValid,    // signed by a trusted hub key and not revoked
  kForged,   // the signature fails, or the key is not one this office trusts
  kRevoked,  // genuine, but the hub revoked it
};
const char* LetterVerdictName(LetterVerdict v);  // "valid", "forged", "revoked"

struct LetterCheck {
  LetterVerdict verdict = LetterVerdict::kForged;
  LetterStatement statement;
  std::string detail;  // why, in English (logs); the CLI words it from the verdict
};

// Checks `text` against `trusted` keys and the `revoked` letter numbers. A
// text that does not even parse is a Corruption error, not a verdict.
Result<LetterCheck> VerifyLetterStatement(std::string_view text, const std::vector<crypto::PublicKey>& trusted,
                                          const std::set<std::string>& revoked);

}  // namespace simpul::sync

#endif  // SIMPUL_SYNC_LETTER_STATEMENT_H_
