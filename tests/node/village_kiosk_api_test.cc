// Resident self-registration through the village app's real handlers
// (VillageApp::HandleKiosk for the kiosk listener, Handle for the
// operator): the kiosk reads nothing (every operator route and /api/v1/
// path is 404 there); a registration waits, node-local, until an operator
// accepts it (only then: household, persons, application, documents, outbox
// rows) or rejects it; two tabs accepting: the second is told; a flood of
// 1,000 submissions is throttled and fills nothing else; a 30 MB photo is
// refused naming its field.
#include <doctest/doctest.h>

#include "tests/node/village_app_fixture.h"

namespace simpul::node::testing {
namespace {

constexpr const char* kKiosk = "192.168.1.10:8472";
const std::string kJpeg = "\xff\xd8\xff\xe0" + std::string("\0\x10JFIF\0 a photo of the KK", 25);
const std::string kForm =
    "{\"no_kk\":\"3510011211870001\",\"address\":\"Dusun Krajan\",\"rt\":\"1\",\"rw\":\"2\","
    "\"service\":\"poverty_statement\",\"purpose\":\"Berobat ke RSUD\",\"m0.name\":\"Siti Aminah\","
    "\"m0.nik\":\"3510015211870002\",\"m0.relation\":\"1\",\"m0.sex\":\"P\",\"m0.birth_date\":\"1987-11-12\","
    "\"m1.name\":\"Budi\",\"m1.relation\":\"4\",\"unknown\":\"dropped\"}";

VillageAppOptions KioskOn() {
  VillageAppOptions o;
  o.kiosk_address = kKiosk;
  return o;
}

struct Kiosk : VillageAppFixture {
  Kiosk() : VillageAppFixture(KioskOn()) {}

  // A request as a phone on the office network sends it to the kiosk.
  web::HttpResponse Phone(const std::string& method, const std::string& target, const std::string& body = "",
                          const std::string& peer = "192.168.1.23:50000", bool origin = true) {
    web::HttpRequest req;
    req.method = method;
    req.target = target;
    req.body = body;
    req.peer = peer;
    req.headers.push_back({"host", kKiosk});
    if (origin) req.headers.push_back({"origin", std::string("http://") + kKiosk});
    if (!body.empty()) req.headers.push_back({"content-type", "application/x-simpul-kiosk"});
    return app().HandleKiosk(req);
  }
  web::HttpResponse Send(const std::string& form = kForm, const std::string& kk = kJpeg,
                         const std::string& peer = "192.168.1.23:50000") {
    std::string q = kk.empty() ? "" : "?kk=" + std::to_string(kk.size());
    return Phone("POST", "/kiosk/v1/registrations" + q, form + "\n" + kk, peer);
  }
};

TEST_CASE_FIXTURE(Kiosk, "kiosk: the form and its texts only; every read of the village's data is 404") {
  Unlock();
  SignIn();
  Household();
  CHECK(Phone("GET", "/").status == 200);
  CHECK(Phone("GET", "/").body.find("kiosk.js") != std::string::npos);
  CHECK(Phone("GET", "/assets/kiosk.js").status == 200);
  auto strings = Phone("GET", "/kiosk/v1/strings?lang=en");
  CHECK(strings.status == 200);
  CHECK(strings.body.find("Register at the village office") != std::string::npos);
  CHECK(strings.body.find("Siti") == std::string::npos);
  for (const char* path : {"/api/v1/state", "/api/v1/session", "/api/v1/search?q=Siti", "/api/v1/households",
                           "/api/v1/registrations", "/api/v1/registrations/1", "/api/v1/registrations/1/photos/kk",
                           "/api/v1/strings", "/api/v1/kiosk/qr.svg", "/register", "/registrations", "/household",
                           "/unlock", "/signin", "/board", "/assets/common.js", "/assets/register.js",
                           "/kiosk.html", "/../simpul.db", "/kiosk/v1/registrations/1"}) {
    CAPTURE(path);
    CHECK(Phone("GET", path).status == 404);
    CHECK(Phone("POST", path, "{}\n").status == 404);
  }
  // No listing of submissions: a receipt is all the resident gets.
  auto sent = Send();
  REQUIRE(sent.status == 201);
  CHECK(sent.body.find("\"receipt\":\"") != std::string::npos);
  CHECK(sent.body.find("Siti") == std::string::npos);
  CHECK(Phone("GET", "/kiosk/v1/registrations").status == 405);
  // Another site's page (DNS rebinding: its own name in Host), a forged
  // form (no or another Origin), a public address: refused, nothing stored.
  web::HttpRequest rebound;
  rebound.method = "GET";
  rebound.target = "/";
  rebound.peer = "192.168.1.23:50000";
  rebound.headers.push_back({"host", "evil.example:8472"});
  CHECK(app().HandleKiosk(rebound).status == 421);
  CHECK(Phone("POST", "/kiosk/v1/registrations", kForm + "\n", "192.168.1.23:1", false).status == 403);
  CHECK(Phone("GET", "/", "", "203.0.113.9:1").status == 403);
  CHECK(Count("SELECT count(*) FROM pending_registrations") == 1);
  // The operator app refuses the kiosk's Host: the two stay apart.
  host = kKiosk;
  CHECK(Call("GET", "/api/v1/registrations").status == 421);
}

TEST_CASE_FIXTURE(Kiosk, "kiosk: a registration waits off the outbox; the operator corrects and accepts it once") {
  // Locked store: the kiosk is closed, and says so.
  CHECK(Send().status == 503);
  Unlock();
  SignIn();
  const int64_t outbox = Count("SELECT count(*) FROM outbox");
  auto sent = Send();
  REQUIRE(sent.status == 201);
  const std::string receipt = StringField(sent.body, "receipt");
  CHECK(Count("SELECT count(*) FROM outbox") == outbox);
  CHECK(Count("SELECT count(*) FROM households") == 0);
  CHECK(Count("SELECT count(*) FROM pending_photos") == 1);

  auto list = Call("GET", "/api/v1/registrations");
  REQUIRE(list.status == 200);
  CHECK(list.body.find("\"receipt\":\"" + receipt + "\"") != std::string::npos);
  CHECK(list.body.find("\"kiosk_url\":\"http://192.168.1.10:8472/\"") != std::string::npos);
  const std::string id = list.body.substr(list.body.find("\"id\":") + 5, 1);
  auto shown = Call("GET", "/api/v1/registrations/" + id);
  CHECK(StringField(shown.body, "m0.name") == "Siti Aminah");
  CHECK(shown.body.find("unknown") == std::string::npos);
  auto photo = Call("GET", "/api/v1/registrations/" + id + "/photos/kk");
  CHECK(photo.status == 200);
  CHECK(photo.body == kJpeg);
  CHECK(photo.content_type == "image/jpeg");

  // The register form's own checks: a NIK typo is named under its field.
  std::string typo = kForm;
  typo.replace(typo.find("3510015211870002"), 16, "3510015211870");
  auto refused = Call("POST", "/api/v1/registrations/" + id + "/accept", typo);
  CHECK(refused.status == 400);
  CHECK(StringField(refused.body, "field") == "m0.nik");
  CHECK(Count("SELECT count(*) FROM households") == 0);
  // Corrected (the name), accepted: records, application and scans, through the outbox.
  std::string fixed = kForm;
  fixed.replace(fixed.find("Siti Aminah"), 11, "Siti Aminah Rahayu");
  auto accepted = Call("POST", "/api/v1/registrations/" + id + "/accept", fixed);
  REQUIRE(accepted.status == 201);
  const std::string hh = StringField(accepted.body, "household_id");
  CHECK(Count("SELECT count(*) FROM persons WHERE household_id='" + hh + "' AND name='Siti Aminah Rahayu'") == 1);
  CHECK(Count("SELECT count(*) FROM applications WHERE household_id='" + hh + "' AND type='poverty_statement'") == 1);
  CHECK(Count("SELECT count(*) FROM attachments WHERE kind='kk'") == 1);
  CHECK(Count("SELECT count(*) FROM outbox") > outbox);
  CHECK(Count("SELECT count(*) FROM pending_photos") == 0);
  CHECK(Count("SELECT count(*) FROM pending_registrations WHERE state='accepted' AND reviewer='ops'") == 1);
  // A second tab accepting the same: told, nothing written twice.
  auto twice = Call("POST", "/api/v1/registrations/" + id + "/accept", fixed);
  CHECK(twice.status == 409);
  CHECK(twice.body.find("already handled by ops") != std::string::npos);
  CHECK(Count("SELECT count(*) FROM households") == 1);
  CHECK(Call("GET", "/api/v1/registrations").body.find(receipt) == std::string::npos);

  // Rejecting needs a reason; then the photos are gone and nothing is recorded.
  now_ms += 120'000;  // the phone's rate limit regains a token
  REQUIRE(Send(kForm, kJpeg).status == 201);
  const int64_t second = Count("SELECT max(id) FROM pending_registrations");
  CHECK(Call("POST", "/api/v1/registrations/" + std::to_string(second) + "/reject", "{\"reason\":\" \"}").status == 400);
  CHECK(Call("POST", "/api/v1/registrations/" + std::to_string(second) + "/reject",
             "{\"reason\":\"Sudah terdaftar\"}").status == 200);
  CHECK(Count("SELECT count(*) FROM pending_photos") == 0);
  CHECK(Count("SELECT count(*) FROM households") == 1);
  // The QR code of the kiosk's address, drawn here.
  auto qr = Call("GET", "/api/v1/kiosk/qr.svg");
  CHECK(qr.status == 200);
  CHECK(qr.content_type == "image/svg+xml");
  CHECK(qr.body.rfind("<svg", 0) == 0);
}

TEST_CASE_FIXTURE(Kiosk, "kiosk: a flood of 1,000 submissions is throttled and fills nothing else") {
  Unlock();
  SignIn();
  const int64_t outbox = Count("SELECT count(*) FROM outbox");
  int created = 0, throttled = 0;
  for (int i = 0; i < 1000; ++i) {  // one phone
    auto r = Send();
    created += r.status == 201;
    throttled += r.status == 429 && !std::string(r.HeaderValue("retry-after")).empty();
  }
  CHECK(created == 5);  // its burst
  CHECK(throttled == 995);
  for (int i = 0; i < 1000; ++i) {  // a thousand addresses: the global bucket
    auto r = Send(kForm, kJpeg, "10.0." + std::to_string(i / 250) + "." + std::to_string(i % 250) + ":1");
    created += r.status == 201;
  }
  CHECK(created == 30);
  CHECK(Count("SELECT count(*) FROM pending_registrations") == 30);
  CHECK(Count("SELECT count(*) FROM outbox") == outbox);
  CHECK(Count("SELECT count(*) FROM households") + Count("SELECT count(*) FROM persons") == 0);
}

TEST_CASE("kiosk: the caps on waiting registrations hold whatever the rate") {
  VillageAppOptions o = KioskOn();
  o.kiosk_rate.per_address_burst = o.kiosk_rate.global_burst = 10000;
  o.kiosk_limits.max_pending = 3;
  o.kiosk_limits.max_pending_bytes = 64 << 10;
  VillageAppFixture f(o);
  f.Unlock();
  const int64_t outbox = f.Count("SELECT count(*) FROM outbox");
  auto send = [&](const std::string& photo) {
    web::HttpRequest req;
    req.method = "POST";
    req.target = "/kiosk/v1/registrations?lang=en&kk=" + std::to_string(photo.size());
    req.body = kForm + "\n" + photo;
    req.peer = "192.168.1.23:1";
    req.headers = {{"host", kKiosk}, {"origin", std::string("http://") + kKiosk}};
    return f.app().HandleKiosk(req);
  };
  // A 30 MB photo: 413 naming its field, nothing stored.
  std::string huge = kJpeg + std::string((30u << 20) - kJpeg.size(), 'x');
  auto big = send(huge);
  CHECK(big.status == 413);
  CHECK(VillageAppFixture::StringField(big.body, "field") == "photo_kk");
  CHECK(f.Count("SELECT count(*) FROM pending_registrations") == 0);
  // Not a photo: named too.
  auto text = send("just text, no image");
  CHECK(text.status == 400);
  CHECK(VillageAppFixture::StringField(text.body, "field") == "photo_kk");
  // The byte cap: a 60 KiB photo fits once, not twice.
  std::string photo = kJpeg + std::string((60 << 10) - kJpeg.size(), 'x');
  CHECK(send(photo).status == 201);
  CHECK(send(photo).status == 503);
  // The count cap: three wait at most.
  CHECK(send(kJpeg).status == 201);
  CHECK(send(kJpeg).status == 201);
  auto full = send(kJpeg);
  CHECK(full.status == 503);
  CHECK(full.body.find("review queue is full") != std::string::npos);
  CHECK(f.Count("SELECT count(*) FROM pending_registrations") == 3);
  CHECK(f.Count("SELECT count(*) FROM outbox") == outbox);
}

}  // namespace
}  // namespace simpul::node::testing
