#include "web/json.h"

// The only Boost translation unit of simpul_web: basic_parser is Boost.JSON's
// event (SAX) parser, so a body is checked as it is read and no DOM is built
// for what is refused anyway.
#include <boost/json/basic_parser_impl.hpp>

#include <new>

namespace simpul::web {
namespace json = boost::json;

// The handler basic_parser calls for each event of one body. It accepts one
// flat object and stops the parse at the first thing it refuses, keeping
// what that was in problem(): Boost.JSON's own error code cannot say
// "duplicate key". Events it refuses return false with `ec` set, as
// basic_parser requires.
class JsonObject::Reader {
 public:
  // Limits basic_parser enforces; the body is already bounded by kMaxJsonBody.
  static constexpr std::size_t max_object_size = kMaxJsonBody;
  static constexpr std::size_t max_array_size = kMaxJsonBody;
  static constexpr std::size_t max_key_size = kMaxJsonBody;
  static constexpr std::size_t max_string_size = kMaxJsonBody;

  explicit Reader(std::map<std::string, Value>* values) : values_(values) {}

  const std::string& problem() const { return problem_; }
  bool saw_object() const { return depth_ > 0 || closed_; }

  bool on_document_begin(json::error_code&) { return true; }
  bool on_document_end(json::error_code&) { return true; }
  bool on_object_begin(json::error_code& ec) {
    if (depth_ > 0) return Refuse(ec, "nested objects and arrays are not accepted");
    ++depth_;
    return true;
  }
  bool on_object_end(std::size_t, json::error_code&) {
    --depth_;
    closed_ = true;
    return true;
  }
  bool on_array_begin(json::error_code& ec) {
    return Refuse(ec, depth_ == 0 ? "expected a JSON object" : "nested objects and arrays are not accepted");
  }
  bool on_array_end(std::size_t, json::error_code&) { return true; }

  // Keys and strings may come in parts; the last part ends them.
  bool on_key_part(json::string_view s, std::size_t, json::error_code&) {
    key_.append(s.data(), s.size());
    return true;
  }
  bool on_key(json::string_view s, std::size_t, json::error_code& ec) {
    key_.append(s.data(), s.size());
    return key_.find('\0') == std::string::npos || Refuse(ec, "a NUL character in a key");
  }
  bool on_string_part(json::string_view s, std::size_t, json::error_code&) {
    text_.append(s.data(), s.size());
    return true;
  }
  bool on_string(json::string_view s, std::size_t, json::error_code& ec) {
    text_.append(s.data(), s.size());
    return Add(Kind::kString, ec);
  }

  // Numbers are kept only as "a number": no request reads one. Their text is
  // checked by Boost.JSON; out-of-range values arrive as doubles (inf).
  bool on_number_part(json::string_view, json::error_code&) { return true; }
  bool on_int64(std::int64_t, json::string_view, json::error_code& ec) { return Add(Kind::kNumber, ec); }
  bool on_uint64(std::uint64_t, json::string_view, json::error_code& ec) { return Add(Kind::kNumber, ec); }
  bool on_double(double, json::string_view, json::error_code& ec) { return Add(Kind::kNumber, ec); }
  bool on_bool(bool, json::error_code& ec) { return Add(Kind::kBool, ec); }
  bool on_null(json::error_code& ec) { return Add(Kind::kNull, ec); }

  // Comments are off in the parse options, so these never come.
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }

 private:
  // One value of the object, under the key read just before it.
  bool Add(Kind kind, json::error_code& ec) {
    if (depth_ == 0) return Refuse(ec, "expected a JSON object");
    if (text_.find('\0') != std::string::npos) return Refuse(ec, "a NUL character");
    if (values_->count(key_)) return Refuse(ec, "key '" + key_ + "' given twice");
    values_->emplace(std::move(key_), Value{kind, std::move(text_)});
    key_.clear();
    text_.clear();
    return true;
  }

  bool Refuse(json::error_code& ec, std::string what) {
    problem_ = std::move(what);
    ec = json::error::syntax;  // stops the parser; problem_ says why
    return false;
  }

  std::map<std::string, Value>* values_;  // the JsonObject being filled; outlives the reader
  std::string key_, text_;
  int depth_ = 0;
  bool closed_ = false;
  std::string problem_;
};

namespace {

Status Fail(const std::string& what, std::size_t at) {
  return Status::InvalidArgument("request body: " + what + " at byte " + std::to_string(at)).WithField("body");
}

// Boost.JSON's error, in the words of a request body's problem. `at` is
// where the parser stopped (at the offending byte for bad UTF-8).
std::string Describe(const json::error_code& ec, std::string_view text, std::size_t at, bool saw_object) {
  if (ec == json::error::incomplete) return saw_object ? "the text ends inside the object" : "expected a JSON object";
  if (ec == json::error::syntax && at < text.size() && static_cast<unsigned char>(text[at]) >= 0x80)
    return "invalid UTF-8";
  if (ec == json::error::syntax && !saw_object) return "expected a JSON object";
  if (ec == json::error::illegal_leading_surrogate || ec == json::error::illegal_trailing_surrogate ||
      ec == json::error::expected_utf16_escape)
    return "a lone surrogate";
  if (ec == json::error::expected_hex_digit) return "a bad \\u escape";
  if (ec == json::error::exponent_overflow) return "a number's exponent is too large";
  if (ec == json::error::too_deep) return "nested objects and arrays are not accepted";
  return "malformed JSON (" + ec.message() + ")";
}

}  // namespace

Result<JsonObject> JsonObject::Parse(std::string_view text) {
  if (text.size() > kMaxJsonBody)
    return Status::ResourceExhausted("request body over " + std::to_string(kMaxJsonBody) + " bytes").WithField("body");
  JsonObject out;
  json::parse_options options;  // standard JSON: no comments, no trailing commas, UTF-8 checked
  options.max_depth = 2;        // the reader refuses depth 2 first; this bounds the parser's own stack
  json::basic_parser<Reader> parser(options, &out.values_);
  json::error_code ec;
  std::size_t used = 0;
  try {
    used = parser.write_some(/*more=*/false, text.data(), text.size(), ec);
  } catch (const std::bad_alloc&) {
    return Status::ResourceExhausted("request body: out of memory while reading it").WithField("body");
  }
  const Reader& reader = parser.handler();
  if (!reader.problem().empty()) return Fail(reader.problem(), used);
  if (ec) return Fail(Describe(ec, text, used, reader.saw_object()), used);
  // basic_parser stops after one complete value (and the spaces after it).
  if (used != text.size()) return Fail("text after the object", used);
  return out;
}

std::string JsonObject::String(const std::string& key) const {
  auto it = values_.find(key);
  return it != values_.end() && it->second.kind == Kind::kString ? it->second.text : std::string();
}

bool JsonObject::IsString(const std::string& key) const {
  auto it = values_.find(key);
  return it != values_.end() && it->second.kind == Kind::kString;
}

}  // namespace simpul::web
