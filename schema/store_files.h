// Small pieces every Simpul store needs: its `meta` key/value table and
// files written whole or not at all (keys, identities).
#ifndef SIMPUL_SCHEMA_STORE_FILES_H_
#define SIMPUL_SCHEMA_STORE_FILES_H_

#include <cstdint>
#include <string>

#include "schema/db.h"
#include "schema/status.h"

namespace simpul::schema {

// The value of `key` in the meta table, "" when absent (or unreadable).
std::string ReadMeta(Db& db, const std::string& key);
Status WriteMeta(Db& db, const std::string& key, const std::string& value);

// Writes `bytes` to `path` through a temporary file, fsync and rename, with
// `mode` (e.g. 0600 for secrets): readers see the old file or the new one.
Status WriteFileAtomically(const std::string& path, const std::string& bytes, unsigned mode);

// The whole of the file a person named (an import, a bundle): IoError
// (kFileUnreadable) when it cannot be read, ResourceExhausted (kFileTooLarge)
// when it is over `max_bytes`, checked before reading it.
Result<std::string> ReadFileBounded(const std::string& path, uint64_t max_bytes);

}  // namespace simpul::schema

#endif  // SIMPUL_SCHEMA_STORE_FILES_H_
