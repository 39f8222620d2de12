// Service rules: what Dinsos requires of each service, as data it owns.
//
// Per service (PBI-JKN, PBI-APBD, the poverty statement, each kind of
// recommendation letter, disability registration, assistive devices) the
// rules name the documents an application must carry, the stages it passes
// after submission in order (who may act at each, and in how many hours),
// the poverty-indicator set and threshold that applies, and the letter it
// ends in. The hub loads a rules file (`simpul-hub rules load`), versioned,
// and every village receives it with its next sync; an application keeps the
// rules version it was submitted under. Format: schema/data/rules/README.md.
//
// Thread-safety: values and pure functions.
#ifndef SIMPUL_SCHEMA_SERVICE_RULES_H_
#define SIMPUL_SCHEMA_SERVICE_RULES_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "schema/messages.h"
#include "schema/status.h"

namespace simpul::schema {

struct DocumentRequirement {
  std::string kind;  // kk, ktp, sktm, referral, photo_house, ...
  bool required = true;
};

struct StageRule {
  std::string code;      // field_check, kecamatan, dinsos_verification, ...
  std::string role;      // the role that records it (hub or village roles)
  int sla_hours = 24;    // due this long after the previous stage ended
  std::string title_id, title_en;
};

struct LetterTemplate {
  std::string title;          // "SURAT REKOMENDASI"
  std::string number_format;  // "400.9/{seq}/REK-RS/{year}" ({seq} zero-padded to 4)
  std::string opening;        // paragraph before the resident's data
  std::vector<std::string> body;  // paragraphs after it; {purpose} {service} {village} filled in
  std::string signer_title, signer_name, signer_id;
};

struct ServiceRule {
  std::string code;              // unique in the file: spm, pbi_apbd, rek_rs ...
  std::string application_type;  // applications.type it governs
  std::string service_type;      // applications.service_type ("" = any)
  std::string title_id, title_en;
  std::vector<DocumentRequirement> documents;
  std::vector<StageRule> stages;  // after submission, in order
  int approval_sla_hours = 24;    // the decision after the last stage
  std::string indicator_set;      // "" = no questionnaire
  std::optional<double> score_at_least;  // qualifies when score >= this
  std::optional<double> score_below;     // qualifies when score < this (Banyuwangi's 2.107)
  LetterTemplate letter;
};

struct ServiceRules {
  std::string id;
  int version = 0;
  std::vector<std::string> letterhead;  // the district's letterhead lines
  std::string place;                    // where letters are signed ("Banyuwangi")
  std::vector<ServiceRule> services;
  std::string text;  // the definition as parsed, kept with every version

  // The rule for an application of `type` and `service_type`: the one naming
  // that service type, else the one for the type with no service type.
  const ServiceRule* Find(std::string_view type, std::string_view service_type) const;
  const ServiceRule* FindCode(std::string_view code) const;
};

// Roles a stage may name: the hub's and the village's.
bool IsKnownRole(std::string_view role);
bool IsKnownDocumentKind(std::string_view kind);
bool IsKnownApplicationType(std::string_view type);

// Parses a rules file. InvalidArgument naming the line and the key for an
// unknown key, stage role, document kind or application type, a duplicate
// service code or stage, a missing title or letter, or a bad number.
Result<ServiceRules> ParseServiceRules(std::string_view text);

// What an application lacks before it may be submitted: the kinds of the
// required documents not attached, in the rules' order.
std::vector<std::string> MissingDocuments(const ServiceRule& rule, const std::vector<std::string>& attached_kinds);

// The first stage of `rule` not in `done` (codes of the stages recorded so
// far), or nullptr when every stage is done and the decision is next.
const StageRule* NextStage(const ServiceRule& rule, const std::vector<std::string>& done);

// An application's poverty score against its rule's threshold. `applies`
// when the rule names one; `answered` when the application was scored
// under the rule's indicator set; `meets` when that score qualifies, or an
// answer qualifies outright (the set's auto_qualify). The score advises: a
// decision against it needs a reason (hub/score_check.h).
struct ScoreStanding {
  bool applies = false, answered = false, meets = false;
  std::string threshold;  // ">= 2", "< 2.107": the rule's, for people
};
ScoreStanding StandingOf(const ServiceRule& rule, std::string_view scored_set, std::optional<double> score,
                         bool auto_qualified);
// One line for people, the same in both tools: "Ambang layanan >= 2:
// terpenuhi (skor 3)"; "" when the rule names no threshold.
std::string DescribeStanding(Lang lang, const ScoreStanding& standing, std::optional<double> score);

// The rules shipped with Simpul for the demo and new hubs (embedded from
// schema/data/rules/).
std::string_view BuiltinServiceRules();

}  // namespace simpul::schema

#endif  // SIMPUL_SCHEMA_SERVICE_RULES_H_
