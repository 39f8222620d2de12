#include "sync/crypto/signed_change.h"

#include <sodium.h>

#include <cstring>

namespace simpul::sync::crypto {
namespace {

constexpr std::string_view kMagic = "SMPLHC1";
constexpr std::string_view kContext = "simpul/v1/hub-change";

void PutVarint(std::string& out, uint64_t n) {
  do {
    uint8_t b = n & 0x7f;
    n >>= 7;
    out.push_back(static_cast<char>(b | (n ? 0x80 : 0)));
  } while (n);
}
void PutStr(std::string& out, std::string_view s) {
  PutVarint(out, s.size());
  out.append(s);
}
void PutU64(std::string& out, uint64_t v) {
  for (int i = 7; i >= 0; --i) out.push_back(static_cast<char>(v >> (8 * i)));
}

// Reads the canonical form; every method fails (returns false) rather than
// read past the end.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool Varint(uint64_t* n) {
    *n = 0;
    for (int shift = 0; shift < 64 && !in_.empty(); shift += 7) {
      uint8_t b = static_cast<uint8_t>(in_[0]);
      in_.remove_prefix(1);
      *n |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return true;
    }
    return false;
  }
  bool Str(std::string* s, size_t max) {
    uint64_t n = 0;
    if (!Varint(&n) || n > in_.size() || n > max) return false;
    s->assign(in_.substr(0, n));
    in_.remove_prefix(n);
    return true;
  }
  bool Byte(uint8_t* b) {
    if (in_.empty()) return false;
    *b = static_cast<uint8_t>(in_[0]);
    in_.remove_prefix(1);
    return true;
  }
  bool U64(uint64_t* v) {
    if (in_.size() < 8) return false;
    *v = 0;
    for (int i = 0; i < 8; ++i) *v = (*v << 8) | static_cast<uint8_t>(in_[i]);
    in_.remove_prefix(8);
    return true;
  }
  bool Literal(std::string_view w) {
    if (in_.substr(0, w.size()) != w) return false;
    in_.remove_prefix(w.size());
    return true;
  }
  size_t left() const { return in_.size(); }

 private:
  std::string_view in_;
};

std::string Message(std::string_view canonical) {
  std::string m(kContext);
  m.append(canonical);
  return m;
}

}  // namespace

std::string CanonicalChange(const wire::Change& c) {
  std::string out(kMagic);
  PutStr(out, c.version);
  PutStr(out, c.table);
  PutStr(out, c.row_id);
  PutStr(out, c.village);
  out.push_back(static_cast<char>(c.flags));
  PutVarint(out, c.fields.size());
  for (const auto& f : c.fields) {
    PutStr(out, f.field);
    out.push_back(static_cast<char>(f.value.index()));
    switch (f.value.index()) {
      case 1: PutU64(out, static_cast<uint64_t>(std::get<int64_t>(f.value))); break;
      case 2: {
        uint64_t bits;
        double d = std::get<double>(f.value);
        std::memcpy(&bits, &d, sizeof bits);
        PutU64(out, bits);
        break;
      }
      case 3: PutStr(out, std::get<std::string>(f.value)); break;
      case 4: PutStr(out, std::get<schema::Blob>(f.value).bytes); break;
      default: break;
    }
    PutStr(out, f.base);
  }
  return out;
}

Result<wire::Change> ParseCanonicalChange(std::string_view bytes) {
  Reader r(bytes);
  wire::Change c;
  auto bad = [](const char* what) { return Status::Corruption(std::string("signed change: ") + what); };
  if (!r.Literal(kMagic)) return bad("not a signed change");
  if (!r.Str(&c.version, 96) || !r.Str(&c.table, 64) || !r.Str(&c.row_id, 64) || !r.Str(&c.village, 32))
    return bad("header");
  if (!r.Byte(&c.flags)) return bad("flags");
  uint64_t n = 0;
  // Every field takes at least three bytes.
  if (!r.Varint(&n) || n > r.left() / 3) return bad("field count");
  for (uint64_t i = 0; i < n; ++i) {
    wire::FieldChange f;
    uint8_t tag = 0;
    if (!r.Str(&f.field, 64) || !r.Byte(&tag)) return bad("field");
    switch (tag) {
      case 0: f.value = std::monostate{}; break;
      case 1: {
        uint64_t v;
        if (!r.U64(&v)) return bad("integer");
        f.value = static_cast<int64_t>(v);
        break;
      }
      case 2: {
        uint64_t bits;
        if (!r.U64(&bits)) return bad("real");
        double d;
        std::memcpy(&d, &bits, sizeof d);
        f.value = d;
        break;
      }
      case 3: {
        std::string s;
        if (!r.Str(&s, SIZE_MAX)) return bad("text");
        f.value = std::move(s);
        break;
      }
      case 4: {
        schema::Blob b;
        if (!r.Str(&b.bytes, SIZE_MAX)) return bad("blob");
        f.value = std::move(b);
        break;
      }
      default: return bad("value tag");
    }
    if (!r.Str(&f.base, 96)) return bad("base");
    c.fields.push_back(std::move(f));
  }
  if (r.left() != 0) return bad("trailing bytes");
  return c;
}

Signature SignChange(const Identity& hub, std::string_view canonical) {
  Signature sig{};
  std::string m = Message(canonical);
  crypto_sign_detached(sig.data(), nullptr, reinterpret_cast<const uint8_t*>(m.data()), m.size(),
                       hub.sign_sk.data());
  return sig;
}

bool VerifyChange(const PublicKey& pk, std::string_view canonical, const Signature& sig) {
  std::string m = Message(canonical);
  return crypto_sign_verify_detached(sig.data(), reinterpret_cast<const uint8_t*>(m.data()), m.size(),
                                     pk.data()) == 0;
}

}  // namespace simpul::sync::crypto
