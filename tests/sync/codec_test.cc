// Tests for sync/wire/codec.h: every message round-trips byte for byte, and
// hostile input (truncation, bit flips, lying length prefixes, zstd bombs,
// unknown class versions and value tags, trailing bytes, invalid bools) gives
// a non-OK status without crashing or allocating what the input claims.
#include "sync/wire/codec.h"

#include <doctest/doctest.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <limits>
#include <new>
#include <random>
#include <string>
#include <vector>

#include "tests/support/alloc_meter.h"

namespace simpul::sync::wire {
namespace {

using schema::Blob;
using schema::Value;

// The largest single heap allocation made while it lives, so a test can
// prove the decoder did not allocate what a lying length prefix claims.
class AllocationProbe {
 public:
  bool available() const { return test::AllocMeter::Available(); }
  size_t largest() const { return meter_.largest(); }

 private:
  test::AllocMeter meter_;
};

constexpr size_t kSmallAllocation = 1u << 20;  // what a few hundred input bytes may cost

// Runs `fn` in a forked child, so a crash or a sanitizer abort on hostile
// input fails this test instead of killing the whole suite. `fn` returns ""
// when all is well, else what went wrong. Returns the same, or how the child
// died (the sanitizer's report is on stderr).
std::string InChild(const std::function<std::string()>& fn) {
  int fds[2];
  if (pipe(fds) != 0) return "pipe failed";
  std::fflush(stdout);
  std::fflush(stderr);
  pid_t pid = fork();
  if (pid < 0) return "fork failed";
  if (pid == 0) {
    close(fds[0]);
    std::string err;
    try {
      err = fn();
    } catch (const std::exception& e) {
      err = std::string("exception: ") + e.what();
    }
    if (!err.empty()) {
      ssize_t w = write(fds[1], err.data(), err.size());
      (void)w;
    }
    close(fds[1]);
    _exit(err.empty() ? 0 : 3);
  }
  close(fds[1]);
  std::string msg;
  char buf[512];
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;) msg.append(buf, static_cast<size_t>(n));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return "";
  if (WIFEXITED(status) && WEXITSTATUS(status) == 3) return msg;
  if (WIFSIGNALED(status)) return "child killed by signal " + std::to_string(WTERMSIG(status)) + " " + msg;
  return "child died with exit status " + std::to_string(WEXITSTATUS(status)) +
         " (sanitizer report on stderr) " + msg;
}

// --- sample messages -----------------------------------------------------------

std::string AllBytes() {
  std::string s;
  for (int i = 0; i < 256; ++i) s += static_cast<char>(i);
  return s;
}

Change SampleChange(int i) {
  Change c;
  c.version = "0190a5b28c1d0000.node-" + std::to_string(i);
  c.table = "persons";
  c.row_id = "0190a5b2-8c1d-7abc-9def-0123456789a" + std::to_string(i % 10);
  c.village = "35.10.01.2001";
  c.flags = static_cast<uint8_t>(i % 8);
  c.fields = {
      {"nik", Value(std::string("3510014501900001")), ""},
      {"name", Value(std::string("Siti Nur\xE2\x80\x99" "aini\0x", 17)), "0190a5b28c1c0000.node-a"},
      {"relation", Value(int64_t{-9'000'000'000'000'000'000LL}), ""},
      {"score", Value(-0.0), ""},
      {"weight", Value(std::numeric_limits<double>::denorm_min()), ""},
      {"big", Value(std::numeric_limits<double>::infinity()), ""},
      {"photo", Value(Blob{AllBytes()}), ""},
      {"phone", Value(), "0190a5b28c1c0001.node-b"},
  };
  return c;
}

SyncRequest SampleRequest() {
  SyncRequest m;
  m.batch_id = 0xfedcba9876543210ULL;
  m.push = {SampleChange(1), SampleChange(2), Change{}};
  m.initial = false;
  m.pull_cursor = 123456789012ULL;
  m.pull_limit = 77;
  m.snapshot_after = "2:0190a5b2-8c1d-7abc-9def-0123456789ab";
  m.snapshot_seq = 99;
  m.repair_buckets = {0, 3, 15, 0xffffffffu};
  return m;
}

SyncReply SampleReply() {
  SyncReply m;
  m.results = {{"0190a5b28c1d0000.node-1", 0, ""},
               {"0190a5b28c1d0000.node-2", 8, "row belongs to village 35.10.01.2002"}};
  m.pulled = {SampleChange(3)};
  m.cursor = 42;
  m.more = true;
  m.snapshot_next = "1:abc";
  m.hub_time_ms = 1'700'000'000'000ULL;
  m.bucket_digests = {0, 1, 0xffffffffffffffffULL, 0x0123456789abcdefULL};
  m.repair = {SampleChange(4), SampleChange(5)};
  m.notice = "this node's clock is about 30 hours ahead";
  return m;
}

RequestHeader SampleHeader() {
  RequestHeader h;
  h.proto_min = 1;
  h.proto_max = 7;
  h.schema_version = 3;
  h.node_id = "a1b2c3d4e5f60718";
  for (size_t i = 0; i < h.eph_pk.size(); ++i) h.eph_pk[i] = static_cast<uint8_t>(i * 7 + 1);
  h.counter = 0xffffffffffffffffULL;
  for (size_t i = 0; i < h.nonce.size(); ++i) h.nonce[i] = static_cast<uint8_t>(255 - i);
  return h;
}

ErrorReply SampleError() {
  ErrorReply e;
  e.code = 9;
  e.message = "node a1b2 was revoked: laptop stolen";
  e.hub_proto_min = 1;
  e.hub_proto_max = 2;
  e.hub_schema_version = 3;
  return e;
}

EnrolRequest SampleEnrolRequest() {
  EnrolRequest r;
  r.code_id = "ABCD2345";
  r.node_id = "a1b2c3d4e5f60718";
  r.village = "35.10.01.2001";
  for (size_t i = 0; i < r.node_sign_pk.size(); ++i) r.node_sign_pk[i] = static_cast<uint8_t>(0xa0 + i);
  r.proto_max = 3;
  r.schema_version = 3;
  return r;
}

EnrolReply SampleEnrolReply() {
  EnrolReply r;
  for (size_t i = 0; i < r.hub_sign_pk.size(); ++i) r.hub_sign_pk[i] = static_cast<uint8_t>(i);
  r.hub_id = "hub-0011223344556677";
  r.village = "35.10.01.2001";
  r.hub_time_ms = 1'700'000'000'123ULL;
  return r;
}

// The raw (uncompressed cereal) bytes of an encoded sync message.
std::string RawOf(const std::string& encoded) {
  auto raw = Decompress(encoded);
  REQUIRE_MESSAGE(raw.ok(), raw.status().ToString());
  return *raw;
}

void PutLe(std::string& bytes, size_t offset, uint64_t v, size_t width) {
  REQUIRE(offset + width <= bytes.size());
  for (size_t i = 0; i < width; ++i) bytes[offset + i] = static_cast<char>((v >> (8 * i)) & 0xff);
}
uint64_t GetLe(const std::string& bytes, size_t offset, size_t width) {
  REQUIRE(offset + width <= bytes.size());
  uint64_t v = 0;
  for (size_t i = 0; i < width; ++i) v |= static_cast<uint64_t>(static_cast<uint8_t>(bytes[offset + i])) << (8 * i);
  return v;
}

// A LEB128 varint, as the codec writes lengths.
std::string Varint(uint64_t n) {
  std::string out;
  do {
    uint8_t b = n & 0x7f;
    n >>= 7;
    out += static_cast<char>(b | (n ? 0x80 : 0));
  } while (n);
  return out;
}

// Replaces the one-byte length prefix at `at` (which must hold `expect`)
// with a varint claiming `claim`.
std::string WithLength(const std::string& bytes, size_t at, uint64_t expect, uint64_t claim) {
  REQUIRE(at < bytes.size());
  REQUIRE(static_cast<uint8_t>(bytes[at]) == expect);
  std::string out = bytes;
  out.replace(at, 1, Varint(claim));
  return out;
}

// The one position of `needle` in `hay` (the test's markers are unique).
size_t FindOnce(const std::string& hay, const std::string& needle) {
  size_t at = hay.find(needle);
  REQUIRE_MESSAGE(at != std::string::npos, "marker not found");
  REQUIRE_MESSAGE(hay.find(needle, at + 1) == std::string::npos, "marker not unique");
  return at;
}

// --- round trips -------------------------------------------------------------

template <class T, class Enc, class Dec>
void CheckRoundTrip(const char* what, const T& m, Enc encode, Dec decode) {
  INFO("what = " << what);
  std::string bytes = encode(m);
  auto back = decode(bytes);
  REQUIRE_MESSAGE(back.ok(), back.status().ToString());
  CHECK(*back == m);
  CHECK(encode(*back) == bytes);  // re-encoding gives the same bytes
}

TEST_CASE("every message type round-trips, value and bytes") {
  auto enc_req = [](const SyncRequest& m) { return Encode(m); };
  auto enc_rep = [](const SyncReply& m) { return Encode(m); };
  auto enc_raw = [](const auto& m) { return EncodeRaw(m); };

  CheckRoundTrip("SyncRequest default", SyncRequest{}, enc_req, DecodeSyncRequest);
  CheckRoundTrip("SyncRequest sample", SampleRequest(), enc_req, DecodeSyncRequest);
  CheckRoundTrip("SyncReply default", SyncReply{}, enc_rep, DecodeSyncReply);
  CheckRoundTrip("SyncReply sample", SampleReply(), enc_rep, DecodeSyncReply);
  CheckRoundTrip("RequestHeader default", RequestHeader{}, enc_raw, DecodeRawHeader);
  CheckRoundTrip("RequestHeader sample", SampleHeader(), enc_raw, DecodeRawHeader);
  CheckRoundTrip("ErrorReply default", ErrorReply{}, enc_raw, DecodeRawError);
  CheckRoundTrip("ErrorReply sample", SampleError(), enc_raw, DecodeRawError);
  CheckRoundTrip("EnrolRequest default", EnrolRequest{}, enc_raw, DecodeRawEnrolRequest);
  CheckRoundTrip("EnrolRequest sample", SampleEnrolRequest(), enc_raw, DecodeRawEnrolRequest);
  CheckRoundTrip("EnrolReply default", EnrolReply{}, enc_raw, DecodeRawEnrolReply);
  CheckRoundTrip("EnrolReply sample", SampleEnrolReply(), enc_raw, DecodeRawEnrolReply);
}

TEST_CASE("every value type survives the wire with its type") {
  const std::vector<Value> values = {
      Value(),
      Value(int64_t{0}),
      Value(int64_t{1}),
      Value(std::numeric_limits<int64_t>::min()),
      Value(std::numeric_limits<int64_t>::max()),
      Value(0.0),
      Value(-0.0),
      Value(1.5),
      Value(-std::numeric_limits<double>::infinity()),
      Value(std::string()),
      Value(std::string("RT 003 / RW 011")),
      Value(std::string("\0\0\xff", 3)),
      Value(Blob{}),
      Value(Blob{AllBytes()}),
      // Same bytes as a text and as a blob must stay distinct.
      Value(std::string("abc")),
      Value(Blob{"abc"}),
  };
  for (size_t i = 0; i < values.size(); ++i) {
    CAPTURE(i);
    SyncRequest m;
    Change c;
    c.version = "0190a5b28c1d0000.n";
    c.fields = {{"f", values[i], ""}};
    m.push = {c};
    auto back = DecodeSyncRequest(Encode(m));
    REQUIRE_MESSAGE(back.ok(), back.status().ToString());
    REQUIRE(back->push.size() == 1);
    REQUIRE(back->push[0].fields.size() == 1);
    const Value& got = back->push[0].fields[0].value;
    CHECK(got.index() == values[i].index());
    CHECK(got == values[i]);
    if (std::holds_alternative<double>(values[i]))  // -0.0 == 0.0, so compare the sign too
      CHECK(std::signbit(std::get<double>(got)) == std::signbit(std::get<double>(values[i])));
  }
}

// --- hostile input ---------------------------------------------------------------

TEST_CASE("a SyncRequest truncated at any byte is refused") {
  const std::string encoded = Encode(SampleRequest());
  const std::string raw = RawOf(encoded);
  SUBCASE("compressed bytes truncated") {
    for (size_t n = 0; n < encoded.size(); ++n) {
      CAPTURE(n);
      auto r = DecodeSyncRequest(std::string_view(encoded).substr(0, n));
      CHECK_FALSE(r.ok());
    }
  }
  SUBCASE("cereal bytes truncated, then validly compressed") {
    for (size_t n = 0; n < raw.size(); ++n) {
      CAPTURE(n);
      auto r = DecodeSyncRequest(Compress(std::string_view(raw).substr(0, n)));
      REQUIRE_FALSE(r.ok());
      CHECK(r.status().code() == Code::kCorruption);
    }
  }
}

TEST_CASE("raw messages truncated at any byte are refused") {
  struct Case {
    const char* name;
    std::string bytes;
    std::function<Status(std::string_view)> decode;
  };
  const Case cases[] = {
      {"RequestHeader", EncodeRaw(SampleHeader()), [](std::string_view b) { return DecodeRawHeader(b).status(); }},
      {"ErrorReply", EncodeRaw(SampleError()), [](std::string_view b) { return DecodeRawError(b).status(); }},
      {"EnrolRequest", EncodeRaw(SampleEnrolRequest()),
       [](std::string_view b) { return DecodeRawEnrolRequest(b).status(); }},
      {"EnrolReply", EncodeRaw(SampleEnrolReply()),
       [](std::string_view b) { return DecodeRawEnrolReply(b).status(); }},
  };
  for (const auto& c : cases) {
    INFO("c.name = " << std::string(c.name));
    REQUIRE(c.decode(c.bytes).ok());
    for (size_t n = 0; n < c.bytes.size(); ++n) {
      CAPTURE(n);
      Status st = c.decode(std::string_view(c.bytes).substr(0, n));
      CHECK(st.code() == Code::kCorruption);
    }
  }
}

// Checks (without loading it as a bool, which would itself be undefined)
// that a decoded bool holds 0 or 1.
bool BoolIsValid(const bool& b) {
  unsigned char byte;
  std::memcpy(&byte, &b, 1);
  return byte <= 1;
}

// Decodes hostile bytes; if they decode, the message must be whole and
// well-formed: its bools valid and re-encoding it round-trips.
std::string CheckHostileRequest(std::string_view bytes) {
  auto r = DecodeSyncRequest(bytes);
  if (!r.ok()) {
    if (r.status().code() != Code::kCorruption && r.status().code() != Code::kResourceExhausted)
      return "unexpected status " + r.status().ToString();
    return "";
  }
  if (!BoolIsValid(r->initial)) return "decoded SyncRequest.initial holds a byte that is not 0 or 1";
  // Compared as bytes: a flipped exponent may make a NaN, which is != itself.
  std::string again = Encode(*r);
  auto back = DecodeSyncRequest(again);
  if (!back.ok()) return "a decoded message does not re-decode: " + back.status().ToString();
  if (Encode(*back) != again) return "a decoded message changes on re-encoding";
  return "";
}

// What became of a series of hostile-input trials run in child processes.
struct TrialOutcome {
  std::vector<std::string> invalid_bool;   // trials that died of loading an invalid bool (UBSan)
  std::vector<std::string> other_crashes;  // trials that died otherwise, with the report's start
  std::vector<std::string> failures;       // trials that completed but broke a rule
};

// Runs trial(i) for i in [0, n) in forked children, so one crash does not
// hide the others: a child that dies is replaced by one that starts after
// the trial that killed it. The children's stderr (sanitizer reports) is
// captured to classify deaths.
TrialOutcome RunTrials(int n, const std::function<std::string(int)>& trial) {
  TrialOutcome out;
  void* shared = mmap(nullptr, sizeof(int), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  REQUIRE(shared != MAP_FAILED);
  volatile int* current = static_cast<volatile int*>(shared);
  int start = 0;
  while (start < n) {
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    std::fflush(stdout);
    std::fflush(stderr);
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      close(fds[0]);
      dup2(fds[1], 2);
      for (int i = start; i < n; ++i) {
        *current = i;
        std::string err;
        try {
          err = trial(i);
        } catch (const std::exception& e) {
          err = std::string("exception: ") + e.what();
        }
        if (!err.empty()) {
          std::string line = "FAIL trial " + std::to_string(i) + ": " + err + "\n";
          ssize_t w = write(fds[1], line.data(), line.size());
          (void)w;
        }
      }
      *current = n;
      _exit(0);
    }
    close(fds[1]);
    std::string text;
    char buf[4096];
    for (ssize_t r; (r = read(fds[0], buf, sizeof buf)) > 0;) text.append(buf, static_cast<size_t>(r));
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    std::string report;
    size_t pos = 0;
    while (pos < text.size()) {
      size_t nl = text.find('\n', pos);
      if (nl == std::string::npos) nl = text.size();
      std::string line = text.substr(pos, nl - pos);
      if (line.rfind("FAIL ", 0) == 0) out.failures.push_back(line.substr(5));
      else report += line + "\n";
      pos = nl + 1;
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) break;
    const int at = *current;
    std::string what = "trial " + std::to_string(at);
    if (report.find("not a valid value for type 'bool'") != std::string::npos)
      out.invalid_bool.push_back(what);
    else
      out.other_crashes.push_back(what + " (status " + std::to_string(status) + "): " + report.substr(0, 800));
    start = at + 1;
  }
  munmap(shared, sizeof(int));
  return out;
}

std::string Join(const std::vector<std::string>& v, size_t max = 3) {
  std::string out;
  for (size_t i = 0; i < v.size() && i < max; ++i) out += (i ? "; " : "") + v[i];
  if (v.size() > max) out += "; ...";
  return out;
}

void CheckTrials(const TrialOutcome& o) {
  CHECK_MESSAGE(o.other_crashes.empty(), o.other_crashes.size() << " hostile inputs crashed the decoder: "
                                                                  << Join(o.other_crashes));
  CHECK_MESSAGE(o.failures.empty(), o.failures.size() << " hostile inputs broke a rule: " << Join(o.failures));
  CHECK_MESSAGE(o.invalid_bool.empty(),
                o.invalid_bool.size() << " hostile inputs made the decoder store a byte other than 0/1 in a"
                                         " bool (undefined behaviour, aborted by UBSan): "
                                      << Join(o.invalid_bool, 5));
}

std::string FlipBit(std::string bytes, std::mt19937_64& rng) {
  size_t bit = rng() % (bytes.size() * 8);
  bytes[bit / 8] = static_cast<char>(bytes[bit / 8] ^ (1 << (bit % 8)));
  return bytes;
}

TEST_CASE("1000 seeded bit flips never crash the decoder") {
  const std::string encoded = Encode(SampleRequest());
  const std::string raw = RawOf(encoded);
  SUBCASE("flips in the compressed bytes") {
    CheckTrials(RunTrials(1000, [&](int i) {
      std::mt19937_64 rng(20240611 + i);
      return CheckHostileRequest(FlipBit(encoded, rng));
    }));
  }
  SUBCASE("flips in the cereal bytes, validly compressed") {
    CheckTrials(RunTrials(1000, [&](int i) {
      std::mt19937_64 rng(7000 + i);
      return CheckHostileRequest(Compress(FlipBit(raw, rng)));
    }));
  }
  SUBCASE("flips in an encoded SyncReply (what a node decodes)") {
    const std::string rep_raw = RawOf(Encode(SampleReply()));
    CheckTrials(RunTrials(1000, [&](int i) -> std::string {
      std::mt19937_64 rng(9000 + i);
      auto r = DecodeSyncReply(Compress(FlipBit(rep_raw, rng)));
      if (!r.ok()) return r.status().code() == Code::kCorruption ? "" : r.status().ToString();
      if (!BoolIsValid(r->more)) return "decoded SyncReply.more holds a byte that is not 0 or 1";
      return "";
    }));
  }
}

// Offsets in the cereal bytes of a SyncRequest of class version 1 (encoded
// for protocol 2): one endianness byte, the class version (u32), batch_id
// (u64), then the push list's length (a varint: one byte for a short list).
constexpr size_t kVersionAt = 1;
constexpr size_t kBatchIdAt = 5;
constexpr size_t kPushSizeAt = 13;

TEST_CASE("a bool byte other than 0 or 1 is refused, never stored in a bool") {
  SyncRequest m;  // empty push: initial follows the push length directly
  m.initial = true;
  std::string raw = RawOf(Encode(m, 2));
  const size_t initial_at = kPushSizeAt + 1;
  REQUIRE(GetLe(raw, kPushSizeAt, 1) == 0);
  REQUIRE(GetLe(raw, initial_at, 1) == 1);
  for (uint8_t b : {uint8_t{2}, uint8_t{0x80}, uint8_t{0xff}}) {
    CAPTURE(static_cast<int>(b));
    std::string bad = raw;
    bad[initial_at] = static_cast<char>(b);
    std::string encoded = Compress(bad);
    std::string failure = InChild([&]() -> std::string {
      auto r = DecodeSyncRequest(encoded);
      if (r.ok() && !BoolIsValid(r->initial))
        return "SyncRequest.initial decoded from byte " + std::to_string(b) + " holds an invalid bool";
      return "";
    });
    CHECK_MESSAGE(failure.empty(), failure);
  }
  // SyncReply.more likewise (a hub's reply is hostile input to a node).
  SyncReply rep;
  rep.cursor = 0x0102030405060708ULL;
  rep.more = true;
  std::string rraw = RawOf(Encode(rep));
  const size_t more_at = FindOnce(rraw, std::string("\x08\x07\x06\x05\x04\x03\x02\x01", 8)) + 8;
  REQUIRE(GetLe(rraw, more_at, 1) == 1);
  rraw[more_at] = 2;
  std::string encoded = Compress(rraw);
  std::string failure = InChild([&]() -> std::string {
    auto r = DecodeSyncReply(encoded);
    if (r.ok() && !BoolIsValid(r->more)) return "SyncReply.more decoded from byte 2 holds an invalid bool";
    return "";
  });
  CHECK_MESSAGE(failure.empty(), failure);
}

TEST_CASE("a length prefix claiming 2^40 fails fast without allocating it") {
  SyncRequest m;
  m.batch_id = 0x1122334455667788ULL;
  m.snapshot_after = "MARKER-snapshot-after";
  m.repair_buckets = {0xa1b2c3d4u};
  const std::string raw = RawOf(Encode(m, 2));
  REQUIRE(GetLe(raw, kBatchIdAt, 8) == m.batch_id);
  const size_t str_at = FindOnce(raw, "MARKER-snapshot-after") - 1;
  const size_t buckets_at = FindOnce(raw, std::string("\xd4\xc3\xb2\xa1", 4)) - 1;

  struct Case {
    const char* name;
    size_t offset;
    uint64_t holds;  // the honest length there
  };
  const Case cases[] = {{"push list length", kPushSizeAt, 0},
                        {"snapshot_after length", str_at, m.snapshot_after.size()},
                        {"repair_buckets length", buckets_at, 1}};
  for (uint64_t claim : {1ULL << 40, (1ULL << 40) + 1, 0xffffffffffffffffULL, 1ULL << 32, 1ULL << 20}) {
    for (const auto& c : cases) {
      INFO("c.name = " << std::string(c.name));
      CAPTURE(claim);
      std::string encoded = Compress(WithLength(raw, c.offset, c.holds, claim));
      auto t0 = std::chrono::steady_clock::now();
      AllocationProbe probe;
      auto r = DecodeSyncRequest(encoded);
      size_t largest = probe.largest();
      auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
      REQUIRE_FALSE(r.ok());
      CHECK(r.status().code() == Code::kCorruption);
      CHECK(ms < 1000);
      if (probe.available()) CHECK(largest < kSmallAllocation);
    }
  }

  SUBCASE("nested: a change's field list, a header's node id, an error's message") {
    // A lying length deep inside a change.
    SyncRequest p;
    Change c = SampleChange(1);
    c.fields.resize(1);
    c.fields[0].field = "MARKER-field";
    p.push = {c};
    std::string praw = RawOf(Encode(p, 2));
    // Change: ..., flags (u8), fields length (varint), FieldChange class
    // version (u32), field name length (varint), field name.
    const size_t fields_len_at = FindOnce(praw, "MARKER-field") - 1 - 4 - 1;
    {
      AllocationProbe probe;
      auto r = DecodeSyncRequest(Compress(WithLength(praw, fields_len_at, 1, 1ULL << 40)));
      CHECK(r.status().code() == Code::kCorruption);
      if (probe.available()) CHECK(probe.largest() < kSmallAllocation);
    }
    RequestHeader h = SampleHeader();
    h.node_id = "MARKER-node";
    std::string hraw = EncodeRaw(h);
    {
      AllocationProbe probe;
      auto r = DecodeRawHeader(WithLength(hraw, FindOnce(hraw, "MARKER-node") - 1, 11, 1ULL << 40));
      CHECK(r.status().code() == Code::kCorruption);
      if (probe.available()) CHECK(probe.largest() < kSmallAllocation);
    }
    ErrorReply e = SampleError();
    e.message = "MARKER-message";
    std::string eraw = EncodeRaw(e);
    {
      AllocationProbe probe;
      auto r = DecodeRawError(WithLength(eraw, FindOnce(eraw, "MARKER-message") - 1, 14, 1ULL << 40));
      CHECK(r.status().code() == Code::kCorruption);
      if (probe.available()) CHECK(probe.largest() < kSmallAllocation);
    }
  }
}

TEST_CASE("overlong and overflowing varint lengths are refused") {
  SyncRequest m;
  m.snapshot_after = "MARKER";
  const std::string raw = RawOf(Encode(m, 2));
  const size_t at = FindOnce(raw, "MARKER") - 1;
  REQUIRE(GetLe(raw, at, 1) == 6);
  struct Case {
    const char* name;
    std::string prefix;
  };
  const Case cases[] = {
      {"11 continuation bytes", std::string(11, '\x80') + '\x00'},
      {"10 bytes overflowing 64 bits", std::string(9, '\xff') + '\x7f'},
      {"continuation to the end of input", std::string(8, '\xff')},
  };
  for (const auto& c : cases) {
    INFO("c.name = " << std::string(c.name));
    std::string bad = raw;
    bad.replace(at, 1, c.prefix);
    if (std::string(c.name) == "continuation to the end of input") bad.resize(at + c.prefix.size());
    auto r = DecodeSyncRequest(Compress(bad));
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Code::kCorruption);
  }
}

TEST_CASE("a zstd bomb is refused before it is inflated") {
  SUBCASE("a real frame of kMaxDecodedBytes + 1 zeros") {
    std::string bomb = Compress(std::string(kMaxDecodedBytes + 1, '\0'));
    REQUIRE(bomb.size() < 64 * 1024);  // tiny on the wire
    AllocationProbe probe;
    auto r = DecodeSyncRequest(bomb);
    size_t largest = probe.largest();
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Code::kResourceExhausted);
    if (probe.available()) CHECK(largest < kSmallAllocation);
    auto rep = DecodeSyncReply(bomb);
    CHECK(rep.status().code() == Code::kResourceExhausted);
  }
  SUBCASE("a hand-made frame header claiming 2^40 bytes") {
    // Magic, frame header descriptor (8-byte content size, single segment),
    // the content size, then one empty raw last block.
    std::string frame("\x28\xb5\x2f\xfd\xe0", 5);
    uint64_t size = 1ULL << 40;
    for (int i = 0; i < 8; ++i) frame += static_cast<char>((size >> (8 * i)) & 0xff);
    frame += std::string("\x01\x00\x00", 3);
    AllocationProbe probe;
    auto r = DecodeSyncRequest(frame);
    CHECK(r.status().code() == Code::kResourceExhausted);
    if (probe.available()) CHECK(probe.largest() < kSmallAllocation);
  }
  SUBCASE("Decompress honours a smaller limit") {
    std::string c = Compress(std::string(1000, 'x'));
    CHECK(Decompress(c, 999).status().code() == Code::kResourceExhausted);
    auto ok = Decompress(c, 1000);
    REQUIRE(ok.ok());
    CHECK(*ok == std::string(1000, 'x'));
  }
  SUBCASE("a frame without a content size, garbage, and an oversized input") {
    std::string unknown_size("\x28\xb5\x2f\xfd\x00\x00\x01\x00\x00", 9);
    CHECK(Decompress(unknown_size).status().code() == Code::kCorruption);
    CHECK(Decompress("not zstd at all").status().code() == Code::kCorruption);
    CHECK(Decompress("").status().code() == Code::kCorruption);
    std::string huge(kMaxEncodedBytes + 1, '\0');
    CHECK(Decompress(huge).status().code() == Code::kResourceExhausted);
  }
}

TEST_CASE("unknown class versions are refused") {
  const std::string raw = RawOf(Encode(SampleRequest(), 2));
  // The first Change's class version follows the push list's length (3: one byte).
  const size_t change_version_at = kPushSizeAt + 1;
  REQUIRE(GetLe(raw, kPushSizeAt, 1) == 3);
  REQUIRE(GetLe(raw, kVersionAt, 4) == 1);
  REQUIRE(GetLe(raw, change_version_at, 4) == 1);
  struct Case {
    const char* name;
    size_t offset;
    uint32_t version;
  };
  const Case cases[] = {
      {"SyncRequest v3", kVersionAt, 3},      {"SyncRequest v0", kVersionAt, 0},
      {"SyncRequest v2^32-1", kVersionAt, 0xffffffffu},
      {"Change v2", change_version_at, 2},    {"Change v0", change_version_at, 0},
  };
  for (const auto& c : cases) {
    INFO("c.name = " << std::string(c.name));
    std::string bad = raw;
    PutLe(bad, c.offset, c.version, 4);
    auto r = DecodeSyncRequest(Compress(bad));
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Code::kCorruption);
    CHECK(r.status().message().find("class version") != std::string::npos);
  }
  // The raw (header) messages too.
  std::string h = EncodeRaw(SampleHeader());
  PutLe(h, kVersionAt, 2, 4);
  CHECK(DecodeRawHeader(h).status().code() == Code::kCorruption);
  std::string e = EncodeRaw(SampleError());
  PutLe(e, kVersionAt, 2, 4);
  CHECK(DecodeRawError(e).status().code() == Code::kCorruption);
  std::string q = EncodeRaw(SampleEnrolRequest());
  PutLe(q, kVersionAt, 0, 4);
  CHECK(DecodeRawEnrolRequest(q).status().code() == Code::kCorruption);
  std::string p = EncodeRaw(SampleEnrolReply());
  PutLe(p, kVersionAt, 9, 4);
  CHECK(DecodeRawEnrolReply(p).status().code() == Code::kCorruption);
  // SyncReply: 2 and 3 are known, 4 is not.
  std::string rep = RawOf(Encode(SampleReply()));
  REQUIRE(GetLe(rep, kVersionAt, 4) == 2);
  PutLe(rep, kVersionAt, 4, 4);
  CHECK(DecodeSyncReply(Compress(rep)).status().code() == Code::kCorruption);
}

TEST_CASE("unknown value tags are refused") {
  SyncRequest m;
  Change c;
  c.version = "0190a5b28c1d0000.n";
  c.fields = {{"f", Value(int64_t{0x1122334455667788LL}), ""}};
  m.push = {c};
  const std::string raw = RawOf(Encode(m, 2));
  // The tag byte precedes the int64 payload (little endian).
  const size_t tag_at = FindOnce(raw, std::string("\x88\x77\x66\x55\x44\x33\x22\x11", 8)) - 1;
  REQUIRE(GetLe(raw, tag_at, 1) == 1);
  for (uint8_t tag : {uint8_t{5}, uint8_t{6}, uint8_t{0x7f}, uint8_t{0xff}}) {
    CAPTURE(static_cast<int>(tag));
    std::string bad = raw;
    bad[tag_at] = static_cast<char>(tag);
    auto r = DecodeSyncRequest(Compress(bad));
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Code::kCorruption);
    CHECK(r.status().message().find("value tag") != std::string::npos);
  }
  // A version's encoding kind (0 empty, 1 stamp + node, 2 text) follows the
  // Change's class version.
  const size_t kind_at = kPushSizeAt + 1 + 4;
  REQUIRE(GetLe(raw, kPushSizeAt, 1) == 1);
  REQUIRE(GetLe(raw, kind_at, 1) == 1);
  for (uint8_t kind : {uint8_t{3}, uint8_t{0xff}}) {
    CAPTURE(static_cast<int>(kind));
    std::string bad = raw;
    bad[kind_at] = static_cast<char>(kind);
    auto r = DecodeSyncRequest(Compress(bad));
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Code::kCorruption);
  }
}

TEST_CASE("versions of every shape survive the wire unchanged") {
  const std::string cases[] = {
      "",
      "0000000000000000.a",
      "ffffffffffffffff.hub-0011223344556677",
      "018bcfe568020000." + std::string(64, 'n'),
      "018BCFE568020000.node-a",  // upper-case hex: not a stamp, kept as text
      "018bcfe56802000.node-a",   // 15 hex digits
      "018bcfe568020000.",        // no node
      "018bcfe568020000-node-a",
      "yesterday",
  };
  for (const auto& v : cases) {
    CAPTURE(v);
    SyncRequest m;
    Change c;
    c.version = v;
    c.fields = {{"f", Value(), v}};
    m.push = {c};
    auto back = DecodeSyncRequest(Encode(m));
    REQUIRE_MESSAGE(back.ok(), back.status().ToString());
    CHECK(back->push.at(0).version == v);
    CHECK(back->push.at(0).fields.at(0).base == v);
    SyncReply rep;
    rep.results = {{v, 0, ""}};
    auto rback = DecodeSyncReply(Encode(rep));
    REQUIRE_MESSAGE(rback.ok(), rback.status().ToString());
    CHECK(rback->results.at(0).version == v);
  }
}

TEST_CASE("trailing bytes are refused") {
  for (const std::string& tail : {std::string(1, '\0'), std::string("x"), std::string(100, '\xff')}) {
    CAPTURE(tail.size());
    std::string req = RawOf(Encode(SampleRequest())) + tail;
    auto r = DecodeSyncRequest(Compress(req));
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Code::kCorruption);
    CHECK(r.status().message().find("trailing") != std::string::npos);
    std::string rep = RawOf(Encode(SampleReply())) + tail;
    CHECK(DecodeSyncReply(Compress(rep)).status().code() == Code::kCorruption);
    CHECK(DecodeRawHeader(EncodeRaw(SampleHeader()) + tail).status().code() == Code::kCorruption);
    CHECK(DecodeRawError(EncodeRaw(SampleError()) + tail).status().code() == Code::kCorruption);
    CHECK(DecodeRawEnrolRequest(EncodeRaw(SampleEnrolRequest()) + tail).status().code() == Code::kCorruption);
    CHECK(DecodeRawEnrolReply(EncodeRaw(SampleEnrolReply()) + tail).status().code() == Code::kCorruption);
  }
  // Two valid zstd frames back to back are not one message either.
  std::string two = Encode(SampleRequest()) + Encode(SampleRequest());
  CHECK_FALSE(DecodeSyncRequest(two).ok());
}

TEST_CASE("over-long names are refused by the decoder's per-field bounds") {
  struct Case {
    const char* name;
    std::function<void(Change&)> spoil;
  };
  const Case cases[] = {
      {"field name of 65 bytes", [](Change& c) { c.fields[0].field = std::string(65, 'f'); }},
      {"table name of 65 bytes", [](Change& c) { c.table = std::string(65, 't'); }},
      {"row id of 65 bytes", [](Change& c) { c.row_id = std::string(65, 'r'); }},
      {"village of 33 bytes", [](Change& c) { c.village = std::string(33, '3'); }},
      {"version of 129 bytes", [](Change& c) { c.version = std::string(129, 'v'); }},
      {"base of 129 bytes", [](Change& c) { c.fields[0].base = std::string(129, 'b'); }},
  };
  for (const auto& k : cases) {
    INFO("k.name = " << std::string(k.name));
    SyncRequest m;
    Change c = SampleChange(1);
    k.spoil(c);
    m.push = {c};
    CHECK(DecodeSyncRequest(Encode(m)).status().code() == Code::kCorruption);
  }
}


// --- protocol 3 ----------------------------------------------------------------

const std::string kShaA = "00ff" + std::string(60, 'a');
const std::string kShaB = std::string(63, '7') + "e";

SyncRequest SampleRequest3() {
  SyncRequest m = SampleRequest();
  m.blob_query = {kShaA, "not-a-sha", ""};
  m.blob_chunks = {{kShaB, 70000, 65536, std::string("\0\1\2chunk", 8)}, {"ABCDEF", 5, 0, "x"}};
  m.blob_wants = {{kShaA, 12, 0xffffffffu}};
  m.skip_pull = true;
  m.recover_from = 0x1234567890ULL;
  return m;
}

SyncReply SampleReply3() {
  SyncReply m = SampleReply();
  m.protocol = 3;
  m.results = {{"", 0, ""}, {"", 8, "row belongs to village 35.10.01.2002"}, {"0190a5b28c1d0000.node-2", 0, ""}};
  // States leave their ids out: the request's positions name them.
  m.blob_states = {{"", 70000, 65544, false, 0, ""}, {"", 0, 0, false, 12, "document of 99 bytes; too large"},
                   {"", 5, 5, true, 0, ""}};
  m.blob_chunks = {{kShaA, 3, 0, "abc"}};
  m.handled_through = 77;
  m.recovered = {{70, {{"", 0, ""}, {"", 4, "later"}}, {{"", 10, 10, true, 0, ""}}}, {71, {}, {}}};
  return m;
}

TEST_CASE("protocol 3 messages round-trip, value and bytes, and are smaller") {
  CheckRoundTrip("SyncRequest protocol 3", SampleRequest3(), [](const SyncRequest& m) { return Encode(m, 3); },
                 DecodeSyncRequest);
  CheckRoundTrip("SyncReply protocol 3", SampleReply3(), [](const SyncReply& m) { return Encode(m); },
                 DecodeSyncReply);
  EnrolReply e = SampleEnrolReply();
  e.protocol = 3;
  CheckRoundTrip("EnrolReply protocol 3", e, [](const EnrolReply& m) { return EncodeRaw(m); }, DecodeRawEnrolReply);
  RecoveredReply r = SampleReply3().recovered[0];
  auto back = DecodeRecovered(EncodeRecovered(r));
  REQUIRE(back.ok());
  CHECK(*back == r);
  // A document id travels in 33 bytes instead of 65, and numbers as varints.
  SyncRequest ids;
  ids.blob_query = std::vector<std::string>(100, kShaA);
  CHECK(RawOf(Encode(ids, 3)).size() + 100 * 32 + 20 <= RawOf(Encode(ids, 2)).size());
}

TEST_CASE("protocol 2 encodings leave out what is new in 3, and old versions decode with the defaults") {
  // A request for a protocol 2 hub: class version 1, no skip_pull, no recover_from.
  auto old = DecodeSyncRequest(Encode(SampleRequest3(), 2));
  REQUIRE(old.ok());
  CHECK(GetLe(RawOf(Encode(SampleRequest3(), 2)), kVersionAt, 4) == 1);
  CHECK_FALSE(old->skip_pull);
  CHECK(old->recover_from == 0);
  CHECK(old->blob_query == SampleRequest3().blob_query);
  CHECK(old->blob_chunks == SampleRequest3().blob_chunks);
  // A reply that does not say protocol 3 is class version 2, with ids in its states.
  SyncReply two = SampleReply();
  two.blob_states = {{kShaA, 1, 1, true, 0, ""}};
  two.recovered = {{5, {}, {}}};
  auto rep = DecodeSyncReply(Encode(two));
  REQUIRE(rep.ok());
  CHECK(rep->protocol == 0);
  CHECK(rep->recovered.empty());
  CHECK(rep->blob_states == two.blob_states);
  // An enrolment reply to an older node: class version 1.
  CHECK(GetLe(EncodeRaw(SampleEnrolReply()), kVersionAt, 4) == 1);
  // Version 3 must name protocol 3 or more.
  std::string bad = EncodeRaw(SampleEnrolReply());
  PutLe(bad, kVersionAt, 2, 4);
  bad += std::string("\x02\x00", 2);  // protocol 2 under class version 2
  CHECK(DecodeRawEnrolReply(bad).status().code() == Code::kCorruption);
}

TEST_CASE("document states of a protocol 3 reply take their ids from the request, in order") {
  SyncRequest req = SampleRequest3();
  std::vector<BlobState> states(5);
  REQUIRE(ResolveBlobStates(req, &states).ok());
  CHECK(states[0].sha256 == kShaA);
  CHECK(states[1].sha256 == "not-a-sha");
  CHECK(states[3].sha256 == kShaB);
  CHECK(states[4].sha256 == "ABCDEF");
  // Ids already there must match; the count must match.
  CHECK(ResolveBlobStates(req, &states).ok());
  states[3].sha256 = kShaA;
  CHECK(ResolveBlobStates(req, &states).code() == Code::kCorruption);
  std::vector<BlobState> short_list(4);
  CHECK(ResolveBlobStates(req, &short_list).code() == Code::kCorruption);
}

TEST_CASE("protocol 3 encodings truncated at any byte or with a bad tag are refused") {
  const std::string req = RawOf(Encode(SampleRequest3(), 3));
  for (size_t n = 0; n < req.size(); ++n)
    REQUIRE_MESSAGE(DecodeSyncRequest(Compress(req.substr(0, n))).status().code() == Code::kCorruption, n);
  const std::string rep = RawOf(Encode(SampleReply3()));
  for (size_t n = 0; n < rep.size(); ++n)
    REQUIRE_MESSAGE(DecodeSyncReply(Compress(rep.substr(0, n))).status().code() == Code::kCorruption, n);
  const std::string rec = EncodeRecovered(SampleReply3().recovered[0]);
  for (size_t n = 0; n < rec.size(); ++n)
    REQUIRE_MESSAGE(DecodeRecovered(rec.substr(0, n)).status().code() == Code::kCorruption, n);
  // An unknown result tag (the first result's tag follows the counter and the list length).
  std::string bad = rec;
  bad[2] = 9;
  CHECK(DecodeRecovered(bad).status().code() == Code::kCorruption);
  CHECK(DecodeRecovered(rec + "x").status().code() == Code::kCorruption);
}

}  // namespace
}  // namespace simpul::sync::wire

namespace simpul::sync::wire {
namespace {

SyncRequest Changes(int from, int n) {
  SyncRequest m;
  m.initial = false;
  for (int i = from; i < from + n; ++i) {
    Change c = SampleChange(i);
    c.row_id = "0190a5b2-8c1d-7abc-9def-" + std::to_string(100000000000 + i);
    c.fields.resize(3);
    m.push.push_back(c);
  }
  return m;
}

TEST_CASE("frames of one shared compression stream decode in order, and only in order") {
  SharedCompressor z;
  std::vector<SyncRequest> reqs = {Changes(0, 40), Changes(40, 40), Changes(80, 40)};
  std::vector<std::string> bodies;
  for (const auto& r : reqs) bodies.push_back(z.Next(r, 3));
  // Later frames refer back to earlier ones: together smaller than alone.
  size_t alone = 0, shared = 0;
  for (size_t i = 0; i < reqs.size(); ++i) {
    alone += Encode(reqs[i], 3).size();
    shared += bodies[i].size();
  }
  CHECK(shared < alone);
  SharedDecompressor d;
  for (size_t i = 0; i < reqs.size(); ++i) {
    auto back = d.Decode(bodies[i]);
    REQUIRE_MESSAGE(back.ok(), back.status().ToString());
    CHECK(*back == reqs[i]);
  }
  // A part on its own, out of order, or after a damaged part is refused.
  CHECK(SharedDecompressor().Decode(bodies[1]).status().code() == Code::kCorruption);
  CHECK_FALSE(DecodeSyncRequest(bodies[0]).ok());  // no content size: not a request on its own
  SharedDecompressor bent;
  REQUIRE(bent.Decode(bodies[0]).ok());
  std::string damaged = bodies[1];
  damaged[damaged.size() / 2] ^= 0x5a;
  auto r = bent.Decode(damaged);
  CHECK_FALSE(r.ok());
  CHECK(bent.Decode(bodies[2]).status().code() == Code::kCorruption);
  // A request that is a zstd frame of its own decodes as ever, and a new
  // shared stream may start after it.
  SharedDecompressor mixed;
  auto plain = mixed.Decode(Encode(reqs[0], 3));
  REQUIRE(plain.ok());
  CHECK(*plain == reqs[0]);
  SharedCompressor z2;
  auto again = mixed.Decode(z2.Next(reqs[2], 3));
  REQUIRE(again.ok());
  CHECK(*again == reqs[2]);
}

TEST_CASE("a shared stream's parts truncated at any byte are refused, never half-decoded") {
  SharedCompressor z;
  const std::string first = z.Next(Changes(0, 20), 3);
  const std::string second = z.Next(Changes(20, 20), 3);
  for (size_t n = 0; n < first.size(); ++n) {
    SharedDecompressor d;
    REQUIRE_MESSAGE(!d.Decode(first.substr(0, n)).ok(), n);
  }
  for (size_t n = 0; n < second.size(); ++n) {
    SharedDecompressor d;
    REQUIRE(d.Decode(first).ok());
    REQUIRE_MESSAGE(!d.Decode(second.substr(0, n)).ok(), n);
  }
}

}  // namespace
}  // namespace simpul::sync::wire
