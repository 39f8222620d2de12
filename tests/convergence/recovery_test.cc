// Protocol 3 recovery (PROTOCOL.md §19), in-process: a node syncs to a hub
// over a link that streams like HTTP and cuts chosen round trips, after the
// hub handled the whole request or part of a streamed body. The node must
// settle what the hub did from its record instead of pushing the changes
// again or asking about each document in flight.
#include <doctest/doctest.h>

#include <fstream>
#include <functional>
#include <optional>
#include <random>

#include "hub/operations.h"
#include "hub/store.h"
#include "hub/sync_service.h"
#include "node/documents.h"
#include "node/records.h"
#include "node/store.h"
#include "node/sync_client.h"
#include "sync/blobs.h"
#include "sync/transport/transport.h"
#include "tests/support/temp_dir.h"

namespace simpul {
namespace {

// The hub in-process behind a link that streams (/v1/stream) and cuts the
// round trips `cut_at` names: the hub receives `keep` bytes of the body
// (all of it: the reply is lost; part of a stream: its whole frames are
// handled; 0: nothing arrives).
class CuttingLink : public sync::Transport {
 public:
  explicit CuttingLink(hub::HubStore& hub) : hub_(hub) {}
  std::function<std::optional<size_t>(int round_trip, const std::string& endpoint, size_t body)> cut_at;
  std::function<void()> after_cut;                      // runs once the hub handled a cut body
  std::vector<std::pair<std::string, size_t>> bodies;  // endpoint, bytes, per round trip
  uint64_t pushed_to_hub = 0;                          // changes in requests the hub handled

  bool streams() const override { return true; }
  Result<std::string> RoundTrip(const std::string& endpoint, const std::string& body) override {
    int n = static_cast<int>(bodies.size());  // the test clears `bodies` after the enrolment
    ++round_trips_;
    sent_ += body.size();
    bodies.emplace_back(endpoint, body.size());
    if (endpoint == "/v1/enrol") return hub::HandleEnrol(hub_, body);
    std::optional<size_t> keep = cut_at ? cut_at(n, endpoint, body.size()) : std::nullopt;
    hub::RequestLog log;
    if (keep) {
      if (endpoint == "/v1/stream") (void)hub::HandleStream(hub_, body.substr(0, *keep), {}, &log, true);
      else if (*keep >= body.size()) (void)hub::HandleSync(hub_, body, {}, &log);
      pushed_to_hub += log.pushed;
      if (after_cut) after_cut();
      return Status::Unavailable("link cut");
    }
    std::string reply =
        endpoint == "/v1/stream" ? hub::HandleStream(hub_, body, {}, &log) : hub::HandleSync(hub_, body, {}, &log);
    pushed_to_hub += log.pushed;
    received_ += reply.size();
    return reply;
  }
  uint64_t bytes_sent() const override { return sent_; }
  uint64_t bytes_received() const override { return received_; }
  uint64_t round_trips() const override { return round_trips_; }

 private:
  hub::HubStore& hub_;
  uint64_t sent_ = 0, received_ = 0, round_trips_ = 0;
};

struct World {
  testing::TempDir dir;
  std::unique_ptr<hub::HubStore> hub;
  std::unique_ptr<node::NodeStore> node;
  std::unique_ptr<CuttingLink> link;

  World() {
    auto h = hub::HubStore::Init(dir.File("hub"), "test hub", sync::SystemClock::Default());
    REQUIRE(h.ok());
    hub = std::move(h).value();
    auto n = node::NodeStore::Init(dir.File("node"), "35.10.01.2001", sync::SystemClock::Default(),
                                   testing::kTestPassphrase);
    REQUIRE(n.ok());
    node = std::move(n).value();
    link = std::make_unique<CuttingLink>(*hub);
    auto code = hub::CreateEnrolment(*hub, "35.10.01.2001", 7);
    REQUIRE(code.ok());
    REQUIRE(node::Enrol(*node, *link, "http://127.0.0.1:1", *code).ok());
    CHECK(node->Meta("hub_protocol") == std::to_string(sync::wire::kProtocolMax));  // told at enrolment
    link->bodies.clear();
  }
  int64_t HubCount(const std::string& sql) {
    auto st = hub->db().Prepare(sql);
    REQUIRE(st.ok());
    REQUIRE(*st->Step());
    return st->Int(0);
  }
  int64_t NodeCount(const std::string& sql) {
    auto st = node->db().Prepare(sql);
    REQUIRE(st.ok());
    REQUIRE(*st->Step());
    return st->Int(0);
  }
};

// One application with `n` documents of random bytes (incompressible, like
// scans), `min` to `min + span` bytes each, attached as `kind`; returns
// their total size.
uint64_t AttachRandomDocuments(World& w, int n, size_t min, size_t span, uint64_t seed, const std::string& kind) {
  auto hh = node::CreateRecord(*w.node, node::Entity::kHousehold, {{"address", "Dusun Krajan"}});
  REQUIRE(hh.ok());
  auto p = node::CreateRecord(*w.node, node::Entity::kPerson,
                              {{"household", hh->id}, {"name", "Warga"}, {"nik", "3510015211870002"}});
  REQUIRE(p.ok());
  auto app = node::CreateRecord(*w.node, node::Entity::kApplication,
                                {{"type", "poverty_statement"}, {"applicant", p->id}, {"purpose", "Berobat"}});
  REQUIRE(app.ok());
  std::mt19937_64 rng(seed);
  uint64_t total = 0;
  for (int i = 0; i < n; ++i) {
    std::string bytes(min + rng() % span, '\0');
    for (auto& c : bytes) c = static_cast<char>(rng());
    std::string file = w.dir.File("doc" + std::to_string(i));
    std::ofstream(file, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    REQUIRE(node::AttachDocument(*w.node, app->id, kind, file).ok());
    total += bytes.size();
  }
  return total;
}

TEST_CASE("a push whose reply a cut lost is settled from the hub's record, not pushed again") {
  World w;
  for (int i = 0; i < 40; ++i)
    REQUIRE(node::CreateRecord(*w.node, node::Entity::kHousehold,
                               {{"address", "Dusun Krajan " + std::to_string(i)}, {"rt", "001"}}).ok());
  const int64_t changes = w.NodeCount("SELECT count(*) FROM outbox");
  // The first push (after the round that measures the link, PROTOCOL.md
  // §12) reaches the hub whole; its reply is lost.
  w.link->cut_at = [](int n, const std::string&, size_t body) -> std::optional<size_t> {
    return n == 1 ? std::optional<size_t>(body) : std::nullopt;
  };
  auto s = node::SyncOnce(*w.node, *w.link, node::SyncOptions{});
  REQUIRE_MESSAGE(s.ok(), s.status().ToString());
  CHECK(s->cuts == 1);
  CHECK(s->recovered == 1);
  CHECK(s->verified);
  // What the sync pushed: the households, and the audit chain's signed head
  // the node writes before pushing (PROTOCOL.md §20); acknowledged changes
  // are kept as such for a restored hub (§22).
  const int64_t pushed = w.NodeCount("SELECT count(*) FROM outbox WHERE state='acked'");
  CHECK(pushed >= changes);
  CHECK(s->acked == static_cast<uint64_t>(pushed));
  CHECK(w.NodeCount("SELECT count(*) FROM outbox WHERE state!='acked'") == 0);
  CHECK(w.HubCount("SELECT count(*) FROM households") == 40);
  // The changes crossed the link once: the round after the cut only asked.
  CHECK(w.link->pushed_to_hub == static_cast<uint64_t>(pushed));
  REQUIRE(w.link->bodies.size() >= 3);
  CHECK(w.link->bodies[0].second < 400);  // the measuring round pushed nothing
  CHECK(w.link->bodies[2].second * 4 < w.link->bodies[1].second);
  // Two round trips: the recovering one carried the digests, as its changes
  // in doubt were not reported as waiting (protocol 6 leaves them out).
  CHECK(w.link->bodies.size() == 3);
}

TEST_CASE("a cut inside a streamed round: whole frames settle from the record, the rest goes again once") {
  World w;
  std::vector<std::string> apps;
  for (int i = 0; i < 300; ++i)
    REQUIRE(node::CreateRecord(*w.node, node::Entity::kHousehold,
                               {{"address", "Dusun Krajan " + std::to_string(i)}, {"rt", "002"}}).ok());
  const int64_t changes = w.NodeCount("SELECT count(*) FROM outbox");
  node::SyncOptions opt;
  opt.batch = 50;  // frames of 50 changes: the first round carries two
  // The first round's body is cut in its second frame: the hub handles the first.
  w.link->cut_at = [](int n, const std::string& endpoint, size_t body) -> std::optional<size_t> {
    if (n == 1) REQUIRE(endpoint == "/v1/stream");  // after the round that measures the link
    return n == 1 ? std::optional<size_t>(body * 3 / 4) : std::nullopt;
  };
  auto s = node::SyncOnce(*w.node, *w.link, opt);
  REQUIRE_MESSAGE(s.ok(), s.status().ToString());
  CHECK(s->cuts == 1);
  CHECK(s->recovered == 1);
  CHECK(s->verified);
  const int64_t pushed = w.NodeCount("SELECT count(*) FROM outbox WHERE state='acked'");  // + the audit head
  CHECK(pushed >= changes);
  CHECK(w.NodeCount("SELECT count(*) FROM outbox WHERE state!='acked'") == 0);
  CHECK(w.HubCount("SELECT count(*) FROM households") == 300);
  // Every change reached the hub once: the frame it handled was settled from
  // its record, only the frame cut in transit went again.
  CHECK(w.HubCount("SELECT count(*) FROM applied WHERE code=0") == pushed);
  CHECK(w.link->pushed_to_hub == static_cast<uint64_t>(pushed));
}

TEST_CASE("documents in flight during a cut resume where the hub's record says, without a question") {
  World w;
  const uint64_t total = AttachRandomDocuments(w, 12, 3000, 6000, 7, "kk");
  // Records first, without a cut; then the first round of documents is cut
  // in its middle.
  int doc_round = -1;
  w.link->cut_at = [&](int n, const std::string& endpoint, size_t body) -> std::optional<size_t> {
    if (endpoint == "/v1/stream" && doc_round < 0) doc_round = n;
    return n == doc_round ? std::optional<size_t>(body / 2) : std::nullopt;
  };
  // What the hub holds of the documents right after the cut.
  sync::BlobDir hub_blobs = w.hub->blobs();  // sealed under the hub data key
  std::vector<std::string> shas;
  {
    auto st = w.node->db().Prepare("SELECT sha256 FROM attachments");
    REQUIRE(st.ok());
    while (*st->Step()) shas.push_back(st->Text(0));
  }
  uint64_t held = 0;
  w.link->after_cut = [&] {
    for (const auto& sha : shas) {
      auto size = hub_blobs.SizeOf(sha);
      held += hub_blobs.Has(sha) && size.ok() ? *size : hub_blobs.PartialSize(sha);
    }
  };
  auto s = node::SyncOnce(*w.node, *w.link, node::SyncOptions{});
  REQUIRE_MESSAGE(s.ok(), s.status().ToString());
  CHECK(s->cuts == 1);
  CHECK(s->recovered >= 1);
  CHECK(s->docs_sent == 12);
  CHECK(s->docs_pending == 0);
  for (const auto& sha : shas) CHECK(hub_blobs.Has(sha));
  // The cut body delivered some documents whole and some in part.
  CHECK(held > 0);
  CHECK(held < total);
  // After the cut only what the hub lacked crosses, plus frame headers: no
  // document restarted from zero, none crossed twice, no question asked.
  REQUIRE(doc_round >= 0);
  uint64_t after = 0;
  for (size_t i = static_cast<size_t>(doc_round) + 1; i < w.link->bodies.size(); ++i) after += w.link->bodies[i].second;
  CHECK(after >= total - held);
  CHECK(after < (total - held) * 11 / 10 + 1500);
}


TEST_CASE("three cuts in a row: every request in doubt is settled, none asked about, nothing sent twice") {
  World w;
  AttachRandomDocuments(w, 60, 1000, 2000, 11, "ktp");
  // The first three document round trips are cut two thirds in (the third
  // carries only the question, and loses it): the hub's last counter then
  // lies past requests of the first round it never received.
  int first = -1;
  w.link->cut_at = [&](int n, const std::string& endpoint, size_t body) -> std::optional<size_t> {
    if (endpoint == "/v1/stream" && first < 0) first = n;
    return first >= 0 && n >= first && n < first + 3 ? std::optional<size_t>(body * 2 / 3) : std::nullopt;
  };
  auto s = node::SyncOnce(*w.node, *w.link, node::SyncOptions{});
  REQUIRE_MESSAGE(s.ok(), s.status().ToString());
  CHECK(s->cuts == 3);
  CHECK(s->docs_sent == 60);
  CHECK(s->docs_pending == 0);
  CHECK(s->recovered >= 2);
  // After the cuts: one round that only asks what became of them (every
  // document left was in doubt), then rounds of document bytes. A request
  // the hub's last counter lies past, but that it never received, is known
  // as such (no outcome within the window): no round of questions about
  // documents (a few hundred bytes) follows.
  const size_t after = static_cast<size_t>(first) + 3;
  REQUIRE(w.link->bodies.size() > after + 1);
  CHECK(w.link->bodies[after].second < 400);
  for (size_t i = after + 1; i < w.link->bodies.size(); ++i) {
    INFO("round trip " << i << " of " << w.link->bodies.size());
    CHECK(w.link->bodies[i].second > 1000);
  }
}

}  // namespace
}  // namespace simpul
