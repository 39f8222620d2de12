// Tests for hub/sync_service.h, driven in-process: a HubStore in a temp dir,
// nodes played by hand-built sealed requests (sync::crypto + sync::wire), so
// every byte the hub sees is under the test's control.
//
// Covers enrolment (once, codes unknown/expired/used/wrong), push and pull
// between two nodes of a village, idempotent re-sends, replay and identity
// checks, revocation, version negotiation, per-item refusals in a batch,
// garbage frames, paged first-sync snapshots, incremental pulls with digests,
// hub/node conflicts, and convergence of a node's digest with the hub's.
#include "hub/sync_service.h"

#include <doctest/doctest.h>
#include <sodium.h>

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "hub/moves.h"
#include "hub/operations.h"
#include "hub/store.h"
#include "schema/db.h"
#include "schema/ids.h"
#include "schema/migrations.h"
#include "sync/crypto/envelope.h"
#include "sync/crypto/signed_change.h"
#include "sync/digest.h"
#include "sync/hlc.h"
#include "sync/merge.h"
#include "sync/wire/codec.h"
#include "sync/wire/stream.h"
#include "tests/support/memory_db.h"
#include "tests/support/temp_dir.h"

namespace simpul::hub {
namespace {

namespace wire = sync::wire;
namespace crypto = sync::crypto;
using schema::Value;

constexpr uint64_t kT = 1'700'000'000'000ULL;  // the hub's clock at the start
constexpr uint64_t kDay = 86'400'000ULL;
const std::string kVillage = "35.10.01.2001";
const std::string kOtherVillage = "35.10.01.2002";

class FakeClock : public sync::Clock {
 public:
  explicit FakeClock(uint64_t now) : now(now) {}
  uint64_t NowMs() override { return now; }
  uint64_t now;
};

struct Hub {
  Hub() {
    REQUIRE(crypto::InitSodium().ok());
    auto r = HubStore::Init(dir.File("hub"), "Dinsos Kabupaten Uji", &clock);
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    store = std::move(r).value();
  }
  HubStore& s() { return *store; }
  const crypto::PublicKey& pk() const { return store->identity().sign_pk; }

  simpul::testing::TempDir dir;
  FakeClock clock{kT};
  std::unique_ptr<HubStore> store;
};

struct TestNode {
  std::string id, village;
  crypto::Identity key;
  uint64_t counter = 0;
};

int64_t QueryInt(HubStore& store, const std::string& sql, const std::vector<std::string>& binds = {}) {
  auto st = store.db().Prepare(sql);
  REQUIRE_MESSAGE(st.ok(), (st.status().ToString() + " in: " + sql));
  for (size_t i = 0; i < binds.size(); ++i) st->Bind(static_cast<int>(i) + 1, binds[i]);
  auto row = st->Step();
  REQUIRE_MESSAGE(row.ok(), row.status().ToString());
  REQUIRE_MESSAGE(*row, ("no row for: " + sql));
  return st->Int(0);
}

// The first column of the first row, "<none>" without a row, "<null>" for NULL.
std::string QueryText(HubStore& store, const std::string& sql, const std::vector<std::string>& binds = {}) {
  auto st = store.db().Prepare(sql);
  REQUIRE_MESSAGE(st.ok(), (st.status().ToString() + " in: " + sql));
  for (size_t i = 0; i < binds.size(); ++i) st->Bind(static_cast<int>(i) + 1, binds[i]);
  auto row = st->Step();
  REQUIRE_MESSAGE(row.ok(), row.status().ToString());
  if (!*row) return "<none>";
  if (st->IsNullAt(0)) return "<null>";
  return st->Text(0);
}

int64_t ChangelogCount(Hub& hub) { return QueryInt(hub.s(), "SELECT count(*) FROM changelog"); }

// --- enrolment ---------------------------------------------------------------

struct EnrolAttempt {
  std::string request_frame, reply_frame;
  Result<wire::EnrolReply> reply = Status::Internal("not run");
};

EnrolAttempt TryEnrol(Hub& hub, const crypto::EnrolCode& code, const std::string& node_id,
                      const std::string& village, const crypto::Identity& key,
                      uint32_t schema_version = static_cast<uint32_t>(schema::LatestSchemaVersion())) {
  wire::EnrolRequest req;
  req.code_id = code.id;
  req.node_id = node_id;
  req.village = village;
  req.node_sign_pk = key.sign_pk;
  req.schema_version = schema_version;
  EnrolAttempt a;
  a.request_frame = crypto::SealEnrolRequest(code, req);
  a.reply_frame = HandleEnrol(hub.s(), a.request_frame);
  a.reply = crypto::OpenEnrolReply(code, a.request_frame, a.reply_frame);
  return a;
}

crypto::EnrolCode NewCode(Hub& hub, const std::string& village, int days = 7) {
  auto text = CreateEnrolment(hub.s(), village, days);
  REQUIRE_MESSAGE(text.ok(), text.status().ToString());
  auto code = crypto::ParseEnrolCode(*text);
  REQUIRE_MESSAGE(code.ok(), code.status().ToString());
  return *code;
}

TestNode Enrol(Hub& hub, const std::string& node_id, const std::string& village) {
  TestNode n{node_id, village, crypto::GenerateIdentity(), 0};
  EnrolAttempt a = TryEnrol(hub, NewCode(hub, village), node_id, village, n.key);
  REQUIRE_MESSAGE(a.reply.ok(), a.reply.status().ToString());
  CHECK(a.reply->hub_sign_pk == hub.pk());
  return n;
}

// --- sync requests -------------------------------------------------------------

using HeaderTweak = std::function<void(wire::RequestHeader&)>;

struct Sent {
  crypto::SealedRequest sealed;
  std::string reply;  // the hub's frame
};

// Seals `body` as `node` (or as `seal_as`), hands it to the hub.
Sent SendBody(Hub& hub, TestNode& node, const std::string& body, const HeaderTweak& tweak = {},
              const crypto::Identity* seal_as = nullptr, const SyncServiceOptions& opt = {}) {
  wire::RequestHeader h;
  h.node_id = node.id;
  h.counter = ++node.counter;
  h.schema_version = static_cast<uint32_t>(schema::LatestSchemaVersion());
  if (tweak) tweak(h);
  auto sealed = crypto::SealRequest(seal_as ? *seal_as : node.key, hub.pk(), h, body);
  REQUIRE_MESSAGE(sealed.ok(), sealed.status().ToString());
  Sent s{std::move(sealed).value(), {}};
  s.reply = HandleSync(hub.s(), s.sealed.frame, opt);
  return s;
}

Result<wire::SyncReply> Open(Hub& hub, const Sent& s) {
  SIMPUL_ASSIGN_OR_RETURN(std::string body, crypto::OpenReply(s.sealed, hub.pk(), s.reply));
  return wire::DecodeSyncReply(body);
}

Result<wire::SyncReply> TrySync(Hub& hub, TestNode& node, const wire::SyncRequest& req,
                                const HeaderTweak& tweak = {}, const SyncServiceOptions& opt = {}) {
  return Open(hub, SendBody(hub, node, wire::Encode(req), tweak, nullptr, opt));
}

wire::SyncReply Sync(Hub& hub, TestNode& node, const wire::SyncRequest& req) {
  auto r = TrySync(hub, node, req);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  return std::move(r).value();
}

wire::SyncRequest Push(std::vector<wire::Change> push, uint64_t cursor = 0) {
  wire::SyncRequest r;
  r.push = std::move(push);
  r.initial = false;
  r.pull_cursor = cursor;
  return r;
}

wire::SyncRequest Pull(uint64_t cursor, uint32_t limit = 500) {
  wire::SyncRequest r;
  r.initial = false;
  r.pull_cursor = cursor;
  r.pull_limit = limit;
  return r;
}

// The status of a refusal the hub signed, as the node sees it.
Status Refusal(Hub& hub, const Sent& s) {
  auto r = Open(hub, s);
  REQUIRE_MESSAGE(!r.ok(), "expected a refusal, got a reply");
  return r.status();
}

// A signed error from our hub for a frame that may have no usable header:
// verified with the zero nonce or the sealed request's.
Status HubError(Hub& hub, const std::string& reply, const std::array<uint8_t, 24>& nonce) {
  auto f = crypto::ParseFrame(reply);
  REQUIRE_MESSAGE(f.ok(), f.status().ToString());
  REQUIRE(f->kind == crypto::FrameKind::kSignedError);
  crypto::SealedRequest fake;
  fake.nonce = nonce;
  auto r = crypto::OpenReply(fake, hub.pk(), reply);
  REQUIRE_FALSE(r.ok());
  return r.status();
}
// `request` (if given) is the frame the reply answers: a header that still
// parses names the nonce the hub binds its refusal to.
bool SignedByHub(Hub& hub, const std::string& reply, const std::array<uint8_t, 24>& request_nonce,
                 const std::string& request = "") {
  std::vector<std::array<uint8_t, 24>> nonces = {std::array<uint8_t, 24>{}, request_nonce};
  if (auto h = crypto::PeekRequestHeader(request); h.ok()) nonces.push_back(h->nonce);
  for (const auto& nonce : nonces) {
    Status st = HubError(hub, reply, nonce);
    if (st.message().rfind("hub: ", 0) == 0) return true;  // verified and decoded
  }
  return false;
}

std::string Version(const TestNode& n, uint64_t ms, uint32_t counter = 0) {
  return sync::Hlc::FormatVersion(sync::Stamp::Make(kT + ms, counter), n.id);
}

wire::Change Household(const std::string& version, const std::string& row, const std::string& village,
                       const std::string& address, const std::string& rt, const std::string& base = "") {
  return wire::Change{version, "households", row, village, 0,
                      {{"address", Value(address), base}, {"rt", Value(rt), base}}};
}

std::string Row(uint64_t ms) { return schema::NewRowId(kT + ms); }

const wire::FieldChange* FieldOf(const wire::Change& c, const std::string& name) {
  for (const auto& f : c.fields)
    if (f.field == name) return &f;
  return nullptr;
}

// =============================================================================

TEST_CASE("an enrolment code enrols one node, once") {
  Hub hub;
  crypto::EnrolCode code = NewCode(hub, kVillage);
  crypto::Identity a = crypto::GenerateIdentity(), b = crypto::GenerateIdentity();

  EnrolAttempt first = TryEnrol(hub, code, "node-a", kVillage, a);
  REQUIRE_MESSAGE(first.reply.ok(), first.reply.status().ToString());
  CHECK(first.reply->hub_sign_pk == hub.pk());
  CHECK(first.reply->hub_id == hub.s().hub_id());
  CHECK(first.reply->village == kVillage);
  CHECK(first.reply->hub_time_ms == kT);
  CHECK(QueryText(hub.s(), "SELECT status FROM nodes WHERE node_id='node-a'") == "active");
  CHECK(QueryText(hub.s(), "SELECT sign_pk FROM nodes WHERE node_id='node-a'") == crypto::ToHex(a.sign_pk));
  CHECK(QueryText(hub.s(), "SELECT village FROM nodes WHERE node_id='node-a'") == kVillage);
  CHECK(QueryText(hub.s(), "SELECT used_by FROM enrolments WHERE code_id=?", {code.id}) == "node-a");

  SUBCASE("the same code from another node is refused") {
    EnrolAttempt second = TryEnrol(hub, code, "node-b", kVillage, b);
    REQUIRE_FALSE(second.reply.ok());
    CHECK(second.reply.status().code() == Code::kUnauthenticated);
    CHECK(QueryInt(hub.s(), "SELECT count(*) FROM nodes WHERE node_id='node-b'") == 0);
    CHECK(QueryText(hub.s(), "SELECT used_by FROM enrolments WHERE code_id=?", {code.id}) == "node-a");
    // node-a is unaffected.
    CHECK(QueryText(hub.s(), "SELECT sign_pk FROM nodes WHERE node_id='node-a'") == crypto::ToHex(a.sign_pk));
  }
  SUBCASE("an enrolled node can sync; a node enrolled nowhere cannot") {
    TestNode na{"node-a", kVillage, std::move(a), 0};
    CHECK(TrySync(hub, na, Pull(0)).ok());
    TestNode stranger{"node-x", kVillage, std::move(b), 0};
    Sent s = SendBody(hub, stranger, wire::Encode(Pull(0)));
    CHECK(Refusal(hub, s).code() == Code::kUnauthenticated);
  }
}

TEST_CASE("enrolment is refused for unknown, wrong, expired or misused codes") {
  struct Case {
    const char* name;
    // Returns the code to use; may change the hub (its clock).
    std::function<crypto::EnrolCode(Hub&)> code;
    std::string village;
    uint32_t schema_version;
    Code expect;
  };
  const uint32_t latest = static_cast<uint32_t>(schema::LatestSchemaVersion());
  const Case cases[] = {
      {"unknown code", [](Hub&) { return crypto::NewEnrolCode(); }, kVillage, latest, Code::kUnauthenticated},
      {"right id, wrong secret",
       [](Hub& h) {
         crypto::EnrolCode c = NewCode(h, kVillage);
         c.secret = crypto::NewEnrolCode().secret;
         return c;
       },
       kVillage, latest, Code::kUnauthenticated},
      {"expired code",
       [](Hub& h) {
         crypto::EnrolCode c = NewCode(h, kVillage, 1);
         h.clock.now += kDay + 1;
         return c;
       },
       kVillage, latest, Code::kUnauthenticated},
      {"code for another village", [](Hub& h) { return NewCode(h, kOtherVillage); }, kVillage, latest,
       Code::kPermissionDenied},
      {"node schema too old", [](Hub& h) { return NewCode(h, kVillage); }, kVillage,
       static_cast<uint32_t>(kMinNodeSchemaVersion - 1), Code::kVersionTooOld},
  };
  for (const auto& k : cases) {
    INFO("k.name = " << std::string(k.name));
    Hub hub;
    crypto::EnrolCode code = k.code(hub);
    crypto::Identity key = crypto::GenerateIdentity();
    EnrolAttempt a = TryEnrol(hub, code, "node-a", k.village, key, k.schema_version);
    REQUIRE_FALSE(a.reply.ok());
    CHECK(a.reply.status().code() == k.expect);
    CHECK(QueryInt(hub.s(), "SELECT count(*) FROM nodes") == 0);
    // The refusal is signed by the hub.
    CHECK(SignedByHub(hub, a.reply_frame, {}));
  }
  SUBCASE("a code is still good on its last day") {
    Hub hub;
    crypto::EnrolCode code = NewCode(hub, kVillage, 1);
    hub.clock.now += kDay - 1;
    crypto::Identity key = crypto::GenerateIdentity();
    CHECK(TryEnrol(hub, code, "node-a", kVillage, key).reply.ok());
  }
  SUBCASE("garbage instead of an enrolment request") {
    Hub hub;
    std::string reply = HandleEnrol(hub.s(), "definitely not a frame");
    CHECK(SignedByHub(hub, reply, {}));
    CHECK(QueryInt(hub.s(), "SELECT count(*) FROM nodes") == 0);
  }
}

TEST_CASE("a pushed change is applied, acknowledged and pulled by another node of the village") {
  Hub hub;
  TestNode a = Enrol(hub, "node-a", kVillage);
  TestNode b = Enrol(hub, "node-b", kVillage);
  const std::string row = Row(1);
  const std::string v = Version(a, 1000);
  wire::Change c = Household(v, row, kVillage, "Jl. Merdeka 1", "001");

  wire::SyncReply ra = Sync(hub, a, Push({c}));
  REQUIRE(ra.results.size() == 1);
  CHECK(ra.results[0].version.empty());  // protocol 2: the pushed change at this index
  CHECK(ra.results[0].code == 0);
  CHECK(ra.results[0].message.empty());
  CHECK(ra.pulled.empty());  // its own change is not sent back
  CHECK(ra.cursor == 1);
  CHECK(ra.hub_time_ms == hub.clock.now);
  CHECK(QueryText(hub.s(), "SELECT address FROM households WHERE id=?", {row}) == "Jl. Merdeka 1");
  CHECK(QueryText(hub.s(), "SELECT village FROM households WHERE id=?", {row}) == kVillage);
  CHECK(QueryText(hub.s(), "SELECT version FROM field_versions WHERE tbl='households' AND row_id=? AND field='rt'",
                  {row}) == v);
  CHECK(ChangelogCount(hub) == 1);
  CHECK(QueryText(hub.s(), "SELECT origin FROM changelog") == "node-a");

  wire::SyncReply rb = Sync(hub, b, Pull(0));
  REQUIRE(rb.pulled.size() == 1);
  const wire::Change& got = rb.pulled[0];
  CHECK(got.version == v);
  CHECK(got.table == "households");
  CHECK(got.row_id == row);
  CHECK(got.village == kVillage);
  CHECK(got.flags == 0);
  REQUIRE(FieldOf(got, "address"));
  CHECK(FieldOf(got, "address")->value == Value(std::string("Jl. Merdeka 1")));
  CHECK(FieldOf(got, "address")->base.empty());
  REQUIRE(FieldOf(got, "rt"));
  CHECK(FieldOf(got, "rt")->value == Value(std::string("001")));
  CHECK(got.fields.size() == 2);
  CHECK(rb.cursor == 1);
  CHECK_FALSE(rb.more);
  CHECK(rb.bucket_digests.size() == sync::kDigestBuckets);

  // A node of another village hears nothing of it.
  TestNode c2 = Enrol(hub, "node-c", kOtherVillage);
  wire::SyncReply rc = Sync(hub, c2, Pull(0));
  CHECK(rc.pulled.empty());
  CHECK(std::all_of(rc.bucket_digests.begin(), rc.bucket_digests.end(), [](uint64_t x) { return x == 0; }));
}

TEST_CASE("re-sending an applied change is acknowledged again and logged once") {
  Hub hub;
  TestNode a = Enrol(hub, "node-a", kVillage);
  const std::string row = Row(1);
  wire::Change c = Household(Version(a, 1000), row, kVillage, "Jl. Melati 3", "002");
  REQUIRE(Sync(hub, a, Push({c})).results.at(0).code == 0);
  REQUIRE(ChangelogCount(hub) == 1);

  // The reply was lost: the node sends the batch again in a new request.
  wire::SyncReply again = Sync(hub, a, Push({c}));
  REQUIRE(again.results.size() == 1);
  CHECK(again.results[0].code == 0);
  CHECK(again.results[0].version.empty());
  CHECK(ChangelogCount(hub) == 1);
  CHECK(QueryInt(hub.s(), "SELECT count(*) FROM changelog_fields") == 2);
  CHECK(QueryInt(hub.s(), "SELECT count(*) FROM applied") == 1);

  // Twice in one batch, and once more after that.
  wire::SyncReply twice = Sync(hub, a, Push({c, c}));
  REQUIRE(twice.results.size() == 2);
  CHECK(twice.results[0].code == 0);
  CHECK(twice.results[1].code == 0);
  CHECK(ChangelogCount(hub) == 1);

  // Another node re-using the version (the change id) is refused.
  TestNode b = Enrol(hub, "node-b", kVillage);
  wire::SyncReply rb = Sync(hub, b, Push({c}));
  REQUIRE(rb.results.size() == 1);
  CHECK(rb.results[0].code == static_cast<uint16_t>(Code::kPermissionDenied));
  CHECK(ChangelogCount(hub) == 1);
}

TEST_CASE("replayed and re-ordered requests are refused") {
  Hub hub;
  TestNode a = Enrol(hub, "node-a", kVillage);
  const std::string row = Row(1);
  Sent first = SendBody(hub, a, wire::Encode(Push({Household(Version(a, 1000), row, kVillage, "x", "001")})));
  REQUIRE(Open(hub, first).ok());
  const int64_t log_before = ChangelogCount(hub);

  SUBCASE("the same frame again") {
    std::string again = HandleSync(hub.s(), first.sealed.frame);
    Sent replay{first.sealed, again};
    Status st = Refusal(hub, replay);
    CHECK(st.code() == Code::kUnauthenticated);
    CHECK(ChangelogCount(hub) == log_before);
  }
  SUBCASE("a new request with a counter already used, or lower") {
    for (uint64_t counter : {uint64_t{1}, uint64_t{0}}) {
      CAPTURE(counter);
      Sent s = SendBody(hub, a, wire::Encode(Pull(0)), [&](wire::RequestHeader& h) { h.counter = counter; });
      CHECK(Refusal(hub, s).code() == Code::kUnauthenticated);
    }
  }
  SUBCASE("a request delivered after a later one is refused and its push not applied") {
    const std::string late_row = Row(2);
    // Sealed with counter 2, but not delivered yet.
    wire::RequestHeader h;
    h.node_id = a.id;
    h.counter = 2;
    h.schema_version = static_cast<uint32_t>(schema::LatestSchemaVersion());
    auto delayed = crypto::SealRequest(
        a.key, hub.pk(), h, wire::Encode(Push({Household(Version(a, 2000), late_row, kVillage, "late", "002")})));
    REQUIRE(delayed.ok());
    a.counter = 2;
    REQUIRE(TrySync(hub, a, Pull(0)).ok());  // counter 3
    Sent late{*delayed, HandleSync(hub.s(), delayed->frame)};
    CHECK(Refusal(hub, late).code() == Code::kUnauthenticated);
    CHECK(QueryInt(hub.s(), "SELECT count(*) FROM households WHERE id=?", {late_row}) == 0);
  }
  SUBCASE("counters may skip ahead") {
    Sent s = SendBody(hub, a, wire::Encode(Pull(0)), [](wire::RequestHeader& h) { h.counter = 1000; });
    CHECK(Open(hub, s).ok());
    a.counter = 999;  // next one is 1000 again
    Sent t = SendBody(hub, a, wire::Encode(Pull(0)));
    CHECK(Refusal(hub, t).code() == Code::kUnauthenticated);
  }
}

TEST_CASE("a request sealed with one node's key cannot claim another node's id") {
  Hub hub;
  TestNode a = Enrol(hub, "node-a", kVillage);
  TestNode b = Enrol(hub, "node-b", kVillage);
  const std::string row = Row(1);
  // Sealed by A, header says B, pushing a change in B's name.
  Sent s = SendBody(hub, b, wire::Encode(Push({Household(Version(b, 1000), row, kVillage, "forged", "001")})), {},
                    &a.key);
  Status st = Refusal(hub, s);
  CHECK(st.code() == Code::kUnauthenticated);
  CHECK(QueryInt(hub.s(), "SELECT count(*) FROM households WHERE id=?", {row}) == 0);
  // B's counter was not consumed by the forgery: B's own request with that counter works.
  b.counter = 0;
  CHECK(TrySync(hub, b, Pull(0)).ok());
  // A node key registered to nobody.
  crypto::Identity stranger = crypto::GenerateIdentity();
  Sent x = SendBody(hub, a, wire::Encode(Pull(0)), {}, &stranger);
  CHECK(Refusal(hub, x).code() == Code::kUnauthenticated);
}

TEST_CASE("a revoked node is refused, without disclosing the reason before authentication") {
  Hub hub;
  TestNode a = Enrol(hub, "node-a", kVillage);
  REQUIRE(TrySync(hub, a, Pull(0)).ok());
  REQUIRE(RevokeNode(hub.s(), "node-a", "laptop dicuri").ok());
  const std::string row = Row(1);
  Sent s = SendBody(hub, a, wire::Encode(Push({Household(Version(a, 1000), row, kVillage, "x", "001")})));
  Status st = Refusal(hub, s);
  CHECK(st.code() == Code::kUnauthenticated);
  CHECK(st.message().find("revoked") != std::string::npos);
  // The refusal comes before the request is authenticated: the operator's
  // reason (it may name people or places) stays at the hub.
  CHECK(st.message().find("laptop dicuri") == std::string::npos);
  CHECK(QueryInt(hub.s(), "SELECT count(*) FROM households") == 0);
  CHECK(RevokeNode(hub.s(), "node-zz", "none").code() == Code::kNotFound);

  SUBCASE("re-enrolled with a new code, it syncs again") {
    crypto::Identity fresh = crypto::GenerateIdentity();
    EnrolAttempt e = TryEnrol(hub, NewCode(hub, kVillage), "node-a", kVillage, fresh);
    REQUIRE_MESSAGE(e.reply.ok(), e.reply.status().ToString());
    a.key = std::move(fresh);
    CHECK(TrySync(hub, a, Pull(0)).ok());
  }
}

TEST_CASE("protocol and schema versions are negotiated before anything else") {
  const uint32_t latest = static_cast<uint32_t>(schema::LatestSchemaVersion());
  struct Case {
    const char* name;
    uint16_t proto_min, proto_max;
    uint32_t schema;
    Code expect;  // kOk: served
  };
  const Case cases[] = {
      {"current", wire::kProtocolMin, wire::kProtocolMax, latest, Code::kOk},
      {"node speaks older and current", 0, wire::kProtocolMax, latest, Code::kOk},
      {"node speaks current and newer", wire::kProtocolMin, 9, latest, Code::kOk},
      {"protocol too old (proto_max 0)", 0, 0, latest, Code::kVersionTooOld},
      {"protocol too old (1..0)", 1, 0, latest, Code::kVersionTooOld},
      {"protocol too new (proto_min 99)", 99, 99, latest, Code::kVersionTooNew},
      {"protocol too new (max+1..65535)", wire::kProtocolMax + 1, 0xffff, latest, Code::kVersionTooNew},
      {"node schema too new", wire::kProtocolMin, wire::kProtocolMax, latest + 1, Code::kVersionTooNew},
      {"node schema much too new", wire::kProtocolMin, wire::kProtocolMax, 0xffffffffu, Code::kVersionTooNew},
      {"node schema too old", wire::kProtocolMin, wire::kProtocolMax,
       static_cast<uint32_t>(kMinNodeSchemaVersion - 1), Code::kVersionTooOld},
  };
  for (const auto& k : cases) {
    INFO("k.name = " << std::string(k.name));
    Hub hub;
    TestNode a = Enrol(hub, "node-a", kVillage);
    const std::string row = Row(1);
    Sent s = SendBody(hub, a, wire::Encode(Push({Household(Version(a, 1000), row, kVillage, "x", "001")})),
                      [&](wire::RequestHeader& h) {
                        h.proto_min = k.proto_min;
                        h.proto_max = k.proto_max;
                        h.schema_version = k.schema;
                      });
    auto r = Open(hub, s);
    if (k.expect == Code::kOk) {
      REQUIRE_MESSAGE(r.ok(), r.status().ToString());
      CHECK(r->results.at(0).code == 0);
    } else {
      REQUIRE_FALSE(r.ok());
      CHECK(r.status().code() == k.expect);
      CHECK(r.status().message().find("upgrade") != std::string::npos);
      CHECK(QueryInt(hub.s(), "SELECT count(*) FROM households") == 0);
    }
  }
}

TEST_CASE("refused items are reported one by one and never block the rest of the batch") {
  Hub hub;
  TestNode a = Enrol(hub, "node-a", kVillage);
  TestNode b = Enrol(hub, "node-b", kVillage);
  const std::string good1 = Row(1), good2 = Row(2), other = Row(3), app = Row(4), forged = Row(5), bad = Row(6),
                    snap = Row(7);
  const uint16_t kDenied = static_cast<uint16_t>(Code::kPermissionDenied);
  const uint16_t kInvalid = static_cast<uint16_t>(Code::kInvalidArgument);
  struct Item {
    const char* name;
    wire::Change change;
    uint16_t expect;
    std::string table, row;  // where it would land
  };
  wire::Change snapshot = Household(Version(a, 1060), snap, kVillage, "snap", "001");
  snapshot.flags = wire::kFlagSnapshot;
  wire::Change bad_value = Household(Version(a, 1050), bad, kVillage, "x", "001");
  bad_value.fields.push_back({"no_kk", Value(std::string("12")), ""});
  const std::vector<Item> items = {
      {"good", Household(Version(a, 1010), good1, kVillage, "Jl. Satu", "001"), 0, "households", good1},
      {"another village", Household(Version(a, 1020), other, kOtherVillage, "x", "001"), kDenied, "households", other},
      {"hub-owned field",
       wire::Change{Version(a, 1030), "applications", app, kVillage, 0,
                    {{"type", Value(std::string("pbi_jkn")), ""},
                     {"letter_number", Value(std::string("460/999/Dinsos/2023")), ""}}},
       kDenied, "applications", app},
      {"written by another node", Household(Version(b, 1040), forged, kVillage, "x", "001"), kDenied, "households",
       forged},
      {"invalid value", bad_value, kInvalid, "households", bad},
      {"a snapshot from a node", snapshot, kDenied, "households", snap},
      {"good too", Household(Version(a, 1070), good2, kVillage, "Jl. Dua", "002"), 0, "households", good2},
  };
  std::vector<wire::Change> push;
  for (const auto& i : items) push.push_back(i.change);
  wire::SyncReply r = Sync(hub, a, Push(push));
  REQUIRE(r.results.size() == items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    INFO("items[i].name = " << std::string(items[i].name));
    CHECK(r.results[i].version.empty());
    CHECK(r.results[i].code == items[i].expect);
    if (items[i].expect != 0) CHECK_FALSE(r.results[i].message.empty());
    CHECK(QueryInt(hub.s(), "SELECT count(*) FROM " + items[i].table + " WHERE id=?", {items[i].row}) ==
          (items[i].expect == 0 ? 1 : 0));
  }
  CHECK(ChangelogCount(hub) == 2);
  CHECK(QueryInt(hub.s(), "SELECT count(*) FROM field_versions") == 4);

  // The same answers when the batch is re-sent.
  wire::SyncReply again = Sync(hub, a, Push(push));
  REQUIRE(again.results.size() == items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    INFO("items[i].name = " << std::string(items[i].name));
    CHECK(again.results[i].code == items[i].expect);
  }
  CHECK(ChangelogCount(hub) == 2);
}

TEST_CASE("a node cannot take over a row of another village") {
  Hub hub;
  TestNode a = Enrol(hub, "node-a", kVillage);
  TestNode c = Enrol(hub, "node-c", kOtherVillage);
  const std::string row = Row(1);
  const std::string va = Version(a, 1000);
  REQUIRE(Sync(hub, a, Push({Household(va, row, kVillage, "Jl. Desa A", "001")})).results.at(0).code == 0);
  // C names the row as its own village's, based on A's version.
  wire::SyncReply r = Sync(hub, c, Push({Household(Version(c, 2000), row, kOtherVillage, "taken", "009", va)}));
  REQUIRE(r.results.size() == 1);
  CHECK(r.results[0].code == static_cast<uint16_t>(Code::kPermissionDenied));
  CHECK(QueryText(hub.s(), "SELECT address FROM households WHERE id=?", {row}) == "Jl. Desa A");
  CHECK(QueryText(hub.s(), "SELECT village FROM households WHERE id=?", {row}) == kVillage);
  CHECK(ChangelogCount(hub) == 1);
}

TEST_CASE("garbage and truncated frames get a signed error, and the hub keeps serving") {
  Hub hub;
  TestNode a = Enrol(hub, "node-a", kVillage);
  Sent good = SendBody(hub, a, wire::Encode(Push({Household(Version(a, 1000), Row(1), kVillage, "x", "001")})));
  REQUIRE(Open(hub, good).ok());
  // A fresh, valid request frame (counter 2) that is cut and damaged below
  // but never delivered whole.
  wire::RequestHeader h;
  h.node_id = a.id;
  h.counter = 2;
  h.schema_version = static_cast<uint32_t>(schema::LatestSchemaVersion());
  auto sealed = crypto::SealRequest(a.key, hub.pk(), h, wire::Encode(Pull(0)));
  REQUIRE(sealed.ok());
  const std::string frame = sealed->frame;

  std::vector<std::pair<std::string, std::string>> hostile = {
      {"empty", ""},
      {"text", "GET / HTTP/1.1\r\n\r\n"},
      {"enrol frame", crypto::MakeFrame(crypto::FrameKind::kEnrolRequest, "x")},
      {"reply frame", crypto::MakeFrame(crypto::FrameKind::kSealedReply, std::string(64, 'r'))},
      {"magic only", "SMPL"},
  };
  std::mt19937_64 rng(99);
  for (int i = 0; i < 20; ++i) {
    std::string noise(1 + rng() % 400, '\0');
    for (auto& ch : noise) ch = static_cast<char>(rng());
    hostile.push_back({"random " + std::to_string(i), noise});
    hostile.push_back({"random framed " + std::to_string(i), crypto::MakeFrame(crypto::FrameKind::kSealedRequest, noise)});
  }
  for (size_t n = 0; n < frame.size(); n += (n < 80 ? 1 : 13))
    hostile.push_back({"truncated at " + std::to_string(n), frame.substr(0, n)});
  // Cut but re-framed (length fixed), so the header may still parse.
  const std::string body = frame.substr(10);
  for (size_t n = 0; n < body.size(); n += 7)
    hostile.push_back({"body cut at " + std::to_string(n),
                       crypto::MakeFrame(crypto::FrameKind::kSealedRequest, body.substr(0, n))});
  for (size_t at = 10; at < frame.size(); at += 5) {
    std::string flipped = frame;
    flipped[at] = static_cast<char>(flipped[at] ^ 0x20);
    hostile.push_back({"flipped at " + std::to_string(at), flipped});
  }
  // A valid seal around a body that is not a sync request.
  wire::RequestHeader h2 = h;
  h2.counter = 3;
  auto junk_body = crypto::SealRequest(a.key, hub.pk(), h2, "this is not zstd");
  REQUIRE(junk_body.ok());
  hostile.push_back({"sealed junk body", junk_body->frame});

  for (const auto& [name, bytes] : hostile) {
    CAPTURE(name);
    std::string reply = HandleSync(hub.s(), bytes);
    auto f = crypto::ParseFrame(reply);
    REQUIRE_MESSAGE(f.ok(), f.status().ToString());
    CHECK(f->kind == crypto::FrameKind::kSignedError);
    std::array<uint8_t, 24> nonce = name == "sealed junk body" ? junk_body->nonce : sealed->nonce;
    CHECK(SignedByHub(hub, reply, nonce, bytes));
  }
  // The sealed junk body is Corruption, told to that request.
  Sent junk{*junk_body, HandleSync(hub.s(), junk_body->frame)};
  CHECK(Refusal(hub, junk).code() == Code::kCorruption);

  // Still serving: the untouched frame, then a new push.
  Sent whole{*sealed, HandleSync(hub.s(), frame)};
  CHECK(Open(hub, whole).ok());
  a.counter = 10;
  const std::string row2 = Row(2);
  wire::SyncReply r = Sync(hub, a, Push({Household(Version(a, 3000), row2, kVillage, "after", "003")}));
  REQUIRE(r.results.size() == 1);
  CHECK(r.results[0].code == 0);
  CHECK(QueryText(hub.s(), "SELECT address FROM households WHERE id=?", {row2}) == "after");
}

TEST_CASE("a batch larger than max_push is refused whole") {
  Hub hub;
  TestNode a = Enrol(hub, "node-a", kVillage);
  std::vector<wire::Change> push;
  for (int i = 0; i < 3; ++i)
    push.push_back(Household(Version(a, 1000 + i), Row(i), kVillage, "x", "001"));
  SyncServiceOptions opt;
  opt.max_push = 2;
  auto r = TrySync(hub, a, Push(push), {}, opt);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Code::kResourceExhausted);
  CHECK(QueryInt(hub.s(), "SELECT count(*) FROM households") == 0);
  push.pop_back();
  auto ok = TrySync(hub, a, Push(push), {}, opt);
  REQUIRE_MESSAGE(ok.ok(), ok.status().ToString());
  CHECK(QueryInt(hub.s(), "SELECT count(*) FROM households") == 2);
}

TEST_CASE("a first sync is a paged snapshot of the village, then pulls are incremental") {
  Hub hub;
  TestNode a = Enrol(hub, "node-a", kVillage);
  TestNode b = Enrol(hub, "node-b", kVillage);
  TestNode c = Enrol(hub, "node-c", kOtherVillage);
  std::vector<std::string> rows = {Row(1), Row(2), Row(3)};
  std::vector<wire::Change> push;
  for (size_t i = 0; i < rows.size(); ++i)
    push.push_back(Household(Version(a, 1000 + i), rows[i], kVillage, "Jl. " + std::to_string(i), "00" + std::to_string(i)));
  REQUIRE(Sync(hub, a, Push(push)).results.size() == 3);
  REQUIRE(Sync(hub, c, Push({Household(Version(c, 1500), Row(9), kOtherVillage, "elsewhere", "009")})).results.at(0).code == 0);
  const int64_t max_seq = QueryInt(hub.s(), "SELECT max(seq) FROM changelog");

  // Snapshot, one row per page.
  wire::SyncRequest req;
  req.initial = true;
  req.pull_limit = 1;
  std::vector<std::string> got;
  uint64_t cursor = 0;
  int pages = 0;
  for (;;) {
    ++pages;
    REQUIRE(pages <= 10);
    wire::SyncReply r = Sync(hub, b, req);
    CAPTURE(pages);
    CHECK(r.results.empty());
    // Pages before the last say "more"; the last page, with nothing newer
    // in the log, ends the pull and carries the digests.
    if (!r.snapshot_next.empty()) {
      CHECK(r.more);
      CHECK(r.bucket_digests.empty());
    } else {
      CHECK_FALSE(r.more);
      CHECK(r.bucket_digests.size() == sync::kDigestBuckets);
    }
    if (pages == 1) {
      cursor = r.cursor;
      CHECK(cursor == static_cast<uint64_t>(max_seq));
    } else {
      CHECK(r.cursor == cursor);  // the cursor the first page named
    }
    REQUIRE(r.pulled.size() == 1);
    const wire::Change& ch = r.pulled[0];
    CHECK((ch.flags & wire::kFlagSnapshot) != 0);
    CHECK(ch.table == "households");
    CHECK(ch.village == kVillage);
    CHECK(ch.version.substr(17) == "node-a");
    CHECK(ch.fields.size() == 2);
    got.push_back(ch.row_id);
    if (r.snapshot_next.empty()) break;
    req.snapshot_after = r.snapshot_next;
    req.snapshot_seq = r.cursor;
  }
  CHECK(pages == 3);
  std::vector<std::string> sorted_rows = rows;
  std::sort(sorted_rows.begin(), sorted_rows.end());
  CHECK(got == sorted_rows);

  // Nothing new since the snapshot: an incremental pull is empty, with digests.
  wire::SyncReply idle = Sync(hub, b, Pull(cursor));
  CHECK(idle.pulled.empty());
  CHECK_FALSE(idle.more);
  CHECK(idle.cursor == cursor);
  REQUIRE(idle.bucket_digests.size() == sync::kDigestBuckets);
  auto hub_digest = sync::ScopeDigest(hub.s().db(), kVillage);
  REQUIRE(hub_digest.ok());
  CHECK(std::equal(idle.bucket_digests.begin(), idle.bucket_digests.end(), hub_digest->begin()));

  // A new change by A: only it comes in the next pull.
  const std::string v2 = Version(a, 5000);
  REQUIRE(Sync(hub, a, Push({Household(v2, rows[0], kVillage, "Jl. Baru", "001", Version(a, 1000))})).results.at(0).code == 0);
  wire::SyncReply next = Sync(hub, b, Pull(cursor));
  REQUIRE(next.pulled.size() == 1);
  CHECK(next.pulled[0].version == v2);
  CHECK(next.pulled[0].flags == 0);
  CHECK(next.pulled[0].row_id == rows[0]);
  REQUIRE(FieldOf(next.pulled[0], "address"));
  CHECK(FieldOf(next.pulled[0], "address")->base == Version(a, 1000));
  CHECK(next.cursor > cursor);
  CHECK_FALSE(next.more);
  CHECK(next.bucket_digests.size() == sync::kDigestBuckets);
  CHECK(Sync(hub, b, Pull(next.cursor)).pulled.empty());
}

TEST_CASE("incremental pulls page with `more` and carry digests only at the end") {
  Hub hub;
  TestNode a = Enrol(hub, "node-a", kVillage);
  TestNode b = Enrol(hub, "node-b", kVillage);
  for (int i = 0; i < 3; ++i)
    REQUIRE(Sync(hub, a, Push({Household(Version(a, 1000 + i), Row(i), kVillage, "x", "001")})).results.at(0).code == 0);
  uint64_t cursor = 0;
  std::vector<std::string> versions;
  for (int page = 1; page <= 3; ++page) {
    CAPTURE(page);
    wire::SyncReply r = Sync(hub, b, Pull(cursor, 1));
    REQUIRE(r.pulled.size() == 1);
    versions.push_back(r.pulled[0].version);
    CHECK(r.cursor > cursor);
    cursor = r.cursor;
    CHECK(r.more == (page < 3));
    CHECK(r.bucket_digests.size() == (page < 3 ? 0u : sync::kDigestBuckets));
  }
  CHECK(versions == std::vector<std::string>{Version(a, 1000), Version(a, 1001), Version(a, 1002)});
  // pull_limit 0 is treated as 1, not as "nothing" or "everything".
  wire::SyncReply zero = Sync(hub, b, Pull(0, 0));
  CHECK(zero.pulled.size() == 1);
  CHECK(zero.more);
}

TEST_CASE("a hub edit and a node push on the same field record an open conflict the node pulls") {
  struct Case {
    const char* name;
    uint64_t hub_edit_at, node_edit_at;  // ms after kT
  };
  const Case cases[] = {{"the node's write is later", 2000, 3000}, {"the hub's write is later", 5000, 3000}};
  for (const auto& k : cases) {
    INFO("k.name = " << std::string(k.name));
    Hub hub;
    TestNode a = Enrol(hub, "node-a", kVillage);
    TestNode b = Enrol(hub, "node-b", kVillage);
    const std::string app = Row(1);
    const std::string v1 = Version(a, 1000);
    wire::SyncReply r1 = Sync(hub, a,
        Push({wire::Change{v1, "applications", app, kVillage, 0,
                           {{"type", Value(std::string("pbi_jkn")), ""}, {"notes", Value(std::string("catatan desa")), ""}}}}));
    REQUIRE(r1.results.at(0).code == 0);
    uint64_t cursor = r1.cursor;

    hub.clock.now = kT + k.hub_edit_at;
    REQUIRE(EditApplication(hub.s(), app, {{"notes", "catatan dinas"}}).ok());
    const std::string vh = QueryText(hub.s(),
        "SELECT version FROM field_versions WHERE tbl='applications' AND row_id=? AND field='notes'", {app});
    REQUIRE(vh.substr(17) == hub.s().hub_id());

    // The node edits the same field from the version it had.
    const std::string v2 = Version(a, k.node_edit_at);
    wire::SyncReply r2 = Sync(hub, a,
        Push({wire::Change{v2, "applications", app, kVillage, 0, {{"notes", Value(std::string("catatan desa 2")), v1}}}},
             cursor));
    REQUIRE(r2.results.size() == 1);
    CHECK(r2.results[0].code == 0);  // a conflict is not a refusal

    const std::string winner = std::max(v2, vh), loser = std::min(v2, vh);
    const std::string winner_value = winner == v2 ? "catatan desa 2" : "catatan dinas";
    const std::string loser_value = winner == v2 ? "catatan dinas" : "catatan desa 2";
    const std::string id = sync::ConflictId("applications", app, "notes", v2, vh);
    CHECK(QueryText(hub.s(), "SELECT notes FROM applications WHERE id=?", {app}) == winner_value);
    REQUIRE(QueryInt(hub.s(), "SELECT count(*) FROM conflicts") == 1);
    CHECK(QueryText(hub.s(), "SELECT id FROM conflicts") == id);
    CHECK(QueryText(hub.s(), "SELECT status FROM conflicts") == "open");
    CHECK(QueryText(hub.s(), "SELECT village FROM conflicts") == kVillage);
    CHECK(QueryText(hub.s(), "SELECT tbl || '.' || field FROM conflicts") == "applications.notes");
    CHECK(QueryText(hub.s(), "SELECT row_id FROM conflicts") == app);
    CHECK(QueryText(hub.s(), "SELECT kind FROM conflicts") == "concurrent_write");
    CHECK(QueryText(hub.s(), "SELECT winner_version FROM conflicts") == winner);
    CHECK(QueryText(hub.s(), "SELECT loser_version FROM conflicts") == loser);
    CHECK(QueryText(hub.s(), "SELECT winner_value FROM conflicts") == winner_value);
    CHECK(QueryText(hub.s(), "SELECT loser_value FROM conflicts") == loser_value);
    auto listed = ListConflicts(hub.s(), kVillage, false);
    REQUIRE(listed.ok());
    CHECK(listed->size() == 1);

    // The same reply (pull from its cursor) or the next one carries the
    // hub's edit and the conflict row to the node.
    std::vector<wire::Change> pulled = r2.pulled;
    wire::SyncReply r3 = Sync(hub, a, Pull(r2.cursor));
    pulled.insert(pulled.end(), r3.pulled.begin(), r3.pulled.end());
    const wire::Change* conflict = nullptr;
    const wire::Change* hub_edit = nullptr;
    for (const auto& c : pulled) {
      if (c.table == "conflicts" && c.row_id == id) conflict = &c;
      if (c.table == "applications" && c.version == vh) hub_edit = &c;
    }
    REQUIRE_MESSAGE(conflict, "the conflict row was not pulled by the node");
    CHECK(conflict->village == kVillage);
    REQUIRE(FieldOf(*conflict, "status"));
    CHECK(FieldOf(*conflict, "status")->value == Value(std::string("open")));
    REQUIRE(FieldOf(*conflict, "field"));
    CHECK(FieldOf(*conflict, "field")->value == Value(std::string("notes")));
    REQUIRE_MESSAGE(hub_edit, "the hub's edit was not pulled by the node");
    REQUIRE(FieldOf(*hub_edit, "notes"));
    CHECK(FieldOf(*hub_edit, "notes")->base == v1);

    // The node, merging the hub's edit onto its own, finds the same conflict.
    auto db = schema::Db::Open(":memory:", schema::Db::Mode::kCreate);
    REQUIRE(db.ok());
    REQUIRE(schema::Migrate(*db).ok());
    sync::Merger m(*db);
    REQUIRE(m.Apply(wire::Change{v1, "applications", app, kVillage, 0,
                                 {{"type", Value(std::string("pbi_jkn")), ""},
                                  {"notes", Value(std::string("catatan desa")), ""}}},
                    sync::Role::kVillage, "").ok());
    REQUIRE(m.Apply(wire::Change{v2, "applications", app, kVillage, 0, {{"notes", Value(std::string("catatan desa 2")), v1}}},
                    sync::Role::kVillage, "").ok());
    auto merged = m.Apply(*hub_edit, sync::WriterRole(hub_edit->version, hub.s().hub_id()), "");
    REQUIRE_MESSAGE(merged.ok(), merged.status().ToString());
    REQUIRE(merged->conflicts.size() == 1);
    CHECK(merged->conflicts[0].id == id);

    // Another node of the village gets it too.
    wire::SyncReply rb = Sync(hub, b, Pull(0));
    CHECK(std::any_of(rb.pulled.begin(), rb.pulled.end(),
                      [&](const wire::Change& c) { return c.table == "conflicts" && c.row_id == id; }));
  }
}

TEST_CASE("a node that applies what it pulls ends with the hub's digest") {
  Hub hub;
  TestNode a = Enrol(hub, "node-a", kVillage);
  TestNode b = Enrol(hub, "node-b", kVillage);
  TestNode c = Enrol(hub, "node-c", kOtherVillage);
  // B's replica.
  auto opened = schema::Db::Open(":memory:", schema::Db::Mode::kCreate);
  REQUIRE(opened.ok());
  schema::Db db = std::move(opened).value();
  REQUIRE(schema::Migrate(db).ok());
  sync::Merger merger(db);
  auto apply = [&](const std::vector<wire::Change>& changes) {
    for (const auto& ch : changes) {
      if (ch.flags & wire::kFlagScopeOut) {
        REQUIRE(merger.DropRow(ch.table, ch.row_id).ok());
        continue;
      }
      auto r = merger.Apply(ch, sync::WriterRole(ch.version, hub.s().hub_id()), "");
      REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    }
  };

  // A records households, persons and an application; C its own village.
  std::vector<wire::Change> push;
  std::vector<std::string> hh;
  for (int i = 0; i < 5; ++i) {
    hh.push_back(Row(10 + i));
    push.push_back(Household(Version(a, 1000 + i), hh.back(), kVillage, "Jl. " + std::to_string(i), "001"));
    push.push_back(wire::Change{Version(a, 1100 + i), "persons", Row(20 + i), kVillage, 0,
                                {{"name", Value("Warga " + std::to_string(i)), ""}, {"household_id", Value(hh.back()), ""}}});
  }
  const std::string app = Row(30);
  const std::string v_app = Version(a, 1200);
  push.push_back(wire::Change{v_app, "applications", app, kVillage, 0,
                              {{"type", Value(std::string("pbi_apbd")), ""}, {"notes", Value(std::string("awal")), ""}}});
  wire::SyncReply ra = Sync(hub, a, Push(push));
  for (const auto& r : ra.results) CHECK(r.code == 0);
  REQUIRE(Sync(hub, c, Push({Household(Version(c, 1000), Row(40), kOtherVillage, "lain", "001")})).results.at(0).code == 0);

  // B's first sync, two rows a page.
  wire::SyncRequest req;
  req.initial = true;
  req.pull_limit = 2;
  uint64_t cursor = 0;
  for (int page = 0;; ++page) {
    REQUIRE(page < 20);
    wire::SyncReply r = Sync(hub, b, req);
    apply(r.pulled);
    cursor = r.cursor;
    if (r.snapshot_next.empty()) break;
    req.snapshot_after = r.snapshot_next;
    req.snapshot_seq = r.cursor;
  }

  // Then more happens: a hub edit, an update by A, a conflict, B's own write.
  hub.clock.now = kT + 3000;
  REQUIRE(EditApplication(hub.s(), app, {{"notes", "dinas"}, {"dtks_status", "registered"}}).ok());
  // The desil is read whole and within 1..10 ("3x" was taken as 3), naming the field.
  for (const char* bad : {"3x", "", "abc", "0", "11", " 3"}) {
    auto st = EditApplication(hub.s(), app, {{"dtks_desil", bad}});
    CHECK_MESSAGE(st.code() == Code::kInvalidArgument, bad);
    CHECK_MESSAGE(st.field() == "dtks_desil", bad);
  }
  REQUIRE(Sync(hub, a, Push({Household(Version(a, 4000), hh[0], kVillage, "Jl. Pindah", "002", Version(a, 1000))}))
              .results.at(0).code == 0);
  REQUIRE(Sync(hub, a, Push({wire::Change{Version(a, 4500), "applications", app, kVillage, 0,
                                          {{"notes", Value(std::string("desa")), v_app}}}}))
              .results.at(0).code == 0);
  const std::string vb = Version(b, 5000);
  wire::Change own = Household(vb, hh[1], kVillage, "Jl. Dari B", "003", Version(a, 1001));
  apply({own});  // B's local write, then pushed
  wire::SyncReply pushed = Sync(hub, b, Push({own}, cursor));
  REQUIRE(pushed.results.at(0).code == 0);
  apply(pushed.pulled);
  cursor = pushed.cursor;
  std::vector<uint64_t> digests = pushed.bucket_digests;
  for (int page = 0; pushed.more || digests.empty(); ++page) {
    REQUIRE(page < 50);
    wire::SyncReply r = Sync(hub, b, Pull(cursor, 1));
    apply(r.pulled);
    cursor = r.cursor;
    digests = r.bucket_digests;
    if (!r.more) break;
  }
  REQUIRE(digests.size() == sync::kDigestBuckets);
  auto mine = sync::ScopeDigest(db, kVillage);
  REQUIRE(mine.ok());
  for (uint32_t i = 0; i < sync::kDigestBuckets; ++i) {
    CAPTURE(i);
    CHECK(digests[i] == (*mine)[i]);
  }
  auto hubs = sync::ScopeDigest(hub.s().db(), kVillage);
  REQUIRE(hubs.ok());
  CHECK(*hubs == *mine);
  CHECK(QueryInt(hub.s(), "SELECT count(*) FROM conflicts") == 1);

  SUBCASE("a repair request returns the full state of the asked buckets") {
    uint32_t bucket = sync::BucketOf(hh[0]);
    wire::SyncRequest rr = Pull(cursor);
    rr.repair_buckets = {bucket};
    wire::SyncReply rep = Sync(hub, b, rr);
    CHECK_FALSE(rep.repair.empty());
    bool found = false;
    for (const auto& ch : rep.repair) {
      CHECK((ch.flags & wire::kFlagRepair) != 0);
      CHECK(sync::BucketOf(ch.row_id) == bucket);
      CHECK(ch.village == kVillage);
      if (ch.row_id == hh[0] && FieldOf(ch, "address")) {
        found = true;
        CHECK(FieldOf(ch, "address")->value == Value(std::string("Jl. Pindah")));
      }
    }
    CHECK(found);
    wire::SyncRequest bad = Pull(cursor);
    bad.repair_buckets = {sync::kDigestBuckets};
    auto refused = TrySync(hub, b, bad);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.status().code() == Code::kInvalidArgument);
  }
}

TEST_CASE("a change stamped far ahead is accepted with a clock notice") {
  Hub hub;
  TestNode a = Enrol(hub, "node-a", kVillage);
  const std::string row = Row(1);
  const std::string v = Version(a, 48 * 3600 * 1000ULL);
  wire::SyncReply r = Sync(hub, a, Push({Household(v, row, kVillage, "x", "001")}));
  REQUIRE(r.results.size() == 1);
  CHECK(r.results[0].code == 0);
  CHECK(r.notice.find("ahead") != std::string::npos);
  CHECK(QueryText(hub.s(), "SELECT clock_skew_ms FROM changelog") != "<null>");
  // The hub's clock did not adopt the stamp: its own next write is older.
  CHECK(hub.s().hlc().last().physical_ms() < kT + 24 * 3600 * 1000ULL);
}

TEST_CASE("a stamp counted on from a far-ahead base is accepted, not adopted, and tells the node nothing") {
  // A laptop with a right clock edited a field a laptop 3 days fast wrote:
  // its HLC had to count on from that version (counter > 0). That says
  // nothing about its own clock: no "your clock is ahead" notice.
  Hub hub;
  TestNode a = Enrol(hub, "node-a", kVillage);
  const uint64_t three_days = 3 * kDay;
  for (uint32_t counter : {1u, 7u, 0xffffu}) {
    CAPTURE(counter);
    wire::SyncReply r = Sync(hub, a, Push({Household(Version(a, three_days, counter), Row(counter), kVillage, "x", "001")}));
    REQUIRE(r.results.size() == 1);
    CHECK(r.results[0].code == 0);
    CHECK_MESSAGE(r.notice.empty(), r.notice);
    CHECK(hub.s().hlc().last().physical_ms() < kT + kDay);
  }
  // A reading of its wall clock 3 days ahead is flagged, and names both
  // possible culprits.
  wire::SyncReply r = Sync(hub, a, Push({Household(Version(a, three_days + 5), Row(99), kVillage, "x", "001")}));
  CHECK(r.notice.find("72 hours ahead of the hub's") != std::string::npos);
  CHECK(r.notice.find("the hub's clock is wrong") != std::string::npos);
}

// A submission event as node `n` writes it at `ms`; `after` unset: schema 7.
wire::Change SubmitEvent(const TestNode& n, uint64_t ms, const std::string& event, const std::string& app,
                         const std::optional<std::string>& after) {
  const std::string v = Version(n, ms);
  wire::Change c{v, "events", event, kVillage, 0,
                 {{"subject_id", Value(app), ""}, {"subject_kind", Value(std::string("application")), ""},
                  {"kind", Value(std::string("submitted")), ""}, {"actor", Value(n.id), ""},
                  {"actor_role", Value(std::string("village")), ""}, {"at", Value(v), ""}}};
  if (after) c.fields.push_back({"after", Value(*after), ""});
  return c;
}

TEST_CASE("events.after: refused unless empty or an event id") {
  Hub hub;
  TestNode a = Enrol(hub, "node-a", kVillage);
  for (const char* bad : {"not-an-id", "0190b1f3-7a2c-7d4e-8f00-00000000000G"}) {
    CAPTURE(std::string(bad));
    wire::SyncReply r = Sync(hub, a, Push({SubmitEvent(a, 10, Row(10), Row(11), std::string(bad))}));
    REQUIRE(r.results.size() == 1);
    CHECK(r.results[0].code == static_cast<uint16_t>(Code::kInvalidArgument));
  }
  wire::SyncReply ok = Sync(hub, a, Push({SubmitEvent(a, 20, Row(20), Row(21), std::string()),
                                          SubmitEvent(a, 30, Row(30), Row(21), Row(20))}));
  REQUIRE(ok.results.size() == 2);
  CHECK(ok.results[0].code == 0);
  CHECK(ok.results[1].code == 0);
}

}  // namespace
}  // namespace simpul::hub

namespace simpul::hub {
namespace {

// A node's replica: a migrated in-memory store that applies what it pulls.
// `schema`: the store schema it runs (-1: the latest), to play an older node.
struct Replica {
  explicit Replica(int schema = -1) : schema_version(schema), db(Open(schema)), merger(db) {}
  static schema::Db Open(int schema) {
    auto r = schema::Db::Open(":memory:", schema::Db::Mode::kCreate);
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    schema::Db d = std::move(r).value();
    REQUIRE(schema::Migrate(d, schema).ok());
    return d;
  }
  void Apply(const std::vector<wire::Change>& changes, const std::string& hub_id) {
    for (const auto& ch : changes) {
      if (ch.flags & wire::kFlagScopeOut) {
        REQUIRE(merger.DropRow(ch.table, ch.row_id).ok());
        continue;
      }
      auto r = merger.Apply(ch, sync::WriterRole(ch.version, hub_id), "");
      REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    }
  }
  // Over what the replica's schema knows, as a node of that schema does.
  std::vector<uint64_t> Digest(const std::string& village) {
    // An older node's digest covers only the tables and fields it knows.
    auto d = sync::ScopeDigest(db, village, schema_version);
    REQUIRE_MESSAGE(d.ok(), d.status().ToString());
    return std::vector<uint64_t>(d->begin(), d->end());
  }
  int schema_version;
  schema::Db db;
  sync::Merger merger;
};

TEST_CASE("a revoked node cannot re-activate itself with its old enrolment code") {
  Hub hub;
  crypto::EnrolCode code = NewCode(hub, kVillage, 30);
  crypto::Identity key = crypto::GenerateIdentity();
  EnrolAttempt first = TryEnrol(hub, code, "node-a", kVillage, key);
  REQUIRE_MESSAGE(first.reply.ok(), first.reply.status().ToString());
  REQUIRE(RevokeNode(hub.s(), "node-a", "operator dismissed").ok());

  // The same request again (the operator kept the code; or it was captured
  // on the plain-HTTP link): revocation must stick until a NEW code.
  std::string replayed = HandleEnrol(hub.s(), first.request_frame);
  auto r = crypto::OpenEnrolReply(code, first.request_frame, replayed);
  CHECK_FALSE(r.ok());
  CHECK(QueryText(hub.s(), "SELECT status FROM nodes WHERE node_id='node-a'") == "revoked");
  TestNode a{"node-a", kVillage, std::move(key), 5};
  Sent s = SendBody(hub, a, wire::Encode(Pull(0)));
  auto opened = Open(hub, s);
  CHECK_MESSAGE(!opened.ok(), "the revoked node synced again after replaying its old enrolment");
  if (!opened.ok()) CHECK(opened.status().message().find("revoked") != std::string::npos);
}

TEST_CASE("a node cannot rewrite or extend an event row through the hub") {
  struct Case {
    const char* name;
    std::vector<wire::FieldChange> second;
  };
  const Case cases[] = {
      {"rewriting its kind", {{"kind", Value(std::string("withdrawn")), ""}}},
      {"adding a reason it did not have", {{"reason", Value(std::string("ditambah kemudian")), ""}}},
  };
  for (const auto& k : cases) {
    INFO("k.name = " << std::string(k.name));
    Hub hub;
    TestNode a = Enrol(hub, "node-a", kVillage);
    const std::string ev = Row(1), app = Row(2);
    const std::string v1 = Version(a, 1000);
    wire::Change event{v1, "events", ev, kVillage, 0,
                       {{"subject_id", Value(app), ""}, {"subject_kind", Value(std::string("application")), ""},
                        {"kind", Value(std::string("submitted")), ""}, {"actor", Value(std::string("node-a")), ""},
                        {"actor_role", Value(std::string("village")), ""}, {"at", Value(v1), ""}}};
    REQUIRE(Sync(hub, a, Push({event})).results.at(0).code == 0);
    std::vector<wire::FieldChange> second = k.second;
    if (second[0].field == "kind") second[0].base = v1;
    wire::SyncReply r = Sync(hub, a, Push({wire::Change{Version(a, 2000), "events", ev, kVillage, 0, second}}));
    REQUIRE(r.results.size() == 1);
    CHECK(r.results[0].code != 0);
    CHECK(QueryText(hub.s(), "SELECT kind FROM events WHERE id=?", {ev}) == "submitted");
    CHECK(QueryText(hub.s(), "SELECT reason FROM events WHERE id=?", {ev}) == "<null>");
    CHECK(ChangelogCount(hub) == 1);
  }
}

TEST_CASE("moving an application: the old village drops it, the new one receives it, digests agree") {
  Hub hub;
  TestNode a = Enrol(hub, "node-a", kVillage);
  TestNode c = Enrol(hub, "node-c", kOtherVillage);
  Replica ra, rc;
  const std::string app = Row(1), person = Row(2);
  wire::Change p{Version(a, 1000), "persons", person, kVillage, 0, {{"name", Value(std::string("Sri")), ""}}};
  wire::Change ap{Version(a, 1001), "applications", app, kVillage, 0,
                  {{"type", Value(std::string("pbi_jkn")), ""}, {"applicant_id", Value(person), ""},
                   {"notes", Value(std::string("desa")), ""}}};
  ra.Apply({p, ap}, hub.s().hub_id());
  wire::SyncReply r1 = Sync(hub, a, Push({p, ap}));
  for (const auto& x : r1.results) REQUIRE(x.code == 0);
  hub.clock.now = kT + 2000;
  REQUIRE(EditApplication(hub.s(), app, {{"notes", "dinas"}}).ok());
  wire::SyncReply r2 = Sync(hub, a, Pull(r1.cursor));
  ra.Apply(r2.pulled, hub.s().hub_id());
  REQUIRE(r2.bucket_digests == ra.Digest(kVillage));

  auto moved = MoveRow(hub.s(), "persons", person, kOtherVillage);
  REQUIRE_MESSAGE(moved.ok(), moved.status().ToString());
  CHECK(*moved == 2);  // the person and their application

  wire::SyncReply r3 = Sync(hub, a, Pull(r2.cursor));
  ra.Apply(r3.pulled, hub.s().hub_id());
  CHECK(std::count_if(r3.pulled.begin(), r3.pulled.end(),
                      [](const wire::Change& x) { return (x.flags & wire::kFlagScopeOut) != 0; }) == 2);
  CHECK(r3.bucket_digests == ra.Digest(kVillage));
  CHECK(std::all_of(r3.bucket_digests.begin(), r3.bucket_digests.end(), [](uint64_t x) { return x == 0; }));

  wire::SyncReply rc1 = Sync(hub, c, Pull(0));
  rc.Apply(rc1.pulled, hub.s().hub_id());
  CHECK(rc1.bucket_digests == rc.Digest(kOtherVillage));
  auto notes = rc.db.Prepare("SELECT notes, village FROM applications WHERE id=?");
  REQUIRE(notes.ok());
  notes->Bind(1, app);
  auto row = notes->Step();
  REQUIRE(row.ok());
  REQUIRE(*row);
  CHECK(notes->Text(0) == "dinas");
  CHECK(notes->Text(1) == kOtherVillage);

  // A's late edit of the moved row is refused; C's edit is accepted.
  const std::string vh = QueryText(hub.s(),
      "SELECT version FROM field_versions WHERE tbl='applications' AND row_id=? AND field='notes'", {app});
  wire::SyncReply late = Sync(hub, a, Push({wire::Change{Version(a, 3000), "applications", app, kVillage, 0,
                                                         {{"notes", Value(std::string("terlambat")), vh}}}}));
  CHECK(late.results.at(0).code == static_cast<uint16_t>(Code::kPermissionDenied));
  wire::SyncReply mine = Sync(hub, c, Push({wire::Change{Version(c, 3000), "applications", app, kOtherVillage, 0,
                                                         {{"notes", Value(std::string("desa baru")), vh}}}}));
  CHECK(mine.results.at(0).code == 0);
  CHECK(QueryText(hub.s(), "SELECT notes FROM applications WHERE id=?", {app}) == "desa baru");
}

TEST_CASE("moving a person whose application was moved before on its own: that village drops it too") {
  Hub hub;
  TestNode a = Enrol(hub, "node-a", kVillage);
  TestNode c = Enrol(hub, "node-c", kOtherVillage);
  const std::string kThirdVillage = "35.10.01.2004";
  const std::string app = Row(1), person = Row(2);
  wire::Change p{Version(a, 1000), "persons", person, kVillage, 0, {{"name", Value(std::string("Sri")), ""}}};
  wire::Change ap{Version(a, 1001), "applications", app, kVillage, 0,
                  {{"type", Value(std::string("pbi_jkn")), ""}, {"applicant_id", Value(person), ""}}};
  for (const auto& x : Sync(hub, a, Push({p, ap})).results) REQUIRE(x.code == 0);
  // The application goes to the other village alone; its laptop receives it.
  REQUIRE(MoveRow(hub.s(), "applications", app, kOtherVillage).ok());
  Replica rc;
  wire::SyncReply c1 = Sync(hub, c, Pull(0));
  rc.Apply(c1.pulled, hub.s().hub_id());
  REQUIRE(c1.bucket_digests == rc.Digest(kOtherVillage));
  REQUIRE(testing::QueryInt(rc.db, "SELECT count(*) FROM applications") == 1);
  // Then the applicant moves to a third village, the application with her.
  auto moved = MoveRow(hub.s(), "persons", person, kThirdVillage);
  REQUIRE_MESSAGE(moved.ok(), moved.status().ToString());
  CHECK(*moved == 2);
  CHECK(QueryText(hub.s(), "SELECT village FROM applications WHERE id=?", {app}) == kThirdVillage);
  // The other village's laptop is told the application left, and still agrees with the hub.
  wire::SyncReply c2 = Sync(hub, c, Pull(c1.cursor));
  CHECK(std::count_if(c2.pulled.begin(), c2.pulled.end(), [&](const wire::Change& x) {
          return x.row_id == app && (x.flags & wire::kFlagScopeOut) != 0;
        }) == 1);
  rc.Apply(c2.pulled, hub.s().hub_id());
  CHECK(testing::QueryInt(rc.db, "SELECT count(*) FROM applications") == 0);
  CHECK(c2.bucket_digests == rc.Digest(kOtherVillage));
  auto held = sync::ScopeDigest(hub.s().db(), kOtherVillage);
  REQUIRE(held.ok());
  CHECK(std::equal(c2.bucket_digests.begin(), c2.bucket_digests.end(), held->begin()));
}

}  // namespace
}  // namespace simpul::hub

namespace simpul::hub {
namespace {

std::string ShaHex(const std::string& data) {
  unsigned char d[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(d, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  return crypto::ToHex(d, sizeof d);
}

wire::Change Attachment(const std::string& version, const std::string& row, const std::string& village,
                        const std::string& sha, int64_t size) {
  return wire::Change{version, "attachments", row, village, 0,
                      {{"kind", Value(std::string("kk")), ""}, {"sha256", Value(sha), ""}, {"size", Value(size), ""}}};
}

TEST_CASE("a node of schema 7 gets events without `after`, proves it agrees, and fills `after` in once upgraded") {
  // Hubs are upgraded first: an older node keeps syncing (PROTOCOL.md §9).
  Hub hub;
  TestNode a = Enrol(hub, "node-a", kVillage);  // upgraded: links its events
  TestNode old = Enrol(hub, "node-old", kVillage);
  const std::string app = Row(1), submitted = Row(2);
  REQUIRE(Sync(hub, a, Push({SubmitEvent(a, 10, submitted, app, std::string())})).results.at(0).code == 0);

  const uint32_t latest = static_cast<uint32_t>(schema::LatestSchemaVersion());
  auto pull = [&](TestNode& n, uint32_t schema, uint64_t cursor, const std::vector<uint32_t>& repair = {}) {
    wire::SyncRequest req = Pull(cursor);
    req.repair_buckets = repair;
    auto r = TrySync(hub, n, req, [&](wire::RequestHeader& h) { h.schema_version = schema; });
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    return std::move(r).value();
  };
  wire::SyncReply r7 = pull(old, 7, 0);
  REQUIRE(r7.pulled.size() == 1);
  CHECK(FieldOf(r7.pulled[0], "after") == nullptr);
  CHECK(FieldOf(r7.pulled[0], "kind") != nullptr);
  Replica replica(7);
  replica.Apply(r7.pulled, hub.s().hub_id());  // an unknown field would be refused here
  // Its digest equals the one the hub gave it (computed over what it knows).
  CHECK(replica.Digest(kVillage) == std::vector<uint64_t>(r7.bucket_digests.begin(), r7.bucket_digests.end()));

  // A node of the hub's schema gets the link.
  TestNode b = Enrol(hub, "node-b", kVillage);
  wire::SyncReply rb = pull(b, latest, 0);
  REQUIRE(rb.pulled.size() == 1);
  REQUIRE(FieldOf(rb.pulled[0], "after") != nullptr);
  CHECK(FieldOf(rb.pulled[0], "after")->value == Value(std::string()));

  // The old node upgrades: its digest no longer matches the hub's (it lacks
  // `after`); one repair of that bucket fills the field into the event it
  // already holds, and the two agree.
  REQUIRE(schema::Migrate(replica.db).ok());
  replica.schema_version = -1;  // now the latest
  wire::SyncReply again = pull(old, latest, r7.cursor);
  CHECK(replica.Digest(kVillage) != std::vector<uint64_t>(again.bucket_digests.begin(), again.bucket_digests.end()));
  wire::SyncReply repaired = pull(old, latest, again.cursor, {sync::BucketOf(submitted)});
  REQUIRE_FALSE(repaired.repair.empty());
  replica.Apply(repaired.repair, hub.s().hub_id());
  CHECK(replica.Digest(kVillage) ==
        std::vector<uint64_t>(repaired.bucket_digests.begin(), repaired.bucket_digests.end()));
}

TEST_CASE("receipts (schema 15): stored from a village, sent to its other laptops, never to a node of schema 14") {
  Hub hub;
  TestNode a = Enrol(hub, "node-a", kVillage);
  TestNode old = Enrol(hub, "node-old", kVillage);
  TestNode b = Enrol(hub, "node-b", kVillage);
  const std::string app = Row(1), submitted = Row(2), receipt = Row(3);
  auto text = [](const char* v) { return Value(std::string(v)); };
  wire::Change r{Version(a, 20), "receipts", receipt, kVillage, 0,
                 {{"subject_id", Value(app), ""}, {"kind", text("acked"), ""}, {"ref_id", Value(submitted), ""},
                  {"received_at_ms", Value(int64_t{1'800'000'000'000}), ""},
                  {"hub_time_ms", Value(int64_t{1'799'999'000'000}), ""},
                  {"clock_offset_ms", Value(int64_t{1'000'000}), ""}, {"via", text("sync"), ""}}};
  REQUIRE(Sync(hub, a, Push({SubmitEvent(a, 10, submitted, app, std::string()), r})).results.at(1).code == 0);
  CHECK(hub.s().db().Prepare("SELECT 1 FROM receipts WHERE id='" + receipt + "' AND kind='acked'")->Step().value());
  // A bad kind is refused, naming the field.
  wire::Change bad = r;
  bad.version = Version(a, 21);
  bad.row_id = Row(4);
  bad.fields[1].value = text("seen");
  wire::ItemResult refused = Sync(hub, a, Push({bad})).results.at(0);
  CHECK(refused.code == static_cast<uint16_t>(Code::kInvalidArgument));
  CHECK(refused.message.find("kind") != std::string::npos);

  auto pull = [&](TestNode& n, uint32_t schema) {
    auto reply = TrySync(hub, n, Pull(0), [&](wire::RequestHeader& h) { h.schema_version = schema; });
    REQUIRE_MESSAGE(reply.ok(), reply.status().ToString());
    return std::move(reply).value();
  };
  auto has_receipt = [](const wire::SyncReply& reply) {
    for (const auto& c : reply.pulled)
      if (c.table == "receipts") return true;
    return false;
  };
  CHECK(has_receipt(pull(b, static_cast<uint32_t>(schema::LatestSchemaVersion()))));
  wire::SyncReply r14 = pull(old, 14);
  CHECK_FALSE(has_receipt(r14));
  Replica replica(14);
  replica.Apply(r14.pulled, hub.s().hub_id());  // the table is unknown there: it would be refused
  CHECK(replica.Digest(kVillage) == std::vector<uint64_t>(r14.bucket_digests.begin(), r14.bucket_digests.end()));
}

TEST_CASE("documents: resumed at the hub's offset, deduplicated, scoped to the village, size-limited") {
  Hub hub;
  TestNode a = Enrol(hub, "node-a", kVillage);
  std::string doc(300000, 'k');
  for (size_t i = 0; i < doc.size(); ++i) doc[i] = static_cast<char>((i * 7919) >> 3);
  std::string sha = ShaHex(doc);
  // Bytes before any attachment row names the document: refused.
  wire::SyncRequest early = Pull(0);
  early.initial = false;
  early.blob_chunks.push_back({sha, doc.size(), 0, doc.substr(0, 1000)});
  auto r0 = Sync(hub, a, early);
  REQUIRE(r0.blob_states.size() == 1);
  CHECK(r0.blob_states[0].code == static_cast<uint16_t>(Code::kPermissionDenied));
  // The attachment row first (records before documents), then a first chunk.
  wire::SyncRequest first = Push({Attachment(Version(a, 10), Row(10), kVillage, sha, static_cast<int64_t>(doc.size()))});
  first.initial = false;
  first.blob_chunks.push_back({sha, doc.size(), 0, doc.substr(0, 100000)});
  auto r1 = Sync(hub, a, first);
  REQUIRE(r1.blob_states.size() == 1);
  CHECK(r1.blob_states[0].code == 0);
  CHECK(r1.blob_states[0].have == 100000);
  CHECK_FALSE(r1.blob_states[0].complete);
  // After a cut the node asks where to resume, and resends from there.
  wire::SyncRequest ask = Pull(0);
  ask.initial = false;
  ask.blob_query = {sha};
  auto r2 = Sync(hub, a, ask);
  REQUIRE(r2.blob_states.size() == 1);
  CHECK(r2.blob_states[0].have == 100000);
  wire::SyncRequest rest = Pull(0);
  rest.initial = false;
  rest.blob_chunks.push_back({sha, doc.size(), 50000, doc.substr(50000, 1000)});  // stale offset: nothing written
  rest.blob_chunks.push_back({sha, doc.size(), 100000, doc.substr(100000)});
  auto r3 = Sync(hub, a, rest);
  REQUIRE(r3.blob_states.size() == 2);
  CHECK(r3.blob_states[1].complete);
  CHECK(r3.blob_states[1].have == doc.size());
  // Another node of the village fetches it whole.
  TestNode b = Enrol(hub, "node-b", kVillage);
  wire::SyncRequest want = Pull(0);
  want.initial = false;
  want.blob_wants.push_back({sha, 0, 1u << 20});
  auto r4 = Sync(hub, b, want);
  REQUIRE(r4.blob_chunks.size() == 1);
  CHECK(r4.blob_chunks[0].data == doc);
  // A node of another village may not fetch it.
  TestNode c = Enrol(hub, "node-c", kOtherVillage);
  wire::SyncRequest steal = Pull(0);
  steal.initial = false;
  steal.blob_wants.push_back({sha, 0, 1u << 20});
  CHECK(Sync(hub, c, steal).blob_chunks.empty());
  // A document larger than the hub's limit is refused with the reason.
  std::string big_sha(64, 'b');
  wire::SyncRequest big = Push({Attachment(Version(a, 20), Row(20), kVillage, big_sha, 64ll << 20)});
  big.initial = false;
  big.blob_chunks.push_back({big_sha, 64ull << 20, 0, std::string(10, 'x')});
  auto r5 = Sync(hub, a, big);
  REQUIRE(r5.blob_states.size() == 1);
  CHECK(r5.blob_states[0].code == static_cast<uint16_t>(Code::kResourceExhausted));
}

}  // namespace
}  // namespace simpul::hub

namespace simpul::hub {
namespace {

wire::Change Person(const std::string& version, const std::string& row, const std::string& household,
                    const std::string& nik, const std::string& name) {
  return wire::Change{version, "persons", row, kVillage, 0,
                      {{"household_id", Value(household), ""}, {"nik", Value(nik), ""}, {"name", Value(name), ""}}};
}

TEST_CASE("purge: scrubbed at the hub, replicated to the village, later edits dropped, log and conflicts cleaned") {
  Hub hub;
  TestNode a = Enrol(hub, "node-a", kVillage);
  TestNode b = Enrol(hub, "node-b", kVillage);
  const std::string hh = Row(1), p = Row(2), q = Row(3);
  Sync(hub, a, Push({Household(Version(a, 10), hh, kVillage, "Dusun Krajan", "002"),
                     Person(Version(a, 11), p, hh, "3510015211870002", "Siti Aminah"),
                     Person(Version(a, 12), q, hh, "3510011211870003", "Budi Santoso")}));
  // A conflict on P's name (hub edit vs village edit) keeps both values.
  Sync(hub, b, Pull(0));
  CHECK(QueryInt(hub.s(), "SELECT count(*) FROM changelog_fields WHERE value='Siti Aminah'") == 1);

  hub.clock.now += 1000;
  auto purged = PurgeSubject(hub.s(), "person", p, "permintaan warga", "admin");
  REQUIRE_MESSAGE(purged.ok(), purged.status().ToString());
  CHECK(*purged == 1);
  CHECK(QueryText(hub.s(), "SELECT name FROM persons WHERE id=?", {p}) == "<null>");
  CHECK(QueryText(hub.s(), "SELECT nik FROM persons WHERE id=?", {p}) == "<null>");
  CHECK(QueryText(hub.s(), "SELECT name FROM persons WHERE id=?", {q}) == "Budi Santoso");  // the other member stays
  CHECK(QueryText(hub.s(), "SELECT address FROM households WHERE id=?", {hh}) == "Dusun Krajan");
  // The change log no longer carries the values (pulls and snapshots).
  CHECK(QueryInt(hub.s(), "SELECT count(*) FROM changelog_fields WHERE value='Siti Aminah' OR value='3510015211870002'") == 0);
  CHECK(PurgeSubject(hub.s(), "person", p, "again", "admin").status().code() == Code::kAlreadyExists);
  CHECK(PurgeSubject(hub.s(), "person", Row(99), "x", "admin").status().code() == Code::kNotFound);
  CHECK(PurgeSubject(hub.s(), "person", q, "", "admin").status().IsInvalidArgument());

  // The purge reaches node B with its next pull.
  wire::SyncReply rb = Sync(hub, b, Pull(3));
  bool saw_purge = false;
  for (const auto& c : rb.pulled) saw_purge |= c.table == "purges";
  CHECK(saw_purge);

  // Node A had edited P's name offline before it heard: acknowledged, dropped.
  wire::Change late{Version(a, 500), "persons", p, kVillage, 0, {{"name", Value(std::string("Siti A.")), Version(a, 11)}}};
  wire::SyncReply ra = Sync(hub, a, Push({late}, 3));
  REQUIRE(ra.results.size() == 1);
  CHECK(ra.results[0].code == 0);
  CHECK(QueryText(hub.s(), "SELECT name FROM persons WHERE id=?", {p}) == "<null>");
  CHECK(QueryInt(hub.s(), "SELECT count(*) FROM changelog_fields WHERE value='Siti A.'") == 0);

  // A purge row may only come from the hub.
  wire::Change forged{Version(a, 600), "purges", Row(7), kVillage, 0,
                      {{"subject_kind", Value(std::string("person")), ""}, {"subject_id", Value(q), ""}}};
  wire::SyncReply rf = Sync(hub, a, Push({forged}, ra.cursor));
  REQUIRE(rf.results.size() == 1);
  CHECK(rf.results[0].code != 0);
  CHECK(QueryText(hub.s(), "SELECT name FROM persons WHERE id=?", {q}) == "Budi Santoso");
}

TEST_CASE("purge: the retention rule finds persons with no activity for the period") {
  Hub hub;
  TestNode a = Enrol(hub, "node-a", kVillage);
  const std::string hh = Row(1), old_p = Row(2), fresh_p = Row(3);
  Sync(hub, a, Push({Household(Version(a, 10), hh, kVillage, "Dusun Krajan", "002"),
                     Person(Version(a, 11), old_p, hh, "3510015211870002", "Siti Aminah")}));
  hub.clock.now += 400 * kDay;
  Sync(hub, a, Push({Person(Version(a, 400 * kDay), fresh_p, hh, "3510011211870003", "Budi Santoso")}, 2));
  hub.clock.now += 10 * kDay;
  auto expired = FindExpired(hub.s(), 365);
  REQUIRE(expired.ok());
  REQUIRE(expired->size() == 1);
  CHECK((*expired)[0].id == old_p);
  auto none = FindExpired(hub.s(), 800);
  REQUIRE(none.ok());
  CHECK(none->empty());
  CHECK(FindExpired(hub.s(), 0).status().IsInvalidArgument());
  // Longer than the clock has run (a 0 too many): nobody, not everybody.
  for (int days : {36'500, 1'000'000}) {
    auto longer = FindExpired(hub.s(), days);
    REQUIRE(longer.ok());
    CHECK(longer->empty());
  }
  REQUIRE(PurgeSubject(hub.s(), "person", old_p, "retention", "admin").ok());
  CHECK(FindExpired(hub.s(), 365)->empty());  // purged persons are not listed again
}

}  // namespace
}  // namespace simpul::hub

namespace simpul::hub {
namespace {

// Seals `req` as `node` without handing it to the hub (for streams).
crypto::SealedRequest SealOnly(Hub& hub, TestNode& node, const wire::SyncRequest& req) {
  wire::RequestHeader h;
  h.node_id = node.id;
  h.counter = ++node.counter;
  h.schema_version = static_cast<uint32_t>(schema::LatestSchemaVersion());
  auto sealed = crypto::SealRequest(node.key, hub.pk(), h, wire::Encode(req));
  REQUIRE_MESSAGE(sealed.ok(), sealed.status().ToString());
  return std::move(sealed).value();
}

TEST_CASE("a streamed body: every frame handled in order; a body cut short keeps its whole frames") {
  Hub hub;
  TestNode a = Enrol(hub, "node-a", kVillage);
  std::vector<wire::Change> changes;
  for (int i = 0; i < 6; ++i)
    changes.push_back(Household(Version(a, 1000 + i), Row(10 + i), kVillage, "Jl. " + std::to_string(i), "001"));

  // Three frames, two changes each, one body: three replies, in order.
  std::vector<crypto::SealedRequest> sealed;
  std::vector<std::string> parts;
  for (int f = 0; f < 3; ++f) {
    sealed.push_back(SealOnly(hub, a, Push({changes[2 * f], changes[2 * f + 1]})));
    parts.push_back(sealed.back().frame);
  }
  RequestLog log;
  std::string reply = HandleStream(hub.s(), wire::JoinFrames(parts), {}, &log);
  CHECK(log.frames == 3);
  CHECK(log.applied == 6);
  auto split = wire::SplitFrames(reply, false);
  REQUIRE(split.ok());
  REQUIRE(split->frames.size() == 3);
  for (int f = 0; f < 3; ++f) {
    auto body = crypto::OpenReply(sealed[static_cast<size_t>(f)], hub.pk(), split->frames[static_cast<size_t>(f)]);
    REQUIRE_MESSAGE(body.ok(), body.status().ToString());
    auto r = wire::DecodeSyncReply(*body);
    REQUIRE(r.ok());
    REQUIRE(r->results.size() == 2);
    CHECK(r->results[0].code == 0);
    CHECK(r->results[1].code == 0);
  }
  CHECK(ChangelogCount(hub) == 6);

  // The same body again: every frame is a replay, refused; the first refusal stops it.
  RequestLog again;
  std::string replayed = HandleStream(hub.s(), wire::JoinFrames(parts), {}, &again);
  CHECK(again.frames == 1);
  CHECK(Refusal(hub, Sent{sealed[0], replayed}).code() == Code::kUnauthenticated);
  CHECK(ChangelogCount(hub) == 6);

  // A body cut by the link in the middle of its third frame: the first two
  // frames are applied (their replies are lost), the third is not.
  std::vector<wire::Change> more;
  for (int i = 0; i < 6; ++i)
    more.push_back(Household(Version(a, 2000 + i), Row(20 + i), kVillage, "Gg. " + std::to_string(i), "002"));
  parts.clear();
  for (int f = 0; f < 3; ++f) parts.push_back(SealOnly(hub, a, Push({more[2 * f], more[2 * f + 1]})).frame);
  std::string body = wire::JoinFrames(parts);
  std::string cut = body.substr(0, parts[0].size() + parts[1].size() + parts[2].size() / 2);
  RequestLog cut_log;
  (void)HandleStream(hub.s(), cut, {}, &cut_log, /*truncated=*/true);
  CHECK(cut_log.frames == 2);
  CHECK(ChangelogCount(hub) == 10);
  CHECK(QueryInt(hub.s(), "SELECT count(*) FROM households WHERE address LIKE 'Gg. %'") == 4);
  // The third frame is refused later (its counter is still fresh, but the node
  // never re-sends a request: it builds a new one). A new request with the
  // last two changes applies them; the first four are acknowledged again.
  wire::SyncReply r = Sync(hub, a, Push(more));
  REQUIRE(r.results.size() == 6);
  for (const auto& res : r.results) CHECK(res.code == 0);
  CHECK(ChangelogCount(hub) == 12);
}

TEST_CASE("a streamed body that is not a sequence of frames gets one signed error and applies nothing") {
  Hub hub;
  TestNode a = Enrol(hub, "node-a", kVillage);
  std::string good = SealOnly(hub, a, Push({Household(Version(a, 1000), Row(1), kVillage, "Jl. A", "001")})).frame;
  const std::vector<std::pair<std::string, std::string>> bodies = {
      {"empty", ""},
      {"noise", "hello, this is not a frame at all"},
      {"frame then noise", good + "GARBAGE..."},
      {"frame cut short", good.substr(0, good.size() - 3)},
      {"huge length", std::string("SMPL\x01\x01\xff\xff\xff\xff", 10) + "x"},
      {"too many frames", [] {
         std::string s;
         for (int i = 0; i < 300; ++i) s += std::string("SMPL\x01\x01\x00\x00\x00\x00", 10);
         return s;
       }()},
  };
  for (const auto& [what, body] : bodies) {
    INFO(what);
    std::string reply = HandleStream(hub.s(), body);
    CHECK(SignedByHub(hub, reply, {}));
    CHECK(ChangelogCount(hub) == 0);
    // Cut by the link: only whole frames before a frame cut short are
    // handled; a body with bytes that are not a frame is refused whole.
    (void)HandleStream(hub.s(), body, {}, nullptr, /*truncated=*/true);
    CHECK(ChangelogCount(hub) == 0);
  }
}

}  // namespace
}  // namespace simpul::hub

namespace simpul::hub {
namespace {

TEST_CASE("results name their change by version for a protocol-1 node, by position for protocol 2") {
  Hub hub;
  TestNode a = Enrol(hub, "node-a", kVillage);
  wire::Change c1 = Household(Version(a, 1000), Row(1), kVillage, "Jl. Satu", "001");
  wire::Change c2 = Household(Version(a, 1001), Row(2), kVillage, "Jl. Dua", "001");
  auto v1 = TrySync(hub, a, Push({c1}), [](wire::RequestHeader& h) { h.proto_max = 1; });
  REQUIRE_MESSAGE(v1.ok(), v1.status().ToString());
  REQUIRE(v1->results.size() == 1);
  CHECK(v1->results[0].version == c1.version);
  auto v2 = TrySync(hub, a, Push({c1, c2}), [](wire::RequestHeader& h) { h.proto_max = 2; });
  REQUIRE_MESSAGE(v2.ok(), v2.status().ToString());
  REQUIRE(v2->results.size() == 2);
  CHECK(v2->results[0].version.empty());
  CHECK(v2->results[1].version.empty());
  CHECK(v2->results[1].code == 0);
  CHECK(ChangelogCount(hub) == 2);
}

}  // namespace
}  // namespace simpul::hub

namespace simpul::hub {
namespace {

std::string Sha256Of(const std::string& data) {
  unsigned char d[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(d, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  return crypto::ToHex(d, sizeof d);
}

TEST_CASE("protocol 3: a node whose replies a cut lost learns what the hub did with each request") {
  Hub hub;
  // The enrolment reply tells a node of protocol 3 that the hub speaks it.
  {
    crypto::Identity key = crypto::GenerateIdentity();
    EnrolAttempt e = TryEnrol(hub, NewCode(hub, kVillage), "node-a", kVillage, key);
    REQUIRE(e.reply.ok());
    CHECK(e.reply->protocol == wire::kProtocolMax);
  }
  TestNode a = Enrol(hub, "node-a", kVillage);  // re-enrolled: a new identity and counter
  const std::string doc(20000, 'd');
  const std::string sha = Sha256Of(doc);
  wire::Change ok1 = Household(Version(a, 1000), Row(1), kVillage, "Jl. Satu", "001");
  wire::Change foreign = Household(Version(a, 1001), Row(2), kOtherVillage, "Jl. Dua", "001");
  wire::Change att = Attachment(Version(a, 1002), Row(3), kVillage, sha, static_cast<int64_t>(doc.size()));
  wire::Change ok3 = Household(Version(a, 1003), Row(4), kVillage, "Jl. Tiga", "001");

  // A streamed round of three frames, the last cut by the link: the hub
  // handles the first two; the node gets no reply at all.
  wire::SyncRequest f1 = Push({ok1, foreign});
  f1.skip_pull = true;
  wire::SyncRequest f2 = Push({att});
  f2.skip_pull = true;
  f2.blob_chunks.push_back({sha, doc.size(), 0, doc.substr(0, 8192)});
  wire::SyncRequest f3 = Push({ok3});
  std::vector<std::string> parts = {SealOnly(hub, a, f1).frame, SealOnly(hub, a, f2).frame, SealOnly(hub, a, f3).frame};
  const uint64_t first = a.counter - 2;
  std::string body = wire::JoinFrames(parts);
  (void)HandleStream(hub.s(), body.substr(0, body.size() - parts[2].size() / 2), {}, nullptr, /*truncated=*/true);
  CHECK(ChangelogCount(hub) == 2);  // ok1, att

  // The next request asks from the first counter of the lost round.
  wire::SyncRequest ask = Pull(0);
  ask.recover_from = first;
  wire::SyncReply r = Sync(hub, a, ask);
  CHECK(r.protocol == wire::kProtocolMax);
  CHECK(r.handled_through == first + 1);
  REQUIRE(r.recovered.size() == 2);
  CHECK(r.recovered[0].counter == first);
  REQUIRE(r.recovered[0].results.size() == 2);
  CHECK(r.recovered[0].results[0].code == 0);
  CHECK(r.recovered[0].results[1].code == static_cast<uint16_t>(Code::kPermissionDenied));
  CHECK_FALSE(r.recovered[0].results[1].message.empty());
  CHECK(r.recovered[0].blob_states.empty());
  CHECK(r.recovered[1].counter == first + 1);
  REQUIRE(r.recovered[1].results.size() == 1);
  CHECK(r.recovered[1].results[0].code == 0);
  REQUIRE(r.recovered[1].blob_states.size() == 1);
  CHECK(r.recovered[1].blob_states[0].have == 8192);
  CHECK(r.recovered[1].blob_states[0].sha256.empty());  // named by its position in the request
  REQUIRE(wire::ResolveBlobStates(f2, &r.recovered[1].blob_states).ok());
  CHECK(r.recovered[1].blob_states[0].sha256 == sha);
  // Only requests that pushed or carried documents are kept.
  CHECK(QueryInt(hub.s(), "SELECT count(*) FROM request_outcomes WHERE node_id=?", {a.id}) == 2);

  // A frame that skips the pull gets no pull, no digests, and its cursor back.
  wire::SyncRequest quiet = Pull(0);
  quiet.skip_pull = true;
  wire::SyncReply q = Sync(hub, a, quiet);
  CHECK(q.pulled.empty());
  CHECK(q.bucket_digests.empty());
  CHECK(q.cursor == 0);
  // The same request from a node that says protocol 2: no recovery, a class 2 reply.
  auto old = TrySync(hub, a, ask, [](wire::RequestHeader& h) { h.proto_max = 2; });
  REQUIRE(old.ok());
  CHECK(old->protocol == 0);
  CHECK(old->recovered.empty());
  CHECK(old->handled_through == 0);

  // Only the newest 1,024 counters are kept per node.
  auto jump = [&](uint64_t to) { return [to](wire::RequestHeader& h) { h.counter = to; }; };
  REQUIRE(TrySync(hub, a, Push({ok1}), jump(5000)).ok());
  CHECK(QueryInt(hub.s(), "SELECT count(*) FROM request_outcomes WHERE node_id=?", {a.id}) == 1);
  // A re-enrolment forgets them: the new identity counts from 1 again.
  TestNode again = Enrol(hub, "node-a", kVillage);
  CHECK(QueryInt(hub.s(), "SELECT count(*) FROM request_outcomes WHERE node_id=?", {again.id}) == 0);
}

TEST_CASE("a first-sync snapshot page counts only rows with something for the node") {
  Hub hub;
  TestNode a = Enrol(hub, "node-a", kVillage);
  TestNode b = Enrol(hub, "node-b", kVillage);
  // Node a pushes 30 rows; node b writes 3.
  std::vector<wire::Change> mine;
  for (int i = 0; i < 30; ++i)
    mine.push_back(Household(Version(a, 100 + i), Row(100 + i), kVillage, "Jl. " + std::to_string(i), "001"));
  Sync(hub, a, Push(mine));
  Sync(hub, b, Push({Household(Version(b, 500), Row(500), kVillage, "Jl. B1", "002"),
                     Household(Version(b, 501), Row(501), kVillage, "Jl. B2", "002"),
                     Household(Version(b, 502), Row(502), kVillage, "Jl. B3", "002")}));
  // A first sync of node a with a page of 5: its own 30 rows are skipped
  // without filling the page, so b's 3 rows arrive in one page.
  wire::SyncRequest first;
  first.initial = true;
  first.pull_limit = 5;
  wire::SyncReply r = Sync(hub, a, first);
  CHECK(r.pulled.size() == 3);
  CHECK(r.snapshot_next.empty());
  // With a page of 1 the scan is bounded too (16 rows a page): the first
  // page is empty but moves on; the pages still bring b's 3 rows, once.
  first.pull_limit = 1;
  wire::SyncReply one = Sync(hub, a, first);
  CHECK(one.pulled.empty());
  CHECK_FALSE(one.snapshot_next.empty());
  std::set<std::string> rows;
  int pages = 1;
  for (wire::SyncReply page = one; !page.snapshot_next.empty() && pages < 50; ++pages) {
    first.snapshot_after = page.snapshot_next;
    first.snapshot_seq = page.cursor;
    page = Sync(hub, a, first);
    CHECK(page.pulled.size() <= 1);
    for (const auto& c : page.pulled) CHECK(rows.insert(c.row_id).second);
  }
  CHECK(rows.size() == 3);
  CHECK(pages < 10);
}

}  // namespace
}  // namespace simpul::hub

namespace simpul::hub {
namespace {

crypto::SealedRequest SealBody(Hub& hub, TestNode& node, const std::string& body) {
  wire::RequestHeader h;
  h.node_id = node.id;
  h.counter = ++node.counter;
  h.schema_version = static_cast<uint32_t>(schema::LatestSchemaVersion());
  auto sealed = crypto::SealRequest(node.key, hub.pk(), h, body);
  REQUIRE_MESSAGE(sealed.ok(), sealed.status().ToString());
  return std::move(sealed).value();
}

TEST_CASE("a streamed body whose frames share one compression stream: applied in order, also when cut") {
  Hub hub;
  TestNode a = Enrol(hub, "node-a", kVillage);
  auto round = [&](int base) {
    wire::SharedCompressor z;
    std::vector<std::string> parts;
    for (int f = 0; f < 4; ++f) {
      std::vector<wire::Change> changes;
      for (int i = 0; i < 5; ++i) {
        int k = base + f * 5 + i;
        changes.push_back(Household(Version(a, 1000 + k), Row(k), kVillage, "Jl. " + std::to_string(k), "001"));
      }
      wire::SyncRequest req = Push(changes);
      req.skip_pull = f < 3;
      parts.push_back(SealBody(hub, a, z.Next(req, 3)).frame);
    }
    return parts;
  };
  std::vector<std::string> parts = round(0);
  RequestLog log;
  std::string reply = HandleStream(hub.s(), wire::JoinFrames(parts), {}, &log);
  CHECK(log.outcome == "ok");
  CHECK(log.frames == 4);
  CHECK(log.applied == 20);
  CHECK(ChangelogCount(hub) == 20);
  // Cut inside the third frame: the first two apply; the rest is not half-applied.
  parts = round(100);
  std::string body = wire::JoinFrames(parts);
  RequestLog cut;
  (void)HandleStream(hub.s(), body.substr(0, parts[0].size() + parts[1].size() + parts[2].size() / 2), {}, &cut, true);
  CHECK(cut.frames == 2);
  CHECK(ChangelogCount(hub) == 30);
  // A frame that continues a stream whose start the hub never saw is refused, with nothing applied.
  parts = round(200);
  RequestLog orphan;
  std::string refused = HandleStream(hub.s(), wire::JoinFrames({parts[1], parts[2]}), {}, &orphan);
  CHECK(orphan.frames == 1);
  CHECK(orphan.outcome.find("Corruption") != std::string::npos);
  CHECK(ChangelogCount(hub) == 30);
}

TEST_CASE("a node that reports changes still waiting gets no digests (protocol 6); at the end it does") {
  Hub hub;
  TestNode a = Enrol(hub, "node-a", kVillage);
  wire::SyncRequest first = Push({Household(Version(a, 1000), Row(1), kVillage, "Jl. 1", "001")});
  first.outbox_waiting = 40;  // more rounds to come: the digests would not be compared
  wire::SyncReply r1 = Sync(hub, a, first);
  REQUIRE(r1.results.size() == 1);
  CHECK(r1.results[0].code == 0);
  CHECK_FALSE(r1.more);
  CHECK(r1.bucket_digests.empty());
  // The same report from a node that speaks 5 (it would end its run unverified): digests.
  wire::SyncRequest older = Push({Household(Version(a, 1100), Row(2), kVillage, "Jl. 2", "002")}, r1.cursor);
  older.outbox_waiting = 39;
  auto r2 = TrySync(hub, a, older, [](wire::RequestHeader& h) { h.proto_max = 5; });
  REQUIRE(r2.ok());
  CHECK(r2->bucket_digests.size() == sync::kDigestBuckets);
  // The last round (nothing left, or not reported): digests of what the hub holds.
  for (std::optional<uint64_t> waiting : {std::optional<uint64_t>(0), std::optional<uint64_t>()}) {
    wire::SyncRequest last = Push({}, r2->cursor);
    last.outbox_waiting = waiting;
    wire::SyncReply r3 = Sync(hub, a, last);
    REQUIRE(r3.bucket_digests.size() == sync::kDigestBuckets);
    auto held = sync::ScopeDigest(hub.s().db(), kVillage);
    REQUIRE(held.ok());
    CHECK(std::equal(r3.bucket_digests.begin(), r3.bucket_digests.end(), held->begin()));
  }
}

TEST_CASE("a handed-back change that would move a row out of its village is refused; the row stays") {
  Hub hub;
  TestNode a = Enrol(hub, "node-a", kVillage);
  const std::string row = Row(1);
  REQUIRE(Sync(hub, a, Push({Household(Version(a, 1000), row, kVillage, "Jl. 1", "001")})).results.at(0).code == 0);
  // Signed by this hub (as only a bug or its stolen key could): still refused.
  wire::Change out{hub.s().hlc().Version(hub.s().hlc().Now()), "households", row, kVillage, wire::kFlagScopeOut,
                   {{wire::kMovedToField, Value(kOtherVillage), ""}}};
  const std::string canonical = crypto::CanonicalChange(out);
  wire::SyncRequest req = Pull(0);
  req.handback.push_back({canonical, crypto::SignChange(hub.s().identity(), canonical)});
  wire::SyncReply r = Sync(hub, a, req);
  REQUIRE(r.handback_results.size() == 1);
  CHECK(r.handback_results[0].code == static_cast<uint16_t>(Code::kInvalidArgument));
  CHECK(QueryInt(hub.s(), "SELECT count(*) FROM households WHERE id=?", {row}) == 1);
}

}  // namespace
}  // namespace simpul::hub
