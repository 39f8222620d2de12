#include "sync/audit.h"

#include <sodium.h>

#include <map>

#include "schema/ids.h"
#include "schema/tables.h"

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
  static const char* kHex = "0123456789abcdef";
  std::string hex;
  for (unsigned char c : out) {
    hex += kHex[c >> 4];
    hex += kHex[c & 15];
  }
  return hex;
}

namespace {

Result<std::string> Head(schema::Db& db, const std::string& table, const std::string& writer) {
  SIMPUL_ASSIGN_OR_RETURN(schema::Stmt * q, db.Cached("SELECT hash FROM " + table +
                                                      " WHERE writer=? ORDER BY at DESC, id DESC LIMIT 1"));
  q->Bind(1, writer);
  SIMPUL_ASSIGN_OR_RETURN(bool row, q->Step());
  std::string h = row ? q->Text(0) : std::string();
  q->Reset();
  return h;
}

// The next entry of this writer's chain in `table`: stamped, linked to the
// writer's previous entry, and hashed.
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
  SIMPUL_ASSIGN_OR_RETURN(e.prev_hash, Head(db, table, e.writer));
  e.hash = AuditHash(e);
  return e;
}

}  // namespace

Status AppendVillageAudit(schema::Db& db, ChangeWriter& writer, Hlc& hlc, const std::string& village,
                          const std::string& actor, const std::string& action, const std::string& subject,
                          const std::string& detail) {
  SIMPUL_ASSIGN_OR_RETURN(AuditEntry e, NextEntry(db, "audit", hlc, village, actor, action, subject, detail));
  std::vector<FieldWrite> f = {{"writer", e.writer}, {"actor", e.actor}, {"action", e.action},
                               {"subject", e.subject}, {"detail", e.detail}, {"at", e.at},
                               {"prev_hash", e.prev_hash}, {"hash", e.hash}};
  SIMPUL_ASSIGN_OR_RETURN(auto w, writer.Write(*schema::FindTable("audit"), e.id, village, f));
  (void)w;
  return Status::Ok();
}

Status AppendHubAudit(schema::Db& db, Hlc& hlc, const std::string& actor, const std::string& action,
                      const std::string& village, const std::string& subject, const std::string& detail) {
  SIMPUL_ASSIGN_OR_RETURN(AuditEntry e, NextEntry(db, "hub_audit", hlc, village, actor, action, subject, detail));
  SIMPUL_ASSIGN_OR_RETURN(schema::Stmt * ins, db.Cached(
      "INSERT INTO hub_audit(id,village,writer,actor,action,subject,detail,at,prev_hash,hash)"
      " VALUES(?,?,?,?,?,?,?,?,?,?)"));
  ins->Bind(1, e.id).Bind(2, e.village).Bind(3, e.writer).Bind(4, e.actor).Bind(5, e.action).Bind(6, e.subject)
      .Bind(7, e.detail).Bind(8, e.at).Bind(9, e.prev_hash).Bind(10, e.hash);
  return ins->Run();
}

Result<std::vector<std::string>> VerifyAuditChains(schema::Db& db, const std::string& table) {
  if (table != "audit" && table != "hub_audit") return Status::InvalidArgument("not an audit table");
  SIMPUL_ASSIGN_OR_RETURN(auto st, db.Prepare(
      "SELECT id,village,writer,actor,action,subject,detail,at,prev_hash,hash FROM " + table +
      " ORDER BY writer, at, id"));
  std::vector<std::string> problems;
  std::map<std::string, std::string> last_hash;
  for (;;) {
    SIMPUL_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    AuditEntry e{st.Text(0), st.Text(1), st.Text(2), st.Text(3), st.Text(4),
                 st.Text(5), st.Text(6), st.Text(7), st.Text(8), st.Text(9)};
    const std::string& expect_prev = last_hash[e.writer];
    if (e.prev_hash != expect_prev)
      problems.push_back("entry " + e.id + " of " + e.writer + " does not follow the previous entry (one was removed or reordered)");
    if (AuditHash(e) != e.hash)
      problems.push_back("entry " + e.id + " of " + e.writer + " was altered (its hash does not match)");
    last_hash[e.writer] = e.hash;
  }
  return problems;
}

}  // namespace simpul::sync
