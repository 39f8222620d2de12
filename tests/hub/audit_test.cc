// The audit log: every hub action leaves a chained entry; tampering shows.
#include <doctest/doctest.h>

#include "hub/audit.h"
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

sync::AuditReport Verify(HubStore& hub, const std::string& table = "hub_audit") {
  auto r = VerifyHubAudit(hub, table);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  for (const auto& p : r->problems)
    MESSAGE("problem " << static_cast<int>(p.kind) << " " << p.writer << " " << p.entry << " " << p.from << ".." << p.to);
  return *r;
}

bool Has(const sync::AuditReport& r, sync::AuditProblemKind kind, int64_t from, int64_t to) {
  for (const auto& p : r.problems)
    if (p.kind == kind && p.from == from && p.to == to) return true;
  return false;
}

class SetClock : public sync::Clock {
 public:
  uint64_t NowMs() override { return now; }
  uint64_t now = 1'700'000'000'000ULL;
};

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
  CHECK(Verify(hub).intact());
  CHECK(Count(hub, "SELECT max(seq) FROM hub_audit") == 4);
  CHECK(Count(hub, "SELECT max(seq) FROM hub_audit_heads") == 4);  // each hub entry is covered by a signed head

  SUBCASE("an altered entry") {
    REQUIRE(hub.db().Exec("UPDATE hub_audit SET detail='nothing to see' WHERE action='export_full'").ok());
    auto r = Verify(hub);
    CHECK(Has(r, sync::AuditProblemKind::kAltered, 4, 4));
    CHECK(Has(r, sync::AuditProblemKind::kHeadMismatch, 4, 4) == false);  // the hash column still matches the head
  }
  SUBCASE("a removed entry") {
    REQUIRE(hub.db().Exec("DELETE FROM hub_audit WHERE action='read_person'").ok());
    auto r = Verify(hub);
    REQUIRE(r.problems.size() == 1);
    CHECK(Has(r, sync::AuditProblemKind::kMissing, 3, 3));
  }
  SUBCASE("entries forged with recomputed hashes but a broken link") {
    REQUIRE(hub.db().Exec("UPDATE hub_audit SET prev_hash='00' WHERE action='export_full'").ok());
    CHECK(!Verify(hub).intact());
  }
  SUBCASE("the newest entries deleted: the cut is named against the signed head") {
    REQUIRE(hub.db().Exec("DELETE FROM hub_audit WHERE seq >= 3").ok());
    auto r = Verify(hub);
    REQUIRE(r.problems.size() == 1);
    CHECK(Has(r, sync::AuditProblemKind::kTruncated, 3, 4));
    CHECK(r.problems[0].writer == hub.hub_id());
  }
  SUBCASE("a head written into the database with another key") {
    auto other = sync::crypto::GenerateIdentity();
    auto h = sync::SignAuditHead(other, hub.hub_id(), 9, "ab", "x");
    auto ins = hub.db().Prepare("INSERT INTO hub_audit_heads VALUES(?,?,?,?,?,?)");
    REQUIRE(ins.ok());
    ins->Bind(1, h.writer).Bind(2, h.seq).Bind(3, h.hash).Bind(4, h.signed_at).Bind(5, h.signer).Bind(6, h.signature);
    REQUIRE(ins->Run().ok());
    CHECK(Has(Verify(hub), sync::AuditProblemKind::kHeadUnknownKey, 9, 9));
  }
  SUBCASE("heads survive a key rotation: the retired key still vouches for them") {
    REQUIRE(hub.RotateKey().ok());
    CHECK(Verify(hub).intact());
  }
}

TEST_CASE("a damaged key succession in the store is reported as damage, not thrown") {
  testing::TempDir dir;
  SetClock clock;
  auto r = HubStore::Init(dir.File("hub"), "audit hub", &clock);
  REQUIRE(r.ok());
  HubStore& hub = **r;
  const sync::crypto::PublicKey pinned = hub.identity().sign_pk;
  REQUIRE(hub.RotateKey().ok());
  auto chain = hub.SuccessionFrom(pinned);
  REQUIRE_MESSAGE(chain.ok(), chain.status().ToString());
  CHECK(chain->size() == 1);
  // Right length, not hex: std::stoi threw on these before.
  for (const std::string& bad : {std::string(128, 'z'), "+1" + std::string(126, 'a'), std::string(127, 'a') + " ",
                                std::string(126, 'a')}) {
    auto up = hub.db().Prepare("UPDATE key_succession SET signature=?");
    REQUIRE(up.ok());
    up->Bind(1, bad);
    REQUIRE(up->Run().ok());
    auto damaged = hub.SuccessionFrom(pinned);
    REQUIRE_FALSE(damaged.ok());
    CHECK(damaged.status().code() == Code::kCorruption);
  }
}

TEST_CASE("no clock breaks the hub's chain: stamps that go back after a restart") {
  testing::TempDir dir;
  SetClock fast;
  fast.now += 3 * 86'400'000ULL;  // stamps taken from a node three days ahead
  {
    auto r = HubStore::Init(dir.File("hub"), "audit hub", &fast);
    REQUIRE(r.ok());
    auto txn = schema::Transaction::Begin((*r)->db());
    REQUIRE(txn.ok());
    REQUIRE((*r)->Audit("read_person", "35.10.01.2001", "person-1", "").ok());
    REQUIRE((*r)->Audit("read_person", "35.10.01.2001", "person-2", "").ok());
    REQUIRE(txn->Commit().ok());
  }
  // The next process starts from the right time and without the fast
  // stamp: its stamps go back (and repeat one another's milliseconds).
  SetClock right;
  auto r = HubStore::Open(dir.File("hub"), &right);
  REQUIRE(r.ok());
  HubStore& hub = **r;
  REQUIRE(hub.db().Exec("DELETE FROM meta WHERE key='hlc_last'").ok());
  for (int i = 0; i < 3; ++i) {
    auto again = HubStore::Open(dir.File("hub"), &right);
    REQUIRE(again.ok());
    auto txn = schema::Transaction::Begin((*again)->db());
    REQUIRE(txn.ok());
    REQUIRE((*again)->Audit("export_full", "35.10.01.2001", "recap", "purpose: BPJS").ok());
    REQUIRE(txn->Commit().ok());
  }
  CHECK(Count(hub, "SELECT count(*) FROM hub_audit WHERE at < (SELECT max(at) FROM hub_audit)") >= 3);
  CHECK(Verify(hub).intact());
}

TEST_CASE("a hub chain from before sequence numbers still verifies, and the next entries continue it") {
  testing::TempDir dir;
  auto r = HubStore::Init(dir.File("hub"), "audit hub", sync::SystemClock::Default());
  REQUIRE(r.ok());
  HubStore& hub = **r;
  for (int i = 0; i < 3; ++i) {
    auto txn = schema::Transaction::Begin(hub.db());
    REQUIRE(txn.ok());
    REQUIRE(hub.Audit("read_person", "35.10.01.2001", "person", "").ok());
    REQUIRE(txn->Commit().ok());
  }
  // As an older hub left them: no numbers, no heads.
  REQUIRE(hub.db().Exec("UPDATE hub_audit SET seq=NULL; DELETE FROM hub_audit_heads").ok());
  CHECK(Verify(hub).intact());
  {
    auto txn = schema::Transaction::Begin(hub.db());
    REQUIRE(txn.ok());
    REQUIRE(hub.Audit("export_full", "35.10.01.2001", "recap", "").ok());
    REQUIRE(txn->Commit().ok());
  }
  CHECK(Count(hub, "SELECT max(seq) FROM hub_audit") == 1);
  CHECK(Verify(hub).intact());
  REQUIRE(hub.db().Exec("DELETE FROM hub_audit WHERE seq IS NULL AND hash=(SELECT prev_hash FROM hub_audit WHERE seq=1)").ok());
  CHECK(Has(Verify(hub), sync::AuditProblemKind::kUnlinked, 1, 1));
}

TEST_CASE("village heads verify with the keys the hub vouched for at enrolment, and no other") {
  testing::TempDir dir;
  auto r = HubStore::Init(dir.File("hub"), "audit hub", sync::SystemClock::Default());
  REQUIRE(r.ok());
  HubStore& hub = **r;
  auto node_key = sync::crypto::GenerateIdentity();
  {
    auto txn = schema::Transaction::Begin(hub.db());
    REQUIRE(txn.ok());
    REQUIRE(RecordNodeKey(hub, "node-a", node_key.sign_pk).ok());
    REQUIRE(txn->Commit().ok());
  }
  // A village entry and its head, as a sync delivers them.
  sync::AuditEntry e{"0190f0a0-0000-7000-8000-000000000001", "35.10.01.2001", "node-a", "Sari", "read_person",
                     "p", "", "0000000000010000.node-a", "", "", 1};
  e.hash = sync::AuditHash(e);
  auto ins = hub.db().Prepare("INSERT INTO audit(id,village,writer,actor,action,subject,detail,at,prev_hash,hash,seq)"
                              " VALUES(?,?,?,?,?,?,?,?,?,?,?)");
  REQUIRE(ins.ok());
  ins->Bind(1, e.id).Bind(2, e.village).Bind(3, e.writer).Bind(4, e.actor).Bind(5, e.action).Bind(6, e.subject)
      .Bind(7, e.detail).Bind(8, e.at).Bind(9, e.prev_hash).Bind(10, e.hash).Bind(11, e.seq);
  REQUIRE(ins->Run().ok());
  auto head = [&](const sync::crypto::Identity& key, int64_t seq) {
    auto h = sync::SignAuditHead(key, "node-a", seq, e.hash, "x");
    auto st = hub.db().Prepare("INSERT INTO audit_heads(id,village,writer,seq,hash,signed_at,signer,signature)"
                               " VALUES(?,?,?,?,?,?,?,?)");
    REQUIRE(st.ok());
    st->Bind(1, "0190f0a0-0000-7000-8000-00000000010" + std::to_string(seq)).Bind(2, e.village).Bind(3, h.writer)
        .Bind(4, h.seq).Bind(5, h.hash).Bind(6, h.signed_at).Bind(7, h.signer).Bind(8, h.signature);
    REQUIRE(st->Run().ok());
  };
  head(node_key, 1);
  CHECK(Verify(hub, "audit").intact());

  SUBCASE("a key slipped into node_keys without the hub's signature is not trusted") {
    auto forger = sync::crypto::GenerateIdentity();
    auto st = hub.db().Prepare("INSERT INTO node_keys VALUES('node-a',?,?,?,0)");
    REQUIRE(st.ok());
    st->Bind(1, sync::crypto::ToHex(forger.sign_pk)).Bind(2, sync::crypto::ToHex(hub.identity().sign_pk))
        .Bind(3, std::string(128, '0'));
    REQUIRE(st->Run().ok());
    head(forger, 2);
    auto rep = Verify(hub, "audit");
    CHECK(Has(rep, sync::AuditProblemKind::kHeadUnknownKey, 2, 2));
  }
  SUBCASE("the node's entry deleted at the hub: the cut is named") {
    REQUIRE(hub.db().Exec("DELETE FROM audit").ok());
    CHECK(Has(Verify(hub, "audit"), sync::AuditProblemKind::kTruncated, 1, 1));
  }
}

}  // namespace
}  // namespace simpul::hub
