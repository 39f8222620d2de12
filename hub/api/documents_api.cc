// Documents and letters, as bytes: viewable inline (PDF, JPEG, PNG) or
// downloaded. The type is decided here from the bytes, never from what the
// village's record says, so a document can never be served as a page; each
// read is audited, as `simpul-hub document get` does.
#include "hub/api/api_call.h"
#include "hub/documents.h"
#include "hub/letters/issue.h"
#include "hub/operations.h"
#include "sync/blobs.h"
#include "web/escape.h"
#include "web/security_headers.h"

namespace simpul::hub::api {
namespace {

// The type a browser may show inline, from the first bytes; "" for any other.
std::string ViewableType(std::string_view bytes) {
  if (bytes.substr(0, 5) == "%PDF-") return "application/pdf";
  if (bytes.substr(0, 3) == "\xff\xd8\xff") return "image/jpeg";
  if (bytes.substr(0, 8) == std::string_view("\x89PNG\r\n\x1a\n", 8)) return "image/png";
  return "";
}

web::HttpResponse BytesReply(const ApiCall& call, std::string bytes, const std::string& filename) {
  std::string type = ViewableType(bytes);
  bool download = call.req.Query("download") == "1" || type.empty();
  web::HttpResponse r;
  r.content_type = type.empty() ? "application/octet-stream" : type;
  r.body = std::move(bytes);
  r.Set("content-disposition", web::ContentDisposition(download ? "attachment" : "inline", filename));
  r.Set("content-security-policy", web::kDocumentCsp);
  r.Set("cache-control", "no-store");
  return r;
}

}  // namespace

web::HttpResponse GetDocument(ApiCall& call) {
  const std::string app_id = call.Param("id"), doc_id = call.Param("doc");
  auto rows = QueryRows(call.store, "SELECT village, kind, filename, sha256 FROM attachments"
                                    " WHERE id=? AND application_id=? AND deleted=0", {doc_id, app_id});
  if (!rows.ok()) return StatusReply(call, rows.status());
  if (rows->empty())
    return StatusReply(call, Status::NotFound("no document " + doc_id).WithMsg(MsgId::kNotFoundId, {"@attachments", doc_id}));
  const Row& d = rows->front();
  const std::string sha = RowText(d, "sha256");
  if (!sync::IsSha256Hex(sha)) return StatusReply(call, Status::NotFound("no document").WithMsg(MsgId::kWebDocumentMissing));
  auto bytes = ReadHubDocument(call.store, sha);
  if (!bytes.ok()) {
    Status st = bytes.status();
    if (st.IsNotFound()) st = Status::NotFound("document not received").WithMsg(MsgId::kWebDocumentMissing);
    return StatusReply(call, st);
  }
  // A document is personal data: its read is audited before it leaves.
  if (Status st = AuditNow(call.store, "read_document", RowText(d, "village"), doc_id,
                           "sha256 " + sha.substr(0, 12) + " of application " + app_id + " (web)");
      !st.ok())
    return StatusReply(call, st);
  std::string name = RowText(d, "filename");
  if (name.empty()) name = RowText(d, "kind");
  return BytesReply(call, std::move(*bytes), name);
}

web::HttpResponse GetLetterPdf(ApiCall& call) {
  const std::string app_id = call.Param("id"), letter_id = call.Param("letter");
  auto letters = LettersOf(call.store, app_id);
  if (!letters.ok()) return StatusReply(call, letters.status());
  for (const auto& l : *letters) {
    if (l.id != letter_id) continue;
    auto bytes = ReadHubDocument(call.store, l.sha256);
    if (!bytes.ok()) return StatusReply(call, bytes.status());
    if (Status st = AuditNow(call.store, "read_letter", l.village, l.id, l.number + " of application " + app_id + " (web)");
        !st.ok())
      return StatusReply(call, st);
    std::string name = "surat-" + l.number + ".pdf";
    for (char& c : name)
      if (c == '/' || c == '\\' || c == ' ') c = '-';
    return BytesReply(call, std::move(*bytes), name);
  }
  return StatusReply(call, Status::NotFound("no letter " + letter_id).WithMsg(MsgId::kNotFoundId, {"@letters", letter_id}));
}

}  // namespace simpul::hub::api
