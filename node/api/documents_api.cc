// An application's documents in the village web app: the checklist of the
// kinds its service rule names (attached or not), a scan uploaded from a file
// or the laptop's camera (the page has already made a large photo smaller),
// a scan replaced, and a scan viewed. Uploads go through AttachDocumentBytes
// (node/documents.h), the CLI's `application attach` path: change capture,
// outbox, sealed blob. The body is the file itself (Content-Type image/... or
// application/pdf, which no cross-site form can send), with the CSRF token
// like every change; its type is decided from its first bytes.
#include "node/api/api_call.h"
#include "node/documents.h"
#include "node/stages.h"
#include "schema/model.h"
#include "web/escape.h"
#include "web/security_headers.h"

namespace simpul::node::api {
namespace {

std::string KindLabel(Lang lang, const std::string& kind) {
  const schema::CodeLabel* c = schema::FindCode(schema::kAttachmentKinds, kind);
  return c ? (lang == Lang::kId ? c->label_id : c->label_en) : kind;
}

void WriteDocument(JsonWriter& j, Lang lang, const DocumentInfo& d) {
  j.BeginObject().Field("id", d.id).Field("kind", d.kind).Field("kind_label", KindLabel(lang, d.kind))
      .Field("filename", d.filename).Field("media_type", d.media_type).Field("size", d.size)
      .Field("size_text", SizeText(static_cast<uint64_t>(d.size))).Field("present", d.present).EndObject();
}

web::HttpResponse UploadRefused(const ApiCall& call, int http, const char* code, MsgId msg,
                                std::vector<std::string> args) {
  return ErrorReply(http, code, Msg(call.lang, msg, args), "file");
}

// Attaches the request's body as a scan of `kind`, replacing `replaces`
// when not empty.
web::HttpResponse Upload(ApiCall& call, const std::string& kind, const std::string& replaces) {
  const std::string app_id = call.Param("id");
  const std::string label = KindLabel(call.lang, kind);
  const std::string& body = call.req.body;
  std::string declared(call.req.HeaderValue("content-type"));
  declared = declared.substr(0, declared.find(';'));
  if (declared.rfind("image/", 0) != 0 && declared != "application/pdf")
    return UploadRefused(call, 415, "unsupported_media_type", MsgId::kWebUploadNotScan, {label});
  if (body.empty()) return UploadRefused(call, 400, "invalid_argument", MsgId::kWebUploadEmpty, {label});
  // What the bytes are, not what the browser says they are.
  const std::string type = DocumentMediaType(std::string_view(body).substr(0, 8));
  if (type == "application/octet-stream")
    return UploadRefused(call, 415, "unsupported_media_type", MsgId::kWebUploadNotScan, {label});
  std::string name = call.req.Query("name");
  if (name.empty())
    name = kind + (type == "application/pdf" ? ".pdf" : type == "image/png" ? ".png" : ".jpg");
  auto written = AttachDocumentBytes(call.store(), app_id, kind, name, body, call.app.options.max_upload_bytes,
                                     replaces);
  if (!written.ok()) {
    if (written.status().code() == Code::kResourceExhausted)
      return UploadRefused(call, 413, "resource_exhausted", MsgId::kWebUploadTooLarge,
                           {label, SizeText(body.size()), SizeText(call.app.options.max_upload_bytes)});
    return StatusReply(call, written.status());
  }
  auto docs = DocumentsOf(call.store(), app_id);
  if (!docs.ok()) return StatusReply(call, docs.status());
  JsonWriter j;
  for (const auto& d : *docs)
    if (d.id == written->id) WriteDocument(j, call.lang, d);
  return JsonReply(replaces.empty() ? 201 : 200, j.str());
}

}  // namespace

Status WriteDocuments(JsonWriter& j, const ApiCall& call, const std::string& app_id,
                      std::vector<std::string>* missing_kinds) {
  NodeStore& store = *call.app.store;
  SIMPUL_ASSIGN_OR_RETURN(auto docs, DocumentsOf(store, app_id));
  SIMPUL_ASSIGN_OR_RETURN(auto named, DocumentsNamedBy(store, app_id));
  SIMPUL_ASSIGN_OR_RETURN(*missing_kinds, MissingDocumentsOf(store, app_id));
  j.Key("documents").BeginArray();
  for (const auto& d : docs) WriteDocument(j, call.lang, d);
  j.EndArray().Key("document_kinds").BeginArray();
  for (const auto& n : named)
    j.BeginObject().Field("kind", n.kind).Field("label", KindLabel(call.lang, n.kind)).Field("required", n.required)
        .EndObject();
  j.EndArray().Field("upload_limit", static_cast<int64_t>(call.app.options.max_upload_bytes))
      .Field("upload_limit_text", SizeText(call.app.options.max_upload_bytes));
  return Status::Ok();
}

bool OverUploadLimit(const ApiCall& call, web::HttpResponse* refusal) {
  const uint64_t limit = call.app.options.max_upload_bytes;
  if (call.req.body.size() <= limit) return false;
  const std::string kind = call.req.Query("kind");
  *refusal = UploadRefused(call, 413, "resource_exhausted", MsgId::kWebUploadTooLarge,
                           {KindLabel(call.lang, kind.empty() ? "other" : kind), SizeText(call.req.body.size()),
                            SizeText(limit)});
  return true;
}

web::HttpResponse AddDocument(ApiCall& call) {
  std::string kind = call.req.Query("kind");
  if (kind.empty())
    return StatusReply(call, Status::InvalidArgument("kind").WithMsg(MsgId::kFieldRequired, {"kind"}), "kind");
  return Upload(call, kind, "");
}

web::HttpResponse ReplaceDocument(ApiCall& call) {
  auto docs = DocumentsOf(call.store(), call.Param("id"));
  if (!docs.ok()) return StatusReply(call, docs.status());
  for (const auto& d : *docs) {
    if (d.id != call.Param("doc")) continue;
    std::string kind = call.req.Query("kind");
    return Upload(call, kind.empty() ? d.kind : kind, d.id);
  }
  return ErrorReply(404, "not_found", Msg(call.lang, MsgId::kWebNotFound), "document");
}

web::HttpResponse ViewDocument(ApiCall& call) {
  NodeStore& store = call.store();
  const std::string app_id = call.Param("id"), doc_id = call.Param("doc");
  auto doc = ReadDocument(store, app_id, doc_id);
  if (!doc.ok()) {
    if (doc.status().code() == Code::kUnavailable)
      return ErrorReply(503, "unavailable", Msg(call.lang, MsgId::kWebDocumentNotHere));
    return StatusReply(call, doc.status());
  }
  // A scan is personal data: who viewed it is in the audit chain.
  AuditNow(store, "read_document", app_id, doc_id + " (web)");
  // The type from the bytes: a document is never served as a page.
  const std::string type = DocumentMediaType(std::string_view(doc->bytes).substr(0, 8));
  const bool download = call.req.Query("download") == "1" || type == "application/octet-stream";
  web::HttpResponse r(200, type, std::move(doc->bytes));
  r.Set("content-disposition", web::ContentDisposition(download ? "attachment" : "inline", doc->info.filename));
  r.Set("content-security-policy", web::kDocumentCsp);
  r.Set("cache-control", "no-store");
  return r;
}

}  // namespace simpul::node::api
