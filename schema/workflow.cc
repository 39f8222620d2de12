#include "schema/workflow.h"

#include <algorithm>
#include <set>

namespace simpul::schema {

bool IsKnownEventKind(const std::string& k) {
  static const std::set<std::string> kKinds = {
      "submitted", "returned", "resubmitted", "field_visited", "recommended",
      "approved",  "rejected", "letter_issued", "withdrawn"};
  return kKinds.count(k) > 0;
}

bool RoleMayRecord(const std::string& role, const std::string& kind) {
  if (kind == "submitted" || kind == "resubmitted" || kind == "withdrawn") return role == "village";
  if (kind == "field_visited" || kind == "recommended") return role == "verifier" || role == "hub";
  if (kind == "returned" || kind == "approved" || kind == "rejected" || kind == "letter_issued")
    return role == "hub";
  return false;
}

bool VillageMayEdit(const std::string& status) { return status == "draft" || status == "returned"; }

const char* KnownStatuses() {
  return "draft, submitted, returned, in_review, approved, rejected, letter_issued, withdrawn";
}

bool IsKnownStatus(const std::string& status) {
  if (status.empty() || status.find_first_of(", ") != std::string::npos) return false;
  std::string list = std::string(", ") + KnownStatuses() + ",";
  return list.find(", " + status + ",") != std::string::npos;
}

WorkflowState FoldWorkflow(std::vector<WorkflowEvent> events) {
  std::sort(events.begin(), events.end(), [](const WorkflowEvent& a, const WorkflowEvent& b) {
    return a.at != b.at ? a.at < b.at : a.id < b.id;
  });
  WorkflowState s;
  bool withdrawn = false, approved = false;
  auto ignore = [&](const WorkflowEvent& e, const std::string& why) {
    s.anomalies.push_back(e.kind + " by " + e.actor_role + " " + e.actor + " ignored: " + why);
  };
  for (const auto& e : events) {
    if (!IsKnownEventKind(e.kind)) {
      ignore(e, "unknown event kind");
      continue;
    }
    if (!RoleMayRecord(e.actor_role, e.kind)) {
      ignore(e, "role " + e.actor_role + " may not record it");
      continue;
    }
    const std::string& st = s.status;
    bool open = st == "submitted" || st == "in_review";
    std::string next;
    if (e.kind == "submitted" || e.kind == "resubmitted") {
      if (st == "draft" || st == "returned") next = "submitted";
      else if (st == "rejected") ignore(e, "a rejected application cannot be resubmitted");
      else if (st == "withdrawn") ignore(e, "the application was withdrawn");
      // already submitted/in review/decided: a duplicate submit is harmless
    } else if (e.kind == "returned") {
      if (open) next = "returned";
      else ignore(e, "not under review (" + st + ")");
    } else if (e.kind == "field_visited" || e.kind == "recommended") {
      if (open) next = "in_review";
      else ignore(e, "not under review (" + st + ")");
    } else if (e.kind == "approved" || e.kind == "rejected") {
      if (open || st == "returned") next = e.kind;
      else if (st == "withdrawn" && e.kind == "approved") {
        approved = true;
        next = "approved";  // the hub's decision stands, but it is contested below
      } else ignore(e, "already " + st);
    } else if (e.kind == "letter_issued") {
      if (st == "approved") next = "letter_issued";
      else ignore(e, "not approved (" + st + ")");
    } else if (e.kind == "withdrawn") {
      withdrawn = true;
      if (st == "draft" || st == "returned" || open) next = "withdrawn";
      else if (st == "approved" || st == "letter_issued") ignore(e, "already " + st);
      else ignore(e, "already " + st);
    }
    if (e.kind == "approved" && !next.empty()) approved = true;
    if (!next.empty()) {
      s.status = next;
      s.last_reason = e.reason;
    }
  }
  if (withdrawn && approved) {
    s.contested = true;
    s.anomalies.push_back("withdrawal and approval both recorded: a person must decide");
  }
  return s;
}

}  // namespace simpul::schema
