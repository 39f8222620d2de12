// Which documents a sync moves, and which bytes of them go in a round.
//
// Records go before documents: a round carries document bytes only once
// the outbox is empty. Uploads resume at the hub's point; a document this
// run has not sent yet goes at once from offset 0 without asking first
// (the question would cost a round trip), at most its first kProbeBytes
// until the hub's answer, so a scan the hub already holds (sent by another
// laptop) costs little. Downloads are asked at the bytes held here.
#ifndef SIMPUL_SYNC_SESSION_DOCUMENTS_H_
#define SIMPUL_SYNC_SESSION_DOCUMENTS_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "schema/status.h"
#include "sync/blobs.h"
#include "sync/session/frame.h"

namespace simpul::sync::session {

// Where the bytes of documents come from (the node's BlobDir; a fake in
// tests).
class DocumentSource {
 public:
  virtual ~DocumentSource() = default;
  virtual Result<std::string> Read(const std::string& sha, uint64_t offset, uint64_t max) const = 0;
  virtual uint64_t PartialSize(const std::string& sha) const = 0;  // bytes of a download held so far
};

class BlobSource : public DocumentSource {
 public:
  explicit BlobSource(const BlobDir& blobs) : blobs_(blobs) {}
  Result<std::string> Read(const std::string& sha, uint64_t offset, uint64_t max) const override {
    return blobs_.Read(sha, offset, max);
  }
  uint64_t PartialSize(const std::string& sha) const override { return blobs_.PartialSize(sha); }

 private:
  const BlobDir& blobs_;
};

// What the hub said of our uploads in one reply (or recovered outcome).
struct UploadNews {
  std::vector<std::string> complete;                         // the hub holds them whole: acknowledged
  std::vector<std::pair<std::string, std::string>> refused;  // sha, the hub's reason
  uint64_t bytes_confirmed = 0;                              // the hub's resume points moved this much
  bool progress = false;
};

// Document bytes per streamed frame (what a cut mid-body can lose: half a
// frame on average; 32 KiB frames cost more than they saved, 4 KiB frames
// no better, a frame's headers being ~230 bytes).
inline constexpr uint64_t kStreamSegment = 8 << 10;
// A document sent without asking: at most this much until the hub answers
// (most KK/KTP scans are smaller).
inline constexpr uint64_t kProbeBytes = 64 << 10;

struct DocumentWork {
  std::vector<std::string> up, down;
  std::map<std::string, uint64_t> size;     // sha -> bytes
  std::map<std::string, uint64_t> hub_has;  // uploads: the hub's resume point
  std::set<std::string> queried;            // uploads whose hub state we know
  std::set<std::string> ask;                // uploads whose hub state must be asked (bytes lost in a cut)
  std::set<std::string> probe;              // uploads sent from 0 without asking: kProbeBytes until answered

  bool empty() const { return up.empty() && down.empty(); }
  size_t left() const { return up.size() + down.size(); }

  // Fills a round that moves documents: queries and chunks of uploads,
  // wants of downloads, appending frames after `frames` (which holds at
  // least one) when streaming. `chunk_budget`: bytes each way. Documents in
  // `in_doubt` wait. Returns the uploads with bytes in the round.
  Result<std::set<std::string>> Plan(bool streaming, uint64_t chunk_budget, const std::set<std::string>& in_doubt,
                                     const DocumentSource& source, const wire::SyncRequest& base,
                                     std::vector<Frame>* frames);
  // The hub's states of our uploads (with their ids resolved).
  UploadNews OnStates(const std::vector<wire::BlobState>& states);
  // Bytes of `sha` may have been lost in a cut: ask the hub where it stands.
  void AskAgain(const std::string& sha);
  // A download is complete.
  void Downloaded(const std::string& sha);
  // Downloads found since the run began (records that arrived); returns the
  // new ones.
  std::vector<std::string> AddDownloads(const DocumentWork& fresh);
};

}  // namespace simpul::sync::session

#endif  // SIMPUL_SYNC_SESSION_DOCUMENTS_H_
