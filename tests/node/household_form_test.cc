// A household and its members written in one go (node/household_form.h):
// the head set from the member whose relation is 1, members tied to the new
// household whatever they name, warnings numbered by member; a refusal
// names the field and the member it is about and leaves nothing written.
#include "node/household_form.h"

#include <doctest/doctest.h>

#include "schema/messages.h"
#include "tests/node/store_fixture.h"

namespace simpul::node {
namespace {

struct Store : testing::VillageStore {
  // Nothing of a refused form is in the store.
  void CheckNothingWritten(int64_t outbox) {
    CHECK(Count("SELECT count(*) FROM households") == 0);
    CHECK(Count("SELECT count(*) FROM persons") == 0);
    CHECK(Count("SELECT count(*) FROM outbox") == outbox);
  }
  static HouseholdForm Family() {
    HouseholdForm f;
    f.household = {{"address", "Dusun Krajan RT 1"}, {"kk", "3510011211870001"}, {"rt", "1"}, {"rw", "2"}};
    f.members = {
        {{"name", "Budi Santoso"}, {"nik", "3510011211870003"}, {"relation", "1"}, {"sex", "L"},
         {"birth-date", "1987-11-12"}},
        {{"name", "Siti Aminah"}, {"nik", "3510015506900002"}, {"relation", "3"}, {"sex", "P"}},
        {{"name", "Rina"}, {"relation", "4"}},
    };
    return f;
  }
};

TEST_CASE_FIXTURE(Store, "household form: household, members in order, the head from relation 1") {
  const int64_t outbox = Count("SELECT count(*) FROM outbox");
  int failed = 99;
  auto r = RegisterHouseholdForm(*store, Family(), Lang::kEn, &failed);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  CHECK(failed == -1);
  CHECK(!r->id.empty());
  REQUIRE(r->members.size() == 3);
  CHECK(r->head == r->members[0]);
  CHECK(r->members[0] != r->members[1]);
  CHECK(r->warnings.empty());
  CHECK(r->member_warnings.empty());
  CHECK(Count("SELECT count(*) FROM households") == 1);
  CHECK(Count("SELECT count(*) FROM persons WHERE household_id='" + r->id + "'") == 3);
  CHECK(Text("SELECT head_person_id FROM households WHERE id='" + r->id + "'") == r->members[0]);
  CHECK(Text("SELECT no_kk FROM households WHERE id='" + r->id + "'") == "3510011211870001");
  CHECK(Text("SELECT rt FROM households WHERE id='" + r->id + "'") == "001");
  CHECK(Text("SELECT address FROM households WHERE id='" + r->id + "'") == "Dusun Krajan RT 1");
  // The members' ids are theirs, in the form's order.
  const char* names[] = {"Budi Santoso", "Siti Aminah", "Rina"};
  for (int i = 0; i < 3; ++i)
    CHECK(Text("SELECT name FROM persons WHERE id='" + r->members[i] + "'") == names[i]);
  CHECK(Text("SELECT nik FROM persons WHERE id='" + r->members[1] + "'") == "3510015506900002");
  CHECK(Text("SELECT relation FROM persons WHERE id='" + r->members[2] + "'") == "4");
  // Captured for the next sync: the household, three persons, the head.
  CHECK(Count("SELECT count(*) FROM outbox") > outbox + 3);
}

TEST_CASE_FIXTURE(Store, "household form: the first relation-1 member heads; no such member, no head") {
  int failed = 99;
  SUBCASE("the head is not the first member") {
    HouseholdForm f = Family();
    f.members[0]["relation"] = "4";
    f.members[2]["relation"] = "1";
    auto r = RegisterHouseholdForm(*store, f, Lang::kEn, &failed);
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    CHECK(r->head == r->members[2]);
    CHECK(Text("SELECT head_person_id FROM households") == r->members[2]);
  }
  SUBCASE("two members say relation 1: the first of them") {
    HouseholdForm f = Family();
    f.members[1]["relation"] = "1";
    auto r = RegisterHouseholdForm(*store, f, Lang::kEn, &failed);
    REQUIRE(r.ok());
    CHECK(r->head == r->members[0]);
  }
  SUBCASE("nobody is the head") {
    HouseholdForm f = Family();
    f.members[0].erase("relation");
    auto r = RegisterHouseholdForm(*store, f, Lang::kEn, &failed);
    REQUIRE(r.ok());
    CHECK(r->head.empty());
    CHECK(r->members.size() == 3);
    CHECK(Text("SELECT head_person_id FROM households") == "NULL");
  }
  SUBCASE("a relation typed \"01\" or \" 1 \" is relation 1, as stored: that member is the head") {
    for (const char* typed : {"01", " 1 "}) {
      CAPTURE(typed);
      HouseholdForm f = Family();
      f.members[0]["relation"] = typed;
      f.household["kk"] = std::string("35100112118700") + (typed[0] == '0' ? "11" : "12");
      auto r = RegisterHouseholdForm(*store, f, Lang::kEn, &failed);
      REQUIRE_MESSAGE(r.ok(), r.status().ToString());
      CHECK(r->head == r->members[0]);
    }
  }
  CHECK(failed == -1);
}

TEST_CASE_FIXTURE(Store, "household form: a 'head' or 'household' the form names is not trusted") {
  // Hostile or stale ids: the household's head comes from the members, each
  // member joins the household being written.
  HouseholdForm f = Family();
  f.household["head"] = "no-such-person";
  for (auto& m : f.members) m["household"] = "some-other-household";
  int failed = 99;
  auto r = RegisterHouseholdForm(*store, f, Lang::kEn, &failed);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  CHECK(failed == -1);
  CHECK(r->head == r->members[0]);
  CHECK(Count("SELECT count(*) FROM persons WHERE household_id='" + r->id + "'") == 3);
  CHECK(Count("SELECT count(*) FROM persons WHERE household_id='some-other-household'") == 0);
}

TEST_CASE_FIXTURE(Store, "household form: each member's warnings carry the member's number") {
  HouseholdForm f = Family();
  // The NIK of a woman (day + 40) typed as a man, birth date not the NIK's.
  f.members[1]["sex"] = "L";
  f.members[1]["birth-date"] = "1991-06-15";
  int failed = 99;
  auto r = RegisterHouseholdForm(*store, f, Lang::kEn, &failed);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  REQUIRE(r->member_warnings.size() == 2);
  CHECK(r->member_warnings[0].id == MsgId::kNikSexWarning);
  CHECK(r->member_warnings[0].args == std::vector<std::string>{"2", "P", "L"});
  CHECK(r->member_warnings[1].id == MsgId::kNikBirthDateWarning);
  CHECK(r->member_warnings[1].args == std::vector<std::string>{"2", "15-06-90", "1991-06-15"});
  CHECK(r->warnings.empty());
}

TEST_CASE_FIXTURE(Store, "household form: no address or no members, refused before anything is written") {
  const int64_t outbox = Count("SELECT count(*) FROM outbox");
  int failed = 99;
  HouseholdForm f = Family();
  f.household.erase("address");
  auto r = RegisterHouseholdForm(*store, f, Lang::kEn, &failed);
  CHECK(r.status().code() == Code::kInvalidArgument);
  CHECK(r.status().field() == "address");
  CHECK(r.status().msg_id() == MsgId::kFieldRequired);
  CHECK(r.status().args() == std::vector<std::string>{"Address"});
  CHECK(failed == -1);
  // In the operator's language.
  r = RegisterHouseholdForm(*store, f, Lang::kId, &failed);
  CHECK(r.status().args() == std::vector<std::string>{"Alamat"});
  CheckNothingWritten(outbox);

  f = Family();
  f.members.clear();
  r = RegisterHouseholdForm(*store, f, Lang::kId, &failed);
  CHECK(r.status().code() == Code::kInvalidArgument);
  CHECK(r.status().field() == "name");
  CHECK(r.status().args() == std::vector<std::string>{"Nama"});
  CHECK(failed == 0);
  CheckNothingWritten(outbox);

  // An empty form: the address is asked for first.
  r = RegisterHouseholdForm(*store, HouseholdForm{}, Lang::kEn, &failed);
  CHECK(r.status().field() == "address");
  CHECK(failed == -1);
  // A blank address is no address.
  f = Family();
  f.household["address"] = "  \t ";
  r = RegisterHouseholdForm(*store, f, Lang::kEn, &failed);
  CHECK(r.status().code() == Code::kInvalidArgument);
  CHECK(r.status().field() == "address");
  CHECK(failed == -1);
  CheckNothingWritten(outbox);
}

TEST_CASE_FIXTURE(Store, "household form: a bad household field is refused as the household's (-1)") {
  const int64_t outbox = Count("SELECT count(*) FROM outbox");
  struct Case {
    const char* option;
    std::string value;
    const char* field;
  };
  const Case cases[] = {
      {"kk", "12345", "no_kk"},
      {"kk", "35100112118700AB", "no_kk"},
      {"rt", "12a", "rt"},
      {"rt", "1234", "rt"},
      {"kk-as-of", "2019-02-30", "kk-as-of"},
      {"kk-as-of", "2999-01-01", "kk-as-of"},
      {"address", std::string(301, 'a'), "address"},
  };
  for (const auto& c : cases) {
    INFO(c.option << "=" << c.value.substr(0, 20));
    HouseholdForm f = Family();
    f.household[c.option] = c.value;
    int failed = 99;
    auto r = RegisterHouseholdForm(*store, f, Lang::kEn, &failed);
    CHECK(r.status().code() == Code::kInvalidArgument);
    CHECK(r.status().field() == c.field);
    CHECK(failed == -1);
  }
  // An option a household does not have.
  HouseholdForm f = Family();
  f.household["village"] = "35.10.01.2002";
  int failed = 99;
  auto r = RegisterHouseholdForm(*store, f, Lang::kEn, &failed);
  CHECK(r.status().code() == Code::kInvalidArgument);
  CHECK(r.status().msg_id() == MsgId::kUnknownOption);
  CHECK(failed == -1);
  CheckNothingWritten(outbox);
}

TEST_CASE_FIXTURE(Store, "household form: a bad member names the member; nothing of the form is written") {
  const int64_t outbox = Count("SELECT count(*) FROM outbox");
  struct Case {
    int member;
    const char* option;
    std::string value;  // "" with erase: the option left out
    bool erase;
    const char* field;
  };
  const Case cases[] = {
      {1, "name", "", true, "name"},            // no name at all
      {2, "name", "", false, "name"},           // an empty name
      {2, "name", "   ", false, "name"},        // a blank one
      {0, "name", std::string(121, 'x'), false, "name"},
      {1, "nik", "123", false, "nik"},
      {1, "nik", "351001550690000X", false, "nik"},
      {2, "relation", "12", false, "relation"},
      {2, "relation", "0", false, "relation"},
      {2, "relation", "head", false, "relation"},
      {0, "sex", "X", false, "sex"},
      {2, "birth-date", "2001-13-01", false, "birth-date"},
      {2, "birth-date", "2999-01-01", false, "birth-date"},
  };
  for (const auto& c : cases) {
    INFO("member " << c.member << " " << c.option << "='" << c.value.substr(0, 20) << "'");
    HouseholdForm f = Family();
    if (c.erase)
      f.members[c.member].erase(c.option);
    else
      f.members[c.member][c.option] = c.value;
    int failed = 99;
    auto r = RegisterHouseholdForm(*store, f, Lang::kEn, &failed);
    CHECK(r.status().code() == Code::kInvalidArgument);
    CHECK(r.status().field() == c.field);
    CHECK(failed == c.member);
    CheckNothingWritten(outbox);
  }
  // An option a person does not have.
  HouseholdForm f = Family();
  f.members[2]["salary"] = "1000000";
  int failed = 99;
  auto r = RegisterHouseholdForm(*store, f, Lang::kEn, &failed);
  CHECK(r.status().msg_id() == MsgId::kUnknownOption);
  CHECK(failed == 2);
  CheckNothingWritten(outbox);

  // After the refusals the same store still takes the form whole.
  r = RegisterHouseholdForm(*store, Family(), Lang::kEn, &failed);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  CHECK(failed == -1);
  CHECK(Count("SELECT count(*) FROM households") == 1);
  CHECK(Count("SELECT count(*) FROM persons") == 3);
}

TEST_CASE_FIXTURE(Store, "household form: inside a caller's transaction that rolls back, nothing stays") {
  int failed = 99;
  {
    auto txn = schema::Transaction::Begin(store->db());
    REQUIRE(txn.ok());
    auto r = RegisterHouseholdForm(*store, Family(), Lang::kEn, &failed);
    REQUIRE(r.ok());
    CHECK(Count("SELECT count(*) FROM households") == 1);
    // A refused second form undoes only itself.
    HouseholdForm bad = Family();
    bad.members[1]["nik"] = "1";
    CHECK(!RegisterHouseholdForm(*store, bad, Lang::kEn, &failed).ok());
    CHECK(failed == 1);
    CHECK(Count("SELECT count(*) FROM households") == 1);
    CHECK(Count("SELECT count(*) FROM persons") == 3);
  }  // not committed
  CHECK(Count("SELECT count(*) FROM households") == 0);
  CHECK(Count("SELECT count(*) FROM persons") == 0);
}

}  // namespace
}  // namespace simpul::node
