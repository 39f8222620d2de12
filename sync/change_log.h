// The hub's change log: the one place that writes it. Every change the hub
// keeps, whoever made it (a village's push, a Dinsos decision through the
// change writer, a move between villages), becomes one entry and its
// fields here, in the order the hub's sequence gives them; nodes pull by
// that sequence (PROTOCOL.md §8).
#ifndef SIMPUL_SYNC_CHANGE_LOG_H_
#define SIMPUL_SYNC_CHANGE_LOG_H_

#include <cstdint>
#include <string>
#include <string_view>

#include <vector>

#include "schema/db.h"
#include "schema/status.h"
#include "sync/change.h"

namespace simpul::sync {

struct ChangeLogEntry {
  std::string version;  // the change's id (HLC stamp + writer)
  std::string table, row_id;
  std::string village;  // the scope it goes to
  uint32_t flags = 0;   // wire change flags (snapshot, scope out)
  std::string origin;   // the node that pushed it, or the hub's id
  uint64_t received_at_ms = 0;
  int64_t clock_skew_ms = 0;  // > 0: how far ahead the writer's clock was (recorded, shown at Dinsos)
};

class ChangeLogWriter {
 public:
  explicit ChangeLogWriter(schema::Db& db) : db_(db) {}
  // Appends an entry; returns its sequence number.
  Result<int64_t> Append(const ChangeLogEntry& e);
  // One field of entry `seq`: its value, and the version it was based on
  // (NULL: none).
  Status AddField(int64_t seq, std::string_view field, const schema::Value& value, const schema::Value& base);
  // Every field of a pushed change in one statement (a base of "" is none).
  Status AddFields(int64_t seq, const std::vector<FieldChange>& fields);
  // The statement that inserts `n` fields of one entry into `table`
  // (changelog_fields here, outbox_fields on a node: the same columns):
  // ?1 the entry's sequence, then field, value and base of each, from ?2.
  static std::string FieldRowsSql(std::string_view table, size_t n);

 private:
  schema::Db& db_;
};

}  // namespace simpul::sync

#endif  // SIMPUL_SYNC_CHANGE_LOG_H_
