#include "hub/audit.h"

#include <sodium.h>

#include <set>

#include "hub/store.h"
#include "schema/store_files.h"
#include "sync/crypto/envelope.h"

namespace simpul::hub {
namespace crypto = sync::crypto;

namespace {

constexpr std::string_view kNodeKeyContext = "simpul/v1/node-key";

std::string NodeKeyMessage(const std::string& node_id, const std::string& pk_hex) {
  std::string m(kNodeKeyContext);
  for (const std::string& f : {node_id, pk_hex}) {
    uint64_t n = f.size();
    for (int i = 0; i < 8; ++i) m += static_cast<char>((n >> (8 * i)) & 0xff);
    m += f;
  }
  return m;
}

Status InsertNodeKey(HubStore& store, const std::string& node_id, const std::string& pk_hex) {
  std::string m = NodeKeyMessage(node_id, pk_hex);
  std::array<uint8_t, crypto_sign_BYTES> sig{};
  crypto_sign_detached(sig.data(), nullptr, reinterpret_cast<const uint8_t*>(m.data()), m.size(),
                       store.identity().sign_sk.data());
  SIMPUL_ASSIGN_OR_RETURN(auto* ins, store.db().Cached(
      "INSERT INTO node_keys(node_id,sign_pk,hub_pk,signature,at_ms) VALUES(?,?,?,?,?)"
      " ON CONFLICT(node_id,sign_pk) DO NOTHING"));
  ins->Bind(1, node_id).Bind(2, pk_hex).Bind(3, crypto::ToHex(store.identity().sign_pk))
      .Bind(4, crypto::ToHex(sig)).Bind(5, static_cast<int64_t>(store.NowMs()));
  return ins->Run();
}

// The hub's keys: the current one and the retired ones (hex).
std::set<std::string> HubKeys(HubStore& store) {
  std::set<std::string> keys = {crypto::ToHex(store.identity().sign_pk)};
  for (const auto& id : store.retired_identities()) keys.insert(crypto::ToHex(id.sign_pk));
  return keys;
}

// node id -> the keys the hub vouched for.
Result<std::map<std::string, std::set<std::string>>> TrustedNodeKeys(HubStore& store) {
  std::set<std::string> hub_keys = HubKeys(store);
  std::map<std::string, std::set<std::string>> out;
  SIMPUL_ASSIGN_OR_RETURN(auto st, store.db().Prepare("SELECT node_id,sign_pk,hub_pk,signature FROM node_keys"));
  for (;;) {
    SIMPUL_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    std::string node = st.Text(0), pk = st.Text(1), hub_pk = st.Text(2), sig_hex = st.Text(3);
    uint8_t hpk[crypto_sign_PUBLICKEYBYTES], sig[crypto_sign_BYTES];
    if (!hub_keys.count(hub_pk) || !crypto::FromHex(hub_pk, hpk, sizeof hpk) || !crypto::FromHex(sig_hex, sig, sizeof sig)) continue;
    std::string m = NodeKeyMessage(node, pk);
    if (crypto_sign_verify_detached(sig, reinterpret_cast<const uint8_t*>(m.data()), m.size(), hpk) == 0)
      out[node].insert(pk);
  }
  return out;
}

}  // namespace

Status RecordNodeKey(HubStore& store, const std::string& node_id, const crypto::PublicKey& sign_pk) {
  return InsertNodeKey(store, node_id, crypto::ToHex(sign_pk));
}

Status VouchForNodeKeys(HubStore& store) {
  if (store.Meta("node_keys_vouched") == "1") return Status::Ok();
  SIMPUL_ASSIGN_OR_RETURN(auto txn, store.BeginWrite());
  if (store.Meta("node_keys_vouched") == "1") return Status::Ok();  // another process was first
  SIMPUL_ASSIGN_OR_RETURN(auto st, store.db().Prepare("SELECT node_id,sign_pk FROM nodes"));
  std::vector<std::pair<std::string, std::string>> keys;
  for (;;) {
    SIMPUL_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    keys.emplace_back(st.Text(0), st.Text(1));
  }
  for (const auto& [node, pk] : keys) SIMPUL_RETURN_IF_ERROR(InsertNodeKey(store, node, pk));
  SIMPUL_RETURN_IF_ERROR(store.SetMeta("node_keys_vouched", "1"));
  return txn.Commit();
}

Result<sync::AuditReport> VerifyHubAudit(HubStore& store, const std::string& table) {
  if (table == "hub_audit") {
    std::set<std::string> hub_keys = HubKeys(store);
    std::string hub_id = store.hub_id();
    return sync::VerifyAuditChains(store.db(), table, [&](const std::string& writer, const std::string& signer) {
      return writer == hub_id && hub_keys.count(signer) > 0;
    });
  }
  SIMPUL_ASSIGN_OR_RETURN(auto node_keys, TrustedNodeKeys(store));
  return sync::VerifyAuditChains(store.db(), table, [&](const std::string& writer, const std::string& signer) {
    auto it = node_keys.find(writer);
    return it != node_keys.end() && it->second.count(signer) > 0;
  });
}

}  // namespace simpul::hub
