// Writes the seed corpus of every fuzz target: a few small valid inputs per
// target (encoded messages, frames sealed with the fixed keys of
// fuzz_common.h, CSV and indicator text, operator input), each prefixed with
// the selector byte its target reads first.
//
//   simpul_fuzz_seeds tests/fuzz/corpus
//
// Writes corpus/<target>/seed-<name> files (overwriting its own, leaving
// others alone). Sealed frames carry random nonces, so a re-run changes
// their bytes, not their meaning. The seeds are committed; re-run this only
// when a message or frame layout changes.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "schema/indicators.h"
#include "schema/regions.h"
#include "sync/blobs.h"
#include "sync/crypto/at_rest.h"
#include "sync/hlc.h"
#include "tests/fuzz/fuzz_common.h"

namespace simpul::fuzz {
namespace {

namespace fs = std::filesystem;

std::string g_root;
int g_written = 0;

void Seed(const std::string& target, const std::string& name, uint8_t sel, const std::string& payload,
          bool with_selector = true) {
  fs::path dir = fs::path(g_root) / target;
  fs::create_directories(dir);
  std::ofstream out(dir / ("seed-" + name), std::ios::binary | std::ios::trunc);
  if (with_selector) out.put(static_cast<char>(sel));
  out << payload;
  if (!out) Die("cannot write " + (dir / name).string());
  ++g_written;
}
void SeedText(const std::string& target, const std::string& name, const std::string& text) {
  Seed(target, name, 0, text, false);
}

std::string Version(uint64_t ms_before_now, const std::string& node) {
  return sync::Hlc::FormatVersion(sync::Stamp::Make(kHubClockMs - ms_before_now, 0), node);
}

using schema::Value;
Value T(const char* s) { return Value(std::string(s)); }

// node-a's writes of several tables (rows unknown to the hub's setup).
std::vector<wire::Change> SampleChanges() {
  std::vector<wire::Change> out;
  out.push_back({Version(90, kNodeA), "households", "018bcfe5-6800-7000-8000-000000000101", kVillage, 0,
                 {{"no_kk", T("3510010107900001"), ""}, {"address", T("Jl. Melati 3"), ""}, {"rt", T("002"), ""},
                  {"rw", T("005"), ""}}});
  out.push_back({Version(80, kNodeA), "persons", "018bcfe5-6800-7000-8000-000000000102", kVillage, 0,
                 {{"household_id", T("018bcfe5-6800-7000-8000-000000000101"), ""},
                  {"nik", T("3510014107900001"), ""}, {"name", T("Siti Aminah"), ""},
                  {"birth_date", T("1990-07-01"), ""}, {"sex", T("P"), ""}, {"phone", T("+6281234567890"), ""}}});
  out.push_back({Version(70, kNodeA), "complaints", "018bcfe5-6800-7000-8000-000000000103", kVillage, 0,
                 {{"person_id", T("018bcfe5-6800-7000-8000-000000000102"), ""}, {"category", T("other"), ""},
                  {"urgency", T("high"), ""}, {"description", T("atap bocor"), ""}}});
  // An edit of a row the setup pushed, based on its version, and a
  // non-stamp version (kept as text by the codec, refused by the hub).
  out.push_back({Version(60, kNodeA), "households", "018bcfe5-6800-7000-8000-000000000001", kVillage, 0,
                 {{"rt", T("009"), Version(1000 - 1, kNodeA)}, {"rw", T("004"), ""}}});
  // Values of the wrong types: refused.
  out.push_back({Version(55, kNodeA), "households", "018bcfe5-6800-7000-8000-000000000002", kVillage, 0,
                 {{"rw", Value(int64_t{7}), ""}, {"kk_as_of", Value(2.5), ""}, {"head_person_id", Value(), ""},
                  {"address", Value(schema::Blob{"\x01\x02"}), ""}}});
  out.push_back({"not-a-version", "households", "018bcfe5-6800-7000-8000-000000000104", kVillage, 0,
                 {{"rt", T("001"), ""}}});
  return out;
}

wire::SyncRequest PushRequest() {
  wire::SyncRequest r;
  r.batch_id = 1;
  r.initial = false;
  r.push = SampleChanges();
  r.pull_cursor = 0;
  std::string sha = Sha256Hex(kFuzzDocument);
  r.blob_query = {sha};
  r.blob_wants = {{sha, 0, 1024}};
  return r;
}
wire::SyncRequest PullRequest(bool initial) {
  wire::SyncRequest r;
  r.initial = initial;
  r.pull_cursor = 0;
  r.pull_limit = 2;
  if (!initial) r.repair_buckets = {0, 1, 7, 15};
  return r;
}
wire::SyncRequest BlobRequest() {
  wire::SyncRequest r;
  r.initial = false;
  std::string doc = "another document";
  std::string sha = Sha256Hex(doc);
  r.push.push_back({Version(50, kNodeA), "attachments", "018bcfe5-6800-7000-8000-000000000105", kVillage, 0,
                    {{"kind", T("kk"), ""}, {"sha256", Value(sha), ""},
                     {"size", Value(static_cast<int64_t>(doc.size())), ""}}});
  r.blob_chunks = {{sha, doc.size(), 0, doc.substr(0, 7)}, {sha, doc.size(), 7, doc.substr(7)}};
  r.blob_wants = {{Sha256Hex(kFuzzDocument), 3, 5}};
  return r;
}
wire::SyncReply SampleReply() {
  wire::SyncReply r;
  r.results = {{Version(90, kNodeA), 0, ""}, {"not-a-version", 1, "malformed version"}};
  r.pulled = SampleChanges();
  r.pulled[0].flags = wire::kFlagSnapshot;
  r.pulled.push_back({Version(10, kNodeB), "persons", "018bcfe5-6800-7000-8000-000000000199", kVillage,
                      wire::kFlagScopeOut, {}});
  r.cursor = 42;
  r.more = true;
  r.snapshot_next = "persons/018bcfe5-6800-7000-8000-000000000102";
  r.hub_time_ms = kHubClockMs;
  r.bucket_digests = {0, 1, 0xffffffffffffffffULL};
  r.repair = {r.pulled[1]};
  r.notice = "clock ahead";
  r.blob_states = {{Sha256Hex(kFuzzDocument), 19, 19, true, 0, ""}, {"x", 0, 0, false, 8, "no"}};
  r.blob_chunks = {{Sha256Hex(kFuzzDocument), 19, 0, kFuzzDocument}};
  return r;
}
wire::ErrorReply SampleError() {
  wire::ErrorReply e;
  e.code = static_cast<uint16_t>(Code::kUnauthenticated);
  e.message = "node node-r was revoked";
  e.hub_schema_version = static_cast<uint32_t>(SchemaVersion());
  return e;
}
wire::EnrolReply SampleEnrolReply(const crypto::Identity& hub) {
  wire::EnrolReply r;
  r.hub_sign_pk = hub.sign_pk;
  r.hub_id = "hub-0123456789abcdef";
  r.village = kOtherVillage;
  r.hub_time_ms = kHubClockMs;
  return r;
}

std::string Raw(const wire::SyncRequest& r) {
  auto raw = wire::Decompress(wire::Encode(r));
  if (!raw.ok()) Die(raw.status().ToString());
  return *raw;
}
std::string Raw(const wire::SyncReply& r) {
  auto raw = wire::Decompress(wire::Encode(r));
  if (!raw.ok()) Die(raw.status().ToString());
  return *raw;
}

std::string SealedFrame(const crypto::Identity& node, const wire::RequestHeader& h, const std::string& body) {
  auto s = crypto::SealRequest(node, FixedIdentity(kHubSeed).sign_pk, h, body);
  if (!s.ok()) Die(s.status().ToString());
  return s->frame;
}

// The codec target's seeds; the decode_alloc target reads the same layout.
void CodecSeeds(const std::string& t) {
  Seed(t, "sync-request-push", kCodecSyncRequest, wire::Encode(PushRequest()));
  Seed(t, "sync-request-blobs", kCodecSyncRequest, wire::Encode(BlobRequest()));
  Seed(t, "sync-request-push-raw", kCodecSyncRequestRaw, Raw(PushRequest()));
  Seed(t, "sync-request-pull-raw", kCodecSyncRequestRaw, Raw(PullRequest(false)));
  Seed(t, "sync-reply", kCodecSyncReply, wire::Encode(SampleReply()));
  Seed(t, "sync-reply-raw", kCodecSyncReplyRaw, Raw(SampleReply()));
  // Protocol 3: compact document lists, recovery.
  wire::SyncReply v3 = SampleReply();
  v3.protocol = 3;
  v3.blob_states[0].sha256.clear();
  v3.blob_states[1].sha256.clear();
  v3.results[0].version.clear();
  v3.handled_through = 9;
  v3.recovered = {{7, {{"", 0, ""}, {"", 8, "not this village"}}, {{"", 19, 12, false, 0, ""}}}};
  Seed(t, "sync-reply-v3", kCodecSyncReply, wire::Encode(v3));
  Seed(t, "sync-reply-v3-raw", kCodecSyncReplyRaw, Raw(v3));
  Seed(t, "sync-request-v1-raw", kCodecSyncRequestRaw, *wire::Decompress(wire::Encode(PushRequest(), 2)));
  Seed(t, "recovered", kCodecRecovered, wire::EncodeRecovered(v3.recovered[0]));
  Seed(t, "header", kCodecRawHeader, wire::EncodeRaw(Header(kNodeA, 7)));
  Seed(t, "error", kCodecRawError, wire::EncodeRaw(SampleError()));
  Seed(t, "enrol-request", kCodecRawEnrolRequest, wire::EncodeRaw(FixedEnrolRequest()));
  Seed(t, "enrol-reply", kCodecRawEnrolReply, wire::EncodeRaw(SampleEnrolReply(FixedIdentity(kHubSeed))));
  Seed(t, "zstd", kCodecDecompress, wire::Compress("village welfare records, village welfare records"));
  if (t != "decode_alloc") return;
  // Tiny elements that expand: empty changes, empty fields, empty ids.
  wire::SyncRequest flood;
  flood.push.resize(40);
  for (auto& c : flood.push) c.fields.resize(20);
  flood.blob_query.resize(50);
  Seed(t, "sync-request-flood-raw", kCodecSyncRequestRaw, Raw(flood));
  wire::SyncReply rflood;
  rflood.protocol = 3;
  rflood.results.resize(100);
  rflood.repair.resize(100);
  Seed(t, "sync-reply-flood-raw", kCodecSyncReplyRaw, Raw(rflood));
}

void EnvelopeSeeds() {
  const std::string t = "envelope";
  crypto::Identity hub = FixedIdentity(kHubSeed), node_a = FixedIdentity(kNodeASeed);
  std::string request = SealedFrame(node_a, Header(kNodeA, 3), wire::Encode(PullRequest(false)));
  Seed(t, "frame", kEnvParseFrame, crypto::MakeFrame(crypto::FrameKind::kSealedReply, "body"));
  Seed(t, "peek-header", kEnvPeekRequestHeader, request);
  Seed(t, "open-reply-sealed", kEnvOpenReply, crypto::SealReply(FixedOpenedRequest(), wire::Encode(SampleReply())));
  Seed(t, "open-reply-error", kEnvOpenReply, crypto::SignedError(hub, FixedSealedRequest().nonce, SampleError()));
  Seed(t, "open-request", kEnvOpenRequest, request);
  Seed(t, "peek-enrol", kEnvPeekEnrolRequest, FixedEnrolRequestFrame());
  Seed(t, "verify-enrol", kEnvVerifyEnrolRequest, FixedEnrolRequestFrame());
  Seed(t, "open-enrol-reply", kEnvOpenEnrolReply,
       crypto::SealEnrolReply(hub, crypto::EnrolMacKeyHex(FuzzCode().secret), FixedEnrolRequestFrame(),
                              SampleEnrolReply(hub)));
  Seed(t, "open-enrol-error", kEnvOpenEnrolReply, crypto::SignedError(hub, {}, SampleError()));
  Seed(t, "identity", kEnvImportIdentity, crypto::ExportIdentity(hub));
  Seed(t, "enrol-code", kEnvParseEnrolCode, CodeA().Text());
  Seed(t, "enrol-code-typed", kEnvParseEnrolCode, "fuzz aaaa-aaaa aaaa aaaa aaaa");
  Seed(t, "signed-error-payload", kEnvSignedErrorPayload, wire::EncodeRaw(SampleError()));
  Seed(t, "enrol-reply-payload", kEnvEnrolReplyPayload, wire::EncodeRaw(SampleEnrolReply(hub)));
  std::string h = wire::EncodeRaw(Header(kNodeA, 9));
  Seed(t, "seal-open", kEnvSealOpen, std::string(1, static_cast<char>(h.size())) + h + "body bytes");
  Seed(t, "public-key-hex", kEnvPublicKeyFromHex, crypto::ToHex(hub.sign_pk));
}

void HubSeeds() {
  const std::string t = "hub_sync";
  crypto::Identity node_a = FixedIdentity(kNodeASeed), node_b = FixedIdentity(kNodeBSeed),
                   node_r = FixedIdentity(kNodeRSeed);
  Seed(t, "raw-pull-a", kHubRawSync, SealedFrame(node_a, Header(kNodeA, 1), wire::Encode(PullRequest(false))));
  Seed(t, "raw-push-a", kHubRawSync, SealedFrame(node_a, Header(kNodeA, 1), wire::Encode(PushRequest())));
  Seed(t, "raw-revoked", kHubRawSync, SealedFrame(node_r, Header(kNodeRevoked, 1), wire::Encode(PullRequest(false))));
  Seed(t, "raw-unknown-node", kHubRawSync, SealedFrame(node_b, Header("node-x", 1), wire::Encode(PullRequest(true))));
  wire::RequestHeader old = Header(kNodeA, 1);
  old.schema_version = 1;
  Seed(t, "raw-old-schema", kHubRawSync, SealedFrame(node_a, old, wire::Encode(PullRequest(false))));
  wire::RequestHeader future = Header(kNodeA, 1);
  future.proto_min = future.proto_max = 9;
  Seed(t, "raw-new-protocol", kHubRawSync, SealedFrame(node_a, future, wire::Encode(PullRequest(false))));
  Seed(t, "raw-bundle-b", kHubRawBundle, SealedFrame(node_b, Header(kNodeB, 1), wire::Encode(PullRequest(false))));
  Seed(t, "raw-enrol", kHubRawEnrol, FixedEnrolRequestFrame());
  Seed(t, "sealed-a-push", kHubSealedA, Raw(PushRequest()));
  Seed(t, "sealed-a-blobs", kHubSealedA, Raw(BlobRequest()));
  Seed(t, "sealed-a-snapshot", kHubSealedA, Raw(PullRequest(true)));
  Seed(t, "sealed-b-pull", kHubSealedB, Raw(PullRequest(false)));
  Seed(t, "sealed-b-snapshot", kHubSealedB, Raw(PullRequest(true)));
  Seed(t, "sealed-bundle-a", kHubSealedBundleA, Raw(PullRequest(false)));
  Seed(t, "sealed-body-a", kHubSealedBodyA, wire::Encode(PushRequest()));
  {
    wire::SyncRequest recover = BlobRequest();
    recover.recover_from = 1;
    recover.skip_pull = true;
    Seed(t, "sealed-body-recover", kHubSealedBodyA, wire::Encode(recover));
  }
  Seed(t, "sealed-enrol", kHubSealedEnrol, wire::EncodeRaw(FixedEnrolRequest()));
}

void AtRestSeeds() {
  const std::string t = "at_rest";
  std::string dir = fs::temp_directory_path().string() + "/simpul-seeds-at-rest";
  fs::create_directories(dir);
  auto key = crypto::DataKey::FromBytes(std::string(32, '\x42')).value();
  // A cheap keyring the fuzzer may unlock, with the fuzz passphrase.
  if (crypto::CreateKeyring(dir + "/keyring", "fuzz passphrase", key,
                            crypto::KdfCost{crypto_pwhash_OPSLIMIT_MIN, 8u << 20}).ok()) {
    std::ifstream in(dir + "/keyring", std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    Seed(t, "keyring", 0, bytes);
  }
  // A sealed document of two records.
  sync::BlobDir blobs(dir + "/blobs", key);
  std::string sha(64, 'b');
  std::string doc(70000, 'd');
  (void)blobs.Append(sha, doc.size() + 1, 0, doc);
  std::ifstream part(blobs.PartialOf(sha), std::ios::binary);
  std::string sealed((std::istreambuf_iterator<char>(part)), std::istreambuf_iterator<char>());
  Seed(t, "sealed-document", 1, sealed);
  Seed(t, "empty-database", 2, std::string(4136, '\0'));
  fs::remove_all(dir);
}

void SchemaSeeds() {
  // Regions: the head of the embedded list, a quoted name, CRLF lines.
  std::string_view csv = schema::EmbeddedRegionCsv(schema::RegionEdition::k2025);
  size_t cut = 0;
  for (int lines = 0; lines < 12 && cut != std::string_view::npos; ++lines) cut = csv.find('\n', cut + 1);
  SeedText("regions_csv", "head", std::string(csv.substr(0, cut == std::string_view::npos ? csv.size() : cut + 1)));
  SeedText("regions_csv", "quoted", "kode,nama\n35,\"Jawa \"\"Timur\"\"\"\n35.10,\"Kabupaten Banyuwangi, Jawa Timur\"\n");
  SeedText("regions_csv", "crlf", "kode,nama\r\n35.10.01,Pesanggaran\r\n35.10.01.2001,Sarongan\r\n");
  // DTKS snapshots: Excel's semicolon dialect with a BOM, Windows-1252, a quoted line break.
  SeedText("dtks_csv", "excel-id", "\xEF\xBB\xBFnik;nama;kode_desa;desil;status_pbi;tanggal_snapshot\r\n"
                                   "3510015211870001;\"Siti; S.Pd.\";3510012001;2;aktif;31/03/2026\r\n"
                                   "3510011211870003;Budi;35.10.01.2002;;tidak terdaftar;2026-03-31\r\n");
  SeedText("dtks_csv", "cp1252", "NIK,Nama,Kode Desa,Desil,Status PBI,Tanggal Snapshot\r\n"
                                 "3510015211870001,Jos\xE9,3510012001,10,nonaktif,2026-03-31\r\n");
  SeedText("dtks_csv", "bad", "nik,nama,kode_desa,desil,status_pbi,tanggal_snapshot\n3.51E+15,\"a\nb\",1,11,x,2026-13-01\n");

  // Indicators: each built-in set, answers, and a set with answers.
  int i = 0;
  for (auto text : schema::BuiltinIndicatorSets()) Seed("indicators", "set-" + std::to_string(i++), 0, std::string(text));
  Seed("indicators", "answers", 1, "floor_area=ya;floor_type=tidak;no_electricity=ya");
  Seed("indicators", "set-and-answers", 2,
       "set = tiny\nversion = 2\ntitle = Tiny\nsource = test\nauto_band = high\n"
       "band = 0 | 1 | low | Rendah | Low\nband = 1 | 3 | high | Tinggi | High\n"
       "item = a\ntext_id = A\ntext_en = A\nweight = 1.5\nauto_qualify = ya\n"
       "option = ya | 1 | Ya | Yes\noption = tidak | 0 | Tidak | No\n" + std::string(1, '\0') + "a=ya");

  // Validators.
  Seed("validate", "nik", kValNik | 0x80, "3510014107900001");
  Seed("validate", "nik-typed", kValNik, "3510.0141.0790.0001");
  Seed("validate", "kk", kValKk, "3510010107900001");
  Seed("validate", "phone-mobile", kValPhone, "0812-3456-7890");
  Seed("validate", "phone-intl", kValPhone, "+62 812 3456 7890");
  Seed("validate", "phone-landline", kValPhone, "(0333) 123456");
  Seed("validate", "date", kValDate, "2024-02-29");
  Seed("validate", "region-village", kValRegionCode | 0x80, "35.10.01.2001");
  Seed("validate", "region-province", kValRegionCode, "35");
}

}  // namespace
}  // namespace simpul::fuzz

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR (e.g. tests/fuzz/corpus)\n", argv[0]);
    return 2;
  }
  using namespace simpul::fuzz;
  g_root = argv[1];
  CodecSeeds("codec");
  CodecSeeds("decode_alloc");
  EnvelopeSeeds();
  HubSeeds();
  AtRestSeeds();
  SchemaSeeds();
  std::printf("wrote %d seeds under %s\n", g_written, g_root.c_str());
  return 0;
}
