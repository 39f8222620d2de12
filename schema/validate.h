// Validation shared by node and hub: NIK, No. KK, Kemendagri region codes,
// Indonesian phone numbers, calendar dates, closed vocabularies.
//
// Each check returns a Status naming the field and the rule, with a catalogue
// message (schema/messages.h) so the operator reads it in their language.
// Facts that Dukcapil itself gets wrong (NIK birth date or sex differing from
// the person's real data, NIK prefixes of regions since split) are warnings,
// never errors: see ../shared/DOMAIN.md §1.
#ifndef SIMPUL_SCHEMA_VALIDATE_H_
#define SIMPUL_SCHEMA_VALIDATE_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "schema/messages.h"
#include "schema/status.h"

namespace simpul::schema {

// Answers "is this code in the official lists (any edition)?". Implemented by
// the region table of a store; nullptr means "skip existence checks".
class RegionLookup {
 public:
  virtual ~RegionLookup() = default;
  virtual bool Known(std::string_view dotted_code) const = 0;
};

struct Warning {
  MsgId id;
  std::vector<std::string> args;
};

struct Date {
  int year = 0, month = 0, day = 0;
  bool operator==(const Date&) const = default;
  std::string ToIso() const;  // YYYY-MM-DD
};

bool IsLeapYear(int year);
bool IsRealDate(int year, int month, int day);
// Parses YYYY-MM-DD strictly and checks the calendar.
Result<Date> ParseDate(std::string_view field, std::string_view text);

// Strips spaces, dots and dashes people type inside long numbers.
std::string CompactDigits(std::string_view input);

struct NikInfo {
  std::string nik;              // 16 digits, normalised
  char sex = 'L';               // 'L' or 'P' (day + 40)
  int day = 0, month = 0, yy = 0;
  std::string region_prefix;    // PP.KK.CC of first registration
};

// Structural NIK check. `lookup` (may be null) adds a warning when the
// kabupaten/kecamatan prefix is in no edition of the region lists.
Result<NikInfo> ValidateNik(std::string_view input, const RegionLookup* lookup,
                            std::vector<Warning>* warnings);

// Soft checks of a person's entered sex and birth date against the NIK.
void CheckNikAgainstPerson(const NikInfo& nik, std::optional<char> sex,
                           std::optional<Date> birth_date, std::vector<Warning>* warnings);

// No. KK: 16 digits, known province, a real record date (no +40 rule), serial.
Result<std::string> ValidateKk(std::string_view input);

bool IsKnownProvince(int code);

enum class RegionLevel { kProvince = 1, kRegency = 2, kDistrict = 3, kVillage = 4 };

// Checks the shape of a dotted Kemendagri code (PP, PP.KK, PP.KK.CC or
// PP.KK.CC.DDDD) and returns its level; with `lookup`, also its existence.
Result<RegionLevel> ValidateRegionCode(std::string_view code, const RegionLookup* lookup);

// Accepts 08xx..., +62 8xx..., 62xx..., (0xx) landlines; returns +62...
Result<std::string> NormalizePhone(std::string_view input);

// `value` must be one of `allowed` (comma-separated in the message).
Status CheckEnum(std::string_view field, std::string_view value, const std::string& allowed_list,
                 bool found);

Status CheckLength(std::string_view field, std::string_view value, size_t max_chars);

}  // namespace simpul::schema

#endif  // SIMPUL_SCHEMA_VALIDATE_H_
