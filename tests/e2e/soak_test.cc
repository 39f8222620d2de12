// Bounded soak (issue "Poor links"): a hub and three village laptops — two
// at Sarongan, one at Pesanggaran — each behind its own simpul-linkemu with
// scheduled outages and random cuts. For about a minute a driver makes
// random operator writes on the laptops (households, persons, applications,
// notes, documents, submissions) and at the hub (notes, returns, approvals),
// and starts syncs at random, in the background, while the writing goes on
// (failed syncs are expected). Then the links heal (each emulator restarts on
// the same port without faults: a node's hub URL is fixed at enrolment) and
// everyone syncs until a whole round moves nothing.
//
// Then, for each village, the hub and each of its laptops hold the same rows
// (every column of every replicated table), the same field versions, the same
// application list and conflict listing; every record the driver created is
// at the hub and on every laptop of its village; every laptop's last sync is
// verified with no document pending; the documents are at the hub under
// their hash.
//
// SIMPUL_SOAK_SEED=N replays the driver's and the links' random choices
// (timing still varies).
#include "tests/support/cluster.h"

namespace simpul::testing {
namespace {

constexpr double kDriveS = 55;       // random writes and syncs
constexpr int kMaxHealRounds = 8;    // each: every laptop syncs once (with retries)

std::string Val(const std::string& cell) { return cell.substr(cell.find(':') + 1); }

std::vector<std::string> Ids(const std::string& db, const std::string& sql, const std::vector<std::string>& binds) {
  std::vector<std::string> out;
  for (const auto& r : SqlRows(db, sql, binds)) out.push_back(Val(r[0]));
  return out;
}

std::vector<std::string> Columns(const std::string& db, const std::string& table) {
  std::vector<std::string> out;
  for (const auto& r : SqlRows(db, "SELECT name FROM pragma_table_info(?) ORDER BY cid", {table})) out.push_back(Val(r[0]));
  return out;
}

// Rows only on one side (at most 8 of each), for failure messages.
std::string RowDiff(const std::vector<SqlRow>& laptop, const std::vector<SqlRow>& hub) {
  std::multiset<SqlRow> a(laptop.begin(), laptop.end()), b(hub.begin(), hub.end());
  std::ostringstream o;
  auto side = [&](const char* what, const std::multiset<SqlRow>& x, const std::multiset<SqlRow>& y) {
    int shown = 0;
    for (const auto& r : x) {
      if (y.count(r)) continue;
      if (shown++ == 8) break;
      o << what;
      for (const auto& c : r) o << " " << c;
      o << "\n";
    }
  };
  side("only on the laptop:", a, b);
  side("only at the hub:   ", b, a);
  return o.str();
}

struct Laptop {
  std::string name;
  std::unique_ptr<Node> node;
  std::unique_ptr<Linkemu> link;
  std::unique_ptr<AsyncProc> sync;  // a sync in flight
  int sync_runs = 0;
  std::map<int, int> sync_rc;       // exit code -> count
};

struct Created {
  std::string table, id, village;
};

TEST_CASE("soak: three laptops behind flaky links and the hub write at random for a minute, then converge") {
  const uint64_t seed = SeedFrom("SIMPUL_SOAK_SEED");
  MESSAGE("soak seed " << seed << " (replay: SIMPUL_SOAK_SEED=" << seed << ")");
  std::mt19937_64 rng(seed);
  auto pick = [&](const std::vector<std::string>& v) { return v[rng() % v.size()]; };

  Hub hub;
  hub.Start();
  // outage period / length (s) differ per link, so the links fail at different times.
  const struct { const char* name; std::string village; const char* every; const char* outage; } kSpec[] = {
      {"sarongan-1", kSarongan, "7", "2"}, {"sarongan-2", kSarongan, "9", "3"}, {"pesanggaran", kPesanggaran, "11", "2.5"}};
  std::vector<Laptop> laptops(3);
  auto faulty = [&](int i) {
    return std::vector<std::string>{"--rate-up", "128", "--rate-down", "128", "--latency", "150", "--jitter", "50",
                                    "--shared", "--cut-after-min", "1500", "--cut-after-max", "20000", "--cut-prob",
                                    "0.5", "--outage-every", kSpec[i].every, "--outage-for", kSpec[i].outage,
                                    "--seed", std::to_string((seed + static_cast<uint64_t>(i)) % 4294967296ull)};
  };
  for (int i = 0; i < 3; ++i) {
    Laptop& l = laptops[static_cast<size_t>(i)];
    l.name = kSpec[i].name;
    l.node = std::make_unique<Node>(kSpec[i].village);
    l.link = std::make_unique<Linkemu>(hub.port(), faulty(i));
    MESSAGE(l.name << ": " << l.link->settings());
    // Enrolment is small (no cut before 1500 bytes) and the first outage
    // comes only after a few seconds; a lost reply may be retried with the
    // same code anyway.
    std::string code = hub.EnrolCode(kSpec[i].village);
    bool enrolled = false;
    for (int a = 0; a < 5 && !enrolled; ++a)
      enrolled = l.node->Cli({"enrol", "--hub", l.link->url(), "--code", code}).exit_code == kOk;
    INFO(l.node->last());
    REQUIRE(enrolled);
  }

  // --- one minute of random work ------------------------------------------------------
  std::vector<Created> created;
  std::map<std::string, int> writes_ok, writes_failed;  // "what" -> count
  std::string problems;                                   // exit codes that mean a bug
  int nik_serial = 0;
  auto record_failure = [&](const std::string& what, const ProcessResult& r, const std::string& cmd) {
    ++writes_failed[what + " exit " + std::to_string(r.exit_code)];
    // 2 = refused input (e.g. editing a submitted application), 4 = busy:
    // expected. Anything else is a bug.
    if (r.exit_code != 2 && r.exit_code != kUnavailable) problems += cmd + "\n";
  };
  auto node_write = [&](Laptop& l) {
    Node& n = *l.node;
    const std::string v = n.village();
    auto households = Ids(n.db(), "SELECT id FROM households WHERE village=? AND deleted=0", {v});
    auto persons = Ids(n.db(), "SELECT id FROM persons WHERE village=? AND deleted=0", {v});
    auto apps = Ids(n.db(), "SELECT id FROM applications WHERE village=? AND deleted=0", {v});
    int op = static_cast<int>(rng() % 100);
    std::vector<std::string> args;
    std::string what, table;
    if (op < 12 || households.empty()) {
      char kk[32];
      std::snprintf(kk, sizeof kk, "3510011211%06d", static_cast<int>(rng() % 1000000));
      args = {"household", "add", "--address", "Dusun " + std::to_string(rng() % 90 + 1) + " " + l.name, "--kk", kk};
      what = "household add";
      table = "households";
    } else if (op < 27 || persons.empty()) {
      char nik[32];
      std::snprintf(nik, sizeof nik, "351001550887%04d", ++nik_serial);
      args = {"person", "add", "--household", pick(households), "--name", "Warga " + std::to_string(nik_serial),
              "--nik", nik, "--birth-date", "1987-08-15", "--sex", "P"};
      what = "person add";
      table = "persons";
    } else if (op < 42 || apps.empty()) {
      args = {"application", "new", "--type", "poverty_statement", "--applicant", pick(persons), "--purpose",
              "Berobat " + std::to_string(rng() % 1000)};
      what = "application new";
      table = "applications";
    } else if (op < 60) {
      args = {"application", "edit", pick(apps), "--notes", l.name + " catatan " + std::to_string(rng() % 100000)};
      what = "application edit --notes";
    } else if (op < 72) {
      std::string file = n.File("doc-" + std::to_string(rng()) + ".bin");
      WriteFile(file, RandomBytes(rng, 200 + rng() % 1800));
      args = {"application", "attach", pick(apps), "--kind", rng() % 2 ? "ktp" : "photo", "--file", file};
      what = "application attach";
      table = "attachments";
    } else if (op < 86) {
      std::string app = pick(apps);
      ProcessResult a = n.Cli({"application", "answer", app, "no_shelter=tidak", "head_not_working=ya",
                               "food_insecure=ya"});
      if (a.exit_code != kOk) {
        record_failure("application answer", a, n.last());
        return;
      }
      ++writes_ok["application answer"];
      // The documents the service rule requires (KK and KTP) first.
      for (const char* kind : {"kk", "ktp"}) {
        std::string file = n.File("doc-" + std::to_string(rng()) + ".bin");
        WriteFile(file, RandomBytes(rng, 200 + rng() % 1800));
        ProcessResult d = n.Cli({"application", "attach", app, "--kind", kind, "--file", file});
        if (d.exit_code != kOk) {
          record_failure("application attach", d, n.last());
          return;
        }
      }
      args = {"application", "submit", app};
      what = "application submit";
    } else {
      args = {"household", "edit", pick(households), "--address", "Dusun Baru " + std::to_string(rng() % 1000)};
      what = "household edit";
    }
    args.insert(args.begin(), "--json");
    ProcessResult r = n.Cli(args);
    if (r.exit_code != kOk) {
      record_failure(what, r, n.last());
      return;
    }
    ++writes_ok[what];
    if (what == "application submit") {  // the village's field check, so Dinsos can approve
      ProcessResult st = n.Cli({"application", "stage", args.back(), "field_check", "--note", "Cek lapangan"});
      if (st.exit_code != kOk) record_failure("application stage", st, n.last());
      else ++writes_ok["application stage"];
    }
    if (!table.empty()) {
      Json j = ParseJson(r.out);
      created.push_back({table, j["id"].str(), v});
      CHECK(!j["id"].str().empty());
    }
  };
  auto hub_write = [&] {
    auto apps = Ids(hub.db(), "SELECT id FROM applications WHERE deleted=0", {});
    if (apps.empty()) return;
    int op = static_cast<int>(rng() % 100);
    std::vector<std::string> args;
    std::string what;
    if (op < 50) {
      args = {"application", "edit", pick(apps), "--notes", "Dinsos catatan " + std::to_string(rng() % 100000)};
      what = "hub application edit --notes";
    } else {
      ProcessResult l = hub.Cli({"--json", "application", "list"});
      if (l.exit_code != kOk) {
        record_failure("hub application list", l, hub.last());
        return;
      }
      std::vector<std::string> open;  // under review: submitted, or some stage recorded
      for (const auto& a : ParseJson(l.out).a)
        if (a["status"].str() == "submitted" || a["status"].str() == "in_review") open.push_back(a["id"].str());
      if (open.empty()) return;
      std::string app = open[rng() % open.size()];
      if (op < 75) {
        args = {"application", "return", app, "--reason", "Lengkapi KK " + std::to_string(rng() % 100)};
        what = "hub application return";
      } else {
        // Dinsos's stages of the service rule first, in order (refused, exit
        // 2, while the village's field check has not arrived).
        for (int k = 0; k < 4; ++k) {
          ProcessResult shown = hub.Cli({"--json", "application", "show", app});
          if (shown.exit_code != kOk) {
            record_failure("hub application show", shown, hub.last());
            return;
          }
          std::string next = ParseJson(shown.out)["next_stage"].str();
          if (next.empty()) break;
          ProcessResult st = hub.Cli({"application", "stage", app, next, "--note", "Diperiksa"});
          if (st.exit_code != kOk) {
            record_failure("hub application stage", st, hub.last());
            return;
          }
          ++writes_ok["hub application stage"];
        }
        args = {"application", "approve", app, "--reason", "Memenuhi kriteria"};
        what = "hub application approve";
      }
    }
    ProcessResult r = hub.Cli(args);
    if (r.exit_code != kOk) {
      record_failure(what, r, hub.last());
      return;
    }
    ++writes_ok[what];
  };
  auto reap = [&](Laptop& l, bool wait) {
    if (!l.sync) return;
    if (wait) l.sync->Wait(90);
    if (!l.sync->Done()) return;
    int rc = l.sync->rc();
    ++l.sync_rc[rc];
    // 0 ok, 4 link down or cut. Anything else is a bug (6 would be a
    // refusal, e.g. a resend taken for a replay).
    if (rc != kOk && rc != kUnavailable)
      problems += l.name + " background sync exit " + std::to_string(rc) + ": " + l.sync->err().substr(0, 300) + "\n";
    l.sync.reset();
  };

  const double t0 = MonoNow();
  int actions = 0;
  while (MonoNow() - t0 < kDriveS) {
    for (auto& l : laptops) reap(l, false);
    int what = static_cast<int>(rng() % 100);
    Laptop& l = laptops[rng() % laptops.size()];
    if (what < 62) {
      node_write(l);
    } else if (what < 77) {
      hub_write();
    } else if (!l.sync) {
      ++l.sync_runs;
      std::string tag = l.name + "-" + std::to_string(l.sync_runs);
      l.sync = std::make_unique<AsyncProc>(l.node->Argv({"--json", "sync", "--timeout", "5"}),
                                           BaseEnv(l.node->Home()), l.node->File("sync-" + tag + ".out"),
                                           l.node->File("sync-" + tag + ".err"));
    }
    ++actions;
    std::this_thread::sleep_for(std::chrono::milliseconds(20 + rng() % 80));
  }
  for (auto& l : laptops) reap(l, true);
  {
    std::ostringstream o;
    o << "drive: " << actions << " actions in " << MonoNow() - t0 << " s; " << created.size() << " records created\n";
    for (const auto& [w, c] : writes_ok) o << "  ok     " << w << ": " << c << "\n";
    for (const auto& [w, c] : writes_failed) o << "  failed " << w << ": " << c << "\n";
    for (const auto& l : laptops) {
      o << "  " << l.name << ": " << l.sync_runs << " background syncs, exit codes";
      for (const auto& [rc, c] : l.sync_rc) o << " " << rc << "x" << c;
      o << "; link: " << l.link->Stat("connections") << " connections, " << l.link->Stat("cuts") << " cuts, "
        << l.link->Stat("outages") << " outages, " << l.link->Stat("dropped") << " dropped, "
        << l.link->Stat("refused") << " refused\n";
    }
    MESSAGE(o.str());
  }
  CHECK_MESSAGE(problems.empty(), "unexpected exit codes during the soak:\n" << problems);
  CHECK(created.size() > 20);

  // --- heal: the same ports, no faults; sync until a whole round is quiet ----------------
  for (auto& l : laptops) l.link->Restart({"--rate-up", "128", "--rate-down", "128", "--latency", "150", "--shared"});
  std::map<std::string, Json> last_summary;
  bool quiet = false;
  std::string heal_log;
  for (int round = 1; round <= kMaxHealRounds && !quiet; ++round) {
    quiet = true;
    for (auto& l : laptops) {
      ProcessResult r;
      for (int a = 0; a < 4; ++a) {
        r = l.node->Cli({"--json", "sync", "--timeout", "20"}, 120);
        if (r.exit_code == kOk) break;
      }
      heal_log += "round " + std::to_string(round) + " " + l.name + ": exit " + std::to_string(r.exit_code) + " " +
                  (r.exit_code == kOk ? r.out.substr(0, r.out.find('\n')) : r.err.substr(0, 300)) + "\n";
      if (r.exit_code != kOk) {
        quiet = false;
        continue;
      }
      Json s = ParseJson(r.out);
      last_summary[l.name] = s;
      for (const char* k : {"sent", "received", "docs_sent", "docs_received", "docs_pending", "refused"})
        if (s[k].num() != 0) quiet = false;
      if (!s["verified"].truthy()) quiet = false;
    }
  }
  MESSAGE("heal:\n" << heal_log);
  REQUIRE_MESSAGE(quiet, "the laptops did not reach a quiet round within " << kMaxHealRounds << " rounds");

  // --- every laptop verified, nothing pending ----------------------------------------------
  for (auto& l : laptops) {
    INFO(l.name);
    const Json& s = last_summary[l.name];
    CHECK(s["verified"].truthy());
    CHECK(s["docs_pending"].num() == 0);
    Json outbox = l.node->Ok({"outbox"});  // pending or refused; acknowledged rows stay (PROTOCOL.md §22)
    CHECK_MESSAGE(outbox.size() == 0, "outbox not empty (refused changes?): " << l.node->last());
  }

  // --- full convergence, village by village -------------------------------------------------
  const std::vector<std::string> tables = {"households", "persons", "applications", "complaints",
                                           "attachments", "events", "conflicts"};
  std::map<std::string, std::vector<Laptop*>> villages;
  for (auto& l : laptops) villages[l.node->village()].push_back(&l);
  for (const auto& [village, members] : villages) {
    INFO("village " << village);
    // Hub side, once.
    std::map<std::string, std::vector<SqlRow>> hub_rows, hub_versions;
    std::map<std::string, std::string> cols;  // table -> common column list
    for (const auto& t : tables) {
      std::vector<std::string> hub_cols = Columns(hub.db(), t), node_cols = Columns(members[0]->node->db(), t);
      std::string list;
      for (const auto& c : node_cols)
        if (std::find(hub_cols.begin(), hub_cols.end(), c) != hub_cols.end()) list += (list.empty() ? "" : ",") + c;
      REQUIRE(!list.empty());
      cols[t] = list;
      hub_rows[t] = SqlRows(hub.db(), "SELECT " + list + " FROM " + t + " WHERE village=? ORDER BY id", {village});
      hub_versions[t] = SqlRows(hub.db(),
                                "SELECT fv.tbl,fv.row_id,fv.field,fv.version FROM field_versions fv JOIN " + t +
                                    " r ON r.id=fv.row_id WHERE fv.tbl=? AND r.village=? ORDER BY 1,2,3",
                                {t, village});
    }
    CHECK(!hub_rows["applications"].empty());
    std::map<std::string, std::string> hub_apps;
    for (const auto& a : hub.Ok({"application", "list", "--village", village}).a)
      hub_apps[a["id"].str()] = a["type"].scalar() + "|" + a["status"].scalar() + "|" + a["applicant_name"].scalar();
    Json hub_conflicts = hub.Ok({"conflicts", "--village", village, "--all"});

    for (Laptop* l : members) {
      Node& n = *l->node;
      INFO("laptop " << l->name);
      for (const auto& t : tables) {
        INFO("table " << t);
        auto rows = SqlRows(n.db(), "SELECT " + cols[t] + " FROM " + t + " WHERE village=? ORDER BY id", {village});
        CHECK(rows.size() == hub_rows[t].size());
        CHECK_MESSAGE(rows == hub_rows[t], "columns " << cols[t] << "\n" << RowDiff(rows, hub_rows[t]));
        auto versions = SqlRows(n.db(),
                                "SELECT fv.tbl,fv.row_id,fv.field,fv.version FROM field_versions fv JOIN " + t +
                                    " r ON r.id=fv.row_id WHERE fv.tbl=? AND r.village=? ORDER BY 1,2,3",
                                {t, village});
        CHECK_MESSAGE(versions == hub_versions[t], RowDiff(versions, hub_versions[t]));
        // Nothing of another village.
        CHECK(n.Count("SELECT count(*) FROM " + t + " WHERE village!=?", {village}) == 0);
      }
      // What the operators see: the application list and the conflicts.
      std::map<std::string, std::string> apps;
      for (const auto& a : n.Ok({"application", "list"}).a)
        apps[a["id"].str()] = a["type"].scalar() + "|" + a["status"].scalar() + "|" + a["applicant_name"].scalar();
      CHECK(apps == hub_apps);
      Json conflicts = n.Ok({"conflicts", "--all"});
      std::map<std::string, std::string> mine, theirs;
      for (const auto& c : conflicts.a) {
        std::string fields;
        for (const auto& [k, v] : c.o) fields += k + "=" + v.scalar() + " ";
        mine[c["id"].str()] = fields;
        std::string hub_fields;
        for (const auto& h : hub_conflicts.a)
          if (h["id"].str() == c["id"].str())
            for (const auto& [k, v] : c.o) hub_fields += k + "=" + h[k].scalar() + " ";
        theirs[c["id"].str()] = hub_fields;
      }
      std::ostringstream listing;
      for (const auto& [id, fields] : mine)
        if (fields != theirs[id]) listing << "on the laptop: " << fields << "\n   at the hub: " << theirs[id] << "\n";
      for (const auto& h : hub_conflicts.a)
        if (!mine.count(h["id"].str())) listing << "only at the hub: " << h["id"].str() << "\n";
      CHECK_MESSAGE(conflicts.size() == hub_conflicts.size(), listing.str());
      CHECK_MESSAGE(mine == theirs, listing.str());
      // The households list is the same on both laptops of a village.
      if (l != members[0]) CHECK(n.Ok({"household", "list"}).size() == members[0]->node->Ok({"household", "list"}).size());
      // Every document of the village is on the laptop, under its hash.
      BlobListing blobs = ListBlobs(n.dir() + "/blobs");
      for (const auto& [name, hash] : blobs.files) CHECK(name == hash);
      for (const auto& r : SqlRows(n.db(), "SELECT DISTINCT sha256 FROM attachments WHERE village=? AND deleted=0",
                                   {village}))
        CHECK_MESSAGE(blobs.files.count(Val(r[0])) == 1, "document " << Val(r[0]) << " missing on " << l->name);
      CHECK(blobs.partial.empty());
    }
  }

  // --- zero loss: every record the driver created is at the hub and on its laptops -----------
  size_t lost_at_hub = 0, lost_on_laptop = 0;
  std::string lost;
  for (const auto& c : created) {
    if (hub.Count("SELECT count(*) FROM " + c.table + " WHERE id=? AND village=?", {c.id, c.village}) != 1) {
      ++lost_at_hub;
      lost += "hub lacks " + c.table + " " + c.id + "\n";
    }
    for (auto& l : laptops)
      if (l.node->village() == c.village &&
          l.node->Count("SELECT count(*) FROM " + c.table + " WHERE id=?", {c.id}) != 1) {
        ++lost_on_laptop;
        lost += l.name + " lacks " + c.table + " " + c.id + "\n";
      }
  }
  CHECK_MESSAGE(lost_at_hub == 0, lost);
  CHECK_MESSAGE(lost_on_laptop == 0, lost);

  // --- the hub's documents: verified, one file per hash -----------------------------------------
  BlobListing hub_blobs = ListBlobs(hub.dir() + "/blobs");
  for (const auto& [name, hash] : hub_blobs.files) CHECK(name == hash);
  for (const auto& r : SqlRows(hub.db(), "SELECT DISTINCT sha256 FROM attachments WHERE deleted=0", {}))
    CHECK_MESSAGE(hub_blobs.files.count(Val(r[0])) == 1, "document " << Val(r[0]) << " missing at the hub");
  CHECK(hub_blobs.partial.empty());
  MESSAGE("converged: " << hub.Count("SELECT count(*) FROM applications") << " applications, "
                        << hub.Count("SELECT count(*) FROM attachments") << " attachments, "
                        << hub.Count("SELECT count(*) FROM conflicts") << " conflicts, " << hub_blobs.files.size()
                        << " documents at the hub");
}

}  // namespace
}  // namespace simpul::testing
