// sync/session/documents.h: which bytes of which documents a round carries
// (probes of new uploads, segments per frame, resume points, downloads at
// the bytes held) and what the hub's states of uploads change.
#include "sync/session/documents.h"

#include <doctest/doctest.h>

#include <map>

namespace simpul::sync::session {
namespace {

// Documents in memory: content of uploads, bytes held of downloads.
class FakeSource : public DocumentSource {
 public:
  std::map<std::string, std::string> files;
  std::map<std::string, uint64_t> partial;
  Result<std::string> Read(const std::string& sha, uint64_t offset, uint64_t max) const override {
    auto it = files.find(sha);
    if (it == files.end()) return Status::NotFound("no " + sha);
    if (offset >= it->second.size()) return std::string();
    return it->second.substr(offset, max);
  }
  uint64_t PartialSize(const std::string& sha) const override {
    auto it = partial.find(sha);
    return it == partial.end() ? 0 : it->second;
  }
};

DocumentWork Uploads(FakeSource* src, std::map<std::string, size_t> docs) {
  DocumentWork w;
  for (const auto& [sha, n] : docs) {
    src->files[sha] = std::string(n, 'x');
    w.up.push_back(sha);
    w.size[sha] = n;
  }
  return w;
}

// Every chunk of the frames, in order, must continue where the previous
// chunk of its document ended.
void CheckContiguous(const std::vector<Frame>& frames, std::map<std::string, uint64_t> from) {
  for (const auto& f : frames)
    for (const auto& c : f.req.blob_chunks) {
      CHECK(c.offset == from[c.sha256]);
      from[c.sha256] = c.offset + c.data.size();
    }
}

TEST_CASE("streaming: a new upload goes at once from 0 without asking, in 8 KiB frames, at most 64 KiB until "
          "the hub answers") {
  FakeSource src;
  DocumentWork w = Uploads(&src, {{"a", 200 << 10}, {"b", 10 << 10}});
  std::vector<Frame> frames(1);
  auto sent = w.Plan(/*streaming=*/true, /*budget=*/1 << 20, {}, src, {}, &frames);
  REQUIRE(sent.ok());
  CHECK(sent->size() == 2);
  CHECK(frames.front().req.blob_query.empty());
  uint64_t a = 0, b = 0;
  for (const auto& f : frames) {
    uint64_t in_frame = 0;
    for (const auto& c : f.req.blob_chunks) {
      in_frame += c.data.size();
      (c.sha256 == "a" ? a : b) += c.data.size();
    }
    CHECK(in_frame <= kStreamSegment);
  }
  CHECK(a == kProbeBytes);
  CHECK(b == 10 << 10);
  CheckContiguous(frames, {});
  CHECK(w.probe.count("a"));
}

TEST_CASE("the hub's answer: a probed document continues from the hub's point; complete ones are acknowledged; "
          "refused ones are dropped with the reason") {
  FakeSource src;
  DocumentWork w = Uploads(&src, {{"a", 200 << 10}, {"b", 10 << 10}, {"c", 5}});
  std::vector<Frame> frames(1);
  REQUIRE(w.Plan(true, 1 << 20, {}, src, {}, &frames).ok());
  UploadNews news = w.OnStates({{"a", 200 << 10, 64 << 10, false, 0, ""},
                                {"b", 10 << 10, 10 << 10, true, 0, ""},
                                {"c", 5, 0, false, 9, "too large"}});
  CHECK(news.progress);
  CHECK(news.complete == std::vector<std::string>{"b"});
  REQUIRE(news.refused.size() == 1);
  CHECK(news.refused[0].second == "too large");
  CHECK(news.bytes_confirmed == (74u << 10));
  CHECK(w.up == std::vector<std::string>{"a"});
  CHECK_FALSE(w.probe.count("a"));
  frames.assign(1, Frame{});
  REQUIRE(w.Plan(true, 1 << 20, {}, src, {}, &frames).ok());
  uint64_t sent = 0;
  for (const auto& f : frames)
    for (const auto& c : f.req.blob_chunks) sent += c.data.size();
  CHECK(sent == (136u << 10));  // the rest, no longer limited to a probe
  CheckContiguous(frames, {{"a", 64 << 10}});
}

TEST_CASE("unstreamed, or bytes lost in a cut: the hub is asked where it stands before any bytes go") {
  FakeSource src;
  DocumentWork w = Uploads(&src, {{"a", 20 << 10}});
  std::vector<Frame> frames(1);
  auto sent = w.Plan(/*streaming=*/false, 1 << 20, {}, src, {}, &frames);
  REQUIRE(sent.ok());
  CHECK(sent->empty());
  CHECK(frames.front().req.blob_query == std::vector<std::string>{"a"});

  DocumentWork s = Uploads(&src, {{"a", 20 << 10}});
  s.AskAgain("a");
  frames.assign(1, Frame{});
  REQUIRE(s.Plan(true, 1 << 20, {}, src, {}, &frames).ok());
  CHECK(frames.front().req.blob_query == std::vector<std::string>{"a"});
  CHECK(frames.front().req.blob_chunks.empty());
}

TEST_CASE("documents in doubt wait; the budget bounds the bytes of a round") {
  FakeSource src;
  DocumentWork w = Uploads(&src, {{"a", 20 << 10}, {"b", 300 << 10}});
  w.queried = {"a", "b"};  // their hub state is known (0)
  std::vector<Frame> frames(1);
  REQUIRE(w.Plan(true, 100 << 10, {"a"}, src, {}, &frames).ok());
  uint64_t total = 0;
  for (const auto& f : frames)
    for (const auto& c : f.req.blob_chunks) {
      CHECK(c.sha256 == "b");
      total += c.data.size();
    }
  CHECK(total == (100u << 10));
}

TEST_CASE("downloads are asked at the bytes held, within the budget; arrivals and new ones are tracked") {
  FakeSource src;
  DocumentWork w;
  w.down = {"d1", "d2", "d3"};
  w.size = {{"d1", 40 << 10}, {"d2", 40 << 10}, {"d3", 40 << 10}};
  src.partial["d2"] = 1000;
  std::vector<Frame> frames(1);
  REQUIRE(w.Plan(true, 64 << 10, {}, src, {}, &frames).ok());
  const auto& wants = frames.back().req.blob_wants;
  REQUIRE(wants.size() == 2);  // 40 KiB + 40 KiB reach the 64 KiB budget
  CHECK(wants[1].sha256 == "d2");
  CHECK(wants[1].offset == 1000);
  CHECK(wants[1].max_bytes == 24u << 10);
  w.Downloaded("d1");
  CHECK(w.down.size() == 2);
  DocumentWork fresh;
  fresh.down = {"d2", "d4"};
  fresh.size = {{"d2", 1}, {"d4", 77}};
  CHECK(w.AddDownloads(fresh) == std::vector<std::string>{"d4"});
  CHECK(w.size["d4"] == 77);
  CHECK(w.left() == 3);
}

}  // namespace
}  // namespace simpul::sync::session
