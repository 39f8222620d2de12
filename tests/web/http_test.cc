// web/http.h: requests and responses as values, and what is read from
// targets: the query, percent-escapes (Boost.URL under web/http.cc), cookies.
#include "web/http.h"

#include <doctest/doctest.h>

#include <cctype>
#include <string>

namespace simpul::web {
namespace {

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

TEST_CASE("percent-decoding: escapes in either case, '+' as a space only in queries") {
  struct Case {
    const char* in;
    bool plus_is_space;
    const char* out;
  };
  for (const Case& c : {Case{"a%20b+c", true, "a b c"}, Case{"a+b", false, "a+b"},
                        Case{"%c3%a9%C3%A9", false, "\xc3\xa9\xc3\xa9"}, Case{"%2B+%2b", true, "+ +"},
                        Case{"%25", false, "%"}, Case{"%2525", false, "%25"}, Case{"", true, ""},
                        Case{"a|b c\xc3\xa9\"#", true, "a|b c\xc3\xa9\"#"},
                        Case{"%FF%fe", false, "\xff\xfe"}, Case{"%2F..%5C", false, "/..\\"}}) {
    CAPTURE(c.in);
    std::string out = "stale";
    REQUIRE(PercentDecode(c.in, c.plus_is_space, &out));
    CHECK(out == c.out);
  }
}

TEST_CASE("percent-decoding hostile: malformed escapes and NUL are refused") {
  for (const char* bad : {"%", "%2", "a%", "100%", "%g0", "%0g", "%%", "%%20", "% 20", "%-1", "%+1", "%\xc3\xa9",
                          "a%00", "%00b", "ok%2"}) {
    CAPTURE(bad);
    std::string out;
    CHECK_FALSE(PercentDecode(bad, false, &out));
    CHECK_FALSE(PercentDecode(bad, true, &out));
  }
  std::string out;
  CHECK_FALSE(PercentDecode(std::string_view("a\0b", 3), false, &out));  // a raw NUL too
}

TEST_CASE("percent-encoding: all but unreserved characters, upper-case hex; decoding undoes it") {
  CHECK(PercentEncode("Ba'u é/") == "Ba%27u%20%C3%A9%2F");
  CHECK(PercentEncode("a+b c~_.-*") == "a%2Bb%20c~_.-%2A");
  CHECK(PercentEncode("") == "");
  CHECK(PercentEncode(std::string_view("\0", 1)) == "%00");
  std::string all;
  for (int c = 1; c < 256; ++c) all.push_back(static_cast<char>(c));
  std::string encoded = PercentEncode(all);
  for (char c : encoded) {
    CAPTURE(c);
    CHECK((std::isalnum(static_cast<unsigned char>(c)) || std::string_view("-._~%").find(c) != std::string_view::npos));
  }
  CHECK(encoded.size() == 66 + 3 * (255 - 66));  // 66 unreserved bytes stay, 189 become %XX
  std::string back;
  REQUIRE(PercentDecode(encoded, false, &back));
  CHECK(back == all);
  REQUIRE(PercentDecode(encoded, true, &back));  // '+' never appears raw in what we encode
  CHECK(back == all);
}

TEST_CASE("query parsing: pairs decoded, the first of repeated keys wins, bad pairs skipped") {
  auto q = ParseQuery("a=1&b=%zz&c=3&&a=2&flag&=anon&d=x=y&e=%00&f=a|b+c%2B&%zz=k&g=");
  CHECK(q.at("a") == "1");
  CHECK(q.count("b") == 0);
  CHECK(q.at("c") == "3");
  CHECK(q.at("flag").empty());
  CHECK(q.at("") == "anon");
  CHECK(q.at("d") == "x=y");
  CHECK(q.count("e") == 0);
  CHECK(q.at("f") == "a|b c+");
  CHECK(q.at("g").empty());
  CHECK(q.size() == 7);
  CHECK(ParseQuery("").empty());
  CHECK(ParseQuery("&&&").empty());
  CHECK(ParseQuery("%").empty());
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
