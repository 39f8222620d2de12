// A hub store for unit tests (tests/hub): rows written as they arrive from a
// village's node, and the service rule's stages passed the way they are in
// use (the village's by a village event, Dinsos's through hub RecordStage),
// so a test can approve. Header-only: hub_tests link simpul_hub.
#ifndef SIMPUL_TESTS_SUPPORT_HUB_FIXTURE_H_
#define SIMPUL_TESTS_SUPPORT_HUB_FIXTURE_H_

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "hub/operations.h"
#include "hub/stages.h"
#include "hub/store.h"
#include "schema/ids.h"
#include "sync/crypto/envelope.h"
#include "tests/support/temp_dir.h"

namespace simpul::hub::testing {

inline constexpr uint64_t kFixtureT = 1'700'000'000'000ULL;

class FixtureClock : public sync::Clock {
 public:
  uint64_t NowMs() override { return now += 10; }
  uint64_t now = kFixtureT;
};

// Every stage of `app`'s service rule passed on `store`, in order, as in use:
// the village's by the event its node writes, Dinsos's through RecordStage
// with the role the rule names. For every hub test that approves.
inline void PassStagesOn(HubStore& store, const std::string& app) {
  for (int guard = 0; guard < 20; ++guard) {
    auto row = ReadRow(store, "applications", app);
    REQUIRE(row.ok());
    auto state = ApplicationState(store, app);
    REQUIRE(state.ok());
    auto next = NextStageOf(store, *row, *state);
    REQUIRE_MESSAGE(next.ok(), next.status().ToString());
    if (!*next) return;
    if ((*next)->role == "village_operator") {
      auto st = store.db().Prepare("INSERT INTO events(id,village,subject_id,subject_kind,kind,actor,actor_role,at,"
                                   "after,stage) VALUES(?,?,?,'application','stage_done','node-x','village',?,?,?)");
      REQUIRE(st.ok());
      st->Bind(1, schema::NewRowId(store.NowMs())).Bind(2, RowText(*row, "village")).Bind(3, app)
          .Bind(4, sync::Hlc::FormatVersion(sync::Stamp::Make(store.NowMs(), 0), "node-x")).Bind(5, state->head)
          .Bind(6, (*next)->code);
      REQUIRE(st->Run().ok());
    } else {
      Status st = RecordStage(store, app, (*next)->code, "diperiksa", "tester", &(*next)->role);
      REQUIRE_MESSAGE(st.ok(), st.ToString());
    }
  }
  FAIL("stages never finished");
}

// A clock that moves only when the test moves it.
class StillClock : public sync::Clock {
 public:
  uint64_t NowMs() override { return now; }
  uint64_t now = kFixtureT;
};

// A new hub store on a StillClock, with one-value queries: for tests that
// import or load into the store and count what was written.
struct StillHub {
  StillHub() {
    REQUIRE(sync::crypto::InitSodium().ok());
    auto r = HubStore::Init(dir.File("hub"), "Dinsos Uji", &clock);
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    store = std::move(r).value();
  }
  // The single value of `sql`'s single row.
  int64_t Int(const std::string& sql, const std::vector<std::string>& binds = {}) {
    auto rows = QueryRows(*store, sql, binds);
    REQUIRE_MESSAGE(rows.ok(), rows.status().ToString());
    REQUIRE(rows->size() == 1);
    return std::get<int64_t>(rows->front().front().second);
  }
  std::string Text(const std::string& sql, const std::vector<std::string>& binds = {}) {
    auto rows = QueryRows(*store, sql, binds);
    REQUIRE_MESSAGE(rows.ok(), rows.status().ToString());
    REQUIRE(rows->size() == 1);
    return RowText(rows->front(), rows->front().front().first);
  }
  simpul::testing::TempDir dir;
  StillClock clock;
  std::unique_ptr<HubStore> store;
};

struct HubFixture {
  HubFixture() {
    REQUIRE(sync::crypto::InitSodium().ok());
    auto r = HubStore::Init(dir.File("hub"), "Dinsos Uji", &clock);
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    store = std::move(r).value();
  }
  void Exec(const std::string& sql, const std::vector<std::string>& binds) {
    auto st = store->db().Prepare(sql);
    REQUIRE(st.ok());
    for (size_t i = 0; i < binds.size(); ++i) st->Bind(static_cast<int>(i) + 1, binds[i]);
    Status run = st->Run();
    REQUIRE_MESSAGE(run.ok(), run.ToString());
  }
  // A person as a village recorded it, with an application it submitted
  // (rows as they arrive from the village's node; no documents attached, as
  // from a village of an older version).
  std::string Submitted(const std::string& village, const std::string& nik, const std::string& type,
                        const std::string& service = "") {
    const std::string person = schema::NewRowId(clock.now += 1000);
    const std::string app = schema::NewRowId(clock.now += 1000);
    Exec("INSERT INTO persons(id,village,household_id,nik,name) VALUES(?,?,?,?,?)",
         {person, village, schema::NewRowId(clock.now += 1000), nik, "Siti"});
    if (nik.empty()) Exec("UPDATE persons SET nik=NULL WHERE id=?", {person});
    // Answers meeting the threshold of the rules that ask for them (two
    // criteria of kepmensos-262: score 2), so approvals pass.
    Exec("INSERT INTO applications(id,village,type,applicant_id,service_type,indicator_set,indicator_version,"
         "indicator_answers) VALUES(?,?,?,?,?,'kepmensos-262','1','food_insecure=ya;head_not_working=ya')",
         {app, village, type, person, service});
    if (service.empty()) Exec("UPDATE applications SET service_type=NULL WHERE id=?", {app});
    Exec("INSERT INTO events(id,village,subject_id,subject_kind,kind,actor,actor_role,at,after)"
         " VALUES(?,?,?,'application','submitted','node-x','village',?,'')",
         {schema::NewRowId(clock.now += 1000), village, app, "0000018bcfe5a000.node-x"});
    return app;
  }
  // A stage_done event as the village's node writes it (after `after`).
  void VillageStage(const std::string& app, const std::string& stage) {
    auto row = ReadRow(*store, "applications", app);
    REQUIRE(row.ok());
    auto state = ApplicationState(*store, app);
    REQUIRE(state.ok());
    Exec("INSERT INTO events(id,village,subject_id,subject_kind,kind,actor,actor_role,at,after,stage)"
         " VALUES(?,?,?,'application','stage_done','node-x','village',?,?,?)",
         {schema::NewRowId(clock.now += 1000), RowText(*row, "village"), app, "0000018bcfe5b000.node-x", state->head,
          stage});
  }
  // Every stage of the application's service rule, in order, on its side.
  void PassStages(const std::string& app) { PassStagesOn(*store, app); }
  // Passes the stages, then approves.
  Status Approve(const std::string& app, const std::string& override_reason = "") {
    PassStages(app);
    return RecordDecision(*store, app, "approved", "", "hub", "tester", nullptr, override_reason);
  }
  // The application's indicator answers replaced (EncodeAnswers form).
  void Answer(const std::string& app, const std::string& answers) {
    Exec("UPDATE applications SET indicator_answers=? WHERE id=?", {answers, app});
  }
  int64_t Audits(const std::string& action) {
    auto rows = QueryRows(*store, "SELECT count(*) AS n FROM hub_audit WHERE action=?", {action});
    REQUIRE(rows.ok());
    return std::get<int64_t>(rows->front().front().second);
  }
  simpul::testing::TempDir dir;
  FixtureClock clock;
  std::unique_ptr<HubStore> store;
};

}  // namespace simpul::hub::testing

#endif  // SIMPUL_TESTS_SUPPORT_HUB_FIXTURE_H_
