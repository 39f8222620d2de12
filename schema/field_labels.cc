#include "schema/field_labels.h"

#include "schema/model.h"

namespace simpul::schema {
namespace {

// "table.column" -> its English name (the catalogue gives the Indonesian).
constexpr struct {
  const char* field;
  const char* en;
} kFieldLabels[] = {
    {"households.no_kk", "No. KK"},          {"households.address", "Address"},
    {"households.rt", "RT"},                 {"households.rw", "RW"},
    {"persons.name", "Name"},                {"persons.nik", "NIK"},
    {"persons.birth_place", "Place of birth"}, {"persons.birth_date", "Date of birth"},
    {"persons.sex", "Sex"},                  {"persons.relation", "Relation to the head"},
    {"persons.disability", "Disability"},    {"persons.phone", "Phone"},
    {"applications.purpose", "Purpose"},     {"applications.notes", "Notes"},
    {"applications.service_type", "Service"}, {"applications.device_kind", "Assistive device"},
    {"applications.dtks_status", "DTKS status"}, {"applications.dtks_desil", "DTKS desil"},
    {"complaints.category", "Category"},     {"complaints.urgency", "Urgency"},
    {"complaints.description", "What was reported"}, {"complaints.referral", "Referral"},
};

template <size_t N>
std::string CodeText(Lang lang, const CodeLabel (&table)[N], const std::string& code) {
  const CodeLabel* c = FindCode(table, code);
  return c ? (lang == Lang::kId ? c->label_id : c->label_en) : code;
}

}  // namespace

std::string FieldLabel(Lang lang, const std::string& table, const std::string& field) {
  const std::string key = table + "." + field;
  for (const auto& l : kFieldLabels)
    if (key == l.field) return Tr(lang, l.en);
  return field;
}

std::string FieldValueText(Lang lang, const std::string& field, const std::string& v) {
  if (v.empty()) return {};
  if (field == "sex") return CodeText(lang, kSexes, v);
  if (field == "relation") return CodeText(lang, kRelations, v);
  if (field == "service_type") return CodeText(lang, kServiceTypes, v);
  if (field == "category") return CodeText(lang, kComplaintCategories, v);
  if (field == "urgency") return CodeText(lang, kUrgencies, v);
  return v;
}

}  // namespace simpul::schema
