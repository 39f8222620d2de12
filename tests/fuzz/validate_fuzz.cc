// Fuzzes the shared validators (schema/validate.h) on operator input. Byte 0:
// bits 0-6 pick the validator (ValidateSel in fuzz_common.h), bit 7 adds a
// region lookup (a stub that knows about half of all codes). Properties: a
// normalised value validates again to itself (NIK, No. KK, phone, date).
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "schema/validate.h"
#include "tests/fuzz/fuzz_common.h"

namespace simpul::fuzz {
namespace {

class HalfLookup : public schema::RegionLookup {
 public:
  bool Known(std::string_view code) const override { return std::hash<std::string_view>{}(code) % 2 == 0; }
};

void Run(uint8_t sel, bool with_lookup, std::string_view in) {
  HalfLookup half;
  const schema::RegionLookup* lookup = with_lookup ? &half : nullptr;
  switch (sel) {
    case kValNik: {
      std::vector<schema::Warning> warnings;
      auto nik = schema::ValidateNik(in, lookup, &warnings);
      if (!nik.ok()) break;
      auto again = schema::ValidateNik(nik->nik, lookup, nullptr);
      SIMPUL_FUZZ_CHECK(again.ok() && again->nik == nik->nik && again->sex == nik->sex && again->day == nik->day &&
                            again->month == nik->month && again->yy == nik->yy &&
                            again->region_prefix == nik->region_prefix,
                        "a valid NIK does not validate to itself: " + nik->nik);
      // (The prefix need not be a valid region code: an unknown one is a
      // warning, never an error, see ../shared/DOMAIN.md §1.)
      (void)schema::ValidateRegionCode(nik->region_prefix, lookup);
      // Against a person with the NIK's own data and with other data.
      schema::Date d{1900 + nik->yy, nik->month, nik->day};
      schema::CheckNikAgainstPerson(*nik, nik->sex, d, &warnings);
      schema::CheckNikAgainstPerson(*nik, nik->sex == 'L' ? 'P' : 'L', schema::Date{2000, 2, 29}, &warnings);
      schema::CheckNikAgainstPerson(*nik, std::nullopt, std::nullopt, &warnings);
      break;
    }
    case kValKk: {
      auto kk = schema::ValidateKk(in);
      if (!kk.ok()) break;
      auto again = schema::ValidateKk(*kk);
      SIMPUL_FUZZ_CHECK(again.ok() && *again == *kk, "a valid No. KK does not validate to itself: " + *kk);
      break;
    }
    case kValPhone: {
      auto phone = schema::NormalizePhone(in);
      if (!phone.ok()) break;
      auto again = schema::NormalizePhone(*phone);
      SIMPUL_FUZZ_CHECK(again.ok() && *again == *phone, "a normalised phone does not normalise to itself: " + *phone);
      break;
    }
    case kValDate: {
      auto date = schema::ParseDate("fuzz", in);
      if (!date.ok()) break;
      SIMPUL_FUZZ_CHECK(schema::IsRealDate(date->year, date->month, date->day), "accepted an unreal date");
      auto again = schema::ParseDate("fuzz", date->ToIso());
      SIMPUL_FUZZ_CHECK(again.ok() && *again == *date, "a parsed date does not re-parse from ToIso: " + date->ToIso());
      break;
    }
    case kValRegionCode: {
      auto level = schema::ValidateRegionCode(in, lookup);
      if (level.ok()) {
        auto plain = schema::ValidateRegionCode(in, nullptr);
        SIMPUL_FUZZ_CHECK(plain.ok() && *plain == *level, "lookup changed the level");
      }
      break;
    }
    default:
      break;
  }
}

}  // namespace
}  // namespace simpul::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  simpul::fuzz::Run((data[0] & 0x7f) % simpul::fuzz::kValCount, (data[0] & 0x80) != 0,
                    std::string_view(reinterpret_cast<const char*>(data + 1), size - 1));
  return 0;
}
