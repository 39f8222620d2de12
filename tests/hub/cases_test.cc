// Tests for hub/cases.h: case numbers from the hub's sequences (never
// reused: not after hub.db loses its counter, not when the reservation file
// is gone and only the records remain), pending while a restore's numbers
// are unproven; walk-in cases; hub steps refused whole; overdue and yearly
// counts by category.
#include "hub/cases.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "hub/operations.h"
#include "hub/sequences.h"
#include "schema/ids.h"
#include "schema/tables.h"
#include "sync/crypto/envelope.h"
#include "tests/support/temp_dir.h"

namespace simpul::hub {
namespace {

constexpr const char* kVillage = "61.71.01.1002";  // Pontianak (WIB)
constexpr int64_t kDay = 86400000;

class FakeClock : public sync::Clock {
 public:
  uint64_t NowMs() override { return now; }
  uint64_t now = 1'772'814'600'000ULL;  // 2026-03-06T16:30:00Z, a Friday
};

struct Fixture {
  Fixture() {
    REQUIRE(sync::crypto::InitSodium().ok());
    auto r = HubStore::Init(data, "Dinsos Pontianak", &clock);
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    store = std::move(r).value();
  }
  // A case as a village records it (no number), received now.
  std::string VillageCase(const std::string& category, const std::string& urgency) {
    auto txn = store->BeginWrite();
    REQUIRE(txn.ok());
    std::string id = schema::NewRowId(clock.now);
    auto w = store->writer().Write(*schema::FindTable("complaints"), id, kVillage,
                                   {{"category", category}, {"urgency", urgency},
                                    {"description", std::string("butuh rujukan")},
                                    {"created_at", std::string("2026-03-06T16:30:00Z")}});
    REQUIRE_MESSAGE(w.ok(), w.status().ToString());
    REQUIRE(txn->Commit().ok());
    return id;
  }
  int Number() {
    auto txn = store->BeginWrite();
    REQUIRE(txn.ok());
    auto n = NumberPendingCases(*store, kVillage);
    REQUIRE_MESSAGE(n.ok(), n.status().ToString());
    REQUIRE(txn->Commit().ok());
    return *n;
  }
  std::string NumberOf(const std::string& id) {
    auto c = LoadHubCase(*store, id);
    REQUIRE_MESSAGE(c.ok(), c.status().ToString());
    return c->number;
  }
  int64_t Count(const std::string& sql) {
    auto rows = QueryRows(*store, sql, {});
    REQUIRE(rows.ok());
    return std::stoll(RowText((*rows)[0], "n"));
  }
  simpul::testing::TempDir tmp;
  std::string data = tmp.File("hub");
  FakeClock clock;
  std::unique_ptr<HubStore> store;
};

schema::CaseEvent Step(const std::string& kind) {
  schema::CaseEvent e;
  e.kind = kind;
  if (kind == "assigned") e.facilitator = "Bu Rina";
  if (kind == "resolved") e.note = "ditangani";
  return e;
}

TEST_CASE("case numbers come from the hub's sequence and are never reused") {
  Fixture f;
  auto walk_in = OpenCase(*f.store, {kVillage, "health", "emergency", "Ibu pingsan, butuh rujukan RSUD"});
  REQUIRE_MESSAGE(walk_in.ok(), walk_in.status().ToString());
  CHECK(f.NumberOf(*walk_in) == "KASUS/2026/00001");
  std::string a = f.VillageCase("education", "normal");
  CHECK(f.NumberOf(a).empty());  // "(number pending)" until the hub numbers it
  CHECK(f.Number() == 1);
  CHECK(f.NumberOf(a) == "KASUS/2026/00002");
  CHECK(f.Number() == 0);  // numbered once
  // hub.db loses its counter (a restore on the same machine): the
  // reservation file outside it still says 2.
  REQUIRE(f.store->db().Exec("DELETE FROM letter_counters").ok());
  std::string b = f.VillageCase("health", "high");
  f.Number();
  CHECK(f.NumberOf(b) == "KASUS/2026/00003");
  // Both gone (a new machine): the numbers on record are learned.
  REQUIRE(f.store->db().Exec("DELETE FROM letter_counters").ok());
  std::filesystem::remove(SequencesPath(f.data));
  std::string c = f.VillageCase("housing", "low");
  f.Number();
  CHECK(f.NumberOf(c) == "KASUS/2026/00004");
  CHECK(f.Count("SELECT count(DISTINCT case_number) AS n FROM complaints") == 4);
}

TEST_CASE("while a restore's numbers are unproven, cases stay pending and nothing fails") {
  Fixture f;
  REQUIRE(f.store->db().Exec("INSERT INTO nodes(node_id,village,sign_pk,status,enrolled_at_ms) VALUES"
                             "('00000000000000aa','61.71.01.1002','00','active',0)").ok());
  REQUIRE(f.store->SetMeta("numbers_unproven", "1").ok());
  std::string a = f.VillageCase("health", "emergency");
  CHECK(f.Number() == 0);
  CHECK(f.NumberOf(a).empty());
  f.clock.now += 1000;  // numbered oldest first
  auto walk_in = OpenCase(*f.store, {kVillage, "health", "normal", "datang ke loket"});
  REQUIRE(walk_in.ok());
  CHECK(f.NumberOf(*walk_in).empty());
  // The village caught up: the next sync numbers both.
  REQUIRE(f.store->SetMeta("numbers_unproven", "").ok());
  CHECK(f.Number() == 2);
  CHECK(f.NumberOf(a) == "KASUS/2026/00001");
  CHECK(f.NumberOf(*walk_in) == "KASUS/2026/00002");
}

TEST_CASE("walk-in input and hub steps are checked before anything is written") {
  Fixture f;
  CHECK(OpenCase(*f.store, {"61.71.01", "health", "normal", "x"}).status().field() == "--village");
  CHECK(OpenCase(*f.store, {kVillage, "gossip", "normal", "x"}).status().field() == "--category");
  CHECK(OpenCase(*f.store, {kVillage, "health", "urgent", "x"}).status().field() == "--urgency");
  CHECK(OpenCase(*f.store, {kVillage, "health", "normal", ""}).status().field() == "--description");
  CHECK(OpenCase(*f.store, {kVillage, "health", "normal", "x", schema::NewRowId(1)}).status().field() == "--person");
  CHECK(f.Count("SELECT count(*) AS n FROM complaints") == 0);

  auto id = OpenCase(*f.store, {kVillage, "social_aid", "emergency", "rumah terbakar"});
  REQUIRE(id.ok());
  for (const char* k : {"assigned", "resolved", "closed"}) REQUIRE(RecordHubCaseStep(*f.store, *id, Step(k)).ok());
  const int64_t log = f.Count("SELECT count(*) AS n FROM changelog");
  const int64_t audit = f.Count("SELECT count(*) AS n FROM hub_audit");
  auto twice = RecordHubCaseStep(*f.store, *id, Step("closed"));
  CHECK(twice.status().code() == Code::kFailedPrecondition);
  CHECK(twice.status().field() == "status");
  CHECK(f.Count("SELECT count(*) AS n FROM changelog") == log);
  CHECK(f.Count("SELECT count(*) AS n FROM hub_audit") == audit);
  CHECK(f.Count("SELECT count(*) AS n FROM case_events") == 3);
  auto gone = RecordHubCaseStep(*f.store, schema::NewRowId(2), Step("assigned"));
  CHECK(gone.status().code() == Code::kNotFound);
}

TEST_CASE("overdue at the hub, and yearly counts by category") {
  Fixture f;
  auto e = OpenCase(*f.store, {kVillage, "health", "emergency", "butuh rawat inap"});
  auto n = OpenCase(*f.store, {kVillage, "health", "normal", "KIS tidak aktif"});
  auto s = OpenCase(*f.store, {kVillage, "education", "emergency", "tunggakan SPP"});
  REQUIRE((e.ok() && n.ok() && s.ok()));
  REQUIRE(RecordHubCaseStep(*f.store, *s, Step("assigned")).ok());
  REQUIRE(RecordHubCaseStep(*f.store, *s, Step("resolved")).ok());  // within its 24 h
  f.clock.now += kDay + 60000;  // the emergencies are past 1x24 h
  auto overdue = LoadHubCases(*f.store, {"", "", "", true});
  REQUIRE(overdue.ok());
  REQUIRE(overdue->size() == 1);
  CHECK((*overdue)[0].id == *e);
  auto counts = CountCases(*f.store, 2026);
  REQUIRE(counts.ok());
  auto of = [&](const std::string& cat) {
    for (const auto& c : *counts)
      if (c.category == cat) return c;
    return CaseCount{};
  };
  CHECK(of("health").opened == 2);
  CHECK(of("health").open == 2);
  CHECK(of("health").overdue == 1);
  CHECK(of("education").opened == 1);
  CHECK(of("education").resolved == 1);
  CHECK(of("education").within_target == 1);
  CHECK(of("housing").opened == 0);
  auto last_year = CountCases(*f.store, 2025);
  REQUIRE(last_year.ok());
  for (const auto& c : *last_year) CHECK(c.opened == 0);
  CHECK(CountCases(*f.store, 26).status().field() == "--year");
}

}  // namespace
}  // namespace simpul::hub
