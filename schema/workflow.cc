#include "schema/workflow.h"

#include <map>
#include <set>

namespace simpul::schema {

std::string StageOfEvent(const WorkflowEvent& e) {
  if (e.kind == "stage_done") return e.stage;
  if (e.kind == "field_visited") return "field_check";
  if (e.kind == "recommended") return "kecamatan";
  return {};
}

bool IsKnownEventKind(const std::string& k) {
  static const std::set<std::string> kKinds = {
      "submitted", "returned", "resubmitted", "field_visited", "recommended",
      "stage_done", "approved", "rejected", "letter_issued", "withdrawn"};
  return kKinds.count(k) > 0;
}

bool RoleMayRecord(const std::string& role, const std::string& kind) {
  if (kind == "submitted" || kind == "resubmitted" || kind == "withdrawn") return role == "village";
  if (kind == "field_visited" || kind == "recommended") return role == "verifier" || role == "hub";
  if (kind == "stage_done") return role == "village" || role == "verifier" || role == "hub";
  if (kind == "returned" || kind == "approved" || kind == "rejected" || kind == "letter_issued")
    return role == "hub";
  return false;
}

bool VillageMayEdit(const std::string& status) { return status == "draft" || status == "returned"; }

std::vector<WorkflowEvent> CausalOrder(std::vector<WorkflowEvent> events, std::vector<std::string>* anomalies) {
  const size_t n = events.size();
  auto earlier = [&](size_t a, size_t b) {
    const WorkflowEvent& x = events[a];
    const WorkflowEvent& y = events[b];
    if (x.at != y.at) return x.at < y.at;
    return x.id != y.id ? x.id < y.id : a < b;
  };
  std::map<std::string, size_t> by_id;
  for (size_t i = 0; i < n; ++i) by_id.emplace(events[i].id, i);
  // successors[i]: the events that name event i; waiting[i]: event i names
  // an event of `events`, so it is placed only after it.
  std::vector<std::vector<size_t>> successors(n);
  std::vector<bool> waiting(n, false), placed(n, false);
  for (size_t i = 0; i < n; ++i) {
    if (!events[i].after || events[i].after->empty()) continue;
    auto it = by_id.find(*events[i].after);
    if (it == by_id.end() || it->second == i) continue;  // unknown here: no link
    successors[it->second].push_back(i);
    waiting[i] = true;
  }
  auto cmp = [&](size_t a, size_t b) { return earlier(a, b); };
  std::set<size_t, decltype(cmp)> ready(cmp);
  for (size_t i = 0; i < n; ++i)
    if (!waiting[i]) ready.insert(i);
  std::vector<WorkflowEvent> out;
  out.reserve(n);
  while (out.size() < n) {
    if (ready.empty()) {
      // A cycle: place its earliest event as if it named nothing.
      size_t first = n;
      for (size_t i = 0; i < n; ++i)
        if (!placed[i] && (first == n || earlier(i, first))) first = i;
      if (anomalies)
        anomalies->push_back("events name each other in a cycle: " + events[first].id + " placed by its time");
      ready.insert(first);
    }
    size_t i = *ready.begin();
    ready.erase(ready.begin());
    placed[i] = true;
    out.push_back(events[i]);
    for (size_t j : successors[i])
      if (!placed[j]) ready.insert(j);
  }
  return out;
}

const char* KnownStatuses() {
  return "draft, submitted, returned, in_review, approved, rejected, letter_issued, withdrawn";
}

bool IsKnownStatus(const std::string& status) {
  if (status.empty() || status.find_first_of(", ") != std::string::npos) return false;
  std::string list = std::string(", ") + KnownStatuses() + ",";
  return list.find(", " + status + ",") != std::string::npos;
}

WorkflowState FoldWorkflow(std::vector<WorkflowEvent> unordered) {
  WorkflowState s;
  std::vector<WorkflowEvent> events = CausalOrder(std::move(unordered), &s.anomalies);
  if (!events.empty()) s.head = events.back().id;
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
    } else if (e.kind == "field_visited" || e.kind == "recommended" || e.kind == "stage_done") {
      if (e.kind == "stage_done" && e.stage.empty()) ignore(e, "no stage named");
      else if (open) {
        next = "in_review";
        s.stages_done.push_back({StageOfEvent(e), e.actor_role});
      } else ignore(e, "not under review (" + st + ")");
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
