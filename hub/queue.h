// The Dinsos queue: applications matching a filter, with their status (the
// workflow fold, as the application index hub/app_index.h keeps it), sorted
// by how long they have waited in that status (longest first), and the
// count of each status among the applications the other filters match (the
// tabs of the queue page).
//
// A search text matches the applicant's name (any part, any case), or, when
// it is 4-16 digits, the start of the applicant's NIK or the household's
// No. KK. Every value reaches SQLite as a bound parameter.
//
// Thread-safety: as HubStore.
#ifndef SIMPUL_HUB_QUEUE_H_
#define SIMPUL_HUB_QUEUE_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "hub/store.h"

namespace simpul::hub {

struct QueueFilter {
  std::string status;   // "" = any (else a schema workflow status)
  std::string type;     // "" = any (else an application type code)
  std::string village;  // "" = any (else a village code)
  std::string search;   // "" = none
  int limit = 200;      // items returned (counts cover all)
  std::string kecamatan;  // "" = any (else a kecamatan code, NN.NN.NN: its villages)
  std::string stage;      // "" = any (else a stage code of the service rules: those waiting for it)
};

struct QueueItem {
  std::string id, village, village_name, type, applicant_name, status, letter_number;
  int64_t since_ms = 0;  // in this status since (hub clock); 0 unknown
  bool has_score = false;
  double score = 0;
  std::string nik, no_kk;  // the applicant's and the household's (exports only; the queue page shows neither)
  // Waiting at Dinsos (submitted, in review): the stage of its service rule
  // it waits for ("" = the decision) and when that is due, from the end of
  // the stage before (Dinsos's receipt for the first) plus the stage's SLA.
  std::string next_stage, next_stage_title_id, next_stage_title_en;
  int64_t due_ms = 0;  // 0: not waiting at Dinsos, or no rule
};

struct QueueResult {
  std::vector<QueueItem> items;           // longest waiting first
  std::map<std::string, int64_t> counts;  // status -> applications (status filter not applied)
  int64_t matched = 0;                    // applications the whole filter matches
};

// InvalidArgument naming the field for an unknown status or type, a
// kecamatan code not NN.NN.NN, a stage no service rule names, or a search
// text over 100 characters.
Result<QueueResult> QueryQueue(HubStore& store, const QueueFilter& filter);

// The villages that have applications, with their names (for the filter).
Result<std::vector<std::pair<std::string, std::string>>> QueueVillages(HubStore& store);

}  // namespace simpul::hub

#endif  // SIMPUL_HUB_QUEUE_H_
