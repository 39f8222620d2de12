#include "sync/hlc.h"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>

namespace simpul::sync {

uint64_t SystemClock::NowMs() {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  int64_t ms = std::chrono::duration_cast<std::chrono::milliseconds>(now).count() + offset_ms_;
  return ms < 0 ? 0 : static_cast<uint64_t>(ms);
}

int64_t ParseClockOffset(const char* text) {
  if (!text || !*text) return 0;
  errno = 0;
  char* end = nullptr;
  long long v = std::strtoll(text, &end, 10);
  if (errno != 0 || *end != '\0') return 0;
  return static_cast<int64_t>(v);
}

SystemClock* SystemClock::Default() {
  static SystemClock clock(ParseClockOffset(std::getenv("SIMPUL_CLOCK_OFFSET_MS")));
  return &clock;
}

Hlc::Hlc(Clock* clock, std::string node_id, Stamp last)
    : clock_(clock), node_id_(std::move(node_id)), last_(last) {}

Stamp Hlc::Now() {
  uint64_t wall = clock_->NowMs();
  if (wall > last_.physical_ms()) {
    last_ = Stamp::Make(wall, 0);
  } else if (last_.counter() < 0xffff) {
    last_ = Stamp::Make(last_.physical_ms(), last_.counter() + 1);
  } else {
    // Counter exhausted within one millisecond: borrow the next millisecond.
    last_ = Stamp::Make(last_.physical_ms() + 1, 0);
  }
  return last_;
}

bool Hlc::ObserveWithin(Stamp remote, uint64_t reference_ms, uint64_t max_ahead_ms) {
  if (remote.physical_ms() > reference_ms + max_ahead_ms) return false;
  if (remote > last_) last_ = remote;
  return true;
}

std::string Hlc::FormatVersion(Stamp s, std::string_view node_id) {
  char buf[20];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(s.packed));
  std::string out(buf);
  out += '.';
  out += node_id;
  return out;
}

bool Hlc::ParseVersion(std::string_view version, Stamp* stamp, std::string* node_id) {
  if (version.size() < 18 || version[16] != '.') return false;
  uint64_t v = 0;
  for (size_t i = 0; i < 16; ++i) {
    char c = version[i];
    int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (d < 0) return false;
    v = (v << 4) | static_cast<uint64_t>(d);
  }
  if (stamp) stamp->packed = v;
  if (node_id) *node_id = std::string(version.substr(17));
  return true;
}

}  // namespace simpul::sync
