#include "schema/messages.h"

#include <cstdlib>
#include <string_view>
#include <unordered_map>

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
    {MsgId::kFileTooLarge, "Berkas '{0}' terlalu besar ({1}); batasnya {2} per dokumen.",
     "File '{0}' is too large ({1}); the limit is {2} per document."},
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
    {MsgId::kLoginRequired,
     "Penyimpanan ini memakai akun petugas: masuk dengan --user NAMA (kata sandi dari SIMPUL_PASSWORD atau diketik).",
     "This store uses operator accounts: sign in with --user NAME (password from SIMPUL_PASSWORD, or typed)."},
    {MsgId::kLoginFailed, "Nama petugas atau kata sandi salah (percobaan ini dicatat).",
     "Unknown operator or wrong password (this attempt is recorded)."},
    {MsgId::kRoleForbids, "Peran '{0}' tidak boleh menjalankan perintah ini ({1}).",
     "The role '{0}' may not run this command ({1})."},
    {MsgId::kStoreLocked,
     "Data di '{0}' terkunci (terenkripsi). Buka dengan: simpul-node unlock (atau kata sandi kantor di SIMPUL_PASSPHRASE).",
     "The data in '{0}' is locked (encrypted). Unlock it with: simpul-node unlock (or the office passphrase in SIMPUL_PASSPHRASE)."},
    {MsgId::kWrongPassphrase,
     "Kata sandi kantor salah untuk data di '{0}'. Tidak ada yang berubah. Lupa? Lihat OPERATIONS.md: daftar ulang node dan sinkron ulang dari hub.",
     "Wrong office passphrase for the data in '{0}'. Nothing was changed. Forgotten? See OPERATIONS.md: re-enrol the node and re-sync from the hub."},
    {MsgId::kPassphraseWeak, "Kata sandi kantor terlalu pendek: paling sedikit 10 karakter.",
     "The office passphrase is too short: at least 10 characters."},
    {MsgId::kAuditAltered, "{0}: entri {1} (no. {2}) telah diubah: hash-nya tidak cocok dengan isinya.",
     "{0}: entry {1} (no. {2}) was altered: its hash does not match its fields."},
    {MsgId::kAuditUnlinked,
     "{0}: entri {1} (no. {2}) tidak menyambung ke entri sebelumnya (ada yang dihapus, diganti atau diubah urutannya).",
     "{0}: entry {1} (no. {2}) does not follow the entry before it (one was removed, replaced or reordered)."},
    {MsgId::kAuditSeqTwice, "{0}: dua entri bernomor {2} (entri {1}).", "{0}: two entries are numbered {2} (entry {1})."},
    {MsgId::kAuditMissing, "{0}: entri no. {2} sampai {3} hilang (sebelum entri {1}).",
     "{0}: entries no. {2} to {3} are missing (before entry {1})."},
    {MsgId::kAuditTruncated,
     "{0}: entri no. {2} sampai {3} hilang setelah kepala rantai yang ditandatangani (no. {3}): rantai dipotong.",
     "{0}: entries no. {2} to {3} are missing after the last signed head (no. {3}): the chain was cut."},
    {MsgId::kAuditHeadForged, "{0}: tanda tangan kepala rantai no. {2} tidak sah (dipalsukan atau diubah).",
     "{0}: the signature of the chain head no. {2} does not verify (forged or altered)."},
    {MsgId::kAuditHeadUnknownKey, "{0}: kepala rantai no. {2} ditandatangani dengan kunci yang bukan milik penulisnya.",
     "{0}: the chain head no. {2} is signed by a key that is not its writer's."},
    {MsgId::kAuditHeadMismatch,
     "{0}: entri no. {2} ({1}) tidak cocok dengan kepala rantai yang ditandatangani (rantai ditulis ulang atau dihitung ulang).",
     "{0}: entry no. {2} ({1}) does not match its signed head (the chain was rewritten or recomputed)."},
    {MsgId::kAuditLastHead, "{0}: kepala terakhir yang ditandatangani: entri no. {1}, hash {2}, ditandatangani {3}.",
     "{0}: last signed head: entry no. {1}, hash {2}, signed {3}."},
    {MsgId::kSetupModeWarning,
     "Hub ini belum punya akun petugas (mode persiapan): siapa pun yang bisa menjalankan simpul-hub bertindak tanpa masuk, tercatat sebagai 'NAMA (no account)'. Buat administrator sekarang: simpul-hub user add NAMA --role administrator",
     "This hub has no operator accounts (setup mode): anyone who can run simpul-hub acts without signing in, recorded as 'NAME (no account)'. Create an administrator now: simpul-hub user add NAME --role administrator"},
    {MsgId::kSetupModeWebRefused,
     "Aplikasi web tidak dilayani sebelum ada akun administrator (simpul-hub user add NAMA --role administrator).",
     "The web application is not served until an administrator account exists (simpul-hub user add NAME --role administrator)."},
    {MsgId::kExportFormat,
     "{0}: format '{1}' belum didukung; untuk sekarang hanya CSV (nama berkas berakhiran .csv). Tidak ada yang ditulis.",
     "{0}: the '{1}' format is not supported; only CSV for now (a file name ending in .csv). Nothing was written."},
    {MsgId::kBundleReplyDamaged,
     "Berkas '{0}' rusak atau bukan berkas balasan yang utuh; tidak ada yang diterapkan. Minta berkas balasan itu lagi ke Dinsos.",
     "'{0}' is damaged or not a whole reply bundle; nothing was applied. Ask Dinsos for the reply file again."},
    {MsgId::kBundleReplyAlreadyImported,
     "Berkas balasan '{0}' sudah pernah diterapkan di node ini; tidak ada yang diterapkan dua kali.",
     "The reply bundle '{0}' was already imported on this node; nothing was applied twice."},
    {MsgId::kBundleReplyNotOurs,
     "Berkas balasan '{0}' bukan untuk node ini: tidak menjawab berkas mana pun yang dibuat node ini (atau isinya diubah). Tidak ada yang diterapkan.",
     "The reply bundle '{0}' is not for this node: it answers no bundle this node exported (or its contents were altered). Nothing was applied."},
    {MsgId::kBundleReplyStale,
     "Balasan ini lebih lama daripada yang sudah diterima node ini (balasan yang lebih baru atau sinkronisasi langsung datang lebih dulu): tanda terima dan dokumennya diterapkan, {0} perubahan lama di dalamnya dilewati. Tidak ada yang hilang.",
     "This reply is older than what this node already received (a newer reply or a live sync came first): its acknowledgements and documents were applied, the {0} older change(s) it carried were skipped. Nothing is lost."},
    {MsgId::kRowMovedTo, "dipindahkan ke desa {0}", "moved to village {0}"},
    {MsgId::kRowMovedElsewhere, "dipindahkan ke desa lain oleh Dinsos", "moved to another village by Dinsos"},
    {MsgId::kMoveNeedsHousehold,
     "Orang {0} tinggal bersama {2} anggota lain keluarga {1} yang tidak ikut pindah: sebutkan --household ID keluarga di desa {3} tempat ia bergabung.",
     "Person {0} shares household {1} with {2} other member(s) who stay: give --household ID, the household of village {3} they join."},
    {MsgId::kMoveHouseholdElsewhere, "Keluarga {0} ada di desa {1}, bukan di desa tujuan {2}.",
     "Household {0} is in village {1}, not in the destination village {2}."},
    {MsgId::kMoveSameVillage, "Data ini sudah berada di desa {0}.", "The record is already in village {0}."},
    {MsgId::kDecisionNotAllowed, "Tidak bisa mencatat '{0}': permohonan berstatus '{1}'.",
     "Cannot record '{0}': the application is '{1}'."},
    {MsgId::kLetterNeedsApproval, "Surat hanya diterbitkan untuk permohonan yang disetujui (yang ini berstatus '{0}').",
     "A letter is issued only for an approved application (this one is '{0}')."},
    {MsgId::kReasonRequired, "{0} wajib diisi: desa harus tahu alasannya.",
     "{0} is required: the village must know why."},
    {MsgId::kMissingArgument, "Argumen {0} kurang. Lihat --help.", "Missing argument {0}. See --help."},
    {MsgId::kHubUnknownCommand, "Perintah '{0}' tidak dikenal. Lihat: simpul-hub --help",
     "Unknown command '{0}'. See: simpul-hub --help"},
    {MsgId::kStoreDamaged,
     "Penyimpanan di '{0}' rusak: halaman {1} dari berkas {2} gagal diperiksa keasliannya. Tidak ada yang dibaca atau "
     "ditulis. Jangan dihapus; hubungi admin (pulihkan dari hub).",
     "The store in '{0}' is damaged: page {1} of file {2} failed its authenticity check. Nothing was read or written "
     "from it. Do not delete it; ask the administrator (restore from the hub)."},
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

// Screen texts of the CLIs, keyed by their English text.
struct UiText {
  const char* en;
  const char* id;
};
constexpr UiText kUiTexts[] = {
    // simpul-hub backup / restore (hub/cli_backup.cc).
    {"The hub was restored from a backup: this village gives back what it lost.",
     "Hub dipulihkan dari cadangan: desa ini mengembalikan yang hilang darinya."},
    {" decision(s) of the hub given back to it", " keputusan hub dikembalikan kepadanya"},
    {"encrypted backup of the hub while it serves (passphrase from SIMPUL_BACKUP_PASSPHRASE or stdin); --verify checks one",
     "cadangan terenkripsi hub selagi berjalan (kata sandi dari SIMPUL_BACKUP_PASSPHRASE atau masukan standar); --verify memeriksanya"},
    {"restore a backup into a stopped hub; villages give back what it lost",
     "pulihkan cadangan ke hub yang dihentikan; desa mengembalikan yang hilang darinya"},
    {"Backup verified: ", "Cadangan terperiksa: "},
    {"Backup written: ", "Cadangan ditulis: "},
    {" files, ", " berkas, "},
    {" bytes, encrypted", " bita, terenkripsi"},
    {"Keep the passphrase apart from the backup; check it with: simpul-hub backup --verify ",
     "Simpan kata sandi terpisah dari cadangan; periksa dengan: simpul-hub backup --verify "},
    {"Hub restored; new epoch ", "Hub dipulihkan; epoch baru "},
    {"  the replaced hub.db is kept in ", "  hub.db yang diganti disimpan di "},
    {"  the current hub key (newer than the backup) was kept", "  kunci hub sekarang (lebih baru dari cadangan) dipertahankan"},
    {"  villages give back what the hub lost at their next sync",
     "  desa mengembalikan yang hilang dari hub pada sinkronisasi berikutnya"},
    {"  letter numbers wait until every village has synced (no number is issued twice)",
     "  nomor surat menunggu sampai semua desa sudah sinkron (tidak ada nomor yang terbit dua kali)"},
    {"add or update an operator account (password from SIMPUL_NEW_PASSWORD or stdin)",
     "tambah atau ubah akun petugas (kata sandi dari SIMPUL_NEW_PASSWORD atau masukan standar)"},
    {"list operator accounts", "daftar akun petugas"},
    {"disable an operator account", "nonaktifkan akun petugas"},
    {"Add or update an operator account (password from SIMPUL_NEW_PASSWORD or typed)",
     "Tambah atau ubah akun petugas (kata sandi dari SIMPUL_NEW_PASSWORD atau diketik)"},
    {"List operator accounts", "Daftar akun petugas"},
    {"Disable an operator account", "Nonaktifkan akun petugas"},
    {"Account saved: ", "Akun disimpan: "},
    {"Office passphrase: ", "Kata sandi kantor: "},
    {"New office passphrase (at least 10 characters): ", "Kata sandi kantor baru (paling sedikit 10 karakter): "},
    {"Type it again: ", "Ketik sekali lagi: "},
    {"Unlocked until logout or power-off (or: simpul-node lock).",
     "Terbuka sampai keluar sesi atau komputer dimatikan (atau: simpul-node lock)."},
    {"Locked: the next command asks for the office passphrase.",
     "Terkunci: perintah berikutnya akan menanyakan kata sandi kantor."},
    {"Office passphrase changed; the data was not re-encrypted.",
     "Kata sandi kantor diganti; data tidak perlu dienkripsi ulang."},
    {"Unlock the encrypted store for this session (asks for the office passphrase)",
     "Buka penyimpanan terenkripsi untuk sesi ini (menanyakan kata sandi kantor)"},
    {"Forget this session's key: the next command asks for the passphrase",
     "Lupakan kunci sesi ini: perintah berikutnya menanyakan kata sandi"},
    {"Change the office passphrase (new one from SIMPUL_NEW_PASSPHRASE or typed)",
     "Ganti kata sandi kantor (yang baru dari SIMPUL_NEW_PASSPHRASE atau diketik)"},
    {"Account disabled: ", "Akun dinonaktifkan: "},
    {"Write the letter Dinsos issued for an application (PDF, to print)",
     "Tulis surat yang diterbitkan Dinsos untuk sebuah permohonan (PDF, untuk dicetak)"},
    {"Check a letter's QR code offline: valid, forged or revoked",
     "Periksa kode QR surat tanpa internet: sah, palsu, atau dicabut"},
    {"Letter", "Surat"},
    {"This letter was REVOKED by Dinsos: ", "Surat ini DICABUT oleh Dinsos: "},
    {"VALID: signed by Dinsos", "SAH: ditandatangani Dinsos"},
    {"REVOKED: genuine, but Dinsos revoked it", "DICABUT: asli, tetapi telah dicabut Dinsos"},
    {"FORGED: not signed by the Dinsos this office trusts", "PALSU: tidak ditandatangani Dinsos yang dipercaya kantor ini"},
    {"Password: ", "Kata sandi: "},
    {"New password: ", "Kata sandi baru: "},
    {"the audit log (hub and villages); --verify checks its chains against their signed heads",
     "log audit (hub dan desa); --verify memeriksa rantainya terhadap kepala rantai yang ditandatangani"},
    {"write a document a village sent, checked against its hash (the read is audited)",
     "tulis dokumen kiriman desa, diperiksa terhadap hash-nya (pembacaan dicatat di log audit)"},
    {"Documents:", "Dokumen:"},
    {"(no documents)", "(tidak ada dokumen)"},
    {"received", "sudah diterima"},
    {"not yet received", "belum diterima"},
    {"Document written: ", "Dokumen ditulis: "},
    {"Audit log intact: every chain verifies.", "Log audit utuh: semua rantai cocok."},
    {"apply a village's bundle and write its reply bundle", "terapkan berkas sinkronisasi desa dan tulis berkas balasannya"},
    {"Bundle imported from node ", "Berkas diterapkan dari node "},
    {" changes applied, ", " perubahan diterapkan, "},
    {" refused; the reply carries ", " ditolak; balasan membawa "},
    {" changes: ", " perubahan: "},
    {"Write everything the hub has not received into a file (USB stick, chat)",
     "Tulis semua yang belum diterima hub ke sebuah berkas (flashdisk, lampiran chat)"},
    {"Apply the reply bundle Dinsos made from our bundle", "Terapkan berkas balasan dari Dinsos atas berkas kita"},
    {"Bundle written: ", "Berkas sinkronisasi ditulis: "},
    {" changes, ", " perubahan, "},
    {" documents, ", " dokumen, "},
    {"Take it to Dinsos; import the reply bundle with: simpul-node bundle import FILE",
     "Bawa ke Dinsos; terapkan berkas balasannya dengan: simpul-node bundle import BERKAS"},
    {"More remains: export another bundle after importing the reply.",
     "Masih ada sisa: buat berkas lagi setelah balasannya diterapkan."},
    {"records", "data"},
    {"documents", "dokumen"},
    {"left", "lagi"},
    {"Documents: ", "Dokumen: "},
    {" sent, ", " terkirim, "},
    {" still pending", " masih menunggu"},
    {" refused by the hub", " ditolak hub"},
    {R"(simpul-hub: the district (Dinsos) hub of Simpul.

Usage: simpul-hub [--data DIR] [--json] [--lang id|en] COMMAND ...
  --data DIR   hub data directory (default: $SIMPUL_HUB_DATA, else /var/lib/simpul-hub)
Exit codes (the same as simpul-node's): 0 ok, 1 internal error, 2 bad input or refused,
3 store unusable, 4 busy or unreachable, 5 I/O error, 6 refused for lack of trust (unknown
or forged peer, versions differ), 7 not signed in or the role does not allow it.
Accounts: once the hub has operator accounts, commands need --user NAME (or $SIMPUL_USER)
and $SIMPUL_PASSWORD (or the password on standard input).

Commands:
)",
     R"(simpul-hub: hub kabupaten (Dinsos) untuk Simpul.

Pemakaian: simpul-hub [--data FOLDER] [--json] [--lang id|en] PERINTAH ...
  --data FOLDER  folder data hub (bawaan: $SIMPUL_HUB_DATA, atau /var/lib/simpul-hub)
Kode keluar (sama dengan simpul-node): 0 berhasil, 1 galat internal, 2 masukan salah atau
ditolak, 3 penyimpanan tidak bisa dipakai, 4 sibuk atau tidak terjangkau, 5 galat berkas,
6 ditolak karena tidak tepercaya (pihak tidak dikenal atau dipalsukan, versi berbeda), 7 belum
masuk atau peran tidak boleh.
Akun: bila hub sudah punya akun petugas, perintah perlu --user NAMA (atau $SIMPUL_USER)
dan $SIMPUL_PASSWORD (atau kata sandi di masukan standar).

Perintah:
)"},
    {"create the hub store and its signing key",
     "buat penyimpanan hub dan kunci tanda tangannya"},
    {"run the sync server (stops on SIGTERM)",
     "jalankan server sinkronisasi (berhenti dengan SIGTERM)"},
    {"print a one-time enrolment code for a village",
     "cetak kode pendaftaran sekali pakai untuk satu desa"},
    {"replace the hub's signing key; villages follow at their next sync",
     "ganti kunci tanda tangan hub; desa mengikuti pada sinkronisasi berikutnya"},
    {"the hub's current and retired keys, and the nodes using each",
     "kunci hub yang berlaku dan yang sudah diganti, serta node yang memakai masing-masing"},
    {"Hub key rotated: ", "Kunci hub diganti: "},
    {"erase a resident's personal data everywhere (their request); replicates",
     "hapus data pribadi warga di semua tempat (atas permintaannya); ikut tersinkron"},
    {"erase a household's and its members' personal data; replicates",
     "hapus data pribadi keluarga dan anggotanya; ikut tersinkron"},
    {"the retention rule: purge persons with no activity for N days",
     "aturan retensi: hapus data orang tanpa kegiatan selama N hari"},
    {"Purged; the villages' laptops erase it at their next sync: ",
     "Dihapus; laptop desa menghapusnya pada sinkronisasi berikutnya: "},
    {" rows", " baris"},
    {" person(s) would be purged (dry run)", " orang akan dihapus (uji coba)"},
    {" person(s) purged", " orang dihapus"},
    {"Villages learn the new key at their next sync; no re-enrolment. Back up hub.key and retired-keys/ offline.",
     "Desa menerima kunci baru pada sinkronisasi berikutnya; tidak perlu daftar ulang. Cadangkan hub.key dan retired-keys/ secara offline."},
    {" node(s) sealing to it", " node memakainya"},
    {"list enrolled nodes",
     "daftar node yang terdaftar"},
    {"revoke a node (lost laptop); refused at its next sync",
     "cabut node (laptop hilang); ditolak pada sinkronisasi berikutnya"},
    {"the queue of applications",
     "antrean permohonan"},
    {"an application with its history and conflicts",
     "permohonan beserta riwayat dan konfliknya"},
    {"return to the village for completion",
     "kembalikan ke desa untuk dilengkapi"},
    {"approve",
     "setujui"},
    {"reject",
     "tolak"},
    {"record the field visit (verifier)",
     "catat kunjungan lapangan (verifikator)"},
    {"record the kecamatan recommendation (verifier)",
     "catat rekomendasi kecamatan (verifikator)"},
    {"issue the numbered letter of an approved application",
     "terbitkan surat bernomor untuk permohonan yang disetujui"},
    {"hub-side edits",
     "ubahan oleh hub"},
    {"open conflicts (with --all: resolved too)",
     "konflik terbuka (dengan --all: yang selesai juga)"},
    {"resolve a conflict; replicates",
     "selesaikan konflik; ikut tersinkron"},
    {"move a row (and dependents) to another village; a person joins --household there, or takes their household along if no one stays in it",
     "pindahkan baris (dan turunannya) ke desa lain; orang bergabung ke --household di sana, atau membawa keluarganya bila tidak ada anggota yang tinggal"},
    {"Village store created in ",
     "Penyimpanan desa disiapkan di "},
    {"Village: ",
     "Desa/kelurahan: "},
    {"District: ",
     "Kecamatan: "},
    {"Regency/city: ",
     "Kabupaten/kota: "},
    {"Node id: ",
     "Id node: "},
    {"Village ",
     "Desa "},
    {" recorded: ",
     " dicatat: "},
    {": ",
     ": "},
    {" field(s) changed\n",
     " isian diubah\n"},
    {"(none)\n",
     "(kosong)\n"},
    {"Application ",
     "Permohonan "},
    {"  ATTENTION: both a withdrawal and an approval are recorded; a person must decide.\n",
     "  PERHATIAN: penarikan dan persetujuan sama-sama tercatat; perlu keputusan petugas.\n"},
    {"applicant",
     "pemohon"},
    {"status",
     "status"},
    {"outside this village's records or rights",
     "di luar data atau wewenang desa ini"},
    {"the change is not valid",
     "perubahan tidak sah"},
    {"not allowed in the record's current state",
     "tidak diizinkan pada keadaan data sekarang"},
    {"already recorded",
     "sudah tercatat"},
    {"hub: ",
     "hub: "},
    {"  History:\n",
     "  Riwayat:\n"},
    {"  Documents:\n",
     "  Dokumen:\n"},
    {"present",
     "ada"},
    {"pending (not received yet)",
     "menunggu (belum diterima)"},
    {"Application submitted; it goes to Dinsos at the next sync: ",
     "Permohonan diajukan; akan dikirim ke Dinsos pada sinkronisasi berikutnya: "},
    {"Application withdrawn: ",
     "Permohonan ditarik: "},
    {"Poverty score: ",
     "Skor kemiskinan: "},
    {" indicators answered",
     " indikator dijawab"},
    {"  The score is advisory; a person decides.\n",
     "  Skor hanya saran; keputusan tetap oleh petugas.\n"},
    {"Document attached: ",
     "Dokumen dilampirkan: "},
    {" (default)",
     " (bawaan)"},
    {" indicators\n",
     " indikator\n"},
    {"\nExample: simpul-node application answer ID ",
     "\nContoh: simpul-node application answer ID "},
    {"Indicator set loaded.\n",
     "Set indikator dimuat.\n"},
    {"  (new)",
     "  (baru)"},
    {" change(s) in the outbox\n",
     " perubahan di kotak keluar\n"},
    {"Recap written: ",
     "Rekap ditulis: "},
    {" applications)\n",
     " permohonan)\n"},
    {"Node enrolled at hub ",
     "Node terdaftar di hub "},
    {"Hub key fingerprint: ",
     "Sidik jari kunci hub: "},
    {"  (compare with the one the Dinsos operator showed)\n",
     "  (cocokkan dengan yang ditunjukkan petugas Dinsos)\n"},
    {"Sync done: ",
     "Sinkronisasi selesai: "},
    {" changes sent",
     " perubahan terkirim"},
    {" refused by the hub (see: simpul-node refusals)",
     " ditolak hub (lihat: simpul-node refusals)"},
    {" settled: the record moved to another village (see: simpul-node refusals)",
     " selesai: datanya dipindahkan ke desa lain (lihat: simpul-node refusals)"},
    {" received",
     " diterima"},
    {" conflict(s) (see: simpul-node conflicts)",
     " konflik (lihat: simpul-node conflicts)"},
    {" up, ",
     " dikirim, "},
    {" down, ",
     " diterima, "},
    {" round trip(s), ",
     " kali bolak-balik, "},
    {"Village and hub data verified equal.",
     "Data desa dan hub terbukti sama."},
    {"Data not yet verified equal; sync again later.",
     "Data belum terverifikasi sama; sinkronkan lagi nanti."},
    {"kept:   ",
     "berlaku: "},
    {"lost:   ",
     "kalah:   "},
    {"No open conflicts.\n",
     "Tidak ada konflik terbuka.\n"},
    {"Conflict resolved; the decision goes out at the next sync: ",
     "Konflik diselesaikan; keputusan dikirim pada sinkronisasi berikutnya: "},
    {"Options:",
     "Opsi:"},
    {"(*) required when creating\n",
     "(*) wajib saat membuat baru\n"},
    {"Hub created in ",
     "Hub disiapkan di "},
    {"Back up hub.key offline.",
     "Simpan cadangan hub.key secara offline."},
    {"One-time enrolment code for village ",
     "Kode pendaftaran (sekali pakai) untuk desa "},
    {"On the village laptop: simpul-node enrol --hub http://HUB-ADDRESS:8470 --code ",
     "Di laptop desa: simpul-node enrol --hub http://ALAMAT-HUB:8470 --code "},
    {"Node revoked; refused at its next contact: ",
     "Node dicabut; ditolak pada kontak berikutnya: "},
    {"event ",
     "peristiwa "},
    {"CONFLICT ",
     "KONFLIK "},
    {" (goes to the village at its next sync)\n",
     " (dikirim ke desa pada sinkronisasi berikutnya)\n"},
    {"Letter issued, number ",
     "Surat terbit, nomor "},
    {"Application changed: ",
     "Permohonan diubah: "},
    {"village ",
     "desa "},
    {"Conflict resolved: ",
     "Konflik diselesaikan: "},
    {"Moved to ",
     "Dipindahkan ke "},
    {" row(s)\n",
     " baris\n"},
    {"Warning: ",
     "Peringatan: "},
    {"Error: ",
     "Gagal: "},
    {"Create the village store (Kemendagri code, e.g. 35.10.01.2001)",
     "Siapkan penyimpanan desa (kode Kemendagri, mis. 35.10.01.2001)"},
    {"Summary of the store and outbox",
     "Ringkasan penyimpanan dan kotak keluar"},
    {"Register a household",
     "Catat keluarga baru"},
    {"Change a household",
     "Ubah data keluarga"},
    {"Show a household",
     "Tampilkan keluarga"},
    {"List households",
     "Daftar keluarga"},
    {"Register a person",
     "Catat anggota keluarga"},
    {"Change a person",
     "Ubah data orang"},
    {"Show a person",
     "Tampilkan orang"},
    {"List persons",
     "Daftar orang"},
    {"Open a new application (draft)",
     "Buka permohonan baru (draf)"},
    {"Change an application (draft/returned)",
     "Ubah permohonan (draf/dikembalikan)"},
    {"Show an application, its status, history and documents",
     "Tampilkan permohonan, status, riwayat dan dokumen"},
    {"List applications",
     "Daftar permohonan"},
    {"Answer poverty indicators; shows the score",
     "Jawab indikator kemiskinan; skor ditampilkan"},
    {"Attach a document (kk, ktp, sktm, referral, photo, other; at most 20 MiB)",
     "Lampirkan dokumen (kk, ktp, sktm, referral, photo, other; paling besar 20 MiB)"},
    {"Submit the application to Dinsos",
     "Ajukan permohonan ke Dinsos"},
    {"Withdraw the application",
     "Tarik permohonan"},
    {"Record a complaint (B'DESUT)",
     "Catat pengaduan (B'DESUT)"},
    {"Change a complaint",
     "Ubah pengaduan"},
    {"Show a complaint",
     "Tampilkan pengaduan"},
    {"List complaints",
     "Daftar pengaduan"},
    {"List poverty-indicator sets",
     "Daftar set indikator kemiskinan"},
    {"Show the indicators and their answers",
     "Tampilkan indikator dan pilihan jawaban"},
    {"Load a new indicator set or version",
     "Muat set/versi indikator baru"},
    {"Show the changes waiting to sync",
     "Tampilkan perubahan yang menunggu sinkronisasi"},
    {"Enrol this node at the Dinsos hub (one-time code from the hub operator)",
     "Daftarkan node ke hub Dinsos (kode sekali pakai dari petugas)"},
    {"Sync now: send the outbox, receive decisions",
     "Sinkronkan sekarang: kirim kotak keluar, terima keputusan"},
    {"Unattended sync (nightly window, retries when the link is down)",
     "Sinkronisasi otomatis (jadwal malam, coba lagi bila putus)"},
    {"Conflicts a person must decide",
     "Konflik yang perlu diputuskan petugas"},
    {"Resolve a conflict (the decision replicates)",
     "Selesaikan konflik (keputusan ikut tersinkron)"},
    {"Export the village's application recap (CSV)",
     "Ekspor rekap permohonan desa (CSV)"},
    {"draft",
     "draf"},
    {"submitted",
     "diajukan"},
    {"returned for completion",
     "dikembalikan untuk dilengkapi"},
    {"under review",
     "sedang diverifikasi"},
    {"approved",
     "disetujui"},
    {"rejected",
     "ditolak"},
    {"letter issued",
     "surat terbit"},
    {"withdrawn",
     "ditarik"},
    {"Households",
     "Keluarga"},
    {"Persons",
     "Orang"},
    {"Applications",
     "Permohonan"},
    {"Complaints",
     "Pengaduan"},
    {"Waiting to sync",
     "Menunggu sinkronisasi"},
    {"Refused by the hub",
     "Ditolak hub"},
    {"Refusals settled (moved away)",
     "Penolakan selesai (pindah desa)"},
    {"Show the changes the hub refused, with the reason (settled ones too)",
     "Tampilkan perubahan yang ditolak hub beserta alasannya (termasuk yang sudah selesai)"},
    {"settled",
     "selesai"},
    {"refused",
     "ditolak"},
    {R"(simpul-node: the village office's tool for social-welfare applications.
Works fully offline; changes wait in the outbox until the next sync.

Usage: simpul-node [--data DIR] [--lang id|en] [--json] COMMAND [ARGS] [--help]

Global options:
  --data DIR    data directory (default: $SIMPUL_DATA, else ~/.local/share/simpul-node)
  --user NAME   operator account (default: $SIMPUL_USER)
  --lang id|en  language of messages (default: from LANG / LC_MESSAGES)
  --json        machine-readable output
  --help        help for any command

Exit codes: 0 ok, 1 internal error, 2 bad input, 3 data directory unusable,
4 temporarily unavailable (store busy, hub unreachable: try again), 5 file could not be
read or written, 6 refused by the hub (not enrolled, revoked, or upgrade needed), 7 the store
is locked (wrong or missing office passphrase), not signed in, or the role does not allow the
command.

Encryption: the store is encrypted under the office passphrase chosen at init. Each command
takes it from $SIMPUL_PASSPHRASE, else from `simpul-node unlock` (once per session), else asks.
Accounts: once a store has operator accounts (simpul-node user add), every command needs
--user NAME (or $SIMPUL_USER) and the password ($SIMPUL_PASSWORD, or typed when asked).

Commands:
)",
     R"(simpul-node: alat kantor desa untuk permohonan layanan kesejahteraan sosial.
Bekerja penuh tanpa internet; perubahan menunggu di kotak keluar sampai sinkronisasi berikutnya.

Pemakaian: simpul-node [--data FOLDER] [--lang id|en] [--json] PERINTAH [ARGUMEN] [--help]

Opsi umum:
  --data FOLDER folder data (bawaan: $SIMPUL_DATA, atau ~/.local/share/simpul-node)
  --user NAMA   akun petugas (bawaan: $SIMPUL_USER)
  --lang id|en  bahasa pesan (bawaan: dari LANG / LC_MESSAGES)
  --json        keluaran untuk program lain
  --help        bantuan untuk setiap perintah

Kode keluar: 0 berhasil, 1 galat internal, 2 masukan salah, 3 folder data tidak bisa dipakai,
4 sementara tidak bisa (penyimpanan sedang dipakai, hub tidak terjangkau: coba lagi),
5 berkas tidak bisa dibaca atau ditulis, 6 ditolak hub (belum terdaftar, dicabut, atau perlu
pembaruan), 7 data terkunci (kata sandi kantor salah atau tidak ada), belum masuk, atau peran
tidak boleh menjalankan perintah itu.

Enkripsi: data dienkripsi dengan kata sandi kantor yang dipilih saat init. Setiap perintah
mengambilnya dari $SIMPUL_PASSPHRASE, atau dari `simpul-node unlock` (sekali per sesi), atau
menanyakannya.
Akun: bila penyimpanan sudah punya akun petugas (simpul-node user add), setiap perintah perlu
--user NAMA (atau $SIMPUL_USER) dan kata sandinya ($SIMPUL_PASSWORD, atau diketik saat diminta).

Perintah:
)"},
    {"No. KK, 16 digits",
     "Nomor KK, 16 angka"},
    {"street address",
     "alamat"},
    {"RT number",
     "nomor RT"},
    {"RW number",
     "nomor RW"},
    {"date of the KK, YYYY-MM-DD",
     "tanggal KK, TTTT-BB-HH"},
    {"person id of the household head",
     "id orang kepala keluarga"},
    {"household id",
     "id keluarga"},
    {"full name as on the KTP",
     "nama lengkap sesuai KTP"},
    {"NIK, 16 digits",
     "NIK, 16 angka"},
    {"place of birth",
     "tempat lahir"},
    {"date of birth, YYYY-MM-DD",
     "tanggal lahir, TTTT-BB-HH"},
    {"L (male) or P (female)",
     "L (laki-laki) atau P (perempuan)"},
    {"relation to head, 1-11 (1 = head, 3 = wife, 4 = child ...)",
     "hubungan dengan kepala keluarga, 1-11 (1 = kepala, 3 = istri, 4 = anak ...)"},
    {"disability, in words",
     "disabilitas, dalam kata-kata"},
    {"phone/WhatsApp number",
     "nomor telepon/WhatsApp"},
    {"pbi_jkn, pbi_apbd, poverty_statement, recommendation, disability_registration, assistive_device",
     "jenis permohonan (lihat --help)"},
    {"person id of the applicant",
     "id orang pemohon"},
    {"household id (default: the applicant's)",
     "id keluarga (bawaan: keluarga pemohon)"},
    {"for recommendation letters: pbi_reactivation, hospital_bill, education, dtks_statement, other",
     "untuk surat rekomendasi: jenis layanan"},
    {"purpose of the letter or request",
     "keperluan"},
    {"assistive device asked for",
     "alat bantu yang diminta"},
    {"DTKS/DTSEN status as recorded: registered, not_registered, unknown",
     "status DTKS/DTSEN: registered, not_registered, unknown"},
    {"DTSEN desil 1-10 as recorded",
     "desil DTSEN 1-10"},
    {"notes",
     "catatan"},
    {"health, education, housing, social_aid, kis_card, pkh_card, bpnt_card, adminduk, disability, other",
     "kategori pengaduan"},
    {"what happened, in words",
     "uraian pengaduan"},
    {"emergency, high, normal (default), low",
     "emergency, high, normal (bawaan), low"},
    {"person id of the complainant",
     "id orang pengadu"},
    {"agency the case is referred to",
     "instansi rujukan"},
    {"Household",
     "Keluarga"},
    {"Person",
     "Orang"},
    {"Application",
     "Permohonan"},
    {"Complaint",
     "Pengaduan"},
    // Times people read (issue 11 item 2: hub/cli_times.cc, hub/cli_reports.cc, node/cli_times.cc).
    {"received by Dinsos: ", "diterima Dinsos: "},
    {"received by the village: ", "diterima desa: "},
    {"received here: ", "diterima di sini: "},
    {"enrolled ", "terdaftar "},
    {"last contact: ", "kontak terakhir: "},
    {"never", "belum pernah"},
    {"median and p90 time from submission to letter, and SLA compliance per stage",
     "median dan p90 waktu dari pengajuan sampai surat, dan kepatuhan SLA per tahap"},
    {"submitted -> received at Dinsos", "diajukan -> diterima Dinsos"},
    {"received -> decided", "diterima -> diputuskan"},
    {"decided -> letter issued", "diputuskan -> surat terbit"},
    {"letter issued -> in the village", "surat terbit -> sampai di desa"},
    {"submitted -> letter issued", "diajukan -> surat terbit"},
    {"submitted -> letter in the village", "diajukan -> surat sampai di desa"},
    {" application(s)", " permohonan"},
    {"not measured yet", "belum terukur"},
    {"median ", "median "},
    {" left out: a clock was wrong", " tidak dihitung: jam komputer salah"},
    {"hub clock", "jam hub"},
    {"village and hub clocks", "jam desa dan jam hub"},
    {" h): ", " jam): "},
    {" within", " tepat waktu"},
    {"All", "Semua"},
    {"No application has reached Dinsos in this period.\n", "Belum ada permohonan yang sampai di Dinsos pada periode ini.\n"},
};

}  // namespace

const char* Tr(Lang lang, const char* english) {
  if (lang != Lang::kId) return english;
  static const std::unordered_map<std::string_view, const char*> kIndex = [] {
    std::unordered_map<std::string_view, const char*> m;
    for (const auto& t : kUiTexts) m.emplace(t.en, t.id);
    return m;
  }();
  auto it = kIndex.find(english);
  return it == kIndex.end() ? english : it->second;
}

std::vector<const char*> CatalogueKeys() {
  std::vector<const char*> keys;
  for (const auto& t : kUiTexts) keys.push_back(t.en);
  return keys;
}

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
