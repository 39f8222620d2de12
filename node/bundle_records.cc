#include "node/bundle_records.h"

#include <sodium.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <functional>
#include <sstream>

#include "sync/wire/codec.h"

namespace simpul::node::internal {

namespace wire = sync::wire;
namespace crypto = sync::crypto;

namespace {
constexpr int kKeptDone = 64;
}  // namespace

// What a bundle asked, kept until its reply is imported (meta
// `bundle_asked_<nonce>`): as in a live sync, the hub answers pushed changes
// and handed-back ones by position (protocol 2) and names documents by their
// place in the request (protocol 3). Only what reading the reply needs is
// kept: the pushed changes' versions, tables and rows, the documents' ids.
std::string EncodeAsked(const Frame& frame, uint64_t counter, const std::string& epoch_seen) {
  wire::SyncRequest kept;
  for (const auto& c : frame.req.push) {
    wire::Change k;
    k.version = c.version;
    k.table = c.table;
    k.row_id = c.row_id;
    kept.push.push_back(std::move(k));
  }
  for (const auto& c : frame.req.blob_chunks) kept.blob_chunks.push_back({c.sha256, c.total_size, c.offset, ""});
  kept.blob_wants = frame.req.blob_wants;
  std::string out = std::to_string(counter) + "\n";
  for (size_t i = 0; i < frame.seqs.size(); ++i) out += (i ? "," : "") + std::to_string(frame.seqs[i]);
  out += "\n";
  for (size_t i = 0; i < frame.handbacks.size(); ++i) out += (i ? "," : "") + frame.handbacks[i];
  out += "\n" + epoch_seen;
  const std::string body = wire::Encode(kept, wire::kProtocolMax, 3);
  return out + "\n" + crypto::ToHex(reinterpret_cast<const uint8_t*>(body.data()), body.size());
}

Result<Asked> DecodeAsked(const std::string& text) {
  const Status damaged = Status::Corruption("the record of what this bundle asked is damaged");
  std::vector<std::string> lines;
  std::stringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  if (lines.size() != 5) return damaged;
  auto number = [](std::string_view s, auto* v) {
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *v);
    return !s.empty() && ec == std::errc() && end == s.data() + s.size();
  };
  Asked a;
  if (!number(lines[0], &a.counter)) return damaged;
  std::stringstream seqs(lines[1]);
  for (std::string s; std::getline(seqs, s, ',');) {
    int64_t seq = 0;
    if (!number(s, &seq)) return damaged;
    a.seqs.push_back(seq);
  }
  std::stringstream hb(lines[2]);
  for (std::string v; std::getline(hb, v, ',');) a.handbacks.push_back(v);
  a.epoch_seen = lines[3];
  std::string body(lines[4].size() / 2, '\0');
  size_t len = 0;
  if (sodium_hex2bin(reinterpret_cast<unsigned char*>(body.data()), body.size(), lines[4].data(), lines[4].size(),
                     nullptr, &len, nullptr) != 0)
    return damaged;
  body.resize(len);
  auto req = wire::DecodeSyncRequest(body);
  if (!req.ok() || req->push.size() != a.seqs.size()) return damaged;
  a.req = std::move(req).value();
  return a;
}

Result<Probe> ProbeKeys(NodeStore& store, const crypto::PublicKey& hub_pk, const std::string& frame,
                        const std::string& prefix) {
  SIMPUL_ASSIGN_OR_RETURN(auto keys, store.db().Prepare("SELECT key, value FROM meta WHERE key LIKE ?"));
  keys.Bind(1, prefix + "%");
  for (;;) {
    SIMPUL_ASSIGN_OR_RETURN(bool row, keys.Step());
    if (!row) break;
    std::string name = keys.Text(0), key_hex = keys.Text(1), nonce_hex = name.substr(prefix.size());
    if (auto colon = key_hex.find(':'); colon != std::string::npos) key_hex = key_hex.substr(colon + 1);
    crypto::SealedRequest probe;
    // A damaged entry (not hex) opens nothing; it must not stop the others.
    if (!crypto::FromHex(nonce_hex, probe.nonce.data(), probe.nonce.size()) ||
        !crypto::FromHex(key_hex, probe.reply_key.data(), probe.reply_key.size()))
      continue;
    auto opened = crypto::OpenReply(probe, hub_pk, frame);
    if (opened.ok()) return Probe{name, std::move(opened).value(), Status::Ok()};
    if (!opened.status().IsCorruption()) return Probe{name, "", opened.status()};  // a signed refusal for it
  }
  return Probe{};
}

Status CloseKey(NodeStore& store, const std::string& open_key) {
  std::string key_hex = store.Meta(open_key);
  SIMPUL_ASSIGN_OR_RETURN(auto* del, store.db().Cached("DELETE FROM meta WHERE key=?"));
  del->Bind(1, open_key);
  SIMPUL_RETURN_IF_ERROR(del->Run());
  del->Bind(1, kAskedPrefix + open_key.substr(std::strlen(kOpenPrefix)));
  SIMPUL_RETURN_IF_ERROR(del->Run());
  char ms[24];
  std::snprintf(ms, sizeof ms, "%020llu", static_cast<unsigned long long>(store.NowMs()));
  SIMPUL_RETURN_IF_ERROR(store.SetMeta(kDonePrefix + open_key.substr(std::strlen(kOpenPrefix)),
                                       std::string(ms) + ":" + key_hex));
  SIMPUL_ASSIGN_OR_RETURN(auto* prune, store.db().Cached(
      "DELETE FROM meta WHERE key LIKE 'bundle_done_%' AND key NOT IN"
      " (SELECT key FROM meta WHERE key LIKE 'bundle_done_%' ORDER BY value DESC LIMIT ?)"));
  prune->Bind(1, kKeptDone);
  return prune->Run();
}

// Bundles whose replies never came back (a stick lost on the river) are
// forgotten beyond the newest kKeptOpen, by counter: a reply to an older one
// is then refused as answering no bundle of this node, and nothing is lost
// (its changes and hand-backs were still waiting and went with the newer
// bundles). A key without a record of what it asked (exported before those
// records existed) or with a damaged one counts as the oldest.
namespace {
constexpr size_t kKeptOpen = 32;
}  // namespace

Status ForgetOldOpenBundles(NodeStore& store) {
  std::vector<std::pair<uint64_t, std::string>> open;  // counter, nonce
  {
    SIMPUL_ASSIGN_OR_RETURN(auto q, store.db().Prepare(
        "SELECT substr(k.key, ?), a.value FROM meta k LEFT JOIN meta a ON a.key = ? || substr(k.key, ?)"
        " WHERE k.key LIKE ?"));
    const int nonce_from = static_cast<int>(std::strlen(kOpenPrefix)) + 1;
    q.Bind(1, nonce_from);
    q.Bind(2, std::string(kAskedPrefix));
    q.Bind(3, nonce_from);
    q.Bind(4, std::string(kOpenPrefix) + "%");
    for (;;) {
      SIMPUL_ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) break;
      const std::string asked = q.Text(1);
      uint64_t counter = 0;
      std::from_chars(asked.data(), asked.data() + std::min(asked.find('\n'), asked.size()), counter);
      open.emplace_back(counter, q.Text(0));
    }
  }
  if (open.size() <= kKeptOpen) return Status::Ok();
  std::sort(open.begin(), open.end(), std::greater<>());
  SIMPUL_ASSIGN_OR_RETURN(auto* del, store.db().Cached("DELETE FROM meta WHERE key=?"));
  for (size_t i = kKeptOpen; i < open.size(); ++i) {
    for (const char* prefix : {kAskedPrefix, kOpenPrefix}) {
      del->Bind(1, prefix + open[i].second);
      SIMPUL_RETURN_IF_ERROR(del->Run());
    }
  }
  return Status::Ok();
}

}  // namespace simpul::node::internal
