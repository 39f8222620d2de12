// Duplicate beneficiaries: the same NIK recorded for more than one person
// row (two households, two villages, or twice in one household).
//
// The hub sees every village and finds them across villages; a node sees
// only its own village, and finds those inside it. They are flagged, shown
// with the application and listed, never merged: which record is right is
// for a person to decide (DOMAIN §10.6; people move, and data entry errs).
//
// Thread-safety: reads over a caller's Db.
#ifndef SIMPUL_SCHEMA_DUPLICATES_H_
#define SIMPUL_SCHEMA_DUPLICATES_H_

#include <string>
#include <string_view>
#include <vector>

#include "schema/db.h"
#include "schema/messages.h"
#include "schema/status.h"

namespace simpul::schema {

struct PersonRef {
  std::string id, village, household_id, name;
};

// The persons (not deleted) holding `nik` in `db`, except `except_id`.
// Empty for an empty NIK (persons without one are never duplicates).
Result<std::vector<PersonRef>> PersonsWithNik(Db& db, std::string_view nik, std::string_view except_id = {});

struct DuplicateNik {
  std::string nik;
  std::vector<PersonRef> persons;  // two or more
};

// Every NIK held by more than one person, by NIK; with `village`, only
// those of which at least one person is in that village.
Result<std::vector<DuplicateNik>> ListDuplicateNiks(Db& db, std::string_view village = {});

// The operator's warning for one other holder of the NIK.
std::string DescribeDuplicate(Lang lang, std::string_view nik, const PersonRef& other);

}  // namespace simpul::schema

#endif  // SIMPUL_SCHEMA_DUPLICATES_H_
