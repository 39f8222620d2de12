// Changes the hub signs (PROTOCOL.md §22), so that a village can hand them
// back to a hub restored from a backup that predates them, and the hub can
// take them again knowing they are its own.
//
// A hub-written change travels to nodes as an ordinary wire::Change; with
// protocol 4 the reply adds the hub's Ed25519 signature over the change's
// canonical bytes. The node keeps those bytes and the signature (its
// `hub_changes` table) and, after a restore, sends them back unchanged. The
// canonical form is independent of the cereal codec (whose encodings vary
// with the class version), so a signature stays valid across protocol
// versions:
//
//   canonical := "SMPLHC1" version:str table:str row_id:str village:str
//                flags:u8 n:varint field{n}
//   field     := name:str value base:str
//   value     := tag:u8 (0 null | 1 int64 BE | 2 float64 bits BE | 3 text:str | 4 blob:str)
//   str       := len:varint bytes[len]
//   signature := Ed25519(hub key, "simpul/v1/hub-change" || canonical)
//
// Parsing treats the bytes as hostile: every length is checked against what
// remains, trailing bytes are refused, any failure is one Corruption.
// Pure functions; thread-safe.
#ifndef SIMPUL_SYNC_CRYPTO_SIGNED_CHANGE_H_
#define SIMPUL_SYNC_CRYPTO_SIGNED_CHANGE_H_

#include <array>
#include <string>
#include <string_view>

#include "schema/status.h"
#include "sync/crypto/envelope.h"
#include "sync/wire/messages.h"

namespace simpul::sync::crypto {

using Signature = std::array<uint8_t, 64>;

std::string CanonicalChange(const wire::Change& c);
Result<wire::Change> ParseCanonicalChange(std::string_view bytes);

Signature SignChange(const Identity& hub, std::string_view canonical);
bool VerifyChange(const PublicKey& pk, std::string_view canonical, const Signature& sig);

}  // namespace simpul::sync::crypto

#endif  // SIMPUL_SYNC_CRYPTO_SIGNED_CHANGE_H_
