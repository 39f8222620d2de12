// NodeStore: a village node's data directory.
//
// Layout of DIR (default $SIMPUL_DATA, else ~/.local/share/simpul-node):
//   keyring          the data key, sealed under the office passphrase
//   simpul.db        SQLite (WAL), encrypted page by page: replicated
//                    tables, outbox, reference data
//   blobs/ab/cdef…   attached documents, sealed, named by keyed hash
//   identity.key     the node's sync identity, sealed (after enrolment)
//   unlock-failures.log  times of wrong passphrases, until the next unlock
//                    audits them
// Everything personal is encrypted at rest (sync/crypto/at_rest.h): opening
// a store needs its data key, from the passphrase or from a session key
// (`simpul-node unlock`).
//
// A store is bound to one village (its replication scope) and has a random
// node id made at init. Opening checks that DIR really is a Simpul node store
// and that its schema is not newer than this binary; both refusals leave the
// files untouched.
//
// Thread-safety: one NodeStore per thread. Several processes may open the
// same store: SQLite serialises their writes (BEGIN IMMEDIATE + busy timeout).
#ifndef SIMPUL_NODE_STORE_H_
#define SIMPUL_NODE_STORE_H_

#include <memory>
#include <optional>
#include <string>

#include "schema/db.h"
#include "schema/status.h"
#include "sync/blobs.h"
#include "sync/change_capture.h"
#include "sync/crypto/at_rest.h"
#include "sync/crypto/envelope.h"
#include "sync/hlc.h"

namespace simpul::node {

inline constexpr const char* kStoreKind = "simpul-node";

std::string DefaultDataDir();

// How a store keeps its data on disk. kPlainForBenchmarks exists only so
// tools/ can measure what encryption costs; the CLI never offers it.
enum class AtRest { kEncrypted, kPlainForBenchmarks };

class NodeStore {
 public:
  // Corruption (catalogue: kStoreDamaged, exit 3) naming the page, when this
  // process met a page of the store in `dir` that failed authentication
  // (sync/crypto/at_rest.h); Ok otherwise.
  static Status DamageStatus(const std::string& dir);

  // Creates a new store for `village` in `dir` (created if missing), its
  // data key sealed under `passphrase` (at least 10 characters).
  static Result<std::unique_ptr<NodeStore>> Init(const std::string& dir, const std::string& village,
                                                 sync::Clock* clock, std::string_view passphrase,
                                                 AtRest at_rest = AtRest::kEncrypted);
  // The store's data key from the office passphrase (Argon2id: ~0.1 s).
  // Wrong passphrase: Unauthenticated with MsgId::kWrongPassphrase.
  static Result<sync::crypto::DataKey> Unlock(const std::string& dir, std::string_view passphrase);
  static Result<std::unique_ptr<NodeStore>> Open(const std::string& dir, sync::Clock* clock,
                                                 sync::crypto::DataKey key);
  static Result<std::unique_ptr<NodeStore>> Open(const std::string& dir, sync::Clock* clock,
                                                 std::string_view passphrase);

  schema::Db& db() { return db_; }
  sync::Hlc& hlc() { return *hlc_; }
  sync::ChangeWriter& writer() { return *writer_; }
  const std::string& dir() const { return dir_; }
  const std::string& village() const { return village_; }
  const std::string& node_id() const { return node_id_; }
  // The attached documents (sealed under this store's key).
  const sync::BlobDir& blobs() const { return blobs_; }
  const sync::crypto::DataKey& data_key() const { return key_; }
  // Rewraps the data key under a new office passphrase (atomically; the old
  // one stops working). Nothing is re-encrypted.
  Status SetPassphrase(std::string_view new_passphrase);
  uint64_t NowMs() { return clock_->NowMs(); }

  // Appends to this node's audit chain (replicated to the hub), inside the
  // caller's transaction. The actor is $SIMPUL_OPERATOR, else $USER.
  Status Audit(const std::string& action, const std::string& subject, const std::string& detail);
  // Signs the head of this node's audit chain with its sync identity, if
  // the chain grew since its last head (sync/audit_heads.h); the head
  // replicates with the next push.
  Status SignAuditHead(const sync::crypto::Identity& identity);
  // The signed-in operator, recorded as the actor of audit entries.
  void set_actor(std::string actor) { actor_ = std::move(actor); }
  // Who is acting: the signed-in operator, else (no accounts yet) the
  // environment's name marked "(no account)".
  std::string Actor() const;

  // Reads a meta value ("" when absent).
  std::string Meta(const std::string& key);
  Status SetMeta(const std::string& key, const std::string& value);

 private:
  NodeStore(std::optional<sync::crypto::EncryptedDbKey> registration, sync::crypto::DataKey key, schema::Db db,
            std::string dir, sync::Clock* clock)
      : registration_(std::move(registration)),
        key_(std::move(key)),
        db_(std::move(db)),
        dir_(std::move(dir)),
        clock_(clock),
        blobs_(registration_ ? sync::BlobDir(dir_ + "/blobs", key_) : sync::BlobDir(dir_ + "/blobs")) {}
  Status LoadIdentity();
  // Moves the wrong-passphrase attempts noted since the last unlock into
  // the audit chain.
  Status AuditFailedUnlocks();

  // Declared before db_: the key stays registered until the database closes.
  std::optional<sync::crypto::EncryptedDbKey> registration_;  // empty: plain (benchmarks)
  sync::crypto::DataKey key_;
  schema::Db db_;
  std::string dir_;
  sync::Clock* clock_;
  sync::BlobDir blobs_;
  std::string village_;
  std::string node_id_;
  std::unique_ptr<sync::Hlc> hlc_;
  std::unique_ptr<sync::ChangeWriter> writer_;
  std::string actor_;
};

}  // namespace simpul::node

#endif  // SIMPUL_NODE_STORE_H_
