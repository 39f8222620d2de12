// The village web app's Messages page, through its real handler: a return
// from Dinsos becomes a text for the resident with a click-to-chat link only
// with a phone and consent; marking it sent is recorded once (CSRF checked),
// replicated through the outbox, and refused a second time.
#include <doctest/doctest.h>

#include "node/records.h"
#include "schema/ids.h"
#include "schema/tables.h"
#include "tests/node/village_app_fixture.h"

namespace simpul::node::testing {
namespace {

struct Returned : VillageAppFixture {
  std::string event_id;
  Returned() {
    Unlock();
    SignIn();
    auto store = OpenStore();
    auto hh = CreateRecord(*store, Entity::kHousehold, {{"address", "Dusun Krajan"}, {"kk", "3510011211870001"}});
    REQUIRE(hh.ok());
    auto siti = CreateRecord(*store, Entity::kPerson,
                             {{"household", hh->id}, {"name", "Siti <b>Aminah</b>"}, {"phone", "0812 3456 7890"},
                              {"phone-consent", "ya"}});
    REQUIRE(siti.ok());
    auto app = CreateRecord(*store, Entity::kApplication, {{"type", "pbi_jkn"}, {"applicant", siti->id}});
    REQUIRE(app.ok());
    // Dinsos's return, as a sync brings it.
    event_id = schema::NewRowId(store->NowMs());
    auto txn = schema::Transaction::Begin(store->db());
    REQUIRE(txn.ok());
    auto w = store->writer().Write(*schema::FindTable("events"), event_id, kVillage,
                                   {{"subject_id", app->id}, {"subject_kind", std::string("application")},
                                    {"kind", std::string("returned")}, {"actor", std::string("hub")},
                                    {"actor_role", std::string("verifier")}, {"reason", std::string("KK buram")},
                                    {"at", store->hlc().Version(store->hlc().Now())}, {"after", std::string()}});
    REQUIRE(w.ok());
    REQUIRE(txn->Commit().ok());
  }
};

TEST_CASE_FIXTURE(Returned, "messages: the return as a text with its link; marked sent once, through the outbox") {
  auto list = Call("GET", "/api/v1/messages");
  REQUIRE(list.status == 200);
  CHECK(StringField(list.body, "state") == "pending");
  CHECK(StringField(list.body, "text").find("dikembalikan oleh Dinas Sosial untuk dilengkapi: KK buram") !=
        std::string::npos);
  CHECK(StringField(list.body, "link").rfind("https://wa.me/6281234567890?text=", 0) == 0);
  // The name is data: the link carries it percent-encoded, the page sets it as text.
  CHECK(StringField(list.body, "link").find("%3Cb%3E") != std::string::npos);

  const std::string sent = "/api/v1/messages/" + event_id + "/sent";
  CHECK(Call("POST", sent, "", /*csrf=*/false).status == 403);
  const int64_t outbox = Count("SELECT count(*) FROM outbox");
  auto marked = Call("POST", sent);
  REQUIRE(marked.status == 200);
  CHECK(StringField(marked.body, "state") == "sent");
  CHECK(StringField(marked.body, "sent_by") == "ops (village_operator)");
  CHECK(Count("SELECT count(*) FROM message_sends WHERE channel='click_to_chat' AND outcome='sent'") == 1);
  CHECK(Count("SELECT count(*) FROM outbox") > outbox);
  auto again = Call("POST", sent);
  CHECK(again.status == 409);
  CHECK(Count("SELECT count(*) FROM message_sends") == 1);
  CHECK(Call("POST", "/api/v1/messages/" + schema::NewRowId(now_ms) + "/sent").status == 404);

  // Sent ones leave the list; "show all" has them.
  CHECK(Call("GET", "/api/v1/messages").body.find(event_id) == std::string::npos);
  CHECK(Call("GET", "/api/v1/messages?all=1").body.find(event_id) != std::string::npos);
}

TEST_CASE_FIXTURE(VillageAppFixture, "register: the resident's consent to messages is recorded with the phone") {
  Unlock();
  SignIn();
  const std::string household =
      "{\"no_kk\":\"3510011211870001\",\"address\":\"Dusun Krajan\",\"m0.name\":\"Wati\","
      "\"m0.relation\":\"1\",\"m0.phone\":\"081298765432\",\"m0.phone_consent\":\"";
  auto bad = Call("POST", "/api/v1/households", household + "mungkin\"}");
  CHECK(bad.status == 400);
  CHECK(bad.body.find("m0.phone_consent") != std::string::npos);
  CHECK(Count("SELECT count(*) FROM persons") == 0);
  REQUIRE(Call("POST", "/api/v1/households", household + "ya\"}").status == 201);
  CHECK(Count("SELECT count(*) FROM persons WHERE phone='+6281298765432' AND length(phone_consent)=10") == 1);
}

}  // namespace
}  // namespace simpul::node::testing
