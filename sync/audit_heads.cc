#include "sync/audit_heads.h"

#include <sodium.h>

#include <set>

#include "schema/ids.h"
#include "schema/tables.h"
#include "sync/audit.h"
#include "sync/crypto/envelope.h"

namespace simpul::sync {
namespace {

constexpr std::string_view kHeadContext = "simpul/v1/audit-head";

std::string HeadMessage(const std::string& writer, int64_t seq, const std::string& hash,
                        const std::string& signed_at) {
  std::string m(kHeadContext);
  for (const std::string& f : {writer, std::to_string(seq), hash, signed_at}) {
    uint64_t n = f.size();
    for (int i = 0; i < 8; ++i) m += static_cast<char>((n >> (8 * i)) & 0xff);
    m += f;
  }
  return m;
}

Result<int64_t> LastHeadSeq(schema::Db& db, const std::string& heads_table, const std::string& writer) {
  SIMPUL_ASSIGN_OR_RETURN(schema::Stmt * q, db.Cached("SELECT max(seq) FROM " + heads_table + " WHERE writer=?"));
  q->Bind(1, writer);
  SIMPUL_ASSIGN_OR_RETURN(bool row, q->Step());
  int64_t seq = row ? q->Int(0) : 0;
  q->Reset();
  return seq;
}

}  // namespace

AuditHead SignAuditHead(const crypto::Identity& key, const std::string& writer, int64_t seq,
                        const std::string& hash, const std::string& signed_at) {
  AuditHead h{writer, seq, hash, signed_at, crypto::ToHex(key.sign_pk), ""};
  std::string m = HeadMessage(writer, seq, hash, signed_at);
  std::array<uint8_t, crypto_sign_BYTES> sig{};
  crypto_sign_detached(sig.data(), nullptr, reinterpret_cast<const uint8_t*>(m.data()), m.size(), key.sign_sk.data());
  h.signature = crypto::ToHex(sig);
  return h;
}

bool AuditHeadSignatureValid(const AuditHead& h) {
  uint8_t pk[crypto_sign_PUBLICKEYBYTES], sig[crypto_sign_BYTES];
  if (!crypto::FromHex(h.signer, pk, sizeof pk) || !crypto::FromHex(h.signature, sig, sizeof sig)) return false;
  std::string m = HeadMessage(h.writer, h.seq, h.hash, h.signed_at);
  return crypto_sign_verify_detached(sig, reinterpret_cast<const uint8_t*>(m.data()), m.size(), pk) == 0;
}

Status WriteVillageAuditHead(schema::Db& db, ChangeWriter& writer, Hlc& hlc, const std::string& village,
                             const crypto::Identity& key) {
  SIMPUL_ASSIGN_OR_RETURN(AuditTip tip, NewestAuditEntry(db, "audit", hlc.node_id()));
  SIMPUL_ASSIGN_OR_RETURN(int64_t signed_seq, LastHeadSeq(db, "audit_heads", hlc.node_id()));
  if (tip.seq == 0 || signed_seq >= tip.seq) return Status::Ok();
  Stamp stamp = hlc.Now();
  AuditHead h = SignAuditHead(key, hlc.node_id(), tip.seq, tip.hash, hlc.Version(stamp));
  std::vector<FieldWrite> f = {{"writer", h.writer}, {"seq", h.seq},       {"hash", h.hash},
                               {"signed_at", h.signed_at}, {"signer", h.signer}, {"signature", h.signature}};
  SIMPUL_ASSIGN_OR_RETURN(auto w, writer.Write(*schema::FindTable("audit_heads"),
                                               schema::NewRowId(stamp.physical_ms()), village, f));
  (void)w;
  return Status::Ok();
}

Status WriteHubAuditHead(schema::Db& db, Hlc& hlc, const crypto::Identity& key) {
  SIMPUL_ASSIGN_OR_RETURN(AuditTip tip, NewestAuditEntry(db, "hub_audit", hlc.node_id()));
  SIMPUL_ASSIGN_OR_RETURN(int64_t signed_seq, LastHeadSeq(db, "hub_audit_heads", hlc.node_id()));
  if (tip.seq == 0 || signed_seq >= tip.seq) return Status::Ok();
  AuditHead h = SignAuditHead(key, hlc.node_id(), tip.seq, tip.hash, hlc.Version(hlc.Now()));
  SIMPUL_ASSIGN_OR_RETURN(schema::Stmt * ins, db.Cached(
      "INSERT INTO hub_audit_heads(writer,seq,hash,signed_at,signer,signature) VALUES(?,?,?,?,?,?)"));
  ins->Bind(1, h.writer).Bind(2, h.seq).Bind(3, h.hash).Bind(4, h.signed_at).Bind(5, h.signer).Bind(6, h.signature);
  return ins->Run();
}

namespace {

// One writer's chain against its heads.
void CheckChain(const std::string& writer, const std::vector<AuditEntry>& entries, const std::vector<AuditHead>& heads,
                const TrustedSigner& trusted, AuditReport* report) {
  auto problem = [&](AuditProblemKind kind, const std::string& entry, int64_t from = 0, int64_t to = 0) {
    report->problems.push_back({kind, writer, entry, from, to});
  };
  std::set<std::string> legacy_hashes;
  bool has_legacy = false;
  for (const auto& e : entries) {
    if (AuditHash(e) != e.hash) problem(AuditProblemKind::kAltered, e.id, e.seq, e.seq);
    if (e.seq == 0) {
      legacy_hashes.insert(e.hash);
      has_legacy = true;
    }
  }
  // Entries from before sequence numbers: each must follow one of its
  // writer's entries (their stamps may repeat or go back, so no order is
  // asked of them beyond their links).
  for (const auto& e : entries)
    if (e.seq == 0 && !e.prev_hash.empty() && !legacy_hashes.count(e.prev_hash))
      problem(AuditProblemKind::kUnlinked, e.id, 0, 0);
  // Numbered entries (sorted by seq): 1, 2, 3, ..., each linked to the one before.
  std::map<int64_t, const AuditEntry*> by_seq;
  const AuditEntry* prev = nullptr;
  int64_t expect = 1;
  for (const auto& e : entries) {
    if (e.seq <= 0) continue;
    if (prev && e.seq == prev->seq) {
      problem(AuditProblemKind::kSeqTwice, e.id, e.seq, e.seq);
      continue;
    }
    if (e.seq > expect) {
      problem(AuditProblemKind::kMissing, e.id, expect, e.seq - 1);
    } else {
      bool linked = prev ? e.prev_hash == prev->hash
                         : (has_legacy ? legacy_hashes.count(e.prev_hash) > 0 : e.prev_hash.empty());
      if (!linked) problem(AuditProblemKind::kUnlinked, e.id, e.seq, e.seq);
    }
    by_seq[e.seq] = &e;
    prev = &e;
    expect = e.seq + 1;
  }
  int64_t newest = prev ? prev->seq : 0, covered = 0;
  for (const auto& h : heads) {
    if (!AuditHeadSignatureValid(h)) {
      problem(AuditProblemKind::kHeadForged, "", h.seq, h.seq);
      continue;
    }
    if (!trusted(writer, h.signer)) {
      problem(AuditProblemKind::kHeadUnknownKey, "", h.seq, h.seq);
      continue;
    }
    auto it = by_seq.find(h.seq);
    if (it != by_seq.end() && it->second->hash != h.hash)
      problem(AuditProblemKind::kHeadMismatch, it->second->id, h.seq, h.seq);
    if (h.seq >= covered) {
      covered = h.seq;
      report->last_heads[writer] = h;
    }
  }
  if (covered > newest) problem(AuditProblemKind::kTruncated, "", newest + 1, covered);
}

}  // namespace

Result<AuditReport> VerifyAuditChains(schema::Db& db, const std::string& table, const TrustedSigner& trusted) {
  if (table != "audit" && table != "hub_audit") return Status::InvalidArgument("not an audit table");
  const std::string heads_table = table == "audit" ? "audit_heads" : "hub_audit_heads";
  std::map<std::string, std::vector<AuditEntry>> entries;
  std::map<std::string, std::vector<AuditHead>> heads;
  AuditReport report;
  {
    SIMPUL_ASSIGN_OR_RETURN(auto st, db.Prepare(
        "SELECT id,village,writer,actor,action,subject,detail,at,prev_hash,hash,seq FROM " + table +
        " ORDER BY writer, seq, at, id"));
    for (;;) {
      SIMPUL_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      AuditEntry e{st.Text(0), st.Text(1), st.Text(2), st.Text(3), st.Text(4), st.Text(5),
                   st.Text(6), st.Text(7), st.Text(8), st.Text(9), st.Int(10)};
      entries[e.writer].push_back(std::move(e));
      ++report.entries;
    }
  }
  {
    SIMPUL_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT writer,seq,hash,signed_at,signer,signature FROM " +
                                                heads_table + " ORDER BY writer, seq"));
    for (;;) {
      SIMPUL_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      AuditHead h{st.Text(0), st.Int(1), st.Text(2), st.Text(3), st.Text(4), st.Text(5)};
      heads[h.writer].push_back(std::move(h));
    }
  }
  std::set<std::string> writers;
  for (const auto& [w, _] : entries) writers.insert(w);
  for (const auto& [w, _] : heads) writers.insert(w);
  static const std::vector<AuditEntry> kNoEntries;
  static const std::vector<AuditHead> kNoHeads;
  for (const auto& w : writers) {
    auto e = entries.find(w);
    auto h = heads.find(w);
    CheckChain(w, e == entries.end() ? kNoEntries : e->second, h == heads.end() ? kNoHeads : h->second, trusted,
               &report);
  }
  return report;
}

}  // namespace simpul::sync
