#include "tests/support/json.h"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <sstream>
#include <stdexcept>

namespace simpul::testing {
namespace {

Json From(const boost::json::value& v) {
  Json j;
  switch (v.kind()) {
    case boost::json::kind::null: j.k = Json::K::kNull; break;
    case boost::json::kind::bool_: j.k = Json::K::kBool; j.b = v.get_bool(); break;
    case boost::json::kind::int64: j.k = Json::K::kNum; j.n = static_cast<double>(v.get_int64()); break;
    case boost::json::kind::uint64: j.k = Json::K::kNum; j.n = static_cast<double>(v.get_uint64()); break;
    case boost::json::kind::double_: j.k = Json::K::kNum; j.n = v.get_double(); break;
    case boost::json::kind::string: j.k = Json::K::kStr; j.s = std::string(v.get_string()); break;
    case boost::json::kind::array:
      j.k = Json::K::kArr;
      for (const auto& e : v.get_array()) j.a.push_back(From(e));
      break;
    case boost::json::kind::object:
      j.k = Json::K::kObj;
      for (const auto& [key, e] : v.get_object()) j.o.emplace_back(std::string(key), From(e));
      break;
  }
  return j;
}

}  // namespace

const Json& Json::operator[](const std::string& key) const {
  static const Json kNone;
  for (const auto& [kk, v] : o)
    if (kk == key) return v;
  return kNone;
}

const Json& Json::operator[](size_t i) const {
  static const Json kNone;
  return k == K::kArr && i < a.size() ? a[i] : kNone;
}

std::string Json::scalar() const {
  switch (k) {
    case K::kNull: return "null";
    case K::kBool: return b ? "true" : "false";
    case K::kNum: {
      std::ostringstream out;
      out << n;
      return out.str();
    }
    case K::kStr: return "\"" + s + "\"";
    default: return "?";
  }
}

Json ParseJson(const std::string& text) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(text, ec);
  if (ec) throw std::runtime_error("bad JSON (" + ec.message() + ") in: " + text);
  return From(v);
}

long long FlatJsonInt(const std::string& json, const std::string& key) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(json, ec);
  if (ec || !v.is_object()) return -1;
  const boost::json::value* f = v.get_object().if_contains(key);
  if (!f) return -1;
  if (f->is_int64()) return f->get_int64();
  if (f->is_uint64()) return static_cast<long long>(f->get_uint64());
  if (f->is_double()) return static_cast<long long>(f->get_double());
  return -1;
}

}  // namespace simpul::testing
