// web/sessions.h: tokens, timeouts, cookies and the CSRF check.
#include "web/sessions.h"

#include <doctest/doctest.h>

#include <set>

namespace simpul::web {
namespace {

constexpr int64_t kMin = 60 * 1000;

HttpRequest WithHeader(const std::string& name, const std::string& value) {
  HttpRequest r;
  r.method = "POST";
  r.target = "/api/v1/x";
  if (!name.empty()) r.headers.push_back({name, value});
  return r;
}

bool IsHex64(const std::string& s) {
  return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

TEST_CASE("sessions: a new session has random 256-bit tokens, and is found by its token only") {
  SessionStore store(SessionOptions{});
  auto a = store.Create("siti", "hub_verifier", "id", 1000);
  auto b = store.Create("siti", "hub_verifier", "id", 1000);
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(IsHex64(a->token));
  CHECK(IsHex64(a->session.csrf_token));
  std::set<std::string> all = {a->token, b->token, a->session.csrf_token, b->session.csrf_token};
  CHECK(all.size() == 4);
  auto found = store.Touch(a->token, 2000);
  REQUIRE(found.has_value());
  CHECK(found->user == "siti");
  CHECK(found->role == "hub_verifier");
  CHECK(found->csrf_token == a->session.csrf_token);
  CHECK_FALSE(store.Touch(a->session.csrf_token, 2000).has_value());  // the CSRF token is no session
  std::string forged = a->token;
  forged[10] = forged[10] == 'a' ? 'b' : 'a';
  CHECK_FALSE(store.Touch(forged, 2000).has_value());
  CHECK_FALSE(store.Touch("", 2000).has_value());
  CHECK_FALSE(store.Touch(a->token.substr(1), 2000).has_value());
}

TEST_CASE("sessions: the idle timeout restarts with each request; the absolute one does not") {
  SessionOptions o;
  o.idle_timeout_ms = 30 * kMin;
  o.absolute_timeout_ms = 120 * kMin;
  SessionStore store(o);
  auto s = store.Create("budi", "approving_official", "en", 0);
  REQUIRE(s.ok());
  CHECK(store.Touch(s->token, 29 * kMin).has_value());
  CHECK(store.Touch(s->token, 58 * kMin).has_value());  // 29 min after the last request
  CHECK(store.Touch(s->token, 87 * kMin).has_value());
  CHECK(store.Touch(s->token, 116 * kMin).has_value());
  CHECK_FALSE(store.Touch(s->token, 121 * kMin).has_value());  // 2 h after sign-in: over
  auto idle = store.Create("budi", "approving_official", "en", 0);
  REQUIRE(idle.ok());
  CHECK_FALSE(store.Touch(idle->token, 30 * kMin).has_value());  // 30 min idle: over
  CHECK_FALSE(store.Touch(idle->token, 1).has_value());           // and gone for good
}

TEST_CASE("sessions: sign-out and a disabled account end sessions") {
  SessionStore store(SessionOptions{});
  auto a = store.Create("siti", "hub_verifier", "id", 0);
  auto b = store.Create("budi", "approving_official", "id", 0);
  auto c = store.Create("siti", "hub_verifier", "id", 0);
  REQUIRE((a.ok() && b.ok() && c.ok()));
  CHECK(store.Destroy(a->token));
  CHECK_FALSE(store.Destroy(a->token));
  CHECK_FALSE(store.Touch(a->token, 1).has_value());
  store.DestroyUser("siti");
  CHECK_FALSE(store.Touch(c->token, 1).has_value());
  CHECK(store.Touch(b->token, 1).has_value());
  CHECK(store.size() == 1);
}

TEST_CASE("sessions: at the cap the least recently used session goes") {
  SessionOptions o;
  o.max_sessions = 2;
  SessionStore store(o);
  auto a = store.Create("a", "auditor", "id", 0);
  auto b = store.Create("b", "auditor", "id", 1);
  REQUIRE((a.ok() && b.ok()));
  CHECK(store.Touch(a->token, 2).has_value());  // b is now the least recently used
  auto c = store.Create("c", "auditor", "id", 3);
  REQUIRE(c.ok());
  CHECK(store.size() == 2);
  CHECK(store.Touch(a->token, 4).has_value());
  CHECK_FALSE(store.Touch(b->token, 4).has_value());
}

TEST_CASE("sessions: the cookie is HttpOnly, SameSite=Strict, Path=/, and Secure when configured") {
  SessionStore plain(SessionOptions{});
  std::string cookie = plain.CookieFor("T");
  CHECK(cookie == "simpul_session=T; Path=/; HttpOnly; SameSite=Strict");
  CHECK(plain.ClearingCookie().find("Max-Age=0") != std::string::npos);
  SessionOptions o;
  o.secure_cookie = true;
  SessionStore tls(o);
  CHECK(tls.CookieFor("T") == "simpul_session=T; Path=/; HttpOnly; SameSite=Strict; Secure");
  CHECK(tls.ClearingCookie().find("; Secure") != std::string::npos);
}

TEST_CASE("CSRF: only the session's own token in X-CSRF-Token passes") {
  SessionStore store(SessionOptions{});
  auto s = store.Create("siti", "hub_verifier", "id", 0);
  REQUIRE(s.ok());
  const Session& session = s->session;
  CHECK(CsrfTokenValid(session, WithHeader("x-csrf-token", session.csrf_token)));
  CHECK_FALSE(CsrfTokenValid(session, WithHeader("", "")));  // missing
  CHECK_FALSE(CsrfTokenValid(session, WithHeader("x-csrf-token", "")));
  CHECK_FALSE(CsrfTokenValid(session, WithHeader("x-csrf-token", s->token)));  // the cookie is not the token
  std::string forged = session.csrf_token;
  forged.back() = forged.back() == '0' ? '1' : '0';
  CHECK_FALSE(CsrfTokenValid(session, WithHeader("x-csrf-token", forged)));
  CHECK_FALSE(CsrfTokenValid(session, WithHeader("x-csrf-token", session.csrf_token + "0")));
  // A token in another header (or a cookie) does not count.
  CHECK_FALSE(CsrfTokenValid(session, WithHeader("x-csrf", session.csrf_token)));
  CHECK_FALSE(CsrfTokenValid(session, WithHeader("cookie", "x-csrf-token=" + session.csrf_token)));
  // A session without a token (never made by Create) accepts nothing.
  Session empty;
  CHECK_FALSE(CsrfTokenValid(empty, WithHeader("x-csrf-token", "")));
}

TEST_CASE("CSRF: which methods change state") {
  for (const char* m : {"POST", "PUT", "PATCH", "DELETE"}) CHECK(IsStateChanging(m));
  for (const char* m : {"GET", "HEAD", "OPTIONS"}) CHECK_FALSE(IsStateChanging(m));
}

}  // namespace
}  // namespace simpul::web
