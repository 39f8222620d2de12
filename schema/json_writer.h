// A small streaming JSON writer for machine-readable CLI output (--json).
// It escapes strings per RFC 8259 and tracks commas; it does not parse.
// Not Boost.JSON's serializer: schema/ uses no Boost, and this streams
// without building a DOM value first.
#ifndef SIMPUL_SCHEMA_JSON_WRITER_H_
#define SIMPUL_SCHEMA_JSON_WRITER_H_

#include <string>
#include <string_view>
#include <vector>

#include "schema/value.h"

namespace simpul::schema {

class JsonWriter {
 public:
  JsonWriter& BeginObject() { return Open('{'); }
  JsonWriter& EndObject() { return Close('}'); }
  JsonWriter& BeginArray() { return Open('['); }
  JsonWriter& EndArray() { return Close(']'); }
  JsonWriter& Key(std::string_view k);
  JsonWriter& String(std::string_view s);
  JsonWriter& Int(int64_t v);
  JsonWriter& Number(double v);
  JsonWriter& Bool(bool v);
  JsonWriter& Null();
  JsonWriter& Val(const Value& v);
  // Key + value shorthands.
  JsonWriter& Field(std::string_view k, std::string_view v) { return Key(k).String(v); }
  JsonWriter& Field(std::string_view k, const char* v) { return Key(k).String(v); }
  JsonWriter& Field(std::string_view k, const std::string& v) { return Key(k).String(v); }
  JsonWriter& Field(std::string_view k, int64_t v) { return Key(k).Int(v); }
  JsonWriter& Field(std::string_view k, int v) { return Key(k).Int(v); }
  JsonWriter& Field(std::string_view k, bool v) { return Key(k).Bool(v); }
  JsonWriter& Field(std::string_view k, const Value& v) { return Key(k).Val(v); }

  const std::string& str() const { return out_; }

 private:
  JsonWriter& Open(char c);
  JsonWriter& Close(char c);
  void Sep();
  std::string out_;
  std::vector<bool> first_{true};
  bool after_key_ = false;
};

std::string JsonEscape(std::string_view s);

}  // namespace simpul::schema

#endif  // SIMPUL_SCHEMA_JSON_WRITER_H_
