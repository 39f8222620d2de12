// The kiosk listener (`simpul-node ui --kiosk`): what a resident's phone on
// the office network may reach, and nothing else.
//
//   GET  /                        the registration form (node/web/kiosk.html)
//   GET  /assets/kiosk.js, kiosk.css, photo.js
//   GET  /kiosk/v1/strings?lang=  the form's texts and choices (no data)
//   POST /kiosk/v1/registrations?kk=N&ktp=N
//        body: the form's flat JSON object, "\n", then the KK photo's N
//        bytes and the KTP photo's N bytes (each optional); 201 with the
//        receipt number only
//
// Every other path answers 404, /api/v1/... included: the kiosk reads
// nothing from the store. Requests must name the kiosk's own address in
// Host (DNS rebinding) and come from a local-network address; a POST must
// carry Origin http://<kiosk address> (docs/SECURITY.md: why an Origin
// check and not a token) and passes the rate limit (per client address and
// global, web::RateLimit) before its body is parsed.
#include <cstdlib>

#include "node/api/api_call.h"
#include "node/kiosk_net.h"
#include "node/kiosk_store.h"
#include "node/ui_texts.h"
#include "node/web/page_strings.h"
#include "schema/model.h"
#include "schema/validate.h"

namespace simpul::node::api {
namespace {

constexpr const char* kKioskAssets[] = {"/assets/kiosk.js", "/assets/kiosk.css", "/assets/photo.js"};
constexpr const char* kPersonKeys[] = {"name", "nik", "relation", "birth_place", "birth_date",
                                       "sex",  "phone", "phone_consent", "disability"};
constexpr const char* kHouseholdKeys[] = {"no_kk", "address", "rt", "rw", "service", "purpose"};

bool SameHost(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

web::HttpResponse NotFoundPage(Lang lang) {
  return web::HttpResponse(404, "text/plain; charset=utf-8", Msg(lang, MsgId::kWebNotFound) + "\n");
}

void WriteCodes(JsonWriter& j, Lang lang, const char* key, std::span<const schema::CodeLabel> codes) {
  j.Key(key).BeginArray();
  for (const auto& c : codes)
    j.BeginObject().Field("code", c.code).Field("label", lang == Lang::kId ? c.label_id : c.label_en).EndObject();
  j.EndArray();
}

web::HttpResponse Strings(Lang lang) {
  JsonWriter j;
  j.BeginObject().Field("lang", web::LangCode(lang)).Key("strings");
  WriteKioskPageStrings(lang, j);
  WriteCodes(j, lang, "relations", schema::kRelations);
  WriteCodes(j, lang, "sexes", schema::kSexes);
  WriteCodes(j, lang, "services", schema::kApplicationTypes);
  j.Field("photo_limit", static_cast<int64_t>(8ull << 20));
  auto r = JsonReply(200, j.EndObject().str());
  r.Set("cache-control", "no-cache");
  return r;
}

// The form's fields the kiosk keeps (known keys only, as typed), as JSON.
std::string KeptFields(const web::JsonObject& form) {
  JsonWriter j;
  j.BeginObject();
  for (const char* k : kHouseholdKeys)
    if (form.IsString(k) && !form.String(k).empty()) j.Field(k, form.String(k));
  for (int i = 0; i < kMaxFormMembers; ++i)
    for (const char* k : kPersonKeys) {
      std::string key = "m" + std::to_string(i) + "." + k;
      if (form.IsString(key) && !form.String(key).empty()) j.Field(key, form.String(key));
    }
  return j.EndObject().str();
}

// What the resident can fix at once: a missing address or name, a NIK or
// No. KK that is no NIK or No. KK (format only: the kiosk looks nothing up).
web::HttpResponse FormProblem(Lang lang, const web::JsonObject& form) {
  auto required = [&](const char* key, const char* label) {
    return ErrorReply(400, "invalid_argument", Msg(lang, MsgId::kFieldRequired, {Tr(lang, label)}), key);
  };
  if (form.String("address").empty()) return required("address", "Address");
  if (form.String("m0.name").empty()) return required("m0.name", "Name");
  if (std::string kk = form.String("no_kk"); !kk.empty())
    if (auto v = schema::ValidateKk(kk); !v.ok())
      return ErrorReply(400, "invalid_argument", Describe(lang, v.status()), "no_kk");
  for (int i = 0; i < kMaxFormMembers; ++i) {
    std::string key = "m" + std::to_string(i) + ".nik";
    if (std::string nik = form.String(key); !nik.empty())
      if (auto v = schema::ValidateNik(nik, nullptr, nullptr); !v.ok())
        return ErrorReply(400, "invalid_argument", Describe(lang, v.status()), key);
  }
  return web::HttpResponse(0, "", "");
}

web::HttpResponse Submit(AppState& state, const web::HttpRequest& req, int64_t now_ms, Lang lang) {
  const std::string expected_origin = "http://" + state.options.kiosk_address;
  if (!SameHost(req.HeaderValue("origin"), expected_origin))
    return ErrorReply(403, "csrf", Msg(lang, MsgId::kKioskOriginRefused));
  if (int64_t wait = state.kiosk_rate.Take(req.PeerAddress(), now_ms); wait > 0) {
    int64_t seconds = (wait + 999) / 1000;
    auto r = ErrorReply(429, "resource_exhausted", Msg(lang, MsgId::kKioskThrottled, {std::to_string(seconds)}));
    r.Set("retry-after", std::to_string(seconds));
    return r;
  }
  if (!state.store) return ErrorReply(503, "locked", Msg(lang, MsgId::kKioskClosed));
  // The body: the form's JSON line, then the photos of the sizes the query names.
  const std::string& body = req.body;
  size_t eol = body.find('\n');
  if (eol == std::string::npos || eol > web::kMaxJsonBody)
    return ErrorReply(400, "invalid_argument", Msg(lang, MsgId::kWebJsonRequired));
  auto form = web::JsonObject::Parse(std::string_view(body).substr(0, eol));
  if (!form.ok()) return ErrorReply(400, "invalid_argument", Describe(lang, form.status()));
  KioskSubmission s;
  size_t at = eol + 1;
  for (const char* kind : kKioskPhotoKinds) {
    std::string size = req.Query(kind);
    if (size.empty()) continue;
    if (size.size() > 10 || size.find_first_not_of("0123456789") != std::string::npos ||
        std::strtoull(size.c_str(), nullptr, 10) > body.size() - at)
      return ErrorReply(400, "invalid_argument", Msg(lang, MsgId::kWebUploadEmpty, {kind}),
                        std::string("photo_") + kind);
    size_t n = std::strtoull(size.c_str(), nullptr, 10);
    s.photos.push_back({kind, "", body.substr(at, n)});
    at += n;
  }
  if (at != body.size()) return ErrorReply(400, "invalid_argument", Msg(lang, MsgId::kWebJsonRequired));
  if (auto problem = FormProblem(lang, *form); problem.status != 0) return problem;
  s.fields = KeptFields(*form);
  s.client = req.PeerAddress();
  s.now_ms = now_ms;
  auto receipt = SubmitRegistration(*state.store, s, state.options.kiosk_limits, lang);
  if (!receipt.ok()) {
    const Status& st = receipt.status();
    if (st.msg_id() == MsgId::kKioskQueueFull) {
      auto r = ErrorReply(503, "resource_exhausted", Describe(lang, st));
      r.Set("retry-after", "600");
      return r;
    }
    int http = web::StatusToHttp(st.code());
    return ErrorReply(http == 500 ? 500 : http, web::ApiCodeName(st.code()), Describe(lang, st), st.field());
  }
  return JsonReply(201, JsonWriter().BeginObject().Field("receipt", *receipt)
                            .Field("message", Msg(lang, MsgId::kKioskReceived, {*receipt})).EndObject().str());
}

}  // namespace

web::HttpResponse HandleKiosk(AppState& state, const web::StaticFiles& files, const web::HttpRequest& req,
                              int64_t now_ms) {
  Lang lang = web::ParseLang(req.Query("lang"), Lang::kId);
  if (!SameHost(req.HeaderValue("host"), state.options.kiosk_address))
    return ErrorReply(421, "host_refused",
                      Msg(lang, MsgId::kWebHostRefused, {std::string(req.HeaderValue("host").substr(0, 100))}));
  if (!IsLocalNetworkAddress(req.PeerAddress())) return ErrorReply(403, "permission_denied", Msg(lang, MsgId::kKioskOriginRefused));
  const std::string_view path = req.Path();
  if (path == "/kiosk/v1/registrations") {
    if (req.method != "POST") return ErrorReply(405, "method_not_allowed", Msg(lang, MsgId::kWebMethodNotAllowed));
    return Submit(state, req, now_ms, lang);
  }
  if (req.method != "GET" && req.method != "HEAD") return NotFoundPage(lang);
  if (path == "/kiosk/v1/strings") return Strings(lang);
  web::HttpRequest mapped = req;
  bool allowed = path == "/";
  if (allowed) mapped.target = "/kiosk.html";
  for (const char* a : kKioskAssets) allowed = allowed || path == a;
  if (allowed)
    if (auto r = files.Serve(mapped)) return *r;
  return NotFoundPage(lang);
}

}  // namespace simpul::node::api
