// The one Status -> exit code map of simpul-node and simpul-hub
// (schema/exit_codes.h): every code, and the catalogue messages that say
// more than their code.
#include "schema/exit_codes.h"

#include <doctest/doctest.h>

#include "schema/messages.h"

namespace simpul {
namespace {

TEST_CASE("exit codes: one map for both command lines, by code and by message") {
  struct Case {
    Status st;
    int exit;
  };
  const Case cases[] = {
      {Status::Ok(), 0},
      {Status::InvalidArgument("x"), 2},
      {Status::NotFound("x"), 2},
      {Status::AlreadyExists("x"), 2},
      {Status::FailedPrecondition("x"), 2},
      {Status::PermissionDenied("x"), 2},
      {Status::ResourceExhausted("x"), 2},
      {Status::Corruption("x"), 3},
      {Status::Unavailable("x"), 4},
      {Status::IoError("x"), 5},
      // Refused for lack of trust: the same number from either tool (the
      // hub used to say 2 for this and 3 for a version mismatch).
      {Status::Unauthenticated("x"), 6},
      {Status::VersionTooOld("x"), 6},
      {Status::VersionTooNew("x"), 6},
      {Status::Internal("x"), 1},
      {Status::Aborted("x"), 1},
      // A store written by a newer Simpul is a store problem, not a peer's.
      {Status::VersionTooNew("x").WithMsg(MsgId::kStoreTooNew, {"d", "9", "7"}), 3},
      {Status::FailedPrecondition("x").WithMsg(MsgId::kStoreMissing, {"d"}), 3},
      {Status::Unavailable("x").WithMsg(MsgId::kStoreBusy), 4},
      {Status::PermissionDenied("x").WithMsg(MsgId::kLoginRequired), 7},
      {Status::PermissionDenied("x").WithMsg(MsgId::kRoleForbids, {"auditor", "x"}), 7},
      {Status::Unauthenticated("x").WithMsg(MsgId::kWrongPassphrase, {"d"}), 7},
  };
  for (const auto& c : cases) {
    INFO(c.st.ToString());
    CHECK(ExitCodeFor(c.st) == c.exit);
  }
}

}  // namespace
}  // namespace simpul
