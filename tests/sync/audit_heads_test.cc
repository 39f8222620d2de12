// Village audit chains and their signed heads (sync/audit.h,
// sync/audit_heads.h): ordered by sequence number whatever the clock says;
// a cut chain, a recomputed chain, a forged or foreign head are reported;
// chains written before sequence numbers still verify by their links.
#include "sync/audit_heads.h"

#include <doctest/doctest.h>

#include <string>

#include "schema/db.h"
#include "schema/migrations.h"
#include "sync/audit.h"
#include "sync/change_capture.h"
#include "sync/hlc.h"
#include "tests/support/temp_dir.h"

namespace simpul::sync {
namespace {

constexpr uint64_t kT = 1'700'000'000'000ULL;
constexpr uint64_t kDay = 86'400'000ULL;
const std::string kVillage = "35.10.01.2001";

class SetClock : public Clock {
 public:
  uint64_t NowMs() override { return now; }
  uint64_t now = kT;
};

// A village node's store: its chain, its key, and the key the hub knows it by.
struct Village {
  Village() : db(Open()), hlc(&clock, "node-a"), writer(db, hlc, Role::kVillage), key(crypto::GenerateIdentity()) {
    REQUIRE(crypto::InitSodium().ok());
  }
  schema::Db Open() {
    auto r = schema::Db::Open(dir.File("node.db"), schema::Db::Mode::kCreate);
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    REQUIRE(schema::Migrate(*r).ok());
    return std::move(r).value();
  }
  void Append(const std::string& action, int n = 1) {
    for (int i = 0; i < n; ++i) {
      auto txn = schema::Transaction::Begin(db);
      REQUIRE(txn.ok());
      auto e = AppendVillageAudit(db, writer, hlc, kVillage, "Sari", action, "person-" + std::to_string(i), "");
      REQUIRE_MESSAGE(e.ok(), e.status().ToString());
      REQUIRE(txn->Commit().ok());
    }
  }
  void SignHead(const crypto::Identity& with) {
    auto txn = schema::Transaction::Begin(db);
    REQUIRE(txn.ok());
    Status st = WriteVillageAuditHead(db, writer, hlc, kVillage, with);
    REQUIRE_MESSAGE(st.ok(), st.ToString());
    REQUIRE(txn->Commit().ok());
  }
  AuditReport Verify() {
    std::string pk = crypto::ToHex(key.sign_pk);
    auto r = VerifyAuditChains(db, "audit", [&](const std::string& w, const std::string& signer) {
      return w == "node-a" && signer == pk;
    });
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    return *r;
  }
  void Exec(const std::string& sql) {
    Status st = db.Exec(sql);
    REQUIRE_MESSAGE(st.ok(), st.ToString());
  }

  simpul::testing::TempDir dir;
  schema::Db db;
  SetClock clock;
  Hlc hlc;
  ChangeWriter writer;
  crypto::Identity key;
};

bool Has(const AuditReport& r, AuditProblemKind kind, int64_t from, int64_t to) {
  for (const auto& p : r.problems)
    if (p.kind == kind && p.from == from && p.to == to && p.writer == "node-a") return true;
  return false;
}

TEST_CASE("a village chain is numbered 1, 2, 3 and its head is signed only when it grew") {
  Village v;
  v.SignHead(v.key);  // no entry yet: no head
  v.Append("read_person", 3);
  v.SignHead(v.key);
  v.SignHead(v.key);  // nothing new: no second head
  auto tip = NewestAuditEntry(v.db, "audit", "node-a");
  REQUIRE(tip.ok());
  CHECK(tip->seq == 3);
  auto heads = v.db.Prepare("SELECT count(*), max(seq) FROM audit_heads");
  REQUIRE(heads.ok());
  REQUIRE(*heads->Step());
  CHECK(heads->Int(0) == 1);
  CHECK(heads->Int(1) == 3);
  // The head replicates like any change: it is in the outbox.
  auto out = v.db.Prepare("SELECT count(*) FROM outbox WHERE tbl='audit_heads'");
  REQUIRE(out.ok());
  REQUIRE(*out->Step());
  CHECK(out->Int(0) == 1);
  AuditReport r = v.Verify();
  CHECK(r.intact());
  CHECK(r.entries == 3);
  CHECK(r.last_heads["node-a"].seq == 3);
}

TEST_CASE("no clock breaks a village chain: stamps that go back or repeat") {
  Village v;
  v.clock.now = kT + 3 * kDay;
  v.Append("export_full", 2);
  // The laptop's clock is put right and its stamp memory lost (a restored
  // store): the next entries are stamped days before the ones above.
  v.Exec("DELETE FROM meta WHERE key='hlc_last'");
  v.clock.now = kT;
  Hlc fresh(&v.clock, "node-a");
  ChangeWriter writer(v.db, fresh, Role::kVillage);
  for (int i = 0; i < 3; ++i) {
    auto txn = schema::Transaction::Begin(v.db);
    REQUIRE(txn.ok());
    REQUIRE(AppendVillageAudit(v.db, writer, fresh, kVillage, "Sari", "read_person", "p", "").ok());
    REQUIRE(txn->Commit().ok());
  }
  v.SignHead(v.key);
  AuditReport r = v.Verify();
  for (const auto& p : r.problems) MESSAGE(static_cast<int>(p.kind) << " " << p.entry << " " << p.from);
  CHECK(r.intact());
  CHECK(r.last_heads["node-a"].seq == 5);
}

TEST_CASE("a cut, recomputed or forged village chain is reported") {
  Village v;
  v.Append("read_person", 6);
  v.SignHead(v.key);
  REQUIRE(v.Verify().intact());

  SUBCASE("the newest entries deleted: the missing numbers are named") {
    v.Exec("DELETE FROM audit WHERE seq >= 5");
    AuditReport r = v.Verify();
    CHECK(r.problems.size() == 1);
    CHECK(Has(r, AuditProblemKind::kTruncated, 5, 6));
  }
  SUBCASE("every entry deleted, the head kept") {
    v.Exec("DELETE FROM audit");
    CHECK(Has(v.Verify(), AuditProblemKind::kTruncated, 1, 6));
  }
  SUBCASE("an entry edited and the chain recomputed without the key") {
    // What anyone who can write the database can do: the links all hold.
    v.Exec("UPDATE audit SET detail='nothing to see' WHERE seq=3");
    std::string prev;
    for (int seq = 1; seq <= 6; ++seq) {
      auto st = v.db.Prepare("SELECT id,village,writer,actor,action,subject,detail,at,prev_hash,hash,seq FROM audit WHERE seq=?");
      REQUIRE(st.ok());
      st->Bind(1, seq);
      REQUIRE(*st->Step());
      AuditEntry e{st->Text(0), st->Text(1), st->Text(2), st->Text(3), st->Text(4), st->Text(5),
                   st->Text(6), st->Text(7), seq == 1 ? st->Text(8) : prev, "", seq};
      e.hash = AuditHash(e);
      prev = e.hash;
      auto up = v.db.Prepare("UPDATE audit SET prev_hash=?, hash=? WHERE id=?");
      REQUIRE(up.ok());
      up->Bind(1, e.prev_hash).Bind(2, e.hash).Bind(3, e.id);
      REQUIRE(up->Run().ok());
    }
    AuditReport r = v.Verify();
    CHECK(r.problems.size() == 1);
    CHECK(Has(r, AuditProblemKind::kHeadMismatch, 6, 6));
  }
  SUBCASE("a head moved to the recomputed hash: its signature fails") {
    v.Exec("UPDATE audit_heads SET hash='00'");
    CHECK(Has(v.Verify(), AuditProblemKind::kHeadForged, 6, 6));
  }
  SUBCASE("a head signed with another key") {
    v.Exec("DELETE FROM audit_heads");
    v.Append("read_person");
    v.SignHead(crypto::GenerateIdentity());
    CHECK(Has(v.Verify(), AuditProblemKind::kHeadUnknownKey, 7, 7));
  }
  SUBCASE("an entry in the middle removed") {
    v.Exec("DELETE FROM audit WHERE seq=3");
    AuditReport r = v.Verify();
    CHECK(Has(r, AuditProblemKind::kMissing, 3, 3));
  }
  SUBCASE("two entries swapped") {
    v.Exec("UPDATE audit SET seq=CASE seq WHEN 2 THEN 3 ELSE 2 END WHERE seq IN (2,3)");
    AuditReport r = v.Verify();
    CHECK(!r.intact());
    CHECK(Has(r, AuditProblemKind::kUnlinked, 2, 2));
  }
}

TEST_CASE("a chain written before sequence numbers verifies by its links, and goes on numbered") {
  Village v;
  v.Append("read_person", 4);
  // As schema 7 wrote them: no seq. The old code linked each entry to the
  // newest stamp, so a clock set back forked the chain: e3 and e4 both
  // follow e2 here.
  v.Exec("UPDATE audit SET seq=NULL");
  {
    auto st = v.db.Prepare("SELECT hash FROM audit ORDER BY rowid LIMIT 1 OFFSET 1");
    REQUIRE(st.ok());
    REQUIRE(*st->Step());
    std::string e2 = st->Text(0);
    auto rows = v.db.Prepare("SELECT id,village,writer,actor,action,subject,detail,at,prev_hash,hash FROM audit ORDER BY rowid LIMIT 1 OFFSET 3");
    REQUIRE(rows.ok());
    REQUIRE(*rows->Step());
    AuditEntry e4{rows->Text(0), rows->Text(1), rows->Text(2), rows->Text(3), rows->Text(4),
                  rows->Text(5), rows->Text(6), rows->Text(7), e2, ""};
    e4.hash = AuditHash(e4);
    auto up = v.db.Prepare("UPDATE audit SET prev_hash=?, hash=? WHERE id=?");
    REQUIRE(up.ok());
    up->Bind(1, e2).Bind(2, e4.hash).Bind(3, e4.id);
    REQUIRE(up->Run().ok());
  }
  REQUIRE(v.Verify().intact());
  v.Append("export_full", 2);  // numbered 1 and 2, the first linked to the legacy tip
  v.SignHead(v.key);
  AuditReport r = v.Verify();
  CHECK(r.intact());
  CHECK(r.last_heads["node-a"].seq == 2);

  SUBCASE("a legacy entry removed") {
    v.Exec("DELETE FROM audit WHERE rowid = (SELECT rowid FROM audit ORDER BY rowid LIMIT 1)");
    CHECK(v.Verify().problems.size() >= 1);
  }
  SUBCASE("the legacy tip the numbered chain follows removed") {
    v.Exec("DELETE FROM audit WHERE hash = (SELECT prev_hash FROM audit WHERE seq=1)");
    CHECK(Has(v.Verify(), AuditProblemKind::kUnlinked, 1, 1));
  }
}

}  // namespace
}  // namespace simpul::sync
