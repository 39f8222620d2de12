// The zstd level of a request body, chosen from the link's measured rate.
// Level 19 saves ~11% of the bytes of level 1 on our requests but compresses
// ~300 times slower (~1 MB/s of input on a 2-core VM): seconds of the node's
// CPU on a large push, worth it only below ~10 KB/s (a 64 kbit/s link keeps
// it). The level is the one that minimises compression time plus time on
// the wire per input byte, from a table of zstd's speed and ratio on our
// request bodies. Levels change nothing on the wire format: a zstd frame is
// readable at any level.
#ifndef SIMPUL_SYNC_WIRE_LEVEL_H_
#define SIMPUL_SYNC_WIRE_LEVEL_H_

namespace simpul::sync::wire {

// The level for request bodies on a link delivering `bytes_per_s` (as
// measured: a lower bound, latency and the hub's time included). A rate of
// 0 or less means not measured: level 19, which keeps the bytes of a slow
// link (a fast link measures itself in its first round).
int RequestLevel(double bytes_per_s);

// Estimated seconds to compress `raw_bytes` at `level` and send the result
// at `bytes_per_s` (the quantity RequestLevel minimises; for tests and
// benchmarks).
double RequestCostSeconds(int level, double raw_bytes, double bytes_per_s);

}  // namespace simpul::sync::wire

#endif  // SIMPUL_SYNC_WIRE_LEVEL_H_
