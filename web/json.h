// JSON for the web API: replies are written with schema::JsonWriter
// (re-exported here); request bodies are read by JsonObject::Parse, which
// accepts one flat object whose values are strings, numbers, booleans or
// null (all the API's requests need) and refuses anything else.
//
// Request bodies are hostile: the size is bounded before parsing; Boost.JSON
// (json.cc, the only Boost translation unit here) checks the grammar, UTF-8
// and \u escapes with their surrogate pairs; nested values, duplicate keys
// and NUL characters are refused as they arrive; the error names what was
// wrong. Replies stay with schema::JsonWriter: schema/ must not use Boost,
// and Boost.JSON's serializer would need a DOM value per reply.
//
// Thread-safety: values; Parse is pure.
#ifndef SIMPUL_WEB_JSON_H_
#define SIMPUL_WEB_JSON_H_

#include <map>
#include <string>
#include <string_view>

#include "schema/json_writer.h"
#include "schema/status.h"

namespace simpul::web {

using schema::JsonEscape;
using schema::JsonWriter;

inline constexpr size_t kMaxJsonBody = 64 * 1024;

class JsonObject {
 public:
  // InvalidArgument naming the problem (and its byte offset) on bad input;
  // ResourceExhausted when `text` is over kMaxJsonBody.
  static Result<JsonObject> Parse(std::string_view text);

  bool Has(const std::string& key) const { return values_.count(key) > 0; }
  // The string value of `key`; "" when absent or not a string.
  std::string String(const std::string& key) const;
  // True when `key` holds a string (so "" can be told from absent).
  bool IsString(const std::string& key) const;

 private:
  enum class Kind { kString, kNumber, kBool, kNull };
  struct Value {
    Kind kind;
    std::string text;  // the string; empty for the other kinds (no caller reads them)
  };
  class Reader;  // the Boost.JSON event handler that fills values_ (json.cc)
  std::map<std::string, Value> values_;
};

}  // namespace simpul::web

#endif  // SIMPUL_WEB_JSON_H_
