#include "web/sessions.h"

#include <sodium.h>

#include <algorithm>

namespace simpul::web {
namespace {

std::string Hex(const unsigned char* p, size_t n) {
  std::string out(n * 2, '\0');
  sodium_bin2hex(out.data(), out.size() + 1, p, n);  // writes n*2 digits and a NUL
  return out;
}

std::string HashOf(const std::string& token) {
  unsigned char h[32];
  crypto_generichash(h, sizeof h, reinterpret_cast<const unsigned char*>(token.data()), token.size(), nullptr, 0);
  return Hex(h, sizeof h);
}

}  // namespace

std::string RandomToken() {
  if (sodium_init() < 0) return {};
  unsigned char b[32];
  randombytes_buf(b, sizeof b);
  std::string out = Hex(b, sizeof b);
  sodium_memzero(b, sizeof b);
  return out;
}

Result<SessionStore::Created> SessionStore::Create(const std::string& user, const std::string& role,
                                                   const std::string& lang, int64_t now_ms) {
  std::string token = RandomToken(), csrf = RandomToken();
  if (token.empty() || csrf.empty()) return Status::Internal("libsodium failed to initialise");
  Session s{user, role, lang, csrf, now_ms, now_ms};
  std::lock_guard<std::mutex> lock(mu_);
  // Expired sessions go first; then, at the cap, the least recently used.
  for (auto it = by_hash_.begin(); it != by_hash_.end();)
    it = Expired(it->second, now_ms) ? by_hash_.erase(it) : std::next(it);
  if (by_hash_.size() >= std::max<size_t>(1, options_.max_sessions)) {
    auto oldest = std::min_element(by_hash_.begin(), by_hash_.end(), [](const auto& a, const auto& b) {
      return a.second.last_seen_ms < b.second.last_seen_ms;
    });
    by_hash_.erase(oldest);
  }
  by_hash_[HashOf(token)] = s;
  return Created{std::move(token), std::move(s)};
}

bool SessionStore::Expired(const Session& s, int64_t now_ms) const {
  return now_ms - s.last_seen_ms >= options_.idle_timeout_ms || now_ms - s.created_ms >= options_.absolute_timeout_ms;
}

std::optional<Session> SessionStore::Touch(const std::string& token, int64_t now_ms) {
  if (token.size() != 64) return std::nullopt;
  std::lock_guard<std::mutex> lock(mu_);
  auto it = by_hash_.find(HashOf(token));
  if (it == by_hash_.end()) return std::nullopt;
  if (Expired(it->second, now_ms)) {
    by_hash_.erase(it);
    return std::nullopt;
  }
  it->second.last_seen_ms = std::max(it->second.last_seen_ms, now_ms);
  return it->second;
}

bool SessionStore::SetLang(const std::string& token, const std::string& lang) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = by_hash_.find(HashOf(token));
  if (it == by_hash_.end()) return false;
  it->second.lang = lang;
  return true;
}

bool SessionStore::Destroy(const std::string& token) {
  std::lock_guard<std::mutex> lock(mu_);
  return by_hash_.erase(HashOf(token)) > 0;
}

void SessionStore::DestroyUser(const std::string& user) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = by_hash_.begin(); it != by_hash_.end();)
    it = it->second.user == user ? by_hash_.erase(it) : std::next(it);
}

size_t SessionStore::size() {
  std::lock_guard<std::mutex> lock(mu_);
  return by_hash_.size();
}

std::string SessionStore::CookieFor(const std::string& token) const {
  return options_.cookie_name + "=" + token + "; Path=/; HttpOnly; SameSite=Strict" +
         (options_.secure_cookie ? "; Secure" : "");
}

std::string SessionStore::ClearingCookie() const {
  return options_.cookie_name + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0" +
         (options_.secure_cookie ? "; Secure" : "");
}

bool IsStateChanging(std::string_view method) {
  return method != "GET" && method != "HEAD" && method != "OPTIONS";
}

bool CsrfTokenValid(const Session& session, const HttpRequest& req) {
  std::string_view sent = req.HeaderValue("x-csrf-token");
  if (session.csrf_token.size() != 64 || sent.size() != session.csrf_token.size()) return false;
  return sodium_memcmp(sent.data(), session.csrf_token.data(), sent.size()) == 0;
}

}  // namespace simpul::web
