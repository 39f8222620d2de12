// web/escape.h: what the server writes into HTML and headers.
#include "web/escape.h"

#include <doctest/doctest.h>

namespace simpul::web {
namespace {

TEST_CASE("HtmlEscape: markup and quotes become text") {
  CHECK(HtmlEscape("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;");
  CHECK(HtmlEscape("Ba'u") == "Ba&#39;u");
  CHECK(HtmlEscape("\"a\" & b") == "&quot;a&quot; &amp; b");
  CHECK(HtmlEscape("Siti Aminah") == "Siti Aminah");
}

TEST_CASE("ContentDisposition: a safe ASCII name, the exact name in filename*") {
  CHECK(ContentDisposition("inline", "kk.pdf") == "inline; filename=\"kk.pdf\"");
  CHECK(ContentDisposition("attachment", "kk.pdf") == "attachment; filename=\"kk.pdf\"");
  CHECK(ContentDisposition("anything else", "kk.pdf") == "attachment; filename=\"kk.pdf\"");
  // Quotes, CR/LF and path parts cannot break out of the header or point anywhere.
  CHECK(ContentDisposition("inline", "../../etc/passwd") == "inline; filename=\"passwd\"");
  CHECK(ContentDisposition("inline", "C:\\scan\\kk.jpg") == "inline; filename=\"kk.jpg\"");
  std::string evil = ContentDisposition("attachment", "a\"; filename=x.html\r\nSet-Cookie: y.pdf");
  CHECK(evil.find('\r') == std::string::npos);
  CHECK(evil.find('\n') == std::string::npos);
  CHECK(evil.rfind("attachment; filename=\"a__ filename=x.html__Set-Cookie: y.pdf\"", 0) == 0);
  CHECK(evil.find("filename*=UTF-8''a%22%3B%20filename%3Dx.html%0D%0ASet-Cookie%3A%20y.pdf") != std::string::npos);
  CHECK(ContentDisposition("inline", "Kartu Keluarga Ba'u é.pdf") ==
        "inline; filename=\"Kartu Keluarga Ba'u __.pdf\"; filename*=UTF-8''Kartu%20Keluarga%20Ba%27u%20%C3%A9.pdf");
  CHECK(ContentDisposition("inline", "") == "inline; filename=\"document\"");
  CHECK(ContentDisposition("inline", "..") == "inline; filename=\"document\"");
}

}  // namespace
}  // namespace simpul::web
