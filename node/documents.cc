#include "node/documents.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>

#include "schema/db.h"
#include "schema/ids.h"
#include "schema/model.h"
#include "schema/tables.h"
#include "sync/crypto/envelope.h"
#include "schema/validate.h"

namespace simpul::node {
namespace {

Status FileError(const std::string& path, const std::string& why) {
  return Status::IoError("cannot read " + path + ": " + why)
      .WithField("file")
      .WithMsg(MsgId::kFileUnreadable, {path, why});
}

Status TooLarge(const std::string& name, uint64_t size, uint64_t max_bytes) {
  return Status::ResourceExhausted("file too large")
      .WithField("file")
      .WithMsg(MsgId::kFileTooLarge, {name, SizeText(size), SizeText(max_bytes)});
}

// Reads the next bytes of a document into `buf` (at most `n`): the count,
// 0 at its end.
using ReadFn = std::function<Result<size_t>(char* buf, size_t n)>;

// What must hold before any byte is read: a known kind, an application the
// village may still change, and (when replacing) one of its documents.
Status CheckAttachable(NodeStore& store, const std::string& app_id, const std::string& kind,
                       const std::string& replaces) {
  SIMPUL_RETURN_IF_ERROR(schema::CheckEnum("kind", kind, schema::ListCodes(schema::kAttachmentKinds),
                                           schema::FindCode(schema::kAttachmentKinds, kind)));
  SIMPUL_RETURN_IF_ERROR(ReadRecord(store, Entity::kApplication, app_id).status());
  SIMPUL_ASSIGN_OR_RETURN(auto state, ApplicationState(store, app_id));
  if (!schema::VillageMayEdit(state.status))
    return Status::FailedPrecondition("application is " + state.status)
        .WithMsg(MsgId::kNotEditable, {app_id, state.status});
  if (replaces.empty()) return Status::Ok();
  SIMPUL_ASSIGN_OR_RETURN(auto docs, DocumentsOf(store, app_id));
  if (std::none_of(docs.begin(), docs.end(), [&](const DocumentInfo& d) { return d.id == replaces; }))
    return Status::NotFound("no document " + replaces + " of application " + app_id)
        .WithField("document")
        .WithMsg(MsgId::kNotFoundId, {"@attachments", replaces});
  return Status::Ok();
}

// The one attach path, after CheckAttachable: copies the bytes into a sealed
// temporary document while hashing (a crash leaves at worst an orphan
// temporary, never a wrong document, and the clear bytes never touch the
// store's disk), puts it in place, then writes the attachment row (and the
// replaced one's deletion) in one transaction through change capture.
Result<Written> Attach(NodeStore& store, const std::string& app_id, const std::string& kind,
                       const std::string& name, uint64_t announced_size, const ReadFn& read, uint64_t max_bytes,
                       const std::string& replaces) {
  if (announced_size > max_bytes) return TooLarge(name, announced_size, max_bytes);

  SIMPUL_ASSIGN_OR_RETURN(auto writer, store.blobs().NewWriter());
  crypto_hash_sha256_state sha;
  crypto_hash_sha256_init(&sha);
  std::string head;
  uint64_t size = 0;
  char buf[1 << 16];
  Status io;
  for (;;) {
    auto n = read(buf, sizeof buf);
    if (!n.ok()) {
      io = n.status();
      break;
    }
    if (*n == 0) break;
    if (head.size() < 8) head.append(buf, std::min<size_t>(8 - head.size(), *n));
    crypto_hash_sha256_update(&sha, reinterpret_cast<unsigned char*>(buf), *n);
    size += *n;
    if (size > max_bytes) {
      io = TooLarge(name, size, max_bytes);
      break;
    }
    io = writer.Add(std::string_view(buf, *n));
    if (!io.ok()) break;
  }
  sodium_memzero(buf, sizeof buf);
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&sha, digest);
  std::string hex = sync::crypto::ToHex(digest, sizeof digest);
  if (io.ok()) io = writer.Finish(hex);
  if (!io.ok()) return io;  // the writer removes its temporary
  const schema::TableDef* table = schema::FindTable("attachments");
  std::string id = schema::NewRowId(store.NowMs());
  std::string filename = std::filesystem::path(name).filename().string();
  std::vector<sync::FieldWrite> fields = {
      {"application_id", app_id}, {"kind", kind}, {"sha256", hex},
      {"size", static_cast<int64_t>(size)}, {"media_type", DocumentMediaType(head)},
      {"filename", filename.substr(0, 200)}};
  SIMPUL_ASSIGN_OR_RETURN(auto txn, schema::Transaction::Begin(store.db()));
  SIMPUL_ASSIGN_OR_RETURN(auto w, store.writer().Write(*table, id, store.village(), fields));
  if (!replaces.empty())
    SIMPUL_RETURN_IF_ERROR(store.writer().Write(*table, replaces, store.village(), std::vector<sync::FieldWrite>{{"deleted", int64_t{1}}}).status());
  SIMPUL_RETURN_IF_ERROR(txn.Commit());
  return Written{id, {}, w.fields_changed};
}

}  // namespace

std::string SizeText(uint64_t bytes) {
  char buf[32];
  if (bytes >= (1ull << 20))
    std::snprintf(buf, sizeof buf, bytes % (1ull << 20) ? "%.1f MiB" : "%.0f MiB", bytes / 1048576.0);
  else if (bytes >= 1024)
    std::snprintf(buf, sizeof buf, bytes % 1024 ? "%.1f KiB" : "%.0f KiB", bytes / 1024.0);
  else
    std::snprintf(buf, sizeof buf, "%llu bytes", static_cast<unsigned long long>(bytes));
  return buf;
}

std::string DocumentMediaType(std::string_view head) {
  if (head.substr(0, 4) == "%PDF") return "application/pdf";
  if (head.substr(0, 3) == "\xff\xd8\xff") return "image/jpeg";
  if (head.substr(0, 4) == "\x89PNG") return "image/png";
  return "application/octet-stream";
}

Result<Written> AttachDocument(NodeStore& store, const std::string& app_id, const std::string& kind,
                               const std::string& path, uint64_t max_bytes) {
  SIMPUL_RETURN_IF_ERROR(CheckAttachable(store, app_id, kind, ""));
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return FileError(path, std::strerror(errno));
  struct stat sb {};
  if (::fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
    ::close(fd);
    return FileError(path, "not a regular file");
  }
  ReadFn read = [&](char* buf, size_t n) -> Result<size_t> {
    for (;;) {
      ssize_t got = ::read(fd, buf, n);
      if (got >= 0) return static_cast<size_t>(got);
      if (errno != EINTR) return FileError(path, std::strerror(errno));
    }
  };
  auto written = Attach(store, app_id, kind, path, static_cast<uint64_t>(sb.st_size), read, max_bytes, "");
  ::close(fd);
  return written;
}

Result<Written> AttachDocumentBytes(NodeStore& store, const std::string& app_id, const std::string& kind,
                                    const std::string& filename, std::string_view bytes, uint64_t max_bytes,
                                    const std::string& replaces) {
  SIMPUL_RETURN_IF_ERROR(CheckAttachable(store, app_id, kind, replaces));
  size_t at = 0;
  ReadFn read = [&](char* buf, size_t n) -> Result<size_t> {
    size_t take = std::min(n, bytes.size() - at);
    std::memcpy(buf, bytes.data() + at, take);
    at += take;
    return take;
  };
  return Attach(store, app_id, kind, filename, bytes.size(), read, max_bytes, replaces);
}

Result<std::vector<DocumentInfo>> DocumentsOf(NodeStore& store, const std::string& app_id) {
  SIMPUL_ASSIGN_OR_RETURN(auto* st, store.db().Cached(
                                        "SELECT id,kind,filename,media_type,sha256,size FROM attachments"
                                        " WHERE application_id=? AND deleted=0 ORDER BY id"));
  st->Bind(1, app_id);
  std::vector<DocumentInfo> out;
  for (;;) {
    auto row = st->Step();
    if (!row.ok()) {
      st->Reset();
      return row.status();
    }
    if (!*row) break;
    DocumentInfo d{st->Text(0), st->Text(1), st->Text(2), st->Text(3), st->Text(4), st->Int(5), false};
    d.present = d.sha256.size() == 64 && store.blobs().Has(d.sha256);
    out.push_back(std::move(d));
  }
  st->Reset();
  return out;
}

Result<DocumentBytes> ReadDocument(NodeStore& store, const std::string& app_id, const std::string& doc_id) {
  SIMPUL_ASSIGN_OR_RETURN(auto docs, DocumentsOf(store, app_id));
  auto it = std::find_if(docs.begin(), docs.end(), [&](const DocumentInfo& d) { return d.id == doc_id; });
  if (it == docs.end())
    return Status::NotFound("no document " + doc_id + " of application " + app_id)
        .WithField("document")
        .WithMsg(MsgId::kNotFoundId, {"@attachments", doc_id});
  if (!it->present) return Status::Unavailable("document " + doc_id + " not received yet");
  SIMPUL_ASSIGN_OR_RETURN(std::string bytes, store.blobs().Read(it->sha256, 0, static_cast<uint64_t>(it->size) + 1));
  return DocumentBytes{*it, std::move(bytes)};
}

}  // namespace simpul::node
