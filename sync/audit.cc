#include "sync/audit.h"

#include <sodium.h>

#include <set>

#include "schema/ids.h"
#include "schema/tables.h"
#include "sync/crypto/envelope.h"

namespace simpul::sync {

std::string AuditHash(const AuditEntry& e) {
  crypto_generichash_state st;
  crypto_generichash_init(&st, nullptr, 0, 32);
  for (const std::string* f : {&e.prev_hash, &e.id, &e.village, &e.writer, &e.actor, &e.action, &e.subject,
                               &e.detail, &e.at}) {
    uint64_t n = f->size();
    unsigned char len[8];
    for (int i = 0; i < 8; ++i) len[i] = static_cast<unsigned char>(n >> (8 * i));
    crypto_generichash_update(&st, len, 8);
    crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(f->data()), f->size());
  }
  unsigned char out[32];
  crypto_generichash_final(&st, out, 32);
  return crypto::ToHex(out, sizeof out);
}

Result<AuditTip> NewestAuditEntry(schema::Db& db, const std::string& table, const std::string& writer) {
  if (table != "audit" && table != "hub_audit") return Status::InvalidArgument("not an audit table");
  SIMPUL_ASSIGN_OR_RETURN(schema::Stmt * q, db.Cached("SELECT seq,hash FROM " + table +
                                                      " WHERE writer=? AND seq IS NOT NULL ORDER BY seq DESC LIMIT 1"));
  q->Bind(1, writer);
  SIMPUL_ASSIGN_OR_RETURN(bool row, q->Step());
  AuditTip tip;
  if (row) tip = {q->Int(0), q->Text(1)};
  q->Reset();
  return tip;
}

namespace {

// The newest entry of a chain made before sequence numbers: the one no other
// entry links to (clock stamps of that time may repeat or go back, so `at`
// only breaks a tie between branches). "" when the writer has none.
Result<std::string> LegacyTip(schema::Db& db, const std::string& table, const std::string& writer) {
  SIMPUL_ASSIGN_OR_RETURN(auto q, db.Prepare("SELECT hash,prev_hash FROM " + table +
                                             " WHERE writer=? AND seq IS NULL ORDER BY at, id"));
  q.Bind(1, writer);
  std::vector<std::string> hashes;
  std::set<std::string> linked;
  for (;;) {
    SIMPUL_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    hashes.push_back(q.Text(0));
    linked.insert(q.Text(1));
  }
  for (auto it = hashes.rbegin(); it != hashes.rend(); ++it)
    if (!linked.count(*it)) return *it;
  return hashes.empty() ? std::string() : hashes.back();
}

// The next entry of this writer's chain in `table`: numbered, linked to the
// writer's previous entry, stamped and hashed.
Result<AuditEntry> NextEntry(schema::Db& db, const std::string& table, Hlc& hlc, const std::string& village,
                             const std::string& actor, const std::string& action, const std::string& subject,
                             const std::string& detail) {
  AuditEntry e;
  Stamp stamp = hlc.Now();
  e.village = village;
  e.writer = hlc.node_id();
  e.actor = actor;
  e.action = action;
  e.subject = subject;
  e.detail = detail;
  e.at = hlc.Version(stamp);
  e.id = schema::NewRowId(stamp.physical_ms());
  SIMPUL_ASSIGN_OR_RETURN(AuditTip tip, NewestAuditEntry(db, table, e.writer));
  e.seq = tip.seq + 1;
  if (tip.seq > 0) {
    e.prev_hash = tip.hash;
  } else {
    SIMPUL_ASSIGN_OR_RETURN(e.prev_hash, LegacyTip(db, table, e.writer));
  }
  e.hash = AuditHash(e);
  return e;
}

}  // namespace

Result<AuditEntry> AppendVillageAudit(schema::Db& db, ChangeWriter& writer, Hlc& hlc, const std::string& village,
                                      const std::string& actor, const std::string& action,
                                      const std::string& subject, const std::string& detail) {
  SIMPUL_ASSIGN_OR_RETURN(AuditEntry e, NextEntry(db, "audit", hlc, village, actor, action, subject, detail));
  std::vector<FieldWrite> f = {{"writer", e.writer}, {"actor", e.actor}, {"action", e.action},
                               {"subject", e.subject}, {"detail", e.detail}, {"at", e.at},
                               {"prev_hash", e.prev_hash}, {"hash", e.hash}, {"seq", e.seq}};
  SIMPUL_ASSIGN_OR_RETURN(auto w, writer.Write(*schema::FindTable("audit"), e.id, village, f));
  (void)w;
  return e;
}

Result<AuditEntry> AppendHubAudit(schema::Db& db, Hlc& hlc, const std::string& actor, const std::string& action,
                                  const std::string& village, const std::string& subject, const std::string& detail) {
  SIMPUL_ASSIGN_OR_RETURN(AuditEntry e, NextEntry(db, "hub_audit", hlc, village, actor, action, subject, detail));
  SIMPUL_ASSIGN_OR_RETURN(schema::Stmt * ins, db.Cached(
      "INSERT INTO hub_audit(id,village,writer,actor,action,subject,detail,at,prev_hash,hash,seq)"
      " VALUES(?,?,?,?,?,?,?,?,?,?,?)"));
  ins->Bind(1, e.id).Bind(2, e.village).Bind(3, e.writer).Bind(4, e.actor).Bind(5, e.action).Bind(6, e.subject)
      .Bind(7, e.detail).Bind(8, e.at).Bind(9, e.prev_hash).Bind(10, e.hash).Bind(11, e.seq);
  SIMPUL_RETURN_IF_ERROR(ins->Run());
  return e;
}

}  // namespace simpul::sync
