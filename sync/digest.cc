#include "sync/digest.h"

#include <sodium.h>

#include "schema/tables.h"

namespace simpul::sync {
namespace {

// Public and fixed: the digest detects divergence, it is not a secret MAC.
constexpr uint8_t kKey[crypto_shorthash_KEYBYTES] = {'s', 'i', 'm', 'p', 'u', 'l', '/', 'd',
                                                     'i', 'g', 'e', 's', 't', '/', 'v', '1'};

uint64_t Hash(const std::string& s) {
  uint8_t out[crypto_shorthash_BYTES];
  crypto_shorthash(out, reinterpret_cast<const uint8_t*>(s.data()), s.size(), kKey);
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | out[i];
  return v;
}

}  // namespace

uint32_t BucketOf(const std::string& row_id) {
  return static_cast<uint32_t>(Hash(row_id) % kDigestBuckets);
}

uint64_t Combine(const BucketDigests& b) {
  uint64_t v = 0;
  for (auto x : b) v ^= x;
  return v;
}

Result<BucketDigests> ScopeDigest(schema::Db& db, const std::string& village, int schema_version) {
  BucketDigests buckets{};
  for (const auto& table : schema::ReplicatedTables()) {
    if (schema_version >= 0 && !schema::KnownAtSchema(table, schema_version)) continue;
    // CROSS JOIN keeps the scope's rows as the outer loop (the village
    // index), so a hub with many villages never scans every version.
    std::string sql = std::string("SELECT fv.row_id, fv.field, fv.version FROM ") + table.name +
                      " t CROSS JOIN field_versions fv ON fv.tbl='" + table.name +
                      "' AND fv.row_id=t.id WHERE t.village=?";
    for (const auto& f : table.fields)
      if (schema_version >= 0 && !schema::KnownAtSchema(f, schema_version))
        sql += std::string(" AND fv.field!='") + f.name + "'";
    SIMPUL_ASSIGN_OR_RETURN(auto st, db.Prepare(sql));
    st.Bind(1, village);
    std::string last_row;
    uint32_t bucket = 0;
    for (;;) {
      SIMPUL_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      std::string row_id = st.Text(0);
      if (row_id != last_row) {
        bucket = BucketOf(row_id);
        last_row = row_id;
      }
      buckets[bucket] ^= Hash(std::string(table.name) + '\0' + row_id + '\0' + st.Text(1) + '\0' + st.Text(2));
    }
  }
  return buckets;
}

}  // namespace simpul::sync
