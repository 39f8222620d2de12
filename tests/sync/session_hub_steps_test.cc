// sync/session/hub_steps.h: which requests the hub admits and which steps
// each reply takes, without a store.
#include "sync/session/hub_steps.h"

#include <doctest/doctest.h>

#include <string>

namespace simpul::sync::session {
namespace {

constexpr uint32_t kHubSchema = 12;

HubLimits Limits() {
  HubLimits l;
  l.proto_min = 1;
  l.proto_max = 6;
  l.node_schema_min = 7;
  l.node_schema_max = kHubSchema;
  l.max_push = 100;
  l.max_pull = 2000;
  return l;
}

wire::RequestHeader Header(uint16_t proto_min, uint16_t proto_max, uint32_t schema, uint64_t counter = 5) {
  wire::RequestHeader h;
  h.proto_min = proto_min;
  h.proto_max = proto_max;
  h.schema_version = schema;
  h.node_id = "node-1";
  h.counter = counter;
  return h;
}

bool Says(const Status& st, Code code, const std::string& words) {
  return st.code() == code && st.message().find(words) != std::string::npos;
}

}  // namespace

TEST_CASE("hub steps: the protocol and schema ranges say which side upgrades") {
  CHECK(CheckVersions(Header(1, 6, 12), Limits()).ok());
  CHECK(CheckVersions(Header(3, 9, 7), Limits()).ok());  // overlaps: speak 6
  HubLimits newer = Limits();
  newer.proto_min = 4;
  CHECK(Says(CheckVersions(Header(1, 3, 12), newer), Code::kVersionTooOld, "upgrade simpul-node"));
  CHECK(Says(CheckVersions(Header(7, 8, 12), Limits()), Code::kVersionTooNew, "upgrade simpul-hub"));
  CHECK(Says(CheckVersions(Header(5, 4, 12), Limits()), Code::kVersionTooOld, "protocol 5..4"));  // malformed range
  CHECK(Says(CheckVersions(Header(1, 6, 6), Limits()), Code::kVersionTooOld, "node schema 6 is older"));
  CHECK(Says(CheckVersions(Header(1, 6, 13), Limits()), Code::kVersionTooNew, "node schema 13 is newer"));
}

TEST_CASE("hub steps: a revoked node and a replayed request are refused") {
  CHECK(Says(CheckStanding(Header(1, 6, 12, 5), {.active = false, .last_counter = 0}), Code::kUnauthenticated,
             "node-1 was revoked"));
  CHECK(Says(CheckStanding(Header(1, 6, 12, 5), {.active = true, .last_counter = 5}), Code::kUnauthenticated,
             "replayed"));
  CHECK(Says(CheckStanding(Header(1, 6, 12, 4), {.active = true, .last_counter = 5}), Code::kUnauthenticated,
             "nothing applied"));
  CHECK(CheckStanding(Header(1, 6, 12, 6), {.active = true, .last_counter = 5}).ok());
}

TEST_CASE("hub steps: a push larger than the hub takes is refused before any step") {
  wire::SyncRequest req;
  req.push.resize(60);
  req.handback.resize(41);  // hand-backs count too
  auto plan = PlanReply(Header(1, 6, 12), req, Limits(), kHubSchema);
  REQUIRE_FALSE(plan.ok());
  CHECK(Says(plan.status(), Code::kResourceExhausted, "batch of 101 changes; at most 100"));
  req.handback.resize(40);
  CHECK(PlanReply(Header(1, 6, 12), req, Limits(), kHubSchema).ok());
}

TEST_CASE("hub steps: where the pull comes from, and how much") {
  wire::SyncRequest req;
  req.initial = true;
  req.pull_limit = 0;
  auto plan = PlanReply(Header(1, 6, 12), req, Limits(), kHubSchema);
  REQUIRE(plan.ok());
  CHECK(plan->pull == PullFrom::kSnapshot);
  CHECK(plan->pull_limit == 1);
  req.initial = false;
  req.pull_limit = 1'000'000;
  plan = PlanReply(Header(1, 6, 12), req, Limits(), kHubSchema);
  CHECK(plan->pull == PullFrom::kLog);
  CHECK(plan->pull_limit == 2000);
  req.skip_pull = true;  // a frame before the last of a streamed round
  plan = PlanReply(Header(1, 6, 12), req, Limits(), kHubSchema);
  CHECK(plan->pull == PullFrom::kNothing);
  CHECK_FALSE(plan->SendDigests(false));
}

TEST_CASE("hub steps: digests once the pull is complete, and not while the node will push again") {
  wire::SyncRequest req;
  req.initial = false;
  auto plan = PlanReply(Header(1, 6, 12), req, Limits(), kHubSchema);
  CHECK(plan->SendDigests(false));
  CHECK_FALSE(plan->SendDigests(true));  // more to pull
  req.outbox_waiting = 300;
  plan = PlanReply(Header(1, 6, 12), req, Limits(), kHubSchema);
  CHECK(plan->pushes_again);
  CHECK_FALSE(plan->SendDigests(false));
  // Before protocol 6 a node did not say so: it gets them.
  plan = PlanReply(Header(1, 5, 12), req, Limits(), kHubSchema);
  CHECK_FALSE(plan->pushes_again);
  CHECK(plan->SendDigests(false));
  req.outbox_waiting = 0;
  plan = PlanReply(Header(1, 6, 12), req, Limits(), kHubSchema);
  CHECK(plan->SendDigests(false));
}

TEST_CASE("hub steps: what each protocol adds to the reply") {
  wire::SyncRequest req;
  req.recover_from = 17;
  for (uint16_t p = 1; p <= 6; ++p) {
    CAPTURE(p);
    auto plan = PlanReply(Header(1, p, 12), req, Limits(), kHubSchema);
    REQUIRE(plan.ok());
    CHECK(plan->protocol == p);
    CHECK(plan->recover == (p >= 3));
    CHECK(plan->protocol_in_reply == (p >= 3));
    CHECK(plan->epoch_and_signatures == (p >= 4));
    CHECK(plan->KeepOutcome(1, 0) == (p >= 3));
    CHECK(plan->KeepOutcome(0, 2) == (p >= 3));
    CHECK_FALSE(plan->KeepOutcome(0, 0));  // nothing a lost reply would leave in doubt
  }
  req.recover_from = 0;
  CHECK_FALSE(PlanReply(Header(1, 6, 12), req, Limits(), kHubSchema)->recover);
  // A node speaking beyond the hub is answered in the hub's newest.
  CHECK(PlanReply(Header(1, 9, 12), req, Limits(), kHubSchema)->protocol == 6);
}

TEST_CASE("hub steps: a node of an older schema gets only the fields it knows") {
  wire::SyncRequest req;
  CHECK(PlanReply(Header(1, 6, 11), req, Limits(), kHubSchema)->trim_fields);
  CHECK_FALSE(PlanReply(Header(1, 6, 12), req, Limits(), kHubSchema)->trim_fields);
}

}  // namespace simpul::sync::session
