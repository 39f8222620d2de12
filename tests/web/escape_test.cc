// web/escape.h and web/http.h: what the server writes into HTML and
// headers, and what it reads from targets and cookies.
#include "web/escape.h"

#include <doctest/doctest.h>

#include "web/http.h"

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

TEST_CASE("requests: path, query, cookies, headers in any case, peer address") {
  HttpRequest r;
  r.target = "/api/v1/applications?q=Ba%27u+Siti&status=submitted&bad=%zz&q=second";
  r.headers = {{"cookie", "a=1; simpul_session=abc; b=\"q\""}, {"x-csrf-token", "T"}};
  r.peer = "127.0.0.1:5432";
  CHECK(r.Path() == "/api/v1/applications");
  CHECK(r.Query("q") == "Ba'u Siti");  // the first of repeated keys
  CHECK(r.Query("status") == "submitted");
  CHECK(r.Query("bad").empty());
  CHECK(r.Query("missing").empty());
  CHECK(r.Cookie("simpul_session") == "abc");
  CHECK(r.Cookie("b") == "q");
  CHECK(r.Cookie("simpul").empty());
  CHECK(r.HeaderValue("X-CSRF-Token") == "T");
  CHECK(r.PeerAddress() == "127.0.0.1");
  r.peer = "[::1]:8470";
  CHECK(r.PeerAddress() == "::1");
}

TEST_CASE("percent-decoding refuses malformed escapes and NUL") {
  std::string out;
  CHECK(PercentDecode("a%20b+c", true, &out));
  CHECK(out == "a b c");
  CHECK(PercentDecode("a+b", false, &out));
  CHECK(out == "a+b");
  CHECK_FALSE(PercentDecode("%", false, &out));
  CHECK_FALSE(PercentDecode("%2", false, &out));
  CHECK_FALSE(PercentDecode("%g0", false, &out));
  CHECK_FALSE(PercentDecode("a%00", false, &out));
  CHECK(PercentEncode("Ba'u é/") == "Ba%27u%20%C3%A9%2F");
}

TEST_CASE("responses: Set replaces, Add appends, names are case-insensitive") {
  HttpResponse r;
  r.Set("Content-Disposition", "inline").Set("content-disposition", "attachment");
  r.Add("Set-Cookie", "a=1").Add("set-cookie", "b=2");
  CHECK(r.HeaderValue("CONTENT-DISPOSITION") == "attachment");
  int cookies = 0;
  for (const auto& h : r.headers) cookies += h.name == "set-cookie";
  CHECK(cookies == 2);
}

}  // namespace
}  // namespace simpul::web
