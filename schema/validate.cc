#include "schema/validate.h"

#include <cstdio>

namespace simpul::schema {
namespace {

bool AllDigits(std::string_view s) {
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return !s.empty();
}

int Num(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

std::string Pad2(int v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d", v);
  return buf;
}

// A DDMMYY date with an unknown century is real if it exists in 19YY or 20YY
// (29-02-00 is real: 2000 was a leap year).
bool RealInSomeCentury(int day, int month, int yy) {
  return IsRealDate(1900 + yy, month, day) || IsRealDate(2000 + yy, month, day);
}

}  // namespace

std::string Date::ToIso() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
  return buf;
}

bool IsLeapYear(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

bool IsRealDate(int year, int month, int day) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  int max = kDays[month - 1] + (month == 2 && IsLeapYear(year) ? 1 : 0);
  return day <= max;
}

Result<Date> ParseDate(std::string_view field, std::string_view text) {
  std::string f(field), t(text);
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' || !AllDigits(text.substr(0, 4)) ||
      !AllDigits(text.substr(5, 2)) || !AllDigits(text.substr(8, 2)))
    return Status::InvalidArgument("date must be YYYY-MM-DD")
        .WithField(f)
        .WithMsg(MsgId::kDateFormat, {f, t});
  Date d{Num(text.substr(0, 4)), Num(text.substr(5, 2)), Num(text.substr(8, 2))};
  if (d.year < 1850 || !IsRealDate(d.year, d.month, d.day))
    return Status::InvalidArgument("not a real calendar date")
        .WithField(f)
        .WithMsg(MsgId::kDateImpossible, {f, t});
  return d;
}

std::string CompactDigits(std::string_view input) {
  std::string out;
  for (char c : input)
    if (c != ' ' && c != '.' && c != '-' && c != '\t') out += c;
  return out;
}

bool IsKnownProvince(int c) {
  return (c >= 11 && c <= 19) || c == 21 || (c >= 31 && c <= 36) || (c >= 51 && c <= 53) ||
         (c >= 61 && c <= 65) || (c >= 71 && c <= 76) || (c >= 81 && c <= 82) ||
         (c >= 91 && c <= 96);
}

Result<NikInfo> ValidateNik(std::string_view input, const RegionLookup* lookup,
                            std::vector<Warning>* warnings) {
  std::string nik = CompactDigits(input);
  if (nik.empty())
    return Status::InvalidArgument("NIK is empty").WithField("nik").WithMsg(MsgId::kFieldRequired,
                                                                         {"NIK"});
  if (!AllDigits(nik))
    return Status::InvalidArgument("NIK may contain digits only")
        .WithField("nik")
        .WithMsg(MsgId::kDigitsOnly, {"NIK"});
  if (nik.size() != 16)
    return Status::InvalidArgument("NIK must be 16 digits")
        .WithField("nik")
        .WithMsg(MsgId::kNikLength, {std::to_string(nik.size())});
  std::string_view v(nik);
  if (!IsKnownProvince(Num(v.substr(0, 2))))
    return Status::InvalidArgument("unknown province code in NIK")
        .WithField("nik")
        .WithMsg(MsgId::kNikProvince, {nik.substr(0, 2)});
  NikInfo info;
  info.nik = nik;
  int dd = Num(v.substr(6, 2));
  info.sex = dd > 40 ? 'P' : 'L';
  info.day = dd > 40 ? dd - 40 : dd;
  info.month = Num(v.substr(8, 2));
  info.yy = Num(v.substr(10, 2));
  if (!RealInSomeCentury(info.day, info.month, info.yy))
    return Status::InvalidArgument("NIK birth date (digits 7-12) is not a real date")
        .WithField("nik")
        .WithMsg(MsgId::kNikDate, {nik.substr(6, 6)});
  if (v.substr(12, 4) == "0000")
    return Status::InvalidArgument("NIK serial may not be 0000")
        .WithField("nik")
        .WithMsg(MsgId::kNikSerial);
  info.region_prefix = nik.substr(0, 2) + "." + nik.substr(2, 2) + "." + nik.substr(4, 2);
  if (lookup && warnings && !lookup->Known(info.region_prefix))
    warnings->push_back({MsgId::kNikRegionWarning, {info.region_prefix}});
  return info;
}

void CheckNikAgainstPerson(const NikInfo& nik, std::optional<char> sex,
                           std::optional<Date> birth_date, std::vector<Warning>* warnings) {
  if (!warnings) return;
  if (sex && *sex != nik.sex)
    warnings->push_back({MsgId::kNikSexWarning, {std::string(1, nik.sex), std::string(1, *sex)}});
  if (birth_date) {
    bool same = birth_date->day == nik.day && birth_date->month == nik.month &&
                birth_date->year % 100 == nik.yy;
    if (!same)
      warnings->push_back({MsgId::kNikBirthDateWarning,
                           {Pad2(nik.day) + "-" + Pad2(nik.month) + "-" + Pad2(nik.yy),
                            birth_date->ToIso()}});
  }
}

Result<std::string> ValidateKk(std::string_view input) {
  std::string kk = CompactDigits(input);
  if (kk.empty())
    return Status::InvalidArgument("No. KK is empty")
        .WithField("no_kk")
        .WithMsg(MsgId::kFieldRequired, {"No. KK"});
  if (!AllDigits(kk))
    return Status::InvalidArgument("No. KK may contain digits only")
        .WithField("no_kk")
        .WithMsg(MsgId::kDigitsOnly, {"No. KK"});
  if (kk.size() != 16)
    return Status::InvalidArgument("No. KK must be 16 digits")
        .WithField("no_kk")
        .WithMsg(MsgId::kKkLength, {std::to_string(kk.size())});
  std::string_view v(kk);
  if (!IsKnownProvince(Num(v.substr(0, 2))))
    return Status::InvalidArgument("unknown province code in No. KK")
        .WithField("no_kk")
        .WithMsg(MsgId::kKkProvince, {kk.substr(0, 2)});
  if (!RealInSomeCentury(Num(v.substr(6, 2)), Num(v.substr(8, 2)), Num(v.substr(10, 2))))
    return Status::InvalidArgument("No. KK record date (digits 7-12) is not a real date")
        .WithField("no_kk")
        .WithMsg(MsgId::kKkDate, {kk.substr(6, 6)});
  if (v.substr(12, 4) == "0000")
    return Status::InvalidArgument("No. KK serial may not be 0000")
        .WithField("no_kk")
        .WithMsg(MsgId::kKkSerial);
  return kk;
}

Result<RegionLevel> ValidateRegionCode(std::string_view code, const RegionLookup* lookup) {
  std::string c(code);
  auto bad = [&] {
    return Status::InvalidArgument("region code must be PP.KK.CC.DDDD")
        .WithField("region")
        .WithMsg(MsgId::kRegionFormat, {c});
  };
  // Shapes: "PP" / "PP.KK" / "PP.KK.CC" / "PP.KK.CC.DDDD".
  static constexpr size_t kLens[] = {2, 5, 8, 13};
  int level = 0;
  for (int i = 0; i < 4; ++i)
    if (code.size() == kLens[i]) level = i + 1;
  if (level == 0) return bad();
  for (size_t i = 0; i < code.size(); ++i) {
    bool dot = i == 2 || i == 5 || i == 8;
    if (dot ? code[i] != '.' : (code[i] < '0' || code[i] > '9')) return bad();
  }
  if (!IsKnownProvince(Num(code.substr(0, 2))))
    return Status::InvalidArgument("unknown province")
        .WithField("region")
        .WithMsg(MsgId::kRegionUnknown, {c, "(provinsi)"});
  if (level >= 2) {
    int kab = Num(code.substr(3, 2));
    if (kab < 1 || kab == 70 || kab > 99 || (kab > 69 && kab < 71))
      return Status::InvalidArgument("regency code must be 01-69 or 71-99")
          .WithField("region")
          .WithMsg(MsgId::kRegionKabupaten, {c});
  }
  if (level == 4) {
    char kind = code[9];
    if (kind != '1' && kind != '2' && kind != '3')
      return Status::InvalidArgument("village code must start with 1, 2 or 3")
          .WithField("region")
          .WithMsg(MsgId::kRegionDesaKind, {c});
  }
  if (lookup && !lookup->Known(code))
    return Status::NotFound("region code not in the official lists")
        .WithField("region")
        .WithMsg(MsgId::kRegionUnknown, {c, "(2022/2025)"});
  return static_cast<RegionLevel>(level);
}

Result<std::string> NormalizePhone(std::string_view input) {
  std::string raw(input);
  std::string digits;
  bool plus = false;
  for (size_t i = 0; i < input.size(); ++i) {
    char ch = input[i];
    if (ch == '+' && digits.empty() && !plus) {
      plus = true;
    } else if (ch >= '0' && ch <= '9') {
      digits += ch;
    } else if (ch != ' ' && ch != '-' && ch != '.' && ch != '(' && ch != ')') {
      digits.clear();
      break;
    }
  }
  // National significant number (without 0 / 62 prefix).
  std::string nsn;
  if (digits.rfind("62", 0) == 0) nsn = digits.substr(2);
  else if (!plus && digits.rfind("0", 0) == 0) nsn = digits.substr(1);
  else if (!plus && digits.rfind("8", 0) == 0) nsn = digits;  // "812..." typed without 0
  // Mobile numbers are 8 + 8..11 digits; landlines area code (2-7, 9 in
  // Maluku and Papua) + number.
  bool ok = !nsn.empty() && nsn[0] != '0' && nsn.size() >= 8 && nsn.size() <= 12 &&
            (nsn[0] == '8' ? nsn.size() >= 9 : nsn[0] >= '2' && nsn[0] <= '9');
  if (!ok)
    return Status::InvalidArgument("not an Indonesian phone number")
        .WithField("phone")
        .WithMsg(MsgId::kPhoneFormat, {raw});
  return "+62" + nsn;
}

Status CheckEnum(std::string_view field, std::string_view value, const std::string& allowed_list,
                 bool found) {
  if (found) return Status::Ok();
  return Status::InvalidArgument("value not allowed: " + std::string(value))
      .WithField(std::string(field))
      .WithMsg(MsgId::kEnumValue, {std::string(field), std::string(value), allowed_list});
}

Status CheckLength(std::string_view field, std::string_view value, size_t max_chars) {
  if (value.size() <= max_chars) return Status::Ok();
  return Status::InvalidArgument("too long")
      .WithField(std::string(field))
      .WithMsg(MsgId::kTextTooLong, {std::string(field), std::to_string(max_chars)});
}

}  // namespace simpul::schema
