#include "sync/session/doubts.h"

#include <algorithm>
#include <map>

#include "sync/wire/codec.h"

namespace simpul::sync::session {
namespace {

// A round that delivered less than this before its cut measures the
// latency, not the rate.
constexpr uint64_t kRateSampleBytes = 16 << 10;

std::map<uint64_t, const wire::RecoveredReply*> ByCounter(const wire::SyncReply& reply) {
  std::map<uint64_t, const wire::RecoveredReply*> out;
  for (const auto& r : reply.recovered) out[r.counter] = &r;
  return out;
}

}  // namespace

void Doubts::Add(uint64_t counter, const Frame& f, uint64_t body_end, double cut_after_s) {
  if (f.seqs.empty() && f.req.blob_chunks.empty()) return;  // nothing to settle
  sent.push_back({counter, f, body_end, cut_after_s});
  seqs.insert(f.seqs.begin(), f.seqs.end());
  for (const auto& c : f.req.push) rows.insert({c.table, c.row_id});
  for (const auto& c : f.req.blob_chunks) docs.insert(c.sha256);
}

std::vector<Verdict> Judge(const Doubts& doubts, const wire::SyncReply& reply) {
  const auto by_counter = ByCounter(reply);
  std::vector<Verdict> out;
  for (const auto& d : doubts.sent) {
    auto it = by_counter.find(d.counter);
    // Never reached the hub (its last counter may be past it: a later round's).
    if (reply.protocol >= 3 && it == by_counter.end() &&
        (d.counter > reply.handled_through || reply.handled_through - d.counter < wire::kRecoveryWindow)) {
      out.push_back({&d, Verdict::Fate::kNotReached, {}, {}});
      continue;
    }
    if (reply.protocol >= 3 && it != by_counter.end() && it->second->results.size() == d.frame.req.push.size()) {
      std::vector<wire::BlobState> states = it->second->blob_states;
      if (wire::ResolveBlobStates(d.frame.req, &states).ok()) {
        out.push_back({&d, Verdict::Fate::kHandled, it->second->results, std::move(states)});
        continue;
      }
    }
    out.push_back({&d, Verdict::Fate::kAsk, {}, {}});
  }
  return out;
}

std::vector<double> DeliveryRates(const Doubts& doubts, const wire::SyncReply& reply) {
  std::vector<double> out;
  if (reply.protocol < 3) return out;
  const auto by_counter = ByCounter(reply);
  // Frames of a round share cut_after_s; rounds follow in counter order.
  std::map<double, std::pair<uint64_t, bool>> rounds;  // cut_after_s -> handled bytes, some not handled
  for (const auto& d : doubts.sent) {
    auto& r = rounds[d.cut_after_s];
    if (by_counter.count(d.counter)) r.first = std::max(r.first, d.body_end);
    else r.second = true;
  }
  for (const auto& [after_s, r] : rounds) {
    if (!r.second || r.first < kRateSampleBytes || after_s <= 0) continue;
    out.push_back(static_cast<double>(r.first) / after_s);
  }
  return out;
}

}  // namespace simpul::sync::session
