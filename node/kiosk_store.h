// Resident self-registration at the village office (`simpul-node ui
// --kiosk`): what a resident typed in the kiosk form and the photos of their
// KK/KTP, kept as a pending registration in this laptop's store only (the
// node-only tables of node/node_migrations.h: never replicated, no change
// capture, no outbox row) until an operator accepts it (node/kiosk_review.h:
// only then it becomes a household, persons and maybe an application,
// through change capture) or rejects it.
//
// The kiosk is open to anyone in the office, so what it may fill is capped:
// at most `max_pending` registrations wait for review, holding at most
// `max_pending_bytes` together; beyond, a submission is refused whole
// (nothing written) until the operator has handled some. Photos are checked
// as node/documents.h checks a scan (size limit, JPEG or PNG by their first
// bytes). When a registration is handled its photos are deleted: accepted,
// they are the application's documents now; rejected, they are not kept.
//
// Thread-safety: as NodeStore (one per thread).
#ifndef SIMPUL_NODE_KIOSK_STORE_H_
#define SIMPUL_NODE_KIOSK_STORE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "node/store.h"
#include "schema/messages.h"
#include "schema/status.h"

namespace simpul::node {

struct KioskLimits {
  int max_pending = 200;                      // registrations waiting for review
  uint64_t max_pending_bytes = 512ull << 20;  // their fields and photos together
  uint64_t max_photo_bytes = 8ull << 20;      // one photo (the app's scan limit)
  uint64_t max_fields_bytes = 16 << 10;       // the form's JSON text
};

// The photos a resident may send, and the document kind each becomes.
inline constexpr const char* kKioskPhotoKinds[] = {"kk", "ktp"};

struct KioskPhoto {
  std::string kind;        // kk | ktp
  std::string media_type;  // image/jpeg | image/png (from the bytes)
  std::string bytes;
};

struct KioskSubmission {
  std::string fields;  // the register form's JSON object, as the resident typed it
  std::vector<KioskPhoto> photos;
  std::string client;  // the kiosk client's address
  int64_t now_ms = 0;
};

// Stores `s` as a pending registration; returns its receipt (8 characters
// from an alphabet without look-alikes, "K7QM-2D4F"), the only thing the
// resident is told. Refused with nothing written:
//   ResourceExhausted, field "photo_<kind>" (MsgId::kWebUploadTooLarge):
//     a photo over max_photo_bytes;
//   InvalidArgument, field "photo_<kind>" (kWebUploadNotScan / Empty): a
//     photo that is no JPEG or PNG, or empty; an unknown or repeated kind;
//   InvalidArgument, field "fields": the fields over max_fields_bytes;
//   ResourceExhausted (MsgId::kKioskQueueFull): the caps would be passed.
// Photo kinds are named in `lang` in the messages.
Result<std::string> SubmitRegistration(NodeStore& store, const KioskSubmission& s, const KioskLimits& limits,
                                       Lang lang);

struct PendingRegistration {
  int64_t id = 0;
  std::string receipt;
  int64_t submitted_at_ms = 0;
  std::string client;
  std::string fields;  // JSON object text
  int64_t bytes = 0;
  std::string state;   // pending | accepted | rejected
  std::string reviewer, reason;
  int64_t handled_at_ms = 0;
  std::string household_id, application_id;
  std::vector<std::string> photo_kinds;  // the photos still held
};

// Registrations in `state` ("pending" or "" for all), oldest first, at most `limit`.
Result<std::vector<PendingRegistration>> ListRegistrations(NodeStore& store, const std::string& state, int limit);
// NotFound (field "registration") when there is no such registration.
Result<PendingRegistration> ReadRegistration(NodeStore& store, int64_t id);
// A photo of registration `id`; NotFound when it holds none of `kind`.
Result<KioskPhoto> ReadRegistrationPhoto(NodeStore& store, int64_t id, const std::string& kind);

struct PendingTotals {
  int64_t count = 0, bytes = 0;
};
Result<PendingTotals> PendingTotalsOf(NodeStore& store);

// Marks registration `id` accepted or rejected by `reviewer` and deletes its
// photos, in the caller's transaction (a savepoint of it). FailedPrecondition
// (MsgId::kKioskAlreadyHandled) when it is no longer pending: another tab or
// operator handled it first.
Status MarkRegistrationHandled(NodeStore& store, int64_t id, const std::string& state, const std::string& reviewer,
                               const std::string& reason, int64_t now_ms, const std::string& household_id = "",
                               const std::string& application_id = "");

}  // namespace simpul::node

#endif  // SIMPUL_NODE_KIOSK_STORE_H_
