#include "web/http.h"

// Boost.URL does the percent-coding; this is its only translation unit in
// simpul_web (nothing Boost in web/http.h).
#include <boost/url/encode.hpp>
#include <boost/url/pct_string_view.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include <algorithm>
#include <cctype>

namespace simpul::web {
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

boost::urls::string_view UrlView(std::string_view s) { return boost::urls::string_view(s.data(), s.size()); }

}  // namespace

std::string_view HttpRequest::HeaderValue(std::string_view name) const {
  for (const auto& h : headers)
    if (EqualsIgnoreCase(h.name, name)) return h.value;
  return {};
}

std::string_view HttpRequest::Path() const {
  std::string_view t = target;
  return t.substr(0, t.find('?'));
}

std::string HttpRequest::Query(std::string_view key) const {
  auto q = target.find('?');
  if (q == std::string::npos) return {};
  auto all = ParseQuery(std::string_view(target).substr(q + 1));
  auto it = all.find(std::string(key));
  return it == all.end() ? std::string() : it->second;
}

std::string HttpRequest::Cookie(std::string_view name) const {
  for (const auto& h : headers) {
    if (h.name != "cookie") continue;
    std::string_view rest = h.value;
    while (!rest.empty()) {
      auto semi = rest.find(';');
      std::string_view pair = Trim(rest.substr(0, semi));
      rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
      auto eq = pair.find('=');
      if (eq == std::string_view::npos) continue;
      if (Trim(pair.substr(0, eq)) != name) continue;
      std::string_view value = Trim(pair.substr(eq + 1));
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
      return std::string(value);
    }
  }
  return {};
}

std::string HttpRequest::PeerAddress() const {
  std::string_view p = peer;
  if (!p.empty() && p.front() == '[') {  // "[::1]:8080"
    auto close = p.find(']');
    return std::string(p.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1));
  }
  auto colon = p.rfind(':');
  return std::string(colon == std::string_view::npos ? p : p.substr(0, colon));
}

HttpResponse& HttpResponse::Set(std::string_view name, std::string value) {
  std::string key = Lower(name);
  headers.erase(std::remove_if(headers.begin(), headers.end(), [&](const Header& h) { return h.name == key; }),
                headers.end());
  headers.push_back({std::move(key), std::move(value)});
  return *this;
}

HttpResponse& HttpResponse::Add(std::string_view name, std::string value) {
  headers.push_back({Lower(name), std::move(value)});
  return *this;
}

std::string_view HttpResponse::HeaderValue(std::string_view name) const {
  for (const auto& h : headers)
    if (EqualsIgnoreCase(h.name, name)) return h.value;
  return {};
}

bool PercentDecode(std::string_view in, bool plus_is_space, std::string* out) {
  out->clear();
  // Checks every '%' escape (two hex digits); other bytes pass as they are.
  auto checked = boost::urls::make_pct_string_view(UrlView(in));
  if (!checked) return false;
  boost::urls::encoding_opts options;
  options.space_as_plus = plus_is_space;
  *out = checked->decode(options);
  return out->find('\0') == std::string::npos;  // a NUL, sent raw or as %00, ends C strings downstream
}

std::string PercentEncode(std::string_view in) {
  return boost::urls::encode(UrlView(in), boost::urls::unreserved_chars);  // upper-case hex, ' ' as %20
}

// The split on '&' and '=' stays here: Boost.URL's parse_query refuses the
// whole query for one bad escape or one raw byte RFC 3986 does not allow
// ('|', a space, UTF-8), where browsers send such bytes and we skip only the
// pair at fault.
std::map<std::string, std::string> ParseQuery(std::string_view query) {
  std::map<std::string, std::string> out;
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    std::string key, value;
    if (!PercentDecode(pair.substr(0, eq), true, &key)) continue;
    if (eq != std::string_view::npos && !PercentDecode(pair.substr(eq + 1), true, &value)) continue;
    out.emplace(std::move(key), std::move(value));
  }
  return out;
}

const char* StatusText(int status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 413: return "Payload Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "";
  }
}

}  // namespace simpul::web
