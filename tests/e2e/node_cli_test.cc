// End-to-end tests of the village operator CLI: every test runs the real
// simpul-node binary (BinPath) against a fresh data directory, the way an
// operator or a script would, and checks exit codes (node/cli/cli.h), messages,
// JSON output and that refused commands write nothing.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "schema/db.h"
#include "tests/support/json.h"
#include "tests/support/process.h"
#include "tests/support/store_db.h"
#include "tests/support/temp_dir.h"
#include "tests/support/check_text.h"
#include "tests/support/cluster.h"

namespace simpul::testing {
namespace {

namespace fs = std::filesystem;

// Exit codes as documented in node/cli/cli.h.
constexpr int kBadInput = 2;
constexpr int kStore = 3;
constexpr int kIo = 5;

// A woman born 1987-08-15 in 35.10.01 (day + 40 = 55), and her family card.
const std::string kNik = "3510015508870002";
const std::string kNikMasked = "3510xxxxxxxx0002";
const std::string kKk = "3510011203150004";
const std::string kVillage = "35.10.01.2001";



// --- a small CSV reader (RFC 4180: quotes, CRLF) -----------------------------

std::vector<std::vector<std::string>> ParseCsv(const std::string& t) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false, any = false;
  for (size_t i = 0; i < t.size(); ++i) {
    char c = t[i];
    any = true;
    if (quoted) {
      if (c == '"' && i + 1 < t.size() && t[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      row.push_back(field);
      field.clear();
    } else if (c == '\r' && i + 1 < t.size() && t[i + 1] == '\n') {
      row.push_back(field);
      field.clear();
      rows.push_back(row);
      row.clear();
      any = false;
      ++i;
    } else {
      field += c;
    }
  }
  if (any) {
    row.push_back(field);
    rows.push_back(row);
  }
  return rows;
}

// --- the operator's side -------------------------------------------------------


// One village office: a data directory and the binary.
// A village laptop whose store the test makes itself (`Init`, or the
// `init` command it checks), or never (the help needs none).
struct Village : Node {
  Village() : Node(Node::Uninitialised{}, kVillage) {}
};

// A village with one household (with KK), one woman with a NIK and a draft
// poverty-statement application she applies for.
Applicant SetUpApplicant(Village& v) {
  v.Init();
  Applicant a;
  a.household = v.Id({"household", "add", "--address", "Dusun Krajan", "--kk", kKk, "--rt", "2", "--rw", "3"});
  a.person = v.Id({"person", "add", "--household", a.household, "--name", "Siti Aminah", "--nik", kNik,
                   "--birth-date", "1987-08-15", "--sex", "P"});
  a.application = v.Id({"application", "new", "--type", "poverty_statement", "--applicant", a.person,
                        "--purpose", "Berobat ke RSUD Blambangan"});
  return a;
}

// Every regular file under `dir` (names relative), e.g. the blob store.
std::set<std::string> FilesUnder(const std::string& dir) {
  std::set<std::string> out;
  std::error_code ec;
  if (!fs::exists(dir, ec)) return out;
  for (const auto& e : fs::recursive_directory_iterator(dir, ec))
    if (e.is_regular_file()) out.insert(fs::relative(e.path(), dir).string());
  return out;
}

int64_t SqlCount(const std::string& db_path, const std::string& sql) {
  auto db = testing::OpenStoreDb(db_path, schema::Db::Mode::kReadOnly);
  REQUIRE(db.ok());
  auto st = db->Prepare(sql);
  REQUIRE(st.ok());
  auto row = st->Step();
  REQUIRE(row.ok());
  REQUIRE(*row);
  return st->Int(0);
}

// ============================================================================
// 1. The demo flow
// ============================================================================

TEST_CASE("demo flow: register, score, attach, submit; outbox holds every change with NIK masked") {
  Village v;
  ProcessResult r = v.Cli({"init", "--village", kVillage});
  INFO(v.last());
  REQUIRE(r.exit_code == kOk);
  CHECK_HAS(r.out, "Sarongan");
  CHECK_HAS(r.out, kVillage);
  CHECK(r.err.empty());
  // The store holds personal data: owner only.
  struct stat sb {};
  REQUIRE(::stat(v.dir().c_str(), &sb) == 0);
  CHECK((sb.st_mode & 077) == 0);

  std::string hh = v.Id({"household", "add", "--address", "Dusun Krajan", "--kk", kKk, "--rt", "2"});

  // A woman: NIK day + 40, matching birth date and sex -> no warning.
  r = v.Cli({"person", "add", "--household", hh, "--name", "Siti Aminah", "--nik", kNik,
             "--birth-date", "1987-08-15", "--sex", "P", "--phone", "0812-3456-7890"});
  {
    INFO(v.last());
    REQUIRE(r.exit_code == kOk);
    CHECK_HAS(r.out, "Person recorded: ");
    CHECK_HAS_NOT(r.err, "Warning");
  }
  Json persons = v.Ok({"person", "list"});
  REQUIRE(persons.size() == 1);
  std::string person = persons[0]["id"].str();
  CHECK(persons[0]["nik"].str() == kNik);
  CHECK(persons[0]["sex"].str() == "P");
  CHECK(persons[0]["birth_date"].str() == "1987-08-15");
  CHECK(persons[0]["phone"].str() == "+6281234567890");

  std::string app = v.Id({"application", "new", "--type", "poverty_statement", "--applicant", person,
                          "--purpose", "Berobat ke RSUD Blambangan"});
  CHECK(v.Ok({"application", "show", app})["status"].str() == "draft");
  size_t before = v.OutboxSize();

  // Submitting before the indicators are answered is refused and says why.
  r = v.Cli({"application", "submit", app});
  {
    INFO(v.last());
    CHECK(r.exit_code == kBadInput);
    CHECK_HAS(r.err, "incomplete");
    CHECK_HAS(r.err, "indicators");
    CHECK(r.out.empty());
  }
  CHECK(v.OutboxSize() == before);
  CHECK(v.Ok({"application", "show", app})["status"].str() == "draft");

  // Answering shows the (advisory) score.
  r = v.Cli({"application", "answer", app, "no_shelter=tidak", "head_not_working=ya", "food_insecure=ya",
             "earth_floor=ya"});
  {
    INFO(v.last());
    REQUIRE(r.exit_code == kOk);
    CHECK_HAS(r.out, "Poverty score: ");
    CHECK_HAS(r.out, "4/");
    CHECK_HAS(r.out, "indicators answered");
    CHECK_HAS(r.out, "Service threshold >= 2: met");  // the rule Dinsos will hold it to
  }
  Json shown = v.Ok({"application", "show", app});
  CHECK(shown["indicator_set"].str() == "kepmensos-262");
  CHECK(shown["score"].k == Json::K::kNum);
  CHECK(!shown["score_band"].str().empty());

  // Attach a document: it is copied into the content-addressed blob store.
  std::string doc = v.File("ktp-siti.pdf");
  std::string doc_bytes = "%PDF-1.4\nKTP Siti Aminah\n%%EOF\n";
  WriteFile(doc, doc_bytes);
  Json att = v.Ok({"application", "attach", app, "--kind", "ktp", "--file", doc});
  std::string sha = att["sha256"].str();
  REQUIRE(sha.size() == 64);
  CHECK(att["size"].n == static_cast<double>(doc_bytes.size()));
  CHECK(testing::NodeDocuments(v.dir())[sha] == doc_bytes);

  // The service rule requires the KK too: refused, naming it, nothing written.
  before = v.OutboxSize();
  r = v.Cli({"application", "submit", app});
  {
    INFO(v.last());
    CHECK(r.exit_code == kBadInput);
    CHECK_HAS(r.err, "required documents not attached: kk.");
    CHECK(r.err.find("ktp") == std::string::npos);
  }
  CHECK(v.OutboxSize() == before);
  CHECK(v.Ok({"application", "show", app})["missing_documents"].size() == 1);
  std::string kk_doc = v.File("kk-siti.pdf");
  WriteFile(kk_doc, "%PDF-1.4\nKK Siti Aminah\n%%EOF\n");
  v.Ok({"application", "attach", app, "--kind", "kk", "--file", kk_doc});
  CHECK(v.Ok({"application", "show", app})["missing_documents"].size() == 0);

  r = v.Cli({"application", "submit", app});
  {
    INFO(v.last());
    REQUIRE(r.exit_code == kOk);
    CHECK_HAS(r.out, app);
  }

  shown = v.Ok({"application", "show", app});
  CHECK(shown["status"].str() == "submitted");
  CHECK(shown["applicant_name"].str() == "Siti Aminah");
  REQUIRE(shown["attachments"].size() == 2);
  bool ktp_seen = false;
  for (const auto& att : shown["attachments"].a) {
    CHECK(att["state"].str() == "present");
    if (att["kind"].str() != "ktp") continue;
    ktp_seen = true;
    CHECK(att["sha256"].str() == sha);
    CHECK(att["filename"].str() == "ktp-siti.pdf");
  }
  CHECK(ktp_seen);
  REQUIRE(shown["events"].size() == 1);
  CHECK(shown["events"][0]["kind"].str() == "submitted");
  CHECK(shown["events"][0]["actor_role"].str() == "village");

  // SIMPUL_DATA is honoured when --data is not given.
  {
    ProcessResult st = Run({BinPath("simpul-node"), "--json", "status"},
                           {"LANG=C", "LC_ALL=", "SIMPUL_DATA=" + v.dir()}, 30);
    INFO(st.err);
    REQUIRE(st.exit_code == kOk);
    Json s = ParseJson(st.out);
    CHECK(s["households"].n == 1);
    CHECK(s["persons"].n == 1);
    CHECK(s["applications"].n == 1);
    // household, person, application, answers, two documents, submitted, the rules version submitted under
    CHECK(s["outbox_pending"].n == 8);
  }

  // The outbox: one change per write, new rows with base null, nothing acked.
  Json outbox = v.Outbox();
  std::set<std::string> tables, seen_rows, change_ids;
  std::vector<std::string> non_null_bases;
  for (const auto& c : outbox.a) {
    tables.insert(c["table"].str());
    CHECK(c["state"].str() == "pending");
    change_ids.insert(c["change_id"].str());
    bool new_row = seen_rows.insert(c["table"].str() + "/" + c["row_id"].str()).second;
    CHECK(c["fields"].size() > 0);
    if (new_row)
      for (const auto& [field, fv] : c["fields"].o) {
        CHECK_MESSAGE(!fv["value"].missing(), field);
        if (!fv["base"].is_null())
          non_null_bases.push_back(c["table"].str() + "." + field + " base=" +
                                   (fv["base"].missing() ? "<missing>" : "\"" + fv["base"].str() + "\""));
      }
  }
  CHECK(change_ids.size() == outbox.size());
  for (const char* t : {"households", "persons", "applications", "attachments", "events"})
    CHECK_MESSAGE(tables.count(t) == 1, "no outbox change for " << t);
  std::string joined;
  for (const auto& s : non_null_bases) joined += "  " + s + "\n";
  CHECK_MESSAGE(non_null_bases.empty(),
                "outbox --json: fields of newly created rows must have \"base\": null, got:\n" << joined);
  // household, person, application, answers, two attachments (KK, KTP), submitted event, rules_version
  CHECK(outbox.size() == 8);

  // Personal identifiers are masked in the outbox, as JSON and as text.
  for (const auto& c : outbox.a) {
    if (c["table"].str() == "persons") CHECK(c["fields"]["nik"]["value"].str() == kNikMasked);
    if (c["table"].str() == "households") CHECK(c["fields"]["no_kk"]["value"].str() == "3510xxxxxxxx0004");
  }
  r = v.Cli({"--json", "outbox"});
  CHECK_HAS_NOT(r.out, kNik);
  CHECK_HAS_NOT(r.out, kKk);
  r = v.Cli({"outbox"});
  CHECK(r.exit_code == kOk);
  CHECK_HAS(r.out, kNikMasked);
  CHECK_HAS(r.out, "8 change(s)");
  CHECK_HAS_NOT(r.out, kNik);
  CHECK_HAS_NOT(r.out, kKk);
}

// ============================================================================
// 2. Bad input
// ============================================================================

struct BadCase {
  std::vector<std::string> args;
  int code;
  std::vector<std::string> says;  // each must appear on stderr
};

TEST_CASE("bad input is refused with a clear message, the documented exit code, and nothing written") {
  Village v;
  Applicant a = SetUpApplicant(v);
  std::string doc = v.File("kk.pdf");
  WriteFile(doc, "%PDF-1.4 kk\n");
  std::string missing_file = v.File("no-such-scan.pdf");
  std::string a_dir = v.File("scans");
  fs::create_directories(a_dir);
  const std::string nope = "01a20000-0000-7000-8000-000000000000";

  const std::vector<BadCase> cases = {
      // Identity numbers.
      {{"person", "add", "--household", a.household, "--name", "Budi", "--nik", "351001120387000"}, kBadInput,
       {"NIK", "16", "15"}},
      {{"person", "add", "--household", a.household, "--name", "Budi", "--nik", "3510013102870002"}, kBadInput,
       {"NIK", "310287"}},  // 31 February
      {{"person", "add", "--household", a.household, "--name", "Sri", "--nik", "3510017102870002"}, kBadInput,
       {"NIK", "710287"}},  // 31 February, woman
      {{"household", "add", "--address", "Dusun Baru", "--kk", "351001120315000"}, kBadInput, {"KK", "16"}},
      {{"household", "add", "--address", "Dusun Baru", "--kk", "3510013202150004"}, kBadInput, {"KK", "320215"}},
      {{"person", "add", "--household", a.household, "--name", "Budi", "--phone", "12345"}, kBadInput,
       {"12345", "Phone number"}},
      {{"person", "add", "--household", a.household, "--name", "Budi", "--birth-date", "1987-02-30"}, kBadInput,
       {"1987-02-30"}},
      {{"person", "add", "--household", a.household, "--name", "Budi", "--sex", "X"}, kBadInput, {"sex", "X"}},
      // Missing and unknown options, unknown commands.
      {{"person", "add", "--household", a.household}, kBadInput, {"--name", "required"}},
      {{"household", "add", "--kk", kKk}, kBadInput, {"--address", "required"}},
      {{"application", "new", "--applicant", a.person}, kBadInput, {"--type", "required"}},
      {{"application", "withdraw", a.application}, kBadInput, {"--reason"}},
      {{"person", "add", "--household", a.household, "--name", "Budi", "--bogus", "1"}, kBadInput, {"--bogus"}},
      {{"household", "add", "--address", "X", "--village", kVillage}, kBadInput, {"--village"}},
      {{"frobnicate"}, kBadInput, {"frobnicate"}},
      {{"--lang", "xx", "status"}, kBadInput, {"--lang", "xx"}},
      // Unknown ids.
      {{"person", "add", "--household", nope, "--name", "Budi"}, kBadInput, {nope}},
      {{"application", "new", "--type", "pbi_jkn", "--applicant", nope}, kBadInput, {nope}},
      {{"application", "show", nope}, kBadInput, {nope}},
      {{"application", "submit", nope}, kBadInput, {nope}},
      {{"application", "edit", nope, "--purpose", "x"}, kBadInput, {nope}},
      {{"application", "answer", nope, "no_shelter=ya"}, kBadInput, {nope}},
      {{"application", "attach", nope, "--kind", "ktp", "--file", doc}, kBadInput, {nope}},
      {{"application", "withdraw", nope, "--reason", "x"}, kBadInput, {nope}},
      {{"person", "show", nope}, kBadInput, {nope}},
      // Indicators.
      {{"application", "answer", a.application, "no_shelter=maybe"}, kBadInput, {"no_shelter", "maybe"}},
      {{"application", "answer", a.application, "bogus_item=ya"}, kBadInput, {"bogus_item"}},
      // Documents: a file that cannot be read is an I/O error (5).
      {{"application", "attach", a.application, "--kind", "ktp", "--file", missing_file}, kIo,
       {missing_file}},
      {{"application", "attach", a.application, "--kind", "ktp", "--file", a_dir}, kIo, {a_dir}},
      {{"application", "attach", a.application, "--kind", "ktp"}, kBadInput, {"--file"}},
      {{"application", "attach", a.application, "--kind", "passport", "--file", doc}, kBadInput,
       {"passport"}},
  };

  size_t baseline = v.OutboxSize();
  REQUIRE(baseline == 3);
  auto blobs_before = FilesUnder(v.dir() + "/blobs");
  for (const auto& c : cases) {
    ProcessResult r = v.Cli(c.args);
    INFO(v.last());
    CHECK(r.signal == 0);
    CHECK(r.exit_code == c.code);
    CHECK(r.out.empty());
    CHECK(!r.err.empty());
    for (const auto& s : c.says) CHECK_HAS(r.err, s);
    CHECK(v.OutboxSize() == baseline);
  }
  CHECK(FilesUnder(v.dir() + "/blobs") == blobs_before);
  CHECK(v.Ok({"person", "list"}).size() == 1);
  CHECK(v.Ok({"household", "list"}).size() == 1);
  Json app = v.Ok({"application", "show", a.application});
  CHECK(app["status"].str() == "draft");
  CHECK(app["indicator_answers"].is_null());
  CHECK(app["attachments"].size() == 0);
}

TEST_CASE("a birth date in the future is refused") {
  Village v;
  Applicant a = SetUpApplicant(v);
  size_t baseline = v.OutboxSize();
  ProcessResult r =
      v.Cli({"person", "add", "--household", a.household, "--name", "Bayi", "--birth-date", "2090-01-01"});
  INFO(v.last());
  CHECK(r.exit_code == kBadInput);
  CHECK_HAS(r.err, "future");
  CHECK(v.OutboxSize() == baseline);
}

TEST_CASE("a required option given as an empty value is refused") {
  Village v;
  v.Init();
  size_t baseline = v.OutboxSize();
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"household", "add", "--address", ""},
           {"complaint", "new", "--category", "health", "--description", ""},
           {"complaint", "new", "--category", "health", "--description", "   "}}) {
    ProcessResult r = v.Cli(args);
    INFO(v.last());
    CHECK(r.exit_code == kBadInput);
    CHECK(v.OutboxSize() == baseline);
  }
}

TEST_CASE("init refuses a bad village code and leaves no store behind") {
  struct C {
    std::string code, says;
  };
  for (const C& c : std::vector<C>{{"35.10.01.9999", "village code"},  // desa digit must be 1-3
                                   {"35.70.01.2001", "regency"},       // kabupaten 70 does not exist
                                   {"35.10.01", "not a village"},      // a kecamatan
                                   {"3510012001x", "PP.KK.CC.DDDD"},
                                   {"35.10.01.2099", "not in the Kemendagri list"}}) {
    Village v;
    ProcessResult r = v.Cli({"init", "--village", c.code});
    INFO(v.last());
    CHECK(r.exit_code == kBadInput);
    CHECK_HAS(r.err, c.code);
    CHECK_HAS(r.err, c.says);
    CHECK_MESSAGE(!fs::exists(v.dir() + "/simpul.db"), "init left " << v.dir() << "/simpul.db behind");
    // The operator can then init with the right code.
    ProcessResult ok = v.Cli({"init", "--village", kVillage});
    CHECK(ok.exit_code == kOk);
  }
  Village v;
  ProcessResult r = v.Cli({"init"});
  INFO(v.last());
  CHECK(r.exit_code == kBadInput);
  CHECK_HAS(r.err, "--village");
  CHECK(!fs::exists(v.dir()));

  // init twice: refused, the first store is kept.
  v.Init();
  std::string hh = v.Id({"household", "add", "--address", "Dusun Krajan"});
  r = v.Cli({"init", "--village", "35.10.01.2002"});
  CHECK(r.exit_code == kBadInput);
  CHECK_HAS(r.err, "already");
  CHECK(v.Ok({"household", "show", hh})["id"].str() == hh);
}

TEST_CASE("a data directory that is not usable: exit 3, files untouched") {
  SUBCASE("not initialised") {
    Village v;
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"status"}, {"person", "list"}, {"household", "add", "--address", "X"}, {"outbox"}}) {
      ProcessResult r = v.Cli(args);
      INFO(v.last());
      CHECK(r.exit_code == kStore);
      CHECK_HAS(r.err, "not initialised");
      CHECK_HAS(r.err, "init --village");
    }
    CHECK(!fs::exists(v.dir()));
    fs::create_directories(v.dir());
    ProcessResult r = v.Cli({"household", "add", "--address", "X"});
    CHECK(r.exit_code == kStore);
    CHECK(FilesUnder(v.dir()).empty());
  }

  SUBCASE("a database without a keyring (foreign, or from before encryption): refused, untouched") {
    Village v;
    fs::create_directories(v.dir());
    const std::string db = v.dir() + "/simpul.db";
    WriteFile(db, "SQLite format 3 but not ours");
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"status"}, {"household", "add", "--address", "X"}, {"init", "--village", kVillage}}) {
      ProcessResult r = v.Cli(args);
      INFO(v.last());
      CHECK(r.exit_code == kStore);
      CHECK_HAS(r.err, "not a Simpul store");
    }
    CHECK(ReadFile(db) == "SQLite format 3 but not ours");
    CHECK(!fs::exists(v.dir() + "/keyring"));
  }

  SUBCASE("garbage simpul.db beside its keyring (damaged: decryption fails)") {
    Village v;
    v.Init();
    for (const char* suffix : {"-wal", "-shm"}) fs::remove(v.dir() + "/simpul.db" + suffix);
    std::mt19937 rng(20250101);
    std::string garbage(8192, '\0');
    for (char& ch : garbage) ch = static_cast<char>(rng() & 0xFF);
    const std::string db = v.dir() + "/simpul.db";
    WriteFile(db, garbage);
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"status"},
             {"person", "list"},
             {"household", "add", "--address", "X"},
             {"outbox"},
             {"init", "--village", kVillage}}) {
      ProcessResult r = v.Cli(args);
      INFO(v.last());
      CHECK(r.signal == 0);
      CHECK(r.exit_code == kStore);
      CHECK_HAS(r.err, "damaged");
      CHECK(ReadFile(db) == garbage);
    }
    CHECK(!fs::exists(db + "-wal"));
    CHECK(!fs::exists(db + "-journal"));
  }

  SUBCASE("a store written by a newer Simpul") {
    Village v;
    Applicant a = SetUpApplicant(v);
    const std::string db = v.dir() + "/simpul.db";
    int64_t outbox_rows = SqlCount(db, "SELECT count(*) FROM outbox");
    REQUIRE(outbox_rows == 3);
    {
      auto d = testing::OpenStoreDb(db, schema::Db::Mode::kReadWrite);
      REQUIRE(d.ok());
      REQUIRE(d->Exec("PRAGMA user_version=99").ok());
    }
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"status"},
             {"person", "list"},
             {"household", "add", "--address", "X"},
             {"application", "submit", a.application},
             {"init", "--village", kVillage}}) {
      ProcessResult r = v.Cli(args);
      INFO(v.last());
      CHECK(r.exit_code == kStore);
      CHECK_HAS(r.err, "newer");
      CHECK_HAS(r.err, "99");
    }
    CHECK(SqlCount(db, "PRAGMA user_version") == 99);
    CHECK(SqlCount(db, "SELECT count(*) FROM outbox") == outbox_rows);
    CHECK(SqlCount(db, "SELECT count(*) FROM households") == 1);
    CHECK(SqlCount(db, "SELECT count(*) FROM events") == 0);
  }
}

// ============================================================================
// 3. Language
// ============================================================================

TEST_CASE("messages follow --lang, then LC_ALL / LC_MESSAGES / LANG") {
  Village v;
  v.Init();
  const std::vector<std::string> missing = {"household", "add", "--kk", kKk};
  const std::vector<std::string> unknown = {"application", "show", "no-such-id"};

  ProcessResult r = v.Cli({"--lang", "id", "household", "add", "--kk", kKk});
  CHECK(r.exit_code == kBadInput);
  CHECK_HAS(r.err, "Gagal: ");
  CHECK_HAS(r.err, "wajib");

  r = v.CliWith({"LANG=id_ID.UTF-8"}, missing);
  CHECK(r.exit_code == kBadInput);
  CHECK_HAS(r.err, "Gagal: ");
  CHECK_HAS(r.err, "wajib diisi");
  r = v.CliWith({"LANG=id_ID.UTF-8"}, unknown);
  CHECK(r.exit_code == kBadInput);
  CHECK_HAS(r.err, "tidak ditemukan");

  r = v.CliWith({"LANG=C"}, missing);
  CHECK(r.exit_code == kBadInput);
  CHECK_HAS(r.err, "Error: ");
  CHECK_HAS(r.err, "required");
  CHECK_HAS_NOT(r.err, "Gagal");
  CHECK_HAS_NOT(r.err, "wajib");

  r = v.CliWith({"LANG=id_ID.UTF-8"}, {"--lang", "en", "household", "add", "--kk", kKk});
  CHECK(r.exit_code == kBadInput);
  CHECK_HAS(r.err, "Error: ");
  CHECK_HAS(r.err, "required");
  CHECK_HAS_NOT(r.err, "wajib");

  // POSIX precedence: LC_ALL over LANG.
  r = v.CliWith({"LANG=C", "LC_ALL=id_ID.UTF-8"}, missing);
  CHECK_HAS(r.err, "wajib");
  r = v.CliWith({"LANG=id_ID.UTF-8", "LC_MESSAGES=en_US.UTF-8"}, missing);
  CHECK_HAS(r.err, "required");

  // Successes and help, too.
  r = v.CliWith({"LANG=id_ID.UTF-8"}, {"household", "add", "--address", "Dusun Krajan"});
  CHECK(r.exit_code == kOk);
  CHECK_HAS(r.out, "Keluarga dicatat");
  r = v.CliWith({"LANG=id_ID.UTF-8"}, {"--help"});
  CHECK(r.exit_code == kOk);
  CHECK_HAS(r.out, "Kode keluar");
  r = v.Cli({"--lang", "id", "status"});
  CHECK(r.exit_code == kOk);
  CHECK_HAS(r.out, "Menunggu sinkronisasi");

  // Store errors are translated as well.
  Village none;
  r = none.CliWith({"LANG=id_ID.UTF-8"}, {"status"});
  CHECK(r.exit_code == kStore);
  CHECK_HAS(r.err, "belum disiapkan");
}

// ============================================================================
// 4. Two processes writing at once
// ============================================================================

TEST_CASE("two simpul-node processes adding persons at once: every write lands once") {
  Village v;
  v.Init();
  std::string hh = v.Id({"household", "add", "--address", "Dusun Krajan"});
  size_t base = v.OutboxSize();

  const int kEach = 30;
  const std::string script =
      "i=0; fails=0\n"
      "while [ $i -lt " + std::to_string(kEach) + " ]; do\n"
      "  i=$((i+1))\n"
      "  \"$E2E_BIN\" --data \"$E2E_DIR\" person add --household \"$E2E_HH\" --name \"Warga $E2E_TAG $i\" "
      ">/dev/null || fails=$((fails+1))\n"
      "done\n"
      "exit $fails\n";
  std::vector<std::string> common = {"E2E_BIN=" + BinPath("simpul-node"), "E2E_DIR=" + v.dir(),
                                     "E2E_HH=" + hh, "LANG=C", "LC_ALL="};
  auto env_for = [&](const std::string& tag) {
    auto e = common;
    e.push_back("E2E_TAG=" + tag);
    return e;
  };
  std::string log_a = v.File("a.log"), log_b = v.File("b.log");
  int rc_a, rc_b;
  {
    Background a({"/bin/sh", "-c", script}, env_for("A"), log_a);
    Background b({"/bin/sh", "-c", script}, env_for("B"), log_b);
    rc_a = a.Wait();
    rc_b = b.Wait();
  }
  INFO("loop A log:\n" << ReadFile(log_a) << "\nloop B log:\n" << ReadFile(log_b));
  CHECK(rc_a == 0);  // exit status = number of failed commands
  CHECK(rc_b == 0);

  Json persons = v.Ok({"person", "list"});
  CHECK(persons.size() == 2 * kEach);
  std::set<std::string> names, ids;
  for (const auto& p : persons.a) {
    names.insert(p["name"].str());
    ids.insert(p["id"].str());
  }
  CHECK(names.size() == 2 * kEach);
  CHECK(ids.size() == 2 * kEach);
  for (const char* tag : {"A", "B"})
    for (int i = 1; i <= kEach; ++i)
      CHECK_MESSAGE(names.count(std::string("Warga ") + tag + " " + std::to_string(i)) == 1,
                    "missing person " << tag << " " << i);

  Json outbox = v.Outbox();
  CHECK(outbox.size() == base + 2 * kEach);
  std::map<std::string, int> person_changes;
  std::map<std::string, std::vector<std::string>> change_ids;  // change_id -> "seq table/row"
  std::set<double> seqs;
  for (const auto& c : outbox.a) {
    change_ids[c["change_id"].str()].push_back(std::to_string(static_cast<int64_t>(c["seq"].n)) + " " +
                                               c["table"].str() + "/" + c["row_id"].str());
    seqs.insert(c["seq"].n);
    if (c["table"].str() == "persons") ++person_changes[c["row_id"].str()];
  }
  // A change id is the change's HLC version "<stamp>.<node id>": it must
  // name one change only, even when two processes write the same store.
  std::string dups;
  for (const auto& [id, uses] : change_ids)
    if (uses.size() > 1) {
      dups += "  " + id + " used by:";
      for (const auto& u : uses) dups += " [seq " + u + "]";
      dups += "\n";
    }
  CHECK_MESSAGE(dups.empty(), "duplicate change ids in the outbox:\n" << dups);
  CHECK(seqs.size() == outbox.size());
  CHECK(person_changes.size() == ids.size());
  for (const auto& id : ids) CHECK_MESSAGE(person_changes[id] == 1, "person " << id);
  CHECK(v.Ok({"status"})["persons"].n == 2 * kEach);
}

// ============================================================================
// 5. Export and help
// ============================================================================

TEST_CASE("export recap: a CSV with the full NIK as text, one line per application") {
  Village v;
  Applicant a = SetUpApplicant(v);
  // A second family and application, and a third application by Siti.
  std::string hh2 = v.Id({"household", "add", "--address", "Dusun Sumberagung", "--kk", "3510010101100001"});
  std::string p2 = v.Id({"person", "add", "--household", hh2, "--name", "Pak \"Tono\", Sr.", "--nik",
                         "3510010101600001", "--sex", "L", "--birth-date", "1960-01-01"});
  std::string app2 = v.Id({"application", "new", "--type", "pbi_jkn", "--applicant", p2});
  std::string app3 = v.Id({"application", "new", "--type", "recommendation", "--applicant", a.person});
  std::string out = v.File("recap.csv");

  // Without a stated purpose, NIK and No. KK are masked (minimisation).
  std::string masked_out = v.File("recap-masked.csv");
  v.Ok({"export", "recap", "--out", masked_out});
  {
    std::string masked = ReadFile(masked_out);
    CHECK(masked.find(kNik) == std::string::npos);
    CHECK(masked.find(kNik.substr(0, 4) + "xxxxxxxx" + kNik.substr(12)) != std::string::npos);
  }
  Json r = v.Ok({"export", "recap", "--out", out, "--purpose", "usulan PBI-JKN ke BPJS"});
  CHECK(r["applications"].n == 3);
  CHECK(r["file"].str() == out);
  CHECK(!fs::exists(out + ".tmp"));
  std::string text = ReadFile(out);
  auto rows = ParseCsv(text);
  REQUIRE(rows.size() == 4);  // header + 3
  const auto& header = rows[0];
  auto col = [&](const std::string& name) -> size_t {
    for (size_t i = 0; i < header.size(); ++i)
      if (header[i] == name) return i;
    FAIL("no column " << name << " in " << text);
    return 0;
  };
  size_t c_id = col("id"), c_nik = col("nik"), c_kk = col("no_kk"), c_name = col("applicant_name");
  std::map<std::string, std::vector<std::string>> by_id;
  for (size_t i = 1; i < rows.size(); ++i) {
    CHECK(rows[i].size() == header.size());
    by_id[rows[i][c_id]] = rows[i];
  }
  REQUIRE(by_id.count(a.application));
  REQUIRE(by_id.count(app2));
  REQUIRE(by_id.count(app3));
  CHECK(by_id[a.application][c_nik] == kNik);
  CHECK(by_id[a.application][c_kk] == kKk);
  CHECK(by_id[app2][c_nik] == "3510010101600001");
  CHECK(by_id[app2][c_name] == "Pak \"Tono\", Sr.");
  // Quoted in the file so that a spreadsheet keeps all 16 digits as text.
  CHECK_HAS(text, "\"" + kNik + "\"");
  CHECK_HAS(text, "\"3510010101600001\"");
  // Lines are CRLF; the header and one line per application.
  size_t crlf = 0;
  for (size_t p = text.find("\r\n"); p != std::string::npos; p = text.find("\r\n", p + 2)) ++crlf;
  CHECK(crlf == 4);

  // Missing --out.
  ProcessResult e = v.Cli({"export", "recap"});
  CHECK(e.exit_code == kBadInput);
  CHECK_HAS(e.err, "--out");
  // A directory that does not exist: I/O error.
  e = v.Cli({"export", "recap", "--out", v.File("no/such/dir/recap.csv")});
  CHECK(e.exit_code == kIo);
}

TEST_CASE("export recap onto a directory fails cleanly: no temporary file with personal data is left") {
  Village v;
  SetUpApplicant(v);
  std::string target = v.File("reports");
  fs::create_directories(target);
  ProcessResult r = v.Cli({"export", "recap", "--out", target});
  INFO(v.last());
  CHECK(r.exit_code == kIo);
  CHECK_MESSAGE(!fs::exists(target + ".tmp"),
                target << ".tmp was left behind holding:\n" << ReadFile(target + ".tmp"));
  // A write failure must not be reported as a read failure.
  CHECK_HAS_NOT(r.err, "Cannot read");
}

TEST_CASE("--help works for every command and the top-level help lists the exit codes") {
  Village v;  // never initialised: help needs no store
  ProcessResult top = v.Cli({"--help"});
  INFO(v.last());
  REQUIRE(top.exit_code == kOk);
  for (const char* s : {"Exit codes", "0 ok", "1 internal error", "2 bad input", "3 data directory unusable",
                        "4 temporarily unavailable", "5 file could not be", "6 refused by the hub"})
    CHECK_HAS(top.out, s);

  // Command paths: lines "  word [word]  ..." after "Commands:".
  size_t at = top.out.find("\nCommands:\n");
  REQUIRE(at != std::string::npos);
  std::istringstream lines(top.out.substr(at + 11));
  std::vector<std::string> commands;
  for (std::string line; std::getline(lines, line);) {
    if (line.size() < 3 || line.compare(0, 2, "  ") != 0 || line[2] == ' ') continue;
    std::istringstream words(line.substr(2, line.find("  ", 2) - 2));
    std::string path, w;
    for (int n = 0; n < 2 && words >> w; ++n) {
      if (w.find_first_not_of("abcdefghijklmnopqrstuvwxyz") != std::string::npos) break;
      path += (path.empty() ? "" : " ") + w;
    }
    if (!path.empty()) commands.push_back(path);
  }
  CHECK(commands.size() >= 20);
  for (const char* must : {"init", "status", "household add", "person add", "application new",
                           "application submit", "application withdraw", "complaint new", "outbox",
                           "export recap"})
    CHECK_MESSAGE(std::find(commands.begin(), commands.end(), must) != commands.end(), must);

  for (const auto& c : commands) {
    std::vector<std::string> args;
    std::istringstream ws(c);
    for (std::string w; ws >> w;) args.push_back(w);
    args.push_back("--help");
    ProcessResult r = v.Cli(args);
    INFO(v.last());
    CHECK(r.exit_code == kOk);
    CHECK(r.out.rfind("simpul-node " + c, 0) == 0);
    CHECK(r.err.empty());
  }
  // Entity commands list their options, the required ones marked.
  ProcessResult r = v.Cli({"person", "add", "--help"});
  CHECK_HAS(r.out, "--nik");
  CHECK_HAS(r.out, "--name (*)");
  // Help never creates a store.
  CHECK(!fs::exists(v.dir()));

  // No command at all: usage on stdout, exit 2.
  r = v.Cli({});
  CHECK(r.exit_code == kBadInput);
  CHECK_HAS(r.out, "Usage:");
}

// ============================================================================
// 6. A submitted application is frozen; withdraw works
// ============================================================================

TEST_CASE("a submitted application cannot be edited; it can be withdrawn") {
  Village v;
  Applicant a = SetUpApplicant(v);
  ProcessResult r = v.Cli({"application", "answer", a.application, "no_shelter=ya", "head_not_working=ya"});
  REQUIRE(r.exit_code == kOk);
  for (const char* kind : {"kk", "ktp"}) {  // the documents the service rule requires
    std::string scan = v.File(std::string(kind) + ".pdf");
    WriteFile(scan, std::string("%PDF-1.4 ") + kind + "\n");
    REQUIRE(v.Cli({"application", "attach", a.application, "--kind", kind, "--file", scan}).exit_code == kOk);
  }
  r = v.Cli({"application", "submit", a.application});
  INFO(v.last());
  REQUIRE(r.exit_code == kOk);
  size_t baseline = v.OutboxSize();

  std::string doc = v.File("sktm.pdf");
  WriteFile(doc, "%PDF-1.4 sktm\n");
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"application", "edit", a.application, "--purpose", "Sekolah"},
           {"application", "answer", a.application, "no_shelter=tidak"},
           {"application", "attach", a.application, "--kind", "sktm", "--file", doc},
           {"application", "submit", a.application}}) {
    r = v.Cli(args);
    INFO(v.last());
    CHECK(r.exit_code == kBadInput);
    CHECK_HAS(r.err, a.application);
    CHECK_HAS(r.err, "submitted");
    CHECK(v.OutboxSize() == baseline);
  }
  Json shown = v.Ok({"application", "show", a.application});
  CHECK(shown["purpose"].str() == "Berobat ke RSUD Blambangan");
  CHECK(shown["attachments"].size() == 2);  // the KK and KTP, not the SKTM

  r = v.Cli({"application", "withdraw", a.application, "--reason", "Pindah domisili"});
  {
    INFO(v.last());
    REQUIRE(r.exit_code == kOk);
    CHECK_HAS(r.out, "withdrawn");
  }
  CHECK(v.OutboxSize() == baseline + 1);
  shown = v.Ok({"application", "show", a.application});
  CHECK(shown["status"].str() == "withdrawn");
  CHECK(shown["status_reason"].str() == "Pindah domisili");
  REQUIRE(shown["events"].size() == 2);
  CHECK(shown["events"][1]["kind"].str() == "withdrawn");
  r = v.Cli({"application", "show", a.application});
  CHECK_HAS(r.out, "withdrawn (Pindah domisili)");
  Json list = v.Ok({"application", "list", "--status", "withdrawn"});
  REQUIRE(list.size() == 1);
  CHECK(list[0]["id"].str() == a.application);

  // Withdrawn is final for the village.
  r = v.Cli({"application", "withdraw", a.application, "--reason", "lagi"});
  CHECK(r.exit_code == kBadInput);
  CHECK_HAS(r.err, "cannot be withdrawn");
  r = v.Cli({"application", "edit", a.application, "--purpose", "x"});
  CHECK(r.exit_code == kBadInput);
  CHECK(v.OutboxSize() == baseline + 1);
}

}  // namespace
}  // namespace simpul::testing

namespace simpul::testing {
namespace {

// ============================================================================
// 7. Small things an operator or a script trips over
// ============================================================================

TEST_CASE("--json indicators show is JSON: every item, its options and the bands") {
  Village v;
  Applicant a = SetUpApplicant(v);
  Json set = v.Ok({"indicators", "show"});
  CHECK(!set["set"].str().empty());
  CHECK(set["version"].n >= 1);
  REQUIRE(set["items"].size() >= 5);
  for (const auto& item : set["items"].a) {
    INFO(item["code"].str());
    CHECK(!item["code"].str().empty());
    CHECK(!item["text_id"].str().empty());
    CHECK(!item["text_en"].str().empty());
    CHECK(item["options"].size() >= 2);
  }
  CHECK(set["bands"].size() >= 1);
  // The codes are those `application answer` takes.
  std::string item = set["items"][0]["code"].str(), answer = set["items"][0]["options"][0]["code"].str();
  CHECK(v.Cli({"application", "answer", a.application, item + "=" + answer}).exit_code == kOk);
}

TEST_CASE("export recap refuses a format it cannot write (x.xlsx) instead of writing CSV into it") {
  Village v;
  SetUpApplicant(v);
  for (const char* name : {"rekap.xlsx", "rekap.XLSX", "rekap.ods", "rekap.pdf"}) {
    std::string out = v.File(name);
    ProcessResult r = v.Cli({"export", "recap", "--out", out});
    INFO(v.last());
    CHECK(r.exit_code == kBadInput);
    CHECK_HAS(r.err, "--out");
    CHECK_HAS(r.err, "only CSV for now");
    CHECK(!fs::exists(out));
    CHECK(!fs::exists(out + ".tmp"));
  }
  ProcessResult id = v.CliWith({"LANG=id_ID.UTF-8"}, {"export", "recap", "--out", v.File("rekap.xlsx")});
  CHECK_HAS(id.err, "hanya CSV");
  // CSV, in any case, still works; so does a name without an extension.
  CHECK(v.Cli({"export", "recap", "--out", v.File("rekap.CSV")}).exit_code == kOk);
  CHECK(v.Cli({"export", "recap", "--out", v.File("rekap")}).exit_code == kOk);
}

TEST_CASE("a scan over the document limit is refused with the limit in words; --help states it") {
  Village v;
  Applicant a = SetUpApplicant(v);
  std::string big = v.File("scan-30mb.pdf");
  WriteFile(big, std::string((30u << 20) + 5, 'x'));
  ProcessResult r = v.Cli({"application", "attach", a.application, "--kind", "kk", "--file", big});
  INFO(v.last());
  CHECK(r.exit_code == kBadInput);
  CHECK_HAS(r.err, "the limit is 20 MiB");
  CHECK_HAS(r.err, "30.0 MiB");
  CHECK(FilesUnder(v.dir() + "/blobs").empty());
  ProcessResult help = v.Cli({"application", "attach", "--help"});
  CHECK_HAS(help.out, "at most 20 MiB");
  // Exactly at the limit is accepted.
  std::string edge = v.File("scan-20mb.pdf");
  WriteFile(edge, std::string(20u << 20, 'y'));
  CHECK(v.Cli({"application", "attach", a.application, "--kind", "kk", "--file", edge}).exit_code == kOk);
}

TEST_CASE("the binaries a test starts never see the SIMPUL_* variables of the shell running the tests") {
  // An operator's shell, as the README sets it up: a passphrase (a wrong
  // one for the tests' stores), an account, a data directory.
  struct Saved {
    const char* name;
    std::string value;
    bool had;
  };
  std::vector<Saved> saved;
  for (const char* name : {"SIMPUL_PASSPHRASE", "SIMPUL_USER", "SIMPUL_PASSWORD", "SIMPUL_DATA", "SIMPUL_HUB_DATA"}) {
    const char* cur = std::getenv(name);
    saved.push_back({name, cur ? cur : "", cur != nullptr});
  }
  setenv("SIMPUL_PASSPHRASE", "wrong", 1);
  setenv("SIMPUL_USER", "x", 1);
  setenv("SIMPUL_PASSWORD", "not-a-password", 1);
  setenv("SIMPUL_DATA", "/nonexistent/simpul", 1);
  setenv("SIMPUL_HUB_DATA", "/nonexistent/simpul-hub", 1);
  {
    Village v;
    Applicant a = SetUpApplicant(v);  // init, then writes: the test passphrase, no account
    Json shown = v.Ok({"application", "show", a.application});
    CHECK(shown["status"].str() == "draft");
    ProcessResult st = v.Cli({"status"});
    INFO(v.last());
    CHECK(st.exit_code == kOk);
  }
  for (const auto& s : saved) {
    if (s.had) setenv(s.name, s.value.c_str(), 1);
    else unsetenv(s.name);
  }
}

}  // namespace
}  // namespace simpul::testing
