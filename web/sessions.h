// Signed-in sessions of a web application, kept in memory (a restart signs
// everyone out), and the CSRF check of every state-changing request.
//
// A session is named by a random 256-bit token (libsodium) that only the
// browser holds, in a cookie marked HttpOnly (no script reads it),
// SameSite=Strict (no other site's page sends it), Path=/ and, when the
// application is reached over TLS (a reverse proxy, or a certificate in the
// configuration), Secure. The store keeps the token's BLAKE2b hash, not the
// token. A session ends when signed out, after `idle_timeout_ms` without a
// request, or `absolute_timeout_ms` after sign-in, whichever comes first.
//
// CSRF: each session has a second random token, given to the page in the
// sign-in reply and in GET /api/v1/session; the page's script sends it back
// in the X-CSRF-Token header of every POST/PUT/PATCH/DELETE. Another site
// can make a browser send the cookie (older browsers ignore SameSite) but
// cannot read the token, so the header proves the request came from our
// page. Compared in constant time.
//
// Times are passed in (milliseconds of any monotonic or wall clock, the
// same for every call), so tests need no sleeping.
//
// Thread-safety: SessionStore is internally locked; a Session returned by
// value is a copy.
#ifndef SIMPUL_WEB_SESSIONS_H_
#define SIMPUL_WEB_SESSIONS_H_

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "schema/status.h"
#include "web/http.h"

namespace simpul::web {

struct SessionOptions {
  int64_t idle_timeout_ms = 30 * 60 * 1000;         // 30 minutes without a request
  int64_t absolute_timeout_ms = 12 * 3600 * 1000;   // a working day
  bool secure_cookie = false;                       // add Secure (behind TLS)
  std::string cookie_name = "simpul_session";
  size_t max_sessions = 10000;                      // beyond: the oldest idle goes
};

struct Session {
  std::string user, role;
  std::string lang;          // "id" or "en": the language the person chose
  std::string csrf_token;    // 64 hex digits
  int64_t created_ms = 0, last_seen_ms = 0;
};

class SessionStore {
 public:
  explicit SessionStore(SessionOptions options) : options_(std::move(options)) {}
  SessionStore(const SessionStore&) = delete;
  SessionStore& operator=(const SessionStore&) = delete;

  // A new session for `user`; returns its token (for the cookie) and the
  // session (with its CSRF token). Internal if the system has no randomness.
  struct Created {
    std::string token;
    Session session;
  };
  Result<Created> Create(const std::string& user, const std::string& role, const std::string& lang,
                         int64_t now_ms);
  // The live session of `token` (its idle time restarts), or nullopt when
  // there is none or it expired (an expired one is removed).
  std::optional<Session> Touch(const std::string& token, int64_t now_ms);
  // Changes the session's language; false when there is no such session.
  bool SetLang(const std::string& token, const std::string& lang);
  // Ends the session of `token` (signing out); false when there was none.
  bool Destroy(const std::string& token);
  // Ends every session of `user` (account disabled or its password changed).
  void DestroyUser(const std::string& user);
  size_t size();

  // The Set-Cookie values that give a browser `token`, and that remove it.
  std::string CookieFor(const std::string& token) const;
  std::string ClearingCookie() const;
  const SessionOptions& options() const { return options_; }

 private:
  bool Expired(const Session& s, int64_t now_ms) const;

  const SessionOptions options_;
  std::mutex mu_;
  std::unordered_map<std::string, Session> by_hash_;  // BLAKE2b(token) hex -> session
};

// True for methods that may change something (anything but GET, HEAD,
// OPTIONS): these need the CSRF header.
bool IsStateChanging(std::string_view method);
// True when `req` carries X-CSRF-Token equal to `session.csrf_token`.
bool CsrfTokenValid(const Session& session, const HttpRequest& req);

// 32 random bytes as 64 lower-case hex digits; "" if libsodium cannot start.
std::string RandomToken();

}  // namespace simpul::web

#endif  // SIMPUL_WEB_SESSIONS_H_
