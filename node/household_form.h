// A household and its members written in one go, as the village web app's
// register form sends them (node/api/residents_api.cc) and as an operator
// accepts a resident's kiosk registration (node/kiosk_review.h): the
// household's options, then each member's, through node/records.h's
// CreateRecord (validation, change capture, outbox). The member whose
// relation is 1 (head of household) becomes the household's head.
#ifndef SIMPUL_NODE_HOUSEHOLD_FORM_H_
#define SIMPUL_NODE_HOUSEHOLD_FORM_H_

#include <string>
#include <vector>

#include "node/records.h"

namespace simpul::node {

inline constexpr int kMaxFormMembers = 20;

struct HouseholdForm {
  Options household;             // CLI option names ("kk", "address", ...); "head" is ignored
  std::vector<Options> members;  // in the form's order; each needs "name"
};

struct RegisteredHousehold {
  std::string id;
  std::string head;                         // the head's person id ("" when no member is the head)
  std::vector<std::string> members;         // person ids, in the form's order
  std::vector<schema::Warning> warnings;    // the household's
  // Each member's warnings, args[0] being the member's number (1-based).
  std::vector<schema::Warning> member_warnings;
};

// Writes `form` in one transaction (a savepoint of the caller's, if any).
// Refused: nothing written, and *failed_member is the index of the member
// the status is about (-1: the household itself). InvalidArgument naming
// "address" without an address, "name" (member 0) without members.
Result<RegisteredHousehold> RegisterHouseholdForm(NodeStore& store, const HouseholdForm& form, Lang lang,
                                                  int* failed_member);

}  // namespace simpul::node

#endif  // SIMPUL_NODE_HOUSEHOLD_FORM_H_
