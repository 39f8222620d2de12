#include "sync/record_input.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>

#include "schema/messages.h"
#include "schema/model.h"
#include "schema/regions.h"

namespace simpul::sync {

using schema::Value;

const char* EntityTable(Entity e) {
  switch (e) {
    case Entity::kHousehold: return "households";
    case Entity::kPerson: return "persons";
    case Entity::kApplication: return "applications";
    case Entity::kComplaint: return "complaints";
  }
  return "";
}

const std::vector<OptionSpec>& EntityOptions(Entity e) {
  static const std::vector<OptionSpec> kHousehold = {
      {"kk", "no_kk", false, "No. KK, 16 digits"},
      {"address", "address", true, "street address"},
      {"rt", "rt", false, "RT number"},
      {"rw", "rw", false, "RW number"},
      {"kk-as-of", "kk_as_of", false, "date of the KK, YYYY-MM-DD"},
      {"head", "head_person_id", false, "person id of the household head"},
  };
  static const std::vector<OptionSpec> kPerson = {
      {"household", "household_id", true, "household id"},
      {"name", "name", true, "full name as on the KTP"},
      {"nik", "nik", false, "NIK, 16 digits"},
      {"birth-place", "birth_place", false, "place of birth"},
      {"birth-date", "birth_date", false, "date of birth, YYYY-MM-DD"},
      {"sex", "sex", false, "L (male) or P (female)"},
      {"relation", "relation", false, "relation to head, 1-11 (1 = head, 3 = wife, 4 = child ...)"},
      {"disability", "disability", false, "disability, in words"},
      {"phone", "phone", false, "phone/WhatsApp number"},
      {"phone-consent", "phone_consent", false, "yes: the resident agrees to messages on this phone (no: withdrawn)"},
  };
  static const std::vector<OptionSpec> kApplication = {
      {"type", "type", true, "pbi_jkn, pbi_apbd, poverty_statement, recommendation, disability_registration, assistive_device"},
      {"applicant", "applicant_id", true, "person id of the applicant"},
      {"household", "household_id", false, "household id (default: the applicant's)"},
      {"service", "service_type", false, "for recommendation letters: pbi_reactivation, hospital_bill, education, dtks_statement, other"},
      {"purpose", "purpose", false, "purpose of the letter or request"},
      {"device", "device_kind", false, "assistive device asked for"},
      {"dtks-status", "dtks_status", false, "DTKS/DTSEN status as recorded: registered, not_registered, unknown"},
      {"desil", "dtks_desil", false, "DTSEN desil 1-10 as recorded"},
      {"notes", "notes", false, "notes"},
  };
  static const std::vector<OptionSpec> kComplaint = {
      {"category", "category", true, "health, education, housing, social_aid, kis_card, pkh_card, bpnt_card, adminduk, disability, other"},
      {"description", "description", true, "what happened, in words"},
      {"urgency", "urgency", false, "emergency, high, normal (default), low"},
      {"person", "person_id", false, "person id of the complainant"},
      {"household", "household_id", false, "household id"},
      {"referral", "referral", false, "agency the case is referred to"},
  };
  switch (e) {
    case Entity::kHousehold: return kHousehold;
    case Entity::kPerson: return kPerson;
    case Entity::kApplication: return kApplication;
    case Entity::kComplaint: return kComplaint;
  }
  return kHousehold;
}

// The noun argument is an entity table name; Describe() at the CLI edge
// shows it as is, which both languages understand as an identifier.
Status RecordNotFound(Entity e, const std::string& id) {
  return Status::NotFound(std::string(EntityTable(e)) + " " + id + " not found")
      .WithMsg(MsgId::kNotFoundId, {std::string("@") + EntityTable(e), id});
}

Result<bool> RecordExists(const RecordContext& ctx, Entity e, const std::string& id) {
  std::string sql = std::string("SELECT 1 FROM ") + EntityTable(e) + " WHERE id=? AND deleted=0";
  if (!ctx.village.empty()) sql += " AND village=?";
  SIMPUL_ASSIGN_OR_RETURN(auto* st, ctx.db.Cached(sql));
  st->Bind(1, id);
  if (!ctx.village.empty()) st->Bind(2, ctx.village);
  SIMPUL_ASSIGN_OR_RETURN(bool row, st->Step());
  st->Reset();
  return row;
}

Result<Value> RecordColumn(schema::Db& db, Entity e, const std::string& id, const std::string& col) {
  SIMPUL_ASSIGN_OR_RETURN(auto* st, db.Cached("SELECT " + col + " FROM " + EntityTable(e) + " WHERE id=?"));
  st->Bind(1, id);
  SIMPUL_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) {
    st->Reset();
    return RecordNotFound(e, id);
  }
  Value v = st->Column(0);
  st->Reset();
  return v;
}

bool IsHeadRelation(std::string_view typed) {
  while (!typed.empty() && (typed.front() == ' ' || typed.front() == '\t')) typed.remove_prefix(1);
  while (!typed.empty() && (typed.back() == ' ' || typed.back() == '\t')) typed.remove_suffix(1);
  if (!typed.empty() && typed.front() == '+') typed.remove_prefix(1);
  int value = 0;
  auto [end, ec] = std::from_chars(typed.data(), typed.data() + typed.size(), value);
  return !typed.empty() && ec == std::errc() && end == typed.data() + typed.size() && value == 1;
}

std::string TextOf(const Value& v) {
  return std::holds_alternative<std::string>(v) ? std::get<std::string>(v) : std::string();
}

namespace {

Status RequireExists(const RecordContext& ctx, Entity e, const std::string& id) {
  SIMPUL_ASSIGN_OR_RETURN(bool ok, RecordExists(ctx, e, id));
  return ok ? Status::Ok() : RecordNotFound(e, id);
}

Status Required(const char* label) {
  return Status::InvalidArgument(std::string(label) + " is required")
      .WithField(label)
      .WithMsg(MsgId::kFieldRequired, {label});
}

Result<Value> ValidateDigits(const char* label, const std::string& v, size_t max) {
  std::string d = schema::CompactDigits(v);
  if (d.empty() || d.size() > max || d.find_first_not_of("0123456789") != std::string::npos)
    return Status::InvalidArgument("digits only").WithField(label).WithMsg(MsgId::kDigitsOnly, {label});
  while (d.size() < max) d = "0" + d;  // RT/RW are written 001
  return Value(d);
}

Result<Value> ValidateInt(const char* label, const std::string& v, int lo, int hi) {
  char* end = nullptr;
  long n = std::strtol(v.c_str(), &end, 10);
  if (v.empty() || *end != '\0' || n < lo || n > hi)
    return Status::InvalidArgument("out of range")
        .WithField(label)
        .WithMsg(MsgId::kNumberRange, {label, std::to_string(lo), std::to_string(hi)});
  return Value(static_cast<int64_t>(n));
}

template <size_t N>
Result<Value> ValidateCode(const char* label, const std::string& v,
                           const schema::CodeLabel (&table)[N]) {
  SIMPUL_RETURN_IF_ERROR(
      schema::CheckEnum(label, v, schema::ListCodes(table), schema::FindCode(table, v) != nullptr));
  return Value(v);
}

Result<Value> ValidateText(const char* label, const std::string& v, size_t max) {
  SIMPUL_RETURN_IF_ERROR(schema::CheckLength(label, v, max));
  if (v.empty()) return Value();
  return Value(v);
}

// One option's value -> the field's stored value, with warnings.
Result<Value> ValidateOption(const RecordContext& ctx, Entity e, const std::string& opt,
                             const std::string& v, std::vector<schema::Warning>* warnings) {
  schema::DbRegionLookup regions(ctx.db);
  if (opt == "kk") {
    SIMPUL_ASSIGN_OR_RETURN(std::string kk, schema::ValidateKk(v));
    return Value(kk);
  }
  if (opt == "nik") {
    SIMPUL_ASSIGN_OR_RETURN(auto info, schema::ValidateNik(v, &regions, warnings));
    return Value(info.nik);
  }
  if (opt == "birth-date" || opt == "kk-as-of") {
    SIMPUL_ASSIGN_OR_RETURN(auto d, schema::ParseDate(opt, v));
    std::string iso = d.ToIso();
    if (iso > ctx.today)
      return Status::InvalidArgument("date in the future")
          .WithField(opt)
          .WithMsg(MsgId::kDateFuture, {opt, v});
    return Value(iso);
  }
  if (opt == "phone") {
    SIMPUL_ASSIGN_OR_RETURN(std::string p, schema::NormalizePhone(v));
    return Value(p);
  }
  if (opt == "phone-consent") {  // kept as the date it was given
    std::string c = v;
    for (char& ch : c) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (c == "yes" || c == "ya" || c == "y") return Value(ctx.today);
    if (c == "no" || c == "tidak" || c == "t" || c == "n") return Value(std::string());
    SIMPUL_RETURN_IF_ERROR(schema::CheckEnum("phone-consent", v, "ya/yes, tidak/no", false));
  }
  if (opt == "rt" || opt == "rw") return ValidateDigits(opt.c_str(), v, 3);
  if (opt == "sex") {
    std::string s = v == "l" ? "L" : v == "p" ? "P" : v;
    return ValidateCode("sex", s, schema::kSexes);
  }
  if (opt == "relation") return ValidateInt("relation", v, 1, 11);
  if (opt == "desil") return ValidateInt("desil", v, 1, 10);
  if (opt == "type") return ValidateCode("type", v, schema::kApplicationTypes);
  if (opt == "service") return ValidateCode("service", v, schema::kServiceTypes);
  if (opt == "category") return ValidateCode("category", v, schema::kComplaintCategories);
  if (opt == "urgency") return ValidateCode("urgency", v, schema::kUrgencies);
  if (opt == "dtks-status") {
    bool ok = v == "registered" || v == "not_registered" || v == "unknown";
    SIMPUL_RETURN_IF_ERROR(schema::CheckEnum("dtks-status", v, "registered, not_registered, unknown", ok));
    return Value(v);
  }
  if (opt == "household") {
    SIMPUL_RETURN_IF_ERROR(RequireExists(ctx, Entity::kHousehold, v));
    return Value(v);
  }
  if (opt == "applicant" || opt == "person" || opt == "head") {
    SIMPUL_RETURN_IF_ERROR(RequireExists(ctx, Entity::kPerson, v));
    return Value(v);
  }
  if (opt == "description") return ValidateText("description", v, 4000);
  if (opt == "notes") return ValidateText("notes", v, 2000);
  if (opt == "name") {
    if (v.empty()) return Required("name");
    return ValidateText("name", v, 120);
  }
  return ValidateText(opt.c_str(), v, 300);
}

}  // namespace

Result<std::vector<FieldWrite>> BuildRecordFields(const RecordContext& ctx, Entity e, const Options& opts,
                                                  bool creating, std::vector<schema::Warning>* warnings) {
  const auto& specs = EntityOptions(e);
  for (const auto& kv : opts) {
    const std::string& k = kv.first;
    bool known = std::any_of(specs.begin(), specs.end(),
                             [&k](const OptionSpec& s) { return k == s.option; });
    if (!known)
      return Status::InvalidArgument("unknown option --" + k)
          .WithMsg(MsgId::kUnknownOption, {"--" + k});
  }
  std::vector<FieldWrite> fields;
  for (const auto& spec : specs) {
    auto it = opts.find(spec.option);
    if (it == opts.end()) {
      if (creating && spec.required_on_create)
        return Status::InvalidArgument(std::string("--") + spec.option + " is required")
            .WithField(spec.option)
            .WithMsg(MsgId::kMissingOption, {std::string("--") + spec.option});
      continue;
    }
    std::string typed = it->second;
    while (!typed.empty() && (typed.back() == ' ' || typed.back() == '\t')) typed.pop_back();
    while (!typed.empty() && (typed.front() == ' ' || typed.front() == '\t')) typed.erase(0, 1);
    if (typed.empty() && spec.required_on_create)
      return Status::InvalidArgument(std::string(spec.option) + " is required")
          .WithField(spec.option)
          .WithMsg(MsgId::kFieldRequired, {std::string("--") + spec.option});
    SIMPUL_ASSIGN_OR_RETURN(Value v, ValidateOption(ctx, e, spec.option, typed, warnings));
    fields.push_back({spec.field, std::move(v)});
  }
  return fields;
}

Value* FindValue(std::vector<FieldWrite>& fields, const char* name) {
  for (auto& f : fields)
    if (f.field == name) return &f.value;
  return nullptr;
}

// Cross-field soft checks of a person: NIK against sex and birth date.
void AddPersonWarnings(const RecordContext& ctx, const std::string& id, std::vector<FieldWrite>& fields,
                       std::vector<schema::Warning>* warnings) {
  auto get = [&](const char* f) -> std::string {
    if (Value* v = FindValue(fields, f)) return TextOf(*v);
    if (id.empty()) return {};
    auto r = RecordColumn(ctx.db, Entity::kPerson, id, f);
    return r.ok() ? TextOf(*r) : std::string();
  };
  std::string nik = get("nik");
  if (nik.empty()) return;
  auto info = schema::ValidateNik(nik, nullptr, nullptr);
  if (!info.ok()) return;
  std::string sex = get("sex"), birth = get("birth_date");
  std::optional<char> s;
  if (!sex.empty()) s = sex[0];
  std::optional<schema::Date> d;
  if (!birth.empty()) {
    auto parsed = schema::ParseDate("birth_date", birth);
    if (parsed.ok()) d = *parsed;
  }
  schema::CheckNikAgainstPerson(*info, s, d, warnings);
}

}  // namespace simpul::sync
