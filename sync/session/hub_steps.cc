#include "sync/session/hub_steps.h"

#include <algorithm>

namespace simpul::sync::session {
namespace {

std::string Range(uint32_t lo, uint32_t hi) { return std::to_string(lo) + ".." + std::to_string(hi); }

}  // namespace

Status CheckVersions(const wire::RequestHeader& h, const HubLimits& limits) {
  if (h.proto_max < limits.proto_min || h.proto_min > h.proto_max)
    return Status::VersionTooOld("node speaks protocol " + Range(h.proto_min, h.proto_max) + "; this hub needs " +
                                 Range(limits.proto_min, limits.proto_max) + ": upgrade simpul-node");
  if (h.proto_min > limits.proto_max)
    return Status::VersionTooNew("node speaks protocol " + Range(h.proto_min, h.proto_max) + "; this hub only " +
                                 Range(limits.proto_min, limits.proto_max) + ": upgrade simpul-hub");
  if (h.schema_version < limits.node_schema_min)
    return Status::VersionTooOld("node schema " + std::to_string(h.schema_version) +
                                 " is older than this hub serves (" + std::to_string(limits.node_schema_min) +
                                 "): upgrade simpul-node");
  if (h.schema_version > limits.node_schema_max)
    return Status::VersionTooNew("node schema " + std::to_string(h.schema_version) + " is newer than this hub's (" +
                                 std::to_string(limits.node_schema_max) + "): upgrade simpul-hub");
  return Status::Ok();
}

Status CheckStanding(const wire::RequestHeader& h, const NodeStanding& node) {
  if (!node.active)
    return Status::Unauthenticated("node " + h.node_id + " was revoked; re-enrol it with a new code from Dinsos");
  if (h.counter <= node.last_counter)
    return Status::Unauthenticated(
        "replayed or out-of-date request: already received, or older than this node's last contact; nothing applied");
  return Status::Ok();
}

Result<ReplyPlan> PlanReply(const wire::RequestHeader& h, const wire::SyncRequest& req, const HubLimits& limits,
                            uint32_t hub_schema) {
  const size_t pushed = req.push.size() + req.handback.size();
  if (pushed > limits.max_push)
    return Status::ResourceExhausted("batch of " + std::to_string(pushed) + " changes; at most " +
                                     std::to_string(limits.max_push));
  ReplyPlan plan;
  plan.protocol = std::min(h.proto_max, limits.proto_max);
  plan.recover = req.recover_from > 0 && plan.protocol >= 3;
  // A frame before the last of a streamed round pushes only: the last pulls.
  plan.pull = req.skip_pull ? PullFrom::kNothing : req.initial ? PullFrom::kSnapshot : PullFrom::kLog;
  plan.pull_limit = std::min(std::max<uint32_t>(req.pull_limit, 1), limits.max_pull);
  plan.trim_fields = h.schema_version < hub_schema;
  plan.protocol_in_reply = plan.protocol >= 3;
  plan.epoch_and_signatures = plan.protocol >= 4;
  plan.pushes_again = plan.protocol >= 6 && req.outbox_waiting.value_or(0) > 0;
  return plan;
}

}  // namespace simpul::sync::session
