#include "schema/messages.h"

#include <cstdlib>
#include <string_view>

namespace simpul {
namespace {

struct Entry {
  MsgId id;
  const char* id_text;
  const char* en_text;
};

// Order must follow MsgId; a static_assert below checks the count and
// Msg() checks each entry's id.
constexpr Entry kCatalogue[] = {
    {MsgId::kFieldRequired, "{0} wajib diisi.", "{0} is required."},
    {MsgId::kDigitsOnly, "{0} hanya boleh berisi angka.", "{0} may contain digits only."},
    {MsgId::kNikLength, "NIK harus 16 angka (tertulis {0} angka).",
     "NIK must be 16 digits (got {0})."},
    {MsgId::kNikProvince, "NIK: kode provinsi '{0}' tidak dikenal.",
     "NIK: province code '{0}' is not a known province."},
    {MsgId::kNikDate,
     "NIK: tanggal lahir di angka 7-12 ('{0}') bukan tanggal yang ada (perempuan: tanggal + 40).",
     "NIK: the birth date in digits 7-12 ('{0}') is not a real date (women: day + 40)."},
    {MsgId::kNikSerial, "NIK: nomor urut (4 angka terakhir) tidak boleh 0000.",
     "NIK: the serial number (last 4 digits) may not be 0000."},
    {MsgId::kNikRegionWarning,
     "Peringatan: kode wilayah NIK {0} tidak ada di daftar Kemendagri (mungkin wilayah lama).",
     "Warning: NIK region prefix {0} is not in the Kemendagri lists (maybe an old region)."},
    {MsgId::kNikSexWarning,
     "Peringatan: NIK menunjukkan jenis kelamin {0}, tetapi tercatat {1}.",
     "Warning: the NIK indicates sex {0}, but {1} was entered."},
    {MsgId::kNikBirthDateWarning,
     "Peringatan: tanggal lahir di NIK ({0}) berbeda dengan tanggal lahir tercatat ({1}).",
     "Warning: the NIK birth date ({0}) differs from the entered birth date ({1})."},
    {MsgId::kKkLength, "Nomor KK harus 16 angka (tertulis {0} angka).",
     "No. KK must be 16 digits (got {0})."},
    {MsgId::kKkProvince, "Nomor KK: kode provinsi '{0}' tidak dikenal.",
     "No. KK: province code '{0}' is not a known province."},
    {MsgId::kKkDate, "Nomor KK: tanggal pencatatan di angka 7-12 ('{0}') bukan tanggal yang ada.",
     "No. KK: the record date in digits 7-12 ('{0}') is not a real date."},
    {MsgId::kKkSerial, "Nomor KK: nomor urut (4 angka terakhir) tidak boleh 0000.",
     "No. KK: the serial number (last 4 digits) may not be 0000."},
    {MsgId::kRegionFormat,
     "Kode wilayah '{0}' harus berbentuk PP.KK.CC.DDDD (contoh 35.10.01.2001).",
     "Region code '{0}' must look like PP.KK.CC.DDDD (e.g. 35.10.01.2001)."},
    {MsgId::kRegionKabupaten,
     "Kode wilayah '{0}': kode kabupaten/kota harus 01-69 (kabupaten) atau 71-99 (kota).",
     "Region code '{0}': the regency/city part must be 01-69 (regency) or 71-99 (city)."},
    {MsgId::kRegionDesaKind,
     "Kode wilayah '{0}': angka pertama kode desa harus 1 (kelurahan), 2 (desa) atau 3 (desa adat).",
     "Region code '{0}': a village code starts with 1 (kelurahan), 2 (desa) or 3 (desa adat)."},
    {MsgId::kRegionUnknown, "Kode wilayah '{0}' tidak ada di daftar Kemendagri {1}.",
     "Region code '{0}' is not in the Kemendagri list {1}."},
    {MsgId::kRegionNotVillage, "Kode '{0}' bukan kode desa/kelurahan.",
     "Code '{0}' is not a village (desa/kelurahan) code."},
    {MsgId::kPhoneFormat,
     "Nomor telepon '{0}' tidak dikenali; contoh yang benar: 0812-3456-7890 atau +62 812 3456 7890.",
     "Phone number '{0}' is not an Indonesian number; e.g. 0812-3456-7890 or +62 812 3456 7890."},
    {MsgId::kDateFormat, "{0}: tanggal '{1}' harus berbentuk TTTT-BB-HH (contoh 1987-11-12).",
     "{0}: date '{1}' must be YYYY-MM-DD (e.g. 1987-11-12)."},
    {MsgId::kDateImpossible, "{0}: tanggal '{1}' tidak ada di kalender.",
     "{0}: '{1}' is not a real calendar date."},
    {MsgId::kDateFuture, "{0}: tanggal '{1}' ada di masa depan.", "{0}: '{1}' is in the future."},
    {MsgId::kEnumValue, "{0}: nilai '{1}' tidak dikenal; pilihan: {2}.",
     "{0}: '{1}' is not allowed; choose one of: {2}."},
    {MsgId::kTextTooLong, "{0} terlalu panjang (paling banyak {1} karakter).",
     "{0} is too long (at most {1} characters)."},
    {MsgId::kNumberRange, "{0} harus angka antara {1} dan {2}.",
     "{0} must be a number from {1} to {2}."},
    {MsgId::kStoreNotSimpul, "Folder data '{0}' bukan penyimpanan Simpul.",
     "Data directory '{0}' is not a Simpul store."},
    {MsgId::kStoreMissing,
     "Folder data '{0}' belum disiapkan. Jalankan dulu: simpul-node init --village KODE",
     "Data directory '{0}' is not initialised. Run first: simpul-node init --village CODE"},
    {MsgId::kStoreTooNew,
     "Data di '{0}' dibuat oleh Simpul yang lebih baru (skema {1}, program ini {2}). Perbarui program; data tidak diubah.",
     "The data in '{0}' was written by a newer Simpul (schema {1}, this program {2}). Upgrade the program; nothing was changed."},
    {MsgId::kStoreCorrupt,
     "Berkas basis data '{0}' rusak atau bukan basis data. Jangan dihapus; hubungi admin (pulihkan dari hub).",
     "Database file '{0}' is damaged or not a database. Do not delete it; ask the administrator (restore from the hub)."},
    {MsgId::kStoreBusy,
     "Penyimpanan sedang dipakai proses lain (misalnya sinkronisasi). Coba lagi sebentar lagi; tidak ada yang berubah.",
     "The store is busy with another process (e.g. a sync). Try again shortly; nothing was changed."},
    {MsgId::kStoreExists, "Folder data '{0}' sudah berisi penyimpanan Simpul desa {1}.",
     "Data directory '{0}' already holds the Simpul store of village {1}."},
    {MsgId::kNotFoundId, "{0} dengan id '{1}' tidak ditemukan.", "{0} with id '{1}' not found."},
    {MsgId::kFileUnreadable, "Berkas '{0}' tidak bisa dibaca: {1}.", "Cannot read file '{0}': {1}."},
    {MsgId::kFileTooLarge, "Berkas '{0}' terlalu besar ({1} byte; batas {2} byte).",
     "File '{0}' is too large ({1} bytes; the limit is {2})."},
    {MsgId::kUnknownCommand, "Perintah '{0}' tidak dikenal. Lihat: simpul-node --help",
     "Unknown command '{0}'. See: simpul-node --help"},
    {MsgId::kUnknownOption, "Opsi '{0}' tidak dikenal untuk perintah ini. Lihat --help.",
     "Unknown option '{0}' for this command. See --help."},
    {MsgId::kMissingOption, "Opsi {0} wajib diisi. Lihat --help.", "Option {0} is required. See --help."},
    {MsgId::kBadOptionValue, "Nilai '{1}' untuk opsi {0} tidak sah.", "Invalid value '{1}' for option {0}."},
    {MsgId::kWrongVillage, "Kode desa {0} bukan desa node ini ({1}).",
     "Village code {0} is not this node's village ({1})."},
    {MsgId::kNotEditable, "Permohonan {0} berstatus '{1}' dan tidak bisa diubah sekarang.",
     "Application {0} is '{1}' and cannot be edited now."},
    {MsgId::kApplicationIncomplete, "Permohonan belum lengkap: {0}",
     "The application is incomplete: {0}"},
    {MsgId::kIndicatorUnknown, "Indikator '{0}' tidak ada di set {1}.",
     "Indicator '{0}' is not in set {1}."},
    {MsgId::kIndicatorAnswer, "Jawaban '{1}' untuk indikator '{0}' tidak sah; pilihan: {2}.",
     "Answer '{1}' for indicator '{0}' is not valid; choose one of: {2}."},
    {MsgId::kAlreadySubmitted, "Permohonan {0} sudah diajukan (status: {1}).",
     "Application {0} has already been submitted (status: {1})."},
    {MsgId::kCannotWithdraw, "Permohonan {0} berstatus '{1}' dan tidak bisa ditarik.",
     "Application {0} is '{1}' and cannot be withdrawn."},
    {MsgId::kPersonNotInHousehold, "Orang {0} bukan anggota keluarga {1}.",
     "Person {0} is not a member of household {1}."},
    {MsgId::kApplicantNeedsNik, "Pemohon harus punya NIK untuk jenis permohonan ini.",
     "The applicant needs a NIK for this application type."},
    {MsgId::kHouseholdNeedsKk, "Keluarga harus punya Nomor KK untuk jenis permohonan ini.",
     "The household needs a No. KK for this application type."},
    {MsgId::kOptionNeedsValue, "Opsi {0} perlu nilai.", "Option {0} needs a value."},
    {MsgId::kUnexpectedArgument, "Argumen '{0}' tidak diharapkan di sini. Lihat --help.",
     "Unexpected argument '{0}'. See --help."},
    {MsgId::kFileWriteFailed, "Berkas '{0}' tidak bisa ditulis: {1}.", "Cannot write file '{0}': {1}."},
};
static_assert(std::size(kCatalogue) == static_cast<size_t>(MsgId::kCount_),
              "every MsgId needs a catalogue entry");

// "@table" arguments name a record kind; shown as a noun.
std::string Noun(Lang lang, const std::string& arg) {
  struct N { const char *code, *id, *en; };
  static const N kNouns[] = {
      {"@households", "Keluarga", "Household"}, {"@persons", "Orang", "Person"},
      {"@applications", "Permohonan", "Application"}, {"@complaints", "Pengaduan", "Complaint"},
      {"@attachments", "Dokumen", "Document"}, {"@conflicts", "Konflik", "Conflict"},
      {"@indicator_sets", "Set indikator", "Indicator set"}, {"@events", "Peristiwa", "Event"},
      {"@nodes", "Node", "Node"}};
  for (const auto& n : kNouns)
    if (arg == n.code) return lang == Lang::kId ? n.id : n.en;
  return arg;
}

bool StartsWithId(const char* v) {
  return v && v[0] == 'i' && v[1] == 'd' && (v[2] == '\0' || v[2] == '_' || v[2] == '.');
}

}  // namespace

Lang DetectLang(const std::string& flag_value) {
  if (flag_value == "id") return Lang::kId;
  if (flag_value == "en") return Lang::kEn;
  // POSIX precedence: LC_ALL overrides LC_MESSAGES overrides LANG.
  for (const char* var : {"LC_ALL", "LC_MESSAGES", "LANG"}) {
    const char* v = std::getenv(var);
    if (v && *v) return StartsWithId(v) ? Lang::kId : Lang::kEn;
  }
  return Lang::kEn;
}

std::string Msg(Lang lang, MsgId id, const std::vector<std::string>& args) {
  const Entry& e = kCatalogue[static_cast<size_t>(id)];
  if (e.id != id) return "<catalogue out of order>";
  std::string_view text = lang == Lang::kId ? e.id_text : e.en_text;
  std::string out;
  out.reserve(text.size() + 32);
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '{' && i + 2 < text.size() && text[i + 2] == '}' && text[i + 1] >= '0' &&
        text[i + 1] <= '9') {
      size_t n = static_cast<size_t>(text[i + 1] - '0');
      if (n < args.size()) out += args[n].rfind("@", 0) == 0 ? Noun(lang, args[n]) : args[n];
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::string Describe(Lang lang, const Status& status) {
  if (status.msg_id()) return Msg(lang, *status.msg_id(), status.args());
  if (!status.field().empty()) return status.field() + ": " + status.message();
  return status.message();
}

}  // namespace simpul
