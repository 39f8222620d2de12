// hub/sync_outbound.h: what the hub sends a village besides the pushes it
// answers: a log entry's fields, the change log after a cursor (the node's
// own entries skipped, paged by limit), snapshot pages and their keys,
// digest-bucket repairs, the scope digests, and document states and chunks
// (only documents of the node's own village, within the byte budgets).
#include "hub/sync_outbound.h"

#include <doctest/doctest.h>
#include <sodium.h>

#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "schema/migrations.h"
#include "schema/tables.h"
#include "sync/change_log.h"
#include "sync/crypto/envelope.h"
#include "sync/digest.h"
#include "tests/support/hub_fixture.h"

namespace simpul::hub {
namespace {

using testing::StillHub;
namespace wire = sync::wire;

const std::string kA = "35.10.01.2001", kB = "35.10.01.2002";

std::string Sha(const std::string& bytes) {
  uint8_t d[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(d, reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  return sync::crypto::ToHex(d, sizeof d);
}

std::string Version(uint64_t ms, const std::string& writer) {
  return sync::Hlc::FormatVersion(sync::Stamp::Make(ms, 0), writer);
}

// A log entry as a push from `origin` (or a hub write) leaves it.
int64_t Logged(StillHub& hub, const std::string& version, const std::string& village, const std::string& origin,
               uint32_t flags, const std::vector<std::pair<std::string, std::string>>& fields) {
  sync::ChangeLogWriter log(hub.store->db());
  auto seq = log.Append({version, "complaints", "C-" + version.substr(10, 6), village, flags, origin, 1000, 0});
  REQUIRE(seq.ok());
  for (const auto& [f, v] : fields) REQUIRE(log.AddField(*seq, f, schema::Value(v), schema::Value()).ok());
  return *seq;
}

// A complaint written by the hub (row, field versions and log entry).
void HubComplaint(StillHub& hub, const std::string& id, const std::string& village) {
  auto w = hub.store->writer().Write(*schema::FindTable("complaints"), id, village,
                                     {{"category", std::string("kesehatan")}, {"description", std::string(id)}});
  REQUIRE_MESSAGE(w.ok(), w.status().ToString());
}

size_t TableIndex(const std::string& name) {
  auto tables = schema::ReplicatedTables();
  for (size_t i = 0; i < tables.size(); ++i)
    if (tables[i].name == name) return i;
  FAIL("no table " << name);
  return 0;
}

std::set<std::string> RowIds(const std::vector<wire::Change>& changes) {
  std::set<std::string> out;
  for (const auto& c : changes) out.insert(c.row_id);
  return out;
}

int64_t MaxSeq(StillHub& hub) { return hub.Int("SELECT coalesce(max(seq),0) FROM changelog"); }

TEST_CASE("sync outbound: an entry's fields, in field order, a missing base empty") {
  StillHub hub;
  sync::ChangeLogWriter log(hub.store->db());
  auto seq = log.Append({Version(1000, "node-b"), "persons", "P1", kA, 0, "node-b", 1000, 0});
  REQUIRE(seq.ok());
  REQUIRE(log.AddField(*seq, "relation", schema::Value(int64_t{2}), schema::Value(std::string("v0"))).ok());
  REQUIRE(log.AddField(*seq, "name", schema::Value(std::string("Siti \"Aminah\"")), schema::Value()).ok());
  std::vector<wire::FieldChange> out;
  REQUIRE(LoadEntryFields(*hub.store, *seq, &out).ok());
  REQUIRE(out.size() == 2);
  CHECK(out[0].field == "name");
  CHECK(out[0].value == schema::Value(std::string("Siti \"Aminah\"")));
  CHECK(out[0].base == "");
  CHECK(out[1].field == "relation");
  CHECK(out[1].value == schema::Value(int64_t{2}));
  CHECK(out[1].base == "v0");
  // Appends; an unknown entry adds nothing.
  REQUIRE(LoadEntryFields(*hub.store, *seq + 1000, &out).ok());
  REQUIRE(LoadEntryFields(*hub.store, -1, &out).ok());
  CHECK(out.size() == 2);
}

TEST_CASE("sync outbound: the log after the cursor, the node's own and other villages' entries skipped, paged") {
  StillHub hub;
  const int64_t before = MaxSeq(hub);
  const int64_t e1 = Logged(hub, Version(2000, "node-b"), kA, "node-b", 0, {{"description", "dari node-b"}});
  Logged(hub, Version(3000, "node-a"), kA, "node-a", 0, {{"description", "sendiri"}});
  Logged(hub, Version(4000, "node-c"), kB, "node-c", 0, {{"description", "desa lain"}});
  const int64_t e4 = Logged(hub, Version(5000, "hub-x"), kA, "hub-x", wire::kFlagScopeOut,
                            {{"moved_to", kB}, {"description", "rahasia: tidak untuk desa lama"}});
  const int64_t last = MaxSeq(hub);

  wire::SyncRequest req;
  req.pull_cursor = static_cast<uint64_t>(before);
  wire::SyncReply all;
  REQUIRE(ServeLog(*hub.store, kA, "node-a", req, 10, &all).ok());
  REQUIRE(all.pulled.size() == 2);
  CHECK(all.pulled[0].version == Version(2000, "node-b"));
  CHECK(all.pulled[0].village == kA);
  CHECK(all.pulled[0].flags == 0);
  REQUIRE(all.pulled[0].fields.size() == 1);
  CHECK(all.pulled[0].fields[0].value == schema::Value(std::string("dari node-b")));
  // Scope out: nothing but where the row went.
  CHECK(all.pulled[1].flags == wire::kFlagScopeOut);
  REQUIRE(all.pulled[1].fields.size() == 1);
  CHECK(all.pulled[1].fields[0].field == wire::kMovedToField);
  CHECK(all.pulled[1].fields[0].value == schema::Value(kB));
  CHECK_FALSE(all.more);
  CHECK(all.cursor == static_cast<uint64_t>(last));
  CHECK(all.repair.empty());

  // One at a time: the cursor stops at the last entry given.
  wire::SyncReply page1;
  REQUIRE(ServeLog(*hub.store, kA, "node-a", req, 1, &page1).ok());
  REQUIRE(page1.pulled.size() == 1);
  CHECK(page1.more);
  CHECK(page1.cursor == static_cast<uint64_t>(e1));
  req.pull_cursor = page1.cursor;
  wire::SyncReply page2;
  REQUIRE(ServeLog(*hub.store, kA, "node-a", req, 1, &page2).ok());
  REQUIRE(page2.pulled.size() == 1);
  CHECK(page2.pulled[0].version == Version(5000, "hub-x"));
  CHECK_FALSE(page2.more);  // the skipped entries do not make another page
  CHECK(page2.cursor == static_cast<uint64_t>(last));
  CHECK(e4 == last);

  // The other village sees only its own entry; a cursor past the end stays.
  wire::SyncReply other;
  req.pull_cursor = static_cast<uint64_t>(before);
  REQUIRE(ServeLog(*hub.store, kB, "node-x", req, 10, &other).ok());
  REQUIRE(other.pulled.size() == 1);
  CHECK(other.pulled[0].village == kB);
  wire::SyncReply ahead;
  req.pull_cursor = static_cast<uint64_t>(last + 100);
  REQUIRE(ServeLog(*hub.store, kA, "node-a", req, 10, &ahead).ok());
  CHECK(ahead.pulled.empty());
  CHECK(ahead.cursor == static_cast<uint64_t>(last + 100));
  CHECK_FALSE(ahead.more);
}

TEST_CASE("sync outbound: repairs give the full state of the asked buckets of the node's village only") {
  StillHub hub;
  for (const char* id : {"C-01", "C-02", "C-03", "C-04", "C-05", "C-06", "C-07", "C-08"}) HubComplaint(hub, id, kA);
  HubComplaint(hub, "C-B1", kB);
  const uint32_t bucket = sync::BucketOf("C-01");
  std::vector<wire::Change> out;
  REQUIRE(RepairBuckets(*hub.store, kA, {bucket}, &out).ok());
  REQUIRE_FALSE(out.empty());
  CHECK(RowIds(out).count("C-01") == 1);
  for (const auto& c : out) {
    CAPTURE(c.row_id);
    CHECK(sync::BucketOf(c.row_id) == bucket);
    CHECK(c.village == kA);
    CHECK(c.flags == wire::kFlagRepair);
    CHECK(c.table == "complaints");
  }
  // The row's fields with their values, under the version that wrote them.
  for (const auto& c : out)
    if (c.row_id == "C-01") {
      CHECK(c.version.find(hub.store->hub_id()) != std::string::npos);
      bool description = false;
      for (const auto& f : c.fields)
        if (f.field == "description") description = f.value == schema::Value(std::string("C-01"));
      CHECK(description);
    }
  std::vector<wire::Change> every;
  std::vector<uint32_t> all_buckets;
  for (uint32_t b = 0; b < sync::kDigestBuckets; ++b) all_buckets.push_back(b);
  REQUIRE(RepairBuckets(*hub.store, kA, all_buckets, &every).ok());
  CHECK(RowIds(every).size() == 8);
  CHECK(RowIds(every).count("C-B1") == 0);

  std::vector<wire::Change> none;
  REQUIRE(RepairBuckets(*hub.store, kA, {}, &none).ok());
  CHECK(none.empty());
  CHECK(RepairBuckets(*hub.store, kA, {sync::kDigestBuckets}, &none).IsInvalidArgument());
  CHECK(RepairBuckets(*hub.store, kA, {0, 0xffffffffu}, &none).IsInvalidArgument());
  wire::SyncRequest req;
  req.repair_buckets = {sync::kDigestBuckets + 3};
  wire::SyncReply reply;
  CHECK(ServeLog(*hub.store, kA, "node-a", req, 10, &reply).IsInvalidArgument());
}

TEST_CASE("sync outbound: snapshot pages follow their keys to the end; a malformed key is refused") {
  StillHub hub;
  for (const char* id : {"C-1", "C-2", "C-3"}) HubComplaint(hub, id, kA);
  HubComplaint(hub, "C-9", kB);
  const std::string ti = std::to_string(TableIndex("complaints"));

  std::vector<wire::Change> page;
  std::string next;
  // Start from the complaints table: the store may hold other tables' rows.
  REQUIRE(SnapshotPage(*hub.store, kA, "node-a", ti + ":", 2, &page, &next).ok());
  CHECK(RowIds(page) == std::set<std::string>{"C-1", "C-2"});
  CHECK(next == ti + ":C-2");
  for (const auto& c : page) CHECK(c.flags == wire::kFlagSnapshot);
  std::vector<wire::Change> rest;
  REQUIRE(SnapshotPage(*hub.store, kA, "node-a", next, 2, &rest, &next).ok());
  CHECK(RowIds(rest).count("C-3") == 1);
  CHECK(RowIds(rest).count("C-9") == 0);  // another village's
  CHECK(RowIds(rest).count("C-2") == 0);  // strictly after the key
  // Walk to the end from the start.
  std::set<std::string> seen;
  std::string key;
  for (int guard = 0; guard < 100; ++guard) {
    std::vector<wire::Change> p;
    REQUIRE(SnapshotPage(*hub.store, kA, "node-a", key, 1, &p, &key).ok());
    for (const auto& id : RowIds(p)) seen.insert(id);
    if (key.empty()) break;
  }
  CHECK(key.empty());
  CHECK(seen.count("C-1") + seen.count("C-2") + seen.count("C-3") == 3);
  CHECK(seen.count("C-9") == 0);

  // The hub's own writes are not sent back to a "node" that is their writer.
  std::vector<wire::Change> own;
  REQUIRE(SnapshotPage(*hub.store, kA, hub.store->hub_id(), ti + ":", 10, &own, &next).ok());
  CHECK(RowIds(own).count("C-1") == 0);

  for (const std::string& bad : {std::string("C-1"), std::string("99:C-1"), std::string("-1:C-1"),
                                 std::to_string(schema::ReplicatedTables().size()) + ":x"}) {
    CAPTURE(bad);
    std::vector<wire::Change> p;
    std::string n = "unchanged";
    CHECK(SnapshotPage(*hub.store, kA, "node-a", bad, 10, &p, &n).IsInvalidArgument());
    CHECK(p.empty());
  }
}

TEST_CASE("sync outbound: a first sync names the cursor its snapshot is valid at, and whether more came since") {
  StillHub hub;
  HubComplaint(hub, "C-1", kA);
  HubComplaint(hub, "C-2", kA);
  const int64_t at = MaxSeq(hub);
  wire::SyncRequest req;
  req.initial = true;
  wire::SyncReply first;
  REQUIRE(ServeSnapshot(*hub.store, kA, "node-a", req, 500, &first).ok());
  CHECK(first.cursor == static_cast<uint64_t>(at));
  CHECK(first.snapshot_next.empty());
  CHECK(RowIds(first.pulled).count("C-1") == 1);
  CHECK(RowIds(first.pulled).count("C-2") == 1);
  CHECK_FALSE(first.more);

  // A later page, asked at the first page's cursor, after more arrived.
  req.snapshot_after = std::to_string(TableIndex("complaints")) + ":C-1";
  req.snapshot_seq = static_cast<uint64_t>(at);
  Logged(hub, Version(9000, "node-a"), kA, "node-a", 0, {{"description", "sendiri"}});
  wire::SyncReply own;
  REQUIRE(ServeSnapshot(*hub.store, kA, "node-a", req, 500, &own).ok());
  CHECK(own.cursor == static_cast<uint64_t>(at));  // the first page's, not the newest
  CHECK(RowIds(own.pulled).count("C-1") == 0);
  CHECK(RowIds(own.pulled).count("C-2") == 1);
  CHECK_FALSE(own.more);  // only the node's own entry came since
  Logged(hub, Version(9100, "node-b"), kB, "node-b", 0, {{"description", "desa lain"}});
  wire::SyncReply elsewhere;
  REQUIRE(ServeSnapshot(*hub.store, kA, "node-a", req, 500, &elsewhere).ok());
  CHECK_FALSE(elsewhere.more);  // another village's entry
  Logged(hub, Version(9200, "node-b"), kA, "node-b", 0, {{"description", "baru"}});
  wire::SyncReply newer;
  REQUIRE(ServeSnapshot(*hub.store, kA, "node-a", req, 500, &newer).ok());
  CHECK(newer.more);
  CHECK(newer.cursor == static_cast<uint64_t>(at));

  wire::SyncReply bad;
  req.snapshot_after = "garbage";
  CHECK(ServeSnapshot(*hub.store, kA, "node-a", req, 500, &bad).IsInvalidArgument());
}

TEST_CASE("sync outbound: the scope digests change with the village's rows only") {
  StillHub hub;
  HubComplaint(hub, "C-1", kA);
  const int schema_version = schema::LatestSchemaVersion();
  wire::SyncReply a1, b1, a2, b2;
  REQUIRE(AddDigests(*hub.store, kA, schema_version, &a1).ok());
  REQUIRE(AddDigests(*hub.store, kB, schema_version, &b1).ok());
  CHECK(a1.bucket_digests.size() == sync::kDigestBuckets);
  CHECK(a1.bucket_digests != b1.bucket_digests);
  HubComplaint(hub, "C-2", kB);
  REQUIRE(AddDigests(*hub.store, kA, schema_version, &a2).ok());
  REQUIRE(AddDigests(*hub.store, kB, schema_version, &b2).ok());
  CHECK(a2.bucket_digests == a1.bucket_digests);
  CHECK(b2.bucket_digests != b1.bucket_digests);
  // Exactly the bucket of the new row moved.
  for (uint32_t i = 0; i < sync::kDigestBuckets; ++i) {
    CAPTURE(i);
    CHECK((b2.bucket_digests[i] != b1.bucket_digests[i]) == (i == sync::BucketOf("C-2")));
  }
}

TEST_CASE("sync outbound: documents only of the node's village, refused with a code, within the byte budgets") {
  StillHub hub;
  HubStore& s = *hub.store;
  const std::string doc = "scan KTP desa A: 0123456789", letter = "surat keterangan";
  const std::string s1 = Sha(doc), s_letter = Sha(letter), s_deleted = Sha("deleted"), s_other = Sha("desa B");
  const std::string s_big = Sha("big"), s_bad = Sha("the real bytes");
  for (const auto& [id, village, sha, deleted] :
       std::vector<std::tuple<std::string, std::string, std::string, std::string>>{
           {"AT1", kA, s1, "0"}, {"AT2", kA, s_deleted, "1"}, {"AT3", kB, s_other, "0"},
           {"AT4", kA, s_big, "0"}, {"AT5", kA, s_bad, "0"}}) {
    auto st = s.db().Prepare("INSERT INTO attachments(id,village,sha256,deleted) VALUES(?,?,?,?)");
    REQUIRE(st.ok());
    st->Bind(1, id).Bind(2, village).Bind(3, sha).Bind(4, static_cast<int64_t>(std::stoi(deleted)));
    REQUIRE(st->Run().ok());
  }
  REQUIRE(s.db().Exec("INSERT INTO letters(id,village,sha256) VALUES('L1','" + kA + "','" + s_letter + "')").ok());
  {
    auto w = s.blobs().NewWriter();
    REQUIRE(w.ok());
    REQUIRE(w->Add(letter).ok());
    REQUIRE(w->Finish(s_letter).ok());
  }
  SyncServiceOptions opt;
  opt.max_document_bytes = 1000;
  opt.max_reply_blob_bytes = 10;
  const auto denied = static_cast<uint16_t>(Code::kPermissionDenied);

  SUBCASE("queries: what the hub holds, or a refusal") {
    wire::SyncRequest req;
    req.blob_query = {s1, s_other, s_deleted, s_letter, "not-a-sha"};
    wire::SyncReply reply;
    REQUIRE(ServeDocuments(s, kA, req, opt, &reply).ok());
    REQUIRE(reply.blob_states.size() == 5);
    CHECK(reply.blob_states[0].code == 0);
    CHECK_FALSE(reply.blob_states[0].complete);
    CHECK(reply.blob_states[0].have == 0);
    CHECK(reply.blob_states[1].code == denied);  // another village's
    CHECK(reply.blob_states[1].message.find("no attachment of this village") != std::string::npos);
    CHECK(reply.blob_states[2].code == denied);  // deleted
    CHECK(reply.blob_states[3].code == 0);       // a letter of the village
    CHECK(reply.blob_states[3].complete);
    CHECK(reply.blob_states[3].have == letter.size());
    CHECK(reply.blob_states[3].total_size == letter.size());
    CHECK(reply.blob_states[4].code == denied);
    CHECK(reply.blob_states[4].sha256 == "not-a-sha");
  }
  SUBCASE("uploads: resumed from the hub's point, verified, refused when too big or foreign") {
    wire::SyncRequest req;
    req.blob_chunks = {{"../../data.key", 10, 0, "x"},
                       {s_other, 6, 0, "desa B"},
                       {s_big, 1001, 0, "big"},
                       {s1, doc.size(), 5, doc.substr(5)},  // not at the hub's resume point (0)
                       {s1, doc.size(), 0, doc.substr(0, 10)},
                       {s1, doc.size(), 10, doc.substr(10)},
                       {s_bad, 5, 0, "other"}};
    wire::SyncReply reply;
    REQUIRE(ServeDocuments(s, kA, req, opt, &reply).ok());
    REQUIRE(reply.blob_states.size() == 7);
    CHECK(reply.blob_states[0].code == static_cast<uint16_t>(Code::kInvalidArgument));
    CHECK(reply.blob_states[1].code == denied);
    CHECK(reply.blob_states[2].code == static_cast<uint16_t>(Code::kResourceExhausted));
    CHECK(reply.blob_states[2].message.find("1001 bytes") != std::string::npos);
    CHECK(reply.blob_states[2].message.find("at most 1000") != std::string::npos);
    CHECK(reply.blob_states[3].code == 0);  // told where to resume, not refused
    CHECK(reply.blob_states[3].have == 0);
    CHECK_FALSE(reply.blob_states[3].complete);
    CHECK(reply.blob_states[4].have == 10);
    CHECK_FALSE(reply.blob_states[4].complete);
    CHECK(reply.blob_states[5].complete);
    CHECK(reply.blob_states[5].have == doc.size());
    CHECK(reply.blob_states[6].code == static_cast<uint16_t>(Code::kCorruption));
    CHECK_FALSE(reply.blob_states[6].complete);
    CHECK(s.blobs().Has(s1));
    CHECK_FALSE(s.blobs().Has(s_bad));
    CHECK_FALSE(s.blobs().Has(s_other));
    auto read = s.blobs().Read(s1, 0, 1000);
    REQUIRE(read.ok());
    CHECK(*read == doc);
  }
  SUBCASE("downloads: in scope and held only, within the reply's budget") {
    wire::SyncRequest up;
    up.blob_chunks = {{s1, doc.size(), 0, doc}};
    wire::SyncReply stored;
    REQUIRE(ServeDocuments(s, kA, up, opt, &stored).ok());
    REQUIRE(s.blobs().Has(s1));
    wire::SyncRequest req;
    req.blob_wants = {{"zz", 0, 100}, {s_other, 0, 100}, {s_deleted, 0, 100}, {s1, 2, 4}, {s_letter, 0, 100},
                      {s1, 0, 100}};
    wire::SyncReply reply;
    REQUIRE(ServeDocuments(s, kA, req, opt, &reply).ok());
    REQUIRE(reply.blob_chunks.size() == 2);
    CHECK(reply.blob_chunks[0].sha256 == s1);
    CHECK(reply.blob_chunks[0].offset == 2);
    CHECK(reply.blob_chunks[0].total_size == doc.size());
    CHECK(reply.blob_chunks[0].data == doc.substr(2, 4));
    CHECK(reply.blob_chunks[1].sha256 == s_letter);
    CHECK(reply.blob_chunks[1].data == letter.substr(0, 6));  // 10 bytes a reply: 4 went to the first
    // The same document from the other village: nothing.
    wire::SyncReply foreign;
    wire::SyncRequest want_a;
    want_a.blob_wants = {{s1, 0, 100}};
    REQUIRE(ServeDocuments(s, kB, want_a, opt, &foreign).ok());
    CHECK(foreign.blob_chunks.empty());
  }
}

}  // namespace
}  // namespace simpul::hub
