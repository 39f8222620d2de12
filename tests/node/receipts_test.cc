// Receipts at the village (node/receipts.h): which pushed and pulled changes
// count (only workflow events with a subject, only applied pushes, only an
// ordinary pull of a row the hub wrote), the receipts rows written with both
// clocks and the measured offset, once per kind and event or letter, and
// what ReceiptOfEvent reads back.
#include "node/receipts.h"

#include <doctest/doctest.h>

#include <optional>

#include "tests/node/store_fixture.h"

namespace simpul::node {
namespace {

namespace wire = sync::wire;

class FakeClock : public sync::Clock {
 public:
  uint64_t NowMs() override { return now; }
  uint64_t now = 1'800'000'100'000;
};

wire::Change Event(const std::string& row_id, const std::string& subject) {
  wire::Change c;
  c.version = "0000018000000000.n1";
  c.table = "events";
  c.row_id = row_id;
  c.village = "35.10.01.2001";
  c.fields = {{"kind", std::string("submitted"), ""}};
  if (!subject.empty()) c.fields.push_back({"subject_id", subject, ""});
  return c;
}

// The batch's items as "kind/subject/ref".
std::vector<std::string> Items(const ReceiptBatch& b) {
  std::vector<std::string> out;
  for (const auto& i : b.items) out.push_back(i.kind + "/" + i.subject_id + "/" + i.ref_id);
  return out;
}

TEST_CASE("receipts: acknowledged pushes are the applied workflow events with a subject, within n") {
  wire::SyncRequest req;
  req.push = {Event("e1", "app1"),  // applied
              Event("e2", "app2"),  // refused by the hub
              Event("e3", ""),      // no subject
              Event("e4", "app4"),  // applied
              Event("e5", "app5")}; // past n
  wire::Change hh = Event("h1", "app9");
  hh.table = "households";
  req.push.insert(req.push.begin() + 3, hh);  // not an event: index 3
  std::vector<wire::ItemResult> results(6);
  results[1].code = static_cast<uint16_t>(Code::kPermissionDenied);
  ReceiptBatch batch;
  NoteAcked(req, 5, results, &batch);
  CHECK(Items(batch) == std::vector<std::string>{"acked/app1/e1", "acked/app4/e4"});
  CHECK(batch.documents.empty());

  // A subject that is not text does not count.
  wire::SyncRequest odd;
  odd.push = {Event("e7", "")};
  odd.push[0].fields.push_back({"subject_id", int64_t{42}, ""});
  ReceiptBatch none;
  NoteAcked(odd, 1, {wire::ItemResult{}}, &none);
  CHECK(none.items.empty());

  // Fewer results than changes, or n past both: no reading past either.
  ReceiptBatch short_batch;
  NoteAcked(req, 100, std::vector<wire::ItemResult>(1), &short_batch);
  CHECK(Items(short_batch) == std::vector<std::string>{"acked/app1/e1"});
  ReceiptBatch empty;
  NoteAcked(wire::SyncRequest{}, 10, results, &empty);
  NoteAcked(req, 0, results, &empty);
  CHECK(empty.items.empty());
}

TEST_CASE("receipts: a decision is an ordinary pull of an event row the hub wrote, seen for the first time") {
  ReceiptBatch batch;
  NotePulled(Event("d1", "app1"), true, true, &batch);
  NotePulled(Event("d2", "app1"), false, true, &batch);  // the village's own event
  NotePulled(Event("d3", "app1"), true, false, &batch);  // seen before
  NotePulled(Event("d4", ""), true, true, &batch);       // no subject
  wire::Change other = Event("d5", "app1");
  other.table = "applications";
  NotePulled(other, true, true, &batch);
  for (uint8_t flag : {uint8_t{wire::kFlagSnapshot}, uint8_t{wire::kFlagRepair}, uint8_t{wire::kFlagScopeOut},
                       uint8_t{wire::kFlagSnapshot | wire::kFlagRepair}}) {
    wire::Change c = Event("d6", "app1");
    c.flags = flag;
    NotePulled(c, true, true, &batch);
  }
  NotePulled(Event("d7", "app7"), true, true, &batch);
  CHECK(Items(batch) == std::vector<std::string>{"decision/app1/d1", "decision/app7/d7"});
}

struct Store : testing::VillageStore {
  Store() : VillageStore(nullptr) { Open(&clock); }
  struct Receipt {
    std::string subject_id, kind, ref_id, via, village;
    int64_t received_at_ms = 0, hub_time_ms = 0;
    std::optional<int64_t> offset;
  };
  std::vector<Receipt> Receipts() {
    auto st = store->db().Prepare(
        "SELECT subject_id,kind,ref_id,via,village,received_at_ms,hub_time_ms,clock_offset_ms FROM receipts"
        " ORDER BY kind,ref_id");
    REQUIRE(st.ok());
    std::vector<Receipt> out;
    while (*st->Step()) {
      Receipt r{st->Text(0), st->Text(1), st->Text(2), st->Text(3), st->Text(4), st->Int(5), st->Int(6), {}};
      if (!st->IsNullAt(7)) r.offset = st->Int(7);
      out.push_back(r);
    }
    return out;
  }
  Status Record(const ReceiptBatch& batch, uint64_t hub_time_ms, bool live) {
    auto txn = schema::Transaction::Begin(store->db());
    REQUIRE(txn.ok());
    SIMPUL_RETURN_IF_ERROR(RecordReceipts(*store, batch, hub_time_ms, live));
    return txn->Commit();
  }
  void AddLetter(const std::string& id, const std::string& app, const std::string& sha, int deleted = 0) {
    auto st = store->db().Prepare(
        "INSERT INTO letters(id,village,application_id,number,sha256,size,issued_at_ms,deleted)"
        " VALUES(?,'35.10.01.2001',?,?,?,10,1,?)");
    REQUIRE(st.ok());
    st->Bind(1, id).Bind(2, app).Bind(3, "470/" + id).Bind(4, sha).Bind(5, int64_t{deleted});
    REQUIRE(st->Step().ok());
  }
  FakeClock clock;
};

TEST_CASE_FIXTURE(Store, "receipts: a live reply writes both clocks and the measured offset, once") {
  const int64_t outbox = Count("SELECT count(*) FROM outbox");
  ReceiptBatch batch;
  batch.items = {{"acked", "app1", "e1"}, {"decision", "app2", "d2"}, {"decision", "app2", "d2"}};
  REQUIRE(Record(batch, 1'800'000'000'000, true).ok());
  CHECK(store->Meta("clock_offset_ms") == "100000");  // this laptop is 100 s ahead
  auto rows = Receipts();
  REQUIRE(rows.size() == 2);  // the repeated decision once
  CHECK(rows[0].kind == "acked");
  CHECK(rows[0].subject_id == "app1");
  CHECK(rows[0].ref_id == "e1");
  CHECK(rows[1].kind == "decision");
  CHECK(rows[1].ref_id == "d2");
  for (const auto& r : rows) {
    CHECK(r.via == "sync");
    CHECK(r.village == "35.10.01.2001");
    CHECK(r.received_at_ms == 1'800'000'100'000);
    CHECK(r.hub_time_ms == 1'800'000'000'000);
    CHECK(r.offset == 100000);
  }
  // Replicated: captured for the next push.
  CHECK(Count("SELECT count(*) FROM outbox") == outbox + 2);

  // The same events again later: the first receipt is the one that counts.
  clock.now += 60'000;
  REQUIRE(Record(batch, 1'800'000'050'000, true).ok());
  rows = Receipts();
  REQUIRE(rows.size() == 2);
  CHECK(rows[1].received_at_ms == 1'800'000'100'000);
  CHECK(store->Meta("clock_offset_ms") == "110000");  // measured anew all the same
  // The same event as another kind is another receipt.
  ReceiptBatch as_decision;
  as_decision.items = {{"decision", "app1", "e1"}};
  REQUIRE(Record(as_decision, 1'800'000'050'000, true).ok());
  CHECK(Receipts().size() == 3);
}

TEST_CASE_FIXTURE(Store, "receipts: a laptop behind the hub measures a negative offset") {
  clock.now = 1'800'000'000'000;
  ReceiptBatch batch;
  batch.items = {{"decision", "app1", "d1"}};
  REQUIRE(Record(batch, 1'800'000'005'000, true).ok());
  CHECK(store->Meta("clock_offset_ms") == "-5000");
  auto rows = Receipts();
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].offset == -5000);
}

TEST_CASE_FIXTURE(Store, "receipts: a reply bundle keeps decisions, not acks, with the offset last measured") {
  ReceiptBatch batch;
  batch.items = {{"acked", "app1", "e1"}, {"decision", "app2", "d2"}};
  SUBCASE("never measured: no offset") {
    REQUIRE(Record(batch, 1'799'000'000'000, false).ok());
    CHECK(store->Meta("clock_offset_ms").empty());
    auto rows = Receipts();
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].kind == "decision");
    CHECK(rows[0].via == "bundle");
    CHECK(rows[0].hub_time_ms == 1'799'000'000'000);  // when the hub made the bundle
    CHECK(rows[0].received_at_ms == 1'800'000'100'000);
    CHECK(!rows[0].offset.has_value());
  }
  SUBCASE("measured at an earlier live sync: that offset, kept") {
    REQUIRE(store->SetMeta("clock_offset_ms", "-2500").ok());
    REQUIRE(Record(batch, 1'799'000'000'000, false).ok());
    CHECK(store->Meta("clock_offset_ms") == "-2500");
    auto rows = Receipts();
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].offset == -2500);
  }
  SUBCASE("a damaged kept offset is no offset, not a crash") {
    REQUIRE(store->SetMeta("clock_offset_ms", "12abc").ok());
    REQUIRE(Record(batch, 1'799'000'000'000, false).ok());
    auto rows = Receipts();
    REQUIRE(rows.size() == 1);
    CHECK(!rows[0].offset.has_value());
  }
  SUBCASE("a live reply without the hub's time measures nothing") {
    REQUIRE(store->SetMeta("clock_offset_ms", "700").ok());
    REQUIRE(Record(batch, 0, true).ok());
    CHECK(store->Meta("clock_offset_ms") == "700");
    auto rows = Receipts();
    REQUIRE(rows.size() == 2);  // live: the ack counts
    for (const auto& r : rows) {
      CHECK(r.offset == 700);
      CHECK(r.via == "sync");
      CHECK(r.hub_time_ms == 0);
    }
  }
}

TEST_CASE_FIXTURE(Store, "receipts: a letter receipt for each completed document a letter names") {
  const std::string sha_a(64, 'a'), sha_b(64, 'b'), sha_c(64, 'c');
  AddLetter("L1", "app1", sha_a);
  AddLetter("L2", "app2", sha_a);     // the same PDF named by two letters: two receipts
  AddLetter("L3", "app3", sha_b, 1);  // deleted
  ReceiptBatch batch;
  batch.documents = {sha_a, sha_b, sha_c /* no letter: a photo, say */};
  REQUIRE(Record(batch, 1'800'000'000'000, true).ok());
  auto rows = Receipts();
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].kind == "letter");
  CHECK(rows[0].ref_id == "L1");
  CHECK(rows[0].subject_id == "app1");
  CHECK(rows[1].ref_id == "L2");
  CHECK(rows[1].subject_id == "app2");
  // Downloaded again (another reply): no second receipt.
  REQUIRE(Record(batch, 1'800'000'000'000, false).ok());
  CHECK(Receipts().size() == 2);
  // Nothing at all: nothing written, the offset still measured.
  REQUIRE(Record(ReceiptBatch{}, 1'800'000'090'000, true).ok());
  CHECK(Receipts().size() == 2);
  CHECK(store->Meta("clock_offset_ms") == "10000");
}

TEST_CASE_FIXTURE(Store, "receipts: an event's receipt read back: delivered here, acknowledged at the hub") {
  auto none = ReceiptOfEvent(*store, "e1");
  REQUIRE(none.ok());
  CHECK(none->here_ms == 0);
  CHECK(none->at_hub_ms == 0);

  ReceiptBatch acked;
  acked.items = {{"acked", "app1", "e1"}};
  REQUIRE(Record(acked, 1'800'000'000'000, true).ok());
  clock.now = 1'800'000'200'000;
  ReceiptBatch decided;
  decided.items = {{"decision", "app1", "d1"}};
  REQUIRE(Record(decided, 1'800'000'150'000, false).ok());

  auto e1 = ReceiptOfEvent(*store, "e1");
  REQUIRE(e1.ok());
  CHECK(e1->at_hub_ms == 1'800'000'000'000);  // the hub's clock
  CHECK(e1->here_ms == 0);
  auto d1 = ReceiptOfEvent(*store, "d1");
  REQUIRE(d1.ok());
  CHECK(d1->here_ms == 1'800'000'200'000);  // this laptop's clock
  CHECK(d1->at_hub_ms == 0);
  // Unknown, empty and hostile ids: no receipt, no error.
  for (const std::string& id : std::vector<std::string>{"", "nope", "d1' OR '1'='1", std::string(10000, 'x')}) {
    auto r = ReceiptOfEvent(*store, id);
    REQUIRE(r.ok());
    CHECK(r->here_ms == 0);
    CHECK(r->at_hub_ms == 0);
  }
}

}  // namespace
}  // namespace simpul::node
