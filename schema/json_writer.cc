#include "schema/json_writer.h"

#include <cmath>
#include <cstdio>

namespace simpul::schema {

std::string JsonEscape(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

void JsonWriter::Sep() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!first_.back()) out_ += ',';
  first_.back() = false;
}

JsonWriter& JsonWriter::Open(char c) {
  Sep();
  out_ += c;
  first_.push_back(true);
  return *this;
}

JsonWriter& JsonWriter::Close(char c) {
  first_.pop_back();
  out_ += c;
  return *this;
}

JsonWriter& JsonWriter::Key(std::string_view k) {
  Sep();
  out_ += JsonEscape(k);
  out_ += ':';
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::String(std::string_view s) {
  Sep();
  out_ += JsonEscape(s);
  return *this;
}
JsonWriter& JsonWriter::Int(int64_t v) {
  Sep();
  out_ += std::to_string(v);
  return *this;
}
JsonWriter& JsonWriter::Number(double v) {
  Sep();
  if (!std::isfinite(v)) {
    out_ += "null";
    return *this;
  }
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  out_ += buf;
  return *this;
}
JsonWriter& JsonWriter::Bool(bool v) {
  Sep();
  out_ += v ? "true" : "false";
  return *this;
}
JsonWriter& JsonWriter::Null() {
  Sep();
  out_ += "null";
  return *this;
}
JsonWriter& JsonWriter::Val(const Value& v) {
  switch (v.index()) {
    case 0: return Null();
    case 1: return Int(std::get<int64_t>(v));
    case 2: return Number(std::get<double>(v));
    case 3: return String(std::get<std::string>(v));
    default: return String(ValueToDisplay(v));
  }
}

}  // namespace simpul::schema
