// The one JSON reader of the tests: the CLIs' --json output, the web API's
// replies, linkemu's stats. A plain value tree (read by Boost.JSON in
// json.cc) with forgiving accessors: a missing key or index gives a
// "missing" value, so a test CHECKs the value instead of crashing on it.
#ifndef SIMPUL_TESTS_SUPPORT_JSON_H_
#define SIMPUL_TESTS_SUPPORT_JSON_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace simpul::testing {

struct Json {
  enum class K { kMissing, kNull, kBool, kNum, kStr, kArr, kObj } k = K::kMissing;
  bool b = false;
  double n = 0;
  std::string s;
  std::vector<Json> a;
  std::vector<std::pair<std::string, Json>> o;

  bool missing() const { return k == K::kMissing; }
  bool is_null() const { return k == K::kNull; }
  bool is_bool() const { return k == K::kBool; }
  size_t size() const { return k == K::kArr ? a.size() : k == K::kObj ? o.size() : 0; }
  const Json& operator[](const std::string& key) const;
  const Json& operator[](size_t i) const;
  std::string str() const { return k == K::kStr ? s : std::string(); }
  int64_t num() const { return k == K::kNum ? static_cast<int64_t>(n) : -1; }
  bool truthy() const { return k == K::kBool && b; }
  // A scalar as text, for comparisons across the two CLIs.
  std::string scalar() const;
};

// Parses `text`; throws std::runtime_error naming the problem and the text
// (a test that gets bad JSON fails with both in its report).
Json ParseJson(const std::string& text);

// Integer value of "key" in a flat JSON object; -1 if absent or not a number.
long long FlatJsonInt(const std::string& json, const std::string& key);

}  // namespace simpul::testing

#endif  // SIMPUL_TESTS_SUPPORT_JSON_H_
