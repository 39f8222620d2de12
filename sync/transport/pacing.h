// Pacing: how fast a transport may write a request body, so that a cut loses
// at most about one bandwidth-delay product (PROTOCOL.md §12).
//
// A round's body is written into socket and modem buffers at once unless
// paced, and everything still buffered when the link cuts is lost: on a
// 256 kbit/s link a 256 KB body sits in buffers for 8 s. Paced, the writer
// keeps at most `ahead` bytes beyond what `bytes_per_s` has carried since
// the first byte. Paced at the link's own rate, what is written but not yet
// at the hub is `ahead` plus what the one-way delay holds, ~rate x RTT/2;
// with `ahead` = rate x RTT/4 that is ~3/4 of the bandwidth-delay product.
// Pacing at the link's rate does not slow it: the link could not carry the
// bytes sooner; `ahead` absorbs jitter, and lets a round measure a little
// more than its pace when the link is faster. Pure functions: no clock, no
// sockets.
#ifndef SIMPUL_SYNC_TRANSPORT_PACING_H_
#define SIMPUL_SYNC_TRANSPORT_PACING_H_

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace simpul::sync {

struct Pacing {
  double bytes_per_s = 0;  // 0 (or not finite): not paced
  uint64_t ahead = 0;      // bytes that may go before the rate allows them

  bool paced() const { return std::isfinite(bytes_per_s) && bytes_per_s > 0; }
};

// How many bytes of a `total`-byte body may have been written `elapsed_s`
// seconds after its first byte.
inline uint64_t PacedBytes(const Pacing& p, double elapsed_s, uint64_t total) {
  if (!p.paced()) return total;
  const double allowed = static_cast<double>(p.ahead) + p.bytes_per_s * std::max(0.0, elapsed_s);
  return allowed >= static_cast<double>(total) ? total : static_cast<uint64_t>(allowed);
}

// How long to wait, `elapsed_s` after the first byte, before `want` more
// bytes may follow the `written` ones (writing packet-sized pieces rather
// than a byte at a time).
inline double PacedWait(const Pacing& p, double elapsed_s, uint64_t written, uint64_t want) {
  if (!p.paced() || written + want <= p.ahead) return 0;
  const double at = static_cast<double>(written + want - p.ahead) / p.bytes_per_s;
  return std::max(0.0, at - elapsed_s);
}

// Bounds of the bytes written ahead: a few packets at least (timer jitter
// must not leave the link idle), and a link with a delay of seconds still
// loses little.
inline constexpr uint64_t kMinAhead = 4 << 10, kMaxAhead = 256 << 10;

// The pacing for a link of `rate` bytes/s and round-trip time `rtt_s`, for a
// body that must be written within `max_write_s` (the request's deadline):
// never slower than that. `rate` <= 0 or not finite: not paced.
inline Pacing PaceForLink(double rate, double rtt_s, uint64_t body, double max_write_s) {
  if (!std::isfinite(rate) || rate <= 0 || !std::isfinite(rtt_s)) return {};
  const uint64_t ahead = std::clamp<uint64_t>(
      static_cast<uint64_t>(std::clamp(rate * std::max(0.0, rtt_s) / 4, 0.0, 1e12)), kMinAhead, kMaxAhead);
  if (body <= ahead) return {};
  if (std::isfinite(max_write_s) && max_write_s > 0)
    rate = std::max(rate, static_cast<double>(body - ahead) / max_write_s);
  return {rate, ahead};
}

}  // namespace simpul::sync

#endif  // SIMPUL_SYNC_TRANSPORT_PACING_H_
