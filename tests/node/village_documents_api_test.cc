// Scans in the village web app, through its real handler: the checklist of
// the documents the service rule names, a scan uploaded through the CLI's
// attach path (change capture, outbox, sealed blob), viewed with the type
// its bytes say, replaced; a 30 MB photo, a file that is no scan and an
// upload without the CSRF token refused with nothing stored.
#include <doctest/doctest.h>

#include <filesystem>

#include "tests/node/village_app_fixture.h"

namespace simpul::node::testing {
namespace {

const std::string kJpeg = "\xff\xd8\xff\xe0" + std::string("\0\x10JFIF\0 a photo of the KK", 25);
const std::string kPdf = "%PDF-1.4\n% the KTP, scanned\n%%EOF\n";

struct Draft : VillageAppFixture {
  Draft() {
    Unlock();
    SignIn();
    auto [hh, head] = Household();
    auto r = Call("POST", "/api/v1/applications",
                  "{\"applicant_id\":\"" + head + "\",\"household_id\":\"" + hh +
                      "\",\"type\":\"poverty_statement\",\"purpose\":\"Berobat ke RSUD\","
                      "\"ans.no_shelter\":\"tidak\",\"ans.head_not_working\":\"ya\"}");
    REQUIRE(r.status == 201);
    app = StringField(r.body, "id");
  }
  // Sealed documents in the store's blob directory.
  size_t BlobFiles() {
    size_t n = 0;
    if (std::filesystem::exists(dir() + "/blobs"))
      for (const auto& e : std::filesystem::recursive_directory_iterator(dir() + "/blobs"))
        n += e.is_regular_file();
    return n;
  }
  std::string app;
};

TEST_CASE_FIXTURE(Draft, "documents: the rule's checklist, a scan through the outbox, viewed as its bytes say, replaced") {
  auto shown = Call("GET", "/api/v1/applications/" + app);
  // A poverty statement (SPM) needs the KK and the KTP; a referral is optional.
  CHECK(shown.body.find("\"document_kinds\":[{\"kind\":\"kk\",\"label\":\"Family card (KK)\",\"required\":true},"
                        "{\"kind\":\"ktp\"") != std::string::npos);
  CHECK(shown.body.find("{\"kind\":\"referral\",\"label\":\"Referral letter\",\"required\":false}") != std::string::npos);
  CHECK(shown.body.find("Cannot submit yet: required documents not attached: kk, ktp.") != std::string::npos);
  CHECK(shown.body.find("\"upload_limit_text\":\"8 MiB\"") != std::string::npos);

  const int64_t outbox = Count("SELECT count(*) FROM outbox WHERE tbl='attachments' AND state='pending'");
  auto kk = UploadScan(app, "kk", kJpeg, "image/jpeg", "kk%20rumah.jpg");
  REQUIRE(kk.status == 201);
  const std::string kk_id = StringField(kk.body, "id");
  CHECK(StringField(kk.body, "filename") == "kk rumah.jpg");
  CHECK(StringField(kk.body, "media_type") == "image/jpeg");
  CHECK(kk.body.find("\"size\":" + std::to_string(kJpeg.size())) != std::string::npos);
  // The CLI's path: a row through change capture, waiting in the outbox.
  CHECK(Count("SELECT count(*) FROM outbox WHERE tbl='attachments' AND state='pending'") == outbox + 1);
  CHECK(Count("SELECT count(*) FROM attachments WHERE application_id='" + app + "' AND kind='kk'") == 1);
  CHECK(BlobFiles() == 1);

  auto view = Call("GET", "/api/v1/applications/" + app + "/documents/" + kk_id);
  CHECK(view.status == 200);
  CHECK(view.body == kJpeg);
  CHECK(view.content_type == "image/jpeg");
  CHECK(view.HeaderValue("content-disposition").find("inline; filename=\"kk rumah.jpg\"") == 0);
  CHECK(view.HeaderValue("content-security-policy").find("default-src 'none'") == 0);
  auto download = Call("GET", "/api/v1/applications/" + app + "/documents/" + kk_id + "?download=1");
  CHECK(download.HeaderValue("content-disposition").find("attachment;") == 0);
  CHECK(Count("SELECT count(*) FROM audit WHERE action='read_document' AND subject='" + app + "'") == 2);

  // Submitting says what is still missing.
  auto refused = Call("POST", "/api/v1/applications/" + app + "/submit", "{}");
  CHECK(refused.status == 409);
  CHECK(StringField(refused.body, "message") == "Cannot submit yet: required documents not attached: ktp.");

  // The KTP came out blurred: attached, then replaced by a better scan.
  auto ktp = UploadScan(app, "ktp", kJpeg + "blurred", "image/jpeg", "ktp.jpg");
  REQUIRE(ktp.status == 201);
  const std::string old_id = StringField(ktp.body, "id");
  auto replaced = Call("PUT", "/api/v1/applications/" + app + "/documents/" + old_id + "?name=ktp.pdf", kPdf, true,
                       "application/pdf");
  REQUIRE(replaced.status == 200);
  const std::string new_id = StringField(replaced.body, "id");
  CHECK(new_id != old_id);
  CHECK(StringField(replaced.body, "kind") == "ktp");
  CHECK(StringField(replaced.body, "media_type") == "application/pdf");
  CHECK(Count("SELECT deleted FROM attachments WHERE id='" + old_id + "'") == 1);
  CHECK(Count("SELECT count(*) FROM attachments WHERE application_id='" + app + "' AND deleted=0") == 2);
  CHECK(Call("GET", "/api/v1/applications/" + app + "/documents/" + old_id).status == 404);
  auto pdf = Call("GET", "/api/v1/applications/" + app + "/documents/" + new_id);
  CHECK(pdf.content_type == "application/pdf");
  CHECK(pdf.body == kPdf);
  shown = Call("GET", "/api/v1/applications/" + app);
  CHECK(shown.body.find("\"problems\":[]") != std::string::npos);

  CHECK(Call("POST", "/api/v1/applications/" + app + "/submit", "{}").status == 200);
  // Sent: no more scans from the page until Dinsos returns it.
  CHECK(UploadScan(app, "referral", kPdf, "application/pdf").status == 409);
}

TEST_CASE_FIXTURE(Draft, "documents: a 30 MB photo, a file that is no scan, no CSRF token: refused, nothing stored") {
  // (The refusals themselves are audited: the audit chain's changes aside.)
  const std::string changes = "SELECT count(*) FROM outbox WHERE tbl<>'audit'";
  const int64_t outbox = Count(changes);
  std::string huge = kJpeg + std::string((30u << 20) - kJpeg.size(), 'x');
  auto big = UploadScan(app, "kk", huge);
  CHECK(big.status == 413);
  CHECK(StringField(big.body, "field") == "file");
  CHECK(StringField(big.body, "message") ==
        "The scan for 'Family card (KK)' is too large (30 MiB; the limit is 8 MiB). Photos are made smaller by the "
        "page before they are sent; a PDF must be under the limit. Nothing was stored.");

  // Claimed to be a photo; its bytes say otherwise (a Windows program).
  auto exe = UploadScan(app, "kk", "MZ\x90\x00 not a scan", "image/jpeg", "kk.jpg");
  CHECK(exe.status == 415);
  CHECK(StringField(exe.body, "field") == "file");
  CHECK(StringField(exe.body, "message").find("must be a photo (JPEG or PNG) or a PDF") != std::string::npos);
  CHECK(UploadScan(app, "kk", kJpeg, "text/html", "kk.html").status == 415);  // a type no scan has
  CHECK(UploadScan(app, "kk", "", "image/jpeg").status == 400);
  CHECK(StringField(UploadScan(app, "passport", kJpeg).body, "field") == "kind");
  // The token of the session, like every change.
  auto forged = Call("POST", "/api/v1/applications/" + app + "/documents?kind=kk", kJpeg, /*csrf=*/false,
                     "image/jpeg");
  CHECK(forged.status == 403);

  CHECK(Count("SELECT count(*) FROM attachments") == 0);
  CHECK(Count(changes) == outbox);
  CHECK(BlobFiles() == 0);

  // In Bahasa Indonesia for an operator working in it.
  REQUIRE(Call("PUT", "/api/v1/session/lang", "{\"lang\":\"id\"}").status == 200);
  CHECK(StringField(UploadScan(app, "kk", huge).body, "message").rfind("Pindaian untuk 'Kartu Keluarga' terlalu besar",
                                                                       0) == 0);
}

TEST_CASE_FIXTURE(Draft, "documents: an auditor views scans but cannot attach one") {
  auto kk = UploadScan(app, "kk", kJpeg);
  REQUIRE(kk.status == 201);
  const std::string id = StringField(kk.body, "id");
  ForgetSession();
  SignIn("audi", "passw0rd-audi");
  CHECK(Call("GET", "/api/v1/applications/" + app + "/documents/" + id).status == 200);
  CHECK(UploadScan(app, "ktp", kJpeg).status == 403);
  CHECK(Count("SELECT count(*) FROM attachments") == 1);
}

}  // namespace
}  // namespace simpul::node::testing
