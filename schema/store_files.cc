#include "schema/store_files.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "schema/messages.h"

namespace simpul::schema {

std::string ReadMeta(Db& db, const std::string& key) {
  auto st = db.Cached("SELECT value FROM meta WHERE key=?");
  if (!st.ok()) return {};
  (*st)->Bind(1, key);
  auto row = (*st)->Step();
  std::string v = row.ok() && *row ? (*st)->Text(0) : std::string();
  (*st)->Reset();
  return v;
}

Status WriteMeta(Db& db, const std::string& key, const std::string& value) {
  SIMPUL_ASSIGN_OR_RETURN(Stmt * st, db.Cached("INSERT INTO meta(key,value) VALUES(?,?)"
                                               " ON CONFLICT(key) DO UPDATE SET value=excluded.value"));
  st->Bind(1, key).Bind(2, value);
  return st->Run();
}

Status WriteFileAtomically(const std::string& path, const std::string& bytes, unsigned mode) {
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return Status::IoError("cannot write " + tmp + ": " + std::strerror(errno));
  bool ok = ::write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return Status::IoError("cannot write " + path);
  }
  return Status::Ok();
}

Result<std::string> ReadFileBounded(const std::string& path, uint64_t max_bytes) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return Status::IoError("cannot read " + path).WithMsg(MsgId::kFileUnreadable, {path, std::strerror(errno)});
  auto size = static_cast<uint64_t>(in.tellg());
  if (size > max_bytes)
    return Status::ResourceExhausted(path + " is too large")
        .WithMsg(MsgId::kFileTooLarge, {path, std::to_string(size >> 20) + " MiB", std::to_string(max_bytes >> 20) + " MiB"});
  in.seekg(0);
  std::string bytes(size, '\0');
  if (!in.read(bytes.data(), static_cast<std::streamsize>(size)))
    return Status::IoError("cannot read " + path).WithMsg(MsgId::kFileUnreadable, {path, std::strerror(errno)});
  return bytes;
}

}  // namespace simpul::schema
