// The audit log: every hub action leaves a chained entry; tampering shows.
#include <doctest/doctest.h>

#include "hub/operations.h"
#include "hub/store.h"
#include "sync/audit.h"
#include "tests/support/temp_dir.h"

namespace simpul::hub {
namespace {

int64_t Count(HubStore& s, const std::string& sql) {
  auto st = s.db().Prepare(sql);
  REQUIRE(st.ok());
  REQUIRE(*st->Step());
  return st->Int(0);
}

TEST_CASE("hub actions are audited in a hash chain that detects alteration and removal") {
  testing::TempDir dir;
  auto r = HubStore::Init(dir.File("hub"), "audit hub", sync::SystemClock::Default());
  REQUIRE(r.ok());
  HubStore& hub = **r;
  hub.set_actor("Budi (verifikator)");
  REQUIRE(CreateEnrolment(hub, "35.10.01.2001", 7).ok());
  REQUIRE(CreateEnrolment(hub, "35.10.01.2002", 7).ok());
  {
    auto txn = schema::Transaction::Begin(hub.db());
    REQUIRE(txn.ok());
    REQUIRE(hub.Audit("read_person", "35.10.01.2001", "person-1", "application x").ok());
    REQUIRE(hub.Audit("export_full", "35.10.01.2001", "recap", "purpose: BPJS").ok());
    REQUIRE(txn->Commit().ok());
  }
  CHECK(RevokeNode(hub, "no-such-node", "x").code() == Code::kNotFound);  // refused: not audited
  CHECK(Count(hub, "SELECT count(*) FROM hub_audit") == 4);
  CHECK(Count(hub, "SELECT count(*) FROM hub_audit WHERE actor='Budi (verifikator)'") == 4);
  auto clean = sync::VerifyAuditChains(hub.db(), "hub_audit");
  REQUIRE(clean.ok());
  CHECK(clean->empty());

  SUBCASE("an altered entry") {
    REQUIRE(hub.db().Exec("UPDATE hub_audit SET detail='nothing to see' WHERE action='export_full'").ok());
    auto problems = sync::VerifyAuditChains(hub.db(), "hub_audit");
    REQUIRE(problems.ok());
    REQUIRE(problems->size() == 1);
    CHECK((*problems)[0].find("altered") != std::string::npos);
  }
  SUBCASE("a removed entry") {
    REQUIRE(hub.db().Exec("DELETE FROM hub_audit WHERE action='read_person'").ok());
    auto problems = sync::VerifyAuditChains(hub.db(), "hub_audit");
    REQUIRE(problems.ok());
    REQUIRE(problems->size() == 1);
    CHECK((*problems)[0].find("does not follow") != std::string::npos);
  }
  SUBCASE("entries forged with recomputed hashes but a broken link") {
    REQUIRE(hub.db().Exec("UPDATE hub_audit SET prev_hash='00' WHERE action='export_full'").ok());
    auto problems = sync::VerifyAuditChains(hub.db(), "hub_audit");
    REQUIRE(problems.ok());
    CHECK(problems->size() >= 1);
  }
}

}  // namespace
}  // namespace simpul::hub
