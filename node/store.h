// NodeStore: a village node's data directory.
//
// Layout of DIR (default $SIMPUL_DATA, else ~/.local/share/simpul-node):
//   simpul.db        SQLite (WAL): replicated tables, outbox, reference data
//   blobs/ab/cdef…   attached documents, content-addressed by SHA-256
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
#include <string>

#include "schema/db.h"
#include "schema/status.h"
#include "sync/change_capture.h"
#include "sync/hlc.h"

namespace simpul::node {

inline constexpr const char* kStoreKind = "simpul-node";

std::string DefaultDataDir();

class NodeStore {
 public:
  // Creates a new store for `village` in `dir` (created if missing).
  static Result<std::unique_ptr<NodeStore>> Init(const std::string& dir, const std::string& village,
                                                 sync::Clock* clock);
  static Result<std::unique_ptr<NodeStore>> Open(const std::string& dir, sync::Clock* clock);

  schema::Db& db() { return db_; }
  sync::Hlc& hlc() { return *hlc_; }
  sync::ChangeWriter& writer() { return *writer_; }
  const std::string& dir() const { return dir_; }
  const std::string& village() const { return village_; }
  const std::string& node_id() const { return node_id_; }
  std::string BlobPath(const std::string& sha256_hex) const;
  uint64_t NowMs() { return clock_->NowMs(); }

  // Appends to this node's audit chain (replicated to the hub), inside the
  // caller's transaction. The actor is $SIMPUL_OPERATOR, else $USER.
  Status Audit(const std::string& action, const std::string& subject, const std::string& detail);
  // The signed-in operator, recorded as the actor of audit entries.
  void set_actor(std::string actor) { actor_ = std::move(actor); }

  // Reads a meta value ("" when absent).
  std::string Meta(const std::string& key);
  Status SetMeta(const std::string& key, const std::string& value);

 private:
  NodeStore(schema::Db db, std::string dir, sync::Clock* clock)
      : db_(std::move(db)), dir_(std::move(dir)), clock_(clock) {}
  Status LoadIdentity();

  schema::Db db_;
  std::string dir_;
  sync::Clock* clock_;
  std::string village_;
  std::string node_id_;
  std::unique_ptr<sync::Hlc> hlc_;
  std::unique_ptr<sync::ChangeWriter> writer_;
  std::string actor_;
};

}  // namespace simpul::node

#endif  // SIMPUL_NODE_STORE_H_
