// Submitting needs the documents the service rule requires (node/stages.h):
// refused with MsgId::kSubmitMissingDocuments listing the kinds (optional
// kinds do not count), nothing written; submitted once they are attached.
#include <doctest/doctest.h>

#include <fstream>
#include <string>

#include "node/documents.h"
#include "node/records.h"
#include "node/stages.h"
#include "node/store.h"
#include "schema/exit_codes.h"
#include "schema/messages.h"
#include "sync/crypto/envelope.h"
#include "tests/support/temp_dir.h"

namespace simpul::node {
namespace {

struct Village {
  Village() {
    REQUIRE(sync::crypto::InitSodium().ok());
    auto s = NodeStore::Init(dir.File("node"), "35.10.01.2001", sync::SystemClock::Default(), testing::kTestPassphrase);
    REQUIRE_MESSAGE(s.ok(), s.status().ToString());
    store = std::move(s).value();
  }
  std::string Id(Entity e, const Options& opts) {
    auto w = CreateRecord(*store, e, opts);
    REQUIRE_MESSAGE(w.ok(), w.status().ToString());
    return w->id;
  }
  void Attach(const std::string& app, const std::string& kind) {
    std::string path = dir.File(kind + ".jpg");
    std::ofstream(path) << "scan of " << kind;
    auto w = AttachDocument(*store, app, kind, path);
    REQUIRE_MESSAGE(w.ok(), w.status().ToString());
  }
  int64_t Count(const std::string& sql) {
    auto st = store->db().Prepare(sql);
    REQUIRE(st.ok());
    auto row = st->Step();
    REQUIRE(row.ok());
    REQUIRE(*row);
    return st->Int(0);
  }
  testing::TempDir dir;
  std::unique_ptr<NodeStore> store;
};

TEST_CASE("submit refuses while a required document is missing, naming the kinds; optional kinds do not count") {
  Village v;
  std::string hh = v.Id(Entity::kHousehold, {{"address", "Dusun Krajan"}, {"kk", "3510011211870001"}});
  std::string person = v.Id(Entity::kPerson, {{"household", hh}, {"name", "Siti"}, {"nik", "3510015508870001"}});
  std::string app = v.Id(Entity::kApplication, {{"type", "pbi_jkn"}, {"applicant", person}});
  v.Attach(app, "sktm");  // optional for PBI-JKN: does not help

  auto missing = MissingDocumentsOf(*v.store, app);
  REQUIRE(missing.ok());
  CHECK(*missing == std::vector<std::string>{"kk", "ktp"});

  int64_t events = v.Count("SELECT count(*) FROM events");
  int64_t outbox = v.Count("SELECT count(*) FROM outbox");
  Status refused = Submit(*v.store, app, Lang::kEn);
  CHECK(refused.code() == Code::kFailedPrecondition);
  CHECK(refused.msg_id() == MsgId::kSubmitMissingDocuments);
  CHECK(ExitCodeFor(refused) == 2);
  CHECK(Msg(Lang::kEn, *refused.msg_id(), refused.args()).find("kk, ktp") != std::string::npos);
  CHECK(v.Count("SELECT count(*) FROM events") == events);
  CHECK(v.Count("SELECT count(*) FROM outbox") == outbox);
  CHECK(ApplicationState(*v.store, app)->status == "draft");

  v.Attach(app, "kk");
  refused = Submit(*v.store, app, Lang::kId);
  CHECK(refused.msg_id() == MsgId::kSubmitMissingDocuments);
  CHECK(refused.args() == std::vector<std::string>{"ktp"});

  v.Attach(app, "ktp");
  Status ok = Submit(*v.store, app, Lang::kEn);
  CHECK_MESSAGE(ok.ok(), ok.ToString());
  CHECK(ApplicationState(*v.store, app)->status == "submitted");
}

TEST_CASE("other problems and missing documents are listed together") {
  Village v;
  std::string hh = v.Id(Entity::kHousehold, {{"address", "Dusun Krajan"}});  // no No. KK
  std::string person = v.Id(Entity::kPerson, {{"household", hh}, {"name", "Siti"}, {"nik", "3510015508870002"}});
  std::string app = v.Id(Entity::kApplication, {{"type", "pbi_jkn"}, {"applicant", person}});
  Status refused = Submit(*v.store, app, Lang::kEn);
  CHECK(refused.msg_id() == MsgId::kApplicationIncomplete);
  std::string text = Msg(Lang::kEn, *refused.msg_id(), refused.args());
  CHECK(text.find("required documents not attached: kk, ktp") != std::string::npos);
  CHECK(v.Count("SELECT count(*) FROM events") == 0);
}

TEST_CASE("the rule's indicator set must be answered: another set's answers are named as the problem") {
  Village v;
  std::string hh = v.Id(Entity::kHousehold, {{"address", "Dusun Krajan"}, {"kk", "3510011211870001"}});
  std::string person = v.Id(Entity::kPerson, {{"household", hh}, {"name", "Siti"}, {"nik", "3510015508870003"}});
  std::string app = v.Id(Entity::kApplication, {{"type", "pbi_apbd"}, {"applicant", person}});
  v.Attach(app, "kk");
  v.Attach(app, "ktp");
  // The PBI-APBD rule asks for kepmensos-262; answered under BPS's 14 criteria.
  auto scored = AnswerIndicators(*v.store, app, "bps-14", {{"floor_area", "ya"}});
  REQUIRE_MESSAGE(scored.ok(), scored.status().ToString());
  Status refused = Submit(*v.store, app, Lang::kEn);
  REQUIRE(refused.msg_id() == MsgId::kApplicationIncomplete);
  CHECK(Msg(Lang::kEn, *refused.msg_id(), refused.args()).find("answered with set kepmensos-262") != std::string::npos);
  CHECK(ApplicationState(*v.store, app)->status == "draft");

  REQUIRE(AnswerIndicators(*v.store, app, "kepmensos-262", {{"head_not_working", "ya"}, {"food_insecure", "ya"}}).ok());
  Status ok = Submit(*v.store, app, Lang::kEn);
  CHECK_MESSAGE(ok.ok(), ok.ToString());
}

}  // namespace
}  // namespace simpul::node
