// Letters at the hub after they are issued: print one (`letter get`), check
// a letter's QR text (`letter verify`, as the villages do offline), revoke
// one (`letter revoke`, replicates to the village).
#include <iostream>

#include "hub/cli/internal.h"
#include "hub/letters/registry.h"
#include "schema/local_time.h"
#include "schema/store_files.h"

namespace simpul::hub::cli {

// letter get NUMBER|APP_ID --out FILE.pdf
Status CmdLetterGet(Args& a) {
  SIMPUL_RETURN_IF_ERROR(Need(a, 1, {"out"}));
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenHub(a));
  SIMPUL_ASSIGN_OR_RETURN(IssuedLetter letter, FindLetter(*store, a.words[0]));
  SIMPUL_ASSIGN_OR_RETURN(std::string pdf, LetterPdfAtHub(*store, letter));
  // A letter carries the resident's data: its export is audited first.
  SIMPUL_RETURN_IF_ERROR(AuditNow(*store, "read_letter", letter.village, letter.application_id,
                                  letter.number + " written to " + a.opts["out"]));
  SIMPUL_RETURN_IF_ERROR(schema::WriteFileAtomically(a.opts["out"], pdf, 0600));
  if (a.json) {
    std::cout << schema::JsonWriter().BeginObject().Field("file", a.opts["out"]).Field("number", letter.number)
                     .Field("application", letter.application_id).Field("revoked", letter.revoked)
                     .Field("size", static_cast<int64_t>(pdf.size())).EndObject().str() << "\n";
    return Status::Ok();
  }
  std::cout << a.T("Letter written: ") << a.opts["out"] << " (" << letter.number << ")\n";
  if (letter.revoked) std::cout << a.T("This letter was REVOKED by Dinsos: ") << letter.revoke_reason << "\n";
  return Status::Ok();
}

// letter verify QR_TEXT
Status CmdLetterVerify(Args& a) {
  SIMPUL_RETURN_IF_ERROR(Need(a, 1, {}));
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenHub(a));
  auto check = VerifyLetterAtHub(*store, a.words[0]);
  if (!check.ok()) {
    if (check.status().code() == Code::kCorruption)
      return Status::InvalidArgument(check.status().message()).WithField("qr_text");
    return check.status();
  }
  const auto& st = check->statement;
  if (a.json) {
    std::cout << schema::JsonWriter().BeginObject().Field("verdict", sync::LetterVerdictName(check->verdict))
                     .Field("number", st.number).Field("type", st.type).Field("name", st.name)
                     .Field("nik", st.masked_nik).Field("date", st.date).Field("key_id", st.key_id)
                     .Field("detail", check->detail).EndObject().str() << "\n";
  } else {
    const char* verdict = check->verdict == sync::LetterVerdict::kValid ? a.T("VALID: signed by Dinsos")
                          : check->verdict == sync::LetterVerdict::kRevoked
                              ? a.T("REVOKED: genuine, but Dinsos revoked it")
                              : a.T("FORGED: not signed by the Dinsos this office trusts");
    std::cout << verdict << "\n  " << st.number << "  " << st.type << "\n  " << st.name << "  NIK " << st.masked_nik
              << "  " << st.date << "\n";
  }
  if (check->verdict == sync::LetterVerdict::kValid) return Status::Ok();
  // Not an error of the command, but a script must tell the verdicts apart.
  return Status::FailedPrecondition(std::string("letter is ") + sync::LetterVerdictName(check->verdict))
      .WithField("qr_text");
}

// letter revoke NUMBER|APP_ID --reason TEXT
Status CmdLetterRevoke(Args& a) {
  SIMPUL_RETURN_IF_ERROR(Need(a, 1, {"reason"}));
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenHub(a));
  SIMPUL_ASSIGN_OR_RETURN(IssuedLetter letter, FindLetter(*store, a.words[0]));
  SIMPUL_RETURN_IF_ERROR(RevokeLetter(*store, letter, a.opts["reason"]));
  if (a.json) {
    std::cout << schema::JsonWriter().BeginObject().Field("number", letter.number)
                     .Field("application", letter.application_id).Field("revoked", true).EndObject().str() << "\n";
    return Status::Ok();
  }
  std::cout << a.T("Letter revoked: ") << letter.number << "\n"
            << a.T("The village learns it at its next sync; the QR check then says REVOKED.") << "\n";
  return Status::Ok();
}

}  // namespace simpul::hub::cli
