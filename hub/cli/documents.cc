// The documents villages attach, as the hub's operators see them: listed
// with their application, exported one at a time (each export audited).
#include <iostream>

#include "hub/cli/internal.h"
#include "hub/documents.h"
#include "schema/store_files.h"
#include "sync/blobs.h"

namespace simpul::hub::cli {
namespace {

struct Document {
  std::string id, village, application_id, kind, filename, media_type, sha256;
  int64_t size = 0;
};

Result<std::vector<Document>> DocumentsWhere(HubStore& store, const std::string& where, const std::string& value) {
  SIMPUL_ASSIGN_OR_RETURN(auto st, store.db().Prepare(
      "SELECT id,village,application_id,kind,filename,media_type,sha256,size FROM attachments WHERE deleted=0 AND " +
      where + "=? AND sha256 IS NOT NULL ORDER BY rowid"));
  st.Bind(1, value);
  std::vector<Document> out;
  for (;;) {
    SIMPUL_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back({st.Text(0), st.Text(1), st.Text(2), st.Text(3), st.Text(4), st.Text(5), st.Text(6), st.Int(7)});
  }
  return out;
}

}  // namespace

Status PrintApplicationDocuments(const Args& a, HubStore& store, const std::string& app_id, schema::JsonWriter* j) {
  SIMPUL_ASSIGN_OR_RETURN(auto docs, DocumentsWhere(store, "application_id", app_id));
  if (j) j->Key("documents").BeginArray();
  else std::cout << "  " << a.T("Documents:") << (docs.empty() ? std::string(" ") + a.T("(no documents)") : "") << "\n";
  for (const auto& d : docs) {
    bool received = store.blobs().Has(d.sha256);
    if (j) {
      j->BeginObject().Field("id", d.id).Field("kind", d.kind).Field("filename", d.filename).Field("size", d.size)
          .Field("media_type", d.media_type).Field("sha256", d.sha256).Field("received", received).EndObject();
      continue;
    }
    std::cout << "    " << d.id << "  " << d.kind << "  " << d.filename << "  " << d.size << " B  " << d.media_type
              << "  sha256 " << d.sha256.substr(0, 12) << "  " << (received ? a.T("received") : a.T("not yet received"))
              << "\n";
  }
  if (j) j->EndArray();
  return Status::Ok();
}

Status CmdDocumentGet(Args& a) {
  SIMPUL_RETURN_IF_ERROR(Need(a, 1, {"out"}));
  SIMPUL_ASSIGN_OR_RETURN(auto store, OpenHub(a));
  const std::string& which = a.words[0];
  SIMPUL_ASSIGN_OR_RETURN(auto docs, DocumentsWhere(*store, sync::IsSha256Hex(which) ? "sha256" : "id", which));
  if (docs.empty()) return Status::NotFound("no document " + which + " (give its SHA-256 or its attachment id)");
  const Document& d = docs.front();
  SIMPUL_ASSIGN_OR_RETURN(std::string bytes, ReadHubDocument(*store, d.sha256));
  // A document is personal data: its read is audited before it leaves.
  SIMPUL_RETURN_IF_ERROR(AuditNow(*store, "read_document", d.village, d.id,
                                  "sha256 " + d.sha256.substr(0, 12) + " of application " + d.application_id +
                                      " written to " + a.opts["out"]));
  SIMPUL_RETURN_IF_ERROR(schema::WriteFileAtomically(a.opts["out"], bytes, 0600));
  if (a.json) {
    std::cout << schema::JsonWriter().BeginObject().Field("file", a.opts["out"]).Field("sha256", d.sha256)
                     .Field("size", static_cast<int64_t>(bytes.size())).EndObject().str() << "\n";
    return Status::Ok();
  }
  std::cout << a.T("Document written: ") << a.opts["out"] << " (" << bytes.size() << " B, sha256 "
            << d.sha256.substr(0, 12) << ")\n";
  return Status::Ok();
}

}  // namespace simpul::hub::cli
