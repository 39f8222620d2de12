// Tests for schema/workflow.h: the application status as a deterministic fold
// of its event log, authority rules, and contested withdrawal/approval.
#include "schema/workflow.h"
#include "schema/stages.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace simpul::schema {
namespace {

// An HLC version string "<16 hex>.<node>" for logical time `t`.
std::string At(uint64_t t, const std::string& node) {
  char buf[20];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(t << 16));
  return std::string(buf) + "." + node;
}

const char* kVillageNode = "node-3510012001";
const char* kHubNode = "hub";

WorkflowEvent Ev(const std::string& id, const std::string& kind, const std::string& role,
                 uint64_t t, const std::string& reason = "") {
  std::string actor = role == "village" ? kVillageNode : role == "hub" ? kHubNode : "tksk-01";
  return WorkflowEvent{id, kind, actor, role, reason, At(t, actor)};
}

bool SameState(const WorkflowState& a, const WorkflowState& b) {
  return a.status == b.status && a.last_reason == b.last_reason && a.anomalies == b.anomalies &&
         a.contested == b.contested;
}

std::string Show(const WorkflowState& s) {
  std::string out = s.status + " reason='" + s.last_reason + "' contested=" +
                    (s.contested ? "true" : "false");
  for (const auto& a : s.anomalies) out += "\n  anomaly: " + a;
  return out;
}

bool AnyAnomalyContains(const WorkflowState& s, const std::string& needle) {
  for (const auto& a : s.anomalies)
    if (a.find(needle) != std::string::npos) return true;
  return false;
}

TEST_CASE("FoldWorkflow: an empty log is a draft") {
  auto s = FoldWorkflow({});
  CHECK(s.status == "draft");
  CHECK(s.last_reason.empty());
  CHECK(s.anomalies.empty());
  CHECK_FALSE(s.contested);
  CHECK(VillageMayEdit(s.status));
}

TEST_CASE("FoldWorkflow: draft -> submitted -> returned -> resubmitted -> approved -> letter") {
  const std::vector<WorkflowEvent> log = {
      Ev("e1", "submitted", "village", 1),
      Ev("e2", "returned", "hub", 2, "foto KK tidak terbaca"),
      Ev("e3", "resubmitted", "village", 3, "foto KK baru"),
      Ev("e4", "approved", "hub", 4, "memenuhi kriteria"),
      Ev("e5", "letter_issued", "hub", 5, "470/123/2025"),
  };
  struct Step {
    const char* status;
    const char* reason;
    bool village_may_edit;
  };
  const Step expected[] = {
      {"draft", "", true},
      {"submitted", "", false},
      {"returned", "foto KK tidak terbaca", true},
      {"submitted", "foto KK baru", false},
      {"approved", "memenuhi kriteria", false},
      {"letter_issued", "470/123/2025", false},
  };
  for (size_t n = 0; n <= log.size(); ++n) {
    CAPTURE(n);
    auto s = FoldWorkflow(std::vector<WorkflowEvent>(log.begin(), log.begin() + static_cast<long>(n)));
    INFO(Show(s));
    CHECK(s.status == expected[n].status);
    CHECK(s.last_reason == expected[n].reason);
    CHECK(s.anomalies.empty());
    CHECK_FALSE(s.contested);
    CHECK(VillageMayEdit(s.status) == expected[n].village_may_edit);
  }
}

TEST_CASE("FoldWorkflow: review steps") {
  struct Case {
    const char* name;
    std::vector<WorkflowEvent> log;
    const char* status;
    size_t anomalies;
  };
  const Case cases[] = {
      {"field visit puts it in review",
       {Ev("a", "submitted", "village", 1), Ev("b", "field_visited", "verifier", 2)},
       "in_review", 0},
      {"recommendation by the hub",
       {Ev("a", "submitted", "village", 1), Ev("b", "recommended", "hub", 2)},
       "in_review", 0},
      {"returned from review",
       {Ev("a", "submitted", "village", 1), Ev("b", "field_visited", "verifier", 2),
        Ev("c", "returned", "hub", 3)},
       "returned", 0},
      {"approved from review",
       {Ev("a", "submitted", "village", 1), Ev("b", "recommended", "verifier", 2),
        Ev("c", "approved", "hub", 3)},
       "approved", 0},
      {"rejected from review",
       {Ev("a", "submitted", "village", 1), Ev("b", "field_visited", "verifier", 2),
        Ev("c", "rejected", "hub", 3)},
       "rejected", 0},
      {"the hub may decide a returned application",
       {Ev("a", "submitted", "village", 1), Ev("b", "returned", "hub", 2),
        Ev("c", "rejected", "hub", 3)},
       "rejected", 0},
      {"a duplicate submit is harmless",
       {Ev("a", "submitted", "village", 1), Ev("b", "submitted", "village", 2)},
       "submitted", 0},
      {"field visit on a draft is ignored",
       {Ev("a", "field_visited", "verifier", 1)}, "draft", 1},
      {"return of a draft is ignored", {Ev("a", "returned", "hub", 1)}, "draft", 1},
      {"letter before approval is ignored",
       {Ev("a", "submitted", "village", 1), Ev("b", "letter_issued", "hub", 2)},
       "submitted", 1},
      {"approval of a draft is ignored", {Ev("a", "approved", "hub", 1)}, "draft", 1},
      {"rejected cannot become approved",
       {Ev("a", "submitted", "village", 1), Ev("b", "rejected", "hub", 2),
        Ev("c", "approved", "hub", 3)},
       "rejected", 1},
      {"approved cannot become rejected",
       {Ev("a", "submitted", "village", 1), Ev("b", "approved", "hub", 2),
        Ev("c", "rejected", "hub", 3)},
       "approved", 1},
      {"withdrawal of a draft",
       {Ev("a", "withdrawn", "village", 1, "pindah")}, "withdrawn", 0},
      {"withdrawal while returned",
       {Ev("a", "submitted", "village", 1), Ev("b", "returned", "hub", 2),
        Ev("c", "withdrawn", "village", 3)},
       "withdrawn", 0},
      {"withdrawal while in review",
       {Ev("a", "submitted", "village", 1), Ev("b", "field_visited", "verifier", 2),
        Ev("c", "withdrawn", "village", 3)},
       "withdrawn", 0},
      {"resubmit after withdrawal is ignored",
       {Ev("a", "submitted", "village", 1), Ev("b", "withdrawn", "village", 2),
        Ev("c", "resubmitted", "village", 3)},
       "withdrawn", 1},
      {"withdrawal after rejection is ignored",
       {Ev("a", "submitted", "village", 1), Ev("b", "rejected", "hub", 2),
        Ev("c", "withdrawn", "village", 3)},
       "rejected", 1},
  };
  for (const auto& c : cases) {
    CAPTURE(std::string(c.name));
    auto s = FoldWorkflow(c.log);
    INFO(Show(s));
    CHECK(s.status == c.status);
    CHECK(s.anomalies.size() == c.anomalies);
    CHECK_FALSE(s.contested);
  }
}

TEST_CASE("FoldWorkflow ignores events from roles that may not make them") {
  struct Case {
    const char* name;
    WorkflowEvent bad;
    const char* needle;
  };
  const Case cases[] = {
      {"village approving", Ev("x", "approved", "village", 2), "approved by village"},
      {"village rejecting", Ev("x", "rejected", "village", 2), "rejected by village"},
      {"village returning", Ev("x", "returned", "village", 2), "returned by village"},
      {"village issuing a letter", Ev("x", "letter_issued", "village", 2), "letter_issued"},
      {"village recording a field visit", Ev("x", "field_visited", "village", 2), "village"},
      {"verifier approving", Ev("x", "approved", "verifier", 2), "approved by verifier"},
      {"hub withdrawing", Ev("x", "withdrawn", "hub", 2), "withdrawn by hub"},
      {"hub submitting", Ev("x", "resubmitted", "hub", 2), "resubmitted by hub"},
      {"unknown role", Ev("x", "approved", "admin", 2), "admin"},
      {"empty role", Ev("x", "approved", "", 2), "approved"},
      {"unknown kind", Ev("x", "deleted", "hub", 2), "unknown event kind"},
  };
  for (const auto& c : cases) {
    CAPTURE(std::string(c.name));
    auto s = FoldWorkflow({Ev("a", "submitted", "village", 1), c.bad});
    INFO(Show(s));
    CHECK(s.status == "submitted");
    REQUIRE(s.anomalies.size() == 1);
    CHECK(s.anomalies[0].find(c.needle) != std::string::npos);
    CHECK(s.anomalies[0].find("ignored") != std::string::npos);
    CHECK_FALSE(s.contested);
  }
  // The village approving does not unlock a later letter either.
  auto s = FoldWorkflow({Ev("a", "submitted", "village", 1), Ev("b", "approved", "village", 2),
                         Ev("c", "letter_issued", "hub", 3)});
  CHECK(s.status == "submitted");
  CHECK(s.anomalies.size() == 2);
}

TEST_CASE("FoldWorkflow: a rejected application cannot be resubmitted") {
  for (const char* kind : {"resubmitted", "submitted"}) {
    CAPTURE(std::string(kind));
    auto s = FoldWorkflow({Ev("a", "submitted", "village", 1),
                           Ev("b", "rejected", "hub", 2, "bukan warga desa"),
                           Ev("c", kind, "village", 3, "mohon ditinjau ulang")});
    INFO(Show(s));
    CHECK(s.status == "rejected");
    CHECK(s.last_reason == "bukan warga desa");
    REQUIRE(s.anomalies.size() == 1);
    CHECK(s.anomalies[0].find("rejected application cannot be resubmitted") != std::string::npos);
    CHECK_FALSE(VillageMayEdit(s.status));
  }
}

TEST_CASE("FoldWorkflow: withdrawal concurrent with approval is contested in both orders") {
  // The village withdraws offline while the hub approves; the HLC stamps may
  // order them either way. Each replica must reach the same answer for the
  // same stamps, and the conflict must be visible whatever the order.
  struct Order {
    const char* name;
    uint64_t withdraw_t, approve_t;
  };
  const Order orders[] = {{"withdrawal first", 2, 3}, {"approval first", 3, 2}};
  std::vector<std::string> finals;
  for (const auto& o : orders) {
    CAPTURE(std::string(o.name));
    std::vector<WorkflowEvent> log = {
        Ev("e1", "submitted", "village", 1),
        Ev("e2", "withdrawn", "village", o.withdraw_t, "sudah pindah"),
        Ev("e3", "approved", "hub", o.approve_t, "layak"),
    };
    auto s = FoldWorkflow(log);
    INFO(Show(s));
    CHECK(s.contested);
    CHECK(AnyAnomalyContains(s, "withdrawal and approval"));
    CHECK((s.status == "approved" || s.status == "withdrawn"));
    finals.push_back(s.status + "|" + s.last_reason);
    // The same stamps in any input order give the same state.
    std::reverse(log.begin(), log.end());
    CHECK(SameState(FoldWorkflow(log), s));
  }
  REQUIRE(finals.size() == 2);
  CHECK(finals[0] == finals[1]);

  SUBCASE("also after a return, and with a letter issued later") {
    std::vector<std::string> statuses;
    for (const auto& o : orders) {
      CAPTURE(std::string(o.name));
      auto s = FoldWorkflow({Ev("e1", "submitted", "village", 1), Ev("e2", "returned", "hub", 2),
                             Ev("e3", "withdrawn", "village", o.withdraw_t + 1),
                             Ev("e4", "approved", "hub", o.approve_t + 1),
                             Ev("e5", "letter_issued", "hub", 10)});
      INFO(Show(s));
      CHECK(s.contested);
      statuses.push_back(s.status);
    }
    CHECK(statuses[0] == statuses[1]);
  }
  SUBCASE("identical stamps: the event id breaks the tie") {
    auto a = FoldWorkflow({Ev("e1", "submitted", "village", 1), Ev("e2", "withdrawn", "village", 2),
                           Ev("e3", "approved", "hub", 2)});
    auto b = FoldWorkflow({Ev("e3", "approved", "hub", 2), Ev("e2", "withdrawn", "village", 2),
                           Ev("e1", "submitted", "village", 1)});
    CHECK(a.contested);
    CHECK(SameState(a, b));
  }
  SUBCASE("withdrawal without approval is not contested") {
    auto s = FoldWorkflow({Ev("e1", "submitted", "village", 1),
                           Ev("e2", "withdrawn", "village", 2),
                           Ev("e3", "approved", "village", 3)});  // ignored: wrong role
    CHECK(s.status == "withdrawn");
    CHECK_FALSE(s.contested);
  }
}

TEST_CASE("FoldWorkflow: the result does not depend on the input order") {
  // A messy history: return, resubmit, field visit, an unauthorised event, an
  // unknown kind, concurrent withdrawal/approval and a letter.
  const std::vector<WorkflowEvent> histories[] = {
      {
          Ev("01", "submitted", "village", 10),
          Ev("02", "returned", "hub", 20, "kurang foto rumah"),
          Ev("03", "resubmitted", "village", 30),
          Ev("04", "field_visited", "verifier", 40, "sudah dikunjungi"),
          Ev("05", "approved", "village", 45),  // ignored
          Ev("06", "recommended", "verifier", 50),
          Ev("07", "withdrawn", "village", 60, "sudah meninggal"),
          Ev("08", "approved", "hub", 60, "layak"),  // same stamp time, other node
          Ev("09", "letter_issued", "hub", 70),
          Ev("10", "archived", "hub", 80),  // unknown kind
      },
      {
          Ev("a", "submitted", "village", 1),
          Ev("b", "submitted", "village", 1),  // same stamp, duplicate submit
          Ev("c", "rejected", "hub", 5, "desil 9"),
          Ev("d", "resubmitted", "village", 6),
          Ev("e", "approved", "hub", 7),
          Ev("f", "withdrawn", "village", 8),
      },
  };
  for (const auto& history : histories) {
    const WorkflowState reference = FoldWorkflow(history);
    INFO(Show(reference));
    std::mt19937 rng(20250425);  // fixed seed: deterministic
    std::vector<WorkflowEvent> shuffled = history;
    for (int round = 0; round < 300; ++round) {
      std::shuffle(shuffled.begin(), shuffled.end(), rng);
      auto s = FoldWorkflow(shuffled);
      if (!SameState(s, reference)) {
        CAPTURE(round);
        CHECK_MESSAGE(false, Show(s));
        break;
      }
    }
  }
  // Exhaustively for a short history (6! orders).
  std::vector<WorkflowEvent> small = {
      Ev("1", "submitted", "village", 1), Ev("2", "returned", "hub", 2),
      Ev("3", "resubmitted", "village", 3), Ev("4", "withdrawn", "village", 4),
      Ev("5", "approved", "hub", 4), Ev("6", "letter_issued", "hub", 5),
  };
  const WorkflowState reference = FoldWorkflow(small);
  CHECK(reference.contested);
  std::vector<int> idx = {0, 1, 2, 3, 4, 5};
  int permutations = 0, mismatches = 0;
  do {
    std::vector<WorkflowEvent> perm;
    for (int i : idx) perm.push_back(small[i]);
    if (!SameState(FoldWorkflow(perm), reference)) ++mismatches;
    ++permutations;
  } while (std::next_permutation(idx.begin(), idx.end()));
  CHECK(permutations == 720);
  CHECK(mismatches == 0);
}

// --- causal order (schema 11: each event names the event it acts on) ----------

// `e` written by a writer whose fold ended at `after` ("" for none).
WorkflowEvent After(WorkflowEvent e, const std::string& after) {
  e.after = after;
  return e;
}

std::vector<std::string> Ids(const std::vector<WorkflowEvent>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back(e.id);
  return out;
}

// Every input order of `log` folds to `status`, with no anomaly.
void CheckEveryOrder(std::vector<WorkflowEvent> log, const std::string& status) {
  std::sort(log.begin(), log.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  do {
    auto s = FoldWorkflow(log);
    INFO("input order: " << Ids(log)[0] << "..; " << Show(s));
    CHECK(s.status == status);
    CHECK(s.anomalies.empty());
  } while (std::next_permutation(log.begin(), log.end(),
                                 [](const auto& a, const auto& b) { return a.id < b.id; }));
}

TEST_CASE("FoldWorkflow: a decision applies to the state its decider saw, whatever the clocks say") {
  // Milliseconds: a clock 3 days fast or slow, a laptop reset to 1970.
  const uint64_t now = 1'700'000'000'000, fast = now + 259'200'000, slow = now - 259'200'000, epoch = 0;
  struct Clocks {
    const char* name;
    uint64_t village, hub;
  };
  const Clocks cases[] = {{"village fast", fast, now}, {"village slow", slow, now},
                          {"village at 1970", epoch, now}, {"hub fast", now, fast},
                          {"hub slow", now, slow}};
  for (const auto& c : cases) {
    CAPTURE(std::string(c.name));
    // Submit, then the hub approves and issues the letter on what it saw.
    const std::vector<WorkflowEvent> decided = {
        After(Ev("s", "submitted", "village", c.village), ""),
        After(Ev("a", "approved", "hub", c.hub, "layak"), "s"),
        After(Ev("l", "letter_issued", "hub", c.hub + 1, "460/001/Dinsos/2025"), "a"),
    };
    CheckEveryOrder(decided, "letter_issued");
    auto s = FoldWorkflow(decided);
    CHECK(s.head == "l");
    CHECK(s.last_reason == "460/001/Dinsos/2025");
    // Returned, fixed and resubmitted by the village, then approved.
    CheckEveryOrder({After(Ev("s", "submitted", "village", c.village), ""),
                     After(Ev("r", "returned", "hub", c.hub, "foto KK buram"), "s"),
                     After(Ev("t", "resubmitted", "village", c.village + 1), "r"),
                     After(Ev("u", "approved", "hub", c.hub + 2), "t")},
                    "approved");
  }
}

TEST_CASE("FoldWorkflow: concurrent events are ordered by stamp, in both arrival orders") {
  // Withdrawn offline while the hub approved: neither saw the other (both name
  // the submission). Stamps order them; the pair is contested either way.
  for (bool withdrawal_first : {true, false}) {
    CAPTURE(withdrawal_first);
    std::vector<WorkflowEvent> log = {
        After(Ev("s", "submitted", "village", 1), ""),
        After(Ev("w", "withdrawn", "village", withdrawal_first ? 2 : 3, "pindah"), "s"),
        After(Ev("a", "approved", "hub", withdrawal_first ? 3 : 2, "layak"), "s"),
    };
    auto reference = FoldWorkflow(log);
    INFO(Show(reference));
    CHECK(reference.contested);
    CHECK(reference.head == (withdrawal_first ? "a" : "w"));
    std::sort(log.begin(), log.end(), [](const auto& x, const auto& y) { return x.id < y.id; });
    do CHECK(SameState(FoldWorkflow(log), reference));
    while (std::next_permutation(log.begin(), log.end(), [](const auto& x, const auto& y) { return x.id < y.id; }));
  }
  // A concurrent event never goes before what it names, even stamped earlier:
  // the hub returned on the submission while a verifier visited.
  auto s = FoldWorkflow({After(Ev("s", "submitted", "village", 50), ""),
                         After(Ev("v", "field_visited", "verifier", 5), "s"),
                         After(Ev("r", "returned", "hub", 7, "lengkapi"), "s")});
  INFO(Show(s));
  CHECK(s.status == "returned");
  CHECK(s.anomalies.empty());
  CHECK(Ids(CausalOrder({After(Ev("s", "submitted", "village", 50), ""),
                         After(Ev("v", "field_visited", "verifier", 5), "s"),
                         After(Ev("r", "returned", "hub", 7), "s")})) ==
        std::vector<std::string>{"s", "v", "r"});
}

TEST_CASE("FoldWorkflow: events without the link (older nodes) keep the stamp order") {
  // Schema 7 and earlier: no `after`. A legacy approval stamped before the
  // submission is still ignored, as before.
  auto legacy = FoldWorkflow({Ev("s", "submitted", "village", 5), Ev("a", "approved", "hub", 3)});
  CHECK(legacy.status == "submitted");
  CHECK(legacy.anomalies.size() == 1);
  // A legacy submission from a laptop days fast, decided by an upgraded hub
  // that names it: the decision stands.
  CheckEveryOrder({Ev("s", "submitted", "village", 259'200'000), After(Ev("a", "approved", "hub", 3), "s")},
                  "approved");
  // A link to an event this replica does not hold counts as no link.
  auto dangling = FoldWorkflow({Ev("s", "submitted", "village", 1),
                                After(Ev("a", "approved", "hub", 2), "00000000-0000-7000-8000-000000000000")});
  CHECK(dangling.status == "approved");
  CHECK(dangling.anomalies.empty());
  // Empty log, empty head; one event, its own head.
  CHECK(FoldWorkflow({}).head.empty());
  CHECK(FoldWorkflow({Ev("s", "submitted", "village", 1)}).head == "s");
}

TEST_CASE("FoldWorkflow: forged links that form a cycle cannot hang or reorder silently") {
  std::vector<WorkflowEvent> log = {After(Ev("x", "submitted", "village", 1), "y"),
                                    After(Ev("y", "withdrawn", "village", 2), "x"),
                                    After(Ev("z", "approved", "hub", 3), "self"),
                                    After(Ev("q", "returned", "hub", 4), "q")};
  auto s = FoldWorkflow(log);
  INFO(Show(s));
  CHECK(AnyAnomalyContains(s, "cycle"));
  std::reverse(log.begin(), log.end());
  CHECK(SameState(FoldWorkflow(log), s));
  // z and q name nothing here; the cycle is broken at its earliest event.
  CHECK(Ids(CausalOrder(log)) == std::vector<std::string>{"z", "q", "x", "y"});
}

TEST_CASE("CausalOrder: every event follows all its writer saw, under any clocks (randomised)") {
  // Three replicas (a village, the hub, a verifier) with wildly wrong clocks
  // write events naming their fold's head and exchange them at random. In
  // the final order of all events, each event comes after every event its
  // writer held when writing it.
  std::mt19937 rng(20251206);
  for (int run = 0; run < 200; ++run) {
    CAPTURE(run);
    struct Replica {
      std::vector<WorkflowEvent> held;
      uint64_t clock;
    };
    std::vector<Replica> replicas = {{{}, rng() % 1000}, {{}, rng() % 1000}, {{}, rng() % 1000}};
    std::map<std::string, std::set<std::string>> saw;  // event -> events its writer held
    int next_id = 0;
    for (int step = 0; step < 30; ++step) {
      Replica& r = replicas[rng() % 3];
      if (rng() % 3 == 0) {  // sync with another replica: both hold the union
        Replica& o = replicas[rng() % 3];
        for (auto* pair : {&r, &o}) {
          Replica& other = pair == &r ? o : r;
          for (const auto& e : other.held)
            if (std::none_of(pair->held.begin(), pair->held.end(), [&](const auto& h) { return h.id == e.id; }))
              pair->held.push_back(e);
        }
        continue;
      }
      char id[8];
      std::snprintf(id, sizeof id, "e%03d", next_id++);
      r.clock += rng() % 3 == 0 ? 0 : rng() % 50;  // clocks that barely move, or jump
      if (rng() % 7 == 0) r.clock = rng() % 100;   // ...or go back to "1970"
      auto order = CausalOrder(r.held);
      WorkflowEvent e = After(Ev(id, "submitted", "village", r.clock), order.empty() ? "" : order.back().id);
      for (const auto& h : r.held) saw[id].insert(h.id);
      r.held.push_back(e);
    }
    std::vector<WorkflowEvent> all;
    for (const auto& r : replicas)
      for (const auto& e : r.held)
        if (std::none_of(all.begin(), all.end(), [&](const auto& a) { return a.id == e.id; })) all.push_back(e);
    std::shuffle(all.begin(), all.end(), rng);
    auto order = Ids(CausalOrder(all));
    std::map<std::string, size_t> pos;
    for (size_t i = 0; i < order.size(); ++i) pos[order[i]] = i;
    for (const auto& [event, held] : saw)
      for (const auto& before : held) {
        CAPTURE(event);
        CAPTURE(before);
        CHECK(pos.at(before) < pos.at(event));
      }
  }
}

TEST_CASE("IsKnownEventKind, RoleMayRecord and VillageMayEdit") {
  const char* kinds[] = {"submitted", "returned",  "resubmitted",   "field_visited", "recommended",
                         "approved",  "rejected",  "letter_issued", "withdrawn"};
  for (const char* k : kinds) CHECK(IsKnownEventKind(k));
  for (const char* k : {"", "Submitted", "approve", "deleted", "draft"}) {
    CAPTURE(std::string(k));
    CHECK_FALSE(IsKnownEventKind(k));
  }

  struct Rule {
    const char* kind;
    bool village, verifier, hub;
  };
  const Rule rules[] = {
      {"submitted", true, false, false},     {"resubmitted", true, false, false},
      {"withdrawn", true, false, false},     {"field_visited", false, true, true},
      {"recommended", false, true, true},    {"returned", false, false, true},
      {"approved", false, false, true},      {"rejected", false, false, true},
      {"letter_issued", false, false, true}, {"unknown", false, false, false},
  };
  for (const auto& r : rules) {
    CAPTURE(std::string(r.kind));
    CHECK(RoleMayRecord("village", r.kind) == r.village);
    CHECK(RoleMayRecord("verifier", r.kind) == r.verifier);
    CHECK(RoleMayRecord("hub", r.kind) == r.hub);
    CHECK_FALSE(RoleMayRecord("admin", r.kind));
    CHECK_FALSE(RoleMayRecord("", r.kind));
  }

  for (const char* st : {"draft", "returned"}) CHECK(VillageMayEdit(st));
  for (const char* st :
       {"submitted", "in_review", "approved", "rejected", "letter_issued", "withdrawn", ""})
    CHECK_FALSE(VillageMayEdit(st));
}

}  // namespace
}  // namespace simpul::schema

namespace simpul::schema {
namespace {

TEST_CASE("stages: recorded in the rule's order by the side the rule names, and counted only then") {
  auto rules = ParseServiceRules(BuiltinServiceRules());
  REQUIRE(rules.ok());
  const ServiceRule* spm = rules->FindCode("spm");
  REQUIRE(spm);
  auto event = [](const std::string& id, const std::string& kind, const std::string& role, const std::string& after,
                  const std::string& stage = "") {
    WorkflowEvent e{id, kind, "x", role, "", id, after};
    e.stage = stage;
    return e;
  };
  std::vector<WorkflowEvent> ev = {event("1", "submitted", "village", "")};
  auto state = FoldWorkflow(ev);
  REQUIRE(MissingStage(*spm, state));
  CHECK(MissingStage(*spm, state)->code == "field_check");
  // Out of order, the other side's stage, an unknown stage: refused, named.
  Status st = CheckStage(*spm, state, "kecamatan", "hub");
  CHECK(st.code() == Code::kFailedPrecondition);
  CHECK(st.message().find("field_check") != std::string::npos);
  CHECK(CheckStage(*spm, state, "field_check", "hub").code() == Code::kPermissionDenied);
  Status unknown = CheckStage(*spm, state, "lurah", "hub");
  CHECK(unknown.code() == Code::kInvalidArgument);
  CHECK(unknown.message().find("health_recheck") != std::string::npos);
  CHECK(CheckStage(*spm, state, "field_check", "village").ok());

  // A village writing Dinsos's stage does not pass it.
  ev.push_back(event("2", "stage_done", "village", "1", "field_check"));
  ev.push_back(event("3", "stage_done", "village", "2", "kecamatan"));
  state = FoldWorkflow(ev);
  CHECK(state.status == "in_review");
  CHECK(StagesDone(*spm, state) == std::vector<std::string>{"field_check"});
  CHECK(MissingStage(*spm, state)->code == "kecamatan");
  CHECK(CheckStage(*spm, state, "field_check", "village").code() == Code::kFailedPrecondition);  // already done

  // The older kinds count as the stages they are; a stage with no code is ignored.
  ev.push_back(event("4", "recommended", "verifier", "3"));
  ev.push_back(event("5", "stage_done", "hub", "4", "dinsos_verification"));
  ev.push_back(event("6", "stage_done", "hub", "5"));
  state = FoldWorkflow(ev);
  CHECK(state.anomalies.size() == 1);
  CHECK(MissingStage(*spm, state)->code == "health_recheck");
  ev.push_back(event("7", "stage_done", "hub", "6", "health_recheck"));
  state = FoldWorkflow(ev);
  CHECK(MissingStage(*spm, state) == nullptr);

  // Done stages survive a return and resubmission; none is recorded while returned.
  ev.push_back(event("8", "returned", "hub", "7"));
  state = FoldWorkflow(ev);
  CHECK(CheckStage(*spm, state, "health_recheck", "hub").code() == Code::kFailedPrecondition);
  ev.push_back(event("9", "resubmitted", "village", "8"));
  CHECK(MissingStage(*spm, FoldWorkflow(ev)) == nullptr);
}

}  // namespace
}  // namespace simpul::schema
