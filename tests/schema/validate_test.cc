// Tests for schema/validate.h (NIK, No. KK, region codes, phone numbers,
// dates) and the operator message catalogue (schema/messages.h).
//
// Domain facts: ../shared/DOMAIN.md §1 (NIK/KK) and §2 (region codes).
#include "schema/validate.h"

#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "schema/messages.h"
#include "schema/status.h"

namespace simpul::schema {
namespace {

// A RegionLookup that knows exactly the codes it was given.
class FakeLookup : public RegionLookup {
 public:
  explicit FakeLookup(std::set<std::string> known) : known_(std::move(known)) {}
  bool Known(std::string_view code) const override {
    ++calls;
    return known_.count(std::string(code)) > 0;
  }
  mutable int calls = 0;

 private:
  std::set<std::string> known_;
};

bool HasPlaceholder(const std::string& s) {
  for (size_t i = 0; i + 2 < s.size(); ++i)
    if (s[i] == '{' && s[i + 1] >= '0' && s[i + 1] <= '9' && s[i + 2] == '}') return true;
  return false;
}

// Every failing validation Status must name its field and carry a catalogue
// message that renders, with its arguments, in both languages.
void CheckFailure(const Status& st, Code code, const std::string& field, MsgId id) {
  CAPTURE(st.ToString());
  CHECK_FALSE(st.ok());
  CHECK(st.code() == code);
  CHECK(st.field() == field);
  CHECK_FALSE(st.message().empty());
  REQUIRE(st.msg_id().has_value());
  CHECK(*st.msg_id() == id);
  std::string id_text = Msg(Lang::kId, id, st.args());
  std::string en_text = Msg(Lang::kEn, id, st.args());
  CAPTURE(id_text);
  CAPTURE(en_text);
  CHECK_FALSE(id_text.empty());
  CHECK_FALSE(en_text.empty());
  CHECK(id_text != en_text);
  CHECK_FALSE(HasPlaceholder(id_text));
  CHECK_FALSE(HasPlaceholder(en_text));
  for (const auto& arg : st.args()) {
    CHECK(id_text.find(arg) != std::string::npos);
    CHECK(en_text.find(arg) != std::string::npos);
  }
  CHECK(Describe(Lang::kId, st) == id_text);
  CHECK(Describe(Lang::kEn, st) == en_text);
}

// ---------------------------------------------------------------------------
// NIK

TEST_CASE("ValidateNik accepts structurally valid NIKs and decodes them") {
  struct Case {
    const char* input;
    const char* nik;
    char sex;
    int day, month, yy;
    const char* prefix;
  };
  const Case cases[] = {
      // Dukcapil's own example shape: 12 Nov 1987, male.
      {"3510011211870001", "3510011211870001", 'L', 12, 11, 87, "35.10.01"},
      // Female: day + 40.
      {"3510015211870002", "3510015211870002", 'P', 12, 11, 87, "35.10.01"},
      // 29 February 2000 (2000 was a leap year: divisible by 400).
      {"3510016902000003", "3510016902000003", 'P', 29, 2, 0, "35.10.01"},
      {"3510012902000004", "3510012902000004", 'L', 29, 2, 0, "35.10.01"},
      // 29 February of 1904/2004 and 1996.
      {"3510012902040001", "3510012902040001", 'L', 29, 2, 4, "35.10.01"},
      {"3510016902960001", "3510016902960001", 'P', 29, 2, 96, "35.10.01"},
      // Boundaries of the day field: 01, 31, 41 (female 1st), 71 (female 31st).
      {"3510010101990001", "3510010101990001", 'L', 1, 1, 99, "35.10.01"},
      {"3510013112990001", "3510013112990001", 'L', 31, 12, 99, "35.10.01"},
      {"3510014101990001", "3510014101990001", 'P', 1, 1, 99, "35.10.01"},
      {"3510017112990001", "3510017112990001", 'P', 31, 12, 99, "35.10.01"},
      // Serial 9999, Pontianak (61.71), Papua Barat Daya (96).
      {"6171013006859999", "6171013006859999", 'L', 30, 6, 85, "61.71.01"},
      {"9601014507010001", "9601014507010001", 'P', 5, 7, 1, "96.01.01"},
      // Separators people type are stripped.
      {"3510.0112.1187.0001", "3510011211870001", 'L', 12, 11, 87, "35.10.01"},
      {"35 10 01 121187 0001", "3510011211870001", 'L', 12, 11, 87, "35.10.01"},
      {"3510-0112-1187-0001", "3510011211870001", 'L', 12, 11, 87, "35.10.01"},
      {" 35.10.01-52.11.87 0002 ", "3510015211870002", 'P', 12, 11, 87, "35.10.01"},
      {"3510011211870001\t", "3510011211870001", 'L', 12, 11, 87, "35.10.01"},
  };
  for (const auto& c : cases) {
    CAPTURE(std::string(c.input));
    std::vector<Warning> warnings;
    auto r = ValidateNik(c.input, nullptr, &warnings);
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    CHECK(r->nik == c.nik);
    CHECK(r->nik.size() == 16);
    CHECK(r->sex == c.sex);
    CHECK(r->day == c.day);
    CHECK(r->month == c.month);
    CHECK(r->yy == c.yy);
    CHECK(r->region_prefix == c.prefix);
    CHECK(warnings.empty());
  }
}

TEST_CASE("ValidateNik refuses malformed NIKs with the right rule") {
  struct Case {
    const char* input;
    MsgId id;
    std::vector<std::string> args;
  };
  const Case cases[] = {
      // Length.
      {"351001121187000", MsgId::kNikLength, {"15"}},
      {"35100112118700011", MsgId::kNikLength, {"17"}},
      {"3510", MsgId::kNikLength, {"4"}},
      {"3510.0112.1187.000", MsgId::kNikLength, {"15"}},
      // Empty (also after stripping separators).
      {"", MsgId::kFieldRequired, {"NIK"}},
      {" . - ", MsgId::kFieldRequired, {"NIK"}},
      // Letters and other characters.
      {"35100112118700A1", MsgId::kDigitsOnly, {"NIK"}},
      {"NIK3510011211870", MsgId::kDigitsOnly, {"NIK"}},
      {"3510011211870001x", MsgId::kDigitsOnly, {"NIK"}},
      {"3510/0112/1187/0001", MsgId::kDigitsOnly, {"NIK"}},
      {"+3510011211870001", MsgId::kDigitsOnly, {"NIK"}},
      // Unknown provinces: 20 (no island group 2 beyond 21), 99, 00, 10, 37, 54, 97.
      {"2010011211870001", MsgId::kNikProvince, {"20"}},
      {"9910011211870001", MsgId::kNikProvince, {"99"}},
      {"0010011211870001", MsgId::kNikProvince, {"00"}},
      {"1010011211870001", MsgId::kNikProvince, {"10"}},
      {"3710011211870001", MsgId::kNikProvince, {"37"}},
      {"5410011211870001", MsgId::kNikProvince, {"54"}},
      {"9710011211870001", MsgId::kNikProvince, {"97"}},
      // Impossible dates.
      {"3510013104870001", MsgId::kNikDate, {"310487"}},  // 31 April
      {"3510017104870001", MsgId::kNikDate, {"710487"}},  // female 31 April
      {"3510010011870001", MsgId::kNikDate, {"001187"}},  // day 00
      {"3510014011870001", MsgId::kNikDate, {"401187"}},  // day 40: neither male nor female
      {"3510013211870001", MsgId::kNikDate, {"321187"}},  // male day 32
      {"3510017211870001", MsgId::kNikDate, {"721187"}},  // female day 32
      {"3510019911870001", MsgId::kNikDate, {"991187"}},
      {"3510011213870001", MsgId::kNikDate, {"121387"}},  // month 13
      {"3510011200870001", MsgId::kNikDate, {"120087"}},  // month 00
      {"3510012902010001", MsgId::kNikDate, {"290201"}},  // 29 Feb 1901/2001
      {"3510016902010001", MsgId::kNikDate, {"690201"}},  // female 29 Feb 1901/2001
      {"3510013002000001", MsgId::kNikDate, {"300200"}},  // 30 Feb, even in 2000
      // Serial.
      {"3510011211870000", MsgId::kNikSerial, {}},
      {"3510.0112.1187.0000", MsgId::kNikSerial, {}},
  };
  for (const auto& c : cases) {
    CAPTURE(std::string(c.input));
    std::vector<Warning> warnings;
    auto r = ValidateNik(c.input, nullptr, &warnings);
    REQUIRE_FALSE(r.ok());
    CheckFailure(r.status(), Code::kInvalidArgument, "nik", c.id);
    CHECK(r.status().args() == c.args);
    CHECK(warnings.empty());
  }
}

TEST_CASE("ValidateNik accepts every known province and no other") {
  const std::set<int> known = {11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33,
                               34, 35, 36, 51, 52, 53, 61, 62, 63, 64, 65, 71, 72,
                               73, 74, 75, 76, 81, 82, 91, 92, 93, 94, 95, 96};
  for (int p = 0; p <= 99; ++p) {
    CAPTURE(p);
    CHECK(IsKnownProvince(p) == (known.count(p) > 0));
    char nik[17];
    std::snprintf(nik, sizeof nik, "%02d10011211870001", p);
    auto r = ValidateNik(nik, nullptr, nullptr);
    CHECK(r.ok() == (known.count(p) > 0));
  }
}

TEST_CASE("ValidateNik warns about an unknown region prefix, never refuses") {
  FakeLookup lookup({"35.10.01", "35.10", "35"});
  SUBCASE("known prefix: no warning") {
    std::vector<Warning> warnings;
    auto r = ValidateNik("3510011211870001", &lookup, &warnings);
    REQUIRE(r.ok());
    CHECK(warnings.empty());
    CHECK(lookup.calls == 1);
  }
  SUBCASE("unknown prefix (a region since split): a warning with the prefix") {
    std::vector<Warning> warnings;
    auto r = ValidateNik("3510991211870001", &lookup, &warnings);
    REQUIRE(r.ok());
    CHECK(r->region_prefix == "35.10.99");
    REQUIRE(warnings.size() == 1);
    CHECK(warnings[0].id == MsgId::kNikRegionWarning);
    REQUIRE(warnings[0].args.size() == 1);
    CHECK(warnings[0].args[0] == "35.10.99");
    std::string id_text = Msg(Lang::kId, warnings[0].id, warnings[0].args);
    std::string en_text = Msg(Lang::kEn, warnings[0].id, warnings[0].args);
    CHECK(id_text.find("35.10.99") != std::string::npos);
    CHECK(id_text.find("Peringatan") != std::string::npos);
    CHECK(en_text.find("35.10.99") != std::string::npos);
    CHECK(en_text.find("Warning") != std::string::npos);
  }
  SUBCASE("warnings are appended, not replaced") {
    std::vector<Warning> warnings = {{MsgId::kNikSexWarning, {"L", "P"}}};
    auto r = ValidateNik("3510991211870001", &lookup, &warnings);
    REQUIRE(r.ok());
    REQUIRE(warnings.size() == 2);
    CHECK(warnings[0].id == MsgId::kNikSexWarning);
    CHECK(warnings[1].id == MsgId::kNikRegionWarning);
  }
  SUBCASE("no lookup: no existence check") {
    std::vector<Warning> warnings;
    auto r = ValidateNik("3510991211870001", nullptr, &warnings);
    REQUIRE(r.ok());
    CHECK(warnings.empty());
  }
  SUBCASE("lookup without a warnings vector does not crash") {
    auto r = ValidateNik("3510991211870001", &lookup, nullptr);
    CHECK(r.ok());
  }
  SUBCASE("an invalid NIK consults no lookup and adds no warning") {
    std::vector<Warning> warnings;
    auto r = ValidateNik("3510991211870000", &lookup, &warnings);
    CHECK_FALSE(r.ok());
    CHECK(warnings.empty());
  }
}

TEST_CASE("CheckNikAgainstPerson: sex and birth date mismatches are warnings") {
  auto male = ValidateNik("3510011211870001", nullptr, nullptr);
  auto female = ValidateNik("3510015211870002", nullptr, nullptr);
  auto leap = ValidateNik("3510016902000003", nullptr, nullptr);
  REQUIRE(male.ok());
  REQUIRE(female.ok());
  REQUIRE(leap.ok());

  struct Case {
    const char* name;
    const NikInfo* nik;
    std::optional<char> sex;
    std::optional<Date> birth;
    std::vector<MsgId> expected;
    std::vector<std::vector<std::string>> args;
  };
  const Case cases[] = {
      {"all consistent (male)", &*male, 'L', Date{1987, 11, 12}, {}, {}},
      {"all consistent (female)", &*female, 'P', Date{1987, 11, 12}, {}, {}},
      {"29 Feb 2000 female", &*leap, 'P', Date{2000, 2, 29}, {}, {}},
      {"nothing entered", &*male, std::nullopt, std::nullopt, {}, {}},
      {"sex mismatch (male NIK, P entered)",
       &*male, 'P', std::nullopt, {MsgId::kNikSexWarning}, {{"L", "P"}}},
      {"sex mismatch (female NIK, L entered)",
       &*female, 'L', Date{1987, 11, 12}, {MsgId::kNikSexWarning}, {{"P", "L"}}},
      {"birth day differs",
       &*male, 'L', Date{1987, 11, 13}, {MsgId::kNikBirthDateWarning}, {{"12-11-87", "1987-11-13"}}},
      {"birth month differs",
       &*male, std::nullopt, Date{1987, 10, 12}, {MsgId::kNikBirthDateWarning},
       {{"12-11-87", "1987-10-12"}}},
      {"birth year differs",
       &*male, std::nullopt, Date{1988, 11, 12}, {MsgId::kNikBirthDateWarning},
       {{"12-11-87", "1988-11-12"}}},
      {"female NIK compares the real day, not day+40",
       &*female, std::nullopt, Date{1987, 11, 52 - 40}, {}, {}},
      {"both differ",
       &*female, 'L', Date{1990, 1, 2}, {MsgId::kNikSexWarning, MsgId::kNikBirthDateWarning},
       {{"P", "L"}, {"12-11-87", "1990-01-02"}}},
      {"century is ambiguous: 2000 vs 1900 both match yy=00",
       &*leap, 'P', Date{2000, 2, 29}, {}, {}},
  };
  for (const auto& c : cases) {
    CAPTURE(std::string(c.name));
    std::vector<Warning> warnings;
    CheckNikAgainstPerson(*c.nik, c.sex, c.birth, &warnings);
    REQUIRE(warnings.size() == c.expected.size());
    for (size_t i = 0; i < warnings.size(); ++i) {
      CHECK(warnings[i].id == c.expected[i]);
      CHECK(warnings[i].args == c.args[i]);
      std::string id_text = Msg(Lang::kId, warnings[i].id, warnings[i].args);
      std::string en_text = Msg(Lang::kEn, warnings[i].id, warnings[i].args);
      CHECK_FALSE(HasPlaceholder(id_text));
      CHECK_FALSE(HasPlaceholder(en_text));
      for (const auto& a : warnings[i].args) {
        CHECK(id_text.find(a) != std::string::npos);
        CHECK(en_text.find(a) != std::string::npos);
      }
    }
  }
  // A null warnings vector is allowed.
  CheckNikAgainstPerson(*male, 'P', Date{1990, 1, 1}, nullptr);
}

// ---------------------------------------------------------------------------
// No. KK

TEST_CASE("ValidateKk accepts valid numbers, normalised") {
  struct Case {
    const char* input;
    const char* expected;
  };
  const Case cases[] = {
      {"3510011211870001", "3510011211870001"},
      {"3510-0112-1187-0001", "3510011211870001"},
      {"3510.0112.1187.0001", "3510011211870001"},
      {"35 10 01 12 11 87 0001", "3510011211870001"},
      {"3510012902000001", "3510012902000001"},  // 29 Feb 2000
      {"3510013112250001", "3510013112250001"},  // 31 Dec
      {"9601010101239999", "9601010101239999"},
  };
  for (const auto& c : cases) {
    CAPTURE(std::string(c.input));
    auto r = ValidateKk(c.input);
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    CHECK(*r == c.expected);
  }
}

TEST_CASE("ValidateKk refuses malformed numbers (no +40 rule for KK)") {
  struct Case {
    const char* input;
    MsgId id;
    std::vector<std::string> args;
  };
  const Case cases[] = {
      {"", MsgId::kFieldRequired, {"No. KK"}},
      {"35100112118700A1", MsgId::kDigitsOnly, {"No. KK"}},
      {"351001121187000", MsgId::kKkLength, {"15"}},
      {"35100112118700011", MsgId::kKkLength, {"17"}},
      {"2010011211870001", MsgId::kKkProvince, {"20"}},
      {"9910011211870001", MsgId::kKkProvince, {"99"}},
      // Day 52 is a valid female NIK day but not a KK record date.
      {"3510015211870001", MsgId::kKkDate, {"521187"}},
      {"3510014101990001", MsgId::kKkDate, {"410199"}},
      {"3510016902000001", MsgId::kKkDate, {"690200"}},
      {"3510013104870001", MsgId::kKkDate, {"310487"}},
      {"3510010011870001", MsgId::kKkDate, {"001187"}},
      {"3510011213870001", MsgId::kKkDate, {"121387"}},
      {"3510012902010001", MsgId::kKkDate, {"290201"}},
      {"3510011211870000", MsgId::kKkSerial, {}},
  };
  for (const auto& c : cases) {
    CAPTURE(std::string(c.input));
    auto r = ValidateKk(c.input);
    REQUIRE_FALSE(r.ok());
    CheckFailure(r.status(), Code::kInvalidArgument, "no_kk", c.id);
    CHECK(r.status().args() == c.args);
  }
}

// ---------------------------------------------------------------------------
// Region codes

TEST_CASE("ValidateRegionCode: the four levels") {
  struct Case {
    const char* code;
    RegionLevel level;
  };
  const Case cases[] = {
      {"35", RegionLevel::kProvince},
      {"96", RegionLevel::kProvince},
      {"35.10", RegionLevel::kRegency},
      {"35.01", RegionLevel::kRegency},
      {"35.69", RegionLevel::kRegency},  // last kabupaten
      {"35.71", RegionLevel::kRegency},  // first kota
      {"35.99", RegionLevel::kRegency},
      {"35.10.01", RegionLevel::kDistrict},
      {"35.10.01.2001", RegionLevel::kVillage},  // desa
      {"61.71.01.1001", RegionLevel::kVillage},  // kelurahan
      {"91.01.01.3001", RegionLevel::kVillage},  // desa adat
  };
  for (const auto& c : cases) {
    CAPTURE(std::string(c.code));
    auto r = ValidateRegionCode(c.code, nullptr);
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    CHECK(*r == c.level);
  }
}

TEST_CASE("ValidateRegionCode refuses bad shapes and impossible parts") {
  struct Case {
    const char* code;
    MsgId id;
  };
  const Case cases[] = {
      {"", MsgId::kRegionFormat},
      {"3", MsgId::kRegionFormat},
      {"351", MsgId::kRegionFormat},
      {"35.", MsgId::kRegionFormat},
      {"35.1", MsgId::kRegionFormat},
      {"35.10.", MsgId::kRegionFormat},
      {"3510012001", MsgId::kRegionFormat},      // undotted (BPS-like length)
      {"35.1.01.2001", MsgId::kRegionFormat},
      {"35.10.1.2001", MsgId::kRegionFormat},
      {"35.10.01.201", MsgId::kRegionFormat},
      {"35.10.01.20011", MsgId::kRegionFormat},
      {"35-10-01-2001", MsgId::kRegionFormat},
      {"35.10.01-2001", MsgId::kRegionFormat},
      {"35.10.01.200a", MsgId::kRegionFormat},
      {"a5.10", MsgId::kRegionFormat},
      {" 35.10", MsgId::kRegionFormat},
      {"35.10.01.2001 ", MsgId::kRegionFormat},
      {"35..10", MsgId::kRegionFormat},
      {"35.10.001", MsgId::kRegionFormat},
      {"35.10.01.001.", MsgId::kRegionFormat},
      // Unknown province.
      {"20", MsgId::kRegionUnknown},
      {"99.10", MsgId::kRegionUnknown},
      {"00.10.01.2001", MsgId::kRegionUnknown},
      // Regency 00 and 70 do not exist (01-69 kabupaten, 71-99 kota).
      {"35.00", MsgId::kRegionKabupaten},
      {"35.70", MsgId::kRegionKabupaten},
      {"35.70.01", MsgId::kRegionKabupaten},
      {"35.00.01.2001", MsgId::kRegionKabupaten},
      // Village kind digit must be 1, 2 or 3.
      {"35.10.01.4001", MsgId::kRegionDesaKind},
      {"35.10.01.0001", MsgId::kRegionDesaKind},
      {"35.10.01.5001", MsgId::kRegionDesaKind},
      {"35.10.01.9001", MsgId::kRegionDesaKind},
  };
  for (const auto& c : cases) {
    CAPTURE(std::string(c.code));
    auto r = ValidateRegionCode(c.code, nullptr);
    REQUIRE_FALSE(r.ok());
    CheckFailure(r.status(), Code::kInvalidArgument, "region", c.id);
    REQUIRE_FALSE(r.status().args().empty());
    CHECK(r.status().args()[0] == c.code);
  }
}

TEST_CASE("ValidateRegionCode checks existence with a lookup") {
  FakeLookup lookup({"35", "35.10", "35.10.01", "35.10.01.2001"});
  for (const char* known : {"35", "35.10", "35.10.01", "35.10.01.2001"}) {
    CAPTURE(std::string(known));
    CHECK(ValidateRegionCode(known, &lookup).ok());
  }
  for (const char* unknown : {"36", "35.11", "35.10.02", "35.10.01.2002", "35.10.01.1001"}) {
    CAPTURE(std::string(unknown));
    auto r = ValidateRegionCode(unknown, &lookup);
    REQUIRE_FALSE(r.ok());
    CheckFailure(r.status(), Code::kNotFound, "region", MsgId::kRegionUnknown);
    CHECK(r.status().args()[0] == unknown);
  }
  // Shape errors win over existence: the lookup is never asked about garbage.
  lookup.calls = 0;
  CHECK_FALSE(ValidateRegionCode("35.10.01.4001", &lookup).ok());
  CHECK_FALSE(ValidateRegionCode("garbage", &lookup).ok());
  CHECK(lookup.calls == 0);
}

// ---------------------------------------------------------------------------
// Phone numbers

TEST_CASE("NormalizePhone produces +62 numbers") {
  struct Case {
    const char* input;
    const char* expected;
  };
  const Case cases[] = {
      {"0812-3456-7890", "+6281234567890"},
      {"081234567890", "+6281234567890"},
      {"0812 3456 7890", "+6281234567890"},
      {"0812.3456.7890", "+6281234567890"},
      {"+62 812 3456 7890", "+6281234567890"},
      {"+62-812-3456-7890", "+6281234567890"},
      {"+6281234567890", "+6281234567890"},
      {"6281234567890", "+6281234567890"},
      {"62 812-3456-7890", "+6281234567890"},
      {"812345678901", "+62812345678901"},  // typed without the leading 0
      {"0812345678", "+62812345678"},       // shortest mobile: 8 + 8 digits
      {"0812-3456-78901", "+62812345678901"},
      // Landlines: area code + number.
      {"021-5551234", "+62215551234"},
      {"(021) 555-1234", "+62215551234"},
      {"021 5551 2345", "+622155512345"},
      {"+62 21 5551234", "+62215551234"},
      {"0361-234567", "+62361234567"},   // Denpasar
      {"(0561) 734567", "+62561734567"},  // Pontianak
      {"0711-354321", "+62711354321"},   // Palembang
      {"(0411) 871234", "+62411871234"},  // Makassar
  };
  for (const auto& c : cases) {
    CAPTURE(std::string(c.input));
    auto r = NormalizePhone(c.input);
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    CHECK(*r == c.expected);
    // Normalising a normalised number is the identity.
    auto again = NormalizePhone(*r);
    REQUIRE(again.ok());
    CHECK(*again == *r);
  }
}

TEST_CASE("NormalizePhone accepts landlines of Maluku and Papua (area codes 09xx)") {
  // Eastern Indonesia's area codes start with 9: 0911 Ambon, 0921 Ternate,
  // 0951 Sorong, 0967 Jayapura, 0971 Merauke. Simpul serves provinces 81-96.
  struct Case {
    const char* input;
    const char* expected;
  };
  const Case cases[] = {
      {"(0911) 352345", "+62911352345"},  // Ambon, Maluku (81)
      {"0921-3121234", "+629213121234"},  // Ternate, Maluku Utara (82)
      {"0951-321234", "+62951321234"},   // Sorong, Papua Barat Daya (96)
      {"0967-531234", "+62967531234"},   // Jayapura, Papua (91)
      {"+62 971 321234", "+62971321234"},  // Merauke, Papua Selatan (93)
  };
  for (const auto& c : cases) {
    CAPTURE(std::string(c.input));
    auto r = NormalizePhone(c.input);
    CHECK_MESSAGE(r.ok(), r.status().ToString());
    if (r.ok()) CHECK(*r == c.expected);
  }
}

TEST_CASE("NormalizePhone refuses what is not an Indonesian number") {
  const char* cases[] = {
      "",
      "+",
      "+62",
      "0",
      "0812",             // too short
      "0812345",          // too short
      "081234567",        // mobile 8 + 7 digits: too short
      "021-123",          // landline too short
      "0812-3456-7890-123",  // too long
      "08123abc456",      // letters
      "abc",
      "0812 3456 789O",   // letter O instead of zero
      "+1 555 123 4567",  // other countries
      "+15551234567",
      "+44 20 7946 0958",
      "+0812-3456-7890",  // + followed by a trunk 0
      "0000",
      "0000000000",
      "00812345678",      // double trunk zero
      "62 0812 3456 7890",  // 62 followed by a trunk 0
      "0112345678",       // no area code starts with 1
      "1234567890",
      "0812+3456789",     // + in the middle
      "0812/3456/7890",
  };
  for (const char* input : cases) {
    CAPTURE(std::string(input));
    auto r = NormalizePhone(input);
    REQUIRE_FALSE(r.ok());
    CheckFailure(r.status(), Code::kInvalidArgument, "phone", MsgId::kPhoneFormat);
    REQUIRE(r.status().args().size() == 1);
    CHECK(r.status().args()[0] == input);
  }
}

// ---------------------------------------------------------------------------
// Dates

TEST_CASE("IsLeapYear and IsRealDate follow the Gregorian calendar") {
  struct Leap {
    int year;
    bool leap;
  };
  for (const Leap& c : {Leap{2000, true}, Leap{1900, false}, Leap{2100, false},
                        Leap{2400, true}, Leap{2024, true}, Leap{2023, false},
                        Leap{1996, true}, Leap{2004, true}, Leap{1901, false}}) {
    CAPTURE(c.year);
    CHECK(IsLeapYear(c.year) == c.leap);
    CHECK(IsRealDate(c.year, 2, 29) == c.leap);
    CHECK(IsRealDate(c.year, 2, 28));
    CHECK_FALSE(IsRealDate(c.year, 2, 30));
  }
  const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  for (int m = 1; m <= 12; ++m) {
    CAPTURE(m);
    CHECK(IsRealDate(2023, m, days[m - 1]));
    CHECK_FALSE(IsRealDate(2023, m, days[m - 1] + 1));
    CHECK_FALSE(IsRealDate(2023, m, 0));
  }
  CHECK_FALSE(IsRealDate(2023, 0, 1));
  CHECK_FALSE(IsRealDate(2023, 13, 1));
  CHECK_FALSE(IsRealDate(0, 1, 1));
}

TEST_CASE("ParseDate parses YYYY-MM-DD strictly") {
  struct Ok {
    const char* text;
    Date date;
  };
  const Ok good[] = {
      {"2000-02-29", {2000, 2, 29}},
      {"2024-02-29", {2024, 2, 29}},
      {"1987-11-12", {1987, 11, 12}},
      {"2023-12-31", {2023, 12, 31}},
      {"2023-01-01", {2023, 1, 1}},
      {"1850-01-01", {1850, 1, 1}},
  };
  for (const auto& c : good) {
    CAPTURE(std::string(c.text));
    auto r = ParseDate("birth_date", c.text);
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    CHECK(*r == c.date);
    CHECK(r->ToIso() == c.text);
  }

  struct Bad {
    const char* text;
    MsgId id;
  };
  const Bad bad[] = {
      {"1900-02-29", MsgId::kDateImpossible},
      {"2023-02-29", MsgId::kDateImpossible},
      {"2100-02-29", MsgId::kDateImpossible},
      {"2023-04-31", MsgId::kDateImpossible},
      {"2023-13-01", MsgId::kDateImpossible},
      {"2023-00-10", MsgId::kDateImpossible},
      {"2023-01-00", MsgId::kDateImpossible},
      {"2023-01-32", MsgId::kDateImpossible},
      {"0000-01-01", MsgId::kDateImpossible},
      {"", MsgId::kDateFormat},
      {"2023-2-01", MsgId::kDateFormat},
      {"2023-02-1", MsgId::kDateFormat},
      {"23-02-01", MsgId::kDateFormat},
      {"2023/02/01", MsgId::kDateFormat},
      {"20230201", MsgId::kDateFormat},
      {"01-02-2023", MsgId::kDateFormat},
      {"2023-02-01T00:00", MsgId::kDateFormat},
      {" 2023-02-01", MsgId::kDateFormat},
      {"2023-02-01 ", MsgId::kDateFormat},
      {"abcd-ef-gh", MsgId::kDateFormat},
      {"2023-02-1a", MsgId::kDateFormat},
      {"+023-02-01", MsgId::kDateFormat},
      {"2023--2-01", MsgId::kDateFormat},
  };
  for (const auto& c : bad) {
    CAPTURE(std::string(c.text));
    auto r = ParseDate("birth_date", c.text);
    REQUIRE_FALSE(r.ok());
    CheckFailure(r.status(), Code::kInvalidArgument, "birth_date", c.id);
    REQUIRE(r.status().args().size() == 2);
    CHECK(r.status().args()[0] == "birth_date");
    CHECK(r.status().args()[1] == c.text);
  }
}

TEST_CASE("CompactDigits strips only the separators people type") {
  CHECK(CompactDigits("3510.0112-1187 0001") == "3510011211870001");
  CHECK(CompactDigits("\t35\t10") == "3510");
  CHECK(CompactDigits("") == "");
  CHECK(CompactDigits("35/10") == "35/10");
  CHECK(CompactDigits("35a10") == "35a10");
}

TEST_CASE("CheckEnum and CheckLength") {
  CHECK(CheckEnum("sex", "L", "L, P", true).ok());
  Status e = CheckEnum("sex", "X", "L, P", false);
  CheckFailure(e, Code::kInvalidArgument, "sex", MsgId::kEnumValue);
  CHECK(e.args() == std::vector<std::string>{"sex", "X", "L, P"});

  CHECK(CheckLength("name", "abc", 3).ok());
  CHECK(CheckLength("name", "", 0).ok());
  Status l = CheckLength("name", "abcd", 3);
  CheckFailure(l, Code::kInvalidArgument, "name", MsgId::kTextTooLong);
  CHECK(l.args() == std::vector<std::string>{"name", "3"});
}

// ---------------------------------------------------------------------------
// Messages

TEST_CASE("Msg renders NIK length errors in both languages with arguments") {
  auto r = ValidateNik("351001121187000", nullptr, nullptr);
  REQUIRE_FALSE(r.ok());
  std::string id_text = Describe(Lang::kId, r.status());
  std::string en_text = Describe(Lang::kEn, r.status());
  CHECK(id_text == "NIK harus 16 angka (tertulis 15 angka).");
  CHECK(id_text.find("16 angka") != std::string::npos);
  CHECK(en_text.find("16 digits") != std::string::npos);
  CHECK(en_text.find("15") != std::string::npos);
}

TEST_CASE("Msg substitutes positional arguments") {
  CHECK(Msg(Lang::kId, MsgId::kFieldRequired, {"Nama"}) == "Nama wajib diisi.");
  CHECK(Msg(Lang::kEn, MsgId::kFieldRequired, {"Name"}) == "Name is required.");
  // Arguments out of order ({1} before {0}) land in the right place.
  CHECK(Msg(Lang::kEn, MsgId::kBadOptionValue, {"--lang", "fr"}) ==
        "Invalid value 'fr' for option --lang.");
  CHECK(Msg(Lang::kId, MsgId::kBadOptionValue, {"--lang", "fr"}) ==
        "Nilai 'fr' untuk opsi --lang tidak sah.");
  // Missing arguments render as empty, never crash.
  CHECK(Msg(Lang::kEn, MsgId::kFieldRequired) == " is required.");
  // An argument containing a placeholder is not expanded again.
  CHECK(Msg(Lang::kEn, MsgId::kFieldRequired, {"{0}"}) == "{0} is required.");
}

TEST_CASE("every catalogue entry renders in both languages") {
  const std::vector<std::string> args = {"A0", "B1", "C2"};
  for (int i = 0; i < static_cast<int>(MsgId::kCount_); ++i) {
    CAPTURE(i);
    auto id = static_cast<MsgId>(i);
    std::string id_text = Msg(Lang::kId, id, args);
    std::string en_text = Msg(Lang::kEn, id, args);
    CHECK_FALSE(id_text.empty());
    CHECK_FALSE(en_text.empty());
    CHECK(id_text.find("catalogue out of order") == std::string::npos);
    CHECK(en_text.find("catalogue out of order") == std::string::npos);
    CHECK_FALSE(HasPlaceholder(id_text));
    CHECK_FALSE(HasPlaceholder(en_text));
    CHECK(id_text != en_text);
    // Both languages use the same arguments.
    for (const auto& a : args)
      CHECK((id_text.find(a) != std::string::npos) == (en_text.find(a) != std::string::npos));
  }
}

TEST_CASE("Describe falls back to the technical message") {
  CHECK(Describe(Lang::kId, Status::Internal("boom")) == "boom");
  CHECK(Describe(Lang::kEn, Status::InvalidArgument("bad").WithField("x")) == "x: bad");
}

TEST_CASE("DetectLang: flag wins, then LC_ALL, LC_MESSAGES, LANG") {
  struct Saved {
    const char* name;
    std::optional<std::string> value;
  };
  std::vector<Saved> saved;
  for (const char* v : {"LC_ALL", "LC_MESSAGES", "LANG"}) {
    const char* cur = std::getenv(v);
    saved.push_back({v, cur ? std::optional<std::string>(cur) : std::nullopt});
    unsetenv(v);
  }

  CHECK(DetectLang("") == Lang::kEn);
  setenv("LANG", "id_ID.UTF-8", 1);
  CHECK(DetectLang("") == Lang::kId);
  CHECK(DetectLang("en") == Lang::kEn);
  setenv("LC_MESSAGES", "en_US.UTF-8", 1);
  CHECK(DetectLang("") == Lang::kEn);
  setenv("LC_ALL", "id", 1);
  CHECK(DetectLang("") == Lang::kId);
  setenv("LC_ALL", "idiom", 1);  // not "id" followed by a separator
  CHECK(DetectLang("") == Lang::kEn);
  setenv("LC_ALL", "C", 1);
  CHECK(DetectLang("") == Lang::kEn);
  CHECK(DetectLang("id") == Lang::kId);
  setenv("LC_ALL", "", 1);  // empty: fall through to LC_MESSAGES
  CHECK(DetectLang("") == Lang::kEn);

  for (const auto& s : saved) {
    if (s.value) setenv(s.name, s.value->c_str(), 1);
    else unsetenv(s.name);
  }
}

}  // namespace
}  // namespace simpul::schema
