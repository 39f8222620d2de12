// Hybrid logical clock (HLC): wall time plus a counter, tagged with the node
// id, ordering every change in Simpul.
//
// A stamp packs 48 bits of milliseconds since the Unix epoch and a 16-bit
// counter into one uint64. The clock never goes backwards: when the wall
// clock jumps back (a laptop reset to 1970, a dead CMOS battery) the HLC keeps
// its last physical time and counts up. Its last stamp is persisted by the
// store so a restart cannot go backwards either.
//
// The receive rule: a stamp merely seen from elsewhere is adopted only when
// it is at most `max_ahead_ms` ahead of a clock we trust (the hub's wall
// clock, at the hub and at a node that just heard the hub's time), so one
// village laptop set days ahead cannot drag everyone's clocks with it. Its
// stamps are still accepted, and cannot reorder decisions: the workflow is
// ordered causally (schema/workflow.h). Only a write over a field whose
// version is far ahead must be stamped after it (Witness): that is causality.
//
// The version string "<16 hex digits>.<node id>" sorts lexically in stamp
// order, ties broken by node id: a total order every replica agrees on.
//
// Thread-safety: not thread-safe; one writer owns an Hlc.
#ifndef SIMPUL_SYNC_HLC_H_
#define SIMPUL_SYNC_HLC_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace simpul::sync {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual uint64_t NowMs() = 0;  // wall-clock ms since the Unix epoch
};

// The system clock, shifted by `offset_ms` (0 in production).
class SystemClock : public Clock {
 public:
  explicit SystemClock(int64_t offset_ms = 0) : offset_ms_(offset_ms) {}
  uint64_t NowMs() override;
  // The process's clock. TEST-ONLY: $SIMPUL_CLOCK_OFFSET_MS (a signed
  // integer of milliseconds, read once) shifts it, so end-to-end tests can
  // run the real binaries with a laptop's wrong clock (docs/OPERATIONS.md).
  // A malformed value is ignored. Times before 1970 read as 1970.
  static SystemClock* Default();

 private:
  int64_t offset_ms_;
};

// Parses a $SIMPUL_CLOCK_OFFSET_MS value; 0 if absent or malformed.
int64_t ParseClockOffset(const char* text);

struct Stamp {
  uint64_t packed = 0;
  uint64_t physical_ms() const { return packed >> 16; }
  uint32_t counter() const { return static_cast<uint32_t>(packed & 0xffff); }
  static Stamp Make(uint64_t ms, uint32_t counter) {
    return {((ms & 0xffffffffffffULL) << 16) | (counter & 0xffff)};
  }
  auto operator<=>(const Stamp&) const = default;
};

// How far ahead of the trusted clock a seen stamp may be and still be
// adopted (the hub's `max_ahead_hours` default).
inline constexpr uint64_t kDefaultMaxAheadMs = 24ull * 3600 * 1000;

class Hlc {
 public:
  // `clock` must outlive the Hlc. `last` is the last stamp this node issued
  // (from its store), so the clock resumes after it.
  Hlc(Clock* clock, std::string node_id, Stamp last = {});

  // A new stamp, strictly greater than every stamp issued or adopted before.
  Stamp Now();
  // The receive rule: adopts a stamp seen from another node. Returns false
  // (and ignores it) when it is more than `max_ahead_ms` ahead of our wall
  // clock.
  bool Observe(Stamp remote, uint64_t max_ahead_ms) { return ObserveWithin(remote, clock_->NowMs(), max_ahead_ms); }
  // The same against another trusted clock: `reference_ms` (a node uses the
  // hub's time from the same reply, as its own clock may be 1970).
  bool ObserveWithin(Stamp remote, uint64_t reference_ms, uint64_t max_ahead_ms);
  // True when `s` is a reading of its writer's wall clock (counter 0), not a
  // count on from a later stamp the writer had adopted or witnessed: only
  // such a stamp tells what the writer's clock says. (A writer that issues
  // 65,536 stamps within one millisecond also borrows one: rare, harmless.)
  static bool IsWallReading(Stamp s) { return s.counter() == 0; }
  // Raises the clock to at least `s`, unbounded: for this node's own stamps
  // written by another process sharing the store.
  void Witness(Stamp s) {
    if (s > last_) last_ = s;
  }

  Stamp last() const { return last_; }
  const std::string& node_id() const { return node_id_; }
  std::string Version(Stamp s) const { return FormatVersion(s, node_id_); }

  static std::string FormatVersion(Stamp s, std::string_view node_id);
  // Parses the stamp part of a version string; false if malformed.
  static bool ParseVersion(std::string_view version, Stamp* stamp, std::string* node_id);

 private:
  Clock* clock_;
  std::string node_id_;
  Stamp last_;
};

}  // namespace simpul::sync

#endif  // SIMPUL_SYNC_HLC_H_
