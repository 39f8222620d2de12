// Tests for sync/wire/decode.cc and reader.h: a hostile message that is
// honest about its bytes but asks for far more memory than it holds (huge
// counts, floods of tiny elements) is refused with a typed error before the
// memory is taken, and the heap a decode takes stays within the documented
// bound (codec.h: kDecodeBytesPerByte, PROTOCOL.md §11). Allocations are
// counted with tests/support/alloc_meter.h.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "schema/tables.h"
#include "sync/wire/codec.h"
#include "sync/wire/reader.h"
#include "tests/support/alloc_meter.h"

namespace simpul::sync::wire {
namespace {

using schema::Value;
using test::AllocMeter;

// What decoding a message of `n` decompressed bytes may take at its peak:
// the decoded message's budget, the decompressed bytes themselves, and zstd's
// context (the bound the decode_alloc fuzz target checks too).
size_t PeakBound(size_t n) { return (kDecodeBytesPerByte + 1) * n + kDecodeAllowance + (1u << 20); }

size_t RawSize(const std::string& encoded) {
  auto raw = Decompress(encoded);
  REQUIRE(raw.ok());
  return raw->size();
}

Change RealisticChange(int i) {
  Change c;
  c.version = "0190a5b28c1d" + std::to_string(1000 + i % 9000) + ".0011223344556677";
  c.table = "residents";
  c.row_id = "0190a5b2-8c1d-7000-8000-" + std::to_string(100000000000 + i);
  c.village = "35.10.01.2001";
  c.fields = {{"name", Value(std::string("Siti Aminah binti Abdullah")), ""},
              {"nik", Value(std::string("3510014107850001")), ""},
              {"birth_date", Value(std::string("1985-07-01")), ""},
              {"household_id", Value(std::string("0190a5b2-8c1d-7000-8000-000000000001")), ""},
              {"phone", Value(), ""},
              {"income", Value(int64_t{1500000}), ""}};
  return c;
}

TEST_CASE("more pushed changes than the hub accepts are refused before they are decoded") {
  SyncRequest m;
  m.push.resize(kMaxPushChanges + 1);  // empty changes: 6 honest bytes each
  for (uint16_t protocol : {uint16_t{2}, uint16_t{3}}) {
    CAPTURE(protocol);
    std::string encoded = Encode(m, protocol);
    const size_t n = RawSize(encoded);
    AllocMeter meter;
    auto r = DecodeSyncRequest(encoded);
    const size_t peak = meter.peak();
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Code::kResourceExhausted);
    CHECK(r.status().message().find("SyncRequest.push") != std::string::npos);
    // Nothing of the list was allocated: the decompressed bytes and zstd's context only.
    if (AllocMeter::Available()) CHECK(peak < n + (1u << 20));
  }
  // At the cap, it decodes.
  m.push.resize(kMaxPushChanges);
  auto ok = DecodeSyncRequest(Encode(m));
  REQUIRE_MESSAGE(ok.ok(), ok.status().ToString());
  CHECK(ok->push.size() == kMaxPushChanges);
}

TEST_CASE("tiny elements that expand far beyond their bytes are refused within the budget") {
  struct Case {
    const char* name;
    std::string encoded;
    bool reply;
    const char* field;
  };
  std::vector<Case> cases;
  {
    // 2,000 changes of 200 empty fields: 3 bytes of input become a 104-byte FieldChange.
    SyncRequest m;
    m.push.resize(2000);
    for (auto& c : m.push) c.fields.resize(200);
    cases.push_back({"pushed changes of empty fields", Encode(m), false, "Change.fields"});
  }
  {
    // A reply pulling 20,000 changes of 100 empty fields each.
    SyncReply m;
    m.protocol = 3;
    m.pulled.resize(20000);
    for (auto& c : m.pulled) c.fields.resize(100);
    cases.push_back({"pulled changes of empty fields", Encode(m), true, "Change.fields"});
  }
  {
    // 100,000 document ids of one byte each (empty text): 32-byte strings.
    SyncRequest m;
    m.blob_query.resize(kMaxDocumentsPerMessage);
    cases.push_back({"empty document ids", Encode(m), false, "SyncRequest.blob_query"});
  }
  {
    // 500,000 empty changes in a reply: 6 bytes become 160.
    SyncReply m;
    m.protocol = 3;
    m.repair.resize(500000);
    cases.push_back({"empty repair changes", Encode(m), true, "SyncReply.repair"});
  }
  for (const auto& c : cases) {
    INFO("c.name = " << std::string(c.name));
    const size_t n = RawSize(c.encoded);
    AllocMeter meter;
    Status st = c.reply ? DecodeSyncReply(c.encoded).status() : DecodeSyncRequest(c.encoded).status();
    const size_t peak = meter.peak();
    REQUIRE_FALSE(st.ok());
    CHECK(st.code() == Code::kResourceExhausted);
    CHECK_MESSAGE(st.message().find(c.field) != std::string::npos, st.message());
    if (AllocMeter::Available()) {
      CAPTURE(n);
      CAPTURE(peak);
      CHECK(peak <= PeakBound(n));
    }
  }
}

TEST_CASE("honest messages at the limits decode within the budget") {
  struct Case {
    const char* name;
    std::string encoded;
    bool reply;
  };
  std::vector<Case> cases;
  {
    SyncRequest m;
    for (int i = 0; i < static_cast<int>(kMaxPushChanges); ++i) m.push.push_back(RealisticChange(i));
    cases.push_back({"5,000 pushed changes (protocol 3)", Encode(m), false});
    cases.push_back({"5,000 pushed changes (protocol 2)", Encode(m, 2), false});
  }
  {
    // A snapshot page of rows with every field NULL: the sparsest honest change.
    SyncReply m;
    m.protocol = 3;
    for (int i = 0; i < 2000; ++i) {
      Change c = RealisticChange(i);
      for (auto& f : c.fields) f.value = Value();
      c.fields.insert(c.fields.end(), c.fields.begin(), c.fields.end());
      m.pulled.push_back(c);
    }
    cases.push_back({"a snapshot page of NULL fields", Encode(m), true});
  }
  {
    // 5,000 applied results of one byte each (protocol 3), and their protocol 2 form.
    SyncReply m;
    m.protocol = 3;
    m.results.resize(kMaxPushChanges);
    cases.push_back({"5,000 one-byte item results", Encode(m), true});
    m.protocol = 2;
    cases.push_back({"5,000 item results (protocol 2)", Encode(m), true});
  }
  for (const auto& c : cases) {
    INFO("c.name = " << std::string(c.name));
    const size_t n = RawSize(c.encoded);
    AllocMeter meter;
    Status st = c.reply ? DecodeSyncReply(c.encoded).status() : DecodeSyncRequest(c.encoded).status();
    const size_t peak = meter.peak();
    CHECK_MESSAGE(st.ok(), st.ToString());
    if (AllocMeter::Available()) {
      CAPTURE(n);
      CAPTURE(peak);
      CHECK(peak <= PeakBound(n));
    }
  }
}

TEST_CASE("every replicated table fits the per-change field cap") {
  for (const auto& t : schema::ReplicatedTables()) {
    CAPTURE(std::string(t.name));
    CHECK(t.fields.size() + 2 <= kMaxFieldsPerChange);  // + id and village
  }
}

TEST_CASE("the reader checks lengths against the bytes left and charges before allocating") {
  SUBCASE("a string longer than the input is corruption, and allocates nothing") {
    std::string in = std::string("\xe8\x07", 2) + "abc";  // claims 1,000 bytes
    Reader r(in, 100000);
    AllocMeter meter;
    std::string s = r.GetString(5000, "f");
    CHECK(meter.largest() < 1000);  // only the error message
    CHECK(r.status("m").code() == Code::kCorruption);
    CHECK(r.status("m").message().find("f:") != std::string::npos);
  }
  SUBCASE("a string the budget cannot pay is refused before it is allocated") {
    std::string in = std::string("\xe8\x07", 2) + std::string(1000, 'x');
    Reader r(in, 1000);  // a 1,000-byte string costs 1,001 bytes of heap
    AllocMeter meter;
    std::string s = r.GetString(5000, "f");
    CHECK(meter.largest() < 1000);  // only the error message
    CHECK(s.empty());
    CHECK(r.status("m").code() == Code::kResourceExhausted);
  }
  SUBCASE("a count: against the rest, then the cap, then the budget; errors are sticky") {
    std::string in = std::string("\x0a", 1) + std::string(10, '\0');
    {
      Reader r(in, 1000);
      CHECK(r.GetCount(100, 2, 8, "l") == 0);  // 10 elements of 2 bytes need 20
      CHECK(r.status("m").code() == Code::kCorruption);
      CHECK(r.GetU8("x") == 0);  // sticky: nothing more is read
      CHECK(r.status("m").message().find("l:") != std::string::npos);
    }
    {
      Reader r(in, 1000);
      CHECK(r.GetCount(9, 1, 8, "l") == 0);
      CHECK(r.status("m").code() == Code::kResourceExhausted);
    }
    {
      Reader r(in, 79);
      CHECK(r.GetCount(100, 1, 8, "l") == 0);  // 10 x 8 bytes > 79
      CHECK(r.status("m").code() == Code::kResourceExhausted);
    }
    {
      Reader r(in, 80);
      CHECK(r.GetCount(100, 1, 8, "l") == 10);
      CHECK(r.budget_left() == 0);
      CHECK(r.ok());
    }
  }
}

}  // namespace
}  // namespace simpul::sync::wire
