// Number sequences that never hand out a number twice, even across a
// restore of hub.db from a backup (PROTOCOL.md §22, OPERATIONS.md).
//
// Letter numbers (and any later per-year register) come from a sequence per
// (unit, year). The next number is one more than the highest of:
//   1. letter_counters.last in hub.db (rolls back with a restore);
//   2. DIR/sequences, outside the database: the highest number this data
//      directory ever reserved. It is written and fsynced (file and
//      directory) before the number is used, and a restore never lowers it,
//      so a restore on the same machine never reissues a number;
//   3. `learned`: the highest number found in the store's own records (the
//      letter_issued events, which villages hand back after a restore).
// When a restore could not carry DIR/sequences over (a new machine, the old
// disk lost), the hub cannot know the numbers issued after the backup until
// every village has handed back what it holds: until then (meta
// numbers_unproven, cleared once every active node has caught up with the
// epoch) Reserve refuses with FailedPrecondition naming the villages.
//
// File format (text): "simpul-sequences 1\n" then "unit year last\n" lines.
// Runs inside the caller's write transaction, which serialises reservations
// between processes (the server and operator commands).
#ifndef SIMPUL_HUB_SEQUENCES_H_
#define SIMPUL_HUB_SEQUENCES_H_

#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include "hub/store.h"

namespace simpul::hub {

using SequenceKey = std::pair<std::string, int>;  // unit, year
using SequenceFile = std::map<SequenceKey, int64_t>;

std::string SequencesPath(const std::string& dir);
// An absent file reads as empty; a damaged one is Corruption.
Result<SequenceFile> ReadSequences(const std::string& path);
// Written to a temporary file, fsynced, renamed over `path`, directory fsynced.
Status WriteSequences(const std::string& path, const SequenceFile& seqs);
// Every entry of `b` into `a`, keeping the higher number.
void MergeSequences(SequenceFile* a, const SequenceFile& b);

// Creates DIR/sequences from letter_counters when it is missing (a new hub,
// or one made before the file existed), so that its presence after a
// restore tells that the reservations survived.
Status EnsureSequencesFile(HubStore& store);

// Reserves the next number of (unit, year): durable in DIR/sequences before
// it returns, and recorded in letter_counters.
Result<int64_t> ReserveNumber(HubStore& store, const std::string& unit, int year, int64_t learned);

// The sequence number inside a formatted letter number ("460/007/Dinsos/2025"
// with template "460/{seq}/Dinsos/{year}"), or 0 when it does not match.
int64_t NumberFromText(const std::string& tmpl, const std::string& text, int year);

}  // namespace simpul::hub

#endif  // SIMPUL_HUB_SEQUENCES_H_
