#include "schema/service_rules.h"

#include <algorithm>
#include <set>
#include <sstream>

#include "schema/key_value_text.h"
#include "schema/model.h"

extern "C" {
extern const char simpul_rules_default_begin[];
extern const char simpul_rules_default_end[];
}

namespace simpul::schema {
namespace {

constexpr size_t kMaxRulesBytes = 1 << 20;
constexpr int kMaxSlaHours = 24 * 366;

}  // namespace

bool IsKnownRole(std::string_view role) { return FindCode(kRoles, role) != nullptr; }
bool IsKnownDocumentKind(std::string_view kind) { return FindCode(kAttachmentKinds, kind) != nullptr; }
bool IsKnownApplicationType(std::string_view type) { return FindCode(kApplicationTypes, type) != nullptr; }

const ServiceRule* ServiceRules::Find(std::string_view type, std::string_view service_type) const {
  const ServiceRule* any = nullptr;
  for (const auto& s : services) {
    if (s.application_type != type) continue;
    if (!service_type.empty() && s.service_type == service_type) return &s;
    if (s.service_type.empty() && !any) any = &s;
  }
  return any;
}

const ServiceRule* ServiceRules::FindCode(std::string_view code) const {
  for (const auto& s : services)
    if (s.code == code) return &s;
  return nullptr;
}

Result<ServiceRules> ParseServiceRules(std::string_view text) {
  ServiceRules rules;
  rules.text = std::string(text);
  if (text.size() > kMaxRulesBytes) return Status::ResourceExhausted("service rules larger than 1 MiB");
  auto bad = [&](int line, const std::string& why) {
    return Status::InvalidArgument(
        (line > 0 ? "service rules line " + std::to_string(line) : std::string("service rules")) + ": " + why).WithField("rules");
  };
  auto hours = [&](const std::string& v, int* out) {
    double h;
    if (!ParseNumber(v, &h) || h < 1 || h > kMaxSlaHours || h != static_cast<int>(h)) return false;
    *out = static_cast<int>(h);
    return true;
  };
  Status st = ForEachKeyValue(
      text,
      [&](int line, const std::string& key, std::string_view value) -> Status {
        ServiceRule* svc = rules.services.empty() ? nullptr : &rules.services.back();
        std::string v(value);
        if (key == "rules") {
          if (!IsCode(value)) return bad(line, "rules id must be lower-case letters, digits, - or _");
          rules.id = v;
        } else if (key == "version") {
          double n;
          if (!ParseNumber(v, &n) || n < 1 || n > 1e6 || n != static_cast<int>(n))
            return bad(line, "version must be a positive whole number");
          rules.version = static_cast<int>(n);
        } else if (key == "letterhead") {
          rules.letterhead.push_back(v);
        } else if (key == "place") {
          rules.place = v;
        } else if (key == "service") {
          if (!IsCode(value)) return bad(line, "service code must be lower-case letters, digits, - or _");
          if (rules.FindCode(value)) return bad(line, "duplicate service " + v);
          rules.services.push_back(ServiceRule{});
          rules.services.back().code = v;
        } else if (!svc) {
          return bad(line, "'" + key + "' before the first service");
        } else if (key == "type") {
          if (!IsKnownApplicationType(value)) return bad(line, "unknown application type '" + v + "'");
          svc->application_type = v;
        } else if (key == "service_type") {
          if (!IsCode(value)) return bad(line, "service_type must be a code");
          svc->service_type = v;
        } else if (key == "title_id") {
          svc->title_id = v;
        } else if (key == "title_en") {
          svc->title_en = v;
        } else if (key == "document") {
          auto p = SplitBar(value);
          if (p.size() != 2 || (p[1] != "required" && p[1] != "optional"))
            return bad(line, "document = KIND | required|optional");
          if (!IsKnownDocumentKind(p[0])) return bad(line, "unknown document kind '" + p[0] + "'");
          for (const auto& d : svc->documents)
            if (d.kind == p[0]) return bad(line, "document " + p[0] + " listed twice");
          svc->documents.push_back({p[0], p[1] == "required"});
        } else if (key == "stage") {
          auto p = SplitBar(value);
          StageRule s;
          if (p.size() != 5) return bad(line, "stage = code | role | SLA hours | title id | title en");
          if (!IsCode(p[0]) || p[0] == "submitted" || p[0] == "decision")
            return bad(line, "stage code '" + p[0] + "' is not a usable code");
          if (!IsKnownRole(p[1]) || p[1] == "auditor" || p[1] == "administrator")
            return bad(line, "unknown stage role '" + p[1] + "'");
          if (!hours(p[2], &s.sla_hours)) return bad(line, "SLA hours must be a whole number from 1 to 8784");
          for (const auto& existing : svc->stages)
            if (existing.code == p[0]) return bad(line, "stage " + p[0] + " listed twice");
          s.code = p[0];
          s.role = p[1];
          s.title_id = p[3];
          s.title_en = p[4];
          svc->stages.push_back(std::move(s));
        } else if (key == "approval_sla_hours") {
          if (!hours(v, &svc->approval_sla_hours)) return bad(line, "approval_sla_hours must be 1 to 8784");
        } else if (key == "indicators") {
          if (!IsCode(value)) return bad(line, "indicators names an indicator set id");
          svc->indicator_set = v;
        } else if (key == "score_at_least" || key == "score_below") {
          double n;
          if (!ParseNumber(v, &n)) return bad(line, key + " must be a number");
          (key == "score_below" ? svc->score_below : svc->score_at_least) = n;
        } else if (key == "letter_title") {
          svc->letter.title = v;
        } else if (key == "letter_number") {
          if (v.find("{seq}") == std::string::npos) return bad(line, "letter_number must contain {seq}");
          if (v.size() > 60 || v.find('|') != std::string::npos)
            return bad(line, "letter_number is longer than 60 characters or holds '|'");
          svc->letter.number_format = v;
        } else if (key == "letter_opening") {
          svc->letter.opening = v;
        } else if (key == "letter_body") {
          svc->letter.body.push_back(v);
        } else if (key == "signer") {
          auto p = SplitBar(value);
          if (p.size() != 3 || p[0].empty() || p[1].empty()) return bad(line, "signer = title | name | NIP line");
          svc->letter.signer_title = p[0];
          svc->letter.signer_name = p[1];
          svc->letter.signer_id = p[2];
        } else {
          return bad(line, "unknown key '" + key + "'");
        }
        return Status::Ok();
      },
      bad);
  SIMPUL_RETURN_IF_ERROR(st);
  if (rules.id.empty()) return bad(0, "missing 'rules'");
  if (rules.version == 0) return bad(0, "missing 'version'");
  if (rules.letterhead.empty()) return bad(0, "missing 'letterhead'");
  if (rules.services.empty()) return bad(0, "no services");
  std::set<std::pair<std::string, std::string>> keys;
  for (const auto& s : rules.services) {
    const std::string where = "service " + s.code + ": ";
    if (s.application_type.empty()) return bad(0, where + "missing 'type'");
    if (s.title_id.empty() || s.title_en.empty()) return bad(0, where + "missing title_id or title_en");
    if (s.letter.title.empty() || s.letter.number_format.empty() || s.letter.signer_name.empty())
      return bad(0, where + "missing letter_title, letter_number or signer");
    if ((s.score_at_least || s.score_below) && s.indicator_set.empty())
      return bad(0, where + "a score threshold needs 'indicators'");
    if (!keys.insert({s.application_type, s.service_type}).second)
      return bad(0, where + "another service already governs type " + s.application_type +
                        (s.service_type.empty() ? "" : "/" + s.service_type));
  }
  return rules;
}

std::vector<std::string> MissingDocuments(const ServiceRule& rule, const std::vector<std::string>& attached) {
  std::vector<std::string> missing;
  for (const auto& d : rule.documents)
    if (d.required && std::find(attached.begin(), attached.end(), d.kind) == attached.end())
      missing.push_back(d.kind);
  return missing;
}

const StageRule* NextStage(const ServiceRule& rule, const std::vector<std::string>& done) {
  for (const auto& s : rule.stages)
    if (std::find(done.begin(), done.end(), s.code) == done.end()) return &s;
  return nullptr;
}

ScoreStanding StandingOf(const ServiceRule& rule, std::string_view scored_set, std::optional<double> score,
                         bool auto_qualified) {
  ScoreStanding out;
  out.applies = rule.score_at_least.has_value() || rule.score_below.has_value();
  if (!out.applies) return out;
  std::ostringstream t;
  if (rule.score_at_least) t << ">= " << *rule.score_at_least;
  if (rule.score_at_least && rule.score_below) t << ", ";
  if (rule.score_below) t << "< " << *rule.score_below;
  out.threshold = t.str();
  out.answered = scored_set == rule.indicator_set && (score.has_value() || auto_qualified);
  if (!out.answered) return out;
  out.meets = auto_qualified || ((!rule.score_at_least || *score >= *rule.score_at_least) &&
                                 (!rule.score_below || *score < *rule.score_below));
  return out;
}

std::string DescribeStanding(Lang lang, const ScoreStanding& s, std::optional<double> score) {
  if (!s.applies) return "";
  std::string text = Tr(lang, "Service threshold") + std::string(" ") + s.threshold + ": ";
  if (!s.answered) return text + Tr(lang, "no score under the service's indicators");
  text += s.meets ? Tr(lang, "met") : Tr(lang, "not met");
  if (score) {
    std::ostringstream n;
    n << *score;
    text += " (" + std::string(Tr(lang, "score")) + " " + n.str() + ")";
  }
  return text;
}

std::string_view BuiltinServiceRules() {
  return std::string_view(simpul_rules_default_begin,
                          static_cast<size_t>(simpul_rules_default_end - simpul_rules_default_begin));
}

}  // namespace simpul::schema
