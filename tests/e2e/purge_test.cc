// Purging a resident's data through the real binaries: the hub purges on the
// resident's request; both laptops of the village erase the person, their
// application texts and their own documents at their next sync (a shared
// KK scan another member still needs stays); an edit one laptop made offline
// before it heard of the purge does not bring the data back; the hub's files
// no longer hold the NIK, name or document anywhere.
#include "tests/support/cluster.h"

namespace simpul::testing {
namespace {

constexpr const char* kNikP = "3510015211870002";
constexpr const char* kNikQ = "3510011211870003";
constexpr const char* kNameP = "Sulastri Wulandari";
constexpr const char* kOwnDocMarker = "RUJUKAN-RSUD-PRIBADI-4412";

TEST_CASE("purge: a resident's data is erased at the hub and on every laptop of the village, for good") {
  Hub hub;
  hub.Start();
  Node a("35.10.01.2001");
  a.Enrol(hub, hub.url());
  std::string hh = a.Id({"household", "add", "--address", "Dusun Krajan", "--kk", "3510011211870001"});
  std::string p = a.Id({"person", "add", "--household", hh, "--name", kNameP, "--nik", kNikP, "--birth-date",
                        "1987-11-12", "--sex", "P", "--phone", "081234567890"});
  std::string q = a.Id({"person", "add", "--household", hh, "--name", "Budi Santoso", "--nik", kNikQ,
                        "--birth-date", "1987-11-12", "--sex", "L"});
  std::string app_p = a.Id({"application", "new", "--type", "poverty_statement", "--applicant", p, "--purpose",
                            std::string("Berobat ") + kNameP});
  std::string app_q = a.Id({"application", "new", "--type", "poverty_statement", "--applicant", q, "--purpose",
                            "Sekolah anak"});
  std::string kk = a.File("kk.pdf"), own = a.File("rujukan.pdf");
  WriteFile(kk, "%PDF-1.4 scanned KK of the household " + std::string(20000, 'k'));
  WriteFile(own, std::string("%PDF-1.4 ") + kOwnDocMarker + " " + kNameP + std::string(30000, 'r'));
  for (const auto& app : {app_p, app_q}) a.Do({"application", "attach", app, "--kind", "kk", "--file", kk});
  a.Do({"application", "attach", app_p, "--kind", "referral", "--file", own});
  a.Do({"sync"});
  // A second laptop of the village has everything, documents included.
  Node b("35.10.01.2001");
  b.Enrol(hub, hub.url());
  b.Do({"sync"});
  REQUIRE(ListBlobs(b.dir() + "/blobs").files.size() == 2);
  REQUIRE(b.Cli({"person", "show", p}).out.find(kNameP) != std::string::npos);

  // Laptop A is offline and edits the person's phone...
  a.Do({"person", "edit", p, "--phone", "081299998888"});
  // ...while Dinsos purges the person on their request.
  Json r = hub.Ok({"purge", "person", p, "--reason", "permintaan warga (UU 27/2022)"});
  CHECK(r["rows"].num() >= 3);  // the person, the application, its attachments
  ProcessResult again = hub.Cli({"purge", "person", p, "--reason", "lagi"});
  CHECK(again.exit_code == 2);

  for (Node* n : {&a, &b}) {
    n->Do({"sync"});
    std::string shown = n->Cli({"person", "show", p}).out;
    CHECK(shown.find(kNameP) == std::string::npos);
    CHECK(shown.find(kNikP) == std::string::npos);
    CHECK(n->Cli({"application", "show", app_p}).out.find(kNameP) == std::string::npos);
    CHECK(n->Cli({"person", "show", q}).out.find("Budi Santoso") != std::string::npos);  // the other member stays
    // The referral only P needed is gone; the shared KK stays for Q.
    BlobListing docs = ListBlobs(n->dir() + "/blobs");
    CHECK(docs.files.size() == 1);
    CHECK(n->Ok({"status"})["outbox_pending"].num() == 0);  // A's offline edit was dropped, not kept waiting
  }
  Json va = a.Ok({"sync"});
  if (!va["verified"].truthy()) {
    std::string diff;
    auto mine = SqlRows(a.db(), "SELECT tbl,row_id,field,version FROM field_versions ORDER BY 1,2,3", {});
    auto theirs = SqlRows(hub.db(), "SELECT tbl,row_id,field,version FROM field_versions WHERE row_id IN (SELECT id FROM persons UNION SELECT id FROM applications UNION SELECT id FROM attachments UNION SELECT id FROM households UNION SELECT id FROM purges UNION SELECT id FROM audit UNION SELECT id FROM events) ORDER BY 1,2,3", {});
    std::set<std::string> m, t;
    for (auto& r : mine) m.insert(r[0] + " " + r[1] + " " + r[2] + " " + r[3]);
    for (auto& r : theirs) t.insert(r[0] + " " + r[1] + " " + r[2] + " " + r[3]);
    for (auto& x : m) if (!t.count(x)) diff += "node only: " + x + "\n";
    for (auto& x : t) if (!m.count(x)) diff += "hub only: " + x + "\n";
    FAIL_CHECK("A not verified:\n" << diff);
  }
  CHECK(b.Ok({"sync"})["verified"].truthy());
  // The offline edit did not bring anything back at the hub.
  CHECK(hub.Count("SELECT count(*) FROM persons WHERE id=? AND phone IS NULL AND name IS NULL AND nik IS NULL", {p}) == 1);
  CHECK(hub.Count("SELECT count(*) FROM purges WHERE subject_id=?", {p}) == 1);
  CHECK(hub.Count("SELECT count(*) FROM hub_audit WHERE action='purged:person' AND subject=?", {p}) == 1);
  // Nowhere in the hub's files: not the tables, the change log, the WAL, the documents.
  int port = hub.port();
  hub.Stop();
  for (const std::string& needle : {std::string(kNikP), std::string(kNameP), std::string(kOwnDocMarker),
                                   std::string("081299998888")}) {
    auto hits = FilesContaining(hub.dir(), needle);
    std::string list;
    for (const auto& h : hits) list += h + "\n";
    CHECK_MESSAGE(hits.empty(), "'" << needle << "' still in:\n" << list);
  }
  CHECK(FilesContaining(hub.dir(), kNikQ).size() >= 1);  // (the search does find what is there)
  hub.Start(port);
  // A laptop enrolled later never receives the purged data.
  Node c("35.10.01.2001");
  c.Enrol(hub, hub.url());
  c.Do({"sync"});
  CHECK(c.Cli({"person", "show", p}).out.find(kNameP) == std::string::npos);
  CHECK(ListBlobs(c.dir() + "/blobs").files.size() == 1);
}

}  // namespace
}  // namespace simpul::testing
