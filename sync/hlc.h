// Hybrid logical clock (HLC): wall time plus a counter, tagged with the node
// id, ordering every change in Simpul.
//
// A stamp packs 48 bits of milliseconds since the Unix epoch and a 16-bit
// counter into one uint64. The clock never goes backwards: when the wall
// clock jumps back (a laptop reset to 1970, a dead CMOS battery) the HLC keeps
// its last physical time and counts up. Its last stamp is persisted by the
// store so a restart cannot go backwards either. A remote stamp is adopted
// only when it is at most `max_ahead_ms` ahead of our wall clock, so one
// village laptop set days ahead cannot drag everyone's clocks with it.
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

class SystemClock : public Clock {
 public:
  uint64_t NowMs() override;
  static SystemClock* Default();
};

struct Stamp {
  uint64_t packed = 0;
  uint64_t physical_ms() const { return packed >> 16; }
  uint32_t counter() const { return static_cast<uint32_t>(packed & 0xffff); }
  static Stamp Make(uint64_t ms, uint32_t counter) {
    return {((ms & 0xffffffffffffULL) << 16) | (counter & 0xffff)};
  }
  auto operator<=>(const Stamp&) const = default;
};

class Hlc {
 public:
  // `clock` must outlive the Hlc. `last` is the last stamp this node issued
  // (from its store), so the clock resumes after it.
  Hlc(Clock* clock, std::string node_id, Stamp last = {});

  // A new stamp, strictly greater than every stamp issued or adopted before.
  Stamp Now();
  // Adopts a stamp seen from another node. Returns false (and ignores it)
  // when it is more than `max_ahead_ms` ahead of our wall clock.
  bool Observe(Stamp remote, uint64_t max_ahead_ms);
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
