// Letters at the village (node/letters.h): an application's letters newest
// first (deleted ones left out), whether each PDF has arrived, the newest
// PDF or why not (none yet, not arrived yet), the hub keys this node trusts
// (current, then every earlier one) and checking a letter's QR text offline:
// valid, forged, revoked, signed by a rotated-out key, or not a letter.
#include "node/letters.h"

#include <doctest/doctest.h>

#include "sync/crypto/envelope.h"
#include "tests/support/memory_db.h"
#include "tests/node/store_fixture.h"

namespace simpul::node {
namespace {

namespace crypto = sync::crypto;

struct Store : testing::VillageStore {
  Store() { REQUIRE(crypto::InitSodium().ok()); }
  struct Letter {
    std::string id, app, number, sha;
    int64_t size = 0, issued_at_ms = 0;
    int revoked = 0, deleted = 0;
    std::string reason;
  };
  void Add(const Letter& l) {
    auto st = store->db().Prepare(
        "INSERT INTO letters(id,village,application_id,service,number,statement,sha256,size,issued_at_ms,"
        "revoked,revoke_reason,deleted) VALUES(?,'35.10.01.2001',?,'pbi_apbd',?,?,?,?,?,?,?,?)");
    REQUIRE(st.ok());
    st->Bind(1, l.id).Bind(2, l.app).Bind(3, l.number).Bind(4, "SPL1|" + l.number).Bind(5, l.sha);
    st->Bind(6, l.size).Bind(7, l.issued_at_ms).Bind(8, int64_t{l.revoked}).Bind(9, l.reason);
    st->Bind(10, int64_t{l.deleted});
    REQUIRE(st->Step().ok());
  }
  // Puts `pdf` among the documents; its SHA-256.
  std::string Arrive(const std::string& pdf) {
    const std::string sha = simpul::testing::Sha256Hex(pdf);
    auto w = store->blobs().NewWriter();
    REQUIRE(w.ok());
    REQUIRE(w->Add(pdf).ok());
    REQUIRE(w->Finish(sha).ok());
    return sha;
  }
};

const std::string kPdf1 = "%PDF-1.7\n first letter\n%%EOF\n";
const std::string kPdf2 = "%PDF-1.7\n the second, newer letter\n%%EOF\n";

TEST_CASE_FIXTURE(Store, "letters: an application's letters newest first, deleted ones left out") {
  auto none = LettersOf(*store, "app1");
  REQUIRE(none.ok());
  CHECK(none->empty());

  const std::string sha1 = simpul::testing::Sha256Hex(kPdf1), sha2 = simpul::testing::Sha256Hex(kPdf2);
  Add({"L1", "app1", "470/001/2027", sha1, static_cast<int64_t>(kPdf1.size()), 1000});
  Add({"L3", "app1", "470/003/2027", sha2, static_cast<int64_t>(kPdf2.size()), 3000, 1, 0, "wrong name"});
  Add({"L2", "app1", "470/002/2027", sha1, 5, 2000});
  Add({"L2b", "app1", "470/002b/2027", sha1, 5, 2000});  // same time: the greater id first
  Add({"L4", "app1", "470/004/2027", sha2, 5, 9000, 0, 1});  // deleted
  Add({"L9", "app2", "470/009/2027", sha2, 5, 9999});  // another application's
  auto letters = LettersOf(*store, "app1");
  REQUIRE(letters.ok());
  std::vector<std::string> ids;
  for (const auto& l : *letters) ids.push_back(l.id);
  CHECK(ids == std::vector<std::string>{"L3", "L2b", "L2", "L1"});
  const VillageLetter& l3 = letters->front();
  CHECK(l3.application_id == "app1");
  CHECK(l3.service == "pbi_apbd");
  CHECK(l3.number == "470/003/2027");
  CHECK(l3.statement == "SPL1|470/003/2027");
  CHECK(l3.sha256 == sha2);
  CHECK(l3.size == static_cast<int64_t>(kPdf2.size()));
  CHECK(l3.issued_at_ms == 3000);
  CHECK(l3.revoked);
  CHECK(l3.revoke_reason == "wrong name");
  CHECK(!letters->back().revoked);
  for (const auto& l : *letters) CHECK(!l.pdf_here);  // no document arrived yet

  // The first PDF arrives: the letters that name it say so.
  Arrive(kPdf1);
  letters = LettersOf(*store, "app1");
  REQUIRE(letters.ok());
  for (const auto& l : *letters) CHECK(l.pdf_here == (l.sha256 == sha1));
  // Hostile or unknown ids: nothing, no error.
  for (const std::string& id : std::vector<std::string>{"", "app1' OR '1'='1", "%", std::string(10000, 'a')}) {
    auto r = LettersOf(*store, id);
    REQUIRE(r.ok());
    CHECK(r->empty());
  }
}

TEST_CASE_FIXTURE(Store, "letters: the newest letter's PDF, or NotFound / Unavailable saying why") {
  auto no_letter = LetterPdf(*store, "app1");
  CHECK(no_letter.status().code() == Code::kNotFound);
  CHECK(no_letter.status().message().find("app1") != std::string::npos);

  const std::string sha1 = Arrive(kPdf1);
  const std::string sha2 = simpul::testing::Sha256Hex(kPdf2);
  Add({"L1", "app1", "470/001/2027", sha1, static_cast<int64_t>(kPdf1.size()), 1000});
  auto pdf = LetterPdf(*store, "app1");
  REQUIRE_MESSAGE(pdf.ok(), pdf.status().ToString());
  CHECK(*pdf == kPdf1);

  // A newer letter whose PDF has not come: not the older PDF instead.
  Add({"L2", "app1", "470/002/2027", sha2, static_cast<int64_t>(kPdf2.size()), 2000});
  pdf = LetterPdf(*store, "app1");
  CHECK(pdf.status().code() == Code::kUnavailable);
  CHECK(pdf.status().message().find("470/002/2027") != std::string::npos);
  Arrive(kPdf2);
  pdf = LetterPdf(*store, "app1");
  REQUIRE(pdf.ok());
  CHECK(*pdf == kPdf2);

  // A letter without a document named: not arrived, never read.
  Add({"L3", "app1", "470/003/2027", "", 0, 3000});
  CHECK(LetterPdf(*store, "app1").status().code() == Code::kUnavailable);
  // Deleted letters are no letters.
  Add({"L5", "app5", "470/005/2027", sha1, static_cast<int64_t>(kPdf1.size()), 1000, 0, 1});
  CHECK(LetterPdf(*store, "app5").status().code() == Code::kNotFound);
}

TEST_CASE_FIXTURE(Store, "letters: trusted hub keys, current first, then the rotation history") {
  auto none = TrustedHubKeys(*store);
  CHECK(none.status().code() == Code::kFailedPrecondition);

  const crypto::Identity oldest = crypto::GenerateIdentity(), old = crypto::GenerateIdentity(),
                         current = crypto::GenerateIdentity();
  REQUIRE(store->SetMeta("hub_pk", crypto::ToHex(current.sign_pk)).ok());
  auto one = TrustedHubKeys(*store);
  REQUIRE(one.ok());
  REQUIRE(one->size() == 1);
  CHECK((*one)[0] == current.sign_pk);

  REQUIRE(store->SetMeta("hub_pk_history", crypto::ToHex(oldest.sign_pk) + "," + crypto::ToHex(old.sign_pk)).ok());
  auto three = TrustedHubKeys(*store);
  REQUIRE(three.ok());
  REQUIRE(three->size() == 3);
  CHECK((*three)[0] == current.sign_pk);
  CHECK((*three)[1] == oldest.sign_pk);
  CHECK((*three)[2] == old.sign_pk);

  // A damaged key is an error, never a silently shorter list.
  for (const std::string& bad : {std::string("zz"), crypto::ToHex(old.sign_pk).substr(2), std::string(64, 'g')}) {
    INFO(bad);
    REQUIRE(store->SetMeta("hub_pk_history", crypto::ToHex(old.sign_pk) + "," + bad).ok());
    CHECK(!TrustedHubKeys(*store).ok());
    REQUIRE(store->SetMeta("hub_pk_history", "").ok());
    REQUIRE(store->SetMeta("hub_pk", bad).ok());
    CHECK(!TrustedHubKeys(*store).ok());
    REQUIRE(store->SetMeta("hub_pk", crypto::ToHex(current.sign_pk)).ok());
  }
}

TEST_CASE_FIXTURE(Store, "letters: revoked numbers as far as this node has heard") {
  auto none = RevokedLetterNumbers(*store);
  REQUIRE(none.ok());
  CHECK(none->empty());
  Add({"L1", "app1", "470/001/2027", "", 0, 1000, 1});
  Add({"L2", "app1", "470/002/2027", "", 0, 2000, 0});
  Add({"L3", "app2", "470/003/2027", "", 0, 3000, 1});
  auto revoked = RevokedLetterNumbers(*store);
  REQUIRE(revoked.ok());
  CHECK(*revoked == std::set<std::string>{"470/001/2027", "470/003/2027"});
}

TEST_CASE_FIXTURE(Store, "letters: a QR text checked offline: valid, forged, revoked, rotated key, not a letter") {
  const crypto::Identity hub = crypto::GenerateIdentity(), old_hub = crypto::GenerateIdentity(),
                         stranger = crypto::GenerateIdentity();
  sync::LetterStatement st;
  st.number = "470/012/DINSOS/2027";
  st.type = "pbi_apbd";
  st.name = "Siti Aminah";
  st.masked_nik = sync::MaskNik("3510015211870002");
  st.date = "2027-01-15";
  auto text = sync::SignLetterStatement(st, hub);
  REQUIRE(text.ok());

  // Not enrolled: no key to check against, no verdict.
  CHECK(VerifyLetter(*store, *text).status().code() == Code::kFailedPrecondition);

  REQUIRE(store->SetMeta("hub_pk", crypto::ToHex(hub.sign_pk)).ok());
  auto valid = VerifyLetter(*store, *text);
  REQUIRE_MESSAGE(valid.ok(), valid.status().ToString());
  CHECK(valid->verdict == sync::LetterVerdict::kValid);
  CHECK(valid->statement.number == st.number);
  CHECK(valid->statement.name == "Siti Aminah");
  CHECK(valid->statement.masked_nik == "3510********0002");
  CHECK(valid->statement.key_id == sync::LetterKeyId(hub.sign_pk));

  // Signed by a key this office does not trust.
  auto forged = VerifyLetter(*store, *sync::SignLetterStatement(st, stranger));
  REQUIRE(forged.ok());
  CHECK(forged->verdict == sync::LetterVerdict::kForged);
  // Altered after signing: another name, same signature.
  std::string altered = *text;
  altered.replace(altered.find("Siti Aminah"), 11, "Siti Amirah");
  auto tampered = VerifyLetter(*store, altered);
  REQUIRE(tampered.ok());
  CHECK(tampered->verdict == sync::LetterVerdict::kForged);

  // Signed before a rotation: valid while the old key is in the history.
  auto before = sync::SignLetterStatement(st, old_hub);
  REQUIRE(before.ok());
  CHECK(VerifyLetter(*store, *before)->verdict == sync::LetterVerdict::kForged);
  REQUIRE(store->SetMeta("hub_pk_history", crypto::ToHex(old_hub.sign_pk)).ok());
  CHECK(VerifyLetter(*store, *before)->verdict == sync::LetterVerdict::kValid);

  // Revoked at the hub, heard of here (a deleted letter's revocation too).
  Add({"L1", "app1", st.number, "", 0, 1000, 1, 1});
  auto revoked = VerifyLetter(*store, *text);
  REQUIRE(revoked.ok());
  CHECK(revoked->verdict == sync::LetterVerdict::kRevoked);
  CHECK(VerifyLetter(*store, *before)->verdict == sync::LetterVerdict::kRevoked);

  // Not a letter at all: an error, not a verdict.
  for (const std::string& junk : {std::string(), std::string("hello"), std::string("SPL2|x|y"),
                                 std::string(5000, '|'), "SPL1|" + std::string(1000, 'a')}) {
    INFO(junk.substr(0, 30));
    CHECK(VerifyLetter(*store, junk).status().code() == Code::kCorruption);
  }
}

}  // namespace
}  // namespace simpul::node
