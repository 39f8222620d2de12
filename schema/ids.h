// Globally unique ids made on the creating node (DESIGN §2): rows get a
// UUIDv7 (time-ordered for index locality, 74 random bits for uniqueness
// across every village), nodes a 64-bit random id in hex.
#ifndef SIMPUL_SCHEMA_IDS_H_
#define SIMPUL_SCHEMA_IDS_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace simpul::schema {

// "0190a5b2-8c1d-7abc-9def-0123456789ab"; `unix_ms` is the creator's clock,
// used only for ordering, never trusted.
std::string NewRowId(uint64_t unix_ms);
std::string NewNodeId();
bool LooksLikeRowId(std::string_view id);

// Fills `out` with `n` bytes from the OS's random source.
void RandomBytes(void* out, size_t n);

}  // namespace simpul::schema

#endif  // SIMPUL_SCHEMA_IDS_H_
