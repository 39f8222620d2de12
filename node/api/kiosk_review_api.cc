// The operator's side of resident self-registration: the registrations
// waiting for review (times in the office's zone), one with its fields and
// photos, accepted (through the register form's own checks: the household,
// its members, the chosen service's draft application and the photos as its
// documents, node/kiosk_review.h) or rejected with a reason; and the QR
// code of the kiosk's address, drawn here as SVG.
#include <cstdlib>

#include "node/api/api_call.h"
#include "node/kiosk_qr.h"
#include "node/kiosk_review.h"
#include "schema/model.h"
#include "web/security_headers.h"

namespace simpul::node::api {
namespace {

constexpr int kMaxListed = 200;

std::string KindLabel(Lang lang, const std::string& kind) {
  const schema::CodeLabel* c = schema::FindCode(schema::kAttachmentKinds, kind);
  return c ? (lang == Lang::kId ? c->label_id : c->label_en) : kind;
}

std::string KioskUrl(const ApiCall& call) {
  const std::string& a = call.app.options.kiosk_address;
  return a.empty() ? std::string() : "http://" + a + "/";
}

// The registration id of the path, or 0.
int64_t IdOf(const ApiCall& call) {
  const std::string id = call.Param("id");
  if (id.empty() || id.size() > 18 || id.find_first_not_of("0123456789") != std::string::npos) return 0;
  return std::strtoll(id.c_str(), nullptr, 10);
}

web::HttpResponse NotFound(const ApiCall& call) {
  return ErrorReply(404, "not_found", Msg(call.lang, MsgId::kWebNotFound), "registration");
}

// The stored form's fields as an object (they were written by the kiosk
// from known keys only).
void WriteFields(JsonWriter& j, const std::string& fields) {
  j.Key("fields").BeginObject();
  if (auto form = web::JsonObject::Parse(fields); form.ok()) {
    for (const char* k : {"no_kk", "address", "rt", "rw", "service", "purpose"})
      if (form->IsString(k)) j.Field(k, form->String(k));
    for (int i = 0; i < kMaxFormMembers; ++i)
      for (const char* k : {"name", "nik", "relation", "birth_place", "birth_date", "sex", "phone", "phone_consent",
                            "disability"}) {
        std::string key = "m" + std::to_string(i) + "." + k;
        if (form->IsString(key)) j.Field(key, form->String(key));
      }
  }
  j.EndObject();
}

}  // namespace

web::HttpResponse ListRegistrationsApi(ApiCall& call) {
  auto pending = ListRegistrations(call.store(), "pending", kMaxListed);
  if (!pending.ok()) return StatusReply(call, pending.status());
  auto totals = PendingTotalsOf(call.store());
  if (!totals.ok()) return StatusReply(call, totals.status());
  JsonWriter j;
  j.BeginObject().Field("kiosk_url", KioskUrl(call)).Field("count", totals->count).Field("bytes", totals->bytes);
  j.Key("registrations").BeginArray();
  for (const auto& r : *pending) {
    auto form = web::JsonObject::Parse(r.fields);
    auto field = [&](const char* k) { return form.ok() ? form->String(k) : std::string(); };
    const schema::CodeLabel* service = schema::FindCode(schema::kApplicationTypes, field("service"));
    j.BeginObject().Field("id", r.id).Field("receipt", r.receipt)
        .Field("submitted", ShowTime(call, r.submitted_at_ms)).Field("head_name", field("m0.name"))
        .Field("head_nik", field("m0.nik")).Field("address", field("address"))
        .Field("service_label", service ? (call.lang == Lang::kId ? service->label_id : service->label_en) : "")
        .Field("photos", static_cast<int64_t>(r.photo_kinds.size())).EndObject();
  }
  return JsonReply(200, j.EndArray().EndObject().str());
}

web::HttpResponse ShowRegistration(ApiCall& call) {
  int64_t id = IdOf(call);
  if (id <= 0) return NotFound(call);
  auto r = ReadRegistration(call.store(), id);
  if (!r.ok()) return StatusReply(call, r.status());
  JsonWriter j;
  j.BeginObject().Field("id", r->id).Field("receipt", r->receipt).Field("submitted", ShowTime(call, r->submitted_at_ms))
      .Field("state", r->state).Field("reviewer", r->reviewer).Field("reason", r->reason)
      .Field("household_id", r->household_id).Field("application_id", r->application_id);
  WriteFields(j, r->fields);
  j.Key("photos").BeginArray();
  for (const auto& kind : r->photo_kinds)
    j.BeginObject().Field("kind", kind).Field("label", KindLabel(call.lang, kind))
        .Field("url", "/api/v1/registrations/" + std::to_string(r->id) + "/photos/" + kind).EndObject();
  return JsonReply(200, j.EndArray().EndObject().str());
}

web::HttpResponse RegistrationPhoto(ApiCall& call) {
  int64_t id = IdOf(call);
  if (id <= 0) return NotFound(call);
  auto photo = ReadRegistrationPhoto(call.store(), id, call.Param("kind"));
  if (!photo.ok()) return StatusReply(call, photo.status());
  web::HttpResponse r(200, photo->media_type, std::move(photo->bytes));
  r.Set("content-security-policy", web::kDocumentCsp);
  return r;
}

web::HttpResponse AcceptRegistrationApi(ApiCall& call) {
  int64_t id = IdOf(call);
  if (id <= 0) return NotFound(call);
  auto body = Body(call);
  if (!body.ok()) return StatusReply(call, body.status());
  KioskAcceptance acceptance;
  std::vector<std::string> prefixes;
  acceptance.form = HouseholdFormOf(*body, &prefixes);
  acceptance.service = body->String("service");
  acceptance.purpose = body->String("purpose");
  AcceptStep step = AcceptStep::kRegistration;
  int failed = -1;
  auto accepted = AcceptRegistration(call.store(), id, acceptance, call.session->user, call.now_ms, call.lang, &step,
                                     &failed);
  if (!accepted.ok()) {
    const Status& st = accepted.status();
    switch (step) {
      case AcceptStep::kHousehold:
        return HouseholdFormRefusal(call, acceptance.form, st, failed, prefixes);
      case AcceptStep::kApplication: {
        std::string field = FormField(Entity::kApplication, st.field());
        return StatusReply(call, st, field == "type" || field.empty() ? "service" : field);
      }
      default:
        return StatusReply(call, st);
    }
  }
  JsonWriter j;
  j.BeginObject().Field("household_id", accepted->household.id).Field("application_id", accepted->application_id);
  j.Key("warnings").BeginArray();
  WriteHouseholdWarnings(call, j, accepted->household);
  return JsonReply(201, j.EndArray().EndObject().str());
}

web::HttpResponse RejectRegistrationApi(ApiCall& call) {
  int64_t id = IdOf(call);
  if (id <= 0) return NotFound(call);
  auto body = Body(call);
  if (!body.ok()) return StatusReply(call, body.status());
  Status st = RejectRegistration(call.store(), id, body->String("reason"), call.session->user, call.now_ms, call.lang);
  if (!st.ok()) return StatusReply(call, st);
  return JsonReply(200, JsonWriter().BeginObject().Field("id", id).Field("state", "rejected").EndObject().str());
}

web::HttpResponse KioskQrSvg(ApiCall& call) {
  const std::string url = KioskUrl(call);
  if (url.empty()) return ErrorReply(404, "not_found", Msg(call.lang, MsgId::kKioskOff));
  auto svg = QrSvg(url);
  if (!svg.ok()) return StatusReply(call, svg.status());
  web::HttpResponse r(200, "image/svg+xml", std::move(svg).value());
  r.Set("content-security-policy", web::kDocumentCsp);
  return r;
}

}  // namespace simpul::node::api
