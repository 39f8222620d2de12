// hub/audit_log.h: the audit log as people read it (newest first, the hub's
// and the villages' entries, filtered by village and action prefix) and the
// verification of every chain, each problem and last head in words, the
// signing time shown in the district's zone (WIB / WITA / WIT).
#include "hub/audit_log.h"

#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

#include "hub/operations.h"
#include "sync/hlc.h"
#include "tests/support/hub_fixture.h"

namespace simpul::hub {
namespace {

using testing::kFixtureT;
using testing::StillHub;

void HubAudit(HubStore& store, const std::string& action, const std::string& village, const std::string& subject,
              const std::string& detail = "") {
  auto w = store.BeginWrite();
  REQUIRE_MESSAGE(w.ok(), w.status().ToString());
  Status st = store.Audit(action, village, subject, detail);
  REQUIRE_MESSAGE(st.ok(), st.ToString());
  REQUIRE(w->Commit().ok());
}

// A village's audit entry as it arrives from its node (no chain: only read here).
void VillageAudit(StillHub& hub, const std::string& id, const std::string& village, const std::string& action,
                  int64_t ms) {
  auto st = hub.store->db().Prepare(
      "INSERT INTO audit(id,village,writer,actor,action,subject,detail,at,prev_hash,hash)"
      " VALUES(?,?,'node-x','Rina (desa)',?,'P1','',?,'00','11')");
  REQUIRE(st.ok());
  st->Bind(1, id).Bind(2, village).Bind(3, action)
      .Bind(4, sync::Hlc::FormatVersion(sync::Stamp::Make(static_cast<uint64_t>(ms), 0), "node-x"));
  REQUIRE(st->Run().ok());
}

void EnrolledNode(StillHub& hub, const std::string& node, const std::string& village, int64_t at_ms) {
  auto st = hub.store->db().Prepare(
      "INSERT INTO nodes(node_id,village,sign_pk,status,enrolled_at_ms) VALUES(?,?,'00','active',?)");
  REQUIRE(st.ok());
  st->Bind(1, node).Bind(2, village).Bind(3, at_ms);
  REQUIRE(st->Run().ok());
}

std::vector<std::string> Actions(HubStore& store, const AuditLogFilter& f) {
  auto rows = ReadAuditLog(store, f);
  REQUIRE_MESSAGE(rows.ok(), rows.status().ToString());
  std::vector<std::string> out;
  for (const auto& r : *rows) out.push_back(RowText(r, "action"));
  return out;
}

using Strings = std::vector<std::string>;

TEST_CASE("audit log: newest first across the hub's and the villages' entries, with every column") {
  StillHub hub;
  HubAudit(*hub.store, "case:approve", "35.10.01.2001", "A1", "disetujui");
  HubAudit(*hub.store, "case:return", "35.10.01.2002", "A2");
  VillageAudit(hub, "V-new", "35.10.01.2001", "case_note", kFixtureT + 60'000);  // after every hub entry
  VillageAudit(hub, "V-old", "35.10.01.2002", "read_person", kFixtureT - 60'000);  // before

  auto rows = ReadAuditLog(*hub.store, {});
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == 4);
  CHECK(Actions(*hub.store, {}) == Strings{"case_note", "case:return", "case:approve", "read_person"});
  const Row& newest = rows->front();
  Strings columns;
  for (const auto& [name, value] : newest) columns.push_back(name);
  CHECK(columns == Strings{"at", "source", "writer", "actor", "action", "village", "subject", "detail"});
  CHECK(RowText(newest, "source") == "village");
  CHECK(RowText(newest, "writer") == "node-x");
  CHECK(RowText(newest, "actor") == "Rina (desa)");
  const Row& hub_row = (*rows)[2];
  CHECK(RowText(hub_row, "source") == "hub");
  CHECK(RowText(hub_row, "writer") == hub.store->hub_id());
  CHECK(RowText(hub_row, "actor") == "sync");
  CHECK(RowText(hub_row, "village") == "35.10.01.2001");
  CHECK(RowText(hub_row, "subject") == "A1");
  CHECK(RowText(hub_row, "detail") == "disetujui");
}

TEST_CASE("audit log: village filter, and an action prefix whose % and _ are literal") {
  StillHub hub;
  HubAudit(*hub.store, "case:approve", "35.10.01.2001", "A1");
  HubAudit(*hub.store, "case:return", "35.10.01.2002", "A2");
  HubAudit(*hub.store, "export", "", "queue csv");
  VillageAudit(hub, "V1", "35.10.01.2001", "case_note", kFixtureT + 1000);
  VillageAudit(hub, "V2", "35.10.01.2001", "casexnote", kFixtureT + 2000);

  AuditLogFilter village;
  village.village = "35.10.01.2001";
  CHECK(Actions(*hub.store, village) == Strings{"casexnote", "case_note", "case:approve"});

  AuditLogFilter steps;
  steps.action = "case:";
  CHECK(Actions(*hub.store, steps) == Strings{"case:return", "case:approve"});
  steps.village = "35.10.01.2002";
  CHECK(Actions(*hub.store, steps) == Strings{"case:return"});

  // '_' and '%' are the user's characters, not LIKE wildcards.
  AuditLogFilter underscore;
  underscore.action = "case_";
  CHECK(Actions(*hub.store, underscore) == Strings{"case_note"});
  AuditLogFilter percent;
  percent.action = "%";
  CHECK(Actions(*hub.store, percent).empty());
  percent.action = "c%e";
  CHECK(Actions(*hub.store, percent).empty());
  AuditLogFilter backslash;
  backslash.action = "case\\";
  CHECK(Actions(*hub.store, backslash).empty());

  // Hostile input is a value, never SQL.
  AuditLogFilter hostile;
  hostile.village = "' OR '1'='1";
  CHECK(Actions(*hub.store, hostile).empty());
  hostile.village = "";
  hostile.action = "x' UNION SELECT 1,2,3,4,5,6,7,8 --";
  CHECK(Actions(*hub.store, hostile).empty());
  AuditLogFilter nowhere;
  nowhere.village = "99.99.99.9999";
  CHECK(Actions(*hub.store, nowhere).empty());
}

TEST_CASE("audit log: the limit keeps the newest entries and is at least one") {
  StillHub hub;
  for (int i = 0; i < 5; ++i) HubAudit(*hub.store, "step" + std::to_string(i), "35.10.01.2001", "A");
  AuditLogFilter f;
  f.limit = 2;
  CHECK(Actions(*hub.store, f) == Strings{"step4", "step3"});
  f.limit = 0;
  CHECK(Actions(*hub.store, f) == Strings{"step4"});
  f.limit = -7;
  CHECK(Actions(*hub.store, f) == Strings{"step4"});
  f.limit = 1000;
  CHECK(Actions(*hub.store, f).size() == 5);
}

TEST_CASE("audit log: the district's region is the village of the first enrolled node") {
  StillHub hub;
  CHECK(HubRegion(*hub.store) == "");
  EnrolledNode(hub, "node-b", "73.71.01.2002", 2000);
  EnrolledNode(hub, "node-a", "35.10.01.2001", 3000);
  CHECK(HubRegion(*hub.store) == "73.71.01.2002");  // enrolled first, whatever its id
  EnrolledNode(hub, "node-0", "94.71.01.2003", 1000);
  CHECK(HubRegion(*hub.store) == "94.71.01.2003");
}

TEST_CASE("audit log: problem kinds have stable, distinct names") {
  using K = sync::AuditProblemKind;
  CHECK(std::string(AuditProblemName(K::kAltered)) == "altered");
  CHECK(std::string(AuditProblemName(K::kUnlinked)) == "unlinked");
  CHECK(std::string(AuditProblemName(K::kSeqTwice)) == "numbered_twice");
  CHECK(std::string(AuditProblemName(K::kMissing)) == "missing");
  CHECK(std::string(AuditProblemName(K::kTruncated)) == "truncated");
  CHECK(std::string(AuditProblemName(K::kHeadForged)) == "head_forged");
  CHECK(std::string(AuditProblemName(K::kHeadUnknownKey)) == "head_unknown_key");
  CHECK(std::string(AuditProblemName(K::kHeadMismatch)) == "head_mismatch");
  std::set<std::string> names;
  for (K k : {K::kAltered, K::kUnlinked, K::kSeqTwice, K::kMissing, K::kTruncated, K::kHeadForged,
              K::kHeadUnknownKey, K::kHeadMismatch})
    names.insert(AuditProblemName(k));
  CHECK(names.size() == 8);
}

TEST_CASE("audit log: an intact hub chain, its last head signed at a time in the district's zone") {
  // kFixtureT = 2023-11-14 22:13:20 UTC: 05.13 the next morning in WIB,
  // 06.13 WITA, 07.13 WIT.
  struct Zone {
    const char* village;  // "" no node enrolled: WIB
    const char* id_text;
    const char* en_text;
  };
  for (const Zone& z : std::vector<Zone>{{"", "15 Nov 2023 05.13 WIB", "15 Nov 2023 05:13 WIB"},
                                         {"35.10.01.2001", "15 Nov 2023 05.13 WIB", "15 Nov 2023 05:13 WIB"},
                                         {"73.71.01.2002", "15 Nov 2023 06.13 WITA", "15 Nov 2023 06:13 WITA"},
                                         {"94.71.01.2003", "15 Nov 2023 07.13 WIT", "15 Nov 2023 07:13 WIT"}}) {
    CAPTURE(z.village);
    StillHub hub;
    if (*z.village) EnrolledNode(hub, "node-1", z.village, 1000);
    HubAudit(*hub.store, "case:approve", "35.10.01.2001", "A1");
    HubAudit(*hub.store, "export", "", "queue csv");
    const int64_t entries = hub.Int("SELECT count(*) FROM hub_audit");
    REQUIRE(entries >= 2);

    auto en = VerifyAuditChains(*hub.store, Lang::kEn);
    REQUIRE_MESSAGE(en.ok(), en.status().ToString());
    CHECK(en->intact);
    CHECK(en->problems.empty());
    REQUIRE(en->heads.size() == 1);  // the villages' table holds no chain
    const AuditChainHead& h = en->heads[0];
    CHECK(h.table == "hub_audit");
    CHECK(h.writer == hub.store->hub_id());
    // The head's entry number (the API's "seq", the CLI's "head_seq"): it
    // was always 0 before (a positional initialiser put it in signed_ms).
    CHECK(h.seq == entries);
    CHECK(h.signed_ms == static_cast<int64_t>(kFixtureT));
    CHECK(h.hash == hub.Text("SELECT hash FROM hub_audit ORDER BY at DESC LIMIT 1"));
    CHECK_MESSAGE(h.text == hub.store->hub_id() + ": last signed head: entry no. " + std::to_string(entries) +
                                ", hash " + h.hash + ", signed " + z.en_text + ".",
                  h.text);
    auto id = VerifyAuditChains(*hub.store, Lang::kId);
    REQUIRE(id.ok());
    REQUIRE(id->heads.size() == 1);
    CHECK_MESSAGE(id->heads[0].text.find(std::string("ditandatangani ") + z.id_text + ".") != std::string::npos,
                  id->heads[0].text);
  }
}

TEST_CASE("audit log: an altered or cut hub chain is reported by table, kind and entry, in words") {
  StillHub hub;
  for (int i = 0; i < 4; ++i) HubAudit(*hub.store, "step" + std::to_string(i), "35.10.01.2001", "A");
  const int64_t n = hub.Int("SELECT count(*) FROM hub_audit");

  SUBCASE("altered") {
    REQUIRE(hub.store->db().Exec("UPDATE hub_audit SET detail='nothing to see' WHERE action='step1'").ok());
    auto v = VerifyAuditChains(*hub.store, Lang::kEn);
    REQUIRE(v.ok());
    CHECK_FALSE(v->intact);
    bool found = false;
    for (const auto& p : v->problems) {
      if (p.kind != "altered") continue;
      found = true;
      CHECK(p.table == "hub_audit");
      CHECK(p.writer == hub.store->hub_id());
      CHECK(p.from == p.to);
      CHECK(p.from == n - 2);  // step1 is the second of the four, after Init's own entries
      CHECK_MESSAGE(p.text.find("was altered: its hash does not match its fields") != std::string::npos, p.text);
      CHECK(p.text.find("no. " + std::to_string(p.from)) != std::string::npos);
    }
    CHECK(found);
    auto id = VerifyAuditChains(*hub.store, Lang::kId);
    REQUIRE(id.ok());
    REQUIRE_FALSE(id->problems.empty());
    CHECK(id->problems[0].text.find("telah diubah") != std::string::npos);
  }
  SUBCASE("the newest entries removed: truncated after the signed head") {
    REQUIRE(hub.store->db().Exec("DELETE FROM hub_audit WHERE action IN ('step2','step3')").ok());
    auto v = VerifyAuditChains(*hub.store, Lang::kEn);
    REQUIRE(v.ok());
    CHECK_FALSE(v->intact);
    bool found = false;
    for (const auto& p : v->problems)
      if (p.kind == "truncated") {
        found = true;
        CHECK(p.from == n - 1);
        CHECK(p.to == n);
        CHECK(p.text.find("the chain was cut") != std::string::npos);
      }
    CHECK(found);
  }
}

}  // namespace
}  // namespace simpul::hub
