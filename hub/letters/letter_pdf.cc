#include "hub/letters/letter_pdf.h"

#include <hpdf.h>
#include <iconv.h>
#include <qrencode.h>

#include <cerrno>
#include <memory>

namespace simpul::hub {
namespace {

constexpr float kPageW = 595.0f;  // A4 in points
constexpr float kPageH = 842.0f;
constexpr float kMargin = 64.0f;
constexpr float kTextW = kPageW - 2 * kMargin;

// libhpdf reports errors through a callback; we record the first one and
// check it after each step (no longjmp through C++ frames).
struct PdfError {
  HPDF_STATUS code = HPDF_OK;
  HPDF_STATUS detail = 0;
};
void OnPdfError(HPDF_STATUS code, HPDF_STATUS detail, void* user) {
  auto* e = static_cast<PdfError*>(user);
  if (e->code == HPDF_OK) {
    e->code = code;
    e->detail = detail;
  }
}

struct DocFree {
  void operator()(HPDF_Doc d) const { HPDF_Free(d); }
};
struct QrFree {
  void operator()(QRcode* q) const { QRcode_free(q); }
};

// Writes text and moves down; wraps at the text width.
class Writer {
 public:
  Writer(HPDF_Page page, HPDF_Font regular, HPDF_Font bold) : page_(page), regular_(regular), bold_(bold) {}

  void Gap(float points) { y_ -= points; }
  float y() const { return y_; }

  void Centered(const std::string& utf8, float size, bool bold) {
    std::string t = ToWinAnsi(utf8);
    HPDF_Page_SetFontAndSize(page_, bold ? bold_ : regular_, size);
    float w = HPDF_Page_TextWidth(page_, t.c_str());
    Put(t, (kPageW - w) / 2, size);
  }

  // A wrapped paragraph starting at `x`, `width` wide.
  void Paragraph(const std::string& utf8, float size, float x = kMargin, float width = kTextW) {
    std::string t = ToWinAnsi(utf8);
    HPDF_Page_SetFontAndSize(page_, regular_, size);
    size_t at = 0;
    while (at < t.size()) {
      HPDF_REAL used = 0;
      HPDF_UINT n = HPDF_Page_MeasureText(page_, t.c_str() + at, width, HPDF_TRUE, &used);
      if (n == 0) n = HPDF_Page_MeasureText(page_, t.c_str() + at, width, HPDF_FALSE, &used);
      if (n == 0) n = 1;  // one glyph wider than the line: print it anyway
      std::string line = t.substr(at, n);
      while (!line.empty() && line.back() == ' ') line.pop_back();
      Put(line, x, size);
      at += n;
      while (at < t.size() && t[at] == ' ') ++at;
    }
  }

  void Row(const std::string& label, const std::string& value, float size) {
    HPDF_Page_SetFontAndSize(page_, regular_, size);
    float top = y_;
    Put(ToWinAnsi(label), kMargin + 16, size);
    y_ = top;
    Put(":", kMargin + 150, size);
    y_ = top;
    Paragraph(value, size, kMargin + 160, kTextW - 160);
  }

  void At(const std::string& utf8, float x, float size, bool bold) {
    HPDF_Page_SetFontAndSize(page_, bold ? bold_ : regular_, size);
    Put(ToWinAnsi(utf8), x, size);
  }

  void Rule(float width) {
    HPDF_Page_SetLineWidth(page_, width);
    HPDF_Page_MoveTo(page_, kMargin, y_);
    HPDF_Page_LineTo(page_, kPageW - kMargin, y_);
    HPDF_Page_Stroke(page_);
  }

 private:
  void Put(const std::string& cp1252, float x, float size) {
    y_ -= size * 1.35f;
    HPDF_Page_BeginText(page_);
    HPDF_Page_TextOut(page_, x, y_, cp1252.c_str());
    HPDF_Page_EndText(page_);
  }

  HPDF_Page page_;
  HPDF_Font regular_, bold_;
  float y_ = kPageH - kMargin + 20;
};

// The QR code as filled squares, `side` points wide, lower-left at (x, y),
// with the quiet zone of four modules the standard asks for left white.
void DrawQr(HPDF_Page page, const QRcode& qr, float x, float y, float side) {
  float module = side / static_cast<float>(qr.width + 8);
  HPDF_Page_SetRGBFill(page, 0, 0, 0);
  for (int r = 0; r < qr.width; ++r) {
    for (int c = 0; c < qr.width; ++c) {
      if (!(qr.data[r * qr.width + c] & 1)) continue;
      float mx = x + (c + 4) * module;
      float my = y + side - (r + 5) * module;
      HPDF_Page_Rectangle(page, mx, my, module, module);
    }
  }
  HPDF_Page_Fill(page);
}

}  // namespace

std::string ToWinAnsi(const std::string& utf8) {
  iconv_t cd = iconv_open("CP1252//TRANSLIT", "UTF-8");
  if (cd == reinterpret_cast<iconv_t>(-1)) {
    std::string ascii;
    for (unsigned char c : utf8) ascii += c < 0x80 ? static_cast<char>(c) : '?';
    return ascii;
  }
  std::string out;
  char buf[256];
  char* in = const_cast<char*>(utf8.data());
  size_t in_left = utf8.size();
  while (in_left > 0) {
    char* o = buf;
    size_t o_left = sizeof buf;
    size_t rc = iconv(cd, &in, &in_left, &o, &o_left);
    out.append(buf, o - buf);
    if (rc == static_cast<size_t>(-1) && errno != E2BIG) {
      // Not UTF-8, or nothing in CP1252 for it: one '?' for the whole sequence.
      out += '?';
      ++in;
      --in_left;
      while (in_left > 0 && (static_cast<unsigned char>(*in) & 0xC0) == 0x80) {
        ++in;
        --in_left;
      }
    }
  }
  iconv_close(cd);
  return out;
}

Result<std::string> RenderLetterPdf(const LetterContent& letter) {
  std::unique_ptr<QRcode, QrFree> qr(QRcode_encodeString(letter.qr_text.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1));
  if (!qr) return Status::InvalidArgument("the letter's QR text does not fit a QR code").WithField("qr_text");

  PdfError err;
  std::unique_ptr<std::remove_pointer_t<HPDF_Doc>, DocFree> doc(HPDF_New(OnPdfError, &err));
  if (!doc) return Status::Internal("libhpdf: cannot create a document");
  HPDF_Doc pdf = doc.get();
  HPDF_SetCompressionMode(pdf, HPDF_COMP_ALL);
  HPDF_SetInfoAttr(pdf, HPDF_INFO_CREATOR, "Simpul");
  HPDF_SetInfoAttr(pdf, HPDF_INFO_TITLE, ToWinAnsi(letter.title + " " + letter.number).c_str());
  HPDF_Font regular = HPDF_GetFont(pdf, "Helvetica", "WinAnsiEncoding");
  HPDF_Font bold = HPDF_GetFont(pdf, "Helvetica-Bold", "WinAnsiEncoding");
  HPDF_Page page = HPDF_AddPage(pdf);
  HPDF_Page_SetSize(page, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT);
  if (err.code != HPDF_OK) return Status::Internal("libhpdf error " + std::to_string(err.code));

  Writer w(page, regular, bold);
  for (size_t i = 0; i < letter.letterhead.size(); ++i)
    w.Centered(letter.letterhead[i], i + 1 < letter.letterhead.size() ? 13.0f : 9.5f, i + 1 < letter.letterhead.size());
  w.Gap(6);
  w.Rule(1.6f);
  w.Gap(2);
  w.Rule(0.5f);
  w.Gap(14);
  w.Centered(letter.title, 13, true);
  w.Centered("Nomor: " + letter.number, 10.5f, false);
  w.Gap(12);
  if (!letter.opening.empty()) w.Paragraph(letter.opening, 10.5f);
  w.Gap(4);
  for (const auto& [label, value] : letter.resident) w.Row(label, value, 10.5f);
  w.Gap(6);
  for (const auto& p : letter.body) {
    w.Paragraph(p, 10.5f);
    w.Gap(5);
  }

  // Signature block on the right, QR code on the left at the same height.
  w.Gap(10);
  float block_top = w.y();
  const float sx = kPageW - kMargin - 200;
  w.At(letter.place_date, sx, 10.5f, false);
  w.At(letter.signer_title, sx, 10.5f, false);
  w.Gap(46);  // room for the wet signature and stamp
  w.At(letter.signer_name, sx, 10.5f, true);
  if (!letter.signer_id.empty()) w.At(letter.signer_id, sx, 10, false);
  const float qr_side = 118;
  DrawQr(page, *qr, kMargin, block_top - qr_side, qr_side);
  if (!letter.qr_caption.empty()) {
    Writer caption(page, regular, bold);
    caption.Gap(kPageH - kMargin + 20 - (block_top - qr_side));
    caption.Paragraph(letter.qr_caption, 7.5f, kMargin, 190);
  }
  if (err.code != HPDF_OK) return Status::Internal("libhpdf error " + std::to_string(err.code));

  if (HPDF_SaveToStream(pdf) != HPDF_OK) return Status::Internal("libhpdf: cannot write the PDF");
  std::string out(HPDF_GetStreamSize(pdf), '\0');
  HPDF_UINT32 size = static_cast<HPDF_UINT32>(out.size());
  // Reading the whole stream ends in HPDF_STREAM_EOF, which is success here.
  HPDF_STATUS rc = HPDF_ReadFromStream(pdf, reinterpret_cast<HPDF_BYTE*>(out.data()), &size);
  if (rc != HPDF_OK && rc != HPDF_STREAM_EOF) return Status::Internal("libhpdf: cannot read the PDF back");
  out.resize(size);
  return out;
}

}  // namespace simpul::hub
