// web/json.h: the API's request bodies are read strictly.
#include "web/json.h"

#include <doctest/doctest.h>

namespace simpul::web {
namespace {

TEST_CASE("JSON: a flat object of strings, numbers, booleans and null") {
  auto o = JsonObject::Parse(R"( {"name": "siti", "reason":"Foto KK \"buram\"\n", "n": -1.5e3, "ok": true,
                                  "none": null, "u": "\u00e9\ud83d\ude00", "empty": ""} )");
  REQUIRE_MESSAGE(o.ok(), o.status().ToString());
  CHECK(o->String("name") == "siti");
  CHECK(o->String("reason") == "Foto KK \"buram\"\n");
  CHECK(o->String("u") == "\xc3\xa9\xf0\x9f\x98\x80");
  CHECK(o->IsString("empty"));
  CHECK(o->String("empty").empty());
  CHECK_FALSE(o->IsString("n"));
  CHECK(o->String("n").empty());
  CHECK(o->Has("none"));
  CHECK_FALSE(o->Has("missing"));
  CHECK(JsonObject::Parse("{}").ok());
}

TEST_CASE("JSON: anything else is refused, naming the problem") {
  for (const char* bad : {"", "[]", "\"x\"", "{", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{\"a\":{\"b\":1}}",
                          "{\"a\":[1]}", "{\"a\":1}{}", "{\"a\":1} x", "{\"a\":1,\"a\":2}", "{\"a\":\"\\x\"}",
                          "{\"a\":\"\\u12\"}", "{\"a\":\"\\ud800\"}", "{\"a\":\"\\udc00\"}", "{\"a\":\"\\u0000\"}",
                          "{\"a\":\"line\nbreak\"}", "{\"a\":01x}", "{\"a\":-}", "{\"a\":1.}", "{\"a\":tru}",
                          "{'a':1}", "{\"a\":\"\xff\"}", "{\"a\":\"\xc0\xaf\"}", "{\"a\":\"\xed\xa0\x80\"}"}) {
    CAPTURE(bad);
    auto o = JsonObject::Parse(bad);
    CHECK_FALSE(o.ok());
    if (!o.ok()) {
      CHECK(o.status().code() == Code::kInvalidArgument);
      CHECK(o.status().field() == "body");
    }
  }
}

TEST_CASE("JSON: the size is bounded before parsing") {
  std::string big = "{\"a\":\"" + std::string(kMaxJsonBody, 'x') + "\"}";
  auto o = JsonObject::Parse(big);
  REQUIRE_FALSE(o.ok());
  CHECK(o.status().code() == Code::kResourceExhausted);
}

TEST_CASE("UTF-8 validation") {
  CHECK(IsValidUtf8("Ba'u é 😀"));
  CHECK_FALSE(IsValidUtf8("\xe2\x82"));      // truncated
  CHECK_FALSE(IsValidUtf8("\xf8\x88\x80"));  // no 5-byte forms
  CHECK_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // over U+10FFFF
}

}  // namespace
}  // namespace simpul::web
