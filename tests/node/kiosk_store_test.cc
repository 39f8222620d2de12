// node/kiosk_store.h and node/kiosk_review.h over a real store: the
// node-only tables (meta.node_schema), a registration stored whole or not
// at all, no change record until accepted, accepted once (records, the
// chosen service's application, the photos as its documents) or rejected
// with a reason; photos leave the pending store either way.
#include "node/kiosk_review.h"

#include <doctest/doctest.h>

#include "node/node_migrations.h"
#include "sync/hlc.h"
#include "tests/node/store_fixture.h"

namespace simpul::node {
namespace {

const std::string kJpeg = "\xff\xd8\xff\xe0" + std::string("\0\x10JFIF\0 the KTP", 16);
const std::string kPng = "\x89PNG\r\n\x1a\n" + std::string("the KK");

struct Store : testing::VillageStore {
  KioskSubmission Submission() {
    KioskSubmission s;
    s.fields = "{\"address\":\"Dusun Krajan\",\"m0.name\":\"Siti\"}";
    s.photos = {{"kk", "", kPng}, {"ktp", "", kJpeg}};
    s.client = "192.168.1.23";
    s.now_ms = 1'800'000'000'000;
    return s;
  }
  KioskAcceptance Acceptance(const std::string& service) {
    KioskAcceptance a;
    a.form.household = {{"address", "Dusun Krajan"}, {"kk", "3510011211870001"}};
    a.form.members = {{{"name", "Siti Aminah"}, {"nik", "3510015211870002"}, {"relation", "1"}, {"sex", "P"},
                       {"birth-date", "1987-11-12"}}};
    a.service = service;
    return a;
  }
};

TEST_CASE_FIXTURE(Store, "kiosk store: node-only tables, stored whole, capped, no change record") {
  CHECK(store->Meta("node_schema") == std::to_string(LatestNodeSchemaVersion()));
  CHECK(MigrateNodeOnly(store->db()).ok());  // again: nothing to do
  const int64_t outbox = Count("SELECT count(*) FROM outbox");
  KioskLimits limits;
  auto receipt = SubmitRegistration(*store, Submission(), limits, Lang::kEn);
  REQUIRE(receipt.ok());
  CHECK(receipt->size() == 9);
  CHECK(Count("SELECT count(*) FROM pending_photos") == 2);
  CHECK(Count("SELECT count(*) FROM outbox") == outbox);
  auto list = ListRegistrations(*store, "pending", 10);
  REQUIRE(list.ok());
  REQUIRE(list->size() == 1);
  CHECK(list->front().photo_kinds == std::vector<std::string>{"kk", "ktp"});
  auto photo = ReadRegistrationPhoto(*store, list->front().id, "kk");
  REQUIRE(photo.ok());
  CHECK(photo->media_type == "image/png");
  CHECK(photo->bytes == kPng);

  // A bad second photo: nothing of the submission is stored.
  KioskSubmission bad = Submission();
  bad.photos[1].bytes = "not a photo";
  auto refused = SubmitRegistration(*store, bad, limits, Lang::kEn);
  CHECK(refused.status().field() == "photo_ktp");
  limits.max_photo_bytes = 10;
  CHECK(SubmitRegistration(*store, Submission(), limits, Lang::kEn).status().code() == Code::kResourceExhausted);
  limits = KioskLimits{};
  limits.max_pending = 1;
  auto full = SubmitRegistration(*store, Submission(), limits, Lang::kEn);
  CHECK(full.status().msg_id() == MsgId::kKioskQueueFull);
  CHECK(Count("SELECT count(*) FROM pending_registrations") == 1);
  CHECK(Count("SELECT count(*) FROM pending_photos") == 2);
}

TEST_CASE_FIXTURE(Store, "kiosk review: accepted once into records, an application and its documents") {
  REQUIRE(SubmitRegistration(*store, Submission(), KioskLimits{}, Lang::kEn).ok());
  const int64_t id = Count("SELECT max(id) FROM pending_registrations");
  const int64_t outbox = Count("SELECT count(*) FROM outbox");
  AcceptStep step;
  int member = -1;
  // A refused member: nothing written, the registration still waits.
  KioskAcceptance typo = Acceptance("poverty_statement");
  typo.form.members[0]["nik"] = "123";
  auto refused = AcceptRegistration(*store, id, typo, "ops", 1, Lang::kEn, &step, &member);
  CHECK(!refused.ok());
  CHECK(step == AcceptStep::kHousehold);
  CHECK(member == 0);
  CHECK(Count("SELECT count(*) FROM households") == 0);
  CHECK(Count("SELECT count(*) FROM pending_registrations WHERE state='pending'") == 1);

  auto accepted = AcceptRegistration(*store, id, Acceptance("poverty_statement"), "ops", 2, Lang::kEn, &step, &member);
  REQUIRE(accepted.ok());
  CHECK(!accepted->application_id.empty());
  CHECK(accepted->documents.size() == 2);
  CHECK(Count("SELECT count(*) FROM attachments WHERE application_id='" + accepted->application_id + "'") == 2);
  CHECK(Count("SELECT count(*) FROM outbox") > outbox);
  CHECK(Count("SELECT count(*) FROM pending_photos") == 0);
  auto again = AcceptRegistration(*store, id, Acceptance(""), "budi", 3, Lang::kEn, &step, &member);
  CHECK(again.status().msg_id() == MsgId::kKioskAlreadyHandled);
  CHECK(Count("SELECT count(*) FROM households") == 1);
  CHECK(RejectRegistration(*store, id, "late", "budi", 4, Lang::kEn).code() == Code::kFailedPrecondition);
  auto row = ReadRegistration(*store, id);
  REQUIRE(row.ok());
  CHECK(row->state == "accepted");
  CHECK(row->reviewer == "ops");
  CHECK(row->household_id == accepted->household.id);
}

TEST_CASE_FIXTURE(Store, "kiosk review: rejected with a reason, without a trace in the outbox") {
  REQUIRE(SubmitRegistration(*store, Submission(), KioskLimits{}, Lang::kEn).ok());
  const int64_t id = Count("SELECT max(id) FROM pending_registrations");
  const int64_t outbox = Count("SELECT count(*) FROM outbox");
  CHECK(RejectRegistration(*store, id, "  ", "ops", 1, Lang::kEn).field() == "reason");
  CHECK(RejectRegistration(*store, id, "Sudah terdaftar", "ops", 1, Lang::kEn).ok());
  CHECK(Count("SELECT count(*) FROM pending_photos") == 0);
  CHECK(Count("SELECT count(*) FROM outbox") == outbox);
  CHECK(Count("SELECT count(*) FROM pending_registrations WHERE state='rejected' AND reason='Sudah terdaftar'") == 1);
  // Accepted without a service: records only; the photos are not kept.
  REQUIRE(SubmitRegistration(*store, Submission(), KioskLimits{}, Lang::kEn).ok());
  AcceptStep step;
  int member;
  auto plain = AcceptRegistration(*store, id + 1, Acceptance(""), "ops", 2, Lang::kEn, &step, &member);
  REQUIRE(plain.ok());
  CHECK(plain->application_id.empty());
  CHECK(Count("SELECT count(*) FROM attachments") == 0);
  CHECK(Count("SELECT count(*) FROM pending_photos") == 0);
}

}  // namespace
}  // namespace simpul::node
