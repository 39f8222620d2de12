// A letter as a PDF (libhpdf): the district letterhead, the number and date,
// the resident's data, the decision, the signing official, and the QR code
// carrying the signed statement (sync/letter_statement.h).
//
// The text uses the PDF's built-in Helvetica in WinAnsi (CP1252) encoding,
// which covers Bahasa Indonesia and Latin names; characters outside it are
// transliterated. No font is embedded: a letter stays a few KB, because it
// travels to the village over the same slow river link as everything else
// (an embedded Noto Sans adds ~500 KB to every letter).
//
// Thread-safety: RenderLetterPdf is reentrant (one HPDF_Doc per call).
#ifndef SIMPUL_HUB_LETTERS_LETTER_PDF_H_
#define SIMPUL_HUB_LETTERS_LETTER_PDF_H_

#include <string>
#include <utility>
#include <vector>

#include "schema/status.h"

namespace simpul::hub {

struct LetterContent {
  // Letterhead: e.g. "PEMERINTAH KABUPATEN BANYUWANGI", "DINAS SOSIAL",
  // then the office's address line.
  std::vector<std::string> letterhead;
  std::string title;        // "SURAT REKOMENDASI"
  std::string number;       // "Nomor: 400.9/0007/DINSOS/2026" is built from it
  std::string place_date;   // "Banyuwangi, 6 Desember 2026"
  std::string opening;      // paragraph before the resident's data
  std::vector<std::pair<std::string, std::string>> resident;  // label, value
  std::vector<std::string> body;  // paragraphs after the data (decision, purpose)
  std::string signer_title;  // "Kepala Dinas Sosial"
  std::string signer_name;
  std::string signer_id;     // "NIP. 19700101 199003 1 001"
  std::string qr_text;       // the signed statement
  std::string qr_caption;    // a line under the QR code
};

// The PDF's bytes. InvalidArgument when the QR text does not fit a QR code;
// Internal when libhpdf fails.
Result<std::string> RenderLetterPdf(const LetterContent& letter);

// UTF-8 to the CP1252 bytes the PDF's text operators take (iconv with
// transliteration; '?' where nothing fits). Exposed for tests.
std::string ToWinAnsi(const std::string& utf8);

}  // namespace simpul::hub

#endif  // SIMPUL_HUB_LETTERS_LETTER_PDF_H_
