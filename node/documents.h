// An application's documents (scans of the KK, KTP, SKTM...): attached from
// a file (the CLI's `application attach`) or from bytes the village web app
// received (node/api/documents_api.cc), replaced, listed and read back. Both
// ways go through one function: the bytes are sealed into the store's blob
// directory (sync/blobs.h) and the attachment row is written through change
// capture, so it reaches the outbox like any typed change.
#ifndef SIMPUL_NODE_DOCUMENTS_H_
#define SIMPUL_NODE_DOCUMENTS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "node/records.h"
#include "node/store.h"
#include "schema/status.h"

namespace simpul::node {

// Limit of one document attached from a file, in bytes (20 MiB).
inline constexpr uint64_t kMaxAttachmentBytes = 20ull << 20;

// "20 MiB", "30.5 MiB", "512 KiB": sizes as an operator reads them.
std::string SizeText(uint64_t bytes);

// The type of a document from its first bytes: "application/pdf",
// "image/jpeg", "image/png", else "application/octet-stream".
std::string DocumentMediaType(std::string_view head);

// Attaches the file at `path` to application `app_id` as a document of
// `kind` (schema::kAttachmentKinds). The application must be editable by
// the village (draft or returned). ResourceExhausted (MsgId::kFileTooLarge,
// field "file") over `max_bytes`; IoError (MsgId::kFileUnreadable) when the
// file cannot be read. Nothing is written when refused.
Result<Written> AttachDocument(NodeStore& store, const std::string& app_id, const std::string& kind,
                               const std::string& path, uint64_t max_bytes = kMaxAttachmentBytes);

// The same with the document's bytes in memory (an upload), `filename` as
// the operator's file was named. When `replaces` names an attachment of the
// application, that one is marked deleted in the same transaction: the
// new scan takes its place (NotFound, field "document", when it is not one
// of the application's documents).
Result<Written> AttachDocumentBytes(NodeStore& store, const std::string& app_id, const std::string& kind,
                                    const std::string& filename, std::string_view bytes,
                                    uint64_t max_bytes = kMaxAttachmentBytes, const std::string& replaces = "");

struct DocumentInfo {
  std::string id, kind, filename, media_type, sha256;
  int64_t size = 0;
  bool present = false;  // its bytes are in this store (not only announced)
};

// The application's documents that are not deleted, oldest first.
Result<std::vector<DocumentInfo>> DocumentsOf(NodeStore& store, const std::string& app_id);

struct DocumentBytes {
  DocumentInfo info;
  std::string bytes;
};

// Document `doc_id` of application `app_id` with its bytes. NotFound when
// it is not one of the application's documents; Unavailable when its bytes
// have not arrived in this store.
Result<DocumentBytes> ReadDocument(NodeStore& store, const std::string& app_id, const std::string& doc_id);

}  // namespace simpul::node

#endif  // SIMPUL_NODE_DOCUMENTS_H_
