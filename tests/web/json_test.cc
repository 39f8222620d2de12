// web/json.h: the API's request bodies are read strictly (Boost.JSON's event
// parser under web/json.cc); every hostile body is refused with
// InvalidArgument naming the field "body" and what was wrong.
#include "web/json.h"

#include <doctest/doctest.h>

#include <string>

namespace simpul::web {
namespace {

// The refusal of `body`, checked for its shape; returns the message.
std::string Refusal(std::string_view body) {
  auto o = JsonObject::Parse(body);
  REQUIRE_FALSE(o.ok());
  CHECK(o.status().code() == Code::kInvalidArgument);
  CHECK(o.status().field() == "body");
  CHECK(o.status().message().rfind("request body: ", 0) == 0);
  return o.status().message();
}

bool Says(const std::string& message, std::string_view what) { return message.find(what) != std::string::npos; }

TEST_CASE("JSON: a flat object of strings, numbers, booleans and null") {
  auto o = JsonObject::Parse(R"( {"name": "siti", "reason":"Foto KK \"buram\"\n", "n": -1.5e3, "ok": true,
                                  "none": null, "u": "\u00e9\ud83d\ude00", "empty": "", "raw": "é😀",
                                  "esc": "\/\\\b\f\r\t"} )");
  REQUIRE_MESSAGE(o.ok(), o.status().ToString());
  CHECK(o->String("name") == "siti");
  CHECK(o->String("reason") == "Foto KK \"buram\"\n");
  CHECK(o->String("u") == "\xc3\xa9\xf0\x9f\x98\x80");
  CHECK(o->String("raw") == "\xc3\xa9\xf0\x9f\x98\x80");
  CHECK(o->String("esc") == "/\\\b\f\r\t");
  CHECK(o->IsString("empty"));
  CHECK(o->String("empty").empty());
  CHECK_FALSE(o->IsString("n"));
  CHECK(o->String("n").empty());
  CHECK(o->Has("n"));
  CHECK(o->Has("ok"));
  CHECK_FALSE(o->IsString("ok"));
  CHECK(o->Has("none"));
  CHECK_FALSE(o->IsString("none"));
  CHECK_FALSE(o->Has("missing"));
  CHECK(JsonObject::Parse("{}").ok());
  CHECK(JsonObject::Parse(" \t\r\n{ } \n").ok());
}

TEST_CASE("JSON: anything else is refused, naming the problem") {
  for (const char* bad : {"", " ", "[]", "\"x\"", "1", "true", "null", "{", "{\"a\"}", "{\"a\":}", "{\"a\":1,}",
                          "{\"a\":{\"b\":1}}", "{\"a\":[1]}", "{\"a\":1}{}", "{\"a\":1} x", "{\"a\":1,\"a\":2}",
                          "{\"a\":\"\\x\"}", "{\"a\":\"\\u12\"}", "{\"a\":\"\\ud800\"}", "{\"a\":\"\\udc00\"}",
                          "{\"a\":\"\\ud800\\u0041\"}", "{\"a\":\"\\u0000\"}", "{\"a\\u0000\":1}",
                          "{\"a\":\"line\nbreak\"}", "{\"a\":01x}", "{\"a\":01}", "{\"a\":-}", "{\"a\":1.}",
                          "{\"a\":.5}", "{\"a\":+1}", "{\"a\":NaN}", "{\"a\":Infinity}", "{\"a\":tru}", "{'a':1}",
                          "{a:1}", "{\"a\":1 /* c */}", "{\"a\":1} // c", "\xef\xbb\xbf{}", "{\"a\":\"\xff\"}",
                          "{\"a\":\"\xc0\xaf\"}", "{\"a\":\"\xed\xa0\x80\"}"}) {
    CAPTURE(bad);
    Refusal(bad);
  }
  // A NUL byte inside the text, not only as \u0000.
  Refusal(std::string("{\"a\":\"x\0y\"}", 11));
}

TEST_CASE("JSON: the message says what was wrong and where") {
  CHECK(Says(Refusal("[1]"), "expected a JSON object"));
  CHECK(Says(Refusal("\"x\""), "expected a JSON object"));
  CHECK(Says(Refusal(""), "expected a JSON object"));
  CHECK(Says(Refusal("{\"a\":[1]}"), "nested objects and arrays are not accepted"));
  CHECK(Says(Refusal("{\"a\":{}}"), "nested objects and arrays are not accepted"));
  CHECK(Says(Refusal("{\"a\":1} x"), "text after the object at byte 8"));
  CHECK(Says(Refusal("{\"a\":\"\\u0000\"}"), "a NUL character"));
  CHECK(Says(Refusal("{\"a\":\"\\udc00\"}"), "a lone surrogate"));
  CHECK(Says(Refusal("{\"a\":\"\\u12\"}"), "a bad \\u escape"));
  CHECK(Says(Refusal("{\"a\":\"\xff\"}"), "invalid UTF-8 at byte 6"));
  CHECK(Says(Refusal("{\"name\":\"x\",\"name\":\"y\"}"), "key 'name' given twice"));
  CHECK(Says(Refusal("{\"a\":\"abc"), "the text ends inside the object"));
}

TEST_CASE("JSON hostile: deep nesting is refused at the first nested value") {
  for (std::string_view open : {"[", "{\"a\":"}) {
    std::string deep;
    for (int i = 0; i < 100000; ++i) deep += open;
    CAPTURE(open);
    CHECK(Says(Refusal(deep.substr(0, kMaxJsonBody)), open == "[" ? "expected a JSON object" : "nested objects"));
    CHECK(Says(Refusal("{\"a\":" + deep.substr(0, kMaxJsonBody - 10) + "}"), "nested objects"));
  }
}

TEST_CASE("JSON hostile: invalid UTF-8 in values and keys") {
  for (const char* bad : {"\xff", "\xfe", "\x80", "\xc3", "\xe2\x82", "\xf0\x9f\x98", "\xc0\xaf", "\xc1\xbf",
                          "\xe0\x80\xaf", "\xed\xa0\x80", "\xed\xbf\xbf", "\xf4\x90\x80\x80", "\xf8\x88\x80\x80\x80",
                          "\xfc\x84\x80\x80\x80\x80", "a\xc3(b"}) {
    CAPTURE(bad);
    CHECK(Says(Refusal(std::string("{\"a\":\"") + bad + "\"}"), "invalid UTF-8"));
    CHECK(Says(Refusal(std::string("{\"") + bad + "\":1}"), "invalid UTF-8"));
  }
  // The longest valid forms pass.
  auto o = JsonObject::Parse("{\"a\":\"\xf4\x8f\xbf\xbf \xed\x9f\xbf \xee\x80\x80\"}");
  REQUIRE(o.ok());
  CHECK(o->String("a") == "\xf4\x8f\xbf\xbf \xed\x9f\xbf \xee\x80\x80");
}

TEST_CASE("JSON hostile: every truncation of a good body is refused") {
  const std::string good = R"({"name":"Ba'u \u00e9 é","n":-12.5e-3,"ok":false,"x":null})";
  REQUIRE(JsonObject::Parse(good).ok());
  for (size_t n = 0; n < good.size(); ++n) {
    CAPTURE(n);
    Refusal(good.substr(0, n));
  }
}

TEST_CASE("JSON hostile: huge numbers are numbers, an absurd exponent is refused") {
  auto o = JsonObject::Parse(
      R"({"big":123456789012345678901234567890,"inf":1e400,"tiny":-1e-400,"max":18446744073709551616})");
  REQUIRE_MESSAGE(o.ok(), o.status().ToString());
  for (const char* k : {"big", "inf", "tiny", "max"}) {
    CHECK(o->Has(k));
    CHECK_FALSE(o->IsString(k));
  }
  CHECK(Says(Refusal("{\"a\":1e99999999999999999999}"), "exponent is too large"));
  std::string long_number = "{\"a\":" + std::string(kMaxJsonBody - 6, '9') + "}";
  CHECK(JsonObject::Parse(long_number).ok());  // bounded by the body's size, not refused
}

TEST_CASE("JSON hostile: duplicate keys, also when spelled differently") {
  for (const char* bad : {"{\"a\":1,\"a\":1}", "{\"a\":\"x\",\"a\":null}", "{\"a\":1,\"\\u0061\":2}",
                          "{\"\\u00e9\":1,\"\xc3\xa9\":2}", "{\"\":1,\"\":2}"}) {
    CAPTURE(bad);
    CHECK(Says(Refusal(bad), "given twice"));
  }
  auto o = JsonObject::Parse("{\"a\":1,\"A\":2,\"a \":3}");  // keys are compared exactly
  REQUIRE(o.ok());
  CHECK(o->Has("A"));
  CHECK(o->Has("a "));
}

TEST_CASE("JSON: the size is bounded before parsing") {
  std::string at_limit = "{\"a\":\"" + std::string(kMaxJsonBody - 8, 'x') + "\"}";
  REQUIRE(at_limit.size() == kMaxJsonBody);
  CHECK(JsonObject::Parse(at_limit).ok());
  std::string big = "{\"a\":\"" + std::string(kMaxJsonBody, 'x') + "\"}";
  auto o = JsonObject::Parse(big);
  REQUIRE_FALSE(o.ok());
  CHECK(o.status().code() == Code::kResourceExhausted);
  CHECK(o.status().field() == "body");
  // Even a body that would be refused for its grammar is refused for its size first.
  auto junk = JsonObject::Parse(std::string(kMaxJsonBody + 1, '['));
  REQUIRE_FALSE(junk.ok());
  CHECK(junk.status().code() == Code::kResourceExhausted);
}

}  // namespace
}  // namespace simpul::web
