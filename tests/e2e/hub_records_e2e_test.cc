// The hub's records through the real binaries: documents are sealed at the
// hub (nothing of a scan lies in its data directory in clear), listed with
// their application and exported byte for byte; an audit chain cut at the
// hub (its newest rows deleted with SQL) is named by `audit --verify`.
#include "tests/support/cluster.h"
#include "tests/support/store_db.h"

namespace simpul::testing {
namespace {

constexpr int kTampered = 3;  // README: 3 = store unusable / tampered
constexpr const char* kMarker = "SKTM-SCAN-MARKER-5188-KECAMATAN-GENTENG";

struct Village {
  Hub hub;
  Node node{"35.10.01.2001"};
  std::string app, attachment, sha, doc_bytes;
  Village() {
    hub.Start();
    node.Enrol(hub, hub.url());
    std::string hh = node.Id({"household", "add", "--address", "Dusun Krajan", "--kk", "3510011211870001",
                              "--rt", "1", "--rw", "2"});
    std::string person = node.Id({"person", "add", "--household", hh, "--name", "Sulastri", "--nik",
                                  "3510015211870002", "--birth-date", "1987-11-12", "--sex", "P"});
    app = node.Id({"application", "new", "--type", "poverty_statement", "--applicant", person, "--purpose", "Berobat"});
    doc_bytes = std::string("%PDF-1.4\n") + kMarker + "\n" + std::string(150000, 'x') + kMarker + "\n";
    std::string file = node.File("sktm.pdf");
    WriteFile(file, doc_bytes);
    attachment = node.Id({"application", "attach", app, "--kind", "sktm", "--file", file});
    sha = Sha256Hex(doc_bytes);
    node.Do({"sync"});
  }
};

TEST_CASE("hub documents: sealed at rest, listed with their application, exported verified and audited") {
  Village v;
  REQUIRE(v.hub.Count("SELECT count(*) FROM attachments WHERE sha256=?", {v.sha}) == 1);
  // Nothing of the scan in clear anywhere under the hub's data directory.
  auto hits = FilesContaining(v.hub.dir(), kMarker);
  std::string list;
  for (const auto& h : hits) list += h + "\n";
  CHECK_MESSAGE(hits.empty(), "the scan's marker in clear in:\n" << list);
  CHECK(FilesContaining(v.hub.dir(), "%PDF-1.4").empty());
  // ...but the hub holds it: decrypted with its data key it is the same document.
  CHECK(HubDocuments(v.hub.dir())[v.sha] == v.doc_bytes);

  // application show lists it (text and JSON).
  ProcessResult shown = v.hub.Cli({"application", "show", v.app});
  REQUIRE(shown.exit_code == kOk);
  LH_CHECK_HAS(shown.out, "sktm.pdf");
  LH_CHECK_HAS(shown.out, v.sha.substr(0, 12));
  LH_CHECK_HAS(shown.out, "received");
  Json j = v.hub.Ok({"application", "show", v.app});
  REQUIRE(j["documents"].size() == 1);
  CHECK(j["documents"][0]["sha256"].str() == v.sha);
  CHECK(j["documents"][0]["kind"].str() == "sktm");
  CHECK(j["documents"][0]["received"].truthy());

  // document get, by hash and by attachment id: the same bytes, audited.
  std::string out = v.node.File("exported.pdf");
  v.hub.Do({"document", "get", v.sha, "--out", out});
  CHECK(ReadFile(out) == v.doc_bytes);
  std::string out2 = v.node.File("exported-2.pdf");
  v.hub.Do({"document", "get", v.attachment, "--out", out2});
  CHECK(ReadFile(out2) == v.doc_bytes);
  CHECK(v.hub.Count("SELECT count(*) FROM hub_audit WHERE action='read_document' AND subject=?", {v.attachment}) == 2);
  CHECK(v.hub.Cli({"document", "get", std::string(64, 'a'), "--out", out}).exit_code == 2);

  SUBCASE("a document whose sealed bytes were damaged is refused, not exported") {
    // The data key opens the file, but a record no longer authenticates.
    for (const auto& e : fs::recursive_directory_iterator(v.hub.dir() + "/blobs")) {
      if (!e.is_regular_file()) continue;
      std::string bytes = ReadFile(e.path().string());
      bytes[bytes.size() / 2] ^= 0x20;
      WriteFile(e.path().string(), bytes);
    }
    std::string bad = v.node.File("bad.pdf");
    ProcessResult r = v.hub.Cli({"document", "get", v.sha, "--out", bad});
    CHECK(r.exit_code == kTampered);
    CHECK(!fs::exists(bad));
  }
}

TEST_CASE("a hub whose documents were kept in clear seals them at its next start") {
  Village v;
  v.hub.Stop();
  // As an older hub kept it: the document in clear under its SHA-256, no data key.
  auto docs = HubDocuments(v.hub.dir());
  REQUIRE(docs.count(v.sha) == 1);
  fs::remove_all(v.hub.dir() + "/blobs");
  fs::create_directories(v.hub.dir() + "/blobs/" + v.sha.substr(0, 2));
  WriteFile(v.hub.dir() + "/blobs/" + v.sha.substr(0, 2) + "/" + v.sha.substr(2), v.doc_bytes);
  fs::remove(v.hub.dir() + "/data.key");
  {
    auto db = OpenStoreDb(v.hub.db(), schema::Db::Mode::kReadWrite);
    REQUIRE(db.ok());
    REQUIRE(db->Exec("DELETE FROM meta WHERE key IN ('data_key_id','documents_sealed')").ok());
  }
  REQUIRE(!FilesContaining(v.hub.dir(), kMarker).empty());
  std::string out = v.node.File("exported.pdf");
  v.hub.Do({"document", "get", v.sha, "--out", out});
  CHECK(ReadFile(out) == v.doc_bytes);
  CHECK(FilesContaining(v.hub.dir(), kMarker).empty());
  CHECK(fs::exists(v.hub.dir() + "/data.key"));
  const fs::perms mode = fs::status(v.hub.dir() + "/data.key").permissions() & fs::perms::all;
  CHECK((mode == (fs::perms::owner_read | fs::perms::owner_write)));

  SUBCASE("a lost data key is refused at start, not replaced") {
    fs::remove(v.hub.dir() + "/data.key");
    ProcessResult r = v.hub.Cli({"application", "show", v.app});
    CHECK(r.exit_code == 2);
    LH_CHECK_HAS(r.err, "data.key");
    CHECK(!fs::exists(v.hub.dir() + "/data.key"));
  }
}

TEST_CASE("audit --verify names the tail cut from a village chain and from the hub's chain") {
  Village v;
  // More village entries, pushed with their signed head.
  for (int i = 0; i < 2; ++i) v.node.Do({"export", "recap", "--out", v.node.File("recap.csv")});
  v.node.Do({"sync"});
  v.hub.Cli({"application", "show", v.app});  // audited at the hub (read_person)
  ProcessResult ok = v.hub.Cli({"audit", "--verify"});
  INFO(v.hub.last());
  REQUIRE(ok.exit_code == kOk);
  LH_CHECK_HAS(ok.out, "intact");
  LH_CHECK_HAS(ok.out, v.node.id());  // the village chain's last signed head is shown

  SUBCASE("the newest village entries deleted at the hub") {
    int64_t newest = v.hub.Count("SELECT max(seq) FROM audit WHERE writer=?", {v.node.id()});
    REQUIRE(newest >= 3);
    v.hub.Stop();
    {
      auto db = OpenStoreDb(v.hub.db(), schema::Db::Mode::kReadWrite);
      REQUIRE(db.ok());
      REQUIRE(db->Exec("DELETE FROM audit WHERE seq >= " + std::to_string(newest - 1)).ok());
    }
    ProcessResult r = v.hub.Cli({"audit", "--verify"});
    CHECK(r.exit_code == kTampered);
    LH_CHECK_HAS(r.out, v.node.id() + ": entries no. " + std::to_string(newest - 1) + " to " + std::to_string(newest) +
                            " are missing after the last signed head");
  }
  SUBCASE("the newest hub entries deleted") {
    int64_t newest = v.hub.Count("SELECT max(seq) FROM hub_audit");
    REQUIRE(newest >= 2);
    {
      auto db = OpenStoreDb(v.hub.db(), schema::Db::Mode::kReadWrite);
      REQUIRE(db.ok());
      REQUIRE(db->Exec("DELETE FROM hub_audit WHERE seq = " + std::to_string(newest)).ok());
    }
    ProcessResult r = v.hub.Cli({"audit", "--verify"});
    CHECK(r.exit_code == kTampered);
    LH_CHECK_HAS(r.out, "entries no. " + std::to_string(newest) + " to " + std::to_string(newest) +
                            " are missing after the last signed head");
  }
}

}  // namespace
}  // namespace simpul::testing
