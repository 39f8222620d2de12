// cereal serialisation of the wire messages. Every container is read through
// a bounded helper: cereal's own std::string/std::vector loaders resize to
// whatever size the input claims, so they are never used on input here.
#include "sync/wire/codec.h"

#include <zstd.h>

#include <algorithm>
#include <cereal/archives/portable_binary.hpp>
#include <cereal/cereal.hpp>
#include <new>
#include <sstream>

namespace simpul::sync::wire {
namespace {

// Bytes of input left to decode; a length prefix larger than this is a lie.
thread_local size_t g_input_budget = 0;

struct DecodeError : std::exception {
  explicit DecodeError(std::string w) : what_(std::move(w)) {}
  const char* what() const noexcept override { return what_.c_str(); }
  std::string what_;
};

void CheckVersion(uint32_t version, uint32_t supported, const char* type) {
  if (version == 0 || version > supported)
    throw DecodeError(std::string(type) + ": unknown class version " + std::to_string(version));
}

// Lengths are LEB128 varints (1 byte for anything under 128), not cereal's
// fixed 8-byte size tags: most strings here are short, and every byte counts
// on a 64 kbit/s link.
template <class Ar>
void SaveLen(Ar& ar, uint64_t n) {
  uint8_t buf[10];
  size_t k = 0;
  do {
    uint8_t b = n & 0x7f;
    n >>= 7;
    buf[k++] = static_cast<uint8_t>(b | (n ? 0x80 : 0));
  } while (n);
  ar(cereal::binary_data(buf, k));
}
template <class Ar>
uint64_t LoadLen(Ar& ar) {
  uint64_t n = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    uint8_t b = 0;
    ar(cereal::binary_data(&b, 1));
    n |= static_cast<uint64_t>(b & 0x7f) << shift;
    if (!(b & 0x80)) return n;
  }
  throw DecodeError("length prefix longer than 10 bytes");
}

template <class Ar>
void SaveStr(Ar& ar, const std::string& s) {
  SaveLen(ar, s.size());
  ar(cereal::binary_data(s.data(), s.size()));
}
template <class Ar>
void LoadStr(Ar& ar, std::string& s, size_t max = SIZE_MAX) {
  uint64_t n = LoadLen(ar);
  if (n > g_input_budget || n > max) throw DecodeError("string length " + std::to_string(n) + " exceeds input");
  s.resize(n);
  ar(cereal::binary_data(s.data(), n));
}

// A version "hhhhhhhhhhhhhhhh.node" travels as its 8-byte stamp (big-endian,
// so consecutive stamps share a prefix) and the node id; "" as one 0 byte.
template <class Ar>
void SaveVersion(Ar& ar, const std::string& v) {
  uint64_t stamp = 0;
  bool ok = v.size() > 17 && v[16] == '.';
  for (size_t i = 0; ok && i < 16; ++i) {
    char c = v[i];
    int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    ok = d >= 0;
    stamp = (stamp << 4) | static_cast<uint64_t>(d < 0 ? 0 : d);
  }
  // Kind 1 only for what LoadVersion reads back as kind 1 (node id <= 64);
  // anything else travels as text, so every version round-trips.
  ok = ok && v.size() - 17 <= 64;
  uint8_t kind = v.empty() ? 0 : ok ? 1 : 2;
  ar(cereal::binary_data(&kind, 1));
  if (kind == 1) {
    uint8_t be[8];
    for (int i = 0; i < 8; ++i) be[i] = static_cast<uint8_t>(stamp >> (56 - 8 * i));
    ar(cereal::binary_data(be, 8));
    SaveStr(ar, v.substr(17));
  } else if (kind == 2) {
    SaveStr(ar, v);  // not a stamp: kept as text, refused by the receiver
  }
}
template <class Ar>
void LoadVersion(Ar& ar, std::string& v) {
  uint8_t kind = 0;
  ar(cereal::binary_data(&kind, 1));
  if (kind == 0) {
    v.clear();
  } else if (kind == 1) {
    uint8_t be[8];
    ar(cereal::binary_data(be, 8));
    static const char* kHex = "0123456789abcdef";
    v.assign(16, '0');
    for (int i = 0; i < 8; ++i) {
      v[2 * i] = kHex[be[i] >> 4];
      v[2 * i + 1] = kHex[be[i] & 15];
    }
    std::string node;
    LoadStr(ar, node, 64);
    v += '.';
    v += node;
  } else if (kind == 2) {
    LoadStr(ar, v, 128);
  } else {
    throw DecodeError("unknown version encoding " + std::to_string(kind));
  }
}

// A list: its length, then each element as `each` writes it.
template <class Ar, class T, class F>
void SaveList(Ar& ar, const std::vector<T>& v, F each) {
  SaveLen(ar, v.size());
  for (const auto& e : v) each(ar, e);
}
template <class Ar, class T, class F>
void LoadList(Ar& ar, std::vector<T>& v, F each) {
  uint64_t n = LoadLen(ar);
  // Every element takes at least one byte of input.
  if (n > g_input_budget) throw DecodeError("list length " + std::to_string(n) + " exceeds input");
  v.clear();
  v.reserve(static_cast<size_t>(std::min<uint64_t>(n, 4096)));
  for (uint64_t i = 0; i < n; ++i) {
    v.emplace_back();
    each(ar, v.back());
  }
}
// A list of cereal-serialised (class-versioned) elements.
template <class Ar, class T>
void SaveVec(Ar& ar, const std::vector<T>& v) {
  SaveList(ar, v, [](Ar& a, const T& e) { a(e); });
}
template <class Ar, class T>
void LoadVec(Ar& ar, std::vector<T>& v) {
  LoadList(ar, v, [](Ar& a, T& e) { a(e); });
}
template <class Ar>
void SaveStrVec(Ar& ar, const std::vector<std::string>& v) {
  SaveLen(ar, v.size());
  for (const auto& s : v) SaveStr(ar, s);
}
template <class Ar>
void LoadStrVec(Ar& ar, std::vector<std::string>& v, size_t max_each) {
  uint64_t n = LoadLen(ar);
  if (n > g_input_budget) throw DecodeError("list length exceeds input");
  v.clear();
  for (uint64_t i = 0; i < n; ++i) {
    v.emplace_back();
    LoadStr(ar, v.back(), max_each);
  }
}
template <class Ar>
void SaveU64Vec(Ar& ar, const std::vector<uint64_t>& v) {
  SaveLen(ar, v.size());
  for (auto x : v) ar(x);
}
template <class Ar>
void LoadU64Vec(Ar& ar, std::vector<uint64_t>& v) {
  uint64_t n = LoadLen(ar);
  if (n > g_input_budget / 8) throw DecodeError("list length exceeds input");
  v.resize(n);
  for (auto& x : v) ar(x);
}
template <class Ar>
void LoadU32Vec(Ar& ar, std::vector<uint32_t>& v) {
  uint64_t n = LoadLen(ar);
  if (n > g_input_budget / 4) throw DecodeError("list length exceeds input");
  v.resize(n);
  for (auto& x : v) ar(x);
}
template <class Ar>
void SaveU32Vec(Ar& ar, const std::vector<uint32_t>& v) {
  SaveLen(ar, v.size());
  for (auto x : v) ar(x);
}

// Value: tag byte (persisted: 0 null, 1 int, 2 real, 3 text, 4 blob) + payload.
template <class Ar>
void SaveValue(Ar& ar, const schema::Value& v) {
  uint8_t tag = static_cast<uint8_t>(v.index());
  ar(tag);
  switch (tag) {
    case 1: ar(std::get<int64_t>(v)); break;
    case 2: ar(std::get<double>(v)); break;
    case 3: SaveStr(ar, std::get<std::string>(v)); break;
    case 4: SaveStr(ar, std::get<schema::Blob>(v).bytes); break;
    default: break;
  }
}
template <class Ar>
void LoadValue(Ar& ar, schema::Value& v) {
  uint8_t tag = 0;
  ar(tag);
  switch (tag) {
    case 0: v = std::monostate{}; break;
    case 1: { int64_t i; ar(i); v = i; break; }
    case 2: { double d; ar(d); v = d; break; }
    case 3: { std::string s; LoadStr(ar, s); v = std::move(s); break; }
    case 4: { schema::Blob b; LoadStr(ar, b.bytes); v = std::move(b); break; }
    default: throw DecodeError("unknown value tag " + std::to_string(tag));
  }
}

// A bool is one byte, 0 or 1; anything else is corruption (cereal would
// copy the raw byte into a bool, which is undefined behaviour).
template <class Ar>
void LoadBool(Ar& ar, bool& b) {
  uint8_t v = 0;
  ar(cereal::binary_data(&v, 1));
  if (v > 1) throw DecodeError("boolean byte " + std::to_string(v));
  b = v == 1;
}
template <class Ar>
void SaveBool(Ar& ar, bool b) {
  uint8_t v = b ? 1 : 0;
  ar(cereal::binary_data(&v, 1));
}

template <class Ar, size_t N>
void Bytes(Ar& ar, std::array<uint8_t, N>& a) { ar(cereal::binary_data(a.data(), N)); }
template <class Ar, size_t N>
void Bytes(Ar& ar, const std::array<uint8_t, N>& a) { ar(cereal::binary_data(a.data(), N)); }

// --- protocol 3 encodings ------------------------------------------------------
// The protocol a SyncRequest is being encoded for (set by Encode): it
// chooses the class version.
thread_local uint16_t g_protocol = kProtocolMax;

template <class Ar>
void SaveU64(Ar& ar, uint64_t v) { SaveLen(ar, v); }
template <class Ar>
uint64_t LoadU64(Ar& ar) { return LoadLen(ar); }
template <class Ar>
uint16_t LoadU16(Ar& ar, const char* what) {
  uint64_t v = LoadLen(ar);
  if (v > 0xffff) throw DecodeError(std::string(what) + " out of range");
  return static_cast<uint16_t>(v);
}

// A document id: a lowercase 64-digit hex SHA-256 travels as 0 and its 32
// bytes (half the size, and random bytes zstd cannot shrink anyway);
// anything else as its length + 1 and its text (refused by the receiver),
// so every id round-trips.
bool IsLowerHex64(const std::string& s) {
  if (s.size() != 64) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}
template <class Ar>
void SaveSha(Ar& ar, const std::string& sha) {
  if (!IsLowerHex64(sha)) {
    SaveLen(ar, sha.size() + 1);
    ar(cereal::binary_data(sha.data(), sha.size()));
    return;
  }
  uint8_t raw[33];
  raw[0] = 0;
  auto nib = [](char c) { return static_cast<uint8_t>(c <= '9' ? c - '0' : c - 'a' + 10); };
  for (size_t i = 0; i < 32; ++i) raw[i + 1] = static_cast<uint8_t>(nib(sha[2 * i]) << 4 | nib(sha[2 * i + 1]));
  ar(cereal::binary_data(raw, sizeof raw));
}
template <class Ar>
void LoadSha(Ar& ar, std::string& sha) {
  uint64_t n = LoadLen(ar);
  if (n > 0) {
    if (n - 1 > 64 || n - 1 > g_input_budget) throw DecodeError("document id longer than 64");
    sha.resize(n - 1);
    ar(cereal::binary_data(sha.data(), n - 1));
    return;
  }
  uint8_t raw[32];
  ar(cereal::binary_data(raw, sizeof raw));
  static const char* kHex = "0123456789abcdef";
  sha.resize(64);
  for (size_t i = 0; i < 32; ++i) {
    sha[2 * i] = kHex[raw[i] >> 4];
    sha[2 * i + 1] = kHex[raw[i] & 15];
  }
}

template <class Ar>
void SaveChunk3(Ar& ar, const BlobChunk& c) {
  SaveSha(ar, c.sha256); SaveU64(ar, c.total_size); SaveU64(ar, c.offset); SaveStr(ar, c.data);
}
template <class Ar>
void LoadChunk3(Ar& ar, BlobChunk& c) {
  LoadSha(ar, c.sha256); c.total_size = LoadU64(ar); c.offset = LoadU64(ar); LoadStr(ar, c.data);
}
template <class Ar>
void SaveWant3(Ar& ar, const BlobWant& w) {
  SaveSha(ar, w.sha256); SaveU64(ar, w.offset); SaveU64(ar, w.max_bytes);
}
template <class Ar>
void LoadWant3(Ar& ar, BlobWant& w) {
  LoadSha(ar, w.sha256); w.offset = LoadU64(ar);
  uint64_t m = LoadU64(ar);
  if (m > 0xffffffffu) throw DecodeError("BlobWant.max_bytes out of range");
  w.max_bytes = static_cast<uint32_t>(m);
}
// A result: 0 = applied, by position; 1 = code and message, by position;
// 2 = with the change's version.
template <class Ar>
void SaveResult3(Ar& ar, const ItemResult& r) {
  uint8_t tag = !r.version.empty() ? 2 : (r.code != 0 || !r.message.empty()) ? 1 : 0;
  ar(cereal::binary_data(&tag, 1));
  if (tag == 2) SaveVersion(ar, r.version);
  if (tag >= 1) {
    SaveU64(ar, r.code);
    SaveStr(ar, r.message);
  }
}
template <class Ar>
void LoadResult3(Ar& ar, ItemResult& r) {
  uint8_t tag = 0;
  ar(cereal::binary_data(&tag, 1));
  if (tag > 2) throw DecodeError("unknown result encoding " + std::to_string(tag));
  if (tag == 2) LoadVersion(ar, r.version);
  if (tag >= 1) {
    r.code = LoadU16(ar, "ItemResult.code");
    LoadStr(ar, r.message, 4096);
  }
}
// A document state without its id: states answer the request's blob_query
// then blob_chunks in order, so the position names the document
// (ResolveBlobStates fills it in).
template <class Ar>
void SaveState3(Ar& ar, const BlobState& s) {
  SaveU64(ar, s.total_size); SaveU64(ar, s.have);
  uint8_t flags = static_cast<uint8_t>((s.complete ? 1 : 0) | (s.code != 0 || !s.message.empty() ? 2 : 0));
  ar(cereal::binary_data(&flags, 1));
  if (flags & 2) {
    SaveU64(ar, s.code);
    SaveStr(ar, s.message);
  }
}
template <class Ar>
void LoadState3(Ar& ar, BlobState& s) {
  s.total_size = LoadU64(ar); s.have = LoadU64(ar);
  uint8_t flags = 0;
  ar(cereal::binary_data(&flags, 1));
  if (flags > 3) throw DecodeError("unknown document state flags " + std::to_string(flags));
  s.complete = flags & 1;
  if (flags & 2) {
    s.code = LoadU16(ar, "BlobState.code");
    LoadStr(ar, s.message, 4096);
  }
}
template <class Ar>
void SaveRecovered3(Ar& ar, const RecoveredReply& r) {
  SaveU64(ar, r.counter);
  SaveList(ar, r.results, [](Ar& a, const ItemResult& x) { SaveResult3(a, x); });
  SaveList(ar, r.blob_states, [](Ar& a, const BlobState& x) { SaveState3(a, x); });
}
template <class Ar>
void LoadRecovered3(Ar& ar, RecoveredReply& r) {
  r.counter = LoadU64(ar);
  LoadList(ar, r.results, [](Ar& a, ItemResult& x) { LoadResult3(a, x); });
  LoadList(ar, r.blob_states, [](Ar& a, BlobState& x) { LoadState3(a, x); });
}

// --- protocol 4: the hub's epoch and signed changes (PROTOCOL.md §22) ----------
template <class Ar>
void SaveSig(Ar& ar, const std::array<uint8_t, 64>& s) { ar(cereal::binary_data(s.data(), s.size())); }
template <class Ar>
void LoadSig(Ar& ar, std::array<uint8_t, 64>& s) { ar(cereal::binary_data(s.data(), s.size())); }
template <class Ar>
void SaveEpochRequest(Ar& ar, const SyncRequest& m) {
  SaveStr(ar, m.epoch);
  SaveList(ar, m.handback, [](Ar& a, const SignedChange& x) { SaveStr(a, x.canonical); SaveSig(a, x.signature); });
}
template <class Ar>
void LoadEpochRequest(Ar& ar, SyncRequest& m) {
  LoadStr(ar, m.epoch, 32);
  LoadList(ar, m.handback, [](Ar& a, SignedChange& x) { LoadStr(a, x.canonical); LoadSig(a, x.signature); });
}
template <class Ar>
void SaveEpochReply(Ar& ar, const SyncReply& m) {
  SaveStr(ar, m.epoch);
  SaveList(ar, m.lineage, [](Ar& a, const EpochLink& x) { SaveStr(a, x.epoch); SaveU64(a, x.through); });
  SaveU64(ar, m.restored_counter);
  SaveList(ar, m.signatures, [](Ar& a, const HubSignature& x) { SaveU64(a, x.index); SaveSig(a, x.signature); });
  SaveList(ar, m.handback_results, [](Ar& a, const ItemResult& x) { SaveResult3(a, x); });
}
template <class Ar>
void LoadEpochReply(Ar& ar, SyncReply& m) {
  LoadStr(ar, m.epoch, 32);
  LoadList(ar, m.lineage, [](Ar& a, EpochLink& x) { LoadStr(a, x.epoch, 32); x.through = LoadU64(a); });
  m.restored_counter = LoadU64(ar);
  LoadList(ar, m.signatures, [](Ar& a, HubSignature& x) { x.index = LoadU64(a); LoadSig(a, x.signature); });
  LoadList(ar, m.handback_results, [](Ar& a, ItemResult& x) { LoadResult3(a, x); });
}

}  // namespace

// --- per-type save/load (non-intrusive, versioned) ---------------------------

template <class Ar> void save(Ar& ar, const FieldChange& m, uint32_t) {
  SaveStr(ar, m.field); SaveValue(ar, m.value); SaveVersion(ar, m.base);
}
template <class Ar> void load(Ar& ar, FieldChange& m, uint32_t v) {
  CheckVersion(v, 1, "FieldChange");
  LoadStr(ar, m.field, 64); LoadValue(ar, m.value); LoadVersion(ar, m.base);
}
template <class Ar> void save(Ar& ar, const Change& m, uint32_t) {
  SaveVersion(ar, m.version); SaveStr(ar, m.table); SaveStr(ar, m.row_id); SaveStr(ar, m.village);
  ar(m.flags); SaveVec(ar, m.fields);
}
template <class Ar> void load(Ar& ar, Change& m, uint32_t v) {
  CheckVersion(v, 1, "Change");
  LoadVersion(ar, m.version); LoadStr(ar, m.table, 64); LoadStr(ar, m.row_id, 64);
  LoadStr(ar, m.village, 32); ar(m.flags); LoadVec(ar, m.fields);
}
template <class Ar> void save(Ar& ar, const ItemResult& m, uint32_t) {
  SaveVersion(ar, m.version); ar(m.code); SaveStr(ar, m.message);
}
template <class Ar> void load(Ar& ar, ItemResult& m, uint32_t v) {
  CheckVersion(v, 1, "ItemResult");
  LoadVersion(ar, m.version); ar(m.code); LoadStr(ar, m.message, 4096);
}
template <class Ar> void save(Ar& ar, const BlobChunk& m, uint32_t) {
  SaveStr(ar, m.sha256); ar(m.total_size, m.offset); SaveStr(ar, m.data);
}
template <class Ar> void load(Ar& ar, BlobChunk& m, uint32_t v) {
  CheckVersion(v, 1, "BlobChunk");
  LoadStr(ar, m.sha256, 64); ar(m.total_size, m.offset); LoadStr(ar, m.data);
}
template <class Ar> void save(Ar& ar, const BlobState& m, uint32_t) {
  SaveStr(ar, m.sha256); ar(m.total_size, m.have); SaveBool(ar, m.complete); ar(m.code); SaveStr(ar, m.message);
}
template <class Ar> void load(Ar& ar, BlobState& m, uint32_t v) {
  CheckVersion(v, 1, "BlobState");
  LoadStr(ar, m.sha256, 64); ar(m.total_size, m.have); LoadBool(ar, m.complete); ar(m.code);
  LoadStr(ar, m.message, 4096);
}
template <class Ar> void save(Ar& ar, const BlobWant& m, uint32_t) {
  SaveStr(ar, m.sha256); ar(m.offset, m.max_bytes);
}
template <class Ar> void load(Ar& ar, BlobWant& m, uint32_t v) {
  CheckVersion(v, 1, "BlobWant");
  LoadStr(ar, m.sha256, 64); ar(m.offset, m.max_bytes);
}
// SyncRequest and SyncReply are the top-level messages: they write their
// class version themselves (the same u32 cereal writes), because which one
// depends on the protocol the peer speaks.
template <class Ar> void save(Ar& ar, const SyncRequest& m) {
  const uint32_t v = g_protocol >= 4 ? 3 : g_protocol >= 3 ? 2 : 1;
  ar(v);
  if (v == 1) {
    ar(m.batch_id); SaveVec(ar, m.push); SaveBool(ar, m.initial); ar(m.pull_cursor, m.pull_limit);
    SaveStr(ar, m.snapshot_after); ar(m.snapshot_seq);
    SaveU32Vec(ar, m.repair_buckets);
    // skip_pull and recover_from do not exist before protocol 3.
    SaveStrVec(ar, m.blob_query); SaveVec(ar, m.blob_chunks); SaveVec(ar, m.blob_wants);
    return;
  }
  // Class version 2: numbers as varints (a frame of document bytes carries
  // these fields too, and mostly small numbers).
  SaveU64(ar, m.batch_id); SaveVec(ar, m.push); SaveBool(ar, m.initial); SaveU64(ar, m.pull_cursor);
  SaveU64(ar, m.pull_limit); SaveStr(ar, m.snapshot_after); SaveU64(ar, m.snapshot_seq);
  SaveList(ar, m.repair_buckets, [](Ar& a, uint32_t x) { SaveU64(a, x); });
  SaveList(ar, m.blob_query, [](Ar& a, const std::string& x) { SaveSha(a, x); });
  SaveList(ar, m.blob_chunks, [](Ar& a, const BlobChunk& x) { SaveChunk3(a, x); });
  SaveList(ar, m.blob_wants, [](Ar& a, const BlobWant& x) { SaveWant3(a, x); });
  SaveBool(ar, m.skip_pull); SaveU64(ar, m.recover_from);
  if (v >= 3) SaveEpochRequest(ar, m);
}
template <class Ar> void load(Ar& ar, SyncRequest& m) {
  uint32_t v = 0;
  ar(v);
  CheckVersion(v, 3, "SyncRequest");
  if (v == 1) {
    ar(m.batch_id); LoadVec(ar, m.push); LoadBool(ar, m.initial); ar(m.pull_cursor, m.pull_limit);
    LoadStr(ar, m.snapshot_after, 128); ar(m.snapshot_seq);
    LoadU32Vec(ar, m.repair_buckets);
    LoadStrVec(ar, m.blob_query, 64); LoadVec(ar, m.blob_chunks); LoadVec(ar, m.blob_wants);
    return;
  }
  m.batch_id = LoadU64(ar); LoadVec(ar, m.push); LoadBool(ar, m.initial); m.pull_cursor = LoadU64(ar);
  uint64_t limit = LoadU64(ar);
  if (limit > 0xffffffffu) throw DecodeError("SyncRequest.pull_limit out of range");
  m.pull_limit = static_cast<uint32_t>(limit);
  LoadStr(ar, m.snapshot_after, 128); m.snapshot_seq = LoadU64(ar);
  LoadList(ar, m.repair_buckets, [](Ar& a, uint32_t& x) {
    uint64_t b = LoadU64(a);
    if (b > 0xffffffffu) throw DecodeError("repair bucket out of range");
    x = static_cast<uint32_t>(b);
  });
  LoadList(ar, m.blob_query, [](Ar& a, std::string& x) { LoadSha(a, x); });
  LoadList(ar, m.blob_chunks, [](Ar& a, BlobChunk& x) { LoadChunk3(a, x); });
  LoadList(ar, m.blob_wants, [](Ar& a, BlobWant& x) { LoadWant3(a, x); });
  LoadBool(ar, m.skip_pull); m.recover_from = LoadU64(ar);
  if (v >= 3) LoadEpochRequest(ar, m);
}
template <class Ar> void save(Ar& ar, const KeySuccession& m, uint32_t) {
  Bytes(ar, m.old_pk); Bytes(ar, m.new_pk); Bytes(ar, m.signature);
}
template <class Ar> void load(Ar& ar, KeySuccession& m, uint32_t v) {
  CheckVersion(v, 1, "KeySuccession");
  Bytes(ar, m.old_pk); Bytes(ar, m.new_pk); Bytes(ar, m.signature);
}
template <class Ar> void save(Ar& ar, const SyncReply& m) {
  // Class version 3 when the hub answers in protocol 3, 4 in protocol 4.
  const uint32_t v = m.protocol >= 4 ? 4 : m.protocol >= 3 ? 3 : 2;
  ar(v);
  if (v == 2) SaveVec(ar, m.results);
  else SaveList(ar, m.results, [](Ar& a, const ItemResult& x) { SaveResult3(a, x); });
  SaveVec(ar, m.pulled); ar(m.cursor); SaveBool(ar, m.more); SaveStr(ar, m.snapshot_next);
  ar(m.hub_time_ms);
  SaveU64Vec(ar, m.bucket_digests); SaveVec(ar, m.repair);
  SaveStr(ar, m.notice);
  if (v == 2) {
    SaveVec(ar, m.blob_states); SaveVec(ar, m.blob_chunks);
    SaveVec(ar, m.hub_key_succession);
    return;
  }
  SaveList(ar, m.blob_states, [](Ar& a, const BlobState& x) { SaveState3(a, x); });
  SaveList(ar, m.blob_chunks, [](Ar& a, const BlobChunk& x) { SaveChunk3(a, x); });
  SaveVec(ar, m.hub_key_succession);
  ar(m.protocol); SaveU64(ar, m.handled_through);
  SaveList(ar, m.recovered, [](Ar& a, const RecoveredReply& x) { SaveRecovered3(a, x); });
  if (v >= 4) SaveEpochReply(ar, m);
}
template <class Ar> void load(Ar& ar, SyncReply& m) {
  uint32_t v = 0;
  ar(v);
  CheckVersion(v, 4, "SyncReply");
  if (v < 3) LoadVec(ar, m.results);
  else LoadList(ar, m.results, [](Ar& a, ItemResult& x) { LoadResult3(a, x); });
  LoadVec(ar, m.pulled); ar(m.cursor); LoadBool(ar, m.more); LoadStr(ar, m.snapshot_next, 128);
  ar(m.hub_time_ms);
  LoadU64Vec(ar, m.bucket_digests); LoadVec(ar, m.repair);
  LoadStr(ar, m.notice, 4096);
  if (v < 3) {
    LoadVec(ar, m.blob_states); LoadVec(ar, m.blob_chunks);
    if (v >= 2) LoadVec(ar, m.hub_key_succession);
    return;
  }
  LoadList(ar, m.blob_states, [](Ar& a, BlobState& x) { LoadState3(a, x); });
  LoadList(ar, m.blob_chunks, [](Ar& a, BlobChunk& x) { LoadChunk3(a, x); });
  LoadVec(ar, m.hub_key_succession);
  ar(m.protocol);
  if (m.protocol < v) throw DecodeError("SyncReply v" + std::to_string(v) + " names protocol " + std::to_string(m.protocol));
  m.handled_through = LoadU64(ar);
  LoadList(ar, m.recovered, [](Ar& a, RecoveredReply& x) { LoadRecovered3(a, x); });
  if (v >= 4) LoadEpochReply(ar, m);
}
// Stored by the hub, never on the wire: no class version.
template <class Ar> void save(Ar& ar, const RecoveredReply& m) { SaveRecovered3(ar, m); }
template <class Ar> void load(Ar& ar, RecoveredReply& m) { LoadRecovered3(ar, m); }
template <class Ar> void save(Ar& ar, const RequestHeader& m, uint32_t) {
  ar(m.proto_min, m.proto_max, m.schema_version); SaveStr(ar, m.node_id); Bytes(ar, m.eph_pk);
  ar(m.counter); Bytes(ar, m.nonce);
}
template <class Ar> void load(Ar& ar, RequestHeader& m, uint32_t v) {
  CheckVersion(v, 1, "RequestHeader");
  ar(m.proto_min, m.proto_max, m.schema_version); LoadStr(ar, m.node_id, 64); Bytes(ar, m.eph_pk);
  ar(m.counter); Bytes(ar, m.nonce);
}
template <class Ar> void save(Ar& ar, const ErrorReply& m, uint32_t) {
  ar(m.code); SaveStr(ar, m.message); ar(m.hub_proto_min, m.hub_proto_max, m.hub_schema_version);
}
template <class Ar> void load(Ar& ar, ErrorReply& m, uint32_t v) {
  CheckVersion(v, 1, "ErrorReply");
  ar(m.code); LoadStr(ar, m.message, 4096); ar(m.hub_proto_min, m.hub_proto_max, m.hub_schema_version);
}
template <class Ar> void save(Ar& ar, const EnrolRequest& m, uint32_t) {
  SaveStr(ar, m.code_id); SaveStr(ar, m.node_id); SaveStr(ar, m.village); Bytes(ar, m.node_sign_pk);
  ar(m.proto_max, m.schema_version);
}
template <class Ar> void load(Ar& ar, EnrolRequest& m, uint32_t v) {
  CheckVersion(v, 1, "EnrolRequest");
  LoadStr(ar, m.code_id, 64); LoadStr(ar, m.node_id, 64); LoadStr(ar, m.village, 32);
  Bytes(ar, m.node_sign_pk); ar(m.proto_max, m.schema_version);
}
// Class version 2 only when it has something to say, so a node of protocol
// 2 or older can read the reply to its enrolment.
template <class Ar> void save(Ar& ar, const EnrolReply& m) {
  const uint32_t v = m.protocol >= 3 ? 2 : 1;
  ar(v);
  Bytes(ar, m.hub_sign_pk); SaveStr(ar, m.hub_id); SaveStr(ar, m.village); ar(m.hub_time_ms);
  if (v == 2) ar(m.protocol);
}
template <class Ar> void load(Ar& ar, EnrolReply& m) {
  uint32_t v = 0;
  ar(v);
  CheckVersion(v, 2, "EnrolReply");
  Bytes(ar, m.hub_sign_pk); LoadStr(ar, m.hub_id, 64); LoadStr(ar, m.village, 32); ar(m.hub_time_ms);
  if (v == 2) {
    ar(m.protocol);
    if (m.protocol < 3) throw DecodeError("EnrolReply v2 names protocol " + std::to_string(m.protocol));
  }
}

}  // namespace simpul::sync::wire

// Persisted class versions: bump only with a new load branch.
CEREAL_CLASS_VERSION(simpul::sync::wire::FieldChange, 1)
CEREAL_CLASS_VERSION(simpul::sync::wire::BlobChunk, 1)
CEREAL_CLASS_VERSION(simpul::sync::wire::BlobState, 1)
CEREAL_CLASS_VERSION(simpul::sync::wire::BlobWant, 1)
CEREAL_CLASS_VERSION(simpul::sync::wire::Change, 1)
CEREAL_CLASS_VERSION(simpul::sync::wire::ItemResult, 1)
// SyncRequest (1, 2), SyncReply (2, 3) and EnrolReply (1, 2) write theirs
// by the peer's protocol.
CEREAL_CLASS_VERSION(simpul::sync::wire::KeySuccession, 1)
CEREAL_CLASS_VERSION(simpul::sync::wire::RequestHeader, 1)
CEREAL_CLASS_VERSION(simpul::sync::wire::ErrorReply, 1)
CEREAL_CLASS_VERSION(simpul::sync::wire::EnrolRequest, 1)

namespace simpul::sync::wire {
namespace {

template <class T>
std::string Serialize(const T& m, uint16_t protocol = kProtocolMax) {
  struct ProtocolScope {
    uint16_t saved = g_protocol;
    ~ProtocolScope() { g_protocol = saved; }
  } scope;
  g_protocol = protocol;
  std::ostringstream out(std::ios::binary);
  {
    cereal::PortableBinaryOutputArchive ar(out);
    ar(m);
  }
  return std::move(out).str();
}

template <class T>
Result<T> Deserialize(std::string_view bytes, const char* what) {
  if (bytes.size() > kMaxDecodedBytes)
    return Status::ResourceExhausted(std::string(what) + ": message too large");
  T m;
  try {
    std::istringstream in(std::string(bytes), std::ios::binary);
    g_input_budget = bytes.size();
    cereal::PortableBinaryInputArchive ar(in);
    ar(m);
    if (in.peek() != std::char_traits<char>::eof())
      return Status::Corruption(std::string(what) + ": trailing bytes");
  } catch (const std::exception& e) {
    return Status::Corruption(std::string(what) + ": " + e.what());
  }
  return m;
}

}  // namespace

std::string Compress(std::string_view raw, int level) {
  std::string out(ZSTD_compressBound(raw.size()), '\0');
  size_t n = ZSTD_compress(out.data(), out.size(), raw.data(), raw.size(), level);
  if (ZSTD_isError(n)) std::abort();  // only on a bug: the bound was computed above
  out.resize(n);
  return out;
}

Result<std::string> Decompress(std::string_view in, size_t max_bytes) {
  if (in.size() > kMaxEncodedBytes) return Status::ResourceExhausted("compressed message too large");
  unsigned long long size = ZSTD_getFrameContentSize(in.data(), in.size());
  if (size == ZSTD_CONTENTSIZE_ERROR) return Status::Corruption("not a zstd frame");
  if (size == ZSTD_CONTENTSIZE_UNKNOWN) return Status::Corruption("zstd frame without content size");
  if (size > max_bytes) return Status::ResourceExhausted("message decompresses beyond the limit");
  std::string out(static_cast<size_t>(size), '\0');
  size_t n = ZSTD_decompress(out.data(), out.size(), in.data(), in.size());
  if (ZSTD_isError(n) || n != size) return Status::Corruption("zstd frame damaged");
  return out;
}

std::string EncodeRaw(const RequestHeader& m) { return Serialize(m); }
std::string EncodeRaw(const ErrorReply& m) { return Serialize(m); }
std::string EncodeRaw(const EnrolRequest& m) { return Serialize(m); }
std::string EncodeRaw(const EnrolReply& m) { return Serialize(m); }
Result<RequestHeader> DecodeRawHeader(std::string_view b) { return Deserialize<RequestHeader>(b, "request header"); }
Result<ErrorReply> DecodeRawError(std::string_view b) { return Deserialize<ErrorReply>(b, "error reply"); }
Result<EnrolRequest> DecodeRawEnrolRequest(std::string_view b) { return Deserialize<EnrolRequest>(b, "enrol request"); }
Result<EnrolReply> DecodeRawEnrolReply(std::string_view b) { return Deserialize<EnrolReply>(b, "enrol reply"); }

// Requests cross the slow uplink: a message of up to 1 MiB is compressed
// hard (zstd 19: a 500-change batch shrinks by a fifth, for ~0.1 s of the
// node's CPU); larger ones (bundles full of documents) at the default.
std::string Encode(const SyncRequest& m, uint16_t protocol) {
  std::string raw = Serialize(m, protocol);
  return Compress(raw, raw.size() <= (1u << 20) ? 19 : 3);
}
std::string Encode(const SyncReply& m) { return Compress(Serialize(m)); }

std::string EncodeRecovered(const RecoveredReply& m) { return Serialize(m); }
Result<RecoveredReply> DecodeRecovered(std::string_view bytes) {
  return Deserialize<RecoveredReply>(bytes, "recovered reply");
}

// --- shared compression across a round's frames --------------------------------

namespace {
// A shared stream's window: what a frame may refer back to (and what the
// hub's decoder holds in memory per stream).
constexpr int kSharedWindowLog = 20;
constexpr uint32_t kZstdMagic = 0xFD2FB528u;

bool StartsWithZstdMagic(std::string_view b) {
  if (b.size() < 4) return false;
  uint32_t m = static_cast<uint32_t>(static_cast<uint8_t>(b[0])) | static_cast<uint32_t>(static_cast<uint8_t>(b[1])) << 8 |
               static_cast<uint32_t>(static_cast<uint8_t>(b[2])) << 16 |
               static_cast<uint32_t>(static_cast<uint8_t>(b[3])) << 24;
  return m == kZstdMagic;
}
}  // namespace

struct SharedCompressor::Impl {
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  ~Impl() { ZSTD_freeCCtx(cctx); }
};

SharedCompressor::SharedCompressor() : impl_(std::make_unique<Impl>()) {
  if (!impl_->cctx) throw std::bad_alloc();
  ZSTD_CCtx_setParameter(impl_->cctx, ZSTD_c_compressionLevel, 19);
  ZSTD_CCtx_setParameter(impl_->cctx, ZSTD_c_windowLog, kSharedWindowLog);
  // Level 19's tables for an input of unknown size would take ~80 MB; a
  // 1 MiB window needs no more than these (~16 MB).
  ZSTD_CCtx_setParameter(impl_->cctx, ZSTD_c_hashLog, kSharedWindowLog + 1);
  ZSTD_CCtx_setParameter(impl_->cctx, ZSTD_c_chainLog, kSharedWindowLog + 1);
}
SharedCompressor::~SharedCompressor() = default;

std::string SharedCompressor::Next(const SyncRequest& m, uint16_t protocol) {
  std::string raw = Serialize(m, protocol);
  std::string out;
  ZSTD_inBuffer in{raw.data(), raw.size(), 0};
  size_t remaining = 0;
  do {
    size_t at = out.size();
    out.resize(at + ZSTD_CStreamOutSize());
    ZSTD_outBuffer ob{out.data() + at, out.size() - at, 0};
    remaining = ZSTD_compressStream2(impl_->cctx, &ob, &in, ZSTD_e_flush);
    if (ZSTD_isError(remaining)) std::abort();  // only on a bug: parameters are fixed above
    out.resize(at + ob.pos);
  } while (remaining != 0 || in.pos < in.size);
  return out;
}

struct SharedDecompressor::Impl {
  ZSTD_DCtx* dctx = ZSTD_createDCtx();
  bool active = false;
  ~Impl() { ZSTD_freeDCtx(dctx); }
};

SharedDecompressor::SharedDecompressor() : impl_(std::make_unique<Impl>()) {
  if (!impl_->dctx) throw std::bad_alloc();
  ZSTD_DCtx_setParameter(impl_->dctx, ZSTD_d_windowLogMax, kSharedWindowLog);
}
SharedDecompressor::~SharedDecompressor() = default;

Result<SyncRequest> SharedDecompressor::Decode(std::string_view body) {
  if (body.size() > kMaxEncodedBytes) return Status::ResourceExhausted("compressed message too large");
  if (StartsWithZstdMagic(body)) {
    unsigned long long size = ZSTD_getFrameContentSize(body.data(), body.size());
    if (size != ZSTD_CONTENTSIZE_UNKNOWN) {
      impl_->active = false;
      return DecodeSyncRequest(body);  // a frame on its own
    }
    ZSTD_DCtx_reset(impl_->dctx, ZSTD_reset_session_only);
    impl_->active = true;
  } else if (!impl_->active) {
    return Status::Corruption("sync request: a part of a compression stream that never started");
  }
  // A flushed part: all of its input decodes to the whole request.
  std::string out;
  ZSTD_inBuffer in{body.data(), body.size(), 0};
  for (;;) {
    if (out.size() >= kMaxDecodedBytes) {
      impl_->active = false;
      return Status::ResourceExhausted("message decompresses beyond the limit");
    }
    size_t at = out.size();
    out.resize(std::min(kMaxDecodedBytes, at + std::max<size_t>(ZSTD_DStreamOutSize(), at)));
    ZSTD_outBuffer ob{out.data() + at, out.size() - at, 0};
    size_t r = ZSTD_decompressStream(impl_->dctx, &ob, &in);
    out.resize(at + ob.pos);
    if (ZSTD_isError(r)) {
      impl_->active = false;
      return Status::Corruption(std::string("zstd stream damaged: ") + ZSTD_getErrorName(r));
    }
    if (r == 0) impl_->active = false;  // the zstd frame ended: the next part must start one
    if (in.pos == in.size && ob.pos < ob.size) break;  // all input consumed, all output out
  }
  auto m = Deserialize<SyncRequest>(out, "sync request");
  if (!m.ok()) impl_->active = false;
  return m;
}

Status ResolveBlobStates(const SyncRequest& req, std::vector<BlobState>* states) {
  if (states->size() != req.blob_query.size() + req.blob_chunks.size())
    return Status::Corruption("hub answered " + std::to_string(states->size()) + " document states for " +
                              std::to_string(req.blob_query.size() + req.blob_chunks.size()) + " documents");
  for (size_t i = 0; i < states->size(); ++i) {
    const std::string& sha =
        i < req.blob_query.size() ? req.blob_query[i] : req.blob_chunks[i - req.blob_query.size()].sha256;
    auto& st = (*states)[i];
    if (st.sha256.empty()) st.sha256 = sha;
    else if (st.sha256 != sha) return Status::Corruption("document states out of order");
  }
  return Status::Ok();
}

Result<SyncRequest> DecodeSyncRequest(std::string_view bytes) {
  SIMPUL_ASSIGN_OR_RETURN(std::string raw, Decompress(bytes));
  return Deserialize<SyncRequest>(raw, "sync request");
}
Result<SyncReply> DecodeSyncReply(std::string_view bytes) {
  SIMPUL_ASSIGN_OR_RETURN(std::string raw, Decompress(bytes));
  return Deserialize<SyncReply>(raw, "sync reply");
}

}  // namespace simpul::sync::wire
