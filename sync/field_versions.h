// The per-field versions of a replica's rows (table `field_versions`): the
// version each field last took. Written by the two places that change rows,
// the change writer (local edits) and the merge (changes from elsewhere).
#ifndef SIMPUL_SYNC_FIELD_VERSIONS_H_
#define SIMPUL_SYNC_FIELD_VERSIONS_H_

#include <string>
#include <string_view>
#include <vector>

#include "schema/db.h"
#include "schema/status.h"

namespace simpul::sync {

// Sets `fields` of row `row_id` of `table` to `version`, in one statement
// (one row each): a statement per field cost about 4% of the hub's CPU in a
// large push (BENCHMARKS.md). Returns the store's error as it came.
Status SetFieldVersions(schema::Db& db, const std::string& table, const std::string& row_id,
                        const std::string& version, const std::vector<std::string_view>& fields);

}  // namespace simpul::sync

#endif  // SIMPUL_SYNC_FIELD_VERSIONS_H_
