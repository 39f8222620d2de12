// Enrolling a village laptop: the one-time code an administrator issues (by
// `simpul-hub node enrol` or the villages page), with what the village needs
// beside it: the code's expiry, the hub key's fingerprint to compare, and
// the exact command to type. Both the CLI and the web API use these.
//
// Thread-safety: as HubStore.
#ifndef SIMPUL_HUB_ENROLMENT_H_
#define SIMPUL_HUB_ENROLMENT_H_

#include <cstdint>
#include <string>

#include "hub/store.h"

namespace simpul::hub {

struct EnrolmentSlip {
  std::string village, code;
  int64_t expires_ms = 0;  // hub clock
  std::string hub_key;     // the fingerprint of the hub's signing key
};

// Issues a one-time code for `village`, valid `days` days (1..90), stored
// and audited ("enrolment_code", under the store's actor) in one
// transaction. InvalidArgument for a code that is not a village's or a
// number of days out of range; NotFound for a village not in the
// Kemendagri lists.
Result<EnrolmentSlip> IssueEnrolment(HubStore& store, const std::string& village, int days);

// The command the village types: simpul-node enrol --hub URL --code CODE.
std::string NodeEnrolCommand(const std::string& hub_url, const std::string& code);

}  // namespace simpul::hub

#endif  // SIMPUL_HUB_ENROLMENT_H_
