// Tests for hub/letters/letter_pdf.h: a letter renders to a small PDF whose
// text a reader extracts (pdftotext) and whose QR code a scanner decodes
// (pdftoppm + zbarimg) back to the exact signed statement.
#include "hub/letters/letter_pdf.h"

#include <doctest/doctest.h>

#include <string>

#include "sync/letter_statement.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

namespace simpul::hub {
namespace {

using simpul::testing::ReadFile;
using simpul::testing::Run;
using simpul::testing::TempDir;
using simpul::testing::WriteFile;

LetterContent Sample(const std::string& qr_text) {
  LetterContent l;
  l.letterhead = {"PEMERINTAH KABUPATEN BANYUWANGI", "DINAS SOSIAL",
                  "Jl. Jaksa Agung Suprapto No. 1, Banyuwangi"};
  l.title = "SURAT REKOMENDASI";
  l.number = "400.9/0007/DINSOS/2026";
  l.place_date = "Banyuwangi, 6 Desember 2026";
  l.opening = "Yang bertanda tangan di bawah ini menerangkan bahwa:";
  l.resident = {{"Nama", "Siti Aminah Ba'u"}, {"NIK", "3510015211870002"},
                {"Alamat", "Dusun Krajan RT 001 RW 002, Desa Kemiren, Kecamatan Glagah"}};
  l.body = {"Berdasarkan hasil verifikasi, yang bersangkutan direkomendasikan untuk didaftarkan sebagai "
            "peserta PBI-JK yang iurannya dibayar oleh Pemerintah Daerah (PBI-APBD).",
            "Demikian surat rekomendasi ini dibuat untuk dipergunakan sebagaimana mestinya."};
  l.signer_title = "Kepala Dinas Sosial";
  l.signer_name = "Drs. Budi Santoso, M.Si";
  l.signer_id = "NIP. 19700101 199003 1 001";
  l.qr_text = qr_text;
  l.qr_caption = "Pindai untuk memeriksa keaslian: simpul-node letter verify";
  return l;
}

TEST_CASE("ToWinAnsi keeps ASCII and Latin-1, transliterates the rest") {
  CHECK(ToWinAnsi("Siti Aminah") == "Siti Aminah");
  CHECK(ToWinAnsi("Jos\xC3\xA9") == "Jos\xE9");        // é is in CP1252
  CHECK(ToWinAnsi("a\xE2\x80\x93" "b") == "a\x96" "b");  // en dash too
  CHECK(ToWinAnsi("\xF0\x9F\x98\x80").find('?') != std::string::npos);  // an emoji is not
  CHECK(ToWinAnsi("bad \xFF byte") == "bad ? byte");
}

TEST_CASE("a letter renders to a small PDF with its text and a QR code that reads back") {
  REQUIRE(sync::crypto::InitSodium().ok());
  sync::crypto::Identity hub = sync::crypto::GenerateIdentity();
  sync::LetterStatement st{"400.9/0007/DINSOS/2026", "pbi_apbd", "Siti Aminah Ba'u",
                           sync::MaskNik("3510015211870002"), "2026-12-06", ""};
  auto qr_text = sync::SignLetterStatement(st, hub);
  REQUIRE(qr_text.ok());
  auto pdf = RenderLetterPdf(Sample(*qr_text));
  REQUIRE(pdf.ok());
  CHECK(pdf->rfind("%PDF-", 0) == 0);
  CHECK(pdf->size() < 20 * 1024);  // it travels over a slow link

  TempDir dir;
  WriteFile(dir.File("l.pdf"), *pdf);
  auto text = Run({"/usr/bin/pdftotext", "-layout", dir.File("l.pdf"), "-"});
  REQUIRE_MESSAGE(text.exit_code == 0, "pdftotext (poppler-utils, tools/setup.sh) failed: " << text.err);
  CHECK(text.out.find("SURAT REKOMENDASI") != std::string::npos);
  CHECK(text.out.find("400.9/0007/DINSOS/2026") != std::string::npos);
  CHECK(text.out.find("Siti Aminah Ba'u") != std::string::npos);
  CHECK(text.out.find("Drs. Budi Santoso") != std::string::npos);

  auto png = Run({"/usr/bin/pdftoppm", "-r", "150", "-png", dir.File("l.pdf"), dir.File("pg")});
  REQUIRE(png.exit_code == 0);
  auto scan = Run({"/usr/bin/zbarimg", "-q", "--raw", dir.File("pg-1.png")});
  REQUIRE_MESSAGE(scan.exit_code == 0, "zbarimg (zbar-tools) found no QR code: " << scan.err);
  std::string decoded = scan.out;
  while (!decoded.empty() && (decoded.back() == '\n' || decoded.back() == '\r')) decoded.pop_back();
  CHECK(decoded == *qr_text);
  auto check = sync::VerifyLetterStatement(decoded, {hub.sign_pk}, {});
  REQUIRE(check.ok());
  CHECK(check->verdict == sync::LetterVerdict::kValid);
}

TEST_CASE("a QR text too long for any QR code is refused, naming the field") {
  auto pdf = RenderLetterPdf(Sample(std::string(8000, 'x')));
  REQUIRE_FALSE(pdf.ok());
  CHECK(pdf.status().field() == "qr_text");
}

}  // namespace
}  // namespace simpul::hub
