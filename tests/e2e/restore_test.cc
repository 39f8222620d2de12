// Backup and restore of the hub through the real binaries (issue 10, item
// 2): `simpul-hub backup` while the hub serves, more work (decisions,
// letters, village edits) synced after it, the hub stopped and restored,
// and then every village converges with the hub (digests verified, nothing
// refused), no decision is lost, no letter number is held by two
// applications, and letters after the restore get fresh numbers. The same
// on a new machine (the restore could not keep the number reservations):
// letters wait until every village has given back what it holds.
#include "tests/support/cluster.h"

namespace simpul::testing {
namespace {

constexpr const char* kBackupPass = "cadangan-dinsos-2025";

ProcessResult HubCmd(Hub& hub, const std::string& data, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {BinPath("simpul-hub"), "--data", data};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<std::string> env = BaseEnv(fs::path(hub.dir()).parent_path().string());
  env.push_back(std::string("SIMPUL_BACKUP_PASSPHRASE=") + kBackupPass);
  return Run(argv, env, 120);
}

// A household, an applicant with a NIK, and her submitted application.
// A submitted application with its documents and the village's field check
// (cluster.h): the hub can pass its stages and approve it.
std::string SubmittedApplication(Node& n, int k, const std::string& name, std::string* applicant = nullptr) {
  Applicant x = n.SubmittedApplicant(k, name);
  n.VillageStages(x.application);
  if (applicant) *applicant = x.person;
  return x.application;
}

// The number `application letter` printed ("Letter issued, number X").
std::string IssueLetter(Hub& hub, const std::string& app) {
  ProcessResult r = hub.Cli({"application", "letter", app});
  INFO(hub.last());
  REQUIRE(r.exit_code == kOk);
  const std::string marker = "number ";
  size_t p = r.out.rfind(marker);
  REQUIRE(p != std::string::npos);
  std::string number = r.out.substr(p + marker.size());
  number.erase(number.find_last_not_of(" \n") + 1);
  REQUIRE(!number.empty());
  return number;
}

std::string Letter(Hub& hub, const std::string& app) {
  hub.Approve(app);
  return IssueLetter(hub, app);
}

std::string Status(Hub& hub, const std::string& app) { return hub.Ok({"application", "show", app})["status"].str(); }

// Syncs until the village is verified equal with the hub; every run must
// be refused nothing.
// A village that learns of a restore records it in its audit chain; the
// chain's signed head (PROTOCOL.md §20) goes with the sync after that, so
// a village is quiet one sync after it is verified.
void Converge(Node& n) {
  bool quiet = false;
  for (int round = 0; round < 5 && !quiet; ++round) {
    Json s = n.Ok({"sync"});
    INFO(n.last());
    CHECK(s["refused"].num() == 0);
    quiet = s["verified"].truthy() && s["sent"].num() == 0;
  }
  CHECK_MESSAGE(quiet, n.last());
  // And it stays so: nothing is pushed again, nothing refused.
  Json again = n.Ok({"sync"});
  CHECK(again["verified"].truthy());
  CHECK(again["refused"].num() == 0);
  CHECK(again["sent"].num() == 0);
  CHECK(n.Count("SELECT count(*) FROM outbox WHERE state='refused'") == 0);
}

int64_t SharedLetterNumbers(int64_t (*count)(const std::string&, void*), void* who) {
  return count("SELECT count(*) FROM (SELECT letter_number FROM applications WHERE letter_number IS NOT NULL"
               " GROUP BY letter_number HAVING count(*) > 1)", who);
}

struct Fleet {
  Hub hub;
  Node a{kSarongan}, b{kPesanggaran};
  std::string a1, a2, a3, b1, b2, person_a1;
  std::string letter_a1, letter_a2, letter_b1;
  std::string backup;

  // Work, a backup while serving, and more work after it, all synced.
  void WorkBackupWork(const std::string& backup_dir) {
    backup = backup_dir;
    hub.Start();
    a.Enrol(hub, hub.url());
    b.Enrol(hub, hub.url());
    a1 = SubmittedApplication(a, 1, "Siti Aminah", &person_a1);
    a2 = SubmittedApplication(a, 2, "Sri Wahyuni");
    b1 = SubmittedApplication(b, 3, "Dewi Lestari");
    b2 = SubmittedApplication(b, 4, "Nur Hayati");
    a.Do({"sync"});
    b.Do({"sync"});
    letter_a1 = Letter(hub, a1);
    a.Do({"sync"});

    ProcessResult made = HubCmd(hub, hub.dir(), {"--json", "backup", backup});
    INFO(made.out << made.err);
    REQUIRE(made.exit_code == kOk);
    ProcessResult verified = HubCmd(hub, hub.dir(), {"--json", "backup", "--verify", backup});
    INFO(verified.out << verified.err);
    REQUIRE(verified.exit_code == kOk);

    // After the backup: decisions and letters at the hub, edits in the villages.
    letter_a2 = Letter(hub, a2);
    letter_b1 = Letter(hub, b1);
    hub.Do({"application", "return", b2, "--reason", "Lampirkan KK terbaru"});
    a.Do({"complaint", "new", "--category", "health", "--description", "Butuh rujukan ke RSUD", "--person", person_a1,
          "--urgency", "high"});
    a3 = SubmittedApplication(a, 5, "Rina Marlina");
    b.Do({"household", "add", "--address", "Dusun Kidul"});
    CHECK(a.Ok({"sync"})["refused"].num() == 0);
    CHECK(b.Ok({"sync"})["refused"].num() == 0);
    CHECK(letter_a2 != letter_a1);
    CHECK(letter_b1 != letter_a2);
  }
};

int64_t HubCount(const std::string& sql, void* who) { return static_cast<Hub*>(who)->Count(sql); }
int64_t NodeCount(const std::string& sql, void* who) { return static_cast<Node*>(who)->Count(sql); }

// What the restored hub must hold again once the villages have synced.
void CheckNothingLost(Fleet& f, const std::string& a3_status = "in_review") {
  CHECK(Status(f.hub, f.a1) == "letter_issued");
  CHECK(Status(f.hub, f.a2) == "letter_issued");
  CHECK(Status(f.hub, f.b1) == "letter_issued");
  CHECK(Status(f.hub, f.b2) == "returned");
  CHECK(Status(f.hub, f.a3) == a3_status);
  CHECK(f.hub.Count("SELECT count(*) FROM applications WHERE id=? AND letter_number=?", {f.a2, f.letter_a2}) == 1);
  CHECK(f.hub.Count("SELECT count(*) FROM applications WHERE id=? AND letter_number=?", {f.b1, f.letter_b1}) == 1);
  CHECK(f.hub.Count("SELECT count(*) FROM complaints WHERE description='Butuh rujukan ke RSUD'") == 1);
  CHECK(f.hub.Count("SELECT count(*) FROM households WHERE address='Dusun Kidul'") == 1);
  CHECK(SharedLetterNumbers(HubCount, &f.hub) == 0);
  CHECK(SharedLetterNumbers(NodeCount, &f.a) == 0);
  CHECK(SharedLetterNumbers(NodeCount, &f.b) == 0);
}

TEST_CASE("restore: backup, keep working, restore; every village converges, nothing lost, no number reused") {
  Fleet f;
  TempDir tmp;
  f.WorkBackupWork(tmp.File("backup-1"));

  // The restore is refused while the hub serves.
  ProcessResult busy = HubCmd(f.hub, f.hub.dir(), {"restore", f.backup});
  CHECK(busy.exit_code == 2);
  LH_CHECK_HAS(busy.err, "running");

  int port = f.hub.port();
  f.hub.Stop();
  ProcessResult restored = HubCmd(f.hub, f.hub.dir(), {"--json", "restore", f.backup});
  INFO(restored.out << restored.err);
  REQUIRE(restored.exit_code == kOk);
  Json r = ParseJson(restored.out);
  CHECK(r["numbers_proven"].truthy());
  CHECK(!r["epoch"].str().empty());
  f.hub.Start(port);
  // The restored hub lost what came after the backup.
  CHECK(Status(f.hub, f.a2) == "in_review");  // the village's field check is in the backup
  CHECK(f.hub.Count("SELECT count(*) FROM applications WHERE id=?", {f.a3}) == 0);

  {
    Json first = f.a.Ok({"sync"});
    CHECK(first["hub_restored"].truthy());
    CHECK(first["refused"].num() == 0);
  }
  Converge(f.a);
  Converge(f.b);
  CheckNothingLost(f);

  // New letters after the restore: numbers no application holds.
  f.b.Do({"application", "edit", f.b2, "--purpose", "Berobat jalan"});
  f.b.Do({"application", "submit", f.b2});
  Converge(f.b);
  std::string fresh = Letter(f.hub, f.b2), fresh2 = Letter(f.hub, f.a3);
  for (const auto& old : {f.letter_a1, f.letter_a2, f.letter_b1}) {
    CHECK(fresh != old);
    CHECK(fresh2 != old);
  }
  CHECK(fresh != fresh2);
  Converge(f.a);
  Converge(f.b);
  CHECK(SharedLetterNumbers(HubCount, &f.hub) == 0);
  CHECK(SharedLetterNumbers(NodeCount, &f.a) == 0);
  CHECK(SharedLetterNumbers(NodeCount, &f.b) == 0);
  CHECK(f.hub.Count("SELECT count(*) FROM hub_audit WHERE action='restored'") == 1);
}

TEST_CASE("restore: on a new machine, letters wait until every village has given back what it holds") {
  Fleet f;
  TempDir tmp;
  f.WorkBackupWork(tmp.File("backup-1"));
  int port = f.hub.port();
  f.hub.Stop();
  // The old disk is gone: restore into an empty directory, serve from it.
  std::string fresh_dir = tmp.File("new-machine");
  ProcessResult restored = HubCmd(f.hub, fresh_dir, {"--json", "restore", f.backup});
  INFO(restored.out << restored.err);
  REQUIRE(restored.exit_code == kOk);
  CHECK(!ParseJson(restored.out)["numbers_proven"].truthy());
  fs::remove_all(f.hub.dir());
  fs::rename(fresh_dir, f.hub.dir());
  f.hub.Start(port);

  Converge(f.a);
  // Village B has not synced yet: the hub cannot know its letter numbers.
  f.hub.Approve(f.a3);
  ProcessResult waiting = f.hub.Cli({"application", "letter", f.a3});
  CHECK(waiting.exit_code == 2);
  LH_CHECK_HAS(waiting.err, kPesanggaran);
  Converge(f.b);
  Converge(f.a);  // tells the hub it has caught up (its next request)
  CheckNothingLost(f, "approved");
  std::string number = IssueLetter(f.hub, f.a3);
  for (const auto& old : {f.letter_a1, f.letter_a2, f.letter_b1}) CHECK(number != old);
  Converge(f.a);
  CHECK(SharedLetterNumbers(HubCount, &f.hub) == 0);
}

// Village A has lost its link since the backup: it syncs by bundle only
// (PROTOCOL.md §14, §22). Its bundles speak the hub's protocol, so the reply
// to its first one names the restored hub's epoch, and the next carries
// what the hub lost: its own changes acknowledged after the backup, and the
// hub's decisions it holds (handed back, signed).
TEST_CASE("restore: a village that syncs only by bundle gives back what the hub lost, by bundle") {
  Fleet f;
  TempDir tmp;
  f.WorkBackupWork(tmp.File("backup-1"));
  int port = f.hub.port();
  f.hub.Stop();
  ProcessResult restored = HubCmd(f.hub, f.hub.dir(), {"--json", "restore", f.backup});
  INFO(restored.out << restored.err);
  REQUIRE(restored.exit_code == kOk);

  bool told = false, verified = false;
  int64_t handed_back = 0;
  for (int round = 0; round < 6 && !verified; ++round) {
    const std::string tag = "bundle-" + std::to_string(round);
    const std::string bundle = f.a.File(tag + ".smpl"), reply = f.hub.File(tag + "-balasan.smpl");
    f.a.Export(bundle);
    f.hub.Import(bundle, reply);
    Json s = f.a.Import(reply);
    INFO(f.a.last());
    CHECK(s["refused"].num() == 0);
    told = told || s["hub_restored"].truthy();
    handed_back += s["handed_back"].num();
    verified = s["verified"].truthy();
  }
  CHECK(told);
  CHECK(handed_back > 0);  // the letter of a2, issued after the backup
  CHECK_MESSAGE(verified, f.a.last());
  CHECK(f.a.Count("SELECT count(*) FROM outbox WHERE state='refused'") == 0);
  f.hub.Start(port);
  Converge(f.b);
  CheckNothingLost(f);
}

}  // namespace
}  // namespace simpul::testing
