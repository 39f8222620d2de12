// HubStore: the district hub's data directory.
//
// Layout of DIR:
//   hub.db        SQLite (WAL): every village's replicated rows, the change
//                 log nodes pull from, nodes, enrolment codes, idempotency
//   hub.key       the hub's Ed25519 identity (mode 0600; back it up offline)
//   retired-keys/ earlier identities after `simpul-hub key rotate`: nodes
//                 that still seal to one are answered, and told the new key
//   data.key      the hub data key (mode 0600; back it up with hub.key): the
//                 documents are sealed under it (hub/documents.h)
//   sequences     letter numbers reserved so far, outside hub.db so that a
//                 restore never reissues one (hub/sequences.h)
//   blobs/        the documents villages attached and the letters, sealed (sync/blobs.h)
//   serve.lock    held by `serve` and `restore` (hub/backup.h)
//   pre-restore-MS/  the hub.db a restore replaced (hub/backup.h)
//
// The hub shares the replicated schema with the nodes (schema/migrations.h)
// and adds its own tables, versioned separately under meta.hub_schema.
//
// Thread-safety: one HubStore per thread; the server runs all store work on
// one worker thread, operator commands open their own HubStore.
#ifndef SIMPUL_HUB_STORE_H_
#define SIMPUL_HUB_STORE_H_

#include <memory>
#include <string>
#include <vector>

#include "schema/db.h"
#include "schema/status.h"
#include "sync/blobs.h"
#include "sync/change_capture.h"
#include "sync/crypto/envelope.h"
#include "sync/hlc.h"

namespace simpul::hub {

inline constexpr const char* kHubStoreKind = "simpul-hub";

class HubStore;

// A write transaction of the hub store (BEGIN IMMEDIATE ... COMMIT, rolled
// back by the destructor unless committed). The hub's clock lives in its
// database: HubStore::BeginWrite raises this process's HLC to the last stamp
// any process committed (meta.hlc_last, read under the write lock), and
// Commit saves the clock in the same transaction. So the serving hub and an
// operator's command, each holding its own HubStore, never repeat a stamp or
// issue one older than a committed one, across restarts too. Every hub write
// that stamps anything goes through one.
class HubWrite {
 public:
  HubWrite(HubWrite&&) noexcept = default;
  HubWrite& operator=(HubWrite&&) = delete;
  HubWrite(const HubWrite&) = delete;
  Status Commit();

 private:
  friend class HubStore;
  HubWrite(HubStore& store, schema::Transaction txn) : store_(&store), txn_(std::move(txn)) {}
  HubStore* store_;
  schema::Transaction txn_;
};

class HubStore {
 public:
  // Creates a hub store in `dir`: identity, schema, all region data.
  static Result<std::unique_ptr<HubStore>> Init(const std::string& dir, const std::string& name,
                                                sync::Clock* clock);
  static Result<std::unique_ptr<HubStore>> Open(const std::string& dir, sync::Clock* clock);

  schema::Db& db() { return db_; }
  sync::Hlc& hlc() { return *hlc_; }
  // Writes as the hub: hub-owned and shared fields, into the change log.
  sync::ChangeWriter& writer() { return *writer_; }
  // The hub's current identity; retired ones still open requests sealed to
  // them (a node that has not synced since a rotation).
  const sync::crypto::Identity& identity() const { return identity_; }
  const sync::crypto::Identity* IdentityFor(const sync::crypto::PublicKey& pk) const;
  const std::vector<sync::crypto::Identity>& retired_identities() const { return retired_; }
  // Reloads the keys if hub.key changed on disk (a rotation by the CLI while
  // the server runs). One stat() when nothing changed.
  Status RefreshKeys();
  // Replaces the hub key; the old key signs the new one (crash-safe, see
  // store.cc). Returns the new public key.
  Result<sync::crypto::PublicKey> RotateKey();
  // The signed links from `pinned` to the current key (empty if current).
  Result<std::vector<sync::wire::KeySuccession>> SuccessionFrom(const sync::crypto::PublicKey& pinned);
  const std::string& hub_id() const { return hub_id_; }
  const std::string& dir() const { return dir_; }
  uint64_t NowMs() { return clock_->NowMs(); }
  std::string Meta(const std::string& key);
  Status SetMeta(const std::string& key, const std::string& value);
  // Begins a write transaction with this process's clock caught up (HubWrite).
  Result<HubWrite> BeginWrite();
  // Persists the HLC (HubWrite::Commit does it; never lowers the stored stamp).
  Status SaveClock();
  // Who is acting (recorded in the audit log): the operator's name, or
  // "sync" for the server.
  const std::string& actor() const { return actor_; }
  void set_actor(std::string actor) { actor_ = std::move(actor); }
  // The signed-in operator's role ("" in setup mode and for the server):
  // what stage recording checks against the service rule.
  const std::string& operator_role() const { return operator_role_; }
  void set_operator_role(std::string role) { operator_role_ = std::move(role); }
  // The signed-in operator's account name ("" in setup mode and for the
  // server): whom decisions, stages and letters are recorded under.
  const std::string& operator_name() const { return operator_name_; }
  void set_operator_name(std::string name) { operator_name_ = std::move(name); }
  // The documents villages sent, sealed under the hub data key.
  sync::BlobDir& blobs() { return *blobs_; }
  // Appends to the hub's audit chain and signs its new head with the hub
  // key (sync/audit_heads.h), inside the caller's transaction.
  Status Audit(const std::string& action, const std::string& village, const std::string& subject,
               const std::string& detail);

 private:
  HubStore(schema::Db db, std::string dir, sync::Clock* clock)
      : db_(std::move(db)), dir_(std::move(dir)), clock_(clock) {}
  Status Load();
  Status LoadKeys();

  schema::Db db_;
  std::string dir_;
  sync::Clock* clock_;
  sync::crypto::Identity identity_;
  std::vector<sync::crypto::Identity> retired_;
  std::string key_stamp_;
  std::string hub_id_;
  std::unique_ptr<sync::Hlc> hlc_;
  std::unique_ptr<sync::ChangeWriter> writer_;
  std::unique_ptr<sync::BlobDir> blobs_;
  std::string actor_ = "sync";
  std::string operator_role_, operator_name_;
};

}  // namespace simpul::hub

#endif  // SIMPUL_HUB_STORE_H_
