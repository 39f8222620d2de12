// Scope digests: a replica's state of one village, folded into 16 buckets of
// 64 bits, so node and hub can prove they agree with one number per sync and,
// when they do not, find which rows differ without a full resync.
//
// Each (table, row, field, version) contributes SipHash-2-4 under a fixed
// public key; a row's fields go to the bucket chosen by its id; buckets XOR.
// Only field versions count: values are determined by versions.
#ifndef SIMPUL_SYNC_DIGEST_H_
#define SIMPUL_SYNC_DIGEST_H_

#include <array>
#include <cstdint>
#include <string>

#include "schema/db.h"
#include "schema/status.h"

namespace simpul::sync {

inline constexpr uint32_t kDigestBuckets = 16;
using BucketDigests = std::array<uint64_t, kDigestBuckets>;

uint32_t BucketOf(const std::string& row_id);
uint64_t Combine(const BucketDigests& buckets);

// Digest of every replicated row of `village` in `db`: of the fields a node
// of store schema `schema_version` knows: its tables and fields
// (schema/tables.h `since`; -1: all).
Result<BucketDigests> ScopeDigest(schema::Db& db, const std::string& village, int schema_version = -1);

}  // namespace simpul::sync

#endif  // SIMPUL_SYNC_DIGEST_H_
