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
    {MsgId::kStageUnknown, "Layanan {0} tidak punya tahap '{1}' (tahapnya: {2}).",
     "Service {0} has no stage '{1}' (its stages: {2})."},
    {MsgId::kStageNotUnderReview, "Tahap dicatat hanya selama permohonan diperiksa (statusnya '{0}').",
     "A stage is recorded only while the application is under review (it is '{0}')."},
    {MsgId::kStageOtherSide, "Tahap '{0}' dicatat oleh {1}.", "Stage '{0}' is recorded by {1}."},
    {MsgId::kStageAlreadyDone, "Tahap '{0}' sudah dicatat.", "Stage '{0}' is already recorded."},
    {MsgId::kStageOutOfOrder, "Tahap '{0}' ({1}) harus dicatat sebelum '{2}'.",
     "Stage '{0}' ({1}) comes before '{2}'."},
    {MsgId::kDecisionSkipsStage,
     "Keputusan belum bisa dicatat: tahap '{0}' ({1}) belum dilalui. Catat dulu: application stage {2} {0}",
     "The decision cannot be recorded yet: stage '{0}' ({1}) has not been passed. Record it first: "
     "application stage {2} {0}"},
    {MsgId::kSubmitMissingDocuments, "Belum bisa diajukan: dokumen wajib belum dilampirkan: {0}.",
     "Cannot submit yet: required documents not attached: {0}."},
    {MsgId::kCaseClosed, "Kasus {0} sudah ditutup: '{1}' tidak dicatat. Tidak ada yang ditulis.",
     "Case {0} is already closed: '{1}' was not recorded. Nothing was written."},
    {MsgId::kCaseStepNotAllowed,
     "status: tidak bisa mencatat '{0}' pada kasus {1} yang berstatus '{2}'. Yang bisa sekarang: {3}. Tidak ada yang ditulis.",
     "status: cannot record '{0}' on case {1}, whose status is '{2}'. Allowed now: {3}. Nothing was written."},
    // The web application (web/, hub/api/).
    {MsgId::kDecisionStale,
     "Permohonan ini sudah berubah sejak Anda membukanya (sekarang berstatus '{0}'). Tidak ada yang dicatat; "
     "periksa riwayatnya lalu putuskan lagi.",
     "This application changed since you opened it (it is now '{0}'). Nothing was recorded; read its history and "
     "decide again."},
    {MsgId::kWebSignInRequired, "Silakan masuk (sesi Anda berakhir atau Anda belum masuk).",
     "Please sign in (your session ended, or you have not signed in)."},
    {MsgId::kWebCsrfRefused,
     "Permintaan ditolak: token keamanan halaman tidak ada atau salah. Tidak ada yang diubah; muat ulang halaman.",
     "Request refused: the page's security token is missing or wrong. Nothing was changed; reload the page."},
    {MsgId::kWebSignInThrottled, "Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam {0} detik.",
     "Too many failed sign-ins. Try again in {0} seconds."},
    {MsgId::kWebRoleForbids, "Peran '{0}' tidak boleh melakukan ini. Tidak ada yang diubah.",
     "The role '{0}' may not do this. Nothing was changed."},
    {MsgId::kWebNotFound, "Halaman atau data ini tidak ada.", "This page or record does not exist."},
    {MsgId::kWebMethodNotAllowed, "Cara permintaan ini tidak diterima di alamat ini.",
     "This request method is not accepted at this address."},
    {MsgId::kWebJsonRequired, "Isi permintaan harus JSON (Content-Type: application/json).",
     "The request body must be JSON (Content-Type: application/json)."},
    {MsgId::kWebActionUnknown, "Tindakan '{0}' tidak dikenal.", "Unknown action '{0}'."},
    {MsgId::kWebDocumentMissing, "Dokumen ini belum diterima utuh oleh hub; desa mengirimnya pada sinkronisasi berikutnya.",
     "The hub has not received this document whole yet; the village sends it at its next sync."},
    // The village web app (node/api/, node/sync_run.h).
    {MsgId::kSyncAlreadyRunning, "Sinkronisasi lain untuk data desa ini sedang berjalan. Tunggu sampai selesai.",
     "Another sync of this village's data is running. Wait until it ends."},
    {MsgId::kSyncNotEnrolled,
     "Node ini belum didaftarkan (not enrolled) ke hub Dinsos: administrator menjalankan simpul-node enrol --hub URL "
     "--code KODE (kode dari petugas Dinsos).",
     "This node is not enrolled at a Dinsos hub yet: an administrator runs simpul-node enrol --hub URL --code CODE "
     "(the code comes from the Dinsos operator)."},
    {MsgId::kSyncHubUnreachable,
     "Hub Dinsos tidak dapat dihubungi (tidak ada sambungan, atau hub sedang berhenti). Tidak ada yang hilang: {0} "
     "perubahan menunggu di kotak keluar dan terkirim pada sinkronisasi berikutnya.",
     "The Dinsos hub could not be reached (no connection, or the hub is stopped). Nothing is lost: {0} change(s) "
     "wait in the outbox and go at the next sync."},
    {MsgId::kSyncDoneSummary,
     "Sinkronisasi berhasil: {0} perubahan terkirim, {1} diterima dari Dinsos, {2} ditolak hub, {3} konflik.",
     "Sync done: {0} change(s) sent, {1} received from Dinsos, {2} refused by the hub, {3} conflict(s)."},
    {MsgId::kWebStoreLocked, "Data desa terkunci. Buka dengan kata sandi kantor.",
     "The village data is locked. Unlock it with the office passphrase."},
    {MsgId::kWebWrongPassphrase, "Kata sandi kantor salah. Tidak ada yang berubah; percobaan ini dicatat.",
     "Wrong office passphrase. Nothing was changed; this attempt is recorded."},
    {MsgId::kWebNoAccounts,
     "Data desa ini belum punya akun petugas. Administrator membuatnya dulu dengan: simpul-node user add NAMA "
     "--role administrator (lalu akun village_operator).",
     "This village store has no operator accounts yet. An administrator first creates one with: simpul-node user "
     "add NAME --role administrator (then village_operator accounts)."},
    {MsgId::kWebMemberError, "Anggota ke-{0}: {1}", "Member {0}: {1}"},
    {MsgId::kWebHostRefused,
     "Alamat '{0}' tidak dilayani: buka aplikasi desa di http://127.0.0.1 (alamat yang dicetak simpul-node ui).",
     "The address '{0}' is not served: open the village app at http://127.0.0.1 (the address simpul-node ui "
     "printed)."},
    {MsgId::kWebLetterNotArrived, "PDF surat {0} belum tiba: datang pada sinkronisasi berikutnya.",
     "The PDF of letter {0} has not arrived yet: it comes with the next sync."},
    {MsgId::kCsvEncoding,
     "Berkas bukan teks UTF-8 maupun Windows-1252 (baris {0}, bita {1}). Di Excel simpan sebagai \"CSV UTF-8\".",
     "The file is neither UTF-8 nor Windows-1252 text (line {0}, byte {1}). In Excel, save it as \"CSV UTF-8\"."},
    {MsgId::kCsvUnterminatedQuote, "Baris {0}: tanda petik (\") dibuka tetapi tidak pernah ditutup.",
     "Line {0}: a quote (\") is opened and never closed."},
    {MsgId::kCsvAfterQuote, "Baris {0}: ada teks setelah tanda petik penutup; sel bertanda petik harus diakhiri pemisah.",
     "Line {0}: text follows a closing quote; a quoted cell must end at the separator."},
    {MsgId::kCsvFieldTooLong, "Baris {0}: satu sel lebih dari {1} bita.", "Line {0}: a cell is longer than {1} bytes."},
    {MsgId::kCsvTooManyFields, "Baris {0}: lebih dari {1} kolom.", "Line {0}: more than {1} columns."},
    {MsgId::kDtksNikExcel,
     "NIK '{0}' telah diubah Excel menjadi angka (angka terakhirnya hilang). Format kolom NIK sebagai Teks lalu ekspor ulang.",
     "NIK '{0}' was turned into a number by Excel (its last digits are lost). Format the NIK column as Text and export again."},
    {MsgId::kDtksDesil, "Desil '{0}' harus angka 1 sampai 10 (atau kosong).", "Desil '{0}' must be a number from 1 to 10 (or empty)."},
    {MsgId::kDtksPbiStatus, "Status PBI '{0}' tidak dikenal; pilihan: aktif, nonaktif, tidak_terdaftar.",
     "PBI status '{0}' is not known; choose one of: aktif (active), nonaktif (inactive), tidak_terdaftar (not registered)."},
    {MsgId::kDtksDateFormat, "{0}: '{1}' harus berbentuk TTTT-BB-HH atau HH/BB/TTTT.",
     "{0}: '{1}' must look like YYYY-MM-DD or DD/MM/YYYY."},
    {MsgId::kSheetNoHeader, "Berkas kosong: baris pertama harus berisi nama kolom.",
     "The file is empty: its first line must name the columns."},
    {MsgId::kSheetColumnTwice, "Kolom '{0}' dan '{1}' berarti hal yang sama; hapus salah satunya.",
     "Columns '{0}' and '{1}' mean the same thing; remove one of them."},
    {MsgId::kDtksColumnMissing,
     "Kolom '{0}' tidak ada di baris judul. Kolom wajib: nik, nama, kode_desa, desil, status_pbi, tanggal_snapshot.",
     "Column '{0}' is missing from the header line. Required: nik, nama, kode_desa, desil, status_pbi, tanggal_snapshot."},
    {MsgId::kSheetDuplicateNik, "NIK {0} sudah ada di baris {1}; satu NIK satu baris.",
     "NIK {0} is already on line {1}; one line per NIK."},
    {MsgId::kSheetLineError, "Baris {0}, kolom {1}: {2}", "Line {0}, column {1}: {2}"},
    {MsgId::kSheetFileRefused, "{0} masalah di berkas; tidak ada yang diimpor. Perbaiki lalu impor ulang seluruh berkas.",
     "{0} problem(s) in the file; nothing was imported. Fix them and import the whole file again."},
    {MsgId::kDtksNoSnapshot, "DTKS: belum ada data DTKS yang diterima.", "DTKS: no DTKS snapshot received yet."},
    {MsgId::kDtksNotListed, "DTKS: tidak terdaftar di DTKS (data per {0}).", "DTKS: not in DTKS (snapshot of {0})."},
    {MsgId::kDtksListed, "{0}: desil {1}, PBI {2} (data per {3}).", "{0}: desil {1}, PBI {2} (snapshot of {3})."},
    {MsgId::kPbiActive, "aktif", "active"},
    {MsgId::kPbiInactive, "nonaktif", "inactive"},
    {MsgId::kPbiNotRegistered, "tidak terdaftar", "not registered"},
    {MsgId::kDuplicateNik,
     "Perhatian: NIK {0} juga tercatat untuk {2} ({1}) di desa {3}, keluarga {4}. Periksa; data tidak digabung otomatis.",
     "Attention: NIK {0} is also recorded for {2} ({1}) in village {3}, household {4}. Check it; records are never merged automatically."},
    {MsgId::kBenefitHeld,
     "NIK {0} sudah memegang {1} yang disetujui (permohonan {2}, desa {3}, status {4}). Setujui hanya dengan "
     "--override-reason ALASAN (tercatat di audit).",
     "NIK {0} already holds an approved {1} (application {2}, village {3}, status {4}). Approve only with "
     "--override-reason TEXT (recorded in the audit log)."},
    {MsgId::kCaseStale,
     "Kasus {0} berubah sejak Anda membukanya (statusnya sekarang '{1}'). Tidak ada yang dicatat; baca riwayatnya lalu "
     "ulangi.",
     "Case {0} changed since you opened it (its status is now '{1}'). Nothing was recorded; read its history and "
     "try again."},
    {MsgId::kExportPurposeRequired,
     "Tuliskan tujuan ekspor ini (misalnya 'rekap bulanan untuk Kepala Dinas'); tujuan dicatat di log audit.",
     "State the purpose of this export (e.g. 'monthly recap for the head of office'); it is recorded in the audit log."},
    {MsgId::kConflictAlreadyResolved,
     "Konflik ini sudah diselesaikan sementara itu ({0}), mungkin di tab atau oleh petugas lain. Tidak ada yang "
     "ditulis; muat ulang daftarnya.",
     "This conflict was already resolved meanwhile ({0}), perhaps in another tab or by another operator. Nothing "
     "was written; reload the list."},
    {MsgId::kConflictChangedMeanwhile,
     "Nilai ini berubah sementara itu (sekarang '{0}'). Tidak ada yang ditulis; baca kedua nilai lagi lalu pilih.",
     "This value changed meanwhile (it is now '{0}'). Nothing was written; read both values again and choose."},
    {MsgId::kWebBundleTooLarge,
     "Berkas ini {0} MB; berkas balasan yang dibaca di sini paling besar {1} MB. Tidak ada yang diterapkan. Bacalah "
     "dengan simpul-node bundle import BERKAS.",
     "This file is {0} MB; a reply bundle read here can be at most {1} MB. Nothing was applied. Read it with "
     "simpul-node bundle import FILE."},
    {MsgId::kWebBundleRead,
     "Berkas balasan dibaca: {0} perubahan diterima Dinsos, {1} perubahan dari Dinsos diterapkan, {2} ditolak, {3} "
     "konflik.",
     "Reply bundle read: {0} change(s) acknowledged by Dinsos, {1} change(s) from Dinsos applied, {2} refused, {3} "
     "conflict(s)."},
    {MsgId::kSheetColumnMissing, "Kolom '{0}' tidak ada di baris judul. Kolom wajib: {1}.",
     "Column '{0}' is missing from the header line. Required: {1}."},
    {MsgId::kImportHouseholdDiffers,
     "No. KK {0} sudah tertulis dengan alamat lain di baris {1}; satu KK satu alamat.",
     "No. KK {0} is given with another address on line {1}; one address per KK."},
    {MsgId::kImportNikRegistered,
     "NIK {0} sudah terdaftar di desa ini atas nama {1}; baris ini tidak diimpor dua kali.",
     "NIK {0} is already registered in this village as {1}; the line is not imported twice."},
    {MsgId::kImportSecondHead, "No. KK {0} sudah punya kepala keluarga; hanya satu baris per KK boleh berhubungan 1.",
     "No. KK {0} already has a head of household; only one line per KK may have relation 1."},
    {MsgId::kImportDone,
     "{0} baris dibaca: {1} KK baru, {2} warga dan {3} permohonan (draf) diimpor; {4} KK yang sudah ada mendapat anggota.",
     "{0} lines read: {1} new households, {2} residents and {3} applications (drafts) imported; {4} existing households gained members."},
    {MsgId::kImportSkipped, "{0} baris bermasalah dilewati dan ditulis ke {1} beserta alasannya.",
     "{0} bad line(s) skipped and written to {1} with the reason on each."},
    {MsgId::kImportUnusedColumns, "Kolom yang tidak dipakai: {0}.", "Columns not used: {0}."},
    {MsgId::kImportDryRun, "Hanya diperiksa (--dry-run): tidak ada yang ditulis.",
     "Checked only (--dry-run): nothing was written."},
    {MsgId::kMessageUnknown, "Tidak ada pesan untuk warga dari kejadian {0}.", "No message to a resident comes from event {0}."},
    {MsgId::kMessageAlreadySent, "Pesan untuk {0} sudah terkirim; tidak dikirim dua kali.",
     "The message to {0} was already sent; it is not sent twice."},
    {MsgId::kMessageNoPhone, "{0} tidak punya nomor HP tercatat; sampaikan langsung atau catat nomornya dulu.",
     "{0} has no phone number on record; tell them in person or record the number first."},
    {MsgId::kMessageNoConsent,
     "{0} belum menyetujui dihubungi lewat HP; catat persetujuannya dulu (person edit --phone-consent ya).",
     "{0} has not agreed to be contacted by phone; record the consent first (person edit --phone-consent yes)."},
    {MsgId::kMessageRecorded, "Pesan untuk {0} dicatat sebagai terkirim.", "The message to {0} is recorded as sent."},
    {MsgId::kMessagesGatewayRun, "{0} pesan terkirim lewat gateway, {1} gagal (dicoba lagi nanti); {2} menunggu nomor HP atau persetujuan.",
     "{0} message(s) sent through the gateway, {1} failed (tried again next time); {2} waiting for a phone number or consent."},
    {MsgId::kMessageGatewayFailed, "Pesan untuk {0} gagal dikirim gateway: {1}", "The gateway could not send the message to {0}: {1}"},
    {MsgId::kMessageGatewayNone,
     "Tidak ada gateway pesan: beri --gateway PROGRAM, atau tulis message_gateway_command atau message_gateway_url di "
     "hub.conf dan beri --config FILE. Tidak ada yang dikirim.",
     "No message gateway: give --gateway PROGRAM, or set message_gateway_command or message_gateway_url in hub.conf "
     "and give --config FILE. Nothing was sent."},
    {MsgId::kMessageGatewayTwice,
     "{0} menulis message_gateway_command dan message_gateway_url sekaligus; pakai salah satu saja.",
     "{0} sets both message_gateway_command and message_gateway_url; keep only one."},
    {MsgId::kImportVillageNotEnrolled,
     "--village {0}: desa ini belum punya laptop desa yang terdaftar di hub ini, jadi register tidak bisa sampai ke "
     "sana. Daftarkan desanya dulu (halaman Desa atau simpul-hub node enrol --village KODE). Tidak ada yang diimpor.",
     "--village {0}: this village has no laptop enrolled at this hub, so the register could not reach it. Enrol the "
     "village first (the villages page or simpul-hub node enrol --village CODE). Nothing was imported."},
    {MsgId::kDashboardPeriod, "Periode harus berjalan maju (dari sebelum atau sama dengan sampai) dan paling lama {0} hari.",
     "The period must run forward (from on or before to) and span at most {0} days."},
    {MsgId::kEnrolAdminOnly,
     "Hanya administrator yang boleh membuat kode pendaftaran desa (peran Anda: '{0}'). Tidak ada yang dibuat.",
     "Only an administrator may issue a village enrolment code (your role: '{0}'). Nothing was issued."},
    {MsgId::kWebUploadTooLarge,
     "Pindaian untuk '{0}' terlalu besar ({1}; batasnya {2}). Foto diperkecil oleh halaman sebelum dikirim; PDF harus "
     "di bawah batas. Tidak ada yang disimpan.",
     "The scan for '{0}' is too large ({1}; the limit is {2}). Photos are made smaller by the page before they are "
     "sent; a PDF must be under the limit. Nothing was stored."},
    {MsgId::kWebUploadNotScan,
     "Pindaian untuk '{0}' harus foto (JPEG atau PNG) atau PDF; berkas ini bukan keduanya. Tidak ada yang disimpan.",
     "The scan for '{0}' must be a photo (JPEG or PNG) or a PDF; this file is neither. Nothing was stored."},
    {MsgId::kWebUploadEmpty, "Berkas untuk '{0}' kosong. Pilih berkas lain atau ambil foto lagi.",
     "The file for '{0}' is empty. Choose another file or take the photo again."},
    {MsgId::kWebDocumentNotHere, "Berkas dokumen ini tidak ada di penyimpanan laptop ini.",
     "This document's file is not in this laptop's store."},
    {MsgId::kKioskQueueFull,
     "Kantor desa belum bisa menerima pendaftaran lagi: antrean pemeriksaan penuh. Silakan tanyakan ke petugas. "
     "Tidak ada yang disimpan.",
     "The village office cannot take more registrations now: the review queue is full. Please ask at the desk. "
     "Nothing was stored."},
    {MsgId::kKioskAlreadyHandled, "Pendaftaran {0} sudah ditangani oleh {1}. Tidak ada yang diubah.",
     "Registration {0} was already handled by {1}. Nothing was changed."},
    {MsgId::kKioskClosed,
     "Pendaftaran mandiri sedang tutup (laptop kantor terkunci). Silakan tanyakan ke petugas.",
     "Self-registration is closed now (the office laptop is locked). Please ask at the desk."},
    {MsgId::kKioskThrottled, "Terlalu banyak pendaftaran dari sini. Coba lagi dalam {0} detik; isian Anda tetap ada.",
     "Too many registrations from here. Try again in {0} seconds; what you typed stays."},
    {MsgId::kKioskOriginRefused, "Formulir ini hanya bisa dikirim dari halaman pendaftaran kantor desa.",
     "This form can only be sent from the village office's registration page."},
    {MsgId::kKioskFormTooLarge, "Isian formulir terlalu panjang (paling banyak {0}).",
     "The form's text is too long (at most {0})."},
    {MsgId::kKioskReceived,
     "Terima kasih. Pendaftaran Anda diterima dengan nomor {0}. Petugas akan memeriksanya; sebutkan nomor ini di loket.",
     "Thank you. Your registration was received as number {0}. An operator will check it; give this number at the desk."},
    {MsgId::kKioskOff,
     "Pendaftaran mandiri tidak berjalan. Jalankan simpul-node ui --kiosk (docs/OPERATIONS.md).",
     "Self-registration is not running. Start simpul-node ui --kiosk (docs/OPERATIONS.md)."},
    {MsgId::kKioskListenRefused,
     "--kiosk-listen harus alamat IP jaringan lokal kantor dengan port (misalnya 192.168.1.10:8472), bukan '{0}'.",
     "--kiosk-listen must be an address of the office's local network with a port (e.g. 192.168.1.10:8472), not '{0}'."},
    {MsgId::kKioskNoLanAddress,
     "Laptop ini tidak punya alamat jaringan lokal (192.168.x.x, 10.x.x.x, 172.16-31.x.x). Sambungkan ke jaringan "
     "kantor atau sebutkan --kiosk-listen ALAMAT:PORT.",
     "This laptop has no local-network address (192.168.x.x, 10.x.x.x, 172.16-31.x.x). Join the office network or "
     "give --kiosk-listen ADDRESS:PORT."},
    {MsgId::kBenefitDtksPbiActive,
     "DTKS (data per {1}) mencatat NIK {0} sebagai peserta PBI aktif (desil {2}). Setujui hanya dengan "
     "--override-reason ALASAN (tercatat di audit).",
     "DTKS (snapshot of {1}) lists NIK {0} as an active PBI participant (desil {2}). Approve only with "
     "--override-reason TEXT (recorded in the audit log)."},
    {MsgId::kWebBenefitHeld,
     "NIK {0} sudah memegang {1} yang disetujui (permohonan {2}, desa {3}, status {4}). Setujui hanya dengan "
     "alasan pengecualian (tercatat di audit).",
     "NIK {0} already holds an approved {1} (application {2}, village {3}, status {4}). Approve only with an "
     "override reason (recorded in the audit log)."},
    {MsgId::kWebBenefitDtksPbiActive,
     "DTKS (data per {1}) mencatat NIK {0} sebagai peserta PBI aktif (desil {2}). Setujui hanya dengan alasan "
     "pengecualian (tercatat di audit).",
     "DTKS (snapshot of {1}) lists NIK {0} as an active PBI participant (desil {2}). Approve only with an "
     "override reason (recorded in the audit log)."},
    {MsgId::kWebChangedMeanwhile,
     "{0} diubah sementara itu (sekarang '{1}'), mungkin di tab lain atau lewat sinkron. Tidak ada yang disimpan; "
     "muat ulang halaman lalu ubah lagi.",
     "{0} was changed meanwhile (it is now '{1}'), perhaps in another tab or by a sync. Nothing was saved; reload "
     "the page and make your change again."},
    {MsgId::kWebTooManyRequests, "Terlalu banyak permintaan dari sesi ini. Coba lagi dalam {0} detik.",
     "Too many requests from this session. Try again in {0} seconds."},
    {MsgId::kDefinitionTooLarge, "Berkas lebih besar dari {0} bita; tidak ada yang dimuat.",
     "The file is larger than {0} bytes; nothing was loaded."},
    {MsgId::kRulesVersionNotHigher,
     "Versi {0} tidak lebih tinggi dari versi {1} ({2}) yang sudah ada; beri berkas baru versi yang lebih tinggi. "
     "Tidak ada yang dimuat.",
     "Version {0} is not higher than version {1} ({2}), the newest known; give the new file a higher version. "
     "Nothing was loaded."},
    {MsgId::kDefinitionFileRefused, "Berkas {0} ditolak: {1}. Tidak ada yang dimuat.",
     "File {0} refused: {1}. Nothing was loaded."},
    {MsgId::kIndicatorsOwnedByHub,
     "Set indikator dikelola Dinas Sosial: setelah laptop ini terdaftar ke hub, set baru dimuat di hub "
     "(simpul-hub indicators add) dan tiba di desa pada sinkronisasi berikutnya.",
     "Indicator sets belong to Dinsos: once this laptop is enrolled, a new set is loaded at the hub "
     "(simpul-hub indicators add) and reaches the village at its next sync."},
    {MsgId::kRulesVersionMissing, "Aturan layanan versi {0} tidak ada di hub ini.",
     "Service rules version {0} is not held by this hub."},
    {MsgId::kScoreBelowThreshold,
     "Skor kemiskinan {0} (indikator {1}) tidak memenuhi ambang layanan ini ({2}). Setujui hanya dengan {3} "
     "(tercatat di audit).",
     "The poverty score {0} (indicators {1}) does not meet this service's threshold ({2}). Approve only with {3} "
     "(recorded in the audit log)."},
    {MsgId::kScoreNotRecorded,
     "Permohonan ini belum dinilai dengan indikator {0} yang diminta layanan ini (ambang {1}). Setujui hanya dengan "
     "{2} (tercatat di audit).",
     "This application has no score under the indicators {0} this service asks for (threshold {1}). Approve only "
     "with {2} (recorded in the audit log)."},
    {MsgId::kIndicatorsOfSetRequired,
     "indikator kemiskinan belum dijawab dengan set {0} yang diminta aturan layanan ini",
     "the poverty indicators are not answered with set {0}, which this service's rules ask for"},
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
