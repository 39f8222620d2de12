// Residents: find a household or person by name, NIK or No. KK; a
// household with its members and applications; register a household and
// its members in one write; the live checks of a NIK and a No. KK.
#include <algorithm>

#include "node/api/api_call.h"
#include "node/household_form.h"
#include "node/ui_texts.h"
#include "node/web/page_strings.h"
#include "schema/dtks.h"
#include "schema/local_time.h"
#include "schema/model.h"
#include "schema/regions.h"
#include "schema/validate.h"

namespace simpul::node::api {
namespace {

constexpr int kMaxResults = 50;

template <size_t N>
std::string Label(Lang lang, const schema::CodeLabel (&table)[N], const std::string& code) {
  const schema::CodeLabel* c = schema::FindCode(table, code);
  return c ? (lang == Lang::kId ? c->label_id : c->label_en) : code;
}

// "%" and "_" typed by the operator are searched for as themselves.
std::string LikeEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

void WritePerson(JsonWriter& j, Lang lang, const Row& p) {
  j.BeginObject().Field("id", Col(p, "id")).Field("name", Col(p, "name")).Field("nik", Col(p, "nik"))
      .Field("birth_place", Col(p, "birth_place")).Field("birth_date", Col(p, "birth_date"))
      .Field("sex", Col(p, "sex")).Field("sex_label", Label(lang, schema::kSexes, Col(p, "sex")))
      .Field("relation", Col(p, "relation")).Field("relation_label", Label(lang, schema::kRelations, Col(p, "relation")))
      .Field("phone", Col(p, "phone")).Field("disability", Col(p, "disability"))
      .EndObject();
}

Result<std::vector<Row>> Members(NodeStore& store, const std::string& household) {
  ListFilter f;
  f.household = household;
  SIMPUL_ASSIGN_OR_RETURN(auto rows, ListRecords(store, Entity::kPerson, f));
  std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    int ra = std::atoi(Col(a, "relation").c_str()), rb = std::atoi(Col(b, "relation").c_str());
    return (ra == 0 ? 99 : ra) < (rb == 0 ? 99 : rb);
  });
  return rows;
}

Status WriteHousehold(ApiCall& call, JsonWriter& j, const std::string& id, bool with_applications) {
  NodeStore& store = call.store();
  SIMPUL_ASSIGN_OR_RETURN(Row h, ReadRecord(store, Entity::kHousehold, id));
  SIMPUL_ASSIGN_OR_RETURN(auto members, Members(store, id));
  j.BeginObject().Field("id", id).Field("no_kk", Col(h, "no_kk")).Field("address", Col(h, "address"))
      .Field("rt", Col(h, "rt")).Field("rw", Col(h, "rw")).Field("head_person_id", Col(h, "head_person_id"));
  j.Key("members").BeginArray();
  for (const auto& m : members) WritePerson(j, call.lang, m);
  j.EndArray();
  if (with_applications) {
    ListFilter f;
    f.household = id;
    SIMPUL_ASSIGN_OR_RETURN(auto apps, ListRecords(store, Entity::kApplication, f));
    j.Key("applications").BeginArray();
    for (const auto& a : apps) {
      SIMPUL_ASSIGN_OR_RETURN(auto state, ApplicationState(store, Col(a, "id")));
      std::string applicant;
      for (const auto& m : members)
        if (Col(m, "id") == Col(a, "applicant_id")) applicant = Col(m, "name");
      j.BeginObject().Field("id", Col(a, "id")).Field("type", Col(a, "type"))
          .Field("type_label", Label(call.lang, schema::kApplicationTypes, Col(a, "type")))
          .Field("applicant_name", applicant).Field("status", state.status)
          .Field("status_label", VillageStatusLabel(call.lang, state.status)).EndObject();
    }
    j.EndArray();
  }
  j.EndObject();
  return Status::Ok();
}

// The year of a NIK's two-digit birth year: this century unless that is in
// the future at the office.
int BirthYear(ApiCall& call, int yy) {
  auto now = schema::ToLocal(static_cast<int64_t>(call.store().NowMs()), schema::ZoneOfRegion(call.store().village()));
  int year = now.year / 100 * 100 + yy;
  return year > now.year ? year - 100 : year;
}

}  // namespace

HouseholdForm HouseholdFormOf(const web::JsonObject& body, std::vector<std::string>* prefixes) {
  HouseholdForm form;
  form.household = FormOptions(Entity::kHousehold, body, "");
  for (int i = 0; i < kMaxFormMembers; ++i) {
    std::string prefix = "m" + std::to_string(i) + ".";
    Options opts = FormOptions(Entity::kPerson, body, prefix);
    if (opts.empty()) continue;
    form.members.push_back(std::move(opts));
    prefixes->push_back(std::move(prefix));
  }
  return form;
}

web::HttpResponse HouseholdFormRefusal(const ApiCall& call, const HouseholdForm& form, const Status& st,
                                       int failed_member, const std::vector<std::string>& prefixes) {
  if (!form.household.count("address"))
    return StatusReply(call, Status::InvalidArgument("address is required")
                                 .WithMsg(MsgId::kFieldRequired, {Tr(call.lang, "Address")}), "address");
  if (form.members.empty())
    return StatusReply(call, Status::InvalidArgument("a household needs its members")
                                 .WithMsg(MsgId::kFieldRequired, {Tr(call.lang, "Name")}), "m0.name");
  if (failed_member < 0 || static_cast<size_t>(failed_member) >= prefixes.size())
    return StatusReply(call, st, FormField(Entity::kHousehold, st.field()));
  std::string field = FormField(Entity::kPerson, st.field());
  return ErrorReply(web::StatusToHttp(st.code()), web::ApiCodeName(st.code()),
                    Msg(call.lang, MsgId::kWebMemberError, {std::to_string(failed_member + 1), Describe(call.lang, st)}),
                    prefixes[failed_member] + (field.empty() ? "name" : field));
}

HouseholdFormResult WriteHouseholdForm(ApiCall& call, const web::JsonObject& body) {
  HouseholdFormResult out;
  std::vector<std::string> prefixes;
  HouseholdForm form = HouseholdFormOf(body, &prefixes);
  int failed = -1;
  auto written = RegisterHouseholdForm(call.store(), form, call.lang, &failed);
  if (written.ok())
    out.household = std::move(written).value();
  else
    out.refusal = HouseholdFormRefusal(call, form, written.status(), failed, prefixes);
  return out;
}

void WriteHouseholdWarnings(const ApiCall& call, JsonWriter& j, const RegisteredHousehold& h) {
  for (const auto& w : h.warnings) j.String(Msg(call.lang, w.id, w.args));
  for (const auto& w : h.member_warnings) {
    std::vector<std::string> rest(w.args.begin() + 1, w.args.end());
    j.String(Msg(call.lang, MsgId::kWebMemberError, {w.args[0], Msg(call.lang, w.id, rest)}));
  }
}

web::HttpResponse Search(ApiCall& call) {
  std::string q = call.req.Query("q");
  while (!q.empty() && q.back() == ' ') q.pop_back();
  while (!q.empty() && q.front() == ' ') q.erase(0, 1);
  JsonWriter j;
  j.BeginObject().Field("q", q).Key("households").BeginArray();
  if (q.size() >= 2 && q.size() <= 100) {
    std::string digits = schema::CompactDigits(q);
    bool numeric = digits.size() >= 4 && digits.find_first_not_of("0123456789") == std::string::npos;
    auto st = call.store().db().Prepare(
        "SELECT DISTINCT h.id FROM households h LEFT JOIN persons p ON p.household_id=h.id AND p.deleted=0"
        " WHERE h.deleted=0 AND (p.name LIKE ?1 ESCAPE '\\' OR (?3 AND (p.nik LIKE ?2 OR h.no_kk LIKE ?2)))"
        " ORDER BY h.id DESC LIMIT ?4");
    if (!st.ok()) return StatusReply(call, st.status());
    st->Bind(1, "%" + LikeEscape(q) + "%").Bind(2, digits + "%").Bind(3, numeric ? 1 : 0).Bind(4, kMaxResults);
    std::vector<std::string> ids;
    for (;;) {
      auto row = st->Step();
      if (!row.ok()) return StatusReply(call, row.status());
      if (!*row) break;
      ids.push_back(st->Text(0));
    }
    for (const auto& id : ids)
      if (Status s = WriteHousehold(call, j, id, false); !s.ok()) return StatusReply(call, s);
  }
  return JsonReply(200, j.EndArray().EndObject().str());
}

web::HttpResponse ShowHousehold(ApiCall& call) {
  JsonWriter j;
  if (Status s = WriteHousehold(call, j, call.Param("id"), true); !s.ok()) return StatusReply(call, s);
  return JsonReply(200, j.str());
}

web::HttpResponse RegisterHousehold(ApiCall& call) {
  auto body = Body(call);
  if (!body.ok()) return StatusReply(call, body.status());
  auto registered = WriteHouseholdForm(call, *body);
  if (!registered.ok()) return registered.refusal;
  JsonWriter j;
  j.BeginObject().Field("id", registered->id).Key("members").BeginArray();
  for (const auto& id : registered->members) j.String(id);
  j.EndArray().Key("warnings").BeginArray();
  WriteHouseholdWarnings(call, j, *registered.household);
  return JsonReply(201, j.EndArray().EndObject().str());
}

web::HttpResponse CheckNik(ApiCall& call) {
  auto body = Body(call);
  if (!body.ok()) return StatusReply(call, body.status());
  NodeStore& store = call.store();
  schema::DbRegionLookup regions(store.db());
  std::vector<schema::Warning> warnings;
  auto info = schema::ValidateNik(body->String("nik"), &regions, &warnings);
  JsonWriter j;
  j.BeginObject();
  if (!info.ok()) {
    j.Field("valid", false).Field("field", "nik").Field("message", Describe(call.lang, info.status()));
    return JsonReply(200, j.EndObject().str());
  }
  schema::Date birth{BirthYear(call, info->yy), info->month, info->day};
  // Against what the operator typed so far (sex, birth date), as the
  // record's own checks will on save.
  std::optional<char> sex;
  if (std::string s = body->String("sex"); s == "L" || s == "P") sex = s[0];
  std::optional<schema::Date> typed;
  if (auto d = schema::ParseDate("birth_date", body->String("birth_date")); d.ok()) typed = *d;
  schema::CheckNikAgainstPerson(*info, sex, typed, &warnings);
  const std::string& r = info->region_prefix;  // PP.KK.CC
  std::string region;
  for (std::string code : {r, r.substr(0, 5), r.substr(0, 2)}) {
    std::string name = regions.Name(code);
    region += (region.empty() ? "" : ", ") + (name.empty() ? code : name);
  }
  j.Field("valid", true).Field("nik", info->nik).Field("sex", std::string(1, info->sex))
      .Field("sex_label", Label(call.lang, schema::kSexes, std::string(1, info->sex)))
      .Field("birth_date", birth.ToIso())
      .Field("birth_date_text", [&] {
        int64_t ms = 0;
        schema::OfficeZone utc{"UTC", 0};
        return schema::ParseDate(birth.ToIso(), utc, &ms) ? schema::FormatLongDate(ms, utc, web::LangCode(call.lang))
                                                          : birth.ToIso();
      }())
      .Field("region_code", r).Field("region", region);
  j.Key("warnings").BeginArray();
  for (const auto& w : warnings) j.String(Msg(call.lang, w.id, w.args));
  j.EndArray().Key("registered").BeginArray();
  // The same NIK already in this village: the operator may be registering
  // someone twice.
  if (auto st = store.db().Prepare("SELECT id,name,household_id FROM persons WHERE nik=? AND deleted=0 LIMIT 5");
      st.ok()) {
    st->Bind(1, info->nik);
    while (true) {
      auto row = st->Step();
      if (!row.ok() || !*row) break;
      j.BeginObject().Field("id", st->Text(0)).Field("name", st->Text(1)).Field("household_id", st->Text(2))
          .EndObject();
    }
  }
  j.EndArray();
  // The DTKS snapshot the village holds (its own rows), looked up offline.
  if (auto dtks = schema::LookupDtks(store.db(), info->nik); dtks.ok() && !dtks->newest_snapshot.empty())
    j.Field("dtks_text", schema::DescribeDtks(call.lang, *dtks)).Field("dtks_listed", dtks->listed);
  return JsonReply(200, j.EndObject().str());
}

web::HttpResponse CheckKk(ApiCall& call) {
  auto body = Body(call);
  if (!body.ok()) return StatusReply(call, body.status());
  auto kk = schema::ValidateKk(body->String("no_kk"));
  JsonWriter j;
  j.BeginObject();
  if (!kk.ok())
    j.Field("valid", false).Field("field", "no_kk").Field("message", Describe(call.lang, kk.status()));
  else
    j.Field("valid", true).Field("no_kk", *kk);
  return JsonReply(200, j.EndObject().str());
}

}  // namespace simpul::node::api
