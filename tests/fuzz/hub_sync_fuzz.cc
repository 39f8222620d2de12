// Fuzzes the hub's whole request path (hub/sync_service.h): HandleSync,
// HandleBundle and HandleEnrol over one HubStore, created once in a temp dir
// with a fixed key and three enrolled nodes (node-a and node-b of kVillage,
// node-r revoked). Byte 0 picks the mode (HubMode in fuzz_common.h):
//   - raw modes feed the payload as the frame: everything before and at
//     authentication (frame, header, versions, node lookup, AEAD, MAC);
//   - sealed modes seal the payload as a real node would, so the fuzzer
//     reaches what only an enrolled node reaches: decoding of the body, the
//     merge of pushed changes, pulls, snapshots, repairs and documents, and
//     enrolment with a valid code.
// Every node's replay counter is reset before each input and sealed inputs
// use counter 1, so an input means the same thing whenever it runs (the
// store does keep what earlier inputs pushed).
//
// Properties, beyond "no crash, no leak, no undefined behaviour":
//   - every answer is a well-formed frame of an expected kind;
//   - a sealed request's answer opens at the node that sent it: either a
//     reply body the node can decode, or the hub's signed error;
//   - an enrolment answer opens at the node: an enrolment reply naming the
//     hub's key, or an error.
#include <stdlib.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>

#include "hub/operations.h"
#include "hub/store.h"
#include "hub/sync_service.h"
#include "sync/hlc.h"
#include "sync/wire/stream.h"
#include "tests/fuzz/fuzz_common.h"

namespace simpul::fuzz {
namespace {

class FixedClock : public sync::Clock {
 public:
  uint64_t NowMs() override { return kHubClockMs; }
};

bool StartsWith(const std::string& s, std::string_view prefix) { return s.rfind(prefix, 0) == 0; }

struct FuzzHub {
  FixedClock clock;
  std::string root;  // temp dir, removed at exit
  std::unique_ptr<hub::HubStore> store;
  crypto::Identity hub_key = FixedIdentity(kHubSeed);
  crypto::Identity node_a = FixedIdentity(kNodeASeed);
  crypto::Identity node_b = FixedIdentity(kNodeBSeed);
  crypto::Identity node_r = FixedIdentity(kNodeRSeed);
};

FuzzHub* g_hub = nullptr;
// SIMPUL_FUZZ_VERBOSE=1: print what the hub did with each input (to check
// that seeds reach what they are meant to).
bool g_verbose = false;
hub::RequestLog g_log;

void Report(const char* what) {
  if (!g_verbose) return;
  std::fprintf(stderr, "hub_sync_fuzz: %s node=%s village=%s outcome=%s pushed=%zu applied=%zu refused=%zu pulled=%zu\n",
               what, g_log.node_id.c_str(), g_log.village.c_str(), g_log.outcome.c_str(), g_log.pushed, g_log.applied,
               g_log.refused, g_log.pulled);
}

void Cleanup() {
  if (!g_hub) return;
  g_hub->store.reset();
  std::error_code ec;
  std::filesystem::remove_all(g_hub->root, ec);
}

void Exec(const std::string& sql) {
  Status st = g_hub->store->db().Exec(sql);
  if (!st.ok()) Die(sql + ": " + st.ToString());
}

void AddCode(const crypto::EnrolCode& code, const std::string& village) {
  auto ins = g_hub->store->db().Cached(
      "INSERT INTO enrolments(code_id,mac_key,village,created_at_ms,expires_at_ms) VALUES(?,?,?,?,?)");
  if (!ins.ok()) Die(ins.status().ToString());
  (*ins)->Bind(1, code.id).Bind(2, crypto::EnrolMacKeyHex(code.secret)).Bind(3, village)
      .Bind(4, static_cast<int64_t>(kHubClockMs))
      .Bind(5, static_cast<int64_t>(kHubClockMs + 3650ull * 86400000ull));
  if (Status st = (*ins)->Run(); !st.ok()) Die(st.ToString());
}

void Enrol(const crypto::EnrolCode& code, const std::string& node_id, const crypto::Identity& key) {
  wire::EnrolRequest req;
  req.code_id = code.id;
  req.node_id = node_id;
  req.village = kVillage;
  req.node_sign_pk = key.sign_pk;
  req.schema_version = static_cast<uint32_t>(SchemaVersion());
  std::string frame = crypto::SealEnrolRequest(code, req);
  std::string reply = hub::HandleEnrol(*g_hub->store, frame);
  auto r = crypto::OpenEnrolReply(code, frame, reply);
  if (!r.ok()) Die("enrol " + node_id + ": " + r.status().ToString());
}

// Seals `body` as `node` and hands it to the hub; returns {request, reply}.
std::pair<crypto::SealedRequest, std::string> Send(const std::string& node_id, const crypto::Identity& key,
                                                   std::string_view body, bool bundle) {
  auto sealed = crypto::SealRequest(key, g_hub->hub_key.sign_pk, Header(node_id, 1), body);
  if (!sealed.ok()) Die(sealed.status().ToString());
  g_log = {};
  std::string reply = bundle ? hub::HandleBundle(*g_hub->store, sealed->frame, &g_log)
                             : hub::HandleSync(*g_hub->store, sealed->frame, {}, &g_log);
  return {std::move(sealed).value(), std::move(reply)};
}

void ResetCounters() { Exec("UPDATE nodes SET last_counter=0"); }

// Some rows for node-b to pull and node-a to repair: households and a
// document with its attachment row, pushed by node-a.
void Populate() {
  ResetCounters();
  std::string doc = kFuzzDocument;
  std::string sha = Sha256Hex(doc);
  wire::SyncRequest req;
  req.initial = false;
  for (int i = 1; i <= 3; ++i) {
    std::string version = sync::Hlc::FormatVersion(sync::Stamp::Make(kHubClockMs - 1000 + i, 0), kNodeA);
    std::string row = "018bcfe5-6800-7000-8000-00000000000" + std::to_string(i);
    req.push.push_back(wire::Change{version, "households", row, kVillage, 0,
                                    {{"address", schema::Value(std::string("Jl. Fuzz ") + std::to_string(i)), ""},
                                     {"rt", schema::Value(std::string("00") + std::to_string(i)), ""}}});
  }
  req.push.push_back(wire::Change{sync::Hlc::FormatVersion(sync::Stamp::Make(kHubClockMs - 500, 0), kNodeA),
                                  "attachments", "018bcfe5-6800-7000-8000-0000000000d1", kVillage, 0,
                                  {{"kind", schema::Value(std::string("kk")), ""},
                                   {"sha256", schema::Value(sha), ""},
                                   {"size", schema::Value(static_cast<int64_t>(doc.size())), ""}}});
  req.blob_chunks.push_back({sha, doc.size(), 0, doc});
  auto [sealed, reply] = Send(kNodeA, g_hub->node_a, wire::Encode(req), false);
  auto body = crypto::OpenReply(sealed, g_hub->hub_key.sign_pk, reply);
  if (!body.ok()) Die("populate: " + body.status().ToString());
  auto r = wire::DecodeSyncReply(*body);
  if (!r.ok()) Die("populate: " + r.status().ToString());
  for (const auto& item : r->results)
    if (item.code != 0) Die("populate: change refused: " + item.message);
}

void Setup() {
  const char* verbose = getenv("SIMPUL_FUZZ_VERBOSE");
  g_verbose = verbose && *verbose && *verbose != '0';
  g_hub = new FuzzHub();
  const char* tmp = getenv("TMPDIR");
  std::string tmpl = std::string(tmp && *tmp ? tmp : "/tmp") + "/simpul-hub-fuzz.XXXXXX";
  if (!mkdtemp(tmpl.data())) Die("mkdtemp " + tmpl);
  g_hub->root = tmpl;
  atexit(Cleanup);
  std::string dir = g_hub->root + "/hub";
  {
    auto made = hub::HubStore::Init(dir, "Fuzz hub", &g_hub->clock);
    if (!made.ok()) Die(made.status().ToString());
  }
  // The fixed hub key, so the committed seeds are sealed for this hub.
  {
    std::ofstream key(dir + "/hub.key", std::ios::binary | std::ios::trunc);
    key << crypto::ExportIdentity(g_hub->hub_key);
    if (!key) Die("cannot write the hub key");
  }
  auto opened = hub::HubStore::Open(dir, &g_hub->clock);
  if (!opened.ok()) Die(opened.status().ToString());
  g_hub->store = std::move(opened).value();
  if (g_hub->store->identity().sign_pk != g_hub->hub_key.sign_pk) Die("hub key not fixed");
  Exec("PRAGMA synchronous=OFF");  // speed; durability is not under test here
  AddCode(CodeA(), kVillage);
  AddCode(CodeB(), kVillage);
  AddCode(CodeR(), kVillage);
  AddCode(FuzzCode(), kOtherVillage);
  Enrol(CodeA(), kNodeA, g_hub->node_a);
  Enrol(CodeB(), kNodeB, g_hub->node_b);
  Enrol(CodeR(), kNodeRevoked, g_hub->node_r);
  if (Status st = hub::RevokeNode(*g_hub->store, kNodeRevoked, "fuzz"); !st.ok()) Die(st.ToString());
  Populate();
}

// The answer to a sealed request must open at its sender.
void CheckSealedAnswer(const crypto::SealedRequest& sealed, const std::string& reply) {
  auto f = crypto::ParseFrame(reply);
  SIMPUL_FUZZ_CHECK(f.ok(), "hub answer is not a frame: " + f.status().ToString());
  SIMPUL_FUZZ_CHECK(f->kind == crypto::FrameKind::kSealedReply || f->kind == crypto::FrameKind::kSignedError,
                    "hub answered a sync request with frame kind " + std::to_string(static_cast<int>(f->kind)));
  auto body = crypto::OpenReply(sealed, g_hub->hub_key.sign_pk, reply);
  if (body.ok()) {
    auto r = wire::DecodeSyncReply(*body);
    SIMPUL_FUZZ_CHECK(r.ok(), "the node cannot decode the hub's reply: " + r.status().ToString());
    if (g_verbose)
      for (const auto& item : r->results)
        if (item.code != 0) std::fprintf(stderr, "hub_sync_fuzz:   refused %s: %s\n", item.version.c_str(), item.message.c_str());
  } else {
    SIMPUL_FUZZ_CHECK(StartsWith(body.status().message(), "hub: "),
                      "the hub's answer does not open at the node: " + body.status().ToString());
  }
}

void CheckRawAnswer(const std::string& reply, bool enrol) {
  auto f = crypto::ParseFrame(reply);
  SIMPUL_FUZZ_CHECK(f.ok(), "hub answer is not a frame: " + f.status().ToString());
  auto ok_kind = enrol ? crypto::FrameKind::kEnrolReply : crypto::FrameKind::kSealedReply;
  SIMPUL_FUZZ_CHECK(f->kind == ok_kind || f->kind == crypto::FrameKind::kSignedError,
                    "unexpected answer frame kind " + std::to_string(static_cast<int>(f->kind)));
  if (f->kind == crypto::FrameKind::kSignedError) {
    // Verifiable with the zero nonce or the request's; either way its
    // payload must decode (a node shows it to the operator).
    SIMPUL_FUZZ_CHECK(f->body.size() >= 2, "signed error truncated");
    size_t plen = (static_cast<uint8_t>(f->body[0]) << 8) | static_cast<uint8_t>(f->body[1]);
    SIMPUL_FUZZ_CHECK(f->body.size() == 2 + plen + crypto_sign_BYTES, "signed error length");
    auto e = wire::DecodeRawError(f->body.substr(2, plen));
    SIMPUL_FUZZ_CHECK(e.ok(), "the hub's error does not decode: " + e.status().ToString());
  }
}

void Run(uint8_t mode, std::string_view in) {
  ResetCounters();
  hub::HubStore& store = *g_hub->store;
  g_log = {};
  switch (mode) {
    case kHubRawSync: {
      CheckRawAnswer(hub::HandleSync(store, std::string(in), {}, &g_log), false);
      Report("raw sync");
      // The same bytes as a streamed body (/v1/stream), whole and cut by
      // the link: every answer frame is a reply or a signed error.
      const std::string streamed = hub::HandleStream(store, std::string(in));  // the frames view into it
      auto answers = wire::SplitFrames(streamed, false);
      SIMPUL_FUZZ_CHECK(answers.ok() && !answers->frames.empty(), "stream answer is not frames");
      for (std::string_view a : answers->frames) CheckRawAnswer(std::string(a), false);
      (void)hub::HandleStream(store, std::string(in), {}, nullptr, /*truncated=*/true);
      break;
    }
    case kHubRawBundle:
      CheckRawAnswer(hub::HandleBundle(store, std::string(in), &g_log), false);
      Report("raw bundle");
      break;
    case kHubRawEnrol:
      CheckRawAnswer(hub::HandleEnrol(store, std::string(in), &g_log), true);
      Report("raw enrol");
      break;
    case kHubSealedA:
    case kHubSealedB:
    case kHubSealedBundleA:
    case kHubSealedBodyA: {
      bool b = mode == kHubSealedB;
      std::string body = mode == kHubSealedBodyA ? std::string(in) : wire::Compress(in);
      auto [sealed, reply] = Send(b ? kNodeB : kNodeA, b ? g_hub->node_b : g_hub->node_a, body,
                                  mode == kHubSealedBundleA);
      CheckSealedAnswer(sealed, reply);
      Report(mode == kHubSealedB ? "sealed by node-b" : mode == kHubSealedBundleA ? "sealed bundle by node-a"
                                                                                : "sealed by node-a");
      break;
    }
    case kHubSealedEnrol: {
      std::string frame = SealEnrolRequestPayload(FuzzCode(), in);
      std::string reply = hub::HandleEnrol(store, frame, &g_log);
      Report("sealed enrol");
      CheckRawAnswer(reply, true);
      auto r = crypto::OpenEnrolReply(FuzzCode(), frame, reply);
      if (r.ok())
        SIMPUL_FUZZ_CHECK(r->hub_sign_pk == g_hub->hub_key.sign_pk && r->village == kOtherVillage,
                          "enrolment reply with the wrong hub key or village");
      break;
    }
    default:
      break;
  }
}

}  // namespace
}  // namespace simpul::fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  simpul::fuzz::Setup();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  simpul::fuzz::Run(data[0] % simpul::fuzz::kHubModeCount,
                    std::string_view(reinterpret_cast<const char*>(data + 1), size - 1));
  return 0;
}
