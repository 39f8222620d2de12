#include "web/json.h"

namespace simpul::web {
namespace {

class Parser {
 public:
  explicit Parser(std::string_view t) : t_(t) {}

  Status Fail(const std::string& what) const {
    return Status::InvalidArgument("request body: " + what + " at byte " + std::to_string(i_)).WithField("body");
  }
  void Space() {
    while (i_ < t_.size() && (t_[i_] == ' ' || t_[i_] == '\t' || t_[i_] == '\n' || t_[i_] == '\r')) ++i_;
  }
  bool Eat(char c) {
    Space();
    if (i_ < t_.size() && t_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }
  bool AtEnd() {
    Space();
    return i_ == t_.size();
  }
  char Peek() {
    Space();
    return i_ < t_.size() ? t_[i_] : '\0';
  }

  Status ReadString(std::string* out) {
    if (!Eat('"')) return Fail("expected a string");
    out->clear();
    while (i_ < t_.size()) {
      char c = t_[i_++];
      if (c == '"') {
        if (!IsValidUtf8(*out)) return Fail("a string is not valid UTF-8");
        return Status::Ok();
      }
      if (static_cast<unsigned char>(c) < 0x20) return Fail("a control character inside a string");
      if (c != '\\') {
        out->push_back(c);
        continue;
      }
      if (i_ >= t_.size()) break;
      char e = t_[i_++];
      switch (e) {
        case '"': out->push_back('"'); break;
        case '\\': out->push_back('\\'); break;
        case '/': out->push_back('/'); break;
        case 'b': out->push_back('\b'); break;
        case 'f': out->push_back('\f'); break;
        case 'n': out->push_back('\n'); break;
        case 'r': out->push_back('\r'); break;
        case 't': out->push_back('\t'); break;
        case 'u': {
          uint32_t cp;
          SIMPUL_RETURN_IF_ERROR(Hex4(&cp));
          if (cp >= 0xD800 && cp <= 0xDBFF) {  // a high surrogate needs its low half
            uint32_t lo;
            if (i_ + 1 >= t_.size() || t_[i_] != '\\' || t_[i_ + 1] != 'u') return Fail("a lone surrogate");
            i_ += 2;
            SIMPUL_RETURN_IF_ERROR(Hex4(&lo));
            if (lo < 0xDC00 || lo > 0xDFFF) return Fail("a lone surrogate");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return Fail("a lone surrogate");
          }
          if (cp == 0) return Fail("a NUL character");
          Utf8(cp, out);
          break;
        }
        default: return Fail("an unknown escape");
      }
    }
    return Fail("an unterminated string");
  }

  Status Hex4(uint32_t* cp) {
    if (i_ + 4 > t_.size()) return Fail("a short \\u escape");
    *cp = 0;
    for (int k = 0; k < 4; ++k) {
      char c = t_[i_++];
      int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
      if (d < 0) return Fail("a bad \\u escape");
      *cp = *cp * 16 + static_cast<uint32_t>(d);
    }
    return Status::Ok();
  }

  static void Utf8(uint32_t cp, std::string* out) {
    if (cp < 0x80) {
      out->push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  Status ReadScalar(std::string* text) {
    Space();
    size_t start = i_;
    for (const char* lit : {"true", "false", "null"}) {
      std::string_view l(lit);
      if (t_.substr(i_, l.size()) == l) {
        i_ += l.size();
        *text = std::string(l);
        return Status::Ok();
      }
    }
    // A number: -?digits(.digits)?([eE][+-]?digits)?
    if (i_ < t_.size() && t_[i_] == '-') ++i_;
    size_t digits = i_;
    while (i_ < t_.size() && t_[i_] >= '0' && t_[i_] <= '9') ++i_;
    if (i_ == digits) return Fail("expected a value (string, number, true, false or null)");
    if (i_ < t_.size() && t_[i_] == '.') {
      ++i_;
      size_t frac = i_;
      while (i_ < t_.size() && t_[i_] >= '0' && t_[i_] <= '9') ++i_;
      if (i_ == frac) return Fail("a malformed number");
    }
    if (i_ < t_.size() && (t_[i_] == 'e' || t_[i_] == 'E')) {
      ++i_;
      if (i_ < t_.size() && (t_[i_] == '+' || t_[i_] == '-')) ++i_;
      size_t exp = i_;
      while (i_ < t_.size() && t_[i_] >= '0' && t_[i_] <= '9') ++i_;
      if (i_ == exp) return Fail("a malformed number");
    }
    *text = std::string(t_.substr(start, i_ - start));
    return Status::Ok();
  }

  size_t pos() const { return i_; }

 private:
  std::string_view t_;
  size_t i_ = 0;
};

}  // namespace

bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t n;
    uint32_t cp;
    if (c < 0x80) { ++i; continue; }
    if ((c & 0xE0) == 0xC0) { n = 1; cp = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { n = 2; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { n = 3; cp = c & 0x07; }
    else return false;
    if (i + n >= s.size()) return false;
    for (size_t k = 1; k <= n; ++k) {
      auto d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += n + 1;
  }
  return true;
}

Result<JsonObject> JsonObject::Parse(std::string_view text) {
  if (text.size() > kMaxJsonBody)
    return Status::ResourceExhausted("request body over " + std::to_string(kMaxJsonBody) + " bytes").WithField("body");
  Parser p(text);
  JsonObject out;
  if (!p.Eat('{')) return p.Fail("expected a JSON object");
  if (!p.Eat('}')) {
    for (;;) {
      std::string key;
      SIMPUL_RETURN_IF_ERROR(p.ReadString(&key));
      if (!p.Eat(':')) return p.Fail("expected ':'");
      Value v;
      char next = p.Peek();
      if (next == '"') {
        v.kind = Kind::kString;
        SIMPUL_RETURN_IF_ERROR(p.ReadString(&v.text));
      } else if (next == '{' || next == '[') {
        return p.Fail("nested objects and arrays are not accepted");
      } else {
        SIMPUL_RETURN_IF_ERROR(p.ReadScalar(&v.text));
        v.kind = v.text == "null" ? Kind::kNull : v.text == "true" || v.text == "false" ? Kind::kBool : Kind::kNumber;
      }
      if (!out.values_.emplace(key, std::move(v)).second) return p.Fail("key '" + key + "' given twice");
      if (p.Eat(',')) continue;
      if (p.Eat('}')) break;
      return p.Fail("expected ',' or '}'");
    }
  }
  if (!p.AtEnd()) return p.Fail("text after the object");
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
