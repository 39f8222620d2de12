// The decoders of codec.h's messages, read field by field from a bounded
// Reader in the order codec.cc's cereal encoders write them (PROTOCOL.md
// §4). cereal's own loaders are never used on input: its string and vector
// loaders resize to whatever size the input claims.
#include "sync/wire/decode.h"

#include <array>
#include <cstdint>
#include <limits>
#include <vector>

#include "sync/wire/codec.h"
#include "sync/wire/reader.h"

namespace simpul::sync::wire {

size_t DecodeBudget(size_t n) {
  if (n > (std::numeric_limits<size_t>::max() - kDecodeAllowance) / kDecodeBytesPerByte)
    return std::numeric_limits<size_t>::max();
  return kDecodeBytesPerByte * n + kDecodeAllowance;
}

namespace {

constexpr size_t kNoMax = std::numeric_limits<size_t>::max();

// Types whose class version cereal writes once per message, before their
// first instance (CEREAL_CLASS_VERSION in codec.cc).
enum Slot { kFieldChangeV, kChangeV, kItemResultV, kBlobChunkV, kBlobStateV, kBlobWantV, kKeySuccessionV,
            kRequestHeaderV, kErrorReplyV, kEnrolRequestV, kSlots };

struct Decoder {
  explicit Decoder(std::string_view raw) : r(raw, DecodeBudget(raw.size())) {
    // cereal's portable binary archive opens with its byte order (1: little-endian).
    r.set_big_endian(r.GetU8("byte order") != 1);
  }
  // The class version of `slot`'s type: read at its first instance, then
  // remembered. False (and Corruption) when this build does not know it.
  bool Version(Slot slot, uint32_t supported, const char* type) {
    if (seen[slot] == 0) {
      uint32_t v = r.GetU32(type);
      if (!r.ok()) return false;
      if (v == 0 || v > supported) {
        r.Corrupt(type, "unknown class version " + std::to_string(v));
        return false;
      }
      seen[slot] = v;
    }
    return true;
  }
  Reader r;
  std::array<uint32_t, kSlots> seen{};
};

// A list: a varint count, capped and charged before the vector grows, then
// each element as `each` reads it.
template <class T, class F>
void List(Decoder& d, std::vector<T>& v, size_t cap, size_t min_wire, const char* field, F each) {
  size_t n = d.r.GetCount(cap, min_wire, sizeof(T), field);
  v.clear();
  if (n == 0) return;
  v.reserve(n);
  for (size_t i = 0; i < n && d.r.ok(); ++i) each(v.emplace_back());
}

uint64_t VarintMax(Decoder& d, uint64_t max, const char* field) {
  uint64_t v = d.r.GetVarint(field);
  if (v > max) d.r.Corrupt(field, "out of range");
  return v;
}

// A version: kind 0 empty; 1 an 8-byte big-endian stamp and the node id,
// read back as "hhhhhhhhhhhhhhhh.node"; 2 text.
std::string GetVersion(Decoder& d, const char* field) {
  uint8_t kind = d.r.GetU8(field);
  if (!d.r.ok() || kind == 0) return {};
  if (kind == 2) return d.r.GetString(128, field);
  if (kind != 1) {
    d.r.Corrupt(field, "unknown version encoding " + std::to_string(kind));
    return {};
  }
  std::string_view stamp = d.r.GetView(8, field);
  uint64_t n = d.r.GetVarint(field);
  if (n > 64) d.r.Corrupt(field, "node id longer than 64");
  std::string_view node = d.r.GetView(static_cast<size_t>(n), field);
  std::string v = d.r.MakeString(17 + node.size(), '.', field);
  if (!d.r.ok()) return {};
  static const char* kHex = "0123456789abcdef";
  for (int i = 0; i < 8; ++i) {
    v[2 * i] = kHex[static_cast<uint8_t>(stamp[i]) >> 4];
    v[2 * i + 1] = kHex[static_cast<uint8_t>(stamp[i]) & 15];
  }
  v.replace(17, node.size(), node);
  return v;
}

schema::Value GetValue(Decoder& d, const char* field) {
  uint8_t tag = d.r.GetU8(field);
  switch (tag) {
    case 0: return std::monostate{};
    case 1: return d.r.GetI64(field);
    case 2: return d.r.GetF64(field);
    case 3: return d.r.GetString(kNoMax, field);
    case 4: return schema::Blob{d.r.GetString(kNoMax, field)};
    default:
      d.r.Corrupt(field, "unknown value tag " + std::to_string(tag));
      return std::monostate{};
  }
}

void GetFieldChange(Decoder& d, FieldChange& m) {
  if (!d.Version(kFieldChangeV, 1, "FieldChange")) return;
  m.field = d.r.GetString(64, "FieldChange.field");
  m.value = GetValue(d, "FieldChange.value");
  m.base = GetVersion(d, "FieldChange.base");
}

// Smallest encodings, for the count checks: a Change of empty strings and
// no fields is 6 bytes, a FieldChange 3.
void GetChange(Decoder& d, Change& m) {
  if (!d.Version(kChangeV, 1, "Change")) return;
  m.version = GetVersion(d, "Change.version");
  m.table = d.r.GetString(64, "Change.table");
  m.row_id = d.r.GetString(64, "Change.row_id");
  m.village = d.r.GetString(32, "Change.village");
  m.flags = d.r.GetU8("Change.flags");
  List(d, m.fields, kMaxFieldsPerChange, 3, "Change.fields", [&](FieldChange& f) { GetFieldChange(d, f); });
}
void GetChanges(Decoder& d, std::vector<Change>& v, size_t cap, const char* field) {
  List(d, v, cap, 6, field, [&](Change& c) { GetChange(d, c); });
}

// --- class-versioned (protocol 1 and 2) encodings of the document lists ------

void GetItemResult1(Decoder& d, ItemResult& m) {
  if (!d.Version(kItemResultV, 1, "ItemResult")) return;
  m.version = GetVersion(d, "ItemResult.version");
  m.code = d.r.GetU16("ItemResult.code");
  m.message = d.r.GetString(4096, "ItemResult.message");
}
void GetChunk1(Decoder& d, BlobChunk& m) {
  if (!d.Version(kBlobChunkV, 1, "BlobChunk")) return;
  m.sha256 = d.r.GetString(64, "BlobChunk.sha256");
  m.total_size = d.r.GetU64("BlobChunk.total_size");
  m.offset = d.r.GetU64("BlobChunk.offset");
  m.data = d.r.GetString(kNoMax, "BlobChunk.data");
}
void GetState1(Decoder& d, BlobState& m) {
  if (!d.Version(kBlobStateV, 1, "BlobState")) return;
  m.sha256 = d.r.GetString(64, "BlobState.sha256");
  m.total_size = d.r.GetU64("BlobState.total_size");
  m.have = d.r.GetU64("BlobState.have");
  m.complete = d.r.GetBool("BlobState.complete");
  m.code = d.r.GetU16("BlobState.code");
  m.message = d.r.GetString(4096, "BlobState.message");
}
void GetWant1(Decoder& d, BlobWant& m) {
  if (!d.Version(kBlobWantV, 1, "BlobWant")) return;
  m.sha256 = d.r.GetString(64, "BlobWant.sha256");
  m.offset = d.r.GetU64("BlobWant.offset");
  m.max_bytes = d.r.GetU32("BlobWant.max_bytes");
}

// --- protocol 3 encodings ---------------------------------------------------------

// A document id: 0 and 32 bytes (read back as 64 lower-case hex digits),
// or its length + 1 and its text.
std::string GetSha(Decoder& d, const char* field) {
  uint64_t n = d.r.GetVarint(field);
  if (!d.r.ok()) return {};
  if (n > 0) {
    if (n - 1 > 64) {
      d.r.Corrupt(field, "document id longer than 64");
      return {};
    }
    std::string_view text = d.r.GetView(static_cast<size_t>(n - 1), field);
    std::string s = d.r.MakeString(text.size(), '\0', field);
    if (d.r.ok()) s.replace(0, text.size(), text);
    return s;
  }
  std::string_view raw = d.r.GetView(32, field);
  std::string sha = d.r.MakeString(64, '0', field);
  if (!d.r.ok()) return {};
  static const char* kHex = "0123456789abcdef";
  for (size_t i = 0; i < 32; ++i) {
    sha[2 * i] = kHex[static_cast<uint8_t>(raw[i]) >> 4];
    sha[2 * i + 1] = kHex[static_cast<uint8_t>(raw[i]) & 15];
  }
  return sha;
}
void GetChunk3(Decoder& d, BlobChunk& c) {
  c.sha256 = GetSha(d, "BlobChunk.sha256");
  c.total_size = d.r.GetVarint("BlobChunk.total_size");
  c.offset = d.r.GetVarint("BlobChunk.offset");
  c.data = d.r.GetString(kNoMax, "BlobChunk.data");
}
void GetWant3(Decoder& d, BlobWant& w) {
  w.sha256 = GetSha(d, "BlobWant.sha256");
  w.offset = d.r.GetVarint("BlobWant.offset");
  w.max_bytes = static_cast<uint32_t>(VarintMax(d, 0xffffffffu, "BlobWant.max_bytes"));
}
void GetResult3(Decoder& d, ItemResult& r) {
  uint8_t tag = d.r.GetU8("ItemResult");
  if (tag > 2) {
    d.r.Corrupt("ItemResult", "unknown result encoding " + std::to_string(tag));
    return;
  }
  if (tag == 2) r.version = GetVersion(d, "ItemResult.version");
  if (tag >= 1) {
    r.code = static_cast<uint16_t>(VarintMax(d, 0xffff, "ItemResult.code"));
    r.message = d.r.GetString(4096, "ItemResult.message");
  }
}
void GetState3(Decoder& d, BlobState& s) {
  s.total_size = d.r.GetVarint("BlobState.total_size");
  s.have = d.r.GetVarint("BlobState.have");
  uint8_t flags = d.r.GetU8("BlobState.flags");
  if (flags > 3) d.r.Corrupt("BlobState.flags", "unknown flags " + std::to_string(flags));
  s.complete = flags & 1;
  if (flags & 2) {
    s.code = static_cast<uint16_t>(VarintMax(d, 0xffff, "BlobState.code"));
    s.message = d.r.GetString(4096, "BlobState.message");
  }
}
void GetRecovered3(Decoder& d, RecoveredReply& r) {
  r.counter = d.r.GetVarint("RecoveredReply.counter");
  List(d, r.results, kMaxPushChanges, 1, "RecoveredReply.results", [&](ItemResult& x) { GetResult3(d, x); });
  List(d, r.blob_states, 2 * kMaxDocumentsPerMessage, 3, "RecoveredReply.blob_states",
       [&](BlobState& x) { GetState3(d, x); });
}

// --- protocol 4: the hub's epoch and signed changes (PROTOCOL.md §22) -----------

void GetSignedChange(Decoder& d, SignedChange& x) {
  x.canonical = d.r.GetString(kNoMax, "SignedChange.canonical");
  d.r.GetRaw(x.signature.data(), x.signature.size(), "SignedChange.signature");
}
void GetEpochReply(Decoder& d, SyncReply& m) {
  m.epoch = d.r.GetString(32, "SyncReply.epoch");
  List(d, m.lineage, kMaxEpochLinks, 2, "SyncReply.lineage", [&](EpochLink& x) {
    x.epoch = d.r.GetString(32, "EpochLink.epoch");
    x.through = d.r.GetVarint("EpochLink.through");
  });
  m.restored_counter = d.r.GetVarint("SyncReply.restored_counter");
  List(d, m.signatures, 2 * kMaxReplyChanges, 65, "SyncReply.signatures", [&](HubSignature& x) {
    x.index = d.r.GetVarint("HubSignature.index");
    d.r.GetRaw(x.signature.data(), x.signature.size(), "HubSignature.signature");
  });
  List(d, m.handback_results, kMaxPushChanges, 1, "SyncReply.handback_results",
       [&](ItemResult& x) { GetResult3(d, x); });
}

void GetSyncRequest(Decoder& d, SyncRequest& m) {
  uint32_t v = d.r.GetU32("SyncRequest");
  if (d.r.ok() && (v == 0 || v > 4)) d.r.Corrupt("SyncRequest", "unknown class version " + std::to_string(v));
  if (!d.r.ok()) return;
  if (v == 1) {
    m.batch_id = d.r.GetU64("SyncRequest.batch_id");
    GetChanges(d, m.push, kMaxPushChanges, "SyncRequest.push");
    m.initial = d.r.GetBool("SyncRequest.initial");
    m.pull_cursor = d.r.GetU64("SyncRequest.pull_cursor");
    m.pull_limit = d.r.GetU32("SyncRequest.pull_limit");
    m.snapshot_after = d.r.GetString(128, "SyncRequest.snapshot_after");
    m.snapshot_seq = d.r.GetU64("SyncRequest.snapshot_seq");
    List(d, m.repair_buckets, kMaxBucketsPerMessage, 4, "SyncRequest.repair_buckets",
         [&](uint32_t& x) { x = d.r.GetU32("SyncRequest.repair_buckets"); });
    List(d, m.blob_query, kMaxDocumentsPerMessage, 1, "SyncRequest.blob_query",
         [&](std::string& x) { x = d.r.GetString(64, "SyncRequest.blob_query"); });
    List(d, m.blob_chunks, kMaxDocumentsPerMessage, 18, "SyncRequest.blob_chunks",
         [&](BlobChunk& x) { GetChunk1(d, x); });
    List(d, m.blob_wants, kMaxDocumentsPerMessage, 13, "SyncRequest.blob_wants", [&](BlobWant& x) { GetWant1(d, x); });
    return;
  }
  m.batch_id = d.r.GetVarint("SyncRequest.batch_id");
  GetChanges(d, m.push, kMaxPushChanges, "SyncRequest.push");
  m.initial = d.r.GetBool("SyncRequest.initial");
  m.pull_cursor = d.r.GetVarint("SyncRequest.pull_cursor");
  m.pull_limit = static_cast<uint32_t>(VarintMax(d, 0xffffffffu, "SyncRequest.pull_limit"));
  m.snapshot_after = d.r.GetString(128, "SyncRequest.snapshot_after");
  m.snapshot_seq = d.r.GetVarint("SyncRequest.snapshot_seq");
  List(d, m.repair_buckets, kMaxBucketsPerMessage, 1, "SyncRequest.repair_buckets",
       [&](uint32_t& x) { x = static_cast<uint32_t>(VarintMax(d, 0xffffffffu, "SyncRequest.repair_buckets")); });
  List(d, m.blob_query, kMaxDocumentsPerMessage, 1, "SyncRequest.blob_query",
       [&](std::string& x) { x = GetSha(d, "SyncRequest.blob_query"); });
  List(d, m.blob_chunks, kMaxDocumentsPerMessage, 4, "SyncRequest.blob_chunks", [&](BlobChunk& x) { GetChunk3(d, x); });
  List(d, m.blob_wants, kMaxDocumentsPerMessage, 3, "SyncRequest.blob_wants", [&](BlobWant& x) { GetWant3(d, x); });
  m.skip_pull = d.r.GetBool("SyncRequest.skip_pull");
  m.recover_from = d.r.GetVarint("SyncRequest.recover_from");
  if (v < 3) return;
  m.epoch = d.r.GetString(32, "SyncRequest.epoch");
  List(d, m.handback, kMaxPushChanges, 65, "SyncRequest.handback", [&](SignedChange& x) { GetSignedChange(d, x); });
  if (v < 4) return;
  const uint64_t waiting = d.r.GetVarint("SyncRequest.outbox_waiting");
  if (waiting > 0) m.outbox_waiting = waiting - 1;
}

void GetKeySuccession(Decoder& d, KeySuccession& m) {
  if (!d.Version(kKeySuccessionV, 1, "KeySuccession")) return;
  d.r.GetRaw(m.old_pk.data(), m.old_pk.size(), "KeySuccession.old_pk");
  d.r.GetRaw(m.new_pk.data(), m.new_pk.size(), "KeySuccession.new_pk");
  d.r.GetRaw(m.signature.data(), m.signature.size(), "KeySuccession.signature");
}

void GetSyncReply(Decoder& d, SyncReply& m) {
  uint32_t v = d.r.GetU32("SyncReply");
  if (d.r.ok() && (v == 0 || v > 4)) d.r.Corrupt("SyncReply", "unknown class version " + std::to_string(v));
  if (!d.r.ok()) return;
  if (v < 3)
    List(d, m.results, kMaxPushChanges, 4, "SyncReply.results", [&](ItemResult& x) { GetItemResult1(d, x); });
  else
    List(d, m.results, kMaxPushChanges, 1, "SyncReply.results", [&](ItemResult& x) { GetResult3(d, x); });
  GetChanges(d, m.pulled, kMaxReplyChanges, "SyncReply.pulled");
  m.cursor = d.r.GetU64("SyncReply.cursor");
  m.more = d.r.GetBool("SyncReply.more");
  m.snapshot_next = d.r.GetString(128, "SyncReply.snapshot_next");
  m.hub_time_ms = d.r.GetU64("SyncReply.hub_time_ms");
  List(d, m.bucket_digests, kMaxBucketsPerMessage, 8, "SyncReply.bucket_digests",
       [&](uint64_t& x) { x = d.r.GetU64("SyncReply.bucket_digests"); });
  GetChanges(d, m.repair, kMaxReplyChanges, "SyncReply.repair");
  m.notice = d.r.GetString(4096, "SyncReply.notice");
  auto succession = [&] {
    List(d, m.hub_key_succession, kMaxKeySuccession, 128, "SyncReply.hub_key_succession",
         [&](KeySuccession& x) { GetKeySuccession(d, x); });
  };
  if (v < 3) {
    List(d, m.blob_states, 2 * kMaxDocumentsPerMessage, 21, "SyncReply.blob_states",
         [&](BlobState& x) { GetState1(d, x); });
    List(d, m.blob_chunks, kMaxDocumentsPerMessage, 18, "SyncReply.blob_chunks", [&](BlobChunk& x) { GetChunk1(d, x); });
    if (v >= 2) succession();
    return;
  }
  List(d, m.blob_states, 2 * kMaxDocumentsPerMessage, 3, "SyncReply.blob_states", [&](BlobState& x) { GetState3(d, x); });
  List(d, m.blob_chunks, kMaxDocumentsPerMessage, 4, "SyncReply.blob_chunks", [&](BlobChunk& x) { GetChunk3(d, x); });
  succession();
  m.protocol = d.r.GetU16("SyncReply.protocol");
  if (d.r.ok() && m.protocol < v)
    d.r.Corrupt("SyncReply.protocol",
                "class version " + std::to_string(v) + " names protocol " + std::to_string(m.protocol));
  m.handled_through = d.r.GetVarint("SyncReply.handled_through");
  List(d, m.recovered, kRecoveryWindow, 3, "SyncReply.recovered", [&](RecoveredReply& x) { GetRecovered3(d, x); });
  if (v >= 4) GetEpochReply(d, m);
}

void GetRequestHeader(Decoder& d, RequestHeader& m) {
  if (!d.Version(kRequestHeaderV, 1, "RequestHeader")) return;
  m.proto_min = d.r.GetU16("RequestHeader.proto_min");
  m.proto_max = d.r.GetU16("RequestHeader.proto_max");
  m.schema_version = d.r.GetU32("RequestHeader.schema_version");
  m.node_id = d.r.GetString(64, "RequestHeader.node_id");
  d.r.GetRaw(m.eph_pk.data(), m.eph_pk.size(), "RequestHeader.eph_pk");
  m.counter = d.r.GetU64("RequestHeader.counter");
  d.r.GetRaw(m.nonce.data(), m.nonce.size(), "RequestHeader.nonce");
}

void GetErrorReply(Decoder& d, ErrorReply& m) {
  if (!d.Version(kErrorReplyV, 1, "ErrorReply")) return;
  m.code = d.r.GetU16("ErrorReply.code");
  m.message = d.r.GetString(4096, "ErrorReply.message");
  m.hub_proto_min = d.r.GetU16("ErrorReply.hub_proto_min");
  m.hub_proto_max = d.r.GetU16("ErrorReply.hub_proto_max");
  m.hub_schema_version = d.r.GetU32("ErrorReply.hub_schema_version");
}

void GetEnrolRequest(Decoder& d, EnrolRequest& m) {
  if (!d.Version(kEnrolRequestV, 1, "EnrolRequest")) return;
  m.code_id = d.r.GetString(64, "EnrolRequest.code_id");
  m.node_id = d.r.GetString(64, "EnrolRequest.node_id");
  m.village = d.r.GetString(32, "EnrolRequest.village");
  d.r.GetRaw(m.node_sign_pk.data(), m.node_sign_pk.size(), "EnrolRequest.node_sign_pk");
  m.proto_max = d.r.GetU16("EnrolRequest.proto_max");
  m.schema_version = d.r.GetU32("EnrolRequest.schema_version");
}

void GetEnrolReply(Decoder& d, EnrolReply& m) {
  uint32_t v = d.r.GetU32("EnrolReply");
  if (d.r.ok() && (v == 0 || v > 2)) d.r.Corrupt("EnrolReply", "unknown class version " + std::to_string(v));
  d.r.GetRaw(m.hub_sign_pk.data(), m.hub_sign_pk.size(), "EnrolReply.hub_sign_pk");
  m.hub_id = d.r.GetString(64, "EnrolReply.hub_id");
  m.village = d.r.GetString(32, "EnrolReply.village");
  m.hub_time_ms = d.r.GetU64("EnrolReply.hub_time_ms");
  if (v == 2) {
    m.protocol = d.r.GetU16("EnrolReply.protocol");
    if (d.r.ok() && m.protocol < 3)
      d.r.Corrupt("EnrolReply.protocol", "class version 2 names protocol " + std::to_string(m.protocol));
  }
}

// One whole message, or the first failure; nothing may follow it.
template <class T, class F>
Result<T> Parse(std::string_view raw, const char* what, F get) {
  if (raw.size() > kMaxDecodedBytes) return Status::ResourceExhausted(std::string(what) + ": message too large");
  Decoder d(raw);
  T m;
  get(d, m);
  if (d.r.ok() && d.r.remaining() != 0) d.r.Corrupt("message", "trailing bytes");
  if (!d.r.ok()) return d.r.status(what);
  return m;
}

}  // namespace

Result<SyncRequest> ParseSyncRequest(std::string_view raw) {
  return Parse<SyncRequest>(raw, "sync request", GetSyncRequest);
}
Result<SyncReply> ParseSyncReply(std::string_view raw) { return Parse<SyncReply>(raw, "sync reply", GetSyncReply); }
Result<RecoveredReply> ParseRecovered(std::string_view raw) {
  return Parse<RecoveredReply>(raw, "recovered reply", GetRecovered3);
}
Result<RequestHeader> ParseRequestHeader(std::string_view raw) {
  return Parse<RequestHeader>(raw, "request header", GetRequestHeader);
}
Result<ErrorReply> ParseErrorReply(std::string_view raw) { return Parse<ErrorReply>(raw, "error reply", GetErrorReply); }
Result<EnrolRequest> ParseEnrolRequest(std::string_view raw) {
  return Parse<EnrolRequest>(raw, "enrol request", GetEnrolRequest);
}
Result<EnrolReply> ParseEnrolReply(std::string_view raw) { return Parse<EnrolReply>(raw, "enrol reply", GetEnrolReply); }

}  // namespace simpul::sync::wire
