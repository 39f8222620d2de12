#include "sync/session/documents.h"

#include <algorithm>

namespace simpul::sync::session {
namespace {

// Most documents asked about in one request.
constexpr size_t kMostQueries = 200;
// Most bytes of one download asked in one request.
constexpr uint64_t kMostWant = 1 << 20;

}  // namespace

Result<std::set<std::string>> DocumentWork::Plan(bool streaming, uint64_t chunk_budget,
                                                 const std::set<std::string>& in_doubt, const DocumentSource& source,
                                                 const wire::SyncRequest& base, std::vector<Frame>* frames) {
  std::set<std::string> chunks_sent;
  for (const auto& sha : up) {
    if (queried.count(sha) || in_doubt.count(sha)) continue;
    if (streaming && !ask.count(sha)) {
      probe.insert(sha);
      queried.insert(sha);
      continue;
    }
    if (frames->back().req.blob_query.size() < kMostQueries) frames->back().req.blob_query.push_back(sha);
  }
  if (frames->back().req.blob_query.empty()) {
    // Chunks at the hub's resume points, cut into frames of at most
    // kStreamSegment bytes when streaming; each frame's chunk of a document
    // starts where the previous frame's ended.
    uint64_t budget = chunk_budget, in_frame = 0;
    const uint64_t segment = streaming ? kStreamSegment : chunk_budget;
    for (const auto& sha : up) {
      if (budget == 0) break;
      if (in_doubt.count(sha)) continue;
      uint64_t have = hub_has[sha];
      const uint64_t total = size[sha];
      const uint64_t until = probe.count(sha) ? std::min(total, have + kProbeBytes) : total;
      while (budget > 0 && have < until) {
        if (in_frame >= segment) {
          frames->push_back(Frame{base, {}, {}});
          in_frame = 0;
        }
        const uint64_t n = std::min({budget, until - have, segment - in_frame});
        SIMPUL_ASSIGN_OR_RETURN(std::string data, source.Read(sha, have, n));
        if (data.empty()) break;
        budget -= data.size();
        in_frame += data.size();
        chunks_sent.insert(sha);
        const uint64_t offset = have;
        have += data.size();
        frames->back().req.blob_chunks.push_back({sha, total, offset, std::move(data)});
      }
    }
  }
  uint64_t down_budget = chunk_budget;
  for (const auto& sha : down) {
    if (down_budget == 0) break;
    const uint64_t want = std::min(down_budget, kMostWant);
    frames->back().req.blob_wants.push_back({sha, source.PartialSize(sha), static_cast<uint32_t>(want)});
    down_budget -= std::min(down_budget, std::max<uint64_t>(size[sha], 1));
  }
  return chunks_sent;
}

UploadNews DocumentWork::OnStates(const std::vector<wire::BlobState>& states) {
  UploadNews news;
  for (const auto& st : states) {
    auto it = std::find(up.begin(), up.end(), st.sha256);
    if (it == up.end()) continue;
    if (st.code != 0) {
      // Refused (too large, not in scope): kept locally, not retried in this run.
      news.refused.emplace_back(st.sha256, st.message);
      up.erase(it);
      continue;
    }
    queried.insert(st.sha256);
    probe.erase(st.sha256);
    const uint64_t before = hub_has[st.sha256];
    hub_has[st.sha256] = st.have;
    if (st.have > before) news.bytes_confirmed += st.have - before;
    if (st.complete) {
      news.complete.push_back(st.sha256);
      up.erase(it);
    }
    news.progress = true;
  }
  return news;
}

void DocumentWork::AskAgain(const std::string& sha) {
  queried.erase(sha);
  ask.insert(sha);
}

void DocumentWork::Downloaded(const std::string& sha) {
  auto it = std::find(down.begin(), down.end(), sha);
  if (it != down.end()) down.erase(it);
}

std::vector<std::string> DocumentWork::AddDownloads(const DocumentWork& fresh) {
  std::vector<std::string> added;
  for (const auto& sha : fresh.down)
    if (std::find(down.begin(), down.end(), sha) == down.end()) {
      down.push_back(sha);
      size[sha] = fresh.size.count(sha) ? fresh.size.at(sha) : 0;
      added.push_back(sha);
    }
  return added;
}

}  // namespace simpul::sync::session
