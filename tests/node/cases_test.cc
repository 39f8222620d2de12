// Recording a complaint case's steps at the village (node/cases.h): each
// step checked against the case as folded now, stamped as this village's
// (whatever the caller put in actor, role, id or after), chained to the
// previous step, captured for sync and audited; a refused step names the
// option or "status" and writes nothing.
#include "node/cases.h"

#include <doctest/doctest.h>

#include "node/records.h"
#include "schema/messages.h"
#include "tests/node/store_fixture.h"

namespace simpul::node {
namespace {

struct Store : testing::VillageStore {
  Store() {
    auto c = CreateRecord(*store, Entity::kComplaint,
                          {{"category", "health"}, {"description", "Ibu Sri needs a wheelchair"}, {"urgency", "high"}});
    REQUIRE_MESSAGE(c.ok(), c.status().ToString());
    id = c->id;
  }
  static schema::CaseEvent Step(const std::string& kind) {
    schema::CaseEvent e;
    e.kind = kind;
    return e;
  }
  static schema::CaseEvent Assign(const std::string& who) {
    schema::CaseEvent e = Step("assigned");
    e.facilitator = who;
    return e;
  }
  std::string CaseStatus() {
    auto c = schema::LoadCase(store->db(), id, static_cast<int64_t>(store->NowMs()));
    REQUIRE(c.ok());
    return c->state.status;
  }
  // What a refused step must leave: the same rows as before.
  struct Snapshot {
    int64_t events, outbox, audit;
  };
  Snapshot Take() {
    return {Count("SELECT count(*) FROM case_events"), Count("SELECT count(*) FROM outbox"),
            Count("SELECT count(*) FROM audit")};
  }
  void CheckUnchanged(const Snapshot& s) {
    CHECK(Count("SELECT count(*) FROM case_events") == s.events);
    CHECK(Count("SELECT count(*) FROM outbox") == s.outbox);
    CHECK(Count("SELECT count(*) FROM audit") == s.audit);
  }
  std::string id;
};

TEST_CASE_FIXTURE(Store, "cases: a step recorded as the village's, chained after the previous one") {
  CHECK(CaseStatus() == "received");
  const auto before = Take();
  schema::CaseEvent spoofed = Assign("Bu Rina");
  // What the caller claims about who and where is replaced.
  spoofed.id = "chosen-id";
  spoofed.actor = "hub";
  spoofed.actor_role = "hub";
  spoofed.operator_name = "Kepala Dinas";
  spoofed.after = "some-step";
  spoofed.at = "ffffffffffffffff.hub";
  auto a = RecordCaseStep(*store, id, spoofed);
  REQUIRE_MESSAGE(a.ok(), a.status().ToString());
  CHECK(a->kind == "assigned");
  CHECK(a->facilitator == "Bu Rina");
  CHECK(a->id != "chosen-id");
  CHECK(!a->id.empty());
  CHECK(a->actor == store->node_id());
  CHECK(a->actor_role == "village");
  CHECK(a->operator_name == store->Actor());
  CHECK(a->at != "ffffffffffffffff.hub");
  CHECK(a->at_ms > 0);
  REQUIRE(a->after.has_value());
  CHECK(*a->after == "");  // the first step
  CHECK(CaseStatus() == "assigned");
  CHECK(Count("SELECT count(*) FROM case_events WHERE case_id='" + id + "' AND id='" + a->id +
              "' AND actor_role='village' AND facilitator='Bu Rina' AND after=''") == 1);
  CHECK(Count("SELECT count(*) FROM case_events WHERE partner IS NOT NULL OR note IS NOT NULL") == 0);
  CHECK(Count("SELECT count(*) FROM outbox") > before.outbox);
  CHECK(Count("SELECT count(*) FROM audit WHERE action='case:assigned' AND subject='" + id + "'") == 1);

  auto started = RecordCaseStep(*store, id, Step("started"));
  REQUIRE(started.ok());
  CHECK(*started->after == a->id);
  CHECK(started->at > a->at);  // HLC stamps of the same writer grow
  CHECK(CaseStatus() == "in_progress");

  schema::CaseEvent referred = Step("referred");
  referred.partner = "other";
  referred.partner_name = "Yayasan Peduli Difabel";
  referred.note = "wheelchair fitting";
  auto r = RecordCaseStep(*store, id, referred);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  CHECK(*r->after == started->id);
  CHECK(CaseStatus() == "referred");
  CHECK(Count("SELECT count(*) FROM case_events WHERE id='" + r->id +
              "' AND partner='other' AND partner_name='Yayasan Peduli Difabel' AND note='wheelchair fitting'") == 1);
  auto c = schema::LoadCase(store->db(), id, static_cast<int64_t>(store->NowMs()));
  REQUIRE(c.ok());
  CHECK(c->state.facilitator == "Bu Rina");
  REQUIRE(c->state.referrals.size() == 1);
  CHECK(c->state.referrals[0].partner_name == "Yayasan Peduli Difabel");
  CHECK(c->state.history.size() == 3);
  CHECK(c->state.anomalies.empty());
  CHECK(c->state.head == r->id);
}

TEST_CASE_FIXTURE(Store, "cases: missing, unknown and over-long input refused naming the option") {
  struct Case {
    schema::CaseEvent step;
    const char* field;
  };
  schema::CaseEvent other = Step("referred");
  other.partner = "other";  // needs the partner's name
  schema::CaseEvent unknown_partner = Step("referred");
  unknown_partner.partner = "nasa";
  schema::CaseEvent long_partner = Step("referred");
  long_partner.partner = "hospital";
  long_partner.partner_name = std::string(201, 'p');
  schema::CaseEvent long_note = Assign("Bu Rina");
  long_note.note = std::string(2001, 'n');
  schema::CaseEvent empty_note = Step("noted");
  const Case cases[] = {
      {Step(""), "step"},
      {Step("deleted"), "step"},
      {Step("ASSIGNED"), "step"},
      {Step("assigned; DROP TABLE case_events"), "step"},
      {Assign(""), "--facilitator"},
      {Assign(std::string(121, 'f')), "--facilitator"},
      {other, "--partner-name"},
      {unknown_partner, "--partner"},
      {Step("referred"), "--partner"},
      {long_partner, "--partner-name"},
      {long_note, "--note"},
      {empty_note, "--text"},
      {Step("referral_outcome"), "--outcome"},
      {Step("resolved"), "--resolution"},
      {Step("reopened"), "--reason"},
  };
  const auto before = Take();
  for (const auto& c : cases) {
    INFO(c.step.kind << " -> " << c.field);
    auto r = RecordCaseStep(*store, id, c.step);
    CHECK(r.status().code() == Code::kInvalidArgument);
    CHECK(r.status().field() == c.field);
  }
  CheckUnchanged(before);
  CHECK(CaseStatus() == "received");
  // Exactly at the limits: taken.
  auto at_limit = RecordCaseStep(*store, id, Assign(std::string(120, 'f')));
  CHECK(at_limit.ok());
}

TEST_CASE_FIXTURE(Store, "cases: a step the status does not allow, a closed case, an unknown case") {
  const auto before = Take();
  auto early = RecordCaseStep(*store, id, Step("started"));  // nobody assigned yet
  CHECK(early.status().code() == Code::kFailedPrecondition);
  CHECK(early.status().field() == "status");
  CHECK(early.status().msg_id() == MsgId::kCaseStepNotAllowed);
  REQUIRE(early.status().args().size() == 4);
  CHECK(early.status().args()[0] == "started");
  CHECK(early.status().args()[1] == id);  // no number from the hub yet: the id
  CHECK(early.status().args()[2] == "received");
  schema::CaseEvent outcome = Step("referral_outcome");
  outcome.outcome = "done";
  CHECK(RecordCaseStep(*store, id, outcome).status().field() == "status");  // no open referral
  schema::CaseEvent reopen = Step("reopened");
  reopen.note = "again";
  CHECK(RecordCaseStep(*store, id, reopen).status().field() == "status");  // not resolved
  CHECK(RecordCaseStep(*store, id, Step("closed")).status().field() == "status");
  CheckUnchanged(before);

  auto missing = RecordCaseStep(*store, "no-such-case", Assign("Bu Rina"));
  CHECK(missing.status().code() == Code::kNotFound);
  auto empty_id = RecordCaseStep(*store, "", Assign("Bu Rina"));
  CHECK(empty_id.status().code() == Code::kNotFound);
  CheckUnchanged(before);

  // Resolved, reopened, resolved again, closed: then nothing more.
  REQUIRE(RecordCaseStep(*store, id, Assign("Bu Rina")).ok());
  schema::CaseEvent resolve = Step("resolved");
  resolve.note = "wheelchair delivered";
  REQUIRE(RecordCaseStep(*store, id, resolve).ok());
  CHECK(CaseStatus() == "resolved");
  REQUIRE(RecordCaseStep(*store, id, reopen).ok());
  CHECK(CaseStatus() == "in_progress");
  REQUIRE(RecordCaseStep(*store, id, resolve).ok());
  auto closed = RecordCaseStep(*store, id, Step("closed"));
  REQUIRE(closed.ok());
  CHECK(CaseStatus() == "closed");
  const auto after_close = Take();
  schema::CaseEvent note = Step("noted");
  note.note = "late note";
  for (const auto& step : {Step("closed"), note, Assign("Pak Joko"), reopen}) {
    INFO(step.kind);
    auto r = RecordCaseStep(*store, id, step);
    CHECK(r.status().code() == Code::kFailedPrecondition);
    CHECK(r.status().field() == "status");
    CHECK(r.status().msg_id() == MsgId::kCaseClosed);
  }
  CheckUnchanged(after_close);
  CHECK(Count("SELECT count(*) FROM audit WHERE action='case:closed'") == 1);
}

}  // namespace
}  // namespace simpul::node
