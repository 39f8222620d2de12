#include "hub/letters/issue.h"

#include <sodium.h>

#include "hub/letters/letter_pdf.h"
#include "schema/ids.h"
#include "schema/local_time.h"
#include "schema/tables.h"
#include "sync/blobs.h"
#include "sync/letter_statement.h"

namespace simpul::hub {
namespace {

std::string Sha256Hex(const std::string& bytes) {
  uint8_t h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(h, reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  return sync::crypto::ToHex(h, sizeof h);
}

std::string RegionName(HubStore& store, const std::string& code) {
  auto q = store.db().Prepare("SELECT name FROM regions WHERE code=?");
  if (!q.ok()) return code;
  q->Bind(1, code);
  auto row = q->Step();
  return row.ok() && *row ? q->Text(0) : code;
}

void Fill(std::string* text, const std::string& key, const std::string& value) {
  for (size_t p; (p = text->find(key)) != std::string::npos;) text->replace(p, key.size(), value);
}

const char* SexWord(const std::string& sex) {
  return sex == "L" ? "Laki-laki" : sex == "P" ? "Perempuan" : "-";
}

}  // namespace

Result<LetterRecord> ProduceLetter(HubStore& store, const schema::ServiceRules& rules, const schema::ServiceRule& rule,
                                   const Row& app, const std::string& number, const std::string& operator_name) {
  LetterRecord rec;
  rec.application_id = RowText(app, "id");
  rec.village = RowText(app, "village");
  rec.service = rule.code;
  rec.number = number;
  rec.issued_at_ms = static_cast<int64_t>(store.NowMs());
  SIMPUL_ASSIGN_OR_RETURN(Row person, ReadRow(store, "persons", RowText(app, "applicant_id")));
  Row household;
  if (auto h = ReadRow(store, "households", RowText(person, "household_id")); h.ok()) household = *h;

  const schema::OfficeZone zone = schema::ZoneOfRegion(rec.village);
  const std::string village_code = rec.village;
  const std::string kecamatan_code = village_code.substr(0, 8);
  std::string address = RowText(household, "address");
  if (!RowText(household, "rt").empty())
    address += " RT " + RowText(household, "rt") + " RW " + RowText(household, "rw");

  sync::LetterStatement st;
  st.number = number;
  st.type = rule.code;
  st.name = RowText(person, "name");
  st.masked_nik = sync::MaskNik(RowText(person, "nik"));
  if (st.masked_nik.empty()) st.masked_nik = "-";
  st.date = schema::FormatDate(rec.issued_at_ms, zone);
  SIMPUL_ASSIGN_OR_RETURN(rec.statement, sync::SignLetterStatement(st, store.identity()));

  LetterContent c;
  c.letterhead = rules.letterhead;
  c.title = rule.letter.title;
  c.number = number;
  c.place_date = (rules.place.empty() ? std::string() : rules.place + ", ") +
                 schema::FormatLongDate(rec.issued_at_ms, zone, "id");
  c.opening = rule.letter.opening;
  std::string birth = RowText(person, "birth_place");
  if (!RowText(person, "birth_date").empty()) birth += (birth.empty() ? "" : ", ") + RowText(person, "birth_date");
  c.resident = {{"Nama", RowText(person, "name")},
                {"NIK", RowText(person, "nik").empty() ? "-" : RowText(person, "nik")},
                {"Tempat/Tgl. Lahir", birth.empty() ? "-" : birth},
                {"Jenis Kelamin", SexWord(RowText(person, "sex"))},
                {"Alamat", address.empty() ? "-" : address},
                {"Desa/Kelurahan", RegionName(store, village_code)},
                {"Kecamatan", RegionName(store, kecamatan_code)}};
  for (std::string p : rule.letter.body) {
    Fill(&p, "{purpose}", RowText(app, "purpose").empty() ? rule.title_id : RowText(app, "purpose"));
    Fill(&p, "{service}", rule.title_id);
    Fill(&p, "{village}", RegionName(store, village_code));
    c.body.push_back(std::move(p));
  }
  c.signer_title = rule.letter.signer_title;
  c.signer_name = rule.letter.signer_name;
  c.signer_id = rule.letter.signer_id;
  c.qr_text = rec.statement;
  c.qr_caption = "Keaslian surat ini dapat diperiksa tanpa internet di kantor desa mana pun: pindai kode QR, "
                 "atau simpul-node letter verify.";
  SIMPUL_ASSIGN_OR_RETURN(std::string pdf, RenderLetterPdf(c));

  rec.sha256 = Sha256Hex(pdf);
  rec.size = static_cast<int64_t>(pdf.size());
  sync::BlobDir& blobs = store.blobs();  // sealed under the hub data key
  if (!blobs.Has(rec.sha256)) {
    SIMPUL_ASSIGN_OR_RETURN(auto w, blobs.NewWriter());
    SIMPUL_RETURN_IF_ERROR(w.Add(pdf));
    SIMPUL_RETURN_IF_ERROR(w.Finish(rec.sha256));
  }

  rec.id = schema::NewRowId(store.NowMs());
  const schema::TableDef* t = schema::FindTable("letters");
  if (!t) return Status::Internal("no letters table");
  std::vector<sync::FieldWrite> f = {{"application_id", rec.application_id},
                                     {"service", rec.service},
                                     {"number", rec.number},
                                     {"statement", rec.statement},
                                     {"sha256", rec.sha256},
                                     {"size", rec.size},
                                     {"issued_at_ms", rec.issued_at_ms},
                                     {"issued_by", operator_name},
                                     {"signer", rule.letter.signer_name}};
  SIMPUL_ASSIGN_OR_RETURN(auto written, store.writer().Write(*t, rec.id, rec.village, f));
  (void)written;
  return rec;
}

Result<std::vector<LetterRecord>> LettersOf(HubStore& store, const std::string& app_id) {
  SIMPUL_ASSIGN_OR_RETURN(auto q, store.db().Prepare(
      "SELECT id,village,application_id,service,number,statement,sha256,size,issued_at_ms FROM letters"
      " WHERE application_id=? AND deleted=0 ORDER BY issued_at_ms DESC"));
  q.Bind(1, app_id);
  std::vector<LetterRecord> out;
  for (;;) {
    SIMPUL_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    LetterRecord r;
    r.id = q.Text(0);
    r.village = q.Text(1);
    r.application_id = q.Text(2);
    r.service = q.Text(3);
    r.number = q.Text(4);
    r.statement = q.Text(5);
    r.sha256 = q.Text(6);
    r.size = q.Int(7);
    r.issued_at_ms = q.Int(8);
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace simpul::hub
