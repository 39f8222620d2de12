// The encoders of the wire messages: cereal's portable binary archive with
// explicit class versions (PROTOCOL.md §4), then zstd. Decoding is
// sync/wire/decode.cc (over a bounded reader, never cereal's loaders, which
// resize to whatever size the input claims) and sync/wire/decompress.cc.
#include "sync/wire/codec.h"

#include <zstd.h>

#include <algorithm>
#include <cereal/archives/portable_binary.hpp>
#include <cereal/cereal.hpp>
#include <new>
#include <sstream>

#include "sync/wire/decode.h"

namespace simpul::sync::wire {
namespace {

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
void SaveStr(Ar& ar, const std::string& s) {
  SaveLen(ar, s.size());
  ar(cereal::binary_data(s.data(), s.size()));
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

// A list: its length, then each element as `each` writes it.
template <class Ar, class T, class F>
void SaveList(Ar& ar, const std::vector<T>& v, F each) {
  SaveLen(ar, v.size());
  for (const auto& e : v) each(ar, e);
}
// A list of cereal-serialised (class-versioned) elements.
template <class Ar, class T>
void SaveVec(Ar& ar, const std::vector<T>& v) {
  SaveList(ar, v, [](Ar& a, const T& e) { a(e); });
}
template <class Ar>
void SaveStrVec(Ar& ar, const std::vector<std::string>& v) {
  SaveLen(ar, v.size());
  for (const auto& s : v) SaveStr(ar, s);
}
template <class Ar>
void SaveU64Vec(Ar& ar, const std::vector<uint64_t>& v) {
  SaveLen(ar, v.size());
  for (auto x : v) ar(x);
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
void SaveBool(Ar& ar, bool b) {
  uint8_t v = b ? 1 : 0;
  ar(cereal::binary_data(&v, 1));
}

template <class Ar, size_t N>
void Bytes(Ar& ar, const std::array<uint8_t, N>& a) { ar(cereal::binary_data(a.data(), N)); }

// --- protocol 3 encodings ------------------------------------------------------
// The protocol a SyncRequest is being encoded for (set by Encode): it
// chooses the class version.
thread_local uint16_t g_protocol = kProtocolMax;

template <class Ar>
void SaveU64(Ar& ar, uint64_t v) { SaveLen(ar, v); }

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
void SaveChunk3(Ar& ar, const BlobChunk& c) {
  SaveSha(ar, c.sha256); SaveU64(ar, c.total_size); SaveU64(ar, c.offset); SaveStr(ar, c.data);
}
template <class Ar>
void SaveWant3(Ar& ar, const BlobWant& w) {
  SaveSha(ar, w.sha256); SaveU64(ar, w.offset); SaveU64(ar, w.max_bytes);
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
void SaveRecovered3(Ar& ar, const RecoveredReply& r) {
  SaveU64(ar, r.counter);
  SaveList(ar, r.results, [](Ar& a, const ItemResult& x) { SaveResult3(a, x); });
  SaveList(ar, r.blob_states, [](Ar& a, const BlobState& x) { SaveState3(a, x); });
}

// --- protocol 4: the hub's epoch and signed changes (PROTOCOL.md §22) ----------
template <class Ar>
void SaveSig(Ar& ar, const std::array<uint8_t, 64>& s) { ar(cereal::binary_data(s.data(), s.size())); }
template <class Ar>
void SaveEpochRequest(Ar& ar, const SyncRequest& m) {
  SaveStr(ar, m.epoch);
  SaveList(ar, m.handback, [](Ar& a, const SignedChange& x) { SaveStr(a, x.canonical); SaveSig(a, x.signature); });
}
template <class Ar>
void SaveEpochReply(Ar& ar, const SyncReply& m) {
  SaveStr(ar, m.epoch);
  SaveList(ar, m.lineage, [](Ar& a, const EpochLink& x) { SaveStr(a, x.epoch); SaveU64(a, x.through); });
  SaveU64(ar, m.restored_counter);
  SaveList(ar, m.signatures, [](Ar& a, const HubSignature& x) { SaveU64(a, x.index); SaveSig(a, x.signature); });
  SaveList(ar, m.handback_results, [](Ar& a, const ItemResult& x) { SaveResult3(a, x); });
}

}  // namespace

// --- per-type save (non-intrusive, versioned) ---------------------------

template <class Ar> void save(Ar& ar, const ItemResult& m, uint32_t) {
  SaveVersion(ar, m.version); ar(m.code); SaveStr(ar, m.message);
}
template <class Ar> void save(Ar& ar, const BlobChunk& m, uint32_t) {
  SaveStr(ar, m.sha256); ar(m.total_size, m.offset); SaveStr(ar, m.data);
}
template <class Ar> void save(Ar& ar, const BlobState& m, uint32_t) {
  SaveStr(ar, m.sha256); ar(m.total_size, m.have); SaveBool(ar, m.complete); ar(m.code); SaveStr(ar, m.message);
}
template <class Ar> void save(Ar& ar, const BlobWant& m, uint32_t) {
  SaveStr(ar, m.sha256); ar(m.offset, m.max_bytes);
}
// SyncRequest and SyncReply are the top-level messages: they write their
// class version themselves (the same u32 cereal writes), because which one
// depends on the protocol the peer speaks.
template <class Ar> void save(Ar& ar, const SyncRequest& m) {
  const uint32_t v = g_protocol >= 5 ? 4 : g_protocol >= 4 ? 3 : g_protocol >= 3 ? 2 : 1;
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
  // Class version 4: the outbox count plus one, 0 for not reported.
  if (v >= 4) SaveU64(ar, m.outbox_waiting ? *m.outbox_waiting + 1 : 0);
}
template <class Ar> void save(Ar& ar, const KeySuccession& m, uint32_t) {
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
// Stored by the hub, never on the wire: no class version.
template <class Ar> void save(Ar& ar, const RecoveredReply& m) { SaveRecovered3(ar, m); }
template <class Ar> void save(Ar& ar, const RequestHeader& m, uint32_t) {
  ar(m.proto_min, m.proto_max, m.schema_version); SaveStr(ar, m.node_id); Bytes(ar, m.eph_pk);
  ar(m.counter); Bytes(ar, m.nonce);
}
template <class Ar> void save(Ar& ar, const ErrorReply& m, uint32_t) {
  ar(m.code); SaveStr(ar, m.message); ar(m.hub_proto_min, m.hub_proto_max, m.hub_schema_version);
}
template <class Ar> void save(Ar& ar, const EnrolRequest& m, uint32_t) {
  SaveStr(ar, m.code_id); SaveStr(ar, m.node_id); SaveStr(ar, m.village); Bytes(ar, m.node_sign_pk);
  ar(m.proto_max, m.schema_version);
}
// Class version 2 only when it has something to say, so a node of protocol
// 2 or older can read the reply to its enrolment.
template <class Ar> void save(Ar& ar, const EnrolReply& m) {
  const uint32_t v = m.protocol >= 3 ? 2 : 1;
  ar(v);
  Bytes(ar, m.hub_sign_pk); SaveStr(ar, m.hub_id); SaveStr(ar, m.village); ar(m.hub_time_ms);
  if (v == 2) ar(m.protocol);
}

}  // namespace simpul::sync::wire

// The change record is sync/change.h's: its save functions live in its
// namespace, where cereal looks for them.
namespace simpul::sync {
template <class Ar> void save(Ar& ar, const FieldChange& m, uint32_t) {
  wire::SaveStr(ar, m.field); wire::SaveValue(ar, m.value); wire::SaveVersion(ar, m.base);
}
template <class Ar> void save(Ar& ar, const Change& m, uint32_t) {
  wire::SaveVersion(ar, m.version); wire::SaveStr(ar, m.table); wire::SaveStr(ar, m.row_id);
  wire::SaveStr(ar, m.village); ar(m.flags); wire::SaveVec(ar, m.fields);
}
}  // namespace simpul::sync

// Persisted class versions: bump only with a new branch in decode.cc.
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

}  // namespace

std::string Compress(std::string_view raw, int level) {
  std::string out(ZSTD_compressBound(raw.size()), '\0');
  size_t n = ZSTD_compress(out.data(), out.size(), raw.data(), raw.size(), level);
  if (ZSTD_isError(n)) std::abort();  // only on a bug: the bound was computed above
  out.resize(n);
  return out;
}

std::string EncodeRaw(const RequestHeader& m) { return Serialize(m); }
std::string EncodeRaw(const ErrorReply& m) { return Serialize(m); }
std::string EncodeRaw(const EnrolRequest& m) { return Serialize(m); }
std::string EncodeRaw(const EnrolReply& m) { return Serialize(m); }

// Requests cross the uplink: a message of up to 1 MiB is compressed at
// `level` (19 on a slow link: a 500-change batch shrinks by a fifth, for
// ~0.1 s of the node's CPU); larger ones (bundles full of documents) at 3
// at most.
std::string Encode(const SyncRequest& m, uint16_t protocol, int level) {
  std::string raw = Serialize(m, protocol);
  return Compress(raw, raw.size() <= (1u << 20) ? level : std::min(level, 3));
}
std::string Encode(const SyncReply& m) { return Compress(Serialize(m)); }

std::string EncodeRecovered(const RecoveredReply& m) { return Serialize(m); }

// --- shared compression across a round's frames --------------------------------

struct SharedCompressor::Impl {
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  ~Impl() { ZSTD_freeCCtx(cctx); }
};

SharedCompressor::SharedCompressor(int level) : impl_(std::make_unique<Impl>()) {
  if (!impl_->cctx) throw std::bad_alloc();
  ZSTD_CCtx_setParameter(impl_->cctx, ZSTD_c_compressionLevel, level);
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

}  // namespace simpul::sync::wire
