// A village store with operator accounts and the village web app over it,
// driven through VillageApp::Handle (the real handler, no sockets), for the
// API tests (tests/node/village_*_test.cc). Time is the fixture's own
// (`now_ms`): sessions, throttling and the idle lock need no sleeping.
#ifndef SIMPUL_TESTS_NODE_VILLAGE_APP_FIXTURE_H_
#define SIMPUL_TESTS_NODE_VILLAGE_APP_FIXTURE_H_

#include <doctest/doctest.h>

#include <memory>
#include <utility>
#include <string>

#include "node/api/village_app.h"
#include "node/store.h"
#include "sync/accounts.h"
#include "tests/support/temp_dir.h"

namespace simpul::node::testing {

inline constexpr const char* kVillage = "35.10.01.2001";  // Sarongan (WIB)
inline constexpr const char* kOperatorPassword = "passw0rd-ops";

class VillageAppFixture {
 public:
  explicit VillageAppFixture(VillageAppOptions options = {}) {
    dir_ = tmp_.path() + "/village";
    {
      auto store = NodeStore::Init(dir_, kVillage, sync::SystemClock::Default(), simpul::testing::kTestPassphrase);
      REQUIRE(store.ok());
      REQUIRE(sync::AddOperator((*store)->db(), "admin", "administrator", "passw0rd-admin").ok());
      REQUIRE(sync::AddOperator((*store)->db(), "ops", "village_operator", kOperatorPassword).ok());
      REQUIRE(sync::AddOperator((*store)->db(), "audi", "auditor", "passw0rd-audi").ok());
    }
    app_ = std::make_unique<VillageApp>(dir_, sync::SystemClock::Default(), options, [this] { return now_ms; });
  }

  // One request as a browser on this laptop sends it: Host 127.0.0.1, the
  // session cookie, and (when `csrf`) the session's token.
  // `content_type` is the body's (a scan upload sends the file's own).
  web::HttpResponse Call(const std::string& method, const std::string& target, const std::string& body = "",
                         bool csrf = true, const std::string& content_type = "application/json") {
    web::HttpRequest req;
    req.method = method;
    req.target = target;
    req.body = body;
    req.peer = "127.0.0.1:40000";
    req.headers.push_back({"host", host});
    if (!body.empty() || content_type != "application/json") req.headers.push_back({"content-type", content_type});
    if (!cookie_.empty()) req.headers.push_back({"cookie", "simpul_village=" + cookie_});
    if (csrf && !csrf_.empty()) req.headers.push_back({"x-csrf-token", csrf_});
    web::HttpResponse r = app_->Handle(req);
    std::string set = std::string(r.HeaderValue("set-cookie"));
    const std::string name = "simpul_village=";
    if (set.rfind(name, 0) == 0) cookie_ = set.substr(name.size(), set.find(';') - name.size());
    return r;
  }

  void Unlock() {
    auto r = Call("POST", "/api/v1/unlock", std::string("{\"passphrase\":\"") + simpul::testing::kTestPassphrase + "\"}");
    REQUIRE(r.status == 200);
  }

  void SignIn(const std::string& name = "ops", const std::string& password = kOperatorPassword) {
    auto r = Call("POST", "/api/v1/session", "{\"name\":\"" + name + "\",\"password\":\"" + password + "\",\"lang\":\"en\"}");
    REQUIRE(r.status == 200);
    csrf_ = StringField(r.body, "csrf_token");
    REQUIRE(csrf_.size() == 64);
  }

  // Registers a household of two (the head's NIK 3510015211870002); returns
  // {household id, head's id}. Needs a signed-in operator.
  std::pair<std::string, std::string> Household(const std::string& name = "Siti Aminah") {
    auto r = Call("POST", "/api/v1/households",
                  "{\"no_kk\":\"3510011211870001\",\"address\":\"Dusun Krajan\",\"rt\":\"1\",\"rw\":\"2\","
                  "\"m0.name\":\"" + name + "\",\"m0.nik\":\"3510015211870002\",\"m0.relation\":\"1\","
                  "\"m0.sex\":\"P\",\"m0.birth_date\":\"1987-11-12\",\"m1.name\":\"Budi\",\"m1.relation\":\"4\"}");
    REQUIRE(r.status == 201);
    std::string hh = StringField(r.body, "id");
    auto members = r.body.substr(r.body.find("\"members\":[\"") + 12, 36);
    return {hh, members};
  }
  // Uploads `bytes` as the scan of `kind` of application `app` through the
  // page's API (as application.js sends it).
  web::HttpResponse UploadScan(const std::string& app, const std::string& kind, const std::string& bytes,
                               const std::string& content_type = "image/jpeg", const std::string& name = "scan.jpg") {
    return Call("POST", "/api/v1/applications/" + app + "/documents?kind=" + kind + "&name=" + name, bytes, true,
                content_type);
  }

  // Opens the store beside the app (another connection, as a CLI would).
  std::unique_ptr<NodeStore> OpenStore() {
    auto store = NodeStore::Open(dir_, sync::SystemClock::Default(), simpul::testing::kTestPassphrase);
    REQUIRE(store.ok());
    return std::move(store).value();
  }
  int64_t Count(const std::string& sql) {
    auto store = OpenStore();
    auto st = store->db().Prepare(sql);
    REQUIRE(st.ok());
    REQUIRE(*st->Step());
    return st->Int(0);
  }

  // The first string value of "key" in a JSON text ("" when absent). The
  // API's own writer escapes only what JSON requires.
  static std::string StringField(const std::string& json, const std::string& key) {
    const std::string k = "\"" + key + "\":\"";
    auto at = json.find(k);
    if (at == std::string::npos) return {};
    std::string out;
    for (size_t i = at + k.size(); i < json.size() && json[i] != '"'; ++i) {
      if (json[i] == '\\' && i + 1 < json.size()) ++i;
      out += json[i];
    }
    return out;
  }

  VillageApp& app() { return *app_; }
  const std::string& dir() const { return dir_; }
  void ForgetSession() { cookie_.clear(); csrf_.clear(); }
  std::string& csrf() { return csrf_; }

  int64_t now_ms = 1'800'000'000'000;
  std::string host = "127.0.0.1:8471";

 private:
  simpul::testing::TempDir tmp_;
  std::string dir_;
  std::unique_ptr<VillageApp> app_;
  std::string cookie_, csrf_;
};

}  // namespace simpul::node::testing

#endif  // SIMPUL_TESTS_NODE_VILLAGE_APP_FIXTURE_H_
