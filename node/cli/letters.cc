// Letter commands of the village: print a letter the hub issued, and check a
// letter's QR text offline.
#include <cstdio>
#include <fstream>
#include <ostream>

#include "node/cli/internal.h"
#include "node/letters.h"
#include "schema/json_writer.h"
#include "schema/local_time.h"

namespace simpul::node {
namespace {

Status CmdLetterGet(Invocation& inv) {
  if (inv.words.empty()) return Status::InvalidArgument("letter get needs the application id").WithField("id");
  auto out = inv.opts.find("out");
  if (out == inv.opts.end() || out->second.empty())
    return Status::InvalidArgument("--out FILE.pdf is required").WithField("out");
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenForCommand(inv));
  SIMPUL_ASSIGN_OR_RETURN(auto letters, LettersOf(*store, inv.words[0]));
  SIMPUL_ASSIGN_OR_RETURN(std::string pdf, LetterPdf(*store, inv.words[0]));
  std::string tmp = out->second + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    f.write(pdf.data(), static_cast<std::streamsize>(pdf.size()));
    if (!f.flush()) return Status::IoError("cannot write " + out->second).WithField("out");
  }
  {
    // The print is audited with the file in place, or neither happens.
    SIMPUL_ASSIGN_OR_RETURN(auto txn, schema::Transaction::Begin(store->db()));
    SIMPUL_RETURN_IF_ERROR(store->Audit("letter_printed", inv.words[0], letters.front().number));
    if (std::rename(tmp.c_str(), out->second.c_str()) != 0) {
      std::remove(tmp.c_str());
      return Status::IoError("cannot write " + out->second).WithField("out");
    }
    SIMPUL_RETURN_IF_ERROR(txn.Commit());
  }
  const auto zone = schema::ZoneOfRegion(store->village());
  const std::string lang = inv.lang == Lang::kId ? "id" : "en";
  if (inv.json) {
    schema::JsonWriter j;
    j.BeginObject().Field("number", letters.front().number).Field("file", out->second)
        .Field("bytes", static_cast<int64_t>(pdf.size()))
        .Field("issued", schema::FormatIso(letters.front().issued_at_ms, zone))
        .Field("revoked", letters.front().revoked).EndObject();
    *inv.out << j.str() << "\n";
  } else {
    *inv.out << inv.T("Letter") << " " << letters.front().number << " ("
             << schema::FormatShortDateTime(letters.front().issued_at_ms, zone, lang) << ") -> " << out->second << "\n";
    if (letters.front().revoked)
      *inv.out << inv.T("This letter was REVOKED by Dinsos: ") << letters.front().revoke_reason << "\n";
  }
  return Status::Ok();
}

Status CmdLetterVerify(Invocation& inv) {
  if (inv.words.empty()) return Status::InvalidArgument("letter verify needs the QR text").WithField("qr_text");
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenForCommand(inv));
  auto check = VerifyLetter(*store, inv.words[0]);
  if (!check.ok()) {
    if (check.status().code() == Code::kCorruption)
      return Status::InvalidArgument(check.status().message()).WithField("qr_text");
    return check.status();
  }
  const auto& st = check->statement;
  if (inv.json) {
    schema::JsonWriter j;
    j.BeginObject().Field("verdict", sync::LetterVerdictName(check->verdict)).Field("number", st.number)
        .Field("type", st.type).Field("name", st.name).Field("nik", st.masked_nik).Field("date", st.date)
        .Field("key_id", st.key_id).Field("detail", check->detail).EndObject();
    *inv.out << j.str() << "\n";
  } else {
    const char* verdict = check->verdict == sync::LetterVerdict::kValid ? inv.T("VALID: signed by Dinsos")
                          : check->verdict == sync::LetterVerdict::kRevoked
                              ? inv.T("REVOKED: genuine, but Dinsos revoked it")
                              : inv.T("FORGED: not signed by the Dinsos this office trusts");
    *inv.out << verdict << "\n  " << st.number << "  " << st.type << "\n  " << st.name << "  NIK "
             << st.masked_nik << "  " << st.date << "\n";
  }
  if (check->verdict == sync::LetterVerdict::kValid) return Status::Ok();
  // Not an error of the command, but a script must tell the verdicts apart.
  return Status::FailedPrecondition(std::string("letter is ") + sync::LetterVerdictName(check->verdict))
      .WithField("qr_text");
}

}  // namespace

Handler LetterGetHandler() { return CmdLetterGet; }
Handler LetterVerifyHandler() { return CmdLetterVerify; }

}  // namespace simpul::node
