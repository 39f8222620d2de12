// The domain model's closed vocabularies: application types, attachment
// kinds, complaint categories, relations, sexes, urgencies.
//
// The string codes are persisted in the store and on the wire: they are
// forever. Add new codes; never rename or reuse one (retire it instead).
#ifndef SIMPUL_SCHEMA_MODEL_H_
#define SIMPUL_SCHEMA_MODEL_H_

#include <string>
#include <string_view>
#include <vector>

namespace simpul::schema {

struct CodeLabel {
  const char* code;
  const char* label_id;  // Bahasa Indonesia
  const char* label_en;
};

// Application types (jenis permohonan).
inline constexpr CodeLabel kApplicationTypes[] = {
    {"pbi_jkn", "Usulan PBI-JKN (APBN)", "PBI-JKN proposal (national budget)"},
    {"pbi_apbd", "Usulan PBI-APBD / PBPU-BP Pemda", "PBI-APBD proposal (district budget)"},
    {"poverty_statement", "Surat Pernyataan Miskin / SKTM", "Poverty statement (SPM/SKTM)"},
    {"recommendation", "Surat Rekomendasi Dinsos", "Dinsos recommendation letter"},
    {"disability_registration", "Pendaftaran PPKS disabilitas", "Disability (PPKS) registration"},
    {"assistive_device", "Permohonan alat bantu", "Assistive-device request"},
};

// Service types a recommendation letter is issued for.
inline constexpr CodeLabel kServiceTypes[] = {
    {"pbi_reactivation", "Reaktivasi PBI-JK", "PBI-JK reactivation"},
    {"hospital_bill", "Keringanan biaya rumah sakit", "Hospital bill relief"},
    {"education", "Bantuan pendidikan (KIP)", "Education aid (KIP)"},
    {"dtks_statement", "Keterangan status DTKS/DTSEN", "DTKS/DTSEN status statement"},
    {"other", "Lainnya", "Other"},
};

inline constexpr CodeLabel kAttachmentKinds[] = {
    {"kk", "Kartu Keluarga", "Family card (KK)"},
    {"ktp", "KTP", "Identity card (KTP)"},
    {"sktm", "SKTM", "Poverty certificate (SKTM)"},
    {"referral", "Surat rujukan / keterangan berobat", "Referral letter"},
    {"photo", "Foto", "Photo"},
    {"other", "Lainnya", "Other"},
    {"spm", "Surat Pernyataan Miskin", "Poverty statement (SPM)"},
    {"photo_house", "Foto rumah", "Photo of the house"},
    {"photo_person", "Foto pemohon", "Photo of the applicant"},
    {"birth_cert", "Akta kelahiran", "Birth certificate"},
    {"medical_note", "Surat keterangan dokter", "Doctor's note"},
    {"school_note", "Surat keterangan sekolah", "School letter"},
    {"bpjs_card", "Kartu BPJS/KIS", "BPJS/KIS card"},
    {"village_letter", "Surat pengantar desa", "Village cover letter"},
    {"berita_acara", "Berita acara musyawarah desa", "Minutes of the village meeting"},
};

// Operator roles (persisted in accounts and service rules: never rename).
// What each may do: sync/accounts.h.
inline constexpr CodeLabel kRoles[] = {
    {"village_operator", "Operator desa/kelurahan", "Village operator"},
    {"kecamatan_verifier", "Verifikator kecamatan", "Kecamatan verifier"},
    {"hub_verifier", "Verifikator Dinas Sosial", "Dinsos verifier"},
    {"approving_official", "Pejabat penyetuju", "Approving official"},
    {"administrator", "Administrator", "Administrator"},
    {"auditor", "Auditor", "Auditor"},
};

// B'DESUT complaint categories.
inline constexpr CodeLabel kComplaintCategories[] = {
    {"health", "Kesehatan", "Health"},
    {"education", "Pendidikan", "Education"},
    {"housing", "Perumahan (RTLH)", "Housing"},
    {"social_aid", "Bantuan sosial", "Social aid"},
    {"kis_card", "Kartu KIS bermasalah", "Problem KIS card"},
    {"pkh_card", "Kartu PKH bermasalah", "Problem PKH card"},
    {"bpnt_card", "Kartu BPNT bermasalah", "Problem BPNT card"},
    {"adminduk", "Administrasi kependudukan (KTP/KK)", "Civil registration (KTP/KK)"},
    {"disability", "Disabilitas", "Disability"},
    {"other", "Lainnya", "Other"},
};

// Urgency decides sync priority and the handling target (B'DESUT: 1x24 h).
inline constexpr CodeLabel kUrgencies[] = {
    {"emergency", "Darurat (1x24 jam)", "Emergency (24 h)"},
    {"high", "Tinggi (3 hari kerja)", "High (3 working days)"},
    {"normal", "Biasa (7 hari kerja)", "Normal (7 working days)"},
    {"low", "Rendah (14 hari kerja)", "Low (14 working days)"},
};

// SHDK (status hubungan dalam keluarga) as in SIAK; code = index + 1.
inline constexpr CodeLabel kRelations[] = {
    {"1", "Kepala keluarga", "Head of household"}, {"2", "Suami", "Husband"},
    {"3", "Istri", "Wife"},          {"4", "Anak", "Child"},
    {"5", "Menantu", "Child-in-law"}, {"6", "Cucu", "Grandchild"},
    {"7", "Orang tua", "Parent"},     {"8", "Mertua", "Parent-in-law"},
    {"9", "Famili lain", "Other relative"}, {"10", "Pembantu", "Household help"},
    {"11", "Lainnya", "Other"},
};

inline constexpr CodeLabel kSexes[] = {
    {"L", "Laki-laki", "Male"},
    {"P", "Perempuan", "Female"},
};

// Returns the entry with `code`, or nullptr.
template <size_t N>
const CodeLabel* FindCode(const CodeLabel (&table)[N], std::string_view code) {
  for (const auto& e : table)
    if (code == e.code) return &e;
  return nullptr;
}
template <size_t N>
std::string ListCodes(const CodeLabel (&table)[N]) {
  std::string out;
  for (const auto& e : table) {
    if (!out.empty()) out += ", ";
    out += e.code;
  }
  return out;
}

}  // namespace simpul::schema

#endif  // SIMPUL_SCHEMA_MODEL_H_
